"""Resident reports (群众举报): a safety problem reported without an account, triaged by the community.

A report is written only through reports.services. Triage moves it once, from `new` to accepted
(it became a hazard in the loop), merged (linked to an existing open hazard) or dismissed (with a
reason the reporter reads). What happens afterwards is the hazard's own loop.
"""

from __future__ import annotations

import secrets
from uuid import uuid4

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from venuesafe.core import clock
from venuesafe.core.validators import validate_photo

# No 0/O/1/I: a reference read out over the phone or copied by hand stays unambiguous.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_reference() -> str:
    """A short unguessable reference like "R7K3-9QXM" (32^8 ≈ 10^12 codes)."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


def new_api_key() -> str:
    return secrets.token_urlsafe(32)


class AttributeDatatype(models.TextChoices):
    """Open311 GeoReport v2 attribute datatypes."""

    STRING = "string", _("Text (one line)")
    NUMBER = "number", _("Number")
    DATETIME = "datetime", _("Date and time")
    TEXT = "text", _("Text (several lines)")
    SINGLEVALUELIST = "singlevaluelist", _("One choice")
    MULTIVALUELIST = "multivaluelist", _("Several choices")


class ReportCategory(models.Model):
    """What a resident may report (an Open311 "service"). Data, editable by district admins.

    `attributes` is the Open311 service definition: a list of
    {code, datatype, required, description, description_en, order, values: [{key, name}]}.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    description = models.TextField(_("Chinese description"), blank=True)
    description_en = models.TextField(_("English description"), blank=True)
    hazard_type = models.ForeignKey(
        "hazards.HazardType",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("default hazard type"),
        help_text=_("Proposed when a report of this category is accepted into the loop."),
    )
    is_public = models.BooleanField(_("public"), default=True, help_text=_("Offered on the public report page."))
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    attributes = models.JSONField(_("attributes (Open311)"), default=list, blank=True)

    class Meta:
        verbose_name = _("report category")
        verbose_name_plural = _("report categories")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        lang = translation.get_language() or ""
        return self.name_en if lang.startswith("en") and self.name_en else self.name

    @property
    def description_label(self) -> str:
        lang = translation.get_language() or ""
        return self.description_en if lang.startswith("en") and self.description_en else self.description


class Open311Client(models.Model):
    """A 311 app or tool allowed to file reports; its key is issued by the district admin."""

    name = models.CharField(_("name"), max_length=100)
    api_key = models.CharField(_("API key"), max_length=64, unique=True, default=new_api_key, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)

    class Meta:
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ReportState(models.TextChoices):
    NEW = "new", _("Awaiting triage")  # 待分拣
    ACCEPTED = "accepted", _("Accepted")  # 已受理
    MERGED = "merged", _("Merged")  # 已合并
    DISMISSED = "dismissed", _("Dismissed")  # 不予受理


class ReportSource(models.TextChoices):
    WEB = "web", _("Public report page")
    OPEN311 = "open311", _("Open311")


class ResidentReport(models.Model):
    reference = models.CharField(_("reference"), max_length=9, unique=True, default=new_reference, editable=False)
    category = models.ForeignKey(
        ReportCategory, on_delete=models.PROTECT, related_name="reports", verbose_name=_("category")
    )
    description = models.TextField(_("description"), blank=True)
    lat = models.FloatField(_("latitude (WGS-84)"), null=True, blank=True)
    lng = models.FloatField(_("longitude (WGS-84)"), null=True, blank=True)
    address_string = models.CharField(_("address"), max_length=255, blank=True)
    # The community that triages it; None when no archived venue was near enough (the street or district does).
    community = models.ForeignKey(
        "org.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("community"),
    )
    # The path of the unit that triages it (community, else street, else district): scoping is one prefix.
    org_path = models.CharField(max_length=255, db_index=True, editable=False, blank=True)
    venue = models.ForeignKey(
        "venues.Venue",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resident_reports",
        verbose_name=_("venue"),
    )
    # Never shown publicly; only staff in scope read them.
    contact_name = models.CharField(_("contact name"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)

    state = models.CharField(_("state"), max_length=10, choices=ReportState.choices, default=ReportState.NEW)
    dismiss_reason = models.TextField(_("reason for dismissal"), blank=True)
    hazard = models.ForeignKey(
        "hazards.Hazard",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resident_reports",
        verbose_name=_("hazard"),
    )
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    triaged_at = models.DateTimeField(_("triaged at"), null=True, blank=True)
    # Bumped by every change, so a triage page acting on an old copy is told it changed.
    version = models.PositiveIntegerField(default=1)

    submitted_at = models.DateTimeField(_("submitted at"), default=clock.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now, editable=False)
    source = models.CharField(_("source"), max_length=8, choices=ReportSource.choices, default=ReportSource.WEB)
    open311_client = models.ForeignKey(
        Open311Client,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("Open311 client"),
    )
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    device_id = models.CharField(max_length=64, blank=True, editable=False)
    # A keyed hash of the sender's address: enough to rate-limit, not enough to know who it was.
    ip_hash = models.CharField(max_length=64, blank=True, editable=False)
    # The form's hidden token (or an API client's id): a retried submit returns the first report.
    client_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("resident report")
        verbose_name_plural = _("resident reports")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["org_path", "state"], name="report_org_path_state"),
            models.Index(fields=["submitted_at"], name="report_submitted"),
            models.Index(fields=["ip_hash", "submitted_at"], name="report_ip_submitted"),
            models.Index(fields=["device_id", "submitted_at"], name="report_device_submitted"),
            models.Index(fields=["venue", "submitted_at"], name="report_venue_submitted"),
        ]

    def __str__(self) -> str:
        return self.reference


def report_photo_path(instance: ReportPhoto, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    if ext not in ("jpg", "jpeg", "png", "webp"):
        ext = "jpg"
    now = clock.now()
    return f"reports/{now:%Y/%m}/{uuid4().hex}.{ext}"


class ReportPhoto(models.Model):
    report = models.ForeignKey(ResidentReport, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=report_photo_path, validators=[validate_photo], max_length=200)
    uploaded_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("report photo")
        verbose_name_plural = _("report photos")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.image.name
