from django.urls import path

from . import api

urlpatterns = [
    path("auth/token/", api.TokenObtainApi.as_view(), name="api-auth-token"),
    path("auth/logout/", api.LogoutApi.as_view(), name="api-auth-logout"),
    path("me/", api.MeApi.as_view(), name="api-me"),
]
