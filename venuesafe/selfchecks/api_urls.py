from django.urls import path

from . import api

urlpatterns = [
    path("venues/<int:pk>/self-check-items/", api.VenueSelfCheckItemsApi.as_view(), name="api-venue-self-check-items"),
    path("self-checks/", api.SelfCheckListCreateApi.as_view(), name="api-self-check-list"),
    path("self-checks/figures/", api.SelfCheckFiguresApi.as_view(), name="api-self-check-figures"),
    path("self-checks/missing/", api.SelfCheckMissingApi.as_view(), name="api-self-check-missing"),
    path("self-checks/<int:pk>/", api.SelfCheckDetailApi.as_view(), name="api-self-check-detail"),
]
