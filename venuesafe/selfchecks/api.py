"""Self-check API: a venue's items, the daily punch-in (idempotent by `client_id`), reading
punch-ins, the venues not punched in, and the figures. Thin: parse, call services/selectors, render."""

from __future__ import annotations

import json

from django.conf import settings
from django.db.models import Count, Prefetch, prefetch_related_objects
from django.http import Http404, QueryDict
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from venuesafe.core import clock
from venuesafe.core.errors import InvalidInput, NotAllowed
from venuesafe.core.serializers import ErrorSerializer, validated_or_invalid
from venuesafe.inspections.api import REPLAYED_HEADER
from venuesafe.venues import selectors as venue_selectors

from . import selectors, services
from .models import SelfCheck, SelfCheckAnswer
from .serializers import (
    DayQuerySerializer,
    MissingVenueSerializer,
    SelfCheckFiguresQuerySerializer,
    SelfCheckFiguresSerializer,
    SelfCheckInputSerializer,
    SelfCheckListQuerySerializer,
    SelfCheckOutputSerializer,
    SelfCheckStepOutputSerializer,
    items_by_step,
)
from .views import may_see_figures, may_see_missing

TAG = "self-checks"
ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input (`invalid`, with `fields`)."),
    403: OpenApiResponse(ErrorSerializer, description="Not allowed (e.g. `not_venue_merchant`, `permission_denied`)."),
    404: OpenApiResponse(ErrorSerializer, description="Not found or outside the user's scope (`not_found`)."),
}
SUBMIT_DESCRIPTION = """\
The merchant's daily punch-in (每日自查打卡). Send JSON (no photos), or multipart/form-data whose part
`payload` holds the same JSON document and whose other parts are the photos, referenced by part name
from the document: `answers[i].photo`, `answers[i].proof_photo`. A referenced part that was not sent is a
400 on that field.

Every item of the venue's self-check (GET venues/{id}/self-check-items/) must be answered; an item with
`photo_required` needs its photo. A 'no' (`ok: false`) becomes a hazard: with `fix_now` and a
`proof_photo` (自查自改) it waits for a light review, otherwise it is handed to the merchant with its
deadline. One punch-in per venue and Asia/Shanghai day: a second one the same day amends it
(`revision` 2, 3 …) and every version is kept. `day`, when sent, must be today (400 on `day` otherwise).

Idempotent by `client_id`: a retry answers 200 with the punch-in saved the first time and the header
`Idempotent-Replayed: true`; a `client_id` used by another user answers 409 `client_id_taken`."""


def _prefetch(checks) -> None:
    answers = SelfCheckAnswer.objects.select_related("item", "hazard__hazard_type").order_by("id")
    prefetch_related_objects(checks, "venue", "merchant", Prefetch("answers", queryset=answers))


def _render(request, check: SelfCheck, http_status: int = 200) -> Response:
    _prefetch([check])
    return Response(SelfCheckOutputSerializer(check, context={"request": request}).data, status=http_status)


def _document(request) -> tuple[dict, dict]:
    """(the JSON document, the uploaded files by part name) of a JSON or multipart punch-in."""
    if not isinstance(request.data, QueryDict):
        return request.data, {}
    raw = request.data.get("payload")
    if not raw:
        msg = _("Send the punch-in as JSON in the `payload` part.")
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


def _query(serializer_class, request) -> dict:
    query = serializer_class(data=request.query_params, context={"request": request})
    query.is_valid(raise_exception=True)
    return query.validated_data


class VenueSelfCheckItemsApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="venues_self_check_items",
        summary="The self-check items of a venue, by step",
        description="三步走: equipment (查设备), wiring (看线路), passages (清通道); the common items plus those of "
        "the venue's category. Texts in the request's language (`Accept-Language`).",
        responses={200: SelfCheckStepOutputSerializer(many=True), 404: ERRORS[404]},
    )
    def get(self, request, pk: int):
        venue = venue_selectors.venue_get(user=request.user, pk=pk)
        steps = items_by_step(selectors.items_for_venue(venue))
        return Response(SelfCheckStepOutputSerializer(steps, many=True).data)


class SelfCheckListCreateApi(generics.GenericAPIView):
    parser_classes = (JSONParser, MultiPartParser, FormParser)
    filter_backends = ()

    @extend_schema(
        tags=[TAG],
        operation_id="self_checks_list",
        summary="Punch-ins in the user's scope",
        description="Newest day first, then the latest revision. Merchants see their own venues'.",
        parameters=[SelfCheckListQuerySerializer],
        responses={200: SelfCheckOutputSerializer(many=True), 400: ERRORS[400]},
    )
    def get(self, request):
        query = _query(SelfCheckListQuerySerializer, request)
        checks = selectors.self_check_list(
            user=request.user, venue_id=query.get("venue"), day=query.get("day"), merchant_id=query.get("merchant")
        )
        page = self.paginate_queryset(checks)
        _prefetch(page)
        return self.get_paginated_response(
            SelfCheckOutputSerializer(page, many=True, context={"request": request}).data
        )

    @extend_schema(
        tags=[TAG],
        operation_id="self_checks_create",
        summary="Punch in (or amend today's punch-in)",
        description=SUBMIT_DESCRIPTION,
        request={
            "application/json": SelfCheckInputSerializer,
            "multipart/form-data": {
                "type": "object",
                "properties": {
                    "payload": {"type": "string", "description": "The JSON document (SelfCheckInput)."},
                },
                "required": ["payload"],
                "additionalProperties": {"type": "string", "format": "binary"},
            },
        },
        responses={
            201: SelfCheckOutputSerializer,
            200: OpenApiResponse(SelfCheckOutputSerializer, description="A retry: the punch-in saved before."),
            **ERRORS,
            409: OpenApiResponse(
                ErrorSerializer,
                description="The `client_id` belongs to another user's punch-in (`client_id_taken`), the venue is "
                "not open (`venue_not_open`), or an amendment was saved at the same moment (`concurrent_punch_in`).",
            ),
        },
        examples=[
            OpenApiExample(
                "One item answered no and fixed at once",
                request_only=True,
                media_type="application/json",
                value={
                    "client_id": "5d1c0a9e-3f43-4d7e-9b2a-8c3e1f0a7b21",
                    "venue": 42,
                    "day": "2026-05-04",
                    "answers": [
                        {"item": 1, "ok": True, "photo": "p1"},
                        {"item": 2, "ok": False, "note": "出口堆放纸箱", "fix_now": True, "proof_photo": "p2"},
                        {"item": 3, "ok": True},
                    ],
                },
            )
        ],
    )
    def post(self, request):
        document, files = _document(request)
        data = SelfCheckInputSerializer(data=document, context={"request": request})
        validated = validated_or_invalid(data)
        venue = venue_selectors.venue_get(user=request.user, pk=validated["venue"])
        result = services.self_check_submit(
            actor=request.user,
            venue=venue,
            client_id=validated["client_id"],
            answers=data.answers_with_files(files),
            day=validated.get("day"),
        )
        response = _render(request, result.self_check, http_status=201 if result.created else 200)
        if not result.created:
            response[REPLAYED_HEADER] = "true"
        return response


class SelfCheckDetailApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="self_checks_retrieve",
        summary="One punch-in with its answers",
        description="With its `revision` (1 for the day's punch-in, 2, 3 … for amendments the same day).",
        responses={200: SelfCheckOutputSerializer, 404: ERRORS[404]},
    )
    def get(self, request, pk: int):
        check = selectors.self_check_list(user=request.user).filter(pk=pk).first()
        if check is None:
            raise Http404
        return _render(request, check)


class SelfCheckMissingApi(generics.GenericAPIView):
    filter_backends = ()

    @extend_schema(
        tags=[TAG],
        operation_id="self_checks_missing",
        summary="Venues in the user's area not punched in on a day",
        description="Open venues with a merchant account and no punch-in on `day` (default today), in the areas "
        "where the user is a grid worker, community staff, street office, district admin or inspector. "
        "The same list as the page /selfchecks/missing/.",
        parameters=[DayQuerySerializer],
        responses={200: MissingVenueSerializer(many=True), 400: ERRORS[400], 403: ERRORS[403]},
    )
    def get(self, request):
        if not may_see_missing(request.user):
            raise NotAllowed(_("This list is for grid workers and other staff of the area."))
        day = _query(DayQuerySerializer, request).get("day") or clock.local_today()
        venues = selectors.grid_worker_missing_list(user=request.user, day=day).annotate(
            merchant_count=Count("merchant_links", distinct=True)
        )
        page = self.paginate_queryset(venues)
        return self.get_paginated_response(MissingVenueSerializer(page, many=True).data)


class SelfCheckFiguresApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="self_checks_figures",
        summary="Self-check figures",
        description="Punch-in rate on `day` (default today) in total and by community, grid and top-level category; "
        "the daily rate over [date_from, date_to] (default the 30 days to `day`; at most 366 days); merchants, "
        "merchants who master self-checking (`mastery_rule`) and the mastery rate; the longest current streaks; "
        "hazards found by merchants and by inspectors, and fixed by merchants themselves, in the period. "
        "Expected venues: open, with a merchant account, counted as they are now. Street office, community "
        "staff and district admins; the same numbers as the page /selfchecks/figures/.",
        parameters=[SelfCheckFiguresQuerySerializer],
        responses={200: SelfCheckFiguresSerializer, 400: ERRORS[400], 403: ERRORS[403]},
    )
    def get(self, request):
        if not may_see_figures(request.user):
            raise NotAllowed(_("These figures are for the street office, the communities and the district."))
        query = _query(SelfCheckFiguresQuerySerializer, request)
        report = selectors.self_check_figures(user=request.user, **query)
        data = {
            "day": report.day,
            "date_from": report.date_from,
            "date_to": report.date_to,
            "total": report.total.as_dict(),
            "by_community": [r.as_dict() for r in report.by_community],
            "by_grid": [r.as_dict() for r in report.by_grid],
            "by_category": [r.as_dict() for r in report.by_category],
            "daily": report.daily,
            "merchants": report.merchants,
            "masters": report.masters,
            "mastery_rate": report.mastery_rate,
            "mastery_rule": {
                "days": settings.SELF_CHECK_MASTERY_DAYS,
                "window_days": settings.SELF_CHECK_MASTERY_WINDOW_DAYS,
            },
            "longest_streaks": report.longest_streaks,
            "hazards_self_found": report.hazards_self_found,
            "hazards_inspector_found": report.hazards_inspector_found,
            "hazards_self_fixed": report.hazards_self_fixed,
        }
        return Response(SelfCheckFiguresSerializer(data).data)
