"""Input and output shapes of the instant-response API."""

from __future__ import annotations

from rest_framework import serializers

from venuesafe.core.geo import CoordSystem
from venuesafe.org.models import OrgUnit
from venuesafe.venues.models import VenueCategory

from .models import AnomalyKind, TaskState, VerificationEvent, VerificationTask


class PositionInputSerializer(serializers.Serializer):
    lat = serializers.FloatField(required=False, allow_null=True)
    lng = serializers.FloatField(required=False, allow_null=True)
    accuracy_m = serializers.FloatField(required=False, allow_null=True, min_value=0)
    coord_system = serializers.ChoiceField(
        choices=[c.value for c in CoordSystem], required=False, default=CoordSystem.WGS84.value
    )
    client_id = serializers.UUIDField(
        required=False, allow_null=True, help_text="Client-generated UUID: a retry with it is answered, not repeated."
    )


class ReportInputSerializer(PositionInputSerializer):
    kind = serializers.ChoiceField(choices=AnomalyKind.choices)
    venue = serializers.IntegerField(
        required=False, allow_null=True, help_text="The archived venue (every kind but `new_venue`)."
    )
    sign_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=VenueCategory.objects.filter(is_active=True), required=False, allow_null=True
    )
    address = serializers.CharField(required=False, allow_blank=True, max_length=200)
    licence_no = serializers.CharField(required=False, allow_blank=True, max_length=40)
    photo = serializers.ImageField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    org_unit = serializers.PrimaryKeyRelatedField(
        queryset=OrgUnit.objects.all(),
        required=False,
        allow_null=True,
        help_text="Community or grid, when no archived venue is near the position.",
    )
    confirm_new = serializers.BooleanField(
        required=False, default=False, help_text="`new_venue`: the offered matches are not this venue; file it as new."
    )
    matched_venue = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="`new_venue`: it is this archived venue (one of the matches); filed as a report on it.",
    )


class MatchesQuerySerializer(serializers.Serializer):
    lat = serializers.FloatField(required=False, allow_null=True)
    lng = serializers.FloatField(required=False, allow_null=True)
    coord_system = serializers.ChoiceField(
        choices=[c.value for c in CoordSystem], required=False, default=CoordSystem.WGS84.value
    )
    name = serializers.CharField(required=False, allow_blank=True, default="")
    licence = serializers.CharField(required=False, allow_blank=True, default="")


class MatchOutputSerializer(serializers.Serializer):
    venue_id = serializers.IntegerField()
    sign_name = serializers.CharField()
    address = serializers.CharField()
    category = serializers.CharField()
    community = serializers.CharField()
    business_status = serializers.CharField()
    distance_m = serializers.FloatField(allow_null=True)
    name_similarity = serializers.FloatField()
    reasons = serializers.ListField(child=serializers.ChoiceField(choices=["similar_name_nearby", "same_licence"]))


class VerifyInputSerializer(PositionInputSerializer):
    sign_name = serializers.CharField(required=False, allow_null=True, max_length=100)
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=VenueCategory.objects.filter(is_active=True), required=False, allow_null=True
    )
    address = serializers.CharField(required=False, allow_null=True, max_length=200)
    licence_no = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=40)
    photo = serializers.ImageField(required=False, allow_null=True)
    use_position = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The phone's position becomes the venue's location (default: yes for `new_venue` and "
        "`wrong_location`).",
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class DismissInputSerializer(PositionInputSerializer):
    reason = serializers.CharField(max_length=2000)


class TaskListQuerySerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=TaskState.choices, required=False)
    mine = serializers.BooleanField(required=False, default=False, help_text="Only tasks assigned to me.")
    reported = serializers.BooleanField(required=False, default=False, help_text="Only tasks I reported.")
    overdue = serializers.BooleanField(required=False, default=False, help_text="Only open tasks past their due time.")


def _person(user) -> dict | None:
    return {"id": user.pk, "name": user.display_name} if user else None


class EventOutputSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = VerificationEvent
        fields = ["kind", "at", "actor", "lat", "lng", "accuracy_m", "note", "data"]

    def get_actor(self, obj) -> dict | None:
        return _person(obj.actor)


class TaskOutputSerializer(serializers.ModelSerializer):
    venue = serializers.SerializerMethodField()
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    community = serializers.SerializerMethodField()
    grid = serializers.SerializerMethodField()
    reported_by = serializers.SerializerMethodField()
    assignee = serializers.SerializerMethodField()
    closed_by = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    response_minutes = serializers.FloatField(read_only=True, allow_null=True)
    photo = serializers.ImageField(read_only=True, use_url=True)

    class Meta:
        model = VerificationTask
        fields = [
            "id",
            "kind",
            "state",
            "venue",
            "sign_name",
            "category",
            "address",
            "licence_no",
            "lat",
            "lng",
            "location_accuracy_m",
            "photo",
            "note",
            "reported_by",
            "reported_at",
            "community",
            "grid",
            "assignee",
            "due_at",
            "overdue",
            "escalation_level",
            "closed_at",
            "closed_by",
            "on_site",
            "response_minutes",
            "dismiss_reason",
            "changes",
        ]
        read_only_fields = fields

    def get_venue(self, obj) -> dict | None:
        return {"id": obj.venue_id, "sign_name": obj.venue.sign_name} if obj.venue_id else None

    def get_community(self, obj) -> dict:
        return {"id": obj.community_id, "name": obj.community.name}

    def get_grid(self, obj) -> dict | None:
        return {"id": obj.grid_id, "name": obj.grid.name} if obj.grid_id else None

    def get_reported_by(self, obj) -> dict | None:
        return _person(obj.reported_by)

    def get_assignee(self, obj) -> dict | None:
        return _person(obj.assignee)

    def get_closed_by(self, obj) -> dict | None:
        return _person(obj.closed_by)

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue()


class TaskDetailOutputSerializer(TaskOutputSerializer):
    events = EventOutputSerializer(many=True, read_only=True)

    class Meta(TaskOutputSerializer.Meta):
        fields = [*TaskOutputSerializer.Meta.fields, "events"]
        read_only_fields = fields


class FiguresQuerySerializer(serializers.Serializer):
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    org_unit = serializers.IntegerField(required=False)
