"""The hazard catalogue and the hazard work order (隐患工单) with its event history.

A Hazard is written only through hazards.services: every transition checks the actor's right
and the current state and writes the new state plus exactly one HazardEvent in one transaction.
Overdue is derived from `deadline` and never stored.
"""

from __future__ import annotations

from uuid import uuid4

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from venuesafe.core import clock
from venuesafe.core.validators import validate_photo


class Severity(models.TextChoices):
    GENERAL = "general", _("General")  # 一般
    SERIOUS = "serious", _("Serious")  # 较大
    MAJOR = "major", _("Major")  # 重大


class HazardType(models.Model):
    """One entry of the hazard catalogue (regulations.md §9). Data, editable by district admins."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    applies_to_all = models.BooleanField(_("applies to every category"), default=True)
    categories = models.ManyToManyField(
        "venues.VenueCategory", blank=True, related_name="hazard_types", verbose_name=_("categories")
    )
    default_severity = models.CharField(
        _("default severity"), max_length=8, choices=Severity.choices, default=Severity.GENERAL
    )
    default_deadline_hours = models.PositiveIntegerField(
        _("default deadline (hours)"),
        null=True,
        blank=True,
        help_text=_("Empty: the default deadline of the severity applies."),
    )
    fix_immediately = models.BooleanField(_("to be corrected at once"), default=False)
    detection = models.CharField(
        _("how it is found"), max_length=8, blank=True, help_text=_("C checklist, D date rule, P photo")
    )
    candidate_major_factor = models.BooleanField(_("may count towards a major fire hazard (GB 35181)"), default=False)
    gb35181_element = models.CharField(
        _("GB 35181 element"), max_length=16, blank=True, help_text=_("e.g. 6.8 (direct) or 7.3.3 (comprehensive)")
    )
    gb35181_direct = models.BooleanField(_("direct element (one is enough)"), default=False)
    regulation = models.TextField(_("legal basis"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hazard type")
        verbose_name_plural = _("hazard catalogue")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def label(self) -> str:
        lang = translation.get_language() or ""
        return self.name_en if lang.startswith("en") and self.name_en else self.name


class HazardState(models.TextChoices):
    FOUND = "found", _("Awaiting dispatch")  # 待派单
    DISPATCHED = "dispatched", _("Dispatched")  # 已派单
    RECTIFYING = "rectifying", _("Rectifying")  # 整改中
    AWAITING_REVIEW = "awaiting_review", _("Awaiting review")  # 待复核
    CLOSED = "closed", _("Closed")  # 已闭环
    WITHDRAWN = "withdrawn", _("Withdrawn")  # 已撤销


OPEN_STATES = (HazardState.FOUND, HazardState.DISPATCHED, HazardState.RECTIFYING, HazardState.AWAITING_REVIEW)


class HazardSource(models.TextChoices):
    INSPECTION = "inspection", _("Inspection")
    SELF_CHECK = "self_check", _("Merchant self-check")
    DATE_RULE = "date_rule", _("Date rule")
    RESIDENT_REPORT = "resident_report", _("Resident report")


class EscalationLevel(models.IntegerChoices):
    GRID = 0, _("Grid")
    COMMUNITY = 1, _("Community")
    STREET = 2, _("Street office")


class Hazard(models.Model):
    """A hazard and its rectification work order."""

    venue = models.ForeignKey("venues.Venue", on_delete=models.PROTECT, related_name="hazards", verbose_name=_("venue"))
    hazard_type = models.ForeignKey(
        HazardType, on_delete=models.PROTECT, related_name="hazards", verbose_name=_("hazard type")
    )
    description = models.TextField(_("description"), blank=True)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    state = models.CharField(_("state"), max_length=16, choices=HazardState.choices, default=HazardState.FOUND)
    source = models.CharField(_("source"), max_length=16, choices=HazardSource.choices)
    inspection = models.ForeignKey(
        "inspections.Inspection",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hazards",
        verbose_name=_("inspection"),
    )

    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    found_at = models.DateTimeField(_("found at"), default=clock.now)
    found_lat = models.FloatField(null=True, blank=True)
    found_lng = models.FloatField(null=True, blank=True)
    found_accuracy_m = models.FloatField(null=True, blank=True)
    fixed_on_spot = models.BooleanField(_("fixed on the spot"), default=False)

    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    responsible_merchant = models.BooleanField(_("the merchant is responsible"), default=False)
    responsible_community = models.ForeignKey(
        "org.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible community"),
    )
    responsible_department = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible department"),
    )
    escalation_level = models.PositiveSmallIntegerField(
        _("escalated to"), choices=EscalationLevel.choices, default=EscalationLevel.GRID
    )

    dispatched_at = models.DateTimeField(null=True, blank=True)
    proof_submitted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    review_failures = models.PositiveSmallIntegerField(default=0)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    # Bumped by every transition, so a page or client acting on an old copy is told it changed.
    version = models.PositiveIntegerField(default=1)

    # Copied from the venue so scoping and area figures never join the archive.
    org_path = models.CharField(max_length=255, editable=False)
    community = models.ForeignKey("org.OrgUnit", on_delete=models.PROTECT, related_name="+", editable=False)
    category = models.ForeignKey("venues.VenueCategory", on_delete=models.PROTECT, related_name="+", editable=False)

    created_at = models.DateTimeField(default=clock.now, editable=False)
    updated_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        ordering = ["-found_at", "-id"]
        indexes = [
            models.Index(fields=["org_path", "state"], name="hazard_org_path_state"),
            models.Index(fields=["state", "deadline"], name="hazard_state_deadline"),
            models.Index(fields=["org_path", "found_at"], name="hazard_org_path_found"),
            models.Index(fields=["org_path", "closed_at"], name="hazard_org_path_closed"),
            models.Index(fields=["venue", "state"], name="hazard_venue_state"),
            # The big screen (dashboard.selectors, bench/dashboard_summary.py): covering indexes so
            # this year's counts are index-only scans (org_path is filtered inside the index; the
            # withdrawn, which count nowhere, are left out), and org_path for LIKE 'prefix%' under
            # any collation (a plain btree serves it only under the C collation).
            models.Index(
                fields=["found_at"],
                include=["id", "org_path", "community", "hazard_type", "category"],
                condition=~models.Q(state="withdrawn"),
                name="hazard_found_cover",
            ),
            models.Index(
                fields=["closed_at"],
                include=["id", "org_path", "found_at", "deadline", "community", "category"],
                condition=models.Q(closed_at__isnull=False) & ~models.Q(state="withdrawn"),
                name="hazard_closed_cover",
            ),
            models.Index(
                fields=["deadline"],
                include=["id", "org_path", "state", "community", "venue", "category"],
                condition=models.Q(state__in=[s.value for s in OPEN_STATES]),
                name="hazard_open_cover",
            ),
            models.Index(fields=["org_path"], opclasses=["varchar_pattern_ops"], name="hazard_org_path_like"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.hazard_type.label} · {self.venue}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.deadline is not None and clock.now() > self.deadline


class EventKind(models.TextChoices):
    FOUND = "found", _("Found")
    FIXED_ON_SPOT = "fixed_on_spot", _("Fixed on the spot")
    RECORDED_AGAIN = "recorded_again", _("Found again")
    DISPATCHED = "dispatched", _("Dispatched")
    REDISPATCHED = "redispatched", _("Re-dispatched")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    PROOF_SUBMITTED = "proof_submitted", _("Proof submitted")
    REVIEW_PASSED = "review_passed", _("Review passed")
    REVIEW_FAILED = "review_failed", _("Review failed")
    REOPENED = "reopened", _("Reopened")
    DEADLINE_EXTENDED = "deadline_extended", _("Deadline extended")
    ESCALATED = "escalated", _("Escalated")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class HazardEvent(models.Model):
    """One step of a hazard's timeline. Append-only."""

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("event"), max_length=20, choices=EventKind.choices)
    from_state = models.CharField(max_length=16, choices=HazardState.choices, blank=True)
    to_state = models.CharField(max_length=16, choices=HazardState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )  # None: the system (escalation)
    at = models.DateTimeField(_("time"), default=clock.now)
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    accuracy_m = models.FloatField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("hazard event")
        verbose_name_plural = _("hazard events")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["hazard", "at"], name="hazard_event_hazard_at"),
            # The big screen's feed: the newest events first, without a pass over all of them.
            models.Index(fields=["at", "id"], name="hazard_event_at_id"),
        ]

    def __str__(self) -> str:
        return f"{self.hazard_id} {self.kind}"


class PhotoKind(models.TextChoices):
    EVIDENCE = "evidence", _("Evidence (before)")
    PROOF = "proof", _("Rectification proof (after)")
    REVIEW = "review", _("Review")


def hazard_photo_path(instance: HazardPhoto, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    now = clock.now()
    return f"hazards/{now:%Y/%m}/{uuid4().hex}.{ext}"


class HazardPhoto(models.Model):
    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="photos")
    event = models.ForeignKey(HazardEvent, on_delete=models.PROTECT, related_name="photos")
    kind = models.CharField(_("kind"), max_length=10, choices=PhotoKind.choices)
    image = models.ImageField(_("photo"), upload_to=hazard_photo_path, validators=[validate_photo], max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("hazard photo")
        verbose_name_plural = _("hazard photos")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.image.name
