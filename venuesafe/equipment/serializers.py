"""Equipment register API shapes. Input serializers only parse; equipment.services validates the domain
(which fields a kind has, dates not in the future, …)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from venuesafe.core.errors import InvalidInput
from venuesafe.hazards.serializers import UserBriefSerializer, VenueBriefSerializer, values_field

from .models import (
    KIND_FIELDS,
    ChargingArrangement,
    DateRule,
    Equipment,
    EquipmentKind,
    ExtinguisherType,
    GaugeState,
    HoseMaterial,
    RuleWarning,
)

KINDS_HELP = "; ".join(f"`{kind}`: {', '.join(f'`{n}`' for n in names)}" for kind, names in KIND_FIELDS.items())
DATE_HELP = "YYYY-MM-DD; not in the future."


def _choice(choices, help_text: str) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=choices, required=False, allow_blank=True, help_text=help_text)


def _date(help_text: str) -> serializers.DateField:
    return serializers.DateField(required=False, allow_null=True, help_text=help_text)


def _yes_no(help_text: str) -> serializers.BooleanField:
    return serializers.BooleanField(required=False, allow_null=True, help_text=help_text + " null: unknown.")


class EquipmentFieldsInputSerializer(serializers.Serializer):
    """Only the fields sent are written; each must belong to the piece's kind (else 400 on that field)."""

    label = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="Where it is, e.g. 'by the kitchen door'."
    )
    quantity = serializers.IntegerField(required=False, min_value=1, max_value=999, help_text="How many (default 1).")
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)
    extinguisher_type = _choice(ExtinguisherType.choices, "Extinguisher: 水基/干粉/洁净气体/二氧化碳.")
    production_date = _date("Extinguisher: production date. " + DATE_HELP)
    last_repair_date = _date("Extinguisher: last repair by a licensed service. " + DATE_HELP)
    last_monthly_check = _date("Extinguisher: last monthly (half-monthly) check. " + DATE_HELP)
    gauge_state = _choice(GaugeState.choices, "Extinguisher: pressure gauge.")
    purchase_date = _date("Gas stove: purchase date. " + DATE_HELP)
    flame_failure_protection = _yes_no("Gas stove: has flame-failure protection.")
    hose_material = _choice(HoseMaterial.choices, "Gas hose: rubber or metal corrugated.")
    install_date = _date("Gas hose, regulator, gas alarm: install date. " + DATE_HELP)
    length_m = serializers.DecimalField(
        max_digits=4, decimal_places=1, required=False, allow_null=True, help_text="Gas hose: length in metres."
    )
    has_joints = _yes_no("Gas hose: has joints along its length.")
    cylinder_code = serializers.CharField(
        required=False, allow_blank=True, max_length=40, help_text="LPG cylinder: code on its collar."
    )
    next_inspection_date = _date("LPG cylinder: next inspection date (may be in the future).")
    linked_shutoff_valve = _yes_no("Gas alarm: linked to a shut-off valve.")
    working = _yes_no("Gas alarm, emergency lighting: works when tested.")
    charging_arrangement = _choice(ChargingArrangement.choices, "E-bike charging: how e-bikes are charged.")

    def written_fields(self) -> dict:
        """The validated values of the fields the client sent; an unknown name is a 400 on it."""
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            message = _("Unknown field.")
            raise InvalidInput(message, fields={unknown[0]: [message]})
        return {name: value for name, value in self.validated_data.items() if name in self.initial_data}


class EquipmentCreateInputSerializer(EquipmentFieldsInputSerializer):
    kind = serializers.CharField(
        help_text="One of "
        + ", ".join(f"`{k}`" for k in EquipmentKind.values)
        + ". The fields of each kind: "
        + KINDS_HELP
    )

    def written_fields(self) -> dict:
        fields = super().written_fields()
        fields.pop("kind", None)
        return fields


class EquipmentUpdateInputSerializer(EquipmentFieldsInputSerializer):
    def written_fields(self) -> dict:
        if "kind" in self.initial_data:
            message = _("The kind cannot change: retire this piece and add a new one.")
            raise InvalidInput(message, fields={"kind": [message]})
        return super().written_fields()


class RetireInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, help_text="Why it is taken out of use (replaced, removed, …).")


# --- output -----------------------------------------------------------------------------------


class RuleWarningBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="warning.id")
    rule = serializers.CharField(source="warning.rule.rule_id", help_text="Rule id, e.g. `R-EXT-SCRAP`.")
    rule_name = serializers.CharField(source="warning.rule.label", help_text="In the request's language.")
    due_date = serializers.DateField(source="warning.due_date")
    days = serializers.IntegerField(help_text="Days from today (Asia/Shanghai) to the due date.")
    advice = serializers.CharField(
        source="warning.rule.advice_label", help_text="What to do, in the request's language."
    )


class NextDateSerializer(serializers.Serializer):
    rule = serializers.CharField(source="rule.rule_id")
    rule_name = serializers.CharField(source="rule.label")
    due_date = serializers.DateField(help_text="When the rule falls due for this piece (a hazard from that day).")
    days = serializers.IntegerField(help_text="Days from today; 0 or less: due.")


class RuleHazardBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="hazard.id")
    rule = serializers.CharField(source="rule.rule_id")
    hazard_type = serializers.CharField(source="hazard.hazard_type.code")
    state = serializers.CharField(source="hazard.state")
    deadline = serializers.DateTimeField(source="hazard.deadline", allow_null=True)


class EquipmentOutputSerializer(serializers.ModelSerializer):
    venue = serializers.IntegerField(source="venue_id", read_only=True)
    kind = values_field(EquipmentKind.choices, "The kind of equipment.")
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    name = serializers.CharField(source="__str__", read_only=True, help_text="Kind and label, for people.")
    kind_fields = serializers.SerializerMethodField(help_text="The fields this kind uses (the others stay empty).")
    warnings = RuleWarningBriefSerializer(
        source="open_warnings", many=True, read_only=True, help_text="Open date-rule warnings."
    )
    hazards = RuleHazardBriefSerializer(
        source="rule_hazards_open", many=True, read_only=True, help_text="Open hazards the date rules raised."
    )
    next_dates = NextDateSerializer(
        source="next_due", many=True, read_only=True, help_text="When each active rule falls due (in use only)."
    )

    class Meta:
        model = Equipment
        fields = [
            "id",
            "venue",
            "kind",
            "kind_label",
            "name",
            "label",
            "quantity",
            "kind_fields",
            "extinguisher_type",
            "production_date",
            "last_repair_date",
            "last_monthly_check",
            "gauge_state",
            "purchase_date",
            "flame_failure_protection",
            "hose_material",
            "install_date",
            "length_m",
            "has_joints",
            "cylinder_code",
            "next_inspection_date",
            "linked_shutoff_valve",
            "working",
            "charging_arrangement",
            "note",
            "is_active",
            "retired_at",
            "created_at",
            "updated_at",
            "warnings",
            "hazards",
            "next_dates",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_kind_fields(self, obj: Equipment) -> list[str]:
        return list(KIND_FIELDS.get(obj.kind, ()))


class HistoryChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField(help_text="The field's name for people, in the request's language.")
    old = serializers.JSONField(help_text="Value before (dates as YYYY-MM-DD, choices as their value).")
    new = serializers.JSONField(help_text="Value after.")


class HistoryEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    actor = UserBriefSerializer(allow_null=True, help_text="Who made the change (null for the system).")
    action = serializers.ChoiceField(choices=["created", "changed", "retired"])
    changes = HistoryChangeSerializer(many=True, help_text="Empty for `created`.")


class WarningEquipmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    name = serializers.CharField(source="__str__")


class RuleWarningOutputSerializer(serializers.ModelSerializer):
    venue = VenueBriefSerializer(read_only=True)
    community = serializers.SerializerMethodField(help_text="The venue's community.")
    equipment = WarningEquipmentSerializer(read_only=True)
    rule = serializers.CharField(source="rule.rule_id", read_only=True, help_text="Rule id, e.g. `R-EXT-SCRAP`.")
    rule_name = serializers.CharField(source="rule.label", read_only=True)
    days = serializers.SerializerMethodField(help_text="Days from today (Asia/Shanghai) to the due date.")
    advice = serializers.CharField(source="rule.advice_label", read_only=True, help_text="What to do.")

    class Meta:
        model = RuleWarning
        fields = [
            "id",
            "venue",
            "community",
            "equipment",
            "rule",
            "rule_name",
            "due_date",
            "days",
            "advice",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_community(self, obj: RuleWarning) -> dict | None:
        community = obj.venue.community
        return {"id": community.pk, "name": community.name} if community else None

    def get_days(self, obj: RuleWarning) -> int:
        return (obj.due_date - self.context["today"]).days


class WarningQuerySerializer(serializers.Serializer):
    venue = serializers.IntegerField(required=False, help_text="Only this venue's warnings.")
    rule = serializers.CharField(required=False, help_text="Only this rule's, e.g. `R-EXT-SCRAP`.")
    community = serializers.IntegerField(required=False, help_text="Only venues of this community (org unit id).")


class SettingDefaultSerializer(serializers.Serializer):
    param = serializers.CharField(help_text="The parameter the setting supplies.")
    setting = serializers.CharField(help_text="The setting's name.")
    value = serializers.JSONField(help_text="The setting's value now.")
    overridden = serializers.BooleanField(help_text="The rule's `params` set the parameter, so the setting is unused.")


class DateRuleOutputSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True, help_text="Name in the request's language.")
    kind = values_field(EquipmentKind.choices, "The equipment kind it checks.")
    hazard_type = serializers.SlugRelatedField(slug_field="code", read_only=True)
    advice_label = serializers.CharField(read_only=True, help_text="What to do, in the request's language.")
    setting_default = serializers.SerializerMethodField(
        help_text="For an unconfirmed period: which setting supplies its default; null otherwise."
    )

    class Meta:
        model = DateRule
        fields = [
            "rule_id",
            "name",
            "name_en",
            "label",
            "kind",
            "params",
            "warn_days",
            "hazard_type",
            "advice",
            "advice_en",
            "advice_label",
            "basis",
            "unconfirmed",
            "is_active",
            "setting_default",
        ]
        read_only_fields = fields

    @extend_schema_field(SettingDefaultSerializer(allow_null=True))
    def get_setting_default(self, obj: DateRule) -> dict | None:
        row = self.context["rows"].get(obj.rule_id)
        if row is None or not row.setting:
            return None
        param = row.effective[0][0]
        return {"param": param, "setting": row.setting, "value": row.setting_value, "overridden": row.param_overrides}
