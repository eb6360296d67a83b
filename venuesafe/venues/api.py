"""Venue archive API. Thin: parse with serializers, call selectors/services, render."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from venuesafe.core import geo
from venuesafe.core.errors import NotAllowed
from venuesafe.core.idempotency import HEADER as IDEMPOTENCY_HEADER
from venuesafe.core.idempotency import run_idempotent
from venuesafe.core.serializers import ErrorSerializer

from . import selectors, services
from .serializers import (
    CompletenessOutputSerializer,
    CompletenessQuerySerializer,
    CompletenessReportSerializer,
    CoordSystemQuerySerializer,
    HistoryEntryOutputSerializer,
    NearVenueOutputSerializer,
    VenueCategoryOutputSerializer,
    VenueInputSerializer,
    VenueListQuerySerializer,
    VenueNearQuerySerializer,
    VenueOutputSerializer,
)

TAG = "venues"
COORD_PARAM = OpenApiParameter(
    "coord_system",
    OpenApiTypes.STR,
    enum=[c.value for c in geo.CoordSystem],
    description="Coordinate system of `lat`/`lng` in the response: wgs84 (default), gcj02 or bd09.",
)
ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input (`invalid`, with `fields`)."),
    403: OpenApiResponse(ErrorSerializer, description="Not allowed (e.g. `cannot_edit_venue`)."),
    404: OpenApiResponse(ErrorSerializer, description="Not found or outside the user's scope (`not_found`)."),
}
WRITE_DESCRIPTION = (
    "JSON, or multipart/form-data to send a photo. `lat`/`lng` are read in the system named by the "
    "`coord_system` field (default wgs84), stored as WGS-84, and returned in that same system."
)


def _query(serializer_class, request):
    query = serializer_class(data=request.query_params, context={"request": request})
    query.is_valid(raise_exception=True)
    return query.validated_data


def _render(request, venue, *, coord_system: str, http_status: int = 200) -> Response:
    data = VenueOutputSerializer(venue, context={"request": request, "coord_system": coord_system}).data
    return Response(data, status=http_status)


def _get_for_edit(request, pk: int):
    try:
        return selectors.venue_get_for_edit(user=request.user, pk=pk)
    except NotAllowed as exc:
        raise NotAllowed(_("You can see this venue but not change it."), code=exc.code) from exc


class VenueCategoryListApi(APIView):
    @extend_schema(
        tags=["venue-categories"],
        operation_id="venue_categories_list",
        summary="Venue categories (九小场所) and sub-types",
        responses=VenueCategoryOutputSerializer(many=True),
    )
    def get(self, request):
        categories = selectors.category_choices().prefetch_related("departments")
        return Response(VenueCategoryOutputSerializer(categories, many=True).data)


class VenueListCreateApi(generics.GenericAPIView):
    parser_classes = (JSONParser, MultiPartParser, FormParser)
    filter_backends = ()

    @extend_schema(
        tags=[TAG],
        operation_id="venues_list",
        summary="Venues in the user's scope",
        parameters=[VenueListQuerySerializer],
        responses={200: VenueOutputSerializer(many=True), 400: ERRORS[400]},
    )
    def get(self, request):
        query = _query(VenueListQuerySerializer, request)
        coord_system = query.pop("coord_system", geo.CoordSystem.WGS84.value)
        venues = selectors.venue_list(user=request.user, **query)
        page = self.paginate_queryset(venues)
        context = {"request": request, "coord_system": coord_system}
        return self.get_paginated_response(VenueOutputSerializer(page, many=True, context=context).data)

    @extend_schema(
        tags=[TAG],
        operation_id="venues_create",
        summary="Register a venue",
        description=WRITE_DESCRIPTION
        + f" Send an `{IDEMPOTENCY_HEADER}` header to make retries safe: a repeat with the same key "
        "returns the venue created the first time.",
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Optional client-chosen unique key (e.g. a UUID) for this registration.",
            )
        ],
        request=VenueInputSerializer,
        responses={201: VenueOutputSerializer, **ERRORS},
    )
    def post(self, request):
        parsed = {}

        def create():
            data = VenueInputSerializer(data=request.data, context={"request": request})
            data.is_valid(raise_exception=True)
            coord_system, fields = data.service_kwargs()
            parsed["coord_system"] = coord_system
            return services.venue_create(actor=request.user, coord_system=coord_system, **fields)

        result = run_idempotent(
            user=request.user, key=request.headers.get(IDEMPOTENCY_HEADER), endpoint="venues.create", action=create
        )
        venue = selectors.venue_get(user=request.user, pk=int(result.object_id))
        coord_system = parsed.get("coord_system") or request.data.get("coord_system") or geo.CoordSystem.WGS84
        response = _render(request, venue, coord_system=_valid_system(coord_system), http_status=result.status)
        if result.replayed:
            response["Idempotent-Replayed"] = "true"
        return response


def _valid_system(value) -> str:
    try:
        return geo.CoordSystem(value).value
    except ValueError:
        return geo.CoordSystem.WGS84.value


class VenueDetailApi(APIView):
    parser_classes = (JSONParser, MultiPartParser, FormParser)

    @extend_schema(
        tags=[TAG],
        operation_id="venues_retrieve",
        summary="One venue",
        parameters=[COORD_PARAM],
        responses={200: VenueOutputSerializer, 404: ERRORS[404]},
    )
    def get(self, request, pk: int):
        query = _query(CoordSystemQuerySerializer, request)
        venue = selectors.venue_get(user=request.user, pk=pk)
        return _render(request, venue, coord_system=query["coord_system"])

    def _update(self, request, pk: int, *, partial: bool) -> Response:
        venue = _get_for_edit(request, pk)
        data = VenueInputSerializer(data=request.data, partial=partial, context={"request": request})
        data.is_valid(raise_exception=True)
        coord_system, fields = data.service_kwargs()
        services.venue_update(venue=venue, actor=request.user, coord_system=coord_system, **fields)
        venue = selectors.venue_get(user=request.user, pk=pk)
        return _render(request, venue, coord_system=coord_system)

    @extend_schema(
        tags=[TAG],
        operation_id="venues_partial_update",
        summary="Change some fields of a venue",
        description=WRITE_DESCRIPTION,
        request=VenueInputSerializer(partial=True),
        responses={200: VenueOutputSerializer, **ERRORS},
    )
    def patch(self, request, pk: int):
        return self._update(request, pk, partial=True)

    @extend_schema(
        tags=[TAG],
        operation_id="venues_update",
        summary="Update a venue, sending all required fields",
        description=WRITE_DESCRIPTION + " Optional fields left out keep their current values.",
        request=VenueInputSerializer,
        responses={200: VenueOutputSerializer, **ERRORS},
    )
    def put(self, request, pk: int):
        return self._update(request, pk, partial=False)

    @extend_schema(
        tags=[TAG],
        operation_id="venues_destroy",
        summary="Not allowed: venues are never deleted",
        description="Always 405. A venue stays in the archive; deregister it with POST /venues/{id}/close/.",
        responses={405: ErrorSerializer},
    )
    def delete(self, request, pk: int):
        raise exceptions.MethodNotAllowed(
            request.method,
            detail=_("Venues are never deleted. Deregister (close) the venue instead; its archive is kept."),
        )


class VenueCloseApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="venues_close",
        summary="Deregister (注销) a venue",
        description="Sets the business status to closed; the archive is kept.",
        parameters=[COORD_PARAM],
        request=None,
        responses={200: VenueOutputSerializer, 403: ERRORS[403], 404: ERRORS[404]},
    )
    def post(self, request, pk: int):
        query = _query(CoordSystemQuerySerializer, request)
        venue = _get_for_edit(request, pk)
        services.venue_close(venue=venue, actor=request.user)
        venue = selectors.venue_get(user=request.user, pk=pk)
        return _render(request, venue, coord_system=query["coord_system"])


class VenueHistoryApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="venues_history",
        summary="Who changed what and when, newest first",
        responses={200: HistoryEntryOutputSerializer(many=True), 404: ERRORS[404]},
    )
    def get(self, request, pk: int):
        venue = selectors.venue_get(user=request.user, pk=pk)
        entries = selectors.venue_history(venue=venue)
        return Response(HistoryEntryOutputSerializer(entries, many=True).data)


class VenueNearApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="venues_near",
        summary="Venues near a point, nearest first",
        description="`lat`/`lng` are read in `coord_system` (default wgs84); results are given in the same system.",
        parameters=[VenueNearQuerySerializer],
        responses={200: NearVenueOutputSerializer(many=True), 400: ERRORS[400]},
    )
    def get(self, request):
        query = _query(VenueNearQuerySerializer, request)
        lat, lng = geo.to_wgs84(query["lat"], query["lng"], query["coord_system"])
        found = selectors.venue_list_near(user=request.user, lat=lat, lng=lng, radius_m=query["radius"])
        context = {
            "coord_system": query["coord_system"],
            "categories": {c.pk: c for c in selectors.category_choices()},
        }
        return Response(NearVenueOutputSerializer(found, many=True, context=context).data)


class VenueCompletenessApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="venues_completeness",
        summary="Five-element completeness per community and in total",
        description="Over venues in the user's scope that are not deregistered.",
        parameters=[CompletenessQuerySerializer],
        responses={200: CompletenessReportSerializer, 400: ERRORS[400]},
    )
    def get(self, request):
        within = _query(CompletenessQuerySerializer, request).get("org_unit")
        parts = selectors.venue_completeness_by_community(user=request.user, within=within)
        total = selectors.venue_completeness_total(user=request.user, within=within)
        return Response(
            {
                "total": CompletenessOutputSerializer(total).data,
                "communities": CompletenessOutputSerializer(parts, many=True).data,
            }
        )
