"""Risk pages, under /risk/."""

from django.urls import path

from . import views

app_name = "risk"
urlpatterns = [
    path("venues/<int:pk>/", views.venue_risk, name="venue"),
    path("candidates/", views.candidates, name="candidates"),
    path("patrol/", views.patrol, name="patrol"),
    path("coverage/", views.coverage, name="coverage"),
]
