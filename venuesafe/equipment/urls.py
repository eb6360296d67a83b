from django.urls import path

from . import views

app_name = "equipment"
urlpatterns = [
    path("venues/<int:pk>/", views.venue_equipment, name="venue"),
]
