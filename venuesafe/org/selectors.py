from __future__ import annotations

from django.db.models import QuerySet

from .models import OrgUnit


def org_unit_subtree(*, unit: OrgUnit, include_self: bool = True) -> QuerySet[OrgUnit]:
    qs = OrgUnit.objects.filter(path__startswith=unit.path)
    if not include_self:
        qs = qs.exclude(pk=unit.pk)
    return qs


def org_unit_ancestors(*, unit: OrgUnit) -> QuerySet[OrgUnit]:
    ids = [int(p) for p in unit.path.strip("/").split("/") if p]
    return OrgUnit.objects.filter(pk__in=ids).order_by("path")
