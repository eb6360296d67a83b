"""Equipment register API: a venue's register, adding, changing and retiring a piece, its history,
open date-rule warnings in scope, and the date rules. Thin: parse, call services/selectors, render."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from venuesafe.core import clock
from venuesafe.core.errors import NotAllowed
from venuesafe.core.serializers import ErrorSerializer, validated_or_invalid

from . import selectors, services, views
from .models import Equipment
from .serializers import (
    DateRuleOutputSerializer,
    EquipmentCreateInputSerializer,
    EquipmentOutputSerializer,
    EquipmentUpdateInputSerializer,
    HistoryEntrySerializer,
    RetireInputSerializer,
    RuleWarningOutputSerializer,
    WarningQuerySerializer,
)

TAG = "equipment"
ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input (`invalid`, with `fields`)."),
    403: OpenApiResponse(
        ErrorSerializer, description="You see the venue but do not keep its register (`cannot_edit_equipment`)."
    ),
    404: OpenApiResponse(ErrorSerializer, description="Not found or outside the user's scope (`not_found`)."),
}
WRITE_NOTE = (
    " Who may: staff who may edit the venue (its grid worker, inspector, community staff, …) and the venue's "
    "merchants. The date rules run at once: the answer carries the piece's open `warnings` and rule `hazards`."
)


def _annotate(pieces: list[Equipment]) -> list[Equipment]:
    """Attach each piece's open warnings, open rule hazards and next due dates (a fixed number of queries)."""
    if not pieces:
        return pieces
    today = clock.local_today()
    by_venue: dict[int, list[Equipment]] = {}
    for eq in pieces:
        by_venue.setdefault(eq.venue_id, []).append(eq)
    for venue_pieces in by_venue.values():
        venue = venue_pieces[0].venue
        warnings = list(selectors.open_warnings(venues=[venue.pk]))
        for row in views.register_rows(venue=venue, pieces=venue_pieces, warnings=warnings, today=today):
            eq = row["equipment"]
            eq.open_warnings = row["warnings"]
            eq.rule_hazards_open = row["hazards"]
            eq.next_due = row["next"]
    return pieces


def _render(request, eq: Equipment, http_status: int = 200) -> Response:
    eq = Equipment.objects.select_related("venue__category__parent").get(pk=eq.pk)
    _annotate([eq])
    return Response(EquipmentOutputSerializer(eq, context={"request": request}).data, status=http_status)


def _not_allowed_to_keep(request, venue) -> None:
    if not services.may_keep_register(venue, request.user):
        raise NotAllowed(_("You cannot change this venue's equipment."), code="cannot_edit_equipment")


class VenueEquipmentApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="venues_equipment_list",
        summary="A venue's equipment register",
        description="Equipment in use, by kind; `?retired=true` adds retired pieces. Each with its open date-rule "
        "warnings, the open hazards the rules raised, and when each rule falls due.",
        parameters=[OpenApiParameter("retired", OpenApiTypes.BOOL, description="Include retired equipment.")],
        responses={200: EquipmentOutputSerializer(many=True), 404: ERRORS[404]},
    )
    def get(self, request, pk: int):
        venue = selectors.visible_venue(user=request.user, pk=pk)
        retired = request.query_params.get("retired", "").lower() in ("1", "true", "yes")
        pieces = list(selectors.venue_equipment(venue=venue, include_retired=retired))
        for eq in pieces:
            eq.venue = venue
        _annotate(pieces)
        return Response(EquipmentOutputSerializer(pieces, many=True, context={"request": request}).data)

    @extend_schema(
        tags=[TAG],
        operation_id="venues_equipment_create",
        summary="Add a piece of equipment to a venue's register",
        description="`kind` and the fields of that kind (any other field is a 400 on it)." + WRITE_NOTE,
        request=EquipmentCreateInputSerializer,
        responses={201: EquipmentOutputSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "A dry-powder extinguisher",
                request_only=True,
                value={
                    "kind": "extinguisher",
                    "label": "收银台旁",
                    "extinguisher_type": "powder",
                    "production_date": "2018-06-01",
                    "last_monthly_check": "2026-05-01",
                    "gauge_state": "green",
                },
            )
        ],
    )
    def post(self, request, pk: int):
        venue = selectors.visible_venue(user=request.user, pk=pk)
        _not_allowed_to_keep(request, venue)
        data = EquipmentCreateInputSerializer(data=request.data)
        validated_or_invalid(data)
        eq = services.equipment_add(
            venue=venue, actor=request.user, kind=data.validated_data["kind"], **data.written_fields()
        )
        return _render(request, eq, http_status=201)


class EquipmentDetailApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="equipment_retrieve",
        summary="One piece of equipment",
        responses={200: EquipmentOutputSerializer, 404: ERRORS[404]},
    )
    def get(self, request, pk: int):
        return _render(request, views.equipment_get(user=request.user, pk=pk))

    @extend_schema(
        tags=[TAG],
        operation_id="equipment_partial_update",
        summary="Change a piece (a new production date after a replacement, a new monthly check, …)",
        description="Only the fields sent change, each must belong to the piece's kind; `kind` itself never "
        "changes. Every change is kept in its history. A retired piece cannot change (400)." + WRITE_NOTE,
        request=EquipmentUpdateInputSerializer,
        responses={200: EquipmentOutputSerializer, **ERRORS},
    )
    def patch(self, request, pk: int):
        eq = views.equipment_get(user=request.user, pk=pk)
        _not_allowed_to_keep(request, eq.venue)
        data = EquipmentUpdateInputSerializer(data=request.data, partial=True)
        validated_or_invalid(data)
        changes = data.written_fields()
        if changes:
            services.equipment_update(equipment=eq, actor=request.user, **changes)
        return _render(request, eq)


class EquipmentRetireApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="equipment_retire",
        summary="Retire a piece (taken out of use)",
        description="It stays in the register's history (`?retired=true`); its open warnings close. Retiring a "
        "retired piece changes nothing." + WRITE_NOTE,
        request=RetireInputSerializer,
        responses={200: EquipmentOutputSerializer, **ERRORS},
    )
    def post(self, request, pk: int):
        eq = views.equipment_get(user=request.user, pk=pk)
        _not_allowed_to_keep(request, eq.venue)
        data = validated_or_invalid(RetireInputSerializer(data=request.data))
        services.equipment_retire(equipment=eq, actor=request.user, reason=data["reason"])
        return _render(request, eq)


class EquipmentHistoryApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="equipment_history",
        summary="Who changed what and when, newest first",
        responses={200: HistoryEntrySerializer(many=True), 404: ERRORS[404]},
    )
    def get(self, request, pk: int):
        eq = views.equipment_get(user=request.user, pk=pk)
        return Response(HistoryEntrySerializer(views.equipment_history(eq), many=True).data)


class EquipmentWarningListApi(generics.GenericAPIView):
    filter_backends = ()

    @extend_schema(
        tags=[TAG],
        operation_id="equipment_warnings_list",
        summary="Open date-rule warnings in the user's scope, soonest first",
        description="A warning is open from `warn_days` before the due date until the piece is updated or retired, "
        "or the due date comes (then it is a hazard). Merchants see their venues'.",
        parameters=[WarningQuerySerializer],
        responses={200: RuleWarningOutputSerializer(many=True), 400: ERRORS[400]},
    )
    def get(self, request):
        query = WarningQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.validated_data
        warnings = selectors.warnings_for_user(user=request.user).select_related("venue__community")
        if "venue" in filters:
            warnings = warnings.filter(venue_id=filters["venue"])
        if "rule" in filters:
            warnings = warnings.filter(rule__rule_id=filters["rule"])
        if "community" in filters:
            warnings = warnings.filter(venue__community_id=filters["community"])
        page = self.paginate_queryset(warnings)
        context = {"request": request, "today": clock.local_today()}
        return self.get_paginated_response(RuleWarningOutputSerializer(page, many=True, context=context).data)


class DateRuleListApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="date_rules_list",
        summary="The date rules with their parameters and sources",
        description="Every rule (regulations.md §6): parameters, warning days, the hazard it raises, what to do, the "
        "legal basis, whether the period is `unconfirmed` and, if so, which setting supplies its default. "
        "District administrators change them in the administration; each change is kept.",
        responses={200: DateRuleOutputSerializer(many=True)},
    )
    def get(self, request):
        rows = {row.rule.rule_id: row for row in views.rule_rows()}
        rules = [row.rule for row in rows.values()]
        return Response(DateRuleOutputSerializer(rules, many=True, context={"rows": rows}).data)
