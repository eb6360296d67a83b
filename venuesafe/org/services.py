from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from venuesafe.core.errors import InvalidInput

from .models import CHILD_LEVEL, OrgUnit


@transaction.atomic
def org_unit_create(*, name: str, code: str, level: str, parent: OrgUnit | None = None) -> OrgUnit:
    expected = CHILD_LEVEL.get(parent.level if parent else None)
    if expected is None or level != expected:
        raise InvalidInput(_("A %(level)s cannot be placed here.") % {"level": level}, code="org_level_mismatch")
    unit = OrgUnit.objects.create(name=name, code=code, level=level, parent=parent, path="")
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.save(update_fields=["path"])
    return unit


def org_unit_get_or_create(*, name: str, code: str, level: str, parent: OrgUnit | None = None) -> OrgUnit:
    existing = OrgUnit.objects.filter(code=code).first()
    if existing:
        return existing
    return org_unit_create(name=name, code=code, level=level, parent=parent)
