from django.urls import path

from . import api

urlpatterns = [
    path("venues/<int:pk>/equipment/", api.VenueEquipmentApi.as_view(), name="api-venue-equipment"),
    path("equipment/<int:pk>/", api.EquipmentDetailApi.as_view(), name="api-equipment-detail"),
    path("equipment/<int:pk>/retire/", api.EquipmentRetireApi.as_view(), name="api-equipment-retire"),
    path("equipment/<int:pk>/history/", api.EquipmentHistoryApi.as_view(), name="api-equipment-history"),
    path("equipment-warnings/", api.EquipmentWarningListApi.as_view(), name="api-equipment-warnings"),
    path("date-rules/", api.DateRuleListApi.as_view(), name="api-date-rules"),
]
