from django.urls import path

from . import api

urlpatterns = [
    path("dashboard/summary/", api.SummaryApi.as_view(), name="api-dashboard-summary"),
    path("dashboard/map/", api.MapApi.as_view(), name="api-dashboard-map"),
    path("dashboard/units/", api.UnitsApi.as_view(), name="api-dashboard-units"),
]
