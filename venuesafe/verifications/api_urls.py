from django.urls import path

from . import api

urlpatterns = [
    path("verifications/", api.TaskListCreateApi.as_view(), name="api-verification-list"),
    path("verifications/matches/", api.MatchesApi.as_view(), name="api-verification-matches"),
    path("verifications/figures/", api.FiguresApi.as_view(), name="api-verification-figures"),
    path("verifications/<int:pk>/", api.TaskDetailApi.as_view(), name="api-verification-detail"),
    path("verifications/<int:pk>/verify/", api.TaskVerifyApi.as_view(), name="api-verification-verify"),
    path("verifications/<int:pk>/dismiss/", api.TaskDismissApi.as_view(), name="api-verification-dismiss"),
]
