from django.urls import path

from . import api

urlpatterns = [
    path(
        "documents/inspections/<int:pk>/notice.pdf",
        api.InspectionNoticeApi.as_view(),
        name="api-documents-inspection-notice",
    ),
    path("documents/reports/summary.pdf", api.SummaryReportApi.as_view(), name="api-documents-summary"),
]
