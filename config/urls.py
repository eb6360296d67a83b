from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from venuesafe.accounts import views as account_views
from venuesafe.core.bench_views import bench_endpoints_enabled

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("venuesafe.accounts.urls")),
    # One code per venue: the QR link /q/<token>/ and the door plates under /venues/.
    path("", include("venuesafe.venues.urls_qr")),
    path("venues/", include("venuesafe.venues.urls")),
    # Binding codes for merchants: /venues/<pk>/binding-code/.
    path("venues/", include("venuesafe.venues.binding_views")),
    path("selfchecks/", include("venuesafe.selfchecks.urls")),
    path("hazards/", include("venuesafe.hazards.urls")),
    path("equipment/", include("venuesafe.equipment.urls")),
    path("risk/", include("venuesafe.risk.urls")),
    # Inspection pages live under /inspections/ and /venues/<pk>/inspect/.
    path("", include("venuesafe.inspections.urls")),
    path("notices/", include("venuesafe.notices.urls")),
    path("ledgers/", include("venuesafe.ledgers.urls")),
    path("documents/", include("venuesafe.documents.urls")),
    path("dashboard/", include("venuesafe.dashboard.urls")),
    path("reports/", include("venuesafe.reports.urls")),
    path("verifications/", include("venuesafe.verifications.urls")),
    path("api/v1/", include("config.api_urls")),
    path("open311/v2/", include("venuesafe.reports.open311_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG or not settings.PRODUCTION:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# The benchmark's bare endpoint (bench/inspection_submit.py): only with VENUESAFE_BENCH_ENDPOINTS=1.
if bench_endpoints_enabled():
    urlpatterns += [path("bench/", include("venuesafe.core.bench_views"))]
