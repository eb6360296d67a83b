"""Documents API: the same PDFs as the pages, for any client. Errors are the API's JSON shape."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.views import APIView

from venuesafe.core.serializers import ErrorSerializer
from venuesafe.inspections.selectors import inspection_get

from . import notice, selectors, summary
from .views import pdf_response

TAG = "documents"
PDF = OpenApiResponse(OpenApiTypes.BINARY, description="application/pdf")


class PdfApiView(APIView):
    def perform_content_negotiation(self, request, force=False):
        # The answer is a PDF whatever the client accepts; an error falls back to JSON instead of a 406.
        return super().perform_content_negotiation(request, force=True)


class InspectionNoticeApi(PdfApiView):
    @extend_schema(
        tags=[TAG],
        operation_id="documents_inspection_notice",
        summary="The rectification notice (隐患整改通知书) of an inspection, as PDF",
        description="A4, in Chinese: the venue, the hazards found with their deadlines and legal basis, signature "
        "lines and a QR code to the inspection's page. Anyone who may see the inspection (its venue's merchant too).",
        responses={200: PDF, 404: OpenApiResponse(ErrorSerializer, description="No such inspection in your scope.")},
    )
    def get(self, request, pk: int):
        inspection = inspection_get(user=request.user, pk=pk)
        data = selectors.notice_data(user=request.user, inspection=inspection)
        content = notice.notice_pdf(data, status_link=notice.status_link(inspection, request))
        return pdf_response(content, f"rectification-notice-{inspection.pk}.pdf")


class SummaryReportApi(PdfApiView):
    @extend_schema(
        tags=[TAG],
        operation_id="documents_summary_report",
        summary="Weekly or monthly summary report of an area, as PDF",
        description="The ISO week (Monday–Sunday) or calendar month containing `date`: headline figures, found vs "
        "closed per day, top hazard types, communities, overdue orders now and orders escalated in the period. "
        "Street office, community staff, district admins and department viewers (the big screen's areas).",
        parameters=[
            OpenApiParameter("org_unit", int, description="District, street or community id; default: your highest."),
            OpenApiParameter("period", str, enum=list(selectors.PERIODS), required=True),
            OpenApiParameter("date", OpenApiTypes.DATE, description="A day in the period; default today."),
        ],
        responses={
            200: PDF,
            400: OpenApiResponse(ErrorSerializer, description="Bad period, date or org unit (`invalid`)."),
            403: OpenApiResponse(ErrorSerializer, description="No report for this user or area."),
        },
    )
    def get(self, request):
        params = request.query_params
        unit = selectors.report_org_unit(user=request.user, org_unit_id=params.get("org_unit"))
        period = selectors.report_period(kind=params.get("period", ""), day=params.get("date"))
        report = selectors.summary_report(user=request.user, unit=unit, period=period)
        name = f"summary-{period.kind}-{period.start.isoformat()}-{unit.pk}.pdf"
        return pdf_response(summary.summary_pdf(report), name)
