"""hazards.selectors.loop_figures: the street's figures come out of the work orders, exactly."""

from __future__ import annotations

import datetime as dt

import pytest

from venuesafe.core.positions import Position
from venuesafe.hazards import services
from venuesafe.hazards.selectors import loop_figures
from venuesafe.hazards.services import ResponsibleParty
from venuesafe.hazards.tests.services.world import T0, hours
from venuesafe.inspections.tests.services.helpers import submit
from venuesafe.testing.factories import category, found_hazard, hazard_type, make_photo, venue

MARCH = {"date_from": dt.date(2026, 3, 1), "date_to": dt.date(2026, 3, 31)}


class Street:
    """Work orders found and closed at known times (T0 = 2 March 2026 08:00 Shanghai).

    name  venue (community, category)   type    found     closed    deadline  rectification
    h1    v1 (A1, SHOP)                 EVA-01  T0        T0+6 h    T0+24 h   6 h, on time
    h2    v1                            EXT-05  T0        T0+10 h   T0+24 h   10 h, on time
    h3    v2 (A2, FOOD_BBQ)             EVA-01  T0        T0+50 h   T0+24 h   50 h, late
    h4    v1                            OTH-01  T0        open      T0+72 h   overdue at T0+100 h
    h5    v2                            EVA-03  T0        open      T0+168 h
    h6    v1                            EVA-05  T0        withdrawn
    h7    v1                            MGT-01  T0-72 h   T0+2 h    T0-48 h   74 h, late (found in February)
    h8    v3 (A1, FOOD_SNACK)           EVA-01  T0        T0+20 h   T0+24 h   20 h, on time (3 March in Shanghai)
    """

    def __init__(self, world, clock_at):
        self.w = w = world
        d = w.d
        self.v1 = w.venue
        self.v2 = venue(d.comm_a2, d.grid_a2a, category=category("FOOD_BBQ"))
        self.v3 = venue(d.comm_a1, d.grid_a1a, category=category("FOOD_SNACK"))
        self.helper = {d.comm_a1.pk: w.comm, d.comm_a2.pk: w.comm_a2}

        clock_at(T0 - hours(72))
        self.h7 = self.record(self.v1, "MGT-01")
        clock_at(T0)
        self.h1 = self.record(self.v1, "EVA-01")
        self.h2 = self.record(self.v1, "EXT-05")
        self.h3 = self.record(self.v2, "EVA-01")
        self.h4 = self.record(self.v1, "OTH-01")
        self.h5 = self.record(self.v2, "EVA-03")
        self.h8 = self.record(self.v3, "EVA-01")
        h6 = found_hazard(self.v1, w.street, "EVA-05")
        services.hazard_withdraw(hazard=h6, actor=w.street, reason="误录")

        clock_at(T0 + hours(1))
        for h in (self.h1, self.h2, self.h3, self.h7, self.h8):
            staff = self.helper[h.community_id]
            services.hazard_acknowledge(hazard=h, actor=staff)
            services.hazard_submit_proof(hazard=h, actor=staff, photos=[make_photo()])
        for h, at in ((self.h7, 2), (self.h1, 6), (self.h2, 10), (self.h8, 20), (self.h3, 50)):
            clock_at(T0 + hours(at))
            services.hazard_review_pass(hazard=h, actor=w.street)
        clock_at(T0 + hours(100))

    def record(self, v, code):
        h = found_hazard(v, self.w.street, code)
        services.hazard_dispatch(hazard=h, actor=self.w.street, party=ResponsibleParty(community=h.community))
        return h


@pytest.fixture
def street(world, clock_at):
    return Street(world, clock_at)


def _row(rows, key, value):
    return next(r for r in rows if r[key] == value)


def _strip(row):
    return {k: v for k, v in row.items() if k not in ("id", "name", "code")}


def test_loop_figures__totals(street):
    report = loop_figures(user=street.w.street, **MARCH)
    assert report.total.as_dict() == {
        "found": 6,  # h1-h5, h8 (h6 withdrawn, h7 found in February)
        "closed": 5,  # h1, h2, h3, h7, h8
        "closed_on_time": 3,
        "on_time_rate": 0.6,
        "open": 2,
        "overdue": 1,
        "mean_rectification_hours": 32.0,  # (6 + 10 + 50 + 74 + 20) / 5
        "median_rectification_hours": 20.0,
    }


def test_loop_figures__by_community(street):
    report = loop_figures(user=street.w.street, **MARCH)
    d = street.w.d
    assert [r["id"] for r in report.by_community] == [d.comm_a1.pk, d.comm_a2.pk]  # most found first
    a1 = report.by_community[0]
    assert a1["name"] == "仁和社区"
    assert _strip(a1) == {
        "found": 4,
        "closed": 4,
        "closed_on_time": 3,
        "on_time_rate": 0.75,
        "open": 1,
        "overdue": 1,
        "mean_rectification_hours": 27.5,  # 6, 10, 74, 20
        "median_rectification_hours": 15.0,
    }
    assert _strip(report.by_community[1]) == {
        "found": 2,
        "closed": 1,
        "closed_on_time": 0,
        "on_time_rate": 0.0,
        "open": 1,
        "overdue": 0,
        "mean_rectification_hours": 50.0,
        "median_rectification_hours": 50.0,
    }


def test_loop_figures__by_top_level_category(street):
    report = loop_figures(user=street.w.street, **MARCH)
    rows = {r["id"]: r for r in report.by_category}
    shop, food = category("SHOP"), category("FOOD")
    assert set(rows) == {shop.pk, food.pk}  # sub-types count under their parent
    assert (rows[shop.pk]["found"], rows[shop.pk]["closed"], rows[shop.pk]["closed_on_time"]) == (3, 3, 2)
    assert (rows[shop.pk]["mean_rectification_hours"], rows[shop.pk]["median_rectification_hours"]) == (30.0, 10.0)
    assert (rows[shop.pk]["open"], rows[shop.pk]["overdue"]) == (1, 1)
    assert (rows[food.pk]["found"], rows[food.pk]["closed"], rows[food.pk]["closed_on_time"]) == (3, 2, 1)
    assert (rows[food.pk]["mean_rectification_hours"], rows[food.pk]["median_rectification_hours"]) == (35.0, 35.0)
    assert (rows[food.pk]["open"], rows[food.pk]["overdue"]) == (1, 0)


def test_loop_figures__by_hazard_type(street):
    report = loop_figures(user=street.w.street, **MARCH)
    rows = {r["code"]: r for r in report.by_hazard_type}
    assert set(rows) == {"EVA-01", "EXT-05", "OTH-01", "EVA-03", "MGT-01"}  # withdrawn EVA-05 counts nowhere
    assert report.by_hazard_type[0]["code"] == "EVA-01"
    eva = rows["EVA-01"]
    assert (eva["found"], eva["closed"], eva["closed_on_time"], eva["open"]) == (3, 3, 2, 0)
    assert (eva["mean_rectification_hours"], eva["median_rectification_hours"]) == (25.3, 20.0)  # 6, 50, 20
    assert (rows["OTH-01"]["open"], rows["OTH-01"]["overdue"], rows["OTH-01"]["mean_rectification_hours"]) == (
        1,
        1,
        None,
    )
    assert (rows["MGT-01"]["found"], rows["MGT-01"]["closed"], rows["MGT-01"]["on_time_rate"]) == (0, 1, 0.0)
    assert rows["EVA-01"]["name"] == hazard_type("EVA-01").name


def test_loop_figures__period_is_in_shanghai_days(street):
    # h8 closed at 20:00 UTC on 2 March, which is 04:00 on 3 March in Shanghai.
    day = dt.date(2026, 3, 2)
    report = loop_figures(user=street.w.street, date_from=day, date_to=day)
    assert (report.total.found, report.total.closed) == (6, 3)  # closed: h7, h1, h2
    assert report.total.mean_hours == 30.0  # 74, 6, 10
    march_3 = loop_figures(user=street.w.street, date_from=dt.date(2026, 3, 3), date_to=dt.date(2026, 3, 3))
    assert (march_3.total.found, march_3.total.closed, march_3.total.mean_hours) == (0, 1, 20.0)
    # Open and overdue are "now", whatever the period.
    assert (march_3.total.open, march_3.total.overdue) == (2, 1)


def test_loop_figures__overdue_moves_with_the_clock(street, clock_at):
    clock_at(T0 + hours(72))  # h4 is due now, not yet late
    assert loop_figures(user=street.w.street, **MARCH).total.overdue == 0
    clock_at(T0 + hours(200))  # h5 is late too
    assert loop_figures(user=street.w.street, **MARCH).total.overdue == 2


def test_loop_figures__a_community_sees_nothing_of_another(street):
    w = street.w
    a2 = loop_figures(user=w.comm_a2, **MARCH)
    assert (a2.total.found, a2.total.closed, a2.total.open, a2.total.overdue) == (2, 1, 1, 0)
    assert [r["id"] for r in a2.by_community] == [w.d.comm_a2.pk]
    assert [r["id"] for r in a2.by_category] == [category("FOOD").pk]
    assert {r["code"] for r in a2.by_hazard_type} == {"EVA-01", "EVA-03"}

    a1 = loop_figures(user=w.comm, **MARCH)
    assert (a1.total.found, a1.total.closed) == (4, 4)
    assert [r["id"] for r in a1.by_community] == [w.d.comm_a1.pk]

    other_street = loop_figures(user=w.street_b, **MARCH)
    assert (other_street.total.found, other_street.total.closed, other_street.total.open) == (0, 0, 0)
    assert other_street.by_community == other_street.by_category == other_street.by_hazard_type == []
    assert other_street.total.on_time_rate is None
    assert other_street.total.mean_hours is None


def test_loop_figures__filters_narrow_within_the_scope(street):
    w = street.w
    by_unit = loop_figures(user=w.street, org_unit=w.d.comm_a1, **MARCH)
    assert by_unit.total.as_dict() == loop_figures(user=w.comm, **MARCH).total.as_dict()
    food = loop_figures(user=w.street, category=category("FOOD"), **MARCH)
    assert (food.total.found, food.total.closed, food.total.open) == (3, 2, 1)
    eva = loop_figures(user=w.admin, hazard_type=hazard_type("EVA-01"), **MARCH)
    assert (eva.total.found, eva.total.closed, eva.total.median_hours) == (3, 3, 20.0)


def test_loop_figures__inspections_per_inspector(world, clock_at):
    w = world
    v3 = venue(w.d.comm_a1, w.d.grid_a1a, category=category("FOOD_SNACK"))
    clock_at(T0 - hours(24 * 10))  # in February: outside the period
    submit(w, venue=w.venue)
    clock_at(T0)
    submit(w, venue=w.venue)
    clock_at(T0 + hours(1))
    submit(w, venue=v3, position=Position(v3.lat + 0.01, v3.lng, 5.0))  # ~1.1 km off
    clock_at(T0 + hours(2))
    submit(w, venue=w.venue)
    submit(w, actor=w.inspector2, venue=v3, fails={"GEN-01": {"photos": [make_photo()]}})
    clock_at(T0 + hours(3))

    report = loop_figures(user=w.street, **MARCH)
    assert report.inspections_by_inspector == [
        {
            "inspector_id": w.inspector.pk,
            "name": "巡查员甲",
            "inspections": 3,
            "off_site": 1,
            "venues": 2,
            "hazards_found": 0,
        },
        {
            "inspector_id": w.inspector2.pk,
            "name": "巡查员乙",
            "inspections": 1,
            "off_site": 0,
            "venues": 1,
            "hazards_found": 1,
        },
    ]
    assert loop_figures(user=w.comm_a2, **MARCH).inspections_by_inspector == []
    assert report.total.found == 1
