from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("inspections/<int:pk>/notice.pdf", views.inspection_notice, name="inspection_notice"),
    path("reports/", views.reports, name="reports"),
    path("reports/summary.pdf", views.summary_pdf, name="summary_pdf"),
]
