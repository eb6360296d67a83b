from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("new/", views.report_new, name="new"),
    path("status/", views.report_lookup, name="lookup"),
    path("status/<str:reference>/", views.report_status, name="status"),
    path("triage/", views.triage_list, name="triage"),
    path("triage/<int:pk>/", views.triage_detail, name="triage_detail"),
    path("triage/<int:pk>/accept/", views.triage_accept, name="triage_accept"),
    path("triage/<int:pk>/merge/", views.triage_merge, name="triage_merge"),
    path("triage/<int:pk>/dismiss/", views.triage_dismiss, name="triage_dismiss"),
]
