import datetime as dt

import time_machine

from venuesafe.accounts.models import Role
from venuesafe.core import clock
from venuesafe.testing.factories import user_with_role

URL = "/api/v1/hazards/figures/"


def test_hazards_figures__default_period_is_this_month(dispatched, loop, client_for):
    # 2 May, 01:00 in Shanghai is still 1 May in UTC: the period follows the Shanghai calendar.
    moment = dt.datetime(2026, 5, 2, 1, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with time_machine.travel(moment, tick=False):
        body = client_for(loop.street_office).get(URL).json()
    assert (body["date_from"], body["date_to"]) == ("2026-05-01", "2026-05-02")


def test_hazards_figures__counts_and_groups(dispatched, loop, client_for, district):
    today = clock.local_today().isoformat()
    response = client_for(loop.street_office).get(URL, {"date_from": today, "date_to": today})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["total"]["found"] == 1
    assert body["total"]["open"] == 1
    assert body["total"]["closed"] == 0
    assert body["total"]["on_time_rate"] is None
    assert [(r["id"], r["found"]) for r in body["by_community"]] == [(district.comm_a1.pk, 1)]
    assert body["by_community"][0]["name"] == "仁和社区"
    assert [r["code"] for r in body["by_hazard_type"]] == ["EVA-01"]
    assert [r["found"] for r in body["by_category"]] == [1]
    assert body["inspections_by_inspector"] == [
        {
            "inspector_id": loop.inspector.pk,
            "name": "巡查员小李",
            "inspections": 1,
            "off_site": 0,
            "venues": 1,
            "hazards_found": 1,
        }
    ]


def test_hazards_figures__filters_and_scope(dispatched, loop, client_for, district):
    client = client_for(loop.street_office)
    assert client.get(URL, {"org_unit": district.comm_a2.pk}).json()["total"]["found"] == 0
    assert client.get(URL, {"category": "FOOD"}).json()["total"]["found"] == 0
    assert client.get(URL, {"category": "SHOP"}).json()["total"]["found"] == 1
    assert client.get(URL, {"hazard_type": "EVA-02"}).json()["total"]["found"] == 0
    outsider = user_with_role(Role.STREET_OFFICE, district.street_b)
    assert client_for(outsider).get(URL).json()["total"]["found"] == 0


def test_hazards_figures__bad_periods_are_400(loop, client_for):
    client = client_for(loop.street_office)
    backwards = client.get(URL, {"date_from": "2026-03-10", "date_to": "2026-03-01"})
    assert backwards.status_code == 400
    assert list(backwards.json()["fields"]) == ["date_to"]
    too_long = client.get(URL, {"date_from": "2025-01-01", "date_to": "2026-01-02"})
    assert too_long.status_code == 400
    assert list(too_long.json()["fields"]) == ["date_to"]
    # 366 days (a leap year) is allowed.
    assert client.get(URL, {"date_from": "2024-01-01", "date_to": "2024-12-31"}).status_code == 200
    assert client.get(URL, {"date_from": "yesterday"}).status_code == 400
