"""Self-check pages, under /selfchecks/."""

from django.urls import path

from . import views

app_name = "selfchecks"
urlpatterns = [
    path("", views.merchant_home, name="home"),
    path("<int:venue_pk>/today/", views.self_check_today, name="today"),
    path("missing/", views.missing_list, name="missing"),
    path("figures/", views.figures, name="figures"),
]
