"""Binding-code API: staff issue, list and revoke a venue's one-time codes; a logged-in merchant
binds one more venue with a code. Included from config/api_urls.py. Thin: venues.services decides."""

from __future__ import annotations

from django.http import Http404
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from venuesafe.core import clock
from venuesafe.core.serializers import ErrorSerializer, validated_or_invalid
from venuesafe.hazards.serializers import UserBriefSerializer, VenueBriefSerializer

from . import selectors, services
from .binding_views import binding_code_status, binding_codes_of
from .models import BindingCode

TAG = "binding-codes"
STATUS_VALUES = ("unused", "used", "expired", "revoked")
ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input (`invalid`, `binding_code_invalid`, …)."),
    403: OpenApiResponse(
        ErrorSerializer, description="Visible, but the user may not hand out codes for it (`cannot_edit_venue`)."
    ),
    404: OpenApiResponse(ErrorSerializer, description="Not found or outside the user's scope (`not_found`)."),
}


class BindingCodeOutputSerializer(serializers.ModelSerializer):
    venue = VenueBriefSerializer(read_only=True)
    issued_by = UserBriefSerializer(read_only=True)
    used_by = UserBriefSerializer(read_only=True, allow_null=True)
    status = serializers.SerializerMethodField(help_text="Derived: " + ", ".join(f"`{s}`" for s in STATUS_VALUES) + ".")

    class Meta:
        model = BindingCode
        fields = [
            "id",
            "code",
            "venue",
            "status",
            "issued_by",
            "issued_at",
            "expires_at",
            "used_at",
            "used_by",
            "revoked_at",
        ]
        read_only_fields = fields

    def get_status(self, obj) -> str:
        return binding_code_status(obj, self.context.get("now"))


class BindInputSerializer(serializers.Serializer):
    code = serializers.CharField(
        max_length=32, help_text="The one-time code from the grid worker (case and spaces ignored)."
    )


class BindOutputSerializer(serializers.Serializer):
    venue = VenueBriefSerializer()
    user = UserBriefSerializer()


def _venue_for_codes(request, pk: int):
    # 404 out of sight, NotAllowed (403) when the venue is only visible.
    return selectors.venue_get_for_edit(user=request.user, pk=pk)


def _context() -> dict:
    return {"now": clock.now()}


class VenueBindingCodesApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="venues_binding_codes_list",
        summary="A venue's binding codes",
        description="Newest first, with their status. Staff who may edit the venue (e.g. its grid worker).",
        responses={200: BindingCodeOutputSerializer(many=True), 403: ERRORS[403], 404: ERRORS[404]},
    )
    def get(self, request, pk: int):
        venue = _venue_for_codes(request, pk)
        codes = binding_codes_of(venue).select_related("venue")[:100]
        return Response(BindingCodeOutputSerializer(codes, many=True, context=_context()).data)

    @extend_schema(
        tags=[TAG],
        operation_id="venues_binding_codes_create",
        summary="Issue a one-time binding code for the venue's merchant",
        description="8 letters and digits (no 0/O, 1/I/L), valid once until `expires_at` (BINDING_CODE_TTL_HOURS). "
        "Hand it to the merchant, who signs up or binds with it. Staff who may edit the venue.",
        request=None,
        responses={201: BindingCodeOutputSerializer, **ERRORS},
    )
    def post(self, request, pk: int):
        venue = _venue_for_codes(request, pk)
        code = services.binding_code_issue(venue=venue, actor=request.user)
        return Response(BindingCodeOutputSerializer(code, context=_context()).data, status=201)


class BindingCodeRevokeApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="binding_codes_revoke",
        summary="Revoke a binding code",
        description="An unused code can no longer be used; a used or already revoked one stays as it is.",
        request=None,
        responses={200: BindingCodeOutputSerializer, 403: ERRORS[403], 404: ERRORS[404]},
    )
    def post(self, request, pk: int):
        code = BindingCode.objects.select_related("venue", "issued_by", "used_by").filter(pk=pk).first()
        if code is None or not selectors.venue_queryset(user=request.user).filter(pk=code.venue_id).exists():
            raise Http404
        code = services.binding_code_revoke(binding_code=code, actor=request.user)
        return Response(BindingCodeOutputSerializer(code, context=_context()).data)


class MerchantBindApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="merchant_bind",
        summary="Bind one more venue to my account with a code",
        description="A merchant may hold several venues. A wrong, used, expired or revoked code is a 400 "
        "`binding_code_invalid` on `code`; after BINDING_MAX_FAILURES wrong codes from one address or account "
        "within BINDING_LOCKOUT_MINUTES every attempt answers 429 `binding_locked_out`, even with the right code.",
        request=BindInputSerializer,
        responses={
            201: BindOutputSerializer,
            400: ERRORS[400],
            429: OpenApiResponse(ErrorSerializer, description="Too many wrong codes (`binding_locked_out`)."),
        },
    )
    def post(self, request):
        data = BindInputSerializer(data=request.data)
        validated = validated_or_invalid(data)
        link = services.merchant_bind(
            user=request.user, code=validated["code"], address=request.META.get("REMOTE_ADDR") or None
        )
        return Response(BindOutputSerializer({"venue": link.venue, "user": link.user}).data, status=201)


urlpatterns = [
    path("venues/<int:pk>/binding-codes/", VenueBindingCodesApi.as_view(), name="api-venue-binding-codes"),
    path("binding-codes/<int:pk>/revoke/", BindingCodeRevokeApi.as_view(), name="api-binding-code-revoke"),
    path("merchant/bind/", MerchantBindApi.as_view(), name="api-merchant-bind"),
]
