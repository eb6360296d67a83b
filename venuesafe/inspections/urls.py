"""Inspection pages. Included at the site root: they live under /inspections/ and /venues/<pk>/inspect/."""

from django.urls import path

from . import views

app_name = "inspections"
urlpatterns = [
    path("inspections/today/", views.tasks_today, name="today"),
    path("inspections/<int:pk>/", views.inspection_detail, name="detail"),
    path("venues/<int:pk>/inspect/", views.inspection_start, name="start"),
]
