"""Instant-response API. Thin: parse with serializers, call services / selectors, render.

POST verifications/ files a report. A `new_venue` that looks like an archived venue (within
VERIFICATION_DUPLICATE_RADIUS_M with a similar sign name, or the same licence number in the district)
answers 409 `possible_duplicates` with `matches`; send it again with `matched_venue` ("it is this
venue") or `confirm_new: true` ("no, it is new"). GET verifications/matches/ is the same check as a
dry run. Refusals: 400 bad input (`fields`), 403 no right, 404 out of scope, 409 wrong state.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from venuesafe.core.errors import InvalidInput, NotAllowed, OutOfScope
from venuesafe.core.positions import parse_position
from venuesafe.core.serializers import ErrorSerializer, validated_or_invalid
from venuesafe.venues.selectors import venue_get

from . import selectors, services
from .forms import FiguresForm
from .serializers import (
    DismissInputSerializer,
    FiguresQuerySerializer,
    MatchesQuerySerializer,
    MatchOutputSerializer,
    ReportInputSerializer,
    TaskDetailOutputSerializer,
    TaskListQuerySerializer,
    TaskOutputSerializer,
    VerifyInputSerializer,
)

TAG = "verifications"
ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input (`invalid`, with `fields`)."),
    403: OpenApiResponse(ErrorSerializer, description="The user may not do this (`not_allowed_for_task`)."),
    404: OpenApiResponse(ErrorSerializer, description="Not found or outside the user's scope (`not_found`)."),
    409: OpenApiResponse(
        ErrorSerializer, description="The task is no longer open (`state_conflict`, with `current_state`)."
    ),
}
DUPLICATES = OpenApiResponse(
    inline_serializer(
        "PossibleDuplicatesError",
        {
            "code": serializers.CharField(),
            "message": serializers.CharField(),
            "fields": serializers.DictField(),
            "matches": MatchOutputSerializer(many=True),
        },
    ),
    description="`possible_duplicates`: archived venues that may be this one; nothing was saved. Repeat with "
    "`matched_venue` or `confirm_new`. Also `client_id_taken`.",
)


def _position(data: dict, accuracy_key: str = "accuracy_m"):
    return parse_position(data.get("lat"), data.get("lng"), data.get(accuracy_key), data.get("coord_system"))


def _detail(request, pk: int, status: int = 200, headers=None) -> Response:
    task = selectors.task_get(user=request.user, pk=pk)
    return Response(TaskDetailOutputSerializer(task, context={"request": request}).data, status=status, headers=headers)


class TaskListCreateApi(generics.GenericAPIView):
    parser_classes = (JSONParser, MultiPartParser, FormParser)
    filter_backends = ()
    serializer_class = TaskOutputSerializer

    @extend_schema(
        tags=[TAG],
        operation_id="verifications_list",
        summary="Verification tasks in the user's area, or assigned to or reported by the user",
        parameters=[TaskListQuerySerializer],
        responses={200: TaskOutputSerializer(many=True), 400: ERRORS[400]},
    )
    def get(self, request):
        query = validated_or_invalid(TaskListQuerySerializer(data=request.query_params))
        tasks = selectors.task_list(user=request.user, **query).select_related("closed_by")
        page = self.paginate_queryset(tasks.order_by("-reported_at", "-id"))
        return self.get_paginated_response(TaskOutputSerializer(page, many=True, context={"request": request}).data)

    @extend_schema(
        tags=[TAG],
        operation_id="verifications_report",
        summary="Report wrong venue information (new venue, changed sign, closed, wrong location, other)",
        description="Creates a verification task for the grid's inspector or grid worker, due in "
        "VERIFICATION_TARGET_MINUTES. JSON or multipart (with `photo`). Idempotent by `client_id`: a retry "
        "answers 200 with the first task and `Idempotent-Replayed: true`.",
        request={"application/json": ReportInputSerializer, "multipart/form-data": ReportInputSerializer},
        responses={
            201: TaskDetailOutputSerializer,
            200: TaskDetailOutputSerializer,
            400: ERRORS[400],
            403: ERRORS[403],
            404: ERRORS[404],
            409: DUPLICATES,
        },
    )
    def post(self, request):
        d = validated_or_invalid(ReportInputSerializer(data=request.data))
        venue = venue_get(user=request.user, pk=d["venue"]) if d.get("venue") else None
        task, created = services.task_report(
            actor=request.user,
            kind=d["kind"],
            venue=venue,
            sign_name=d.get("sign_name", ""),
            category=d.get("category"),
            address=d.get("address", ""),
            licence_no=d.get("licence_no", ""),
            position=_position(d),
            photo=d.get("photo"),
            note=d.get("note", ""),
            org_unit=d.get("org_unit"),
            client_id=d.get("client_id"),
            confirm_new=d.get("confirm_new", False),
            matched_venue=selectors.venue_in_district(user=request.user, pk=d.get("matched_venue")),
        )
        if created:
            return _detail(request, task.pk, status=201)
        return _detail(request, task.pk, status=200, headers={"Idempotent-Replayed": "true"})


class MatchesApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="verifications_matches",
        summary="Dry run of the duplicate check for a new venue",
        description="Archived venues within VERIFICATION_DUPLICATE_RADIUS_M of the point whose sign name is "
        "similar to `name`, and venues anywhere in the user's district with the same `licence`. Only what "
        "a venue's door plate shows.",
        parameters=[MatchesQuerySerializer],
        responses={200: MatchOutputSerializer(many=True), 400: ERRORS[400], 403: ERRORS[403]},
    )
    def get(self, request):
        if not services.may_report(request.user):
            raise NotAllowed(_("Only staff of an area can report venue information."), code="cannot_report")
        q = validated_or_invalid(MatchesQuerySerializer(data=request.query_params))
        position = _position(q)
        matches = selectors.duplicate_matches(
            user=request.user,
            name=q["name"],
            lat=position.lat if position else None,
            lng=position.lng if position else None,
            licence_no=q["licence"],
            radius_m=settings.VERIFICATION_DUPLICATE_RADIUS_M,
        )
        return Response([m.as_dict() for m in matches])


class TaskDetailApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="verifications_retrieve",
        summary="One verification task with its timeline",
        responses={200: TaskDetailOutputSerializer, 404: ERRORS[404]},
    )
    def get(self, request, pk: int):
        return _detail(request, pk)


class TaskVerifyApi(APIView):
    parser_classes = (JSONParser, MultiPartParser, FormParser)

    @extend_schema(
        tags=[TAG],
        operation_id="verifications_verify",
        summary="Verify on site: complete or correct the archive",
        description="The phone's position (`lat`, `lng`) is required. A new venue is archived with the five "
        "elements given (the report's where left out); a closed shop is deregistered; other reports change "
        "what differs (400 `nothing_changed` when nothing does: dismiss instead). Idempotent by `client_id`.",
        request={"application/json": VerifyInputSerializer, "multipart/form-data": VerifyInputSerializer},
        responses={200: TaskDetailOutputSerializer, **ERRORS},
    )
    def post(self, request, pk: int):
        task = selectors.task_get(user=request.user, pk=pk)
        d = validated_or_invalid(VerifyInputSerializer(data=request.data))
        services.task_verify(
            task=task,
            actor=request.user,
            position=_position(d),
            client_id=d.get("client_id"),
            note=d.get("note", ""),
            sign_name=d.get("sign_name"),
            category=d.get("category"),
            address=d.get("address"),
            licence_no=d.get("licence_no"),
            photo=d.get("photo"),
            use_position=d.get("use_position"),
        )
        return _detail(request, pk)


class TaskDismissApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="verifications_dismiss",
        summary="Dismiss the report with a reason",
        description="With a position it counts as an on-site response. Idempotent by `client_id`.",
        request=DismissInputSerializer,
        responses={200: TaskDetailOutputSerializer, **ERRORS},
    )
    def post(self, request, pk: int):
        task = selectors.task_get(user=request.user, pk=pk)
        d = validated_or_invalid(DismissInputSerializer(data=request.data))
        services.task_dismiss(
            task=task, actor=request.user, reason=d["reason"], position=_position(d), client_id=d.get("client_id")
        )
        return _detail(request, pk)


FIGURES = inline_serializer(
    "VerificationFigures",
    {
        "date_from": serializers.DateField(),
        "date_to": serializers.DateField(),
        "target_minutes": serializers.IntegerField(),
        "total": serializers.DictField(),
        "by_community": serializers.ListField(child=serializers.DictField()),
        "venues_added_by_month": serializers.ListField(child=serializers.DictField()),
    },
)


class FiguresApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="verifications_figures",
        summary="Response time, within-target rate, open and overdue tasks, venues added per month",
        description="For reports made in [date_from, date_to] (Shanghai days; default: this month and the two "
        "before). Street office, community staff and district admins. See docs/instant-response.md.",
        parameters=[FiguresQuerySerializer],
        responses={200: FIGURES, 400: ERRORS[400], 403: ERRORS[403]},
    )
    def get(self, request):
        if not selectors.may_see_figures(request.user):
            raise NotAllowed(_("These figures are for the street office, community staff and district admins."))
        form = FiguresForm(request.query_params or None, user=request.user)
        if form.is_bound and not form.is_valid():
            if "org_unit" in form.errors:
                raise OutOfScope(_("Not found."))
            fields = {name: [str(m) for m in msgs] for name, msgs in form.errors.items()}
            raise InvalidInput(_("Some fields are not valid."), fields=fields)
        return Response(selectors.verification_figures(user=request.user, **form.selector_kwargs()))
