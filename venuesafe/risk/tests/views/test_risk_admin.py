"""Admin: category risk is data with history; scores and flags are read-only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from venuesafe.risk.models import CategoryRisk, VenueRisk
from venuesafe.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def test_category_risk__edit_is_kept_in_history(admin_client):
    shop = CategoryRisk.objects.get(category__code="SHOP")
    url = reverse("admin:risk_categoryrisk_change", args=[shop.pk])
    response = admin_client.post(url, {"base_points": 12, "crowded": "", "major_threshold": 5})
    assert response.status_code == 302
    shop.refresh_from_db()
    assert (shop.base_points, shop.major_threshold) == (12, 5)
    assert shop.history.count() >= 1
    assert shop.history.first().base_points == 12


def test_venue_risk_and_flags__read_only(admin_client, area):
    risk = VenueRisk.objects.get(venue=area.red)
    assert admin_client.get(reverse("admin:risk_venuerisk_changelist")).status_code == 200
    page = admin_client.get(reverse("admin:risk_venuerisk_change", args=[risk.pk]))
    assert page.status_code == 200 and b'name="score"' not in page.content
    assert admin_client.get(reverse("admin:risk_venuerisk_add")).status_code == 403
    assert admin_client.get(reverse("admin:risk_candidatemajorflag_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:risk_candidatemajorflag_add")).status_code == 403
