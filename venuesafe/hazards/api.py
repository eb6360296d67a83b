"""Hazard work order API. Thin: parse with serializers, call selectors/services, render.

Each transition is its own endpoint (POST hazards/{id}/<action>/) answering the hazard's detail.
Refusals: 400 bad input (with `fields`), 403 no right, 404 out of scope, 409 wrong state or stale
`version` (with `current_state` and `version`).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Prefetch, prefetch_related_objects
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from venuesafe.core import geo
from venuesafe.core.serializers import ConflictErrorSerializer, ErrorSerializer
from venuesafe.venues.serializers import CoordSystemQuerySerializer

from . import selectors, services
from .models import Hazard, HazardPhoto
from .serializers import (
    DispatchInputSerializer,
    ExtendDeadlineInputSerializer,
    FiguresQuerySerializer,
    FiguresReportSerializer,
    HazardDetailOutputSerializer,
    HazardEventOutputSerializer,
    HazardListQuerySerializer,
    HazardOutputSerializer,
    HazardTypeOutputSerializer,
    HazardTypeQuerySerializer,
    NoteInputSerializer,
    ProofInputSerializer,
    ReasonInputSerializer,
    RedispatchInputSerializer,
    ReviewFailInputSerializer,
    ReviewPassInputSerializer,
    TransitionInputSerializer,
)

TAG = "hazards"
ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input (`invalid`, with `fields`)."),
    403: OpenApiResponse(
        ErrorSerializer, description="Visible, but the user may not take this step (`not_allowed_for_hazard`)."
    ),
    404: OpenApiResponse(ErrorSerializer, description="Not found or outside the user's scope (`not_found`)."),
    409: OpenApiResponse(
        ConflictErrorSerializer,
        description="The order is in a state that does not allow this step (`state_conflict`), or it changed "
        "since the `version` sent (`stale_version`). Nothing was changed.",
    ),
}


def _query(serializer_class, request):
    query = serializer_class(data=request.query_params, context={"request": request})
    query.is_valid(raise_exception=True)
    return query


def _render_detail(request, pk: int, *, coord_system: str = geo.CoordSystem.WGS84.value) -> Response:
    hazard = selectors.hazard_get(user=request.user, pk=pk)
    prefetch_related_objects(
        [hazard], "found_by", "category", Prefetch("photos", queryset=HazardPhoto.objects.order_by("uploaded_at", "id"))
    )
    context = {"request": request, "coord_system": coord_system}
    return Response(HazardDetailOutputSerializer(hazard, context=context).data)


# --- catalogue ------------------------------------------------------------------------------


class HazardTypeListApi(APIView):
    @extend_schema(
        tags=["hazard-types"],
        operation_id="hazard_types_list",
        summary="The hazard catalogue",
        description="Active hazard types. With `category`, only those that apply to a venue of that category.",
        parameters=[HazardTypeQuerySerializer],
        responses={200: HazardTypeOutputSerializer(many=True), 400: ERRORS[400]},
    )
    def get(self, request):
        category = _query(HazardTypeQuerySerializer, request).validated_data.get("category")
        types = selectors.hazard_types_for_category(category=category).prefetch_related("categories")
        return Response(HazardTypeOutputSerializer(types, many=True).data)


# --- reads ----------------------------------------------------------------------------------


class HazardListApi(generics.GenericAPIView):
    filter_backends = ()

    @extend_schema(
        tags=[TAG],
        operation_id="hazards_list",
        summary="Hazard work orders in the user's scope",
        description="Newest found first. Merchants see their own venues' orders.",
        parameters=[HazardListQuerySerializer],
        responses={200: HazardOutputSerializer(many=True), 400: ERRORS[400]},
    )
    def get(self, request):
        query = _query(HazardListQuerySerializer, request)
        hazards = selectors.hazard_list(user=request.user, **query.selector_kwargs()).select_related("category")
        page = self.paginate_queryset(hazards)
        return self.get_paginated_response(HazardOutputSerializer(page, many=True).data)


class HazardDetailApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="hazards_retrieve",
        summary="One hazard work order",
        description="With `version` (send it back on a transition), the steps the user may take now, "
        "and every photo. `found_lat`/`found_lng` are given in `coord_system`.",
        parameters=[CoordSystemQuerySerializer],
        responses={200: HazardDetailOutputSerializer, 404: ERRORS[404]},
    )
    def get(self, request, pk: int):
        coord_system = _query(CoordSystemQuerySerializer, request).validated_data["coord_system"]
        return _render_detail(request, pk, coord_system=coord_system)


class HazardEventsApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="hazards_events",
        summary="A hazard's timeline",
        description="Every step, oldest first: who (null for the system), when, from/to state, note, "
        "facts, position (in `coord_system`) and photos.",
        parameters=[CoordSystemQuerySerializer],
        responses={200: HazardEventOutputSerializer(many=True), 404: ERRORS[404]},
    )
    def get(self, request, pk: int):
        coord_system = _query(CoordSystemQuerySerializer, request).validated_data["coord_system"]
        hazard = selectors.hazard_get(user=request.user, pk=pk)
        events = selectors.hazard_events(hazard=hazard)
        context = {"request": request, "coord_system": coord_system}
        return Response(HazardEventOutputSerializer(events, many=True, context=context).data)


class HazardFiguresApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="hazards_figures",
        summary="Figures of the loop in a period",
        description="Hazards found and closed in [date_from, date_to] (days in Asia/Shanghai; default this "
        "month up to today; at most 366 days), rectification time, on-time rate, open and overdue now; "
        "in total and by community, top-level category and hazard type; inspections per inspector.",
        parameters=[FiguresQuerySerializer],
        responses={200: FiguresReportSerializer, 400: ERRORS[400]},
    )
    def get(self, request):
        query = _query(FiguresQuerySerializer, request).validated_data
        report = selectors.loop_figures(user=request.user, **query)
        data = {
            "date_from": report.date_from,
            "date_to": report.date_to,
            "total": report.total.as_dict(),
            "by_community": report.by_community,
            "by_category": report.by_category,
            "by_hazard_type": report.by_hazard_type,
            "inspections_by_inspector": report.inspections_by_inspector,
        }
        return Response(FiguresReportSerializer(data).data)


# --- transitions ----------------------------------------------------------------------------


class _TransitionApi(APIView):
    """POST hazards/{id}/<action>/: parse `input_serializer`, call `service`, answer the detail."""

    parser_classes = (JSONParser, MultiPartParser, FormParser)
    input_serializer: type[TransitionInputSerializer]
    service: Callable[..., Hazard]

    def post(self, request, pk: int):
        hazard = selectors.hazard_get(user=request.user, pk=pk)
        data = self.input_serializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        coord_system = data.validated_data.get("coord_system", geo.CoordSystem.WGS84.value)
        self.service(hazard=hazard, actor=request.user, **data.service_kwargs())
        return _render_detail(request, pk, coord_system=coord_system)


def _transition_schema(operation_id: str, summary: str, request, description: str = ""):
    return extend_schema(
        tags=[TAG],
        operation_id=operation_id,
        summary=summary,
        description=(description + " " if description else "")
        + "Send `version` (from the detail) to be refused with 409 `stale_version` if the order changed. "
        "Answers the hazard's detail.",
        request=request,
        responses={200: HazardDetailOutputSerializer, **ERRORS},
    )


class HazardDispatchApi(_TransitionApi):
    input_serializer = DispatchInputSerializer
    service = staticmethod(services.hazard_dispatch)

    @_transition_schema(
        "hazards_dispatch",
        "Dispatch (派单): found → dispatched",
        DispatchInputSerializer,
        "Name who answers (the merchant, a community of the venue's street and/or a line department). "
        "District admin, street office or community staff.",
    )
    def post(self, request, pk: int):
        return super().post(request, pk)


class HazardRedispatchApi(_TransitionApi):
    input_serializer = RedispatchInputSerializer
    service = staticmethod(services.hazard_redispatch)

    @_transition_schema(
        "hazards_redispatch",
        "Re-dispatch to another responsible party",
        RedispatchInputSerializer,
        "From dispatched or rectifying, with a `reason`; optionally a new deadline. Street office or district admin.",
    )
    def post(self, request, pk: int):
        return super().post(request, pk)


class HazardAcknowledgeApi(_TransitionApi):
    input_serializer = NoteInputSerializer
    service = staticmethod(services.hazard_acknowledge)

    @_transition_schema(
        "hazards_acknowledge",
        "Acknowledge (签收): dispatched → rectifying",
        NoteInputSerializer,
        "The responsible party, or community staff / grid worker on its behalf.",
    )
    def post(self, request, pk: int):
        return super().post(request, pk)


class HazardProofApi(_TransitionApi):
    input_serializer = ProofInputSerializer
    service = staticmethod(services.hazard_submit_proof)

    @_transition_schema(
        "hazards_proof",
        "Submit proof of rectification: → awaiting review",
        ProofInputSerializer,
        "multipart/form-data: one or more `photos` parts (JPEG, PNG, WebP), `note`, and the phone's "
        "`lat`/`lng`/`accuracy_m` in `coord_system`.",
    )
    def post(self, request, pk: int):
        return super().post(request, pk)


class HazardReviewPassApi(_TransitionApi):
    input_serializer = ReviewPassInputSerializer
    service = staticmethod(services.hazard_review_pass)

    @_transition_schema(
        "hazards_review_pass",
        "Pass the review (复核通过): awaiting review → closed",
        ReviewPassInputSerializer,
        "Optional `photos`, `note` and position. Never by the person who submitted the latest proof.",
    )
    def post(self, request, pk: int):
        return super().post(request, pk)


class HazardReviewFailApi(_TransitionApi):
    input_serializer = ReviewFailInputSerializer
    service = staticmethod(services.hazard_review_fail)

    @_transition_schema(
        "hazards_review_fail",
        "Fail the review (复核不通过): awaiting review → rectifying",
        ReviewFailInputSerializer,
        "A `reason` the responsible party will read; optional `photos` and position.",
    )
    def post(self, request, pk: int):
        return super().post(request, pk)


class HazardReopenApi(_TransitionApi):
    input_serializer = ReasonInputSerializer
    service = staticmethod(services.hazard_reopen)

    @_transition_schema(
        "hazards_reopen",
        "Reopen a closed order",
        ReasonInputSerializer,
        "With a `reason`; rectification starts again from a fresh deadline.",
    )
    def post(self, request, pk: int):
        return super().post(request, pk)


class HazardExtendDeadlineApi(_TransitionApi):
    input_serializer = ExtendDeadlineInputSerializer
    service = staticmethod(services.hazard_extend_deadline)

    @_transition_schema(
        "hazards_extend_deadline",
        "Extend the deadline",
        ExtendDeadlineInputSerializer,
        "A later `deadline` (ISO 8601 with offset) and a `reason`. Street office or district admin.",
    )
    def post(self, request, pk: int):
        return super().post(request, pk)


class HazardWithdrawApi(_TransitionApi):
    input_serializer = ReasonInputSerializer
    service = staticmethod(services.hazard_withdraw)

    @_transition_schema(
        "hazards_withdraw",
        "Withdraw an order recorded by mistake",
        ReasonInputSerializer,
        "With a `reason`; the order is kept, marked withdrawn. Street office or district admin.",
    )
    def post(self, request, pk: int):
        return super().post(request, pk)
