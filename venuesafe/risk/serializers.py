"""Risk API shapes. Output only, plus the query parameters; risk.selectors do the reading."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from venuesafe.core.positions import Position, parse_position
from venuesafe.venues.serializers import LAT_HELP, LNG_HELP, VisibleOrgUnitField, coord_system_field

LEVEL_HELP = "`red`, `orange`, `yellow` or `blue` (红橙黄蓝), from the score (settings RISK_LEVEL_THRESHOLDS)."


class RiskLevelField(serializers.CharField):
    """Output only. A plain string in the schema: an enum component named after the field would
    collide with the org tree's `level` (drf-spectacular names enums by field name)."""


class RiskFactorSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Stable factor key, e.g. `category`, `open_serious`, `never_inspected`.")
    label = serializers.CharField(help_text="The factor in the request's language.")
    detail = serializers.CharField(allow_blank=True, help_text="How the points came about, e.g. `2 × 10`.")
    points = serializers.IntegerField(help_text="Points this factor adds; the points add up to `score`.")


class CandidateFactorSerializer(serializers.Serializer):
    hazard = serializers.IntegerField(help_text="Id of the open hazard.")
    code = serializers.CharField(help_text="Hazard catalogue code.")
    label = serializers.CharField(help_text="Hazard type in the request's language.")
    element = serializers.CharField(help_text="The GB 35181 element the hazard stands for, e.g. `7.3.3`.")
    direct = serializers.BooleanField(help_text="A direct element (one is enough), else a comprehensive one.")


class RiskVenueSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sign_name = serializers.CharField()
    address = serializers.CharField()


class RiskCommunitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CandidateFlagSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    venue = RiskVenueSerializer()
    community = RiskCommunitySerializer()
    flagged_at = serializers.DateTimeField()
    cleared_at = serializers.DateTimeField(
        allow_null=True, help_text="When the flag was cleared (factors fixed); null while open."
    )
    direct = serializers.BooleanField(help_text="A direct element is present.")
    elements_count = serializers.IntegerField(help_text="Distinct comprehensive elements present.")
    threshold = serializers.IntegerField(help_text="Comprehensive elements that flag this venue (its category's).")
    factors = CandidateFactorSerializer(many=True)


class VenueRiskSerializer(serializers.Serializer):
    venue = RiskVenueSerializer()
    score = serializers.IntegerField(allow_null=True, help_text="Null until the venue is scored for the first time.")
    level = RiskLevelField(allow_null=True, help_text=LEVEL_HELP)
    level_label = serializers.CharField(allow_blank=True, help_text="The level in the request's language.")
    factors = RiskFactorSerializer(many=True, help_text="Every factor with its points; they add up to `score`.")
    computed_at = serializers.DateTimeField(allow_null=True)
    frequency_days = serializers.IntegerField(
        help_text="Required inspection frequency of the level (settings PATROL_FREQUENCY_DAYS); blue until scored."
    )
    last_inspected_at = serializers.DateTimeField(allow_null=True)
    next_due = serializers.DateField(
        allow_null=True, help_text="Day the next inspection is due (Asia/Shanghai); null: never inspected, due now."
    )
    overdue_days = serializers.IntegerField(help_text="Days past `next_due` (0 when not past it).")
    candidate_major = CandidateFlagSerializer(allow_null=True, help_text="The open candidate-major flag, if any.")


class CandidateQuerySerializer(serializers.Serializer):
    include_cleared = serializers.BooleanField(
        required=False, default=False, help_text="true: cleared flags too (newest first)."
    )


class PatrolQuerySerializer(serializers.Serializer):
    lat = serializers.FloatField(required=False, help_text="Where the route starts (the phone). " + LAT_HELP)
    lng = serializers.FloatField(required=False, help_text=LNG_HELP)
    coord_system = coord_system_field(required=False)

    def validate(self, attrs):
        if ("lat" in attrs) != ("lng" in attrs):
            missing = "lng" if "lat" in attrs else "lat"
            raise serializers.ValidationError({missing: [_("Send lat and lng together.")]})
        return attrs

    def start(self) -> Position | None:
        data = self.validated_data
        return parse_position(data.get("lat"), data.get("lng"), None, data.get("coord_system"))


class PatrolStopSerializer(serializers.Serializer):
    order = serializers.IntegerField(help_text="1, 2, 3 …: the walking order.")
    venue = RiskVenueSerializer()
    lat = serializers.FloatField(allow_null=True, help_text=LAT_HELP)
    lng = serializers.FloatField(allow_null=True, help_text=LNG_HELP)
    coord_system = serializers.CharField(help_text="The coordinate system of `lat`/`lng` here.")
    level = RiskLevelField(help_text=LEVEL_HELP)
    level_label = serializers.CharField()
    score = serializers.IntegerField()
    last_inspected_at = serializers.DateTimeField(allow_null=True, help_text="Null: never inspected.")
    due_date = serializers.DateField(allow_null=True, help_text="Day it became due; null: never inspected.")
    overdue_days = serializers.IntegerField()
    leg_m = serializers.IntegerField(
        allow_null=True,
        help_text="Straight-line metres from the previous stop (the first: from the start position); "
        "null for the first stop when the route starts at it, and for venues without a location (last).",
    )


class CoverageQuerySerializer(serializers.Serializer):
    org_unit = VisibleOrgUnitField(required=False, help_text="Only venues under this org unit (id).")


class CoverageRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Community id (0 in the total).")
    name = serializers.CharField(allow_blank=True)
    venues = serializers.IntegerField(help_text="Open venues.")
    covered = serializers.IntegerField(help_text="Of those, inspected within the frequency their level requires.")
    rate = serializers.FloatField(allow_null=True, help_text="covered / venues (0-1); null when there is no venue.")


class RiskCountsSerializer(serializers.Serializer):
    red = serializers.IntegerField()
    orange = serializers.IntegerField()
    yellow = serializers.IntegerField()
    blue = serializers.IntegerField()


class CoverageSerializer(serializers.Serializer):
    day = serializers.DateField()
    total = CoverageRowSerializer()
    by_community = CoverageRowSerializer(many=True, help_text="Lowest coverage first.")
    risk_counts = RiskCountsSerializer(help_text="Scored venues by their latest level.")
    frequency_days = RiskCountsSerializer(help_text="Required inspection frequency per level, in days.")
