"""Patrol inspections (巡查): the checklist per category and each inspection with its answers.

An Inspection is written only through inspections.services.inspection_submit, idempotent by the
client-generated `client_id`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from venuesafe.core import clock


class ChecklistSection(models.TextChoices):
    EVACUATION = "evacuation", _("Evacuation")
    EXTINGUISHERS = "extinguishers", _("Extinguishers and fire systems")
    ELECTRICAL = "electrical", _("Electrical")
    FIRE_USE = "fire_use", _("Use of fire")
    SLEEPING = "sleeping", _("Sleeping on the premises")
    MATERIALS = "materials", _("Materials and hazardous goods")
    EBIKE = "ebike", _("E-bikes")
    MANAGEMENT = "management", _("Management")
    GAS = "gas", _("Gas")
    KITCHEN = "kitchen", _("Kitchen")


class ChecklistItem(models.Model):
    """One question of a category's checklist (regulations.md §4). "No" raises one of its hazard types."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    section = models.CharField(_("section"), max_length=16, choices=ChecklistSection.choices)
    question = models.CharField(_("question (Chinese)"), max_length=200)
    question_en = models.CharField(_("question (English)"), max_length=200)
    hint = models.CharField(_("what right looks like (Chinese)"), max_length=300, blank=True)
    hint_en = models.CharField(_("what right looks like (English)"), max_length=300, blank=True)
    applies_to_all = models.BooleanField(_("applies to every category"), default=True)
    categories = models.ManyToManyField(
        "venues.VenueCategory", blank=True, related_name="checklist_items", verbose_name=_("categories")
    )
    hazard_types = models.ManyToManyField(
        "hazards.HazardType", related_name="checklist_items", verbose_name=_("hazards a 'no' may be")
    )
    default_hazard_type = models.ForeignKey(
        "hazards.HazardType", on_delete=models.PROTECT, related_name="+", verbose_name=_("default hazard")
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def label(self) -> str:
        lang = translation.get_language() or ""
        return self.question_en if lang.startswith("en") and self.question_en else self.question

    @property
    def hint_label(self) -> str:
        lang = translation.get_language() or ""
        return self.hint_en if lang.startswith("en") and self.hint_en else self.hint


class LocationStatus(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    OFF_SITE = "off_site", _("Off site")
    NO_LOCATION = "no_location", _("No location from the phone")
    VENUE_UNLOCATED = "venue_unlocated", _("Venue has no archived location")


class Inspection(models.Model):
    client_id = models.UUIDField(_("client id"), unique=True)
    venue = models.ForeignKey(
        "venues.Venue", on_delete=models.PROTECT, related_name="inspections", verbose_name=_("venue")
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("inspector")
    )
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"))
    lat = models.FloatField(_("latitude (WGS-84)"), null=True, blank=True)
    lng = models.FloatField(_("longitude (WGS-84)"), null=True, blank=True)
    accuracy_m = models.FloatField(_("accuracy (m)"), null=True, blank=True)
    distance_m = models.FloatField(_("distance to the venue (m)"), null=True, blank=True)
    location_status = models.CharField(_("location"), max_length=16, choices=LocationStatus.choices)
    note = models.TextField(_("note"), blank=True)
    corrected_fields = models.JSONField(_("archive fields corrected"), default=list, blank=True)

    # Copied from the venue for scoping and area figures.
    org_path = models.CharField(max_length=255, editable=False)
    community = models.ForeignKey("org.OrgUnit", on_delete=models.PROTECT, related_name="+", editable=False)
    category = models.ForeignKey("venues.VenueCategory", on_delete=models.PROTECT, related_name="+", editable=False)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-ended_at", "-id"]
        indexes = [
            models.Index(fields=["venue", "ended_at"], name="inspection_venue_ended"),
            models.Index(fields=["inspector", "ended_at"], name="inspection_inspector_ended"),
            models.Index(fields=["org_path", "ended_at"], name="inspection_org_path_ended"),
            # The big screen (dashboard.selectors): today's and this month's counts index-only, the
            # newest first for the feed; org_path for LIKE 'prefix%' under any collation.
            models.Index(fields=["ended_at", "id"], include=["org_path", "category"], name="inspection_ended_cover"),
            models.Index(fields=["org_path"], opclasses=["varchar_pattern_ops"], name="inspection_org_path_like"),
        ]

    def __str__(self) -> str:
        return f"{self.venue} · {self.ended_at:%Y-%m-%d}"

    @property
    def is_off_site(self) -> bool:
        return self.location_status == LocationStatus.OFF_SITE


class AnswerResult(models.TextChoices):
    PASS = "pass", _("Yes")
    FAIL = "fail", _("No")
    NOT_APPLICABLE = "na", _("Not applicable")


class InspectionAnswer(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="answers")
    checklist_item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    result = models.CharField(_("result"), max_length=4, choices=AnswerResult.choices)
    note = models.TextField(_("note"), blank=True)
    hazard = models.ForeignKey(
        "hazards.Hazard", on_delete=models.PROTECT, null=True, blank=True, related_name="inspection_answers"
    )

    class Meta:
        verbose_name = _("inspection answer")
        verbose_name_plural = _("inspection answers")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.inspection_id} {self.checklist_item_id} {self.result}"
