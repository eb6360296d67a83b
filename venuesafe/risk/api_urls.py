from django.urls import path

from . import api

urlpatterns = [
    path("venues/<int:pk>/risk/", api.VenueRiskApi.as_view(), name="api-venue-risk"),
    path("risk/candidates/", api.CandidateListApi.as_view(), name="api-risk-candidates"),
    path("risk/patrol/", api.PatrolPlanApi.as_view(), name="api-risk-patrol"),
    path("risk/coverage/", api.CoverageApi.as_view(), name="api-risk-coverage"),
]
