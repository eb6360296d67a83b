import pytest
from rest_framework.test import APIClient

from venuesafe.accounts.models import Role
from venuesafe.testing.factories import user_with_role


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _ids(response):
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def street_a_office(district):
    return user_with_role(Role.STREET_OFFICE, district.street_a)


def test_org_units_list__scoped_to_subtree(district, street_a_office):
    d = district
    ids = _ids(_client(street_a_office).get("/api/v1/org-units/"))
    assert ids == {d.street_a.pk, d.comm_a1.pk, d.comm_a2.pk, d.grid_a1a.pk, d.grid_a1b.pk, d.grid_a2a.pk}


def test_org_units_list__filter_level_and_parent(district, street_a_office):
    d = district
    client = _client(street_a_office)
    assert _ids(client.get("/api/v1/org-units/", {"level": "community"})) == {d.comm_a1.pk, d.comm_a2.pk}
    assert _ids(client.get("/api/v1/org-units/", {"parent": d.comm_a1.pk})) == {d.grid_a1a.pk, d.grid_a1b.pk}
    assert _ids(client.get("/api/v1/org-units/", {"parent": d.comm_b1.pk})) == set()


def test_org_units_list__bad_level_is_invalid(district, street_a_office):
    response = _client(street_a_office).get("/api/v1/org-units/", {"level": "planet"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "level" in response.json()["fields"]


def test_org_units_detail__in_scope(district, street_a_office):
    body = _client(street_a_office).get(f"/api/v1/org-units/{district.grid_a1a.pk}/").json()
    assert body["name"] == "仁和一网格"
    assert body["level"] == "grid"
    assert body["parent"] == district.comm_a1.pk


def test_org_units_detail__out_of_scope_is_404(district, street_a_office):
    response = _client(street_a_office).get(f"/api/v1/org-units/{district.comm_b1.pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_org_units_list__merchant_sees_none(district):
    merchant = user_with_role(Role.MERCHANT, district.comm_a1)
    assert _ids(_client(merchant).get("/api/v1/org-units/")) == set()
