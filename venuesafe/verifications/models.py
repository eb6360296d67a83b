"""Instant response (即时响应): an information anomaly reported by staff becomes a verification task
for the grid's inspector or grid worker, verified on site (the archive completed or corrected) or
dismissed, within a response target. Written only through verifications.services."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from venuesafe.core import clock
from venuesafe.core.validators import validate_photo


class AnomalyKind(models.TextChoices):
    NEW_VENUE = "new_venue", _("New venue not in the archive")
    CHANGED_SIGN = "changed_sign", _("Changed shop sign")
    CLOSED = "closed", _("Shop closed")
    WRONG_LOCATION = "wrong_location", _("Wrong location")
    OTHER = "other", _("Other information wrong")


# Kinds about a venue already in the archive (a report of these names the venue).
EXISTING_VENUE_KINDS = frozenset(
    {AnomalyKind.CHANGED_SIGN, AnomalyKind.CLOSED, AnomalyKind.WRONG_LOCATION, AnomalyKind.OTHER}
)


class TaskState(models.TextChoices):
    OPEN = "open", _("Waiting for verification")
    VERIFIED = "verified", _("Verified on site")
    DISMISSED = "dismissed", _("Dismissed")


class EscalationLevel(models.IntegerChoices):
    GRID = 0, _("Grid")
    COMMUNITY = 1, _("Community")
    STREET = 2, _("Street office")


class EventKind(models.TextChoices):
    REPORTED = "reported", _("Reported")
    ESCALATED = "escalated", _("Escalated")
    VERIFIED = "verified", _("Verified on site")
    DISMISSED = "dismissed", _("Dismissed")


def report_photo_path(instance: VerificationTask, filename: str) -> str:
    from uuid import uuid4

    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"verifications/photos/{uuid4().hex}.{ext}"


class VerificationTask(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=AnomalyKind.choices)
    state = models.CharField(_("state"), max_length=12, choices=TaskState.choices, default=TaskState.OPEN)
    # The archived venue the report is about; for a new venue, the venue created by the verification.
    venue = models.ForeignKey(
        "venues.Venue",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="verification_tasks",
        verbose_name=_("venue"),
    )

    # What the reporter saw (for a new venue: its details; for a change: the information as it is now).
    sign_name = models.CharField(_("shop sign name"), max_length=100, blank=True)
    category = models.ForeignKey(
        "venues.VenueCategory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    licence_no = models.CharField(_("licence number"), max_length=32, blank=True)
    lat = models.FloatField(_("latitude (WGS-84)"), null=True, blank=True)
    lng = models.FloatField(_("longitude (WGS-84)"), null=True, blank=True)
    location_accuracy_m = models.FloatField(_("location accuracy (m)"), null=True, blank=True)
    photo = models.ImageField(
        _("photo"), upload_to=report_photo_path, blank=True, validators=[validate_photo], max_length=200
    )
    note = models.TextField(_("note"), blank=True)
    # Client-generated, so a retried report creates one task.
    client_id = models.UUIDField(_("client id"), unique=True, null=True, blank=True)
    # Venues offered as possible duplicates that the reporter said were not this one.
    declined_matches = models.JSONField(default=list, blank=True)

    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reported by")
    )
    reported_at = models.DateTimeField(_("reported at"), default=clock.now, db_index=True)

    # Where it belongs and who answers for it.
    community = models.ForeignKey(
        "org.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    grid = models.ForeignKey(
        "org.OrgUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("grid")
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="verification_tasks",
        verbose_name=_("assigned to"),
    )
    due_at = models.DateTimeField(_("due"))
    escalation_level = models.PositiveSmallIntegerField(
        _("escalation level"), choices=EscalationLevel.choices, default=EscalationLevel.GRID
    )

    # How it ended.
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Closed with a position from the phone: counts as an on-site response in the figures.
    on_site = models.BooleanField(_("on site"), default=False)
    close_lat = models.FloatField(null=True, blank=True)
    close_lng = models.FloatField(null=True, blank=True)
    close_accuracy_m = models.FloatField(null=True, blank=True)
    close_client_id = models.UUIDField(null=True, blank=True)
    dismiss_reason = models.TextField(_("reason for dismissal"), blank=True)
    # {field: [old, new]} written to the archive by the verification.
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("verification task")
        verbose_name_plural = _("verification tasks")
        ordering = ["-reported_at", "-id"]
        indexes = [
            models.Index(fields=["state", "due_at"], name="verif_state_due"),
            models.Index(fields=["org_path", "reported_at"], name="verif_path_reported"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.display_name}"

    @property
    def display_name(self) -> str:
        if self.venue_id and self.kind != AnomalyKind.NEW_VENUE:
            return self.venue.sign_name
        return self.sign_name or (self.venue.sign_name if self.venue_id else "")

    def is_overdue(self, now=None) -> bool:
        return self.state == TaskState.OPEN and (now or clock.now()) > self.due_at

    @property
    def response_minutes(self) -> float | None:
        if not self.on_site or self.closed_at is None:
            return None
        return (self.closed_at - self.reported_at).total_seconds() / 60


class VerificationEvent(models.Model):
    """The task's timeline: one row per step, written in the step's transaction."""

    task = models.ForeignKey(VerificationTask, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("time"), default=clock.now)
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    accuracy_m = models.FloatField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("verification event")
        verbose_name_plural = _("verification events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.task_id} {self.kind}"
