"""The user's inbox over the API. Every user sees only their own notices."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from venuesafe.core.serializers import ErrorSerializer

from . import selectors, services
from .models import Notice
from .serializers import MarkedCountSerializer, NoticeListQuerySerializer, NoticeOutputSerializer, UnreadCountSerializer

TAG = "notices"
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="Not a notice of this user (`not_found`).")


def _inbox(user) -> QuerySet[Notice]:
    return selectors.inbox(user=user).order_by("-created_at", "-id")


class NoticeListApi(generics.GenericAPIView):
    filter_backends = ()

    @extend_schema(
        tags=[TAG],
        operation_id="notices_list",
        summary="My inbox, newest first",
        parameters=[NoticeListQuerySerializer],
        responses={200: NoticeOutputSerializer(many=True)},
    )
    def get(self, request):
        query = NoticeListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        unread = query.validated_data.get("unread")
        notices = _inbox(request.user)
        if unread is not None:
            notices = notices.filter(read_at__isnull=unread)
        page = self.paginate_queryset(notices)
        return self.get_paginated_response(NoticeOutputSerializer(page, many=True).data)


class NoticeReadApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="notices_read",
        summary="Mark one notice read",
        request=None,
        responses={200: NoticeOutputSerializer, 404: NOT_FOUND},
    )
    def post(self, request, pk: int):
        notice = _inbox(request.user).filter(pk=pk).first()
        if notice is None:
            raise Http404
        notice = services.notice_mark_read(notice=notice, user=request.user)
        return Response(NoticeOutputSerializer(notice).data)


class NoticeReadAllApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="notices_read_all",
        summary="Mark every notice read",
        request=None,
        responses={200: MarkedCountSerializer},
    )
    def post(self, request):
        return Response({"marked": services.notice_mark_all_read(user=request.user)})


class NoticeUnreadCountApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="notices_unread_count",
        summary="How many notices are unread",
        responses={200: UnreadCountSerializer},
    )
    def get(self, request):
        return Response({"unread": selectors.unread_count(user=request.user)})
