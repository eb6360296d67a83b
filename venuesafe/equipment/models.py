"""The equipment register (per venue) and the date rules that find expiry before it is a hazard.

Equipment is one wide table: each kind uses the fields that describe it (see KIND_FIELDS). It is
written only through equipment.services, every change is kept (simple-history), and nothing is
deleted: equipment taken out of use is retired.
"""

from __future__ import annotations

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from venuesafe.core import clock


class EquipmentKind(models.TextChoices):
    EXTINGUISHER = "extinguisher", _("Fire extinguisher")
    GAS_STOVE = "gas_stove", _("Gas stove")
    GAS_HOSE = "gas_hose", _("Gas hose")
    LPG_CYLINDER = "lpg_cylinder", _("LPG cylinder")
    REGULATOR = "regulator", _("Pressure regulator")
    GAS_ALARM = "gas_alarm", _("Gas leak alarm and shut-off valve")
    EMERGENCY_LIGHT = "emergency_light", _("Emergency lighting and exit signs")
    EBIKE_CHARGING = "ebike_charging", _("E-bike charging")


class ExtinguisherType(models.TextChoices):
    WATER = "water", _("Water-based")  # 水基
    POWDER = "powder", _("Dry powder")  # 干粉
    CLEAN_AGENT = "clean_agent", _("Clean agent")  # 洁净气体
    CO2 = "co2", _("Carbon dioxide")  # 二氧化碳


class GaugeState(models.TextChoices):
    GREEN = "green", _("Green (normal)")
    RED = "red", _("Red (under-pressure)")
    YELLOW = "yellow", _("Yellow (over-pressure)")


class HoseMaterial(models.TextChoices):
    RUBBER = "rubber", _("Rubber")
    METAL = "metal", _("Metal corrugated")


class ChargingArrangement(models.TextChoices):
    SHARED_POINT = "shared_point", _("Shared charging point outdoors")
    SEPARATED_ROOM = "separated_room", _("Separated charging room")
    INDOORS = "indoors", _("Charged indoors")
    NONE = "none", _("No e-bikes")


# The fields each kind uses (besides label, quantity, location_note, note).
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    EquipmentKind.EXTINGUISHER: (
        "extinguisher_type",
        "production_date",
        "last_repair_date",
        "last_monthly_check",
        "gauge_state",
    ),
    EquipmentKind.GAS_STOVE: ("purchase_date", "flame_failure_protection"),
    EquipmentKind.GAS_HOSE: ("hose_material", "install_date", "length_m", "has_joints"),
    EquipmentKind.LPG_CYLINDER: ("cylinder_code", "next_inspection_date"),
    EquipmentKind.REGULATOR: ("install_date",),
    EquipmentKind.GAS_ALARM: ("install_date", "linked_shutoff_valve", "working"),
    EquipmentKind.EMERGENCY_LIGHT: ("working",),
    EquipmentKind.EBIKE_CHARGING: ("charging_arrangement",),
}


class Equipment(models.Model):
    venue = models.ForeignKey("venues.Venue", on_delete=models.PROTECT, related_name="equipment")
    kind = models.CharField(_("kind"), max_length=20, choices=EquipmentKind.choices)
    label = models.CharField(_("label"), max_length=100, blank=True, help_text=_("e.g. 'by the kitchen door'"))
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)

    extinguisher_type = models.CharField(
        _("extinguisher type"), max_length=12, choices=ExtinguisherType.choices, blank=True
    )
    production_date = models.DateField(_("production date"), null=True, blank=True)
    last_repair_date = models.DateField(_("last repair"), null=True, blank=True)
    last_monthly_check = models.DateField(_("last monthly check"), null=True, blank=True)
    gauge_state = models.CharField(_("gauge"), max_length=8, choices=GaugeState.choices, blank=True)
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    flame_failure_protection = models.BooleanField(_("flame-failure protection"), null=True, blank=True)
    hose_material = models.CharField(_("hose material"), max_length=8, choices=HoseMaterial.choices, blank=True)
    install_date = models.DateField(_("install date"), null=True, blank=True)
    length_m = models.DecimalField(_("length (m)"), max_digits=4, decimal_places=1, null=True, blank=True)
    has_joints = models.BooleanField(_("has joints"), null=True, blank=True)
    cylinder_code = models.CharField(_("cylinder code"), max_length=40, blank=True)
    next_inspection_date = models.DateField(_("next inspection date"), null=True, blank=True)
    linked_shutoff_valve = models.BooleanField(_("linked to a shut-off valve"), null=True, blank=True)
    working = models.BooleanField(_("working"), null=True, blank=True)
    charging_arrangement = models.CharField(
        _("charging arrangement"), max_length=16, choices=ChargingArrangement.choices, blank=True
    )

    note = models.CharField(_("note"), max_length=300, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    rules_checked_on = models.DateField(null=True, blank=True, editable=False)  # the periodic run's last day
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    org_path = models.CharField(max_length=255, editable=False)
    created_at = models.DateTimeField(default=clock.now, editable=False)
    updated_at = models.DateTimeField(default=clock.now, editable=False)
    history = HistoricalRecords(excluded_fields=["rules_checked_on", "updated_at"])

    class Meta:
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")
        ordering = ["kind", "id"]
        indexes = [models.Index(fields=["venue", "kind"], name="equipment_venue_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.label}".strip()


class DateRule(models.Model):
    """A date rule of regulations.md §6, as data: district admins read, switch and adjust it;
    every change is kept. Empty parameters fall back to the settings (the unconfirmed periods)."""

    rule_id = models.CharField(_("rule"), max_length=16, unique=True)
    name = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    kind = models.CharField(_("equipment kind"), max_length=20, choices=EquipmentKind.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    warn_days = models.PositiveSmallIntegerField(_("warn this many days ahead"), default=30)
    hazard_type = models.ForeignKey("hazards.HazardType", on_delete=models.PROTECT, related_name="+")
    advice = models.CharField(_("what to do (Chinese)"), max_length=300)
    advice_en = models.CharField(_("what to do (English)"), max_length=300)
    basis = models.TextField(_("legal basis"), blank=True)
    unconfirmed = models.BooleanField(_("period unconfirmed"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("date rule")
        verbose_name_plural = _("date rules")
        ordering = ["rule_id"]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.label}"

    @property
    def label(self) -> str:
        lang = translation.get_language() or ""
        return self.name_en if lang.startswith("en") and self.name_en else self.name

    @property
    def advice_label(self) -> str:
        lang = translation.get_language() or ""
        return self.advice_en if lang.startswith("en") and self.advice_en else self.advice


class RuleWarning(models.Model):
    """An "expires within N days" warning: open until the equipment is fixed, the date passes (then
    it is a hazard), or the rule changes."""

    equipment = models.ForeignKey(Equipment, on_delete=models.PROTECT, related_name="warnings")
    rule = models.ForeignKey(DateRule, on_delete=models.PROTECT, related_name="warnings")
    venue = models.ForeignKey("venues.Venue", on_delete=models.PROTECT, related_name="rule_warnings")
    due_date = models.DateField(_("due"))
    evidence = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=clock.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=16, blank=True)  # fixed / became_hazard / rule_changed / retired

    class Meta:
        verbose_name = _("date-rule warning")
        verbose_name_plural = _("date-rule warnings")
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["equipment", "rule"],
                condition=models.Q(resolved_at__isnull=True),
                name="uniq_open_rule_warning",
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.equipment_id} {self.due_date}"


class RuleHazardLink(models.Model):
    """Which hazard a rule raised for which equipment, so a rule never raises it twice while it is open."""

    equipment = models.ForeignKey(Equipment, on_delete=models.PROTECT, related_name="rule_hazards")
    rule = models.ForeignKey(DateRule, on_delete=models.PROTECT, related_name="+")
    hazard = models.OneToOneField("hazards.Hazard", on_delete=models.PROTECT, related_name="rule_link")
    created_at = models.DateTimeField(default=clock.now)

    def __str__(self) -> str:
        return f"{self.rule_id} {self.equipment_id} → {self.hazard_id}"
