from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class OrgLevel(models.TextChoices):
    DISTRICT = "district", _("District")
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community / village")
    GRID = "grid", _("Grid")


# Which level may sit under which: 区 → 街道 → 社区/村 → 网格.
CHILD_LEVEL = {
    None: OrgLevel.DISTRICT,
    OrgLevel.DISTRICT: OrgLevel.STREET,
    OrgLevel.STREET: OrgLevel.COMMUNITY,
    OrgLevel.COMMUNITY: OrgLevel.GRID,
}


class OrgUnit(models.Model):
    """A node of the territorial tree. `path` is a materialised path ("/1/4/17/") so that
    a whole subtree is one indexed prefix query."""

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=40, unique=True)
    level = models.CharField(_("level"), max_length=16, choices=OrgLevel.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1


class Department(models.Model):
    """A line department (条线), e.g. fire rescue or market regulation."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name
