from django.urls import path

from . import views

app_name = "ledgers"
urlpatterns = [
    path("", views.ledger_index, name="index"),
    path("csv/", views.ledger_csv, name="csv"),
    path("exports/<int:pk>/download/", views.export_download, name="download"),
]
