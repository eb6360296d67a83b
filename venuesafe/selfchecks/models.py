"""The merchant's daily self-check punch-in (每日自查打卡): 查设备、看线路、清通道.

One punch-in per venue per Asia/Shanghai day; a second one the same day is a new revision that
amends it, and both are kept. Written only through selfchecks.services.
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


class SelfCheckStep(models.TextChoices):
    EQUIPMENT = "equipment", _("Check the equipment")  # 查设备
    WIRING = "wiring", _("Check the wiring")  # 看线路
    PASSAGES = "passages", _("Clear the passages")  # 清通道


class SelfCheckItem(models.Model):
    """One question of the self-check; data, editable by district admins."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    step = models.CharField(_("step"), max_length=12, choices=SelfCheckStep.choices)
    question = models.CharField(_("question (Chinese)"), max_length=200)
    question_en = models.CharField(_("question (English)"), max_length=200)
    hint = models.CharField(_("what right looks like (Chinese)"), max_length=300, blank=True)
    hint_en = models.CharField(_("what right looks like (English)"), max_length=300, blank=True)
    applies_to_all = models.BooleanField(_("applies to every category"), default=True)
    categories = models.ManyToManyField(
        "venues.VenueCategory", blank=True, related_name="self_check_items", verbose_name=_("categories")
    )
    photo_required = models.BooleanField(_("a photo is required"), default=False)
    hazard_type = models.ForeignKey(
        "hazards.HazardType", on_delete=models.PROTECT, related_name="+", verbose_name=_("hazard when the answer is no")
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("self-check item")
        verbose_name_plural = _("self-check items")
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


class SelfCheck(models.Model):
    """One punch-in (or an amendment of the day's punch-in: a higher revision)."""

    client_id = models.UUIDField(_("client id"), unique=True)
    venue = models.ForeignKey(
        "venues.Venue", on_delete=models.PROTECT, related_name="self_checks", verbose_name=_("venue")
    )
    merchant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="self_checks", verbose_name=_("merchant")
    )
    day = models.DateField(_("day"))  # Asia/Shanghai calendar day
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    submitted_at = models.DateTimeField(_("submitted at"), default=clock.now)
    failed_count = models.PositiveSmallIntegerField(_("items answered no"), default=0)

    # Copied from the venue for scoping and area figures.
    org_path = models.CharField(max_length=255, editable=False)
    community = models.ForeignKey("org.OrgUnit", on_delete=models.PROTECT, related_name="+", editable=False)
    grid = models.ForeignKey(
        "org.OrgUnit", on_delete=models.PROTECT, related_name="+", null=True, blank=True, editable=False
    )
    category = models.ForeignKey("venues.VenueCategory", on_delete=models.PROTECT, related_name="+", editable=False)

    class Meta:
        verbose_name = _("self-check")
        verbose_name_plural = _("self-checks")
        ordering = ["-day", "-revision"]
        constraints = [models.UniqueConstraint(fields=["venue", "day", "revision"], name="uniq_selfcheck_revision")]
        indexes = [
            models.Index(fields=["org_path", "day"], name="selfcheck_org_path_day"),
            models.Index(fields=["merchant", "day"], name="selfcheck_merchant_day"),
            # The big screen (dashboard.selectors): the venues that punched in on a day, and
            # org_path for LIKE 'prefix%' under any collation.
            models.Index(fields=["day"], include=["venue"], name="selfcheck_day_venue"),
            models.Index(fields=["org_path"], opclasses=["varchar_pattern_ops"], name="selfcheck_org_path_like"),
        ]

    def __str__(self) -> str:
        return f"{self.venue} · {self.day} #{self.revision}"


def self_check_photo_path(instance: SelfCheckAnswer, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"selfchecks/{clock.now():%Y/%m}/{uuid4().hex}.{ext}"


class SelfCheckAnswer(models.Model):
    self_check = models.ForeignKey(SelfCheck, on_delete=models.PROTECT, related_name="answers")
    item = models.ForeignKey(SelfCheckItem, on_delete=models.PROTECT, related_name="+")
    ok = models.BooleanField(_("yes"))
    photo = models.ImageField(
        _("photo"), upload_to=self_check_photo_path, blank=True, validators=[validate_photo], max_length=200
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    fixed_at_once = models.BooleanField(_("fixed at once"), default=False)
    hazard = models.ForeignKey("hazards.Hazard", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("self-check answer")
        verbose_name_plural = _("self-check answers")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.self_check_id} {self.item_id} {self.ok}"
