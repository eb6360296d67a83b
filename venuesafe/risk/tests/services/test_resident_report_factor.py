"""Open resident reports at a venue count towards its risk score."""

import datetime as dt

import pytest
from django.utils import translation

from venuesafe.accounts.models import Role
from venuesafe.hazards.models import HazardState
from venuesafe.hazards.tests.services.world import T0
from venuesafe.reports.models import ReportCategory
from venuesafe.reports.reference_data import ensure_categories
from venuesafe.reports.services import report_accept, report_dismiss, report_submit
from venuesafe.risk.services import factor_label, risk_factors
from venuesafe.testing.factories import user_with_role, venue

pytestmark = pytest.mark.django_db


def _factor(v, now=None):
    return next((f for f in risk_factors(v, now or T0) if f["key"] == "resident_reports"), None)


def _report(v, cat, ip):
    return report_submit(category=cat, description="楼道堆满纸箱", venue=v, ip=ip)


def test_risk_factor__open_resident_reports(district, settings, clock_at):
    settings.RISK_POINTS_RESIDENT_REPORT = 5
    settings.RISK_POINTS_RESIDENT_REPORT_CAP = 12
    settings.RISK_RESIDENT_REPORT_WINDOW_DAYS = 90
    ensure_categories()
    cat = ReportCategory.objects.get(code="fire-exit")
    staff = user_with_role(Role.COMMUNITY_STAFF, district.comm_a1)
    shop = venue(district.comm_a1, district.grid_a1a)
    assert _factor(shop) is None

    clock_at(T0 - dt.timedelta(days=100))
    _report(shop, cat, "192.0.2.1")  # outside the 90-day window by T0
    clock_at(T0 - dt.timedelta(days=10))
    new = _report(shop, cat, "192.0.2.2")
    accepted = _report(shop, cat, "192.0.2.3")
    dismissed = _report(shop, cat, "192.0.2.4")
    hazard = report_accept(user=staff, report=accepted, venue=shop)
    report_dismiss(user=staff, report=dismissed, reason="重复")
    clock_at(T0)

    factor = _factor(shop)
    assert factor["points"] == 10  # the new one and the accepted one with its work order open
    assert factor["n"] == 90
    with translation.override("en"):
        assert factor_label(factor) == "Open resident reports in the last 90 days"

    hazard.state = HazardState.CLOSED
    hazard.save()
    assert _factor(shop)["points"] == 5  # closed in the loop: no longer counts
    assert new.venue == shop

    for i in range(3):
        _report(shop, cat, f"192.0.2.{10 + i}")
    assert _factor(shop)["points"] == 12  # capped
