from django.urls import path

from . import views

app_name = "risk"
urlpatterns = [
    path("venues/<int:pk>/", views.venue_risk, name="venue"),
]
