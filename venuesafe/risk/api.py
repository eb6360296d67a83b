"""Risk API: a venue's explained score, candidate major hazards, today's patrol list and coverage.
Thin: parse, call risk.selectors, render — with the same helpers as the pages (risk.views)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from venuesafe.core import clock, geo
from venuesafe.core.errors import NotAllowed
from venuesafe.core.serializers import ErrorSerializer
from venuesafe.venues.selectors import venue_get
from venuesafe.venues.serializers import output_coords

from . import selectors
from .models import CandidateMajorFlag, RiskLevel
from .serializers import (
    CandidateFlagSerializer,
    CandidateQuerySerializer,
    CoverageQuerySerializer,
    CoverageSerializer,
    PatrolQuerySerializer,
    PatrolStopSerializer,
    VenueRiskSerializer,
)
from .views import (
    factor_rows,
    flag_summary,
    hazard_labels,
    inspection_due,
    level_label,
    may_patrol,
    may_see_area_figures,
    may_see_risk,
)

TAG = "risk"
ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input (`invalid`, with `fields`)."),
    403: OpenApiResponse(ErrorSerializer, description="The user's roles do not use this (`permission_denied`)."),
    404: OpenApiResponse(ErrorSerializer, description="Not found or outside the user's scope (`not_found`)."),
}


def _query(serializer_class, request):
    query = serializer_class(data=request.query_params, context={"request": request})
    query.is_valid(raise_exception=True)
    return query


def _flag_data(flag: CandidateMajorFlag, labels: dict[str, str]) -> dict:
    summary = flag_summary(flag, labels)
    venue = flag.venue
    return {
        "id": flag.pk,
        "venue": {"id": venue.pk, "sign_name": venue.sign_name, "address": venue.address},
        "community": {"id": venue.community_id, "name": venue.community.name},
        "flagged_at": flag.flagged_at,
        "cleared_at": flag.cleared_at,
        "direct": summary["direct"],
        "elements_count": summary["elements_count"],
        "threshold": summary["threshold"],
        "factors": [{k: f[k] for k in ("hazard", "code", "label", "element", "direct")} for f in summary["factors"]],
    }


class VenueRiskApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="venues_risk",
        summary="A venue's risk score, level and explanation",
        description="The latest score with every factor and its points (they add up to `score`; labels in the "
        "request's language), when it was computed, the inspection frequency its level requires and when the "
        "next inspection is due, and the open candidate-major flag with its GB 35181 elements. The score is "
        "computed again after every relevant change (hazard event, inspection, punch-in) and every night. "
        "Staff and department viewers who see the venue; not merchants.",
        responses={200: VenueRiskSerializer, 403: ERRORS[403], 404: ERRORS[404]},
    )
    def get(self, request, pk: int):
        if not may_see_risk(request.user):
            raise NotAllowed(_("Risk levels are for the staff of the area."))
        venue = venue_get(user=request.user, pk=pk)
        risk = selectors.venue_risk(user=request.user, venue_id=venue.pk)
        flag = selectors.candidate_major_list(user=request.user).filter(venue=venue).first()
        due = inspection_due(venue, risk)
        data = {
            "venue": {"id": venue.pk, "sign_name": venue.sign_name, "address": venue.address},
            "score": risk.score if risk else None,
            "level": risk.level if risk else None,
            "level_label": level_label(risk.level) if risk else "",
            "factors": factor_rows(risk),
            "computed_at": risk.computed_at if risk else None,
            "frequency_days": due.frequency_days,
            "last_inspected_at": due.last_inspected_at,
            "next_due": due.next_due,
            "overdue_days": due.overdue_days,
            "candidate_major": _flag_data(flag, hazard_labels([flag])) if flag else None,
        }
        return Response(VenueRiskSerializer(data).data)


class CandidateListApi(generics.GenericAPIView):
    filter_backends = ()

    @extend_schema(
        tags=[TAG],
        operation_id="risk_candidates",
        summary="Candidate major fire hazards in the user's area",
        description="Venues flagged because their open hazards stand for a direct element of GB 35181, or for at "
        "least `threshold` distinct comprehensive elements; newest first. Only flags: whether a venue has a major "
        "fire hazard is decided by people. Street office, community staff and district admins; the same list as "
        "the page /risk/candidates/.",
        parameters=[CandidateQuerySerializer],
        responses={200: CandidateFlagSerializer(many=True), 400: ERRORS[400], 403: ERRORS[403]},
    )
    def get(self, request):
        if not may_see_area_figures(request.user):
            raise NotAllowed(_("This list is for the street office, the communities and the district."))
        query = _query(CandidateQuerySerializer, request)
        flags = selectors.candidate_major_list(
            user=request.user, include_cleared=query.validated_data["include_cleared"]
        )
        page = self.paginate_queryset(flags)
        labels = hazard_labels(page)
        return self.get_paginated_response(
            CandidateFlagSerializer([_flag_data(f, labels) for f in page], many=True).data
        )


class PatrolPlanApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="risk_patrol",
        summary="Today's patrol list in walking order",
        description="The venues in the user's grids that are due (never inspected, or not within the frequency "
        "their risk level requires), the riskiest first; at most PATROL_DAILY_MAX of them, then in walking order, "
        "nearest next, from `lat`/`lng` (the phone's position, in `coord_system`) or from the riskiest venue. "
        "Venues without a location come last. Coordinates in the answer are in `coord_system`. Inspectors and "
        "grid workers; the same list as the page /risk/patrol/.",
        parameters=[PatrolQuerySerializer],
        responses={200: PatrolStopSerializer(many=True), 400: ERRORS[400], 403: ERRORS[403]},
    )
    def get(self, request):
        if not may_patrol(request.user):
            raise NotAllowed(_("The patrol list is for inspectors and grid workers."))
        query = _query(PatrolQuerySerializer, request)
        position = query.start()
        system = query.validated_data.get("coord_system") or geo.CoordSystem.WGS84.value
        stops = selectors.patrol_plan(user=request.user, start=(position.lat, position.lng) if position else None)
        data = []
        for order, stop in enumerate(stops, 1):
            lat, lng = output_coords(stop.venue.lat, stop.venue.lng, system)
            data.append(
                {
                    "order": order,
                    "venue": {"id": stop.venue.pk, "sign_name": stop.venue.sign_name, "address": stop.venue.address},
                    "lat": lat,
                    "lng": lng,
                    "coord_system": system,
                    "level": stop.level,
                    "level_label": level_label(stop.level),
                    "score": stop.score,
                    "last_inspected_at": stop.last_inspected_at,
                    "due_date": stop.due_date,
                    "overdue_days": stop.overdue_days,
                    "leg_m": round(stop.leg_m) if stop.leg_m is not None else None,
                }
            )
        return Response(PatrolStopSerializer(data, many=True).data)


class CoverageApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="risk_coverage",
        summary="Inspection coverage and venues per risk level",
        description="Share of open venues inspected within the frequency their risk level requires "
        "(`frequency_days`; a venue not scored yet counts as blue, a venue never inspected is not covered), in "
        "total and by community (lowest first), and the scored venues per level. Street office, community staff "
        "and district admins; the same numbers as the page /risk/coverage/.",
        parameters=[CoverageQuerySerializer],
        responses={200: CoverageSerializer, 400: ERRORS[400], 403: ERRORS[403]},
    )
    def get(self, request):
        if not may_see_area_figures(request.user):
            raise NotAllowed(_("These figures are for the street office, the communities and the district."))
        org_unit = _query(CoverageQuerySerializer, request).validated_data.get("org_unit")
        today = clock.local_today()
        total, rows = selectors.coverage(user=request.user, today=today, org_unit=org_unit)
        data = {
            "day": today,
            "total": total.as_dict(),
            "by_community": [r.as_dict() for r in rows],
            "risk_counts": selectors.risk_counts(user=request.user, org_unit=org_unit),
            "frequency_days": {level.value: selectors.frequency_days(level.value) for level in RiskLevel},
        }
        return Response(CoverageSerializer(data).data)
