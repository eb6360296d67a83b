"""Hazard API input/output shapes. Input serializers only parse; hazards.services validates the domain."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from venuesafe.accounts.serializers import DepartmentBriefSerializer, OrgUnitBriefSerializer
from venuesafe.core import clock, geo
from venuesafe.core.positions import parse_position
from venuesafe.core.serializers import OffsetDateTimeField
from venuesafe.org.models import Department
from venuesafe.venues.models import VenueCategory
from venuesafe.venues.serializers import (
    LAT_HELP,
    LNG_HELP,
    CategoryBriefSerializer,
    VisibleOrgUnitField,
    coord_system_field,
    output_coords,
)

from . import services
from .models import Hazard, HazardEvent, HazardPhoto, HazardState, HazardType, Severity

# Service action name -> the last path segment of its endpoint (POST hazards/{id}/<segment>/).
ACTION_ENDPOINTS = {
    "dispatch": "dispatch",
    "redispatch": "redispatch",
    "acknowledge": "acknowledge",
    "submit_proof": "proof",
    "review_pass": "review-pass",
    "review_fail": "review-fail",
    "reopen": "reopen",
    "extend_deadline": "extend-deadline",
    "withdraw": "withdraw",
}
MAX_FIGURES_SPAN_DAYS = 366
VERSION_HELP = (
    "The `version` of the hazard the client last read. When given and the order changed since, "
    "the call is refused with 409 `stale_version` and changes nothing."
)


# --- shared small shapes --------------------------------------------------------------------


class UserBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_name(self, obj) -> str:
        return obj.full_name or obj.username


class VenueBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sign_name = serializers.CharField()
    address = serializers.CharField()


class HazardTypeBriefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(help_text="Chinese name.")
    label = serializers.CharField(help_text="Name in the request's language.")


@extend_schema_field(OpenApiTypes.STR)
class CategoryRefField(serializers.Field):
    """A venue category by id or by code (`FOOD`, `FOOD_BBQ`)."""

    default_error_messages = {"unknown": "Unknown category."}

    def to_internal_value(self, data):
        value = str(data).strip()
        qs = VenueCategory.objects.all()
        found = qs.filter(pk=int(value)).first() if value.isdigit() else qs.filter(code=value).first()
        if found is None:
            raise serializers.ValidationError(_("Unknown category."))
        return found

    def to_representation(self, value):
        return value.code


def values_field(choices, help_text: str) -> serializers.CharField:
    """A read-only choice shown as a string listing its values. Declared as an enum under a second
    field name, the same choice set would make drf-spectacular name one enum component twice."""
    values = ", ".join(f"`{value}`" for value, _label in choices)
    return serializers.CharField(read_only=True, help_text=f"{help_text} One of {values}.")


def hazard_type_field(**kwargs) -> serializers.SlugRelatedField:
    kwargs.setdefault("help_text", "Hazard type code from the catalogue, e.g. `EVA-01` (see /api/v1/hazard-types/).")
    return serializers.SlugRelatedField(slug_field="code", queryset=HazardType.objects.all(), **kwargs)


# --- catalogue ------------------------------------------------------------------------------


class HazardTypeOutputSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True, help_text="Name in the request's language.")
    categories = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        read_only=True,
        help_text="Codes of the categories it applies to (and their sub-types); empty when it applies to all.",
    )
    default_severity = values_field(Severity.choices, "Severity a new hazard of this type gets by default.")

    class Meta:
        model = HazardType
        fields = [
            "code",
            "name",
            "name_en",
            "label",
            "applies_to_all",
            "categories",
            "default_severity",
            "default_deadline_hours",
            "fix_immediately",
            "candidate_major_factor",
            "regulation",
        ]
        read_only_fields = fields


class HazardTypeQuerySerializer(serializers.Serializer):
    category = CategoryRefField(
        required=False, help_text="Category id or code: only the hazard types that apply to a venue of it."
    )


# --- hazards --------------------------------------------------------------------------------


class ResponsibleOutputSerializer(serializers.Serializer):
    merchant = serializers.BooleanField(source="responsible_merchant", help_text="The venue's merchant answers.")
    community = OrgUnitBriefSerializer(source="responsible_community", allow_null=True)
    department = DepartmentBriefSerializer(source="responsible_department", allow_null=True)


class HazardOutputSerializer(serializers.ModelSerializer):
    venue = VenueBriefSerializer(read_only=True)
    hazard_type = HazardTypeBriefSerializer(read_only=True)
    severity_label = serializers.CharField(source="get_severity_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True, help_text="Open and past its deadline (derived).")
    escalation_label = serializers.CharField(source="get_escalation_level_display", read_only=True)
    responsible = ResponsibleOutputSerializer(source="*", read_only=True)
    community = OrgUnitBriefSerializer(read_only=True)
    category = CategoryBriefSerializer(read_only=True)

    class Meta:
        model = Hazard
        fields = [
            "id",
            "venue",
            "hazard_type",
            "severity",
            "severity_label",
            "state",
            "state_label",
            "source",
            "found_at",
            "deadline",
            "is_overdue",
            "responsible",
            "escalation_level",
            "escalation_label",
            "community",
            "category",
            "closed_at",
            "version",
        ]
        read_only_fields = fields


class HazardPhotoOutputSerializer(serializers.ModelSerializer):
    url = serializers.ImageField(source="image", read_only=True, help_text="Absolute URL of the photo.")
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    event = serializers.IntegerField(source="event_id", read_only=True, help_text="Id of the event it belongs to.")

    class Meta:
        model = HazardPhoto
        fields = ["id", "kind", "kind_label", "url", "event", "uploaded_at"]
        read_only_fields = fields


class AllowedActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(ACTION_ENDPOINTS))
    label = serializers.CharField()
    url = serializers.CharField(help_text="The endpoint to POST to.")


class _CoordsMixin:
    """Renders WGS-84 `lat`/`lng` pairs in the coordinate system of the serializer's context."""

    coord_pairs: tuple[tuple[str, str], ...] = (("lat", "lng"),)

    def _system(self) -> str:
        return self.context.get("coord_system") or geo.CoordSystem.WGS84.value

    @extend_schema_field(serializers.ChoiceField(choices=[c.value for c in geo.CoordSystem]))
    def get_coord_system(self, obj) -> str:
        return self._system()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        for lat, lng in self.coord_pairs:
            data[lat], data[lng] = output_coords(data[lat], data[lng], self._system())
        return data


class HazardDetailOutputSerializer(_CoordsMixin, HazardOutputSerializer):
    coord_pairs = (("found_lat", "found_lng"),)
    found_by = UserBriefSerializer(read_only=True, allow_null=True)
    found_lat = serializers.FloatField(read_only=True, allow_null=True, help_text=LAT_HELP)
    found_lng = serializers.FloatField(read_only=True, allow_null=True, help_text=LNG_HELP)
    coord_system = serializers.SerializerMethodField(help_text="The coordinate system of `found_lat`/`found_lng`.")
    allowed_actions = serializers.SerializerMethodField(
        help_text="The transitions the requesting user may take now, each with its endpoint."
    )
    photos = HazardPhotoOutputSerializer(many=True, read_only=True)

    class Meta(HazardOutputSerializer.Meta):
        fields = [
            *HazardOutputSerializer.Meta.fields,
            "description",
            "inspection",
            "found_by",
            "found_lat",
            "found_lng",
            "found_accuracy_m",
            "coord_system",
            "fixed_on_spot",
            "dispatched_at",
            "proof_submitted_at",
            "review_failures",
            "reopen_count",
            "created_at",
            "updated_at",
            "allowed_actions",
            "photos",
        ]
        read_only_fields = fields

    @extend_schema_field(AllowedActionSerializer(many=True))
    def get_allowed_actions(self, obj) -> list[dict]:
        user = self.context["request"].user
        return [
            {
                "action": name,
                "label": str(services.ACTION_LABELS[name]),
                "url": reverse(f"api-hazard-{ACTION_ENDPOINTS[name]}", args=[obj.pk]),
            }
            for name in services.allowed_actions(obj, user)
        ]


class HazardEventOutputSerializer(_CoordsMixin, serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    actor = UserBriefSerializer(read_only=True, allow_null=True, help_text="Null: the system (e.g. escalation).")
    lat = serializers.FloatField(read_only=True, allow_null=True, help_text=LAT_HELP)
    lng = serializers.FloatField(read_only=True, allow_null=True, help_text=LNG_HELP)
    coord_system = serializers.SerializerMethodField(help_text="The coordinate system of `lat`/`lng`.")
    photos = HazardPhotoOutputSerializer(many=True, read_only=True)
    data = serializers.DictField(read_only=True, help_text="Facts of the step, e.g. the new deadline.")
    from_state = values_field(HazardState.choices, "State before the step; empty for the first step.")
    to_state = values_field(HazardState.choices, "State after the step.")

    class Meta:
        model = HazardEvent
        fields = [
            "id",
            "kind",
            "kind_label",
            "from_state",
            "to_state",
            "actor",
            "at",
            "note",
            "data",
            "lat",
            "lng",
            "accuracy_m",
            "coord_system",
            "photos",
        ]
        read_only_fields = fields


class HazardListQuerySerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=[("open", "open"), *HazardState.choices],
        required=False,
        help_text="A state, or `open` for every state before closed.",
    )
    overdue = serializers.BooleanField(
        required=False, allow_null=True, help_text="true: open and past the deadline; false: the others."
    )
    org_unit = VisibleOrgUnitField(required=False, help_text="Only hazards under this org unit (id).")
    category = CategoryRefField(required=False, help_text="Category id or code; a main category includes sub-types.")
    hazard_type = hazard_type_field(required=False)
    venue = serializers.IntegerField(required=False, help_text="Venue id.")
    mine = serializers.BooleanField(
        required=False, default=False, help_text="true: only orders the requesting user answers for."
    )
    q = serializers.CharField(required=False, allow_blank=True, help_text="Part of the venue's sign name or address.")

    def selector_kwargs(self) -> dict:
        data = self.validated_data
        return {
            "state": data.get("state", ""),
            "overdue": data.get("overdue"),
            "org_unit": data.get("org_unit"),
            "category": data.get("category"),
            "hazard_type": data.get("hazard_type"),
            "venue_id": data.get("venue"),
            "responsible_to_me": data.get("mine", False),
            "search": data.get("q", ""),
        }


# --- transitions ----------------------------------------------------------------------------


class PhotoListField(serializers.ListField):
    """Photos as repeated multipart parts named `photos` (or `photos[]`)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("child", serializers.FileField())
        kwargs.setdefault("required", False)
        kwargs.setdefault("default", list)
        super().__init__(**kwargs)

    def get_value(self, dictionary):
        if hasattr(dictionary, "getlist"):
            files = dictionary.getlist(self.field_name) + dictionary.getlist(f"{self.field_name}[]")
            return files if files else serializers.empty
        return super().get_value(dictionary)


class TransitionInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, allow_null=True, min_value=1, help_text=VERSION_HELP)

    def service_kwargs(self) -> dict:
        data = dict(self.validated_data)
        data["expected_version"] = data.pop("version", None)
        return data


class NoteInputSerializer(TransitionInputSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ReasonInputSerializer(TransitionInputSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text="Required.")


class DispatchInputSerializer(TransitionInputSerializer):
    responsible_merchant = serializers.BooleanField(
        required=False, default=False, help_text="The venue's merchant answers for the order."
    )
    responsible_community = VisibleOrgUnitField(
        required=False, allow_null=True, help_text="Id of a community of the venue's street that answers."
    )
    responsible_department = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Department.objects.all(),
        required=False,
        allow_null=True,
        help_text="Code of a line department that answers.",
    )
    deadline = OffsetDateTimeField(
        required=False, allow_null=True, help_text="Default: from the hazard type or its severity."
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)

    def service_kwargs(self) -> dict:
        data = super().service_kwargs()
        data["party"] = services.ResponsibleParty(
            merchant=data.pop("responsible_merchant", False),
            community=data.pop("responsible_community", None),
            department=data.pop("responsible_department", None),
        )
        return data


class RedispatchInputSerializer(DispatchInputSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text="Required.")
    note = None

    def service_kwargs(self) -> dict:
        data = super().service_kwargs()
        data.pop("note", None)
        return data


class PositionInputMixin(serializers.Serializer):
    lat = serializers.FloatField(required=False, allow_null=True, help_text=LAT_HELP)
    lng = serializers.FloatField(required=False, allow_null=True, help_text=LNG_HELP)
    accuracy_m = serializers.FloatField(required=False, allow_null=True, help_text="GPS accuracy in metres.")
    coord_system = coord_system_field(required=False)

    def service_kwargs(self) -> dict:
        data = super().service_kwargs()
        data["position"] = parse_position(
            data.pop("lat", None), data.pop("lng", None), data.pop("accuracy_m", None), data.pop("coord_system", None)
        )
        return data


class ProofInputSerializer(PositionInputMixin, NoteInputSerializer):
    photos = PhotoListField(help_text="At least one photo of the fixed hazard (JPEG, PNG or WebP).")


class ReviewPassInputSerializer(PositionInputMixin, NoteInputSerializer):
    photos = PhotoListField(help_text="Optional photos taken at the review.")


class ReviewFailInputSerializer(PositionInputMixin, ReasonInputSerializer):
    photos = PhotoListField(help_text="Optional photos of what is still wrong.")


class ExtendDeadlineInputSerializer(ReasonInputSerializer):
    deadline = OffsetDateTimeField(help_text="The new deadline, later than the current one.")


# --- figures --------------------------------------------------------------------------------


class FiguresQuerySerializer(serializers.Serializer):
    date_from = serializers.DateField(
        required=False, help_text="First day (Asia/Shanghai); default: 1st of this month."
    )
    date_to = serializers.DateField(required=False, help_text="Last day, included; default: today.")
    org_unit = VisibleOrgUnitField(required=False, help_text="Only hazards under this org unit (id).")
    category = CategoryRefField(required=False, help_text="Category id or code; a main category includes sub-types.")
    hazard_type = hazard_type_field(required=False)

    def validate(self, attrs):
        today = clock.local_today()
        attrs.setdefault("date_to", today)
        attrs.setdefault("date_from", attrs["date_to"].replace(day=1))
        if attrs["date_to"] < attrs["date_from"]:
            raise serializers.ValidationError({"date_to": [_("The period cannot end before it starts.")]})
        if attrs["date_to"] - attrs["date_from"] >= dt.timedelta(days=MAX_FIGURES_SPAN_DAYS):
            raise serializers.ValidationError(
                {"date_to": [_("Choose a period of at most %(n)d days.") % {"n": MAX_FIGURES_SPAN_DAYS}]}
            )
        return attrs


class LoopFiguresSerializer(serializers.Serializer):
    found = serializers.IntegerField(help_text="Hazards found in the period (withdrawn ones never count).")
    closed = serializers.IntegerField(help_text="Hazards closed in the period.")
    closed_on_time = serializers.IntegerField(help_text="Of those closed, closed by their deadline.")
    on_time_rate = serializers.FloatField(allow_null=True, help_text="closed_on_time / closed (0-1); null if none.")
    open = serializers.IntegerField(help_text="Open now.")
    overdue = serializers.IntegerField(help_text="Open now and past the deadline.")
    mean_rectification_hours = serializers.FloatField(allow_null=True, help_text="Found → closed, of those closed.")
    median_rectification_hours = serializers.FloatField(allow_null=True)


class FiguresRowSerializer(LoopFiguresSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class HazardTypeFiguresRowSerializer(FiguresRowSerializer):
    code = serializers.CharField()


class InspectorFiguresSerializer(serializers.Serializer):
    inspector_id = serializers.IntegerField()
    name = serializers.CharField()
    inspections = serializers.IntegerField()
    off_site = serializers.IntegerField(help_text="Inspections marked off-site.")
    venues = serializers.IntegerField(help_text="Distinct venues inspected.")
    hazards_found = serializers.IntegerField()


class FiguresReportSerializer(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    total = LoopFiguresSerializer()
    by_community = FiguresRowSerializer(many=True)
    by_category = FiguresRowSerializer(many=True, help_text="By top-level category.")
    by_hazard_type = HazardTypeFiguresRowSerializer(many=True)
    inspections_by_inspector = InspectorFiguresSerializer(many=True)
