from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("", include("venuesafe.accounts.api_urls")),
    path("", include("venuesafe.org.api_urls")),
    path("", include("venuesafe.venues.api_urls")),
    path("", include("venuesafe.inspections.api_urls")),
    path("", include("venuesafe.hazards.api_urls")),
    path("", include("venuesafe.notices.api_urls")),
    path("", include("venuesafe.selfchecks.api_urls")),
    path("", include("venuesafe.venues.binding_api")),
    path("", include("venuesafe.equipment.api_urls")),
    path("", include("venuesafe.risk.api_urls")),
    path("", include("venuesafe.dashboard.api_urls")),
    path("", include("venuesafe.ledgers.api_urls")),
    path("", include("venuesafe.documents.api_urls")),
    path("", include("venuesafe.reports.api_urls")),
    path("", include("venuesafe.verifications.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
