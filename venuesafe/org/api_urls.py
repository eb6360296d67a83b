from django.urls import path

from . import api

urlpatterns = [
    path("org-units/", api.OrgUnitListApi.as_view(), name="api-org-unit-list"),
    path("org-units/<int:pk>/", api.OrgUnitDetailApi.as_view(), name="api-org-unit-detail"),
]
