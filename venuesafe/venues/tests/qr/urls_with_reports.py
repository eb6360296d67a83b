"""The site's URLs plus a stand-in for the resident report page (issue 7), named reports:new."""

from django.http import HttpResponse
from django.urls import include, path

from config.urls import urlpatterns as site_urlpatterns

reports = ([path("new/", lambda request: HttpResponse("report"), name="new")], "reports")

urlpatterns = [*site_urlpatterns, path("reports/", include(reports))]
