from django.urls import path

from . import views

app_name = "venues"
urlpatterns = [
    path("", views.venue_list, name="list"),
    path("new/", views.venue_create, name="create"),
    path("map/", views.venue_map, name="map"),
    path("map.json", views.venue_map_data, name="map_data"),
    path("near/", views.venue_near, name="near"),
    path("completeness/", views.venue_completeness, name="completeness"),
    path("<int:pk>/", views.venue_detail, name="detail"),
    path("<int:pk>/edit/", views.venue_edit, name="edit"),
    path("<int:pk>/close/", views.venue_close, name="close"),
]
