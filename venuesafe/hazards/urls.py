from django.urls import path

from . import views

app_name = "hazards"
urlpatterns = [
    path("", views.hazard_board, name="board"),
    path("mine/", views.hazard_mine, name="mine"),
    path("figures/", views.hazard_figures, name="figures"),
    path("<int:pk>/", views.hazard_detail, name="detail"),
    path("<int:pk>/<slug:action>/", views.hazard_action, name="action"),
]
