from venuesafe.hazards.models import HazardType
from venuesafe.testing.factories import category

URL = "/api/v1/hazard-types/"


def test_hazard_types__the_catalogue(loop, client_for):
    response = client_for(loop.merchant).get(URL)
    assert response.status_code == 200
    body = {row["code"]: row for row in response.json()}
    assert len(body) == HazardType.objects.filter(is_active=True).count()
    gas = body["GAS-01"]
    assert gas["name_en"] == "No combustible-gas alarm"
    assert gas["applies_to_all"] is False
    assert gas["categories"] == ["FOOD"]
    stored = HazardType.objects.get(code="GAS-01")
    assert gas["default_severity"] == stored.default_severity
    assert gas["default_deadline_hours"] == stored.default_deadline_hours
    assert "安全生产法" in gas["regulation"]
    assert {"fix_immediately", "candidate_major_factor", "label", "name"} <= gas.keys()


def test_hazard_types__inactive_entries_are_left_out(loop, client_for):
    HazardType.objects.filter(code="EVA-02").update(is_active=False)
    codes = {row["code"] for row in client_for(loop.inspector).get(URL).json()}
    assert "EVA-02" not in codes
    assert "EVA-01" in codes


def test_hazard_types__filtered_by_category_code_or_id(loop, client_for):
    client = client_for(loop.inspector)
    shop = {row["code"] for row in client.get(URL, {"category": "SHOP"}).json()}
    food = {row["code"] for row in client.get(URL, {"category": "FOOD"}).json()}
    # A sub-type gets the hazards of its main category.
    bbq = {row["code"] for row in client.get(URL, {"category": category("FOOD_BBQ").pk}).json()}
    assert "EVA-01" in shop and "EVA-01" in food
    assert "GAS-01" not in shop
    assert "GAS-01" in food
    assert food <= bbq


def test_hazard_types__unknown_category_is_400(loop, client_for):
    response = client_for(loop.inspector).get(URL, {"category": "NOPE"})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["category"]
