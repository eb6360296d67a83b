"""Inspection API: a venue's checklist, submitting an inspection (idempotent by `client_id`), reading them."""

from __future__ import annotations

import json

from django.db.models import Prefetch, prefetch_related_objects
from django.http import QueryDict
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from venuesafe.core import geo
from venuesafe.core.errors import InvalidInput
from venuesafe.core.serializers import ErrorSerializer, validated_or_invalid
from venuesafe.venues import selectors as venue_selectors
from venuesafe.venues.serializers import CoordSystemQuerySerializer

from . import selectors, services
from .models import InspectionAnswer
from .serializers import (
    ChecklistItemOutputSerializer,
    InspectionInputSerializer,
    InspectionListQuerySerializer,
    InspectionOutputSerializer,
)

TAG = "inspections"
REPLAYED_HEADER = "Idempotent-Replayed"
ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input (`invalid`, with `fields`)."),
    403: OpenApiResponse(ErrorSerializer, description="Not allowed (e.g. `cannot_inspect_venue`)."),
    404: OpenApiResponse(ErrorSerializer, description="Not found or outside the user's scope (`not_found`)."),
}
SUBMIT_DESCRIPTION = """\
Send JSON (no photos), or multipart/form-data whose part `payload` holds the same JSON document and
whose other parts are the photos, referenced by part name from the document: `answers[i].photos`,
`answers[i].proof_photos`, `venue_changes.photo`. A referenced part that was not sent is a 400 on that field.

Every question of the venue's checklist (GET venues/{id}/checklist/) must be answered. A 'no' needs at
least one evidence photo, or, when `fixed_on_spot`, at least one proof photo; it raises a hazard (or adds
to the venue's open hazard of that type), which goes to the venue's merchant when it has an account.

`lat`/`lng` are read in `coord_system` and the position is returned in it. Times are ISO 8601 with offset.

Idempotent by `client_id`: a retry answers 200 with the inspection saved the first time and the header
`Idempotent-Replayed: true`; a `client_id` used by another user answers 409 `client_id_taken`."""


def _render(request, inspection, *, coord_system: str, http_status: int = 200) -> Response:
    _prefetch([inspection])
    context = {"request": request, "coord_system": coord_system}
    return Response(InspectionOutputSerializer(inspection, context=context).data, status=http_status)


def _prefetch(inspections) -> None:
    answers = InspectionAnswer.objects.select_related("checklist_item", "hazard__hazard_type").order_by("id")
    prefetch_related_objects(inspections, Prefetch("answers", queryset=answers))


def _document(request) -> tuple[dict, dict]:
    """(the JSON document, the uploaded files by part name) of a JSON or multipart submission."""
    if not isinstance(request.data, QueryDict):
        return request.data, {}
    raw = request.data.get("payload")
    if not raw:
        msg = _("Send the inspection as JSON in the `payload` part.")
        raise InvalidInput(msg, fields={"payload": [msg]})
    try:
        document = json.loads(raw)
    except (TypeError, ValueError):
        msg = _("The `payload` part is not valid JSON.")
        raise InvalidInput(msg, fields={"payload": [msg]}) from None
    if not isinstance(document, dict):
        msg = _("The `payload` part must be a JSON object.")
        raise InvalidInput(msg, fields={"payload": [msg]})
    return document, request.FILES


def _as_submitted_fields(exc: InvalidInput) -> InvalidInput:
    # The service names archive corrections `venue.<field>`; the client sent them as `venue_changes`.
    exc.fields = {
        (f"venue_changes.{key[len('venue.') :]}" if key.startswith("venue.") else key): msgs
        for key, msgs in exc.fields.items()
    }
    return exc


class VenueChecklistApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="venues_checklist",
        summary="The inspection checklist of a venue's category",
        description="The questions to answer at this venue, in order, with the hazards a 'no' may be. "
        "Texts in the request's language (`Accept-Language`).",
        responses={200: ChecklistItemOutputSerializer(many=True), 404: ERRORS[404]},
    )
    def get(self, request, pk: int):
        venue = venue_selectors.venue_get(user=request.user, pk=pk)
        items = selectors.checklist_for_category(venue.category)
        return Response(ChecklistItemOutputSerializer(items, many=True).data)


class InspectionListCreateApi(generics.GenericAPIView):
    parser_classes = (JSONParser, MultiPartParser, FormParser)
    filter_backends = ()

    @extend_schema(
        tags=[TAG],
        operation_id="inspections_list",
        summary="Inspections in the user's scope",
        description="Newest first. Positions in `coord_system`.",
        parameters=[InspectionListQuerySerializer],
        responses={200: InspectionOutputSerializer(many=True), 400: ERRORS[400]},
    )
    def get(self, request):
        query = InspectionListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        inspections = selectors.inspection_list(
            user=request.user,
            venue_id=data.get("venue"),
            inspector_id=data.get("inspector"),
            location_status=data.get("location_status", ""),
        )
        page = self.paginate_queryset(inspections)
        _prefetch(page)
        context = {"request": request, "coord_system": data["coord_system"]}
        return self.get_paginated_response(InspectionOutputSerializer(page, many=True, context=context).data)

    @extend_schema(
        tags=[TAG],
        operation_id="inspections_create",
        summary="Submit an inspection",
        description=SUBMIT_DESCRIPTION,
        request={
            "application/json": InspectionInputSerializer,
            "multipart/form-data": {
                "type": "object",
                "properties": {
                    "payload": {"type": "string", "description": "The JSON document (InspectionInput)."},
                },
                "required": ["payload"],
                "additionalProperties": {"type": "string", "format": "binary"},
            },
        },
        responses={
            201: InspectionOutputSerializer,
            200: OpenApiResponse(InspectionOutputSerializer, description="A retry: the inspection saved before."),
            **ERRORS,
            409: OpenApiResponse(ErrorSerializer, description="The `client_id` belongs to another user's inspection."),
        },
        examples=[
            OpenApiExample(
                "One failed item",
                request_only=True,
                media_type="application/json",
                value={
                    "client_id": "0b7f3c1e-7a52-4a0f-9d0e-2f4b8e1c5a10",
                    "venue": 42,
                    "started_at": "2026-05-04T09:30:00+08:00",
                    "ended_at": "2026-05-04T09:42:00+08:00",
                    "lat": 32.0512,
                    "lng": 120.8634,
                    "accuracy_m": 8,
                    "answers": [
                        {"checklist_item": 1, "result": "fail", "note": "Exit blocked", "photos": ["p1"]},
                        {"checklist_item": 2, "result": "pass"},
                    ],
                },
            )
        ],
    )
    def post(self, request):
        document, files = _document(request)
        data = InspectionInputSerializer(data=document, context={"request": request})
        validated_or_invalid(data)
        kwargs = data.service_kwargs(files)
        try:
            result = services.inspection_submit(actor=request.user, **kwargs)
        except InvalidInput as exc:
            raise _as_submitted_fields(exc) from None
        inspection = selectors.inspection_get(user=request.user, pk=result.inspection.pk)
        coord_system = data.validated_data.get("coord_system", geo.CoordSystem.WGS84.value)
        response = _render(request, inspection, coord_system=coord_system, http_status=201 if result.created else 200)
        if not result.created:
            response[REPLAYED_HEADER] = "true"
        return response


class InspectionDetailApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="inspections_retrieve",
        summary="One inspection",
        description="Its position is given in `coord_system`.",
        parameters=[CoordSystemQuerySerializer],
        responses={200: InspectionOutputSerializer, 404: ERRORS[404]},
    )
    def get(self, request, pk: int):
        query = CoordSystemQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        inspection = selectors.inspection_get(user=request.user, pk=pk)
        return _render(request, inspection, coord_system=query.validated_data["coord_system"])
