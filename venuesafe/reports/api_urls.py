from django.urls import path

from . import api

urlpatterns = [
    path("reports/", api.ReportListApi.as_view(), name="api-report-list"),
    path("reports/<int:pk>/", api.ReportDetailApi.as_view(), name="api-report-detail"),
    path("reports/<int:pk>/accept/", api.ReportAcceptApi.as_view(), name="api-report-accept"),
    path("reports/<int:pk>/merge/", api.ReportMergeApi.as_view(), name="api-report-merge"),
    path("reports/<int:pk>/dismiss/", api.ReportDismissApi.as_view(), name="api-report-dismiss"),
]
