"""Equipment register pages, under /equipment/."""

from django.urls import path

from . import views

app_name = "equipment"
urlpatterns = [
    path("venues/<int:pk>/", views.venue_equipment, name="venue"),
    path("venues/<int:pk>/add/", views.equipment_add, name="add"),
    path("<int:pk>/edit/", views.equipment_edit, name="edit"),
    path("<int:pk>/checked-today/", views.equipment_checked_today, name="checked_today"),
    path("<int:pk>/retire/", views.equipment_retire, name="retire"),
    path("warnings/", views.warning_list, name="warnings"),
    path("rules/", views.rule_list, name="rules"),
]
