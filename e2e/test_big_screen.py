"""The big screen (大屏) at 1920×1080 in Chinese, over the demo district: the figures are the
summary's, a hazard closed through the API reaches the counters and the feed within 5 s, and the
screen reconnects by itself when the server stops answering for a while."""

import io
import re
import time

import pytest
from django.core.management import call_command
from django.utils import translation
from rest_framework.test import APIClient

from venuesafe.accounts.models import User
from venuesafe.dashboard.selectors import screen_org_unit, screen_summary
from venuesafe.dashboard.views import format_figure
from venuesafe.demo.services import DEMO_PASSWORD
from venuesafe.hazards.catalogue_data import ensure_reference_data
from venuesafe.hazards.models import EventKind, Hazard, HazardEvent, HazardState

from .conftest import _only_local, screenshot

SCREEN = {"width": 1920, "height": 1080}
SUMMARY_API = re.compile(r"/api/v1/dashboard/summary/")


@pytest.fixture
def screen(browser):
    context = browser.new_context(viewport=SCREEN, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.route("**/*", _only_local)  # map tiles and anything else off this machine: empty at once
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _figure(page, key: str) -> str:
    return page.inner_text(f'[data-figure="{key}"] .kpi-value').strip()


def _count(page, key: str) -> int:
    return int(re.sub(r"[^\d]", "", _figure(page, key)))


def _reviewable(office: User, street) -> Hazard:
    """An order in the street waiting for review whose latest proof the office did not submit."""
    candidates = Hazard.objects.filter(state=HazardState.AWAITING_REVIEW, org_path__startswith=street.path)
    for hazard in candidates.order_by("pk"):
        last = hazard.events.filter(kind__in=(EventKind.PROOF_SUBMITTED, EventKind.FIXED_ON_SPOT)).order_by(
            "-at", "-id"
        )
        if last.first() is None or last.first().actor_id != office.pk:
            return hazard
    raise AssertionError("the demo street has no order awaiting review")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_big_screen__demo_street__figures_live_closing_and_reconnect(screen, live_server):
    ensure_reference_data()  # an earlier transactional test on this worker may have flushed it
    call_command("load_demo_district", stdout=io.StringIO())
    office = User.objects.get(username="demo_street")
    street = screen_org_unit(user=office)
    errors: list[str] = []
    screen.on("pageerror", lambda e: errors.append(str(e)))

    screen.goto(f"{live_server.url}/accounts/login/")
    screen.fill("#id_username", "demo_street")
    screen.fill("#id_password", DEMO_PASSWORD)
    screen.click("#login-form [type=submit]")
    screen.wait_for_url(lambda url: "/accounts/login/" not in url)
    screen.goto(f"{live_server.url}/dashboard/")
    # The charts and the map are drawn (no map tiles: nothing off this machine is needed).
    for chart in ("chart-daily", "chart-types", "chart-map"):
        screen.wait_for_selector(f"#{chart} canvas", state="attached")
    assert screen.inner_text("#screen-unit-name") == street.name == "陈桥街道"
    assert screen.get_attribute("#screen-status", "data-status") == "live"

    # The tiles show the street's figures, as the summary computes them.
    with translation.override("zh-hans"):
        summary = screen_summary(user=office, unit=street)
    figures = {
        "venues.archived": summary["venues"]["archived"],
        "inspections.this_month": summary["inspections"]["this_month"],
        "hazards.found_this_year": summary["hazards"]["found_this_year"],
        "hazards.closed_this_year": summary["hazards"]["closed_this_year"],
        "hazards.open": summary["hazards"]["open"],
        "hazards.overdue": summary["hazards"]["overdue"],
    }
    assert figures["venues.archived"] == 325 and figures["hazards.closed_this_year"] > 0
    assert {key: _count(screen, key) for key in figures} == figures
    rate = summary["hazards"]["on_time_rate"]
    assert rate is not None
    assert _figure(screen, "hazards.on_time_rate") == format_figure(rate, "percent")  # zh: 91.5%
    assert screen.locator("#screen-ranking-rows tr").count() == len(summary["communities"]) == 9
    # Each figure says how it is computed: hovering its ⓘ opens the explanation.
    tile = screen.locator('[data-figure="hazards.closed_this_year"]')
    assert tile.get_attribute("title")
    tile.locator(".info").hover()
    assert screen.locator('[data-figure="hazards.closed_this_year"] .info-pop').is_visible()
    screen.mouse.move(960, 1075)  # away again, so the screenshot shows every figure

    # Someone passes a review through the API: within 5 s the closed counter moves and the feed leads with it.
    hazard = _reviewable(office, street)
    closed, still_open = figures["hazards.closed_this_year"], figures["hazards.open"]
    api = APIClient()
    api.force_authenticate(office)
    started = time.monotonic()
    response = api.post(
        f"/api/v1/hazards/{hazard.pk}/review-pass/",
        {"note": "大屏测试复核通过", "version": hazard.version},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "closed"
    event = HazardEvent.objects.get(hazard=hazard, kind=EventKind.REVIEW_PASSED)
    screen.wait_for_function(
        """([closed, key]) => {
            const tile = document.querySelector('[data-figure="hazards.closed_this_year"]');
            const first = document.querySelector('#screen-feed [data-feed-key]');
            return tile.getAttribute('data-value') === String(closed) && first && first.dataset.feedKey === key;
        }""",
        arg=[closed + 1, f"event-{event.pk}"],
        timeout=5000,
    )
    assert time.monotonic() - started < 5.5
    assert _count(screen, "hazards.closed_this_year") == closed + 1
    assert _count(screen, "hazards.open") == still_open - 1
    first = screen.locator("#screen-feed [data-feed-key]").first
    assert first.get_attribute("data-kind") == "closed"
    assert hazard.venue.sign_name in first.inner_text()
    assert "is-new" in first.get_attribute("class")  # a brief highlight
    screenshot(screen, "big-screen")

    # The server stops answering: the screen says it is reconnecting, and comes back by itself.
    screen.route(SUMMARY_API, lambda route: route.abort())
    screen.wait_for_selector('#screen-status[data-status="reconnecting"]', timeout=8000)
    screen.wait_for_timeout(1500)  # a failed retry or two
    screen.unroute(SUMMARY_API)
    screen.wait_for_selector('#screen-status[data-status="live"]', timeout=8000)
    assert _count(screen, "hazards.closed_this_year") == closed + 1

    # The session ends (the API answers 403): the screen says so and offers to log in; it recovers as well.
    screen.route(SUMMARY_API, lambda route: route.fulfill(status=403, content_type="application/json", body="{}"))
    screen.wait_for_selector('#screen-status[data-status="expired"]', timeout=8000)
    assert screen.is_visible("#screen-message #screen-login-link")
    screen.unroute(SUMMARY_API)
    screen.wait_for_selector('#screen-status[data-status="live"]', timeout=8000)
    assert screen.is_hidden("#screen-message")
    assert errors == []
