"""Triage API for staff (the public side is the page and Open311). Thin: parse, call, render.

GET reports/ and reports/{id}/ list and show the reports the user triages (with contact data);
POST reports/{id}/accept|merge|dismiss/ take the one triage step. Refusals: 400 bad input (with
`fields`), 404 outside the user's scope, 409 already triaged or stale `version` (with
`current_state` and `version`).
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from venuesafe.core.errors import InvalidInput
from venuesafe.core.serializers import ConflictErrorSerializer, ErrorSerializer, validated_or_invalid
from venuesafe.hazards.models import HazardType, Severity
from venuesafe.hazards.selectors import hazard_queryset
from venuesafe.venues.selectors import venue_queryset

from . import selectors, services
from .models import ReportState, ResidentReport

TAG = "resident-reports"
ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input (`invalid`, `venue_required`, … with `fields`)."),
    404: OpenApiResponse(ErrorSerializer, description="Not found or not the user's to triage (`not_found`)."),
    409: OpenApiResponse(
        ConflictErrorSerializer,
        description="Already triaged (`state_conflict`) or changed since `version` (`stale_version`). Nothing changed.",
    ),
}


class ReportOutputSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    category_name = serializers.CharField(source="category.label", read_only=True)
    public_status = serializers.SerializerMethodField(help_text="Open311 status: open or closed.")
    photos = serializers.SerializerMethodField()

    class Meta:
        model = ResidentReport
        fields = [
            "id",
            "reference",
            "category",
            "category_name",
            "description",
            "lat",
            "lng",
            "address_string",
            "community",
            "venue",
            "state",
            "public_status",
            "dismiss_reason",
            "hazard",
            "version",
            "source",
            "submitted_at",
            "updated_at",
            "triaged_at",
            "contact_name",
            "contact_phone",
            "contact_email",
            "media_url",
            "attributes",
            "photos",
        ]

    def get_public_status(self, obj) -> str:
        return selectors.public_status(obj)

    def get_photos(self, obj) -> list[str]:
        request = self.context.get("request")
        urls = [p.image.url for p in obj.photos.all()]
        return [request.build_absolute_uri(u) for u in urls] if request else urls


class ReportNearVenueSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sign_name = serializers.CharField()
    address = serializers.CharField()
    distance_m = serializers.FloatField()


class ReportOpenHazardSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    venue = serializers.IntegerField(source="venue_id")
    hazard_type = serializers.CharField(source="hazard_type.code")
    state = serializers.CharField()


class ReportDetailSerializer(ReportOutputSerializer):
    nearby_venues = serializers.SerializerMethodField()
    open_hazards = serializers.SerializerMethodField()

    class Meta(ReportOutputSerializer.Meta):
        fields = [*ReportOutputSerializer.Meta.fields, "nearby_venues", "open_hazards"]

    def _near(self, obj):
        if not hasattr(self, "_near_cache"):
            self._near_cache = selectors.nearby_venues(user=self.context["request"].user, report=obj)
        return self._near_cache

    def get_nearby_venues(self, obj) -> list[dict]:
        return ReportNearVenueSerializer(self._near(obj), many=True).data

    def get_open_hazards(self, obj) -> list[dict]:
        ids = [v.id for v in self._near(obj)] + ([obj.venue_id] if obj.venue_id else [])
        hazards = selectors.open_hazards_at(user=self.context["request"].user, venue_ids=ids) if ids else []
        return ReportOpenHazardSerializer(hazards, many=True).data


class ReportListQuerySerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=[*ReportState.values, "all"], required=False, default=ReportState.NEW)


class ReportAcceptInputSerializer(serializers.Serializer):
    venue = serializers.IntegerField(required=False, help_text="Required unless the report came with a venue.")
    hazard_type = serializers.CharField(required=False, help_text="Catalogue code; default: the category's.")
    severity = serializers.ChoiceField(choices=Severity.choices, required=False)
    version = serializers.IntegerField(required=False)


class ReportMergeInputSerializer(serializers.Serializer):
    hazard = serializers.IntegerField()
    version = serializers.IntegerField(required=False)


class ReportDismissInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, allow_blank=True)
    version = serializers.IntegerField(required=False)


def _detail(request, pk: int) -> Response:
    report = selectors.report_get_for_staff(user=request.user, pk=pk)
    return Response(ReportDetailSerializer(report, context={"request": request}).data)


class ReportListApi(generics.GenericAPIView):
    filter_backends = ()

    @extend_schema(
        tags=[TAG],
        operation_id="resident_reports_list",
        summary="Resident reports the user triages",
        description="Newest first; `state` defaults to `new` (awaiting triage); `all` for every state.",
        parameters=[ReportListQuerySerializer],
        responses={200: ReportOutputSerializer(many=True), 400: ERRORS[400]},
    )
    def get(self, request):
        query = validated_or_invalid(ReportListQuerySerializer(data=request.query_params))
        reports = selectors.report_triage_list(user=request.user, state=query["state"]).prefetch_related("photos")
        page = self.paginate_queryset(reports)
        return self.get_paginated_response(ReportOutputSerializer(page, many=True, context={"request": request}).data)


class ReportDetailApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="resident_reports_retrieve",
        summary="One resident report, with venues within 50 m and their open work orders",
        responses={200: ReportDetailSerializer, 404: ERRORS[404]},
    )
    def get(self, request, pk: int):
        return _detail(request, pk)


class ReportAcceptApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="resident_reports_accept",
        summary="Accept: a work order (source resident_report) at the venue",
        request=ReportAcceptInputSerializer,
        responses={200: ReportDetailSerializer, **ERRORS},
    )
    def post(self, request, pk: int):
        report = selectors.report_get_for_staff(user=request.user, pk=pk)
        data = validated_or_invalid(ReportAcceptInputSerializer(data=request.data))
        venue = None
        if data.get("venue") is not None:
            venue = venue_queryset(user=request.user).filter(pk=data["venue"]).first()
            if venue is None:
                msg = str(services.VENUE_OUT_OF_SCOPE)
                raise InvalidInput(msg, code="venue_out_of_scope", fields={"venue": [msg]})
        hazard_type = None
        if data.get("hazard_type"):
            hazard_type = HazardType.objects.filter(code=data["hazard_type"], is_active=True).first()
            if hazard_type is None:
                raise InvalidInput(
                    services.UNKNOWN_HAZARD_TYPE, fields={"hazard_type": [str(services.UNKNOWN_HAZARD_TYPE)]}
                )
        services.report_accept(
            user=request.user,
            report=report,
            venue=venue,
            hazard_type=hazard_type,
            severity=data.get("severity"),
            expected_version=data.get("version"),
        )
        return _detail(request, pk)


class ReportMergeApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="resident_reports_merge",
        summary="Merge into an open work order",
        request=ReportMergeInputSerializer,
        responses={200: ReportDetailSerializer, **ERRORS},
    )
    def post(self, request, pk: int):
        report = selectors.report_get_for_staff(user=request.user, pk=pk)
        data = validated_or_invalid(ReportMergeInputSerializer(data=request.data))
        hazard = hazard_queryset(user=request.user).filter(pk=data["hazard"]).first()
        if hazard is None:
            msg = str(services.HAZARD_OUT_OF_SCOPE)
            raise InvalidInput(msg, code="hazard_out_of_scope", fields={"hazard": [msg]})
        services.report_merge(user=request.user, report=report, hazard=hazard, expected_version=data.get("version"))
        return _detail(request, pk)


class ReportDismissApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="resident_reports_dismiss",
        summary="Dismiss with a reason the reporter reads",
        request=ReportDismissInputSerializer,
        responses={200: ReportDetailSerializer, **ERRORS},
    )
    def post(self, request, pk: int):
        report = selectors.report_get_for_staff(user=request.user, pk=pk)
        data = validated_or_invalid(ReportDismissInputSerializer(data=request.data))
        services.report_dismiss(
            user=request.user, report=report, reason=data["reason"], expected_version=data.get("version")
        )
        return _detail(request, pk)
