"""Ledger export API. Thin: validate with the serializers, call services/selectors, render.

POST ledgers/exports/ answers 202 with the export and the URL to poll; the file is built in the
background (or by the periodic task) and fetched from …/download/ once `state` is `done`.
Only the user who asked for an export (or a superuser) sees it; anyone else gets 404.
"""

from __future__ import annotations

from django.http import FileResponse
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from venuesafe.core.errors import NotAllowed, StateConflict
from venuesafe.core.serializers import ErrorSerializer

from . import selectors, services
from .models import ExportState
from .serializers import ExportOutputSerializer, ExportRequestSerializer

TAG = "ledgers"
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="Not an export of this user (`not_found`).")


def _require_export_right(user) -> None:
    if not selectors.may_export(user):
        raise NotAllowed(_("You cannot export ledgers."), code="cannot_export")


class ExportListApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="ledger_exports_list",
        summary="My recent ledger exports",
        responses={200: ExportOutputSerializer(many=True)},
    )
    def get(self, request):
        exports = selectors.export_list(user=request.user)
        return Response(ExportOutputSerializer(exports, many=True).data)

    @extend_schema(
        tags=[TAG],
        operation_id="ledger_exports_create",
        summary="Ask for a ledger export (台账导出)",
        description="Ledgers: `venues` (the archive; period on the day archived), `hazards` (one row per work "
        "order with its whole timeline; the .xlsx has a second sheet with one row per event; period on the day "
        "found), `inspections` (period on the day ended), `self_checks` (period on the day punched in). Only "
        "rows in the user's scope. Headers in the request's language (Chinese by default). Staff and "
        "department viewers; merchants get 403 `cannot_export`. Answers 202 at once; poll `status_url`.",
        request=ExportRequestSerializer,
        responses={
            202: ExportOutputSerializer,
            400: OpenApiResponse(
                ErrorSerializer,
                description="A bad filter (`invalid`, e.g. `fields` {`filters.date_to`: […]}, an org unit outside "
                "the user's scope, a state the ledger does not have). Nothing is exported.",
            ),
            403: OpenApiResponse(ErrorSerializer, description="The user may not export (`cannot_export`)."),
        },
    )
    def post(self, request):
        _require_export_right(request.user)
        data = ExportRequestSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        export = services.export_request(
            actor=request.user,
            kind=data.validated_data["kind"],
            fmt=data.validated_data["format"],
            filters=data.validated_data["filters"],
            language=translation.get_language() or "zh-hans",
        )
        return Response(ExportOutputSerializer(export).data, status=status.HTTP_202_ACCEPTED)


class ExportDetailApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="ledger_exports_retrieve",
        summary="State and progress of a ledger export",
        description="`state`: queued, running, done, failed, expired (the file is deleted after "
        "LEDGER_EXPORT_KEEP_DAYS). `rows_done` of `rows_total` while running; `download_url` once done.",
        responses={200: ExportOutputSerializer, 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        export = selectors.export_get(user=request.user, pk=pk)
        return Response(ExportOutputSerializer(export).data)


class ExportDownloadApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="ledger_exports_download",
        summary="The file of a finished ledger export",
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY,
            (200, "text/csv"): OpenApiTypes.BINARY,
            404: NOT_FOUND,
            409: OpenApiResponse(ErrorSerializer, description="Not built yet, failed or expired (`not_ready`)."),
        },
    )
    def get(self, request, pk: int):
        export = selectors.export_get(user=request.user, pk=pk)
        return file_response(export)


def file_response(export) -> FileResponse:
    """The export's file as an attachment (page and API alike)."""
    if export.state != ExportState.DONE or not export.file:
        raise StateConflict(
            _("This export has no file to download."),
            code="not_ready",
            extra={"current_state": export.state},
        )
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=services.download_name(export),
        content_type=services.CONTENT_TYPES[export.format],
    )
