"""Venue API input/output shapes. Input serializers only parse; the services validate the domain."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from venuesafe.accounts.models import User
from venuesafe.accounts.selectors import org_units_visible
from venuesafe.core import geo
from venuesafe.org.models import Department, OrgUnit

from .models import BusinessStatus, LicenceKind, LocationSource, Venue, VenueCategory

COORD_SYSTEM_HELP = (
    "Coordinate system of `lat`/`lng`: `wgs84` (default; phone GPS), `gcj02` (Chinese map pickers, "
    "AutoNavi/Tencent maps, WeChat) or `bd09` (Baidu). Stored coordinates are always WGS-84; input is "
    "converted from this system and output is converted to it."
)
LAT_HELP = "Latitude, in the system chosen by `coord_system` (WGS-84 by default)."
LNG_HELP = "Longitude, in the system chosen by `coord_system` (WGS-84 by default)."


def coord_system_field(**kwargs) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=[(c.value, c.value) for c in geo.CoordSystem],
        default=geo.CoordSystem.WGS84.value,
        help_text=COORD_SYSTEM_HELP,
        **kwargs,
    )


def output_coords(lat: float | None, lng: float | None, system: str) -> tuple[float | None, float | None]:
    if lat is None or lng is None:
        return lat, lng
    olat, olng = geo.from_wgs84(lat, lng, system)
    return round(olat, 7), round(olng, 7)


class VisibleOrgUnitField(serializers.PrimaryKeyRelatedField):
    """An org unit id among those the requesting user may see; others read as not existing."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", OrgUnit.objects.all())
        super().__init__(**kwargs)

    def get_queryset(self):
        return org_units_visible(user=self.context["request"].user)


# --- categories -----------------------------------------------------------------------------


class DepartmentOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["code", "name", "name_en"]
        read_only_fields = fields


class VenueCategoryOutputSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True, help_text="Name in the request's language.")
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="Code of the main category.")
    departments = DepartmentOutputSerializer(many=True, read_only=True)

    class Meta:
        model = VenueCategory
        fields = ["code", "name", "name_en", "label", "parent", "departments"]
        read_only_fields = fields


class CategoryBriefSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


# --- venues ---------------------------------------------------------------------------------


class VenueOutputSerializer(serializers.ModelSerializer):
    category = CategoryBriefSerializer(read_only=True)
    photo = serializers.ImageField(read_only=True, allow_null=True, help_text="Absolute URL of the photo, or null.")
    lat = serializers.FloatField(read_only=True, allow_null=True, help_text=LAT_HELP)
    lng = serializers.FloatField(read_only=True, allow_null=True, help_text=LNG_HELP)
    coord_system = serializers.SerializerMethodField(help_text="The coordinate system of `lat`/`lng` here.")
    business_status_label = serializers.CharField(source="get_business_status_display", read_only=True)
    missing_elements = serializers.ListField(
        child=serializers.ChoiceField(choices=["sign_name", "category", "address", "photo", "licence"]),
        read_only=True,
        help_text="Which of the five elements are missing.",
    )
    is_complete = serializers.BooleanField(read_only=True, help_text="All five elements present.")

    class Meta:
        model = Venue
        fields = [
            "id",
            "sign_name",
            "category",
            "address",
            "photo",
            "licence_kind",
            "licence_no",
            "lat",
            "lng",
            "coord_system",
            "location_source",
            "location_accuracy_m",
            "operator_name",
            "operator_mobile",
            "business_status",
            "business_status_label",
            "floor_area_m2",
            "community",
            "grid",
            "grid_worker",
            "inspector",
            "elements_present",
            "missing_elements",
            "is_complete",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def _system(self) -> str:
        return self.context.get("coord_system") or geo.CoordSystem.WGS84.value

    @extend_schema_field(serializers.ChoiceField(choices=[c.value for c in geo.CoordSystem]))
    def get_coord_system(self, obj) -> str:
        return self._system()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["lat"], data["lng"] = output_coords(instance.lat, instance.lng, self._system())
        return data


class VenueInputSerializer(serializers.Serializer):
    """What a client may send. Parsed here; validated by venues.services (400 `invalid` with fields)."""

    sign_name = serializers.CharField(allow_blank=True, help_text="Shop sign name (招牌名称).")
    category = serializers.SlugRelatedField(
        slug_field="code",
        queryset=VenueCategory.objects.filter(is_active=True),
        help_text="Category code, e.g. `SHOP` or `FOOD_BBQ` (see /api/v1/venue-categories/).",
    )
    address = serializers.CharField(allow_blank=True)
    photo = serializers.FileField(
        required=False,
        allow_null=True,
        help_text="A JPEG, PNG or WebP photo of the shop front (multipart). Null removes it.",
    )
    licence_kind = serializers.ChoiceField(
        choices=LicenceKind.choices,
        required=False,
        allow_blank=True,
        help_text="Left blank, an 18-character number is taken as a unified social credit code.",
    )
    licence_no = serializers.CharField(
        required=False, allow_blank=True, help_text="Unified social credit code (统一社会信用代码) or licence number."
    )
    lat = serializers.FloatField(required=False, allow_null=True, help_text=LAT_HELP)
    lng = serializers.FloatField(required=False, allow_null=True, help_text=LNG_HELP)
    coord_system = coord_system_field(required=False)
    location_source = serializers.ChoiceField(choices=LocationSource.choices, required=False, allow_blank=True)
    location_accuracy_m = serializers.FloatField(required=False, allow_null=True)
    operator_name = serializers.CharField(required=False, allow_blank=True)
    operator_mobile = serializers.CharField(
        required=False, allow_blank=True, help_text="Mainland China mobile number (11 digits)."
    )
    business_status = serializers.ChoiceField(choices=BusinessStatus.choices, required=False)
    floor_area_m2 = serializers.IntegerField(required=False, allow_null=True)
    community = VisibleOrgUnitField(required=False, help_text="Community id; may be left out when `grid` is given.")
    grid = VisibleOrgUnitField(required=False, allow_null=True, help_text="Grid id within the community.")
    grid_worker = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True, help_text="User id."
    )
    inspector = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True, help_text="User id."
    )

    def service_kwargs(self) -> tuple[str, dict]:
        """(coord_system, fields) for venue_create / venue_update."""
        data = dict(self.validated_data)
        system = data.pop("coord_system", geo.CoordSystem.WGS84.value)
        if "photo" in data and data["photo"] is None:
            data["photo"] = ""
        return system, data


class CoordSystemQuerySerializer(serializers.Serializer):
    coord_system = coord_system_field(required=False)


class VenueListQuerySerializer(serializers.Serializer):
    search = serializers.CharField(
        required=False, allow_blank=True, help_text="Part of the sign name or address, or a licence number prefix."
    )
    category = serializers.SlugRelatedField(
        slug_field="code",
        queryset=VenueCategory.objects.all(),
        required=False,
        help_text="Category code; a main category includes its sub-types.",
    )
    business_status = serializers.ChoiceField(choices=BusinessStatus.choices, required=False)
    org_unit = VisibleOrgUnitField(required=False, help_text="Only venues under this org unit (id).")
    complete = serializers.BooleanField(
        required=False, allow_null=True, help_text="true: all five elements present; false: some missing."
    )
    coord_system = coord_system_field(required=False)


class VenueNearQuerySerializer(serializers.Serializer):
    lat = serializers.FloatField(min_value=-90, max_value=90, help_text="Latitude of the centre.")
    lng = serializers.FloatField(min_value=-180, max_value=180, help_text="Longitude of the centre.")
    radius = serializers.FloatField(
        required=False,
        default=100,
        min_value=1,
        help_text="Radius in metres (default 100; at most the NEAR_ME_MAX_RADIUS_M setting, 5000 by default).",
    )
    coord_system = coord_system_field(required=False)

    def validate_radius(self, value: float) -> float:
        limit = settings.NEAR_ME_MAX_RADIUS_M
        if value > limit:
            raise serializers.ValidationError(_("The radius may be at most %(limit)d metres.") % {"limit": limit})
        return value


class NearVenueOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sign_name = serializers.CharField()
    address = serializers.CharField()
    category = serializers.SerializerMethodField()
    business_status = serializers.ChoiceField(choices=BusinessStatus.choices)
    business_status_label = serializers.SerializerMethodField()
    lat = serializers.FloatField(help_text=LAT_HELP)
    lng = serializers.FloatField(help_text=LNG_HELP)
    distance_m = serializers.FloatField(help_text="Distance from the centre in metres.")

    @extend_schema_field(CategoryBriefSerializer(allow_null=True))
    def get_category(self, obj):
        category = self.context.get("categories", {}).get(obj.category_id)
        return CategoryBriefSerializer(category).data if category else None

    @extend_schema_field(OpenApiTypes.STR)
    def get_business_status_label(self, obj) -> str:
        return str(BusinessStatus(obj.business_status).label)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["lat"], data["lng"] = output_coords(instance.lat, instance.lng, self.context.get("coord_system", "wgs84"))
        data["distance_m"] = round(instance.distance_m, 1)
        return data


class CompletenessQuerySerializer(serializers.Serializer):
    org_unit = VisibleOrgUnitField(required=False, help_text="Only venues under this org unit (id).")


class CompletenessOutputSerializer(serializers.Serializer):
    org_unit_id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    venues = serializers.IntegerField(help_text="Venues not deregistered.")
    complete = serializers.IntegerField(help_text="Venues with all five elements.")
    elements_present = serializers.IntegerField(help_text="Sum of elements present over the venues.")
    complete_rate = serializers.FloatField(help_text="complete / venues (0-1).")
    element_rate = serializers.FloatField(help_text="elements_present / (5 × venues) (0-1).")


class CompletenessReportSerializer(serializers.Serializer):
    total = CompletenessOutputSerializer()
    communities = CompletenessOutputSerializer(many=True)


HISTORY_KINDS = {"+": "created", "~": "changed", "-": "deleted"}


class HistoryChangeOutputSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


class HistoryEntryOutputSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    actor = serializers.CharField()
    kind = serializers.SerializerMethodField()
    changes = HistoryChangeOutputSerializer(many=True)

    @extend_schema_field(serializers.ChoiceField(choices=list(HISTORY_KINDS.values())))
    def get_kind(self, obj) -> str:
        return HISTORY_KINDS.get(obj.kind, obj.kind)
