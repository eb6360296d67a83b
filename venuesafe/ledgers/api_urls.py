from django.urls import path

from . import api

urlpatterns = [
    path("ledgers/exports/", api.ExportListApi.as_view(), name="api-ledger-exports"),
    path("ledgers/exports/<int:pk>/", api.ExportDetailApi.as_view(), name="api-ledger-export"),
    path("ledgers/exports/<int:pk>/download/", api.ExportDownloadApi.as_view(), name="api-ledger-export-download"),
]
