import datetime as dt

import pytest
from rest_framework.test import APIClient

from venuesafe.equipment.models import DateRule, Equipment
from venuesafe.equipment.tests.views.helpers import extinguisher, extinguisher_fields, open_warnings, today
from venuesafe.testing.factories import venue

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def jsonable(fields: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in fields.items()}


def create(client, venue_pk, **fields):
    return client.post(f"/api/v1/venues/{venue_pk}/equipment/", fields, format="json")


# --- create, read, change, retire -------------------------------------------------------------


def test_create__extinguisher_answers_201_with_its_warning(world):
    response = create(api(world.merchant), world.venue.pk, kind="extinguisher", **jsonable(extinguisher_fields(20)))
    assert response.status_code == 201, response.json()
    body = response.json()
    eq = Equipment.objects.get()
    assert (body["id"], body["venue"], body["kind"], body["extinguisher_type"]) == (
        eq.pk,
        world.venue.pk,
        "extinguisher",
        "powder",
    )
    assert body["kind_fields"] == [
        "extinguisher_type",
        "production_date",
        "last_repair_date",
        "last_monthly_check",
        "gauge_state",
    ]
    [warning] = body["warnings"]
    assert (warning["rule"], warning["days"]) == ("R-EXT-SCRAP", 20)
    assert warning["advice"].startswith("Replace it with one of the same type")
    scrap = next(d for d in body["next_dates"] if d["rule"] == "R-EXT-SCRAP")
    assert scrap["days"] == 20
    assert body["hazards"] == []


def test_create__refusals_save_nothing(world):
    client = api(world.merchant)
    future = create(
        client,
        world.venue.pk,
        kind="extinguisher",
        **jsonable({**extinguisher_fields(20), "production_date": today() + dt.timedelta(days=1)}),
    )
    assert future.status_code == 400
    assert future.json()["code"] == "invalid"
    assert future.json()["fields"] == {"production_date": ["This date is in the future."]}

    other_kind = create(client, world.venue.pk, kind="gas_stove", purchase_date="2020-01-01", hose_material="rubber")
    assert other_kind.status_code == 400 and list(other_kind.json()["fields"]) == ["hose_material"]

    unknown = create(client, world.venue.pk, kind="gas_stove", colour="red")
    assert unknown.status_code == 400 and list(unknown.json()["fields"]) == ["colour"]

    bad_kind = create(client, world.venue.pk, kind="rocket")
    assert bad_kind.status_code == 400 and list(bad_kind.json()["fields"]) == ["kind"]

    bad_date = create(client, world.venue.pk, kind="gas_stove", purchase_date="01/02/2020")
    assert bad_date.status_code == 400 and list(bad_date.json()["fields"]) == ["purchase_date"]
    assert not Equipment.objects.exists()


def test_patch__new_production_date_closes_the_warning_and_history_says_who_changed_what(world):
    eq = extinguisher(world, scrap_in_days=20)
    client = api(world.grid_worker)
    new_date = today() - dt.timedelta(days=2)

    response = client.patch(f"/api/v1/equipment/{eq.pk}/", {"production_date": new_date.isoformat()}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["production_date"] == new_date.isoformat()
    assert response.json()["warnings"] == []
    assert not open_warnings(eq).exists()

    history = client.get(f"/api/v1/equipment/{eq.pk}/history/").json()
    assert [h["action"] for h in history] == ["changed", "created"]
    assert history[0]["actor"]["id"] == world.grid_worker.pk
    assert history[1]["actor"]["id"] == world.merchant.pk
    assert history[0]["changes"] == [
        {
            "field": "production_date",
            "label": "production date",
            "old": extinguisher_fields(20)["production_date"].isoformat(),
            "new": new_date.isoformat(),
        }
    ]


def test_patch__kind_never_changes_and_a_future_date_is_refused(world):
    eq = extinguisher(world, scrap_in_days=20)
    client = api(world.merchant)
    kind = client.patch(f"/api/v1/equipment/{eq.pk}/", {"kind": "gas_stove"}, format="json")
    assert kind.status_code == 400 and list(kind.json()["fields"]) == ["kind"]
    future = client.patch(
        f"/api/v1/equipment/{eq.pk}/", {"last_monthly_check": (today() + dt.timedelta(days=1)).isoformat()}
    )
    assert future.status_code == 400 and list(future.json()["fields"]) == ["last_monthly_check"]
    assert eq.history.count() == 1


def test_retire__closes_warnings_then_the_piece_cannot_change(world):
    eq = extinguisher(world, scrap_in_days=20)
    client = api(world.merchant)
    assert client.post(f"/api/v1/equipment/{eq.pk}/retire/", {}, format="json").status_code == 400

    response = client.post(f"/api/v1/equipment/{eq.pk}/retire/", {"reason": "replaced"}, format="json")

    assert response.status_code == 200
    assert (response.json()["is_active"], response.json()["warnings"]) == (False, [])
    assert response.json()["retired_at"]
    patch = client.patch(f"/api/v1/equipment/{eq.pk}/", {"label": "x"}, format="json")
    assert patch.status_code == 400
    assert client.get(f"/api/v1/venues/{world.venue.pk}/equipment/").json() == []
    retired = client.get(f"/api/v1/venues/{world.venue.pk}/equipment/", {"retired": "true"}).json()
    assert [e["id"] for e in retired] == [eq.pk]
    assert client.get(f"/api/v1/equipment/{eq.pk}/history/").json()[0]["action"] == "retired"


# --- scope and rights -------------------------------------------------------------------------


def test_scope__other_merchant_404_department_viewer_403(world):
    eq = extinguisher(world, scrap_in_days=20)
    other = api(world.other_merchant)
    for response in (
        other.get(f"/api/v1/venues/{world.venue.pk}/equipment/"),
        other.get(f"/api/v1/equipment/{eq.pk}/"),
        other.get(f"/api/v1/equipment/{eq.pk}/history/"),
        other.patch(f"/api/v1/equipment/{eq.pk}/", {"label": "x"}, format="json"),
        other.post(f"/api/v1/equipment/{eq.pk}/retire/", {"reason": "x"}, format="json"),
        create(other, world.venue.pk, kind="gas_stove"),
    ):
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"

    viewer = api(world.fire_viewer)
    assert [e["id"] for e in viewer.get(f"/api/v1/venues/{world.venue.pk}/equipment/").json()] == [eq.pk]
    for response in (
        create(viewer, world.venue.pk, kind="gas_stove"),
        viewer.patch(f"/api/v1/equipment/{eq.pk}/", {"label": "x"}, format="json"),
        viewer.post(f"/api/v1/equipment/{eq.pk}/retire/", {"reason": "x"}, format="json"),
    ):
        assert response.status_code == 403
        assert response.json()["code"] == "cannot_edit_equipment"
    eq.refresh_from_db()
    assert eq.is_active and Equipment.objects.count() == 1


def test_equipment_warnings__scoped_and_filtered(world):
    mine = extinguisher(world, scrap_in_days=5)
    b_shop = venue(world.d.comm_b1, world.d.grid_b1a)
    theirs = extinguisher(world, scrap_in_days=3, venue=b_shop)

    rows = api(world.merchant).get("/api/v1/equipment-warnings/").json()["results"]
    assert [(r["equipment"]["id"], r["rule"], r["days"]) for r in rows] == [(mine.pk, "R-EXT-SCRAP", 5)]
    assert rows[0]["venue"]["id"] == world.venue.pk
    assert rows[0]["community"]["id"] == world.d.comm_a1.pk

    admin = api(world.admin)
    assert [r["equipment"]["id"] for r in admin.get("/api/v1/equipment-warnings/").json()["results"]] == [
        theirs.pk,
        mine.pk,
    ]
    by_venue = admin.get("/api/v1/equipment-warnings/", {"venue": b_shop.pk}).json()["results"]
    assert [r["equipment"]["id"] for r in by_venue] == [theirs.pk]
    assert admin.get("/api/v1/equipment-warnings/", {"rule": "R-CYL"}).json()["count"] == 0


def test_date_rules__all_with_parameters_basis_and_unconfirmed_defaults(world, settings):
    settings.DATE_RULE_REGULATOR_YEARS = 5
    rules = {r["rule_id"]: r for r in api(world.merchant).get("/api/v1/date-rules/").json()}
    assert set(rules) == set(DateRule.objects.values_list("rule_id", flat=True))
    assert rules["R-EXT-SCRAP"]["params"] == {"years": {"water": 6, "powder": 10, "clean_agent": 10, "co2": 12}}
    assert rules["R-EXT-SCRAP"]["unconfirmed"] is False and rules["R-EXT-SCRAP"]["setting_default"] is None
    assert "GA 95-2007" in rules["R-EXT-SCRAP"]["basis"]
    assert rules["R-REG"]["unconfirmed"] is True
    assert rules["R-REG"]["setting_default"] == {
        "param": "years",
        "setting": "DATE_RULE_REGULATOR_YEARS",
        "value": 5,
        "overridden": False,
    }
    assert rules["R-HOSE"]["setting_default"]["setting"] == "DATE_RULE_RUBBER_HOSE_MONTHS"


# --- schema -----------------------------------------------------------------------------------

NEW_PATHS = {
    "/api/v1/venues/{id}/equipment/": ["get", "post"],
    "/api/v1/equipment/{id}/": ["get", "patch"],
    "/api/v1/equipment/{id}/retire/": ["post"],
    "/api/v1/equipment/{id}/history/": ["get"],
    "/api/v1/equipment-warnings/": ["get"],
    "/api/v1/date-rules/": ["get"],
}


def test_schema__documents_the_equipment_paths_and_their_refusals(db):
    response = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path, methods in NEW_PATHS.items():
        assert path in paths, path
        assert set(methods) == set(paths[path]) - {"parameters"}, path
    assert {"201", "400", "403", "404"} <= set(paths["/api/v1/venues/{id}/equipment/"]["post"]["responses"])
    assert {"200", "400", "403", "404"} <= set(paths["/api/v1/equipment/{id}/"]["patch"]["responses"])
