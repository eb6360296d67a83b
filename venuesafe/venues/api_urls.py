from django.urls import path

from . import api

urlpatterns = [
    path("venue-categories/", api.VenueCategoryListApi.as_view(), name="api-venue-category-list"),
    path("venues/", api.VenueListCreateApi.as_view(), name="api-venue-list"),
    path("venues/near/", api.VenueNearApi.as_view(), name="api-venue-near"),
    path("venues/completeness/", api.VenueCompletenessApi.as_view(), name="api-venue-completeness"),
    path("venues/<int:pk>/", api.VenueDetailApi.as_view(), name="api-venue-detail"),
    path("venues/<int:pk>/close/", api.VenueCloseApi.as_view(), name="api-venue-close"),
    path("venues/<int:pk>/history/", api.VenueHistoryApi.as_view(), name="api-venue-history"),
]
