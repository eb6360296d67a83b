from django.utils import translation

from venuesafe.accounts.models import Role
from venuesafe.testing.factories import category, user_with_role, venue


def test_checklist__questions_of_the_venue_category(loop, client_for):
    items = client_for(loop.inspector).get(f"/api/v1/venues/{loop.venue.pk}/checklist/", HTTP_ACCEPT_LANGUAGE="en")
    assert items.status_code == 200
    body = items.json()
    first = body[0]
    assert first["code"] == "GEN-01"
    assert first["section"] == "evacuation"
    with translation.override("en"):
        assert first["question"].startswith("Escape routes and safety exits are clear")
    assert first["default_hazard_type"] == "EVA-01"
    assert {"code": "EVA-01"}.items() <= first["hazard_types"][0].items()
    assert {t["code"] for t in first["hazard_types"]} == {"EVA-01", "EVA-04", "EVA-05"}
    # A shop is not asked the kitchen's gas questions.
    assert not [i for i in body if i["section"] == "gas"]


def test_checklist__restaurant_includes_gas_points(loop, client_for, district):
    restaurant = venue(district.comm_a1, district.grid_a1a, category=category("FOOD"))
    body = client_for(loop.inspector).get(f"/api/v1/venues/{restaurant.pk}/checklist/").json()
    assert [i for i in body if i["section"] == "gas"]
    assert len(body) > len(client_for(loop.inspector).get(f"/api/v1/venues/{loop.venue.pk}/checklist/").json())


def test_checklist__venue_out_of_scope_is_404(loop, client_for, district):
    elsewhere = user_with_role(Role.INSPECTOR, district.comm_b1)
    response = client_for(elsewhere).get(f"/api/v1/venues/{loop.venue.pk}/checklist/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
