from django.urls import path

from . import views

app_name = "verifications"
urlpatterns = [
    path("", views.task_list, name="list"),
    path("new/", views.report_new, name="new"),
    path("matches/", views.report_matches, name="matches"),
    path("figures/", views.figures, name="figures"),
    path("<int:pk>/", views.task_detail, name="detail"),
    path("<int:pk>/verify/", views.task_verify, name="verify"),
    path("<int:pk>/dismiss/", views.task_dismiss, name="dismiss"),
]
