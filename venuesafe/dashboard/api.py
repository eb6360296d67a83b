"""Big-screen API: the same figures the screen shows, for any client. Thin over dashboard.selectors."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from venuesafe.core.errors import InvalidInput, NotAllowed
from venuesafe.core.serializers import ErrorSerializer

from . import selectors

TAG = "dashboard"
ORG_UNIT = OpenApiParameter(
    "org_unit", int, description="Org unit id (district, street or community). Default: the user's highest unit."
)
SINCE = OpenApiParameter(
    "since",
    str,
    description="The `marker` of the summary the client holds. When nothing has changed since, the answer is "
    '`{"changed": false, "marker": …}` and costs little; clients poll with it.',
)
ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="`org_unit` is not a number (`invalid`)."),
    403: OpenApiResponse(ErrorSerializer, description="No big screen for this user or unit (`permission_denied`)."),
}


def screen_unit(request):
    raw = request.query_params.get("org_unit") or None
    if raw is not None and not raw.isdigit():
        raise InvalidInput(_("Choose an org unit."), fields={"org_unit": [_("Enter a whole number.")]})
    try:
        return selectors.screen_org_unit(user=request.user, org_unit_id=int(raw) if raw else None)
    except selectors.NotOnScreen:
        raise NotAllowed(_("You cannot watch the big screen of this area.")) from None


class SummaryApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="dashboard_summary",
        summary="The big screen's figures for an org unit",
        description="Venues archived and five-element completeness; inspections today and this month; hazards "
        "found, closed and open this year, overdue, mean rectification hours and on-time rate; today's "
        "punch-in rate; venues per risk level; found vs closed per day (last 30 days); top hazard types; "
        "communities ranked; the live feed. Definitions in docs/api.md. Days are Asia/Shanghai days; times "
        "carry their offset. Street office, community staff, district admins and department viewers.",
        parameters=[ORG_UNIT, SINCE],
        responses={200: OpenApiResponse(description="The summary (see docs/api.md)"), **ERRORS},
    )
    def get(self, request):
        unit = screen_unit(request)
        marker = selectors.change_marker(request.user, unit)
        since = request.query_params.get("since")
        if since and since == marker:
            return Response({"changed": False, "marker": marker})
        data = selectors.cached_screen_summary(user=request.user, unit=unit, marker=marker)
        return Response({"changed": True, "marker": marker, **data})


class MapApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="dashboard_map",
        summary="Venues on the big screen's map",
        description="Every located venue in business in the unit as `[lat, lng, risk level, open hazards]`, "
        "in WGS-84 (`coord_system`).",
        parameters=[ORG_UNIT],
        responses={
            200: inline_serializer(
                "DashboardMap",
                {
                    "coord_system": serializers.CharField(),
                    "venues": serializers.ListField(child=serializers.ListField()),
                },
            ),
            **ERRORS,
        },
    )
    def get(self, request):
        unit = screen_unit(request)
        return Response({"coord_system": "wgs84", "venues": selectors.screen_map(user=request.user, unit=unit)})


class UnitsApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="dashboard_units",
        summary="The org units whose big screen the user may open",
        responses={
            200: inline_serializer(
                "DashboardUnit",
                {"id": serializers.IntegerField(), "name": serializers.CharField(), "level": serializers.CharField()},
                many=True,
            )
        },
    )
    def get(self, request):
        units = selectors.screen_org_units(user=request.user)
        return Response([{"id": u.pk, "name": u.name, "level": u.level} for u in units])
