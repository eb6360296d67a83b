from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from venuesafe.core.validators import validate_mobile, validate_photo


class VenueCategory(models.Model):
    """九小场所 classification and its sub-types. Data, editable by district admins."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="subtypes", verbose_name=_("parent")
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    departments = models.ManyToManyField(
        "org.Department", through="CategoryDepartment", related_name="categories", verbose_name=_("departments")
    )

    class Meta:
        verbose_name = _("venue category")
        verbose_name_plural = _("venue categories")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        lang = translation.get_language() or ""
        return self.name_en if lang.startswith("en") and self.name_en else self.name

    @property
    def top_level(self) -> VenueCategory:
        return self.parent if self.parent_id else self


class CategoryDepartment(models.Model):
    """Responsibility list: which line departments answer for a category. Changes are kept."""

    category = models.ForeignKey(VenueCategory, on_delete=models.CASCADE, related_name="department_links")
    department = models.ForeignKey("org.Department", on_delete=models.CASCADE, related_name="category_links")
    duty = models.CharField(_("duty"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("category responsibility")
        verbose_name_plural = _("category responsibilities")
        constraints = [models.UniqueConstraint(fields=["category", "department"], name="uniq_category_department")]

    def __str__(self) -> str:
        return f"{self.category} → {self.department}"


class BusinessStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Deregistered")


class LicenceKind(models.TextChoices):
    USCC = "uscc", _("Unified social credit code")
    OTHER = "other", _("Other licence number")


class LocationSource(models.TextChoices):
    GPS = "gps", _("Phone GPS")
    MAP = "map", _("Map pick")
    IMPORT = "import", _("Imported")


def venue_photo_path(instance: Venue, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    from uuid import uuid4

    return f"venues/photos/{uuid4().hex}.{ext}"


FIVE_ELEMENTS = ("sign_name", "category", "address", "photo", "licence")


def new_qr_token() -> str:
    """The venue's code on its door (一店一码): random, so the link cannot be guessed from the id."""
    import secrets

    return secrets.token_urlsafe(12)


class Venue(models.Model):
    """One venue's safety archive (一场所一档案). Written only through venues.services."""

    # The five elements (五要素).
    sign_name = models.CharField(_("shop sign name"), max_length=100)
    category = models.ForeignKey(
        VenueCategory, on_delete=models.PROTECT, related_name="venues", verbose_name=_("category")
    )
    address = models.CharField(_("address"), max_length=200)
    photo = models.ImageField(
        _("photo"), upload_to=venue_photo_path, blank=True, validators=[validate_photo], max_length=200
    )
    licence_kind = models.CharField(_("licence type"), max_length=8, choices=LicenceKind.choices, blank=True)
    licence_no = models.CharField(_("licence number"), max_length=32, blank=True, db_index=True)

    # Location, always WGS-84.
    lat = models.FloatField(_("latitude (WGS-84)"), null=True, blank=True)
    lng = models.FloatField(_("longitude (WGS-84)"), null=True, blank=True)
    geo_cell = models.BigIntegerField(null=True, blank=True, editable=False)
    location_source = models.CharField(_("location source"), max_length=8, choices=LocationSource.choices, blank=True)
    location_accuracy_m = models.FloatField(_("location accuracy (m)"), null=True, blank=True)

    # Operator and contact.
    operator_name = models.CharField(_("operator / person in charge"), max_length=50, blank=True)
    operator_mobile = models.CharField(_("operator mobile"), max_length=11, blank=True, validators=[validate_mobile])
    business_status = models.CharField(
        _("business status"), max_length=12, choices=BusinessStatus.choices, default=BusinessStatus.OPEN
    )
    floor_area_m2 = models.PositiveIntegerField(_("floor area (m²)"), null=True, blank=True)

    # Responsibility list (责任清单).
    community = models.ForeignKey(
        "org.OrgUnit", on_delete=models.PROTECT, related_name="community_venues", verbose_name=_("community")
    )
    grid = models.ForeignKey(
        "org.OrgUnit",
        on_delete=models.PROTECT,
        related_name="grid_venues",
        null=True,
        blank=True,
        verbose_name=_("grid"),
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    grid_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="grid_worker_venues",
        verbose_name=_("grid worker"),
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inspector_venues",
        verbose_name=_("inspector"),
    )
    merchants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="VenueMerchant", related_name="merchant_venues", blank=True
    )

    qr_token = models.CharField(_("QR code token"), max_length=32, unique=True, default=new_qr_token, editable=False)

    # Number of the five elements present and valid (0-5); kept by the service for area figures.
    elements_present = models.PositiveSmallIntegerField(default=0, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["geo_cell", "org_path", "elements_present", "updated_at", "qr_token"])

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["geo_cell", "lat"], name="venue_geo_cell_lat"),
            models.Index(fields=["org_path", "category"], name="venue_org_path_category"),
            # The big screen's change marker (dashboard.selectors.change_marker): the newest change.
            models.Index(fields=["updated_at"], name="venue_updated_at"),
        ]

    def __str__(self) -> str:
        return self.sign_name

    @property
    def missing_elements(self) -> list[str]:
        missing = []
        if not self.sign_name.strip():
            missing.append("sign_name")
        if not self.category_id:
            missing.append("category")
        if not self.address.strip():
            missing.append("address")
        if not self.photo:
            missing.append("photo")
        if not (self.licence_kind and self.licence_no):
            missing.append("licence")
        return missing

    @property
    def is_complete(self) -> bool:
        return self.elements_present == len(FIVE_ELEMENTS)


class VenueMerchant(models.Model):
    """A merchant account that holds a venue (one account may hold several venues)."""

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="merchant_links")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="venue_links")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["venue", "user"], name="uniq_venue_merchant")]

    def __str__(self) -> str:
        return f"{self.user} · {self.venue}"


class BindingCode(models.Model):
    """A one-time code a grid worker hands to a merchant to bind their account to the venue."""

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="binding_codes")
    code = models.CharField(_("binding code"), max_length=12, unique=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("issued at"))
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("binding code")
        verbose_name_plural = _("binding codes")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"{self.venue} · {self.code}"


class BindingAttempt(models.Model):
    """A wrong binding code entered; too many from one address or account lock the attempt out."""

    key = models.CharField(max_length=100, db_index=True)  # "ip:<addr>" or "user:<id>"
    at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key} {self.at}"
