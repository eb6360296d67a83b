"""Open311 GeoReport v2, mounted at /open311/v2/. The extension picks the format: .xml or .json."""

from django.urls import re_path

from venuesafe.reports import open311_views as views

app_name = "open311"

# Any extension reaches the view, which answers an unsupported one with the spec's 400 error list.
FMT = r"\.(?P<fmt>[A-Za-z0-9]+)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^services" + FMT, views.service_list, name="services"),
    re_path(r"^services/(?P<service_code>[^/]+?)" + FMT, views.service_definition, name="service-definition"),
    re_path(r"^requests" + FMT, views.requests, name="requests"),
    re_path(r"^requests/(?P<service_request_id>[^/]+?)" + FMT, views.request_detail, name="request-detail"),
]
