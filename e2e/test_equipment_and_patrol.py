"""The equipment register and the patrol list on phones, in Chinese, in Debian's Chromium: a merchant
sees "the extinguisher reaches its scrap age in 20 days" on the self-check home, records the
replacement and the warning is gone; an inspector opens today's patrol list from the tasks page,
starts the route from the phone's position and reads how one venue's risk score is made up."""

import datetime as dt

import pytest

from venuesafe.accounts.models import Role
from venuesafe.core import clock
from venuesafe.equipment import rules
from venuesafe.equipment.models import Equipment, EquipmentKind, ExtinguisherType, RuleWarning
from venuesafe.equipment.services import equipment_add
from venuesafe.hazards.catalogue_data import ensure_reference_data
from venuesafe.risk.models import VenueRisk
from venuesafe.risk.services import rescore_stale
from venuesafe.testing.factories import TEST_PASSWORD, category, user_with_role, venue
from venuesafe.venues.models import VenueMerchant

from .conftest import screenshot

# The phone fixtures report this position (WGS-84).
PHONE_LAT, PHONE_LNG = 32.0712, 120.8534


def _login(page, live_server, login: str, start_path: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", login)
    page.fill("#id_password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("#login-form [type=submit]")
    page.wait_for_url(f"{live_server.url}{start_path}")


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 375


def _warnings(page, selector: str) -> list[dict]:
    return page.eval_on_selector_all(
        f"{selector} li.rule-warning",
        "els => els.map(e => ({rule: e.dataset.rule, eq: +e.dataset.equipmentId, days: +e.dataset.days}))",
    )


def _stops(page) -> list[tuple[int, int]]:
    """(order, venue id) of each stop on the patrol list, as shown."""
    return [
        (int(order), int(vid))
        for order, vid in page.eval_on_selector_all(
            "#patrol-list li[data-venue-id]", "els => els.map(e => [e.dataset.order, e.dataset.venueId])"
        )
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_equipment_warning_fixed_by_merchant__inspector_walks_todays_patrol_list(
    phone, new_phone, live_server, district
):
    ensure_reference_data()  # a transactional test before may have flushed the rules and categories
    base = live_server.url
    today = clock.local_today()
    d = district

    worker = user_with_role(Role.GRID_WORKER, d.grid_a1a, username="grid_qian", full_name="钱网格")
    user_with_role(Role.INSPECTOR, d.grid_a1a, username="insp_zhao", full_name="赵巡查")
    merchant = user_with_role(Role.MERCHANT, d.comm_a1, username="shop_li", full_name="李老板")
    # Venues of grid A1a on one north-south line from the phone's position: walking from the phone
    # visits them south to north; the shop (the riskiest: it has a merchant and no self-checks)
    # is the farthest north, so a route from the riskiest runs the other way.
    shop = venue(
        d.comm_a1,
        d.grid_a1a,
        sign_name="李记餐馆",
        category=category("FOOD"),
        lat=PHONE_LAT + 0.0060,
        lng=PHONE_LNG,
        grid_worker=worker,
    )
    VenueMerchant.objects.create(venue=shop, user=merchant)
    here = venue(d.comm_a1, d.grid_a1a, sign_name="路口便利店", lat=PHONE_LAT, lng=PHONE_LNG)
    near = venue(d.comm_a1, d.grid_a1a, sign_name="街角理发店", lat=PHONE_LAT + 0.0010, lng=PHONE_LNG)
    mid = venue(d.comm_a1, d.grid_a1a, sign_name="小区超市", lat=PHONE_LAT + 0.0030, lng=PHONE_LNG)
    # Another grid's venue right next to the phone: never on this inspector's list.
    elsewhere = venue(d.comm_b1, d.grid_b1a, sign_name="幸福五金店", lat=PHONE_LAT + 0.0002, lng=PHONE_LNG)

    # A dry-powder extinguisher that reaches its 10-year scrap age in 20 days; repaired a year ago
    # and checked today, so the scrap rule is the only one speaking.
    production = rules.add_years(today + dt.timedelta(days=20), -10)
    scrap_days = (rules.add_years(production, 10) - today).days  # 20 (19 only when today + 20 is 29 Feb)
    extinguisher = equipment_add(
        venue=shop,
        actor=worker,
        kind=EquipmentKind.EXTINGUISHER,
        label="收银台旁",
        extinguisher_type=ExtinguisherType.POWDER,
        production_date=production,
        last_repair_date=rules.add_years(today, -1),
        last_monthly_check=today,
    )
    warning = RuleWarning.objects.get(equipment=extinguisher, resolved_at__isnull=True)
    assert warning.rule.rule_id == "R-EXT-SCRAP"
    assert rescore_stale() == 5  # every open venue gets its score, as the nightly pass does
    scores = {r.venue_id: r.score for r in VenueRisk.objects.all()}
    assert scores[shop.pk] > max(scores[v.pk] for v in (here, near, mid))

    # 1. The merchant lands on the self-check home and sees the warning for the extinguisher.
    shop_phone = new_phone()
    _login(shop_phone, live_server, "shop_li", "/selfchecks/")
    home_warnings = f"#selfcheck-equipment-warnings-{shop.pk}"
    assert _warnings(shop_phone, home_warnings) == [{"rule": "R-EXT-SCRAP", "eq": extinguisher.pk, "days": scrap_days}]
    assert scrap_days in (19, 20)
    assert _no_sideways_scroll(shop_phone)
    screenshot(shop_phone, "equipment-warning-selfcheck-375")

    # 2. To the register: the warning is there too, on the extinguisher's card.
    with shop_phone.expect_navigation():
        shop_phone.click(f"#selfcheck-equipment-{shop.pk}")
    assert shop_phone.url == f"{base}/equipment/venues/{shop.pk}/"
    assert _warnings(shop_phone, "#equipment-warnings") == [
        {"rule": "R-EXT-SCRAP", "eq": extinguisher.pk, "days": scrap_days}
    ]
    card = f"#equipment-list article[data-equipment-id='{extinguisher.pk}']"
    assert shop_phone.get_attribute(card, "data-kind") == "extinguisher"
    assert shop_phone.locator(f"{card} [data-warning-rule='R-EXT-SCRAP']").count() == 1
    assert _no_sideways_scroll(shop_phone)
    screenshot(shop_phone, "equipment-register-before-375")

    # 3. The merchant replaced it today: the new one's production date, never repaired yet.
    with shop_phone.expect_navigation():
        shop_phone.click(f"#equipment-edit-{extinguisher.pk}")
    assert shop_phone.url == f"{base}/equipment/{extinguisher.pk}/edit/"
    form = f"#equipment-edit-form-{extinguisher.pk}"
    assert shop_phone.input_value(f"{form} #id_production_date") == production.isoformat()
    assert _warnings(shop_phone, "#equipment-edit-warnings")[0]["rule"] == "R-EXT-SCRAP"
    shop_phone.fill(f"{form} #id_production_date", today.isoformat())
    shop_phone.fill(f"{form} #id_last_repair_date", "")
    assert _no_sideways_scroll(shop_phone)
    with shop_phone.expect_navigation():
        shop_phone.click("#equipment-save")

    assert shop_phone.url.split("#")[0] == f"{base}/equipment/venues/{shop.pk}/"
    assert shop_phone.locator("#equipment-warnings").count() == 0
    assert shop_phone.locator(f"{card} [data-warning-rule]").count() == 0
    assert shop_phone.text_content(f"{card} [data-field=production_date]").strip() == today.isoformat()
    # The piece's history names the change (production date, then last repair cleared).
    history = f"#equipment-history-{extinguisher.pk}"
    shop_phone.click(f"{history} summary")
    changed = shop_phone.locator(f"{history} .history-entry[data-action=changed]")
    assert changed.count() == 1
    assert changed.locator(".change[data-field=production_date]").count() == 1
    assert changed.locator(".change[data-field=last_repair_date]").count() == 1
    assert shop_phone.locator(f"{history} .history-entry[data-action=created]").count() == 1
    assert _no_sideways_scroll(shop_phone)
    shop_phone.evaluate("window.scrollTo(0, 0)")  # the redirect's #anchor scrolled; keep the sticky header on top
    screenshot(shop_phone, "equipment-register-after-375")

    shop_phone.goto(f"{base}/selfchecks/")
    assert shop_phone.locator(f"#selfcheck-venues li[data-venue-id='{shop.pk}']").count() == 1
    assert shop_phone.locator(home_warnings).count() == 0
    assert shop_phone.locator("li.rule-warning").count() == 0

    warning.refresh_from_db()
    assert warning.resolved_at is not None
    assert warning.resolution == "fixed"
    assert not RuleWarning.objects.filter(equipment=extinguisher, resolved_at__isnull=True).exists()
    extinguisher.refresh_from_db()
    assert (extinguisher.production_date, extinguisher.last_repair_date) == (today, None)
    latest = Equipment.history.filter(id=extinguisher.pk).order_by("-history_date", "-history_id").first()
    assert latest.history_user_id == merchant.pk
    assert latest.history_change_reason == "update"
    assert latest.production_date == today
    assert Equipment.history.filter(id=extinguisher.pk).count() == 2  # added by the worker, changed once

    # 4. The inspector starts on today's tasks; the patrol card leads to the list.
    _login(phone, live_server, "insp_zhao", "/inspections/today/")
    assert int(phone.get_attribute("#patrol-count", "data-count")) == 4
    with phone.expect_navigation():
        phone.click("#tasks-patrol-link")
    assert phone.url == f"{base}/risk/patrol/"
    a1a = {shop.pk, here.pk, near.pk, mid.pk}
    # Never inspected: every venue of the grid is due; the other grid's venue never is. Without a
    # position the walk starts at the riskiest venue (the shop) and goes nearest next.
    assert _stops(phone) == [(1, shop.pk), (2, mid.pk), (3, near.pk), (4, here.pk)]
    assert elsewhere.pk not in {vid for _, vid in _stops(phone)}
    assert phone.get_attribute("#patrol-summary", "data-count") == "4"

    # 5. From the phone's position: the venue where the inspector stands comes first.
    with phone.expect_navigation():
        phone.click("#patrol-use-position")
    assert "lat=" in phone.url and "lng=" in phone.url
    stops = _stops(phone)
    assert stops == [(1, here.pk), (2, near.pk), (3, mid.pk), (4, shop.pk)]
    assert {vid for _, vid in stops} == a1a
    first = f"#patrol-list li[data-venue-id='{here.pk}']"
    assert int(phone.get_attribute(first, "data-leg-m")) <= 1  # 0 m from the phone
    assert phone.locator("#patrol-from-riskiest").count() == 1
    legs = [int(v) for v in phone.eval_on_selector_all("#patrol-list li", "els => els.map(e => e.dataset.legM)")]
    assert 100 <= legs[1] <= 125 and 210 <= legs[2] <= 235 and 320 <= legs[3] <= 345  # 0.001° of latitude ≈ 111 m
    assert _no_sideways_scroll(phone)
    screenshot(phone, "patrol-list-375")

    # 6. One venue's risk: the factors' points add up to the score.
    with phone.expect_navigation():
        phone.click(f"#patrol-list li[data-venue-id='{shop.pk}'] a.title")
    assert phone.url == f"{base}/risk/venues/{shop.pk}/"
    score = int(phone.get_attribute("#risk-score", "data-score"))
    points = [
        int(p) for p in phone.eval_on_selector_all("#risk-factors tbody tr", "els => els.map(e => e.dataset.points)")
    ]
    keys = phone.eval_on_selector_all("#risk-factors tbody tr", "els => els.map(e => e.dataset.factor)")
    assert {"category", "never_inspected", "self_check_gap"} <= set(keys)
    assert sum(points) == score == int(phone.get_attribute("#risk-total", "data-total"))
    risk = VenueRisk.objects.get(venue=shop)
    assert score == risk.score == scores[shop.pk]
    assert phone.get_attribute("#risk-level", "data-level") == risk.level
    assert _no_sideways_scroll(phone)
    screenshot(phone, "risk-venue-375")
