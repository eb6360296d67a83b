from django.urls import path

from . import api

urlpatterns = [
    path("venues/<int:pk>/checklist/", api.VenueChecklistApi.as_view(), name="api-venue-checklist"),
    path("inspections/", api.InspectionListCreateApi.as_view(), name="api-inspection-list"),
    path("inspections/<int:pk>/", api.InspectionDetailApi.as_view(), name="api-inspection-detail"),
]
