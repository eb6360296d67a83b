"""The big screen page: scope, figures the same as dashboard.selectors, the live config."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from venuesafe.accounts.models import Role
from venuesafe.dashboard.selectors import screen_summary
from venuesafe.dashboard.views import KPIS
from venuesafe.testing.factories import user_with_role

pytestmark = pytest.mark.django_db
URL = reverse("dashboard:screen")


class _Figures(HTMLParser):
    """data-figure → (data-value, the text of its .kpi-value); data-feed-key in page order."""

    def __init__(self):
        super().__init__()
        self.figures: dict[str, dict] = {}
        self.feed_keys: list[str] = []
        self._figure: str | None = None
        self._in_value = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "data-figure" in a:
            self._figure = a["data-figure"]
            self.figures[self._figure] = {"value": a.get("data-value"), "text": "", "title": a.get("title")}
        if self._figure and "kpi-value" in (a.get("class") or "").split():
            self._in_value = True
        if "data-feed-key" in a:
            self.feed_keys.append(a["data-feed-key"])

    def handle_endtag(self, tag):
        if self._in_value:
            self._in_value = False
            self._figure = None

    def handle_data(self, data):
        if self._in_value:
            self.figures[self._figure]["text"] += data.strip()


def _get(client, user, **params):
    client.force_login(user)
    with translation.override("en"):
        return client.get(URL, params, HTTP_ACCEPT_LANGUAGE="en")


def _parse(response) -> _Figures:
    parser = _Figures()
    parser.feed(response.content.decode())
    return parser


def _pick(summary: dict, key: str):
    section, field = key.split(".")
    return summary[section][field]


def _assert_tiles_match(page: _Figures, summary: dict) -> None:
    for key, _fmt in KPIS:
        assert page.figures[key]["value"] == str(_pick(summary, key)), key
    for level, count in summary["risk_levels"].items():
        assert page.figures[f"risk_levels.{level}"]["value"] == str(count)


def test_screen__street_office_sees_its_streets_figures_as_the_summary(client, street, settings):
    settings.DASHBOARD_POLL_SECONDS = 7
    response = _get(client, street.street)
    assert response.status_code == 200
    assert response.context["unit"] == street.d.street_a
    with translation.override("en"):
        summary = screen_summary(user=street.street, unit=street.d.street_a)
    page = _parse(response)
    _assert_tiles_match(page, summary)

    # The street's own figures: four found (the other street's hazard is not counted), one closed.
    hazards = summary["hazards"]
    assert (hazards["found_this_year"], hazards["closed_this_year"], hazards["open"], hazards["overdue"]) == (
        4,
        1,
        3,
        1,
    )
    assert page.figures["hazards.found_this_year"]["text"] == "4"
    assert page.figures["hazards.closed_this_year"]["text"] == "1"
    assert page.figures["hazards.overdue"]["text"] == "1"
    assert page.figures["hazards.on_time_rate"]["text"] == "100.0%"
    assert page.figures["venues.archived"]["text"] == "2"
    assert re.fullmatch(r"\d+\.\d h", page.figures["hazards.mean_rectification_hours"]["text"])
    # Each figure says how it is computed.
    assert page.figures["hazards.closed_this_year"]["title"].startswith(
        "Hazards closed (review passed) since 1 January"
    )
    assert page.figures["hazards.overdue"]["title"] == "Open hazards whose rectification deadline has passed."
    assert all(page.figures[key]["title"] for key, _fmt in KPIS)

    body = response.content.decode()
    assert page.feed_keys == [item["key"] for item in summary["feed"]]
    assert [c["name"] for c in summary["communities"]] == ["仁和社区", "天和社区"]
    rows = re.findall(r'data-community-id="(\d+)"', body)
    assert rows == [str(street.d.comm_a1.pk), str(street.d.comm_a2.pk)]  # 仁和 closed one on time: ranked first
    assert "幸福" not in body  # nothing of the other street, not even in the area choice

    config = json.loads(re.search(r'<script id="screen-config" type="application/json">(.*?)</script>', body).group(1))
    assert config["pollSeconds"] == 7
    assert config["orgUnit"] == street.d.street_a.pk
    assert config["summaryUrl"] == "/api/v1/dashboard/summary/"
    assert config["locale"] == "en"
    assert config["marker"]


def test_screen__street_office_chooses_a_community(client, street):
    response = _get(client, street.street, org_unit=street.d.comm_a2.pk)
    assert response.status_code == 200
    assert response.context["unit"] == street.d.comm_a2
    assert [u.pk for u in response.context["units"]] == [street.d.street_a.pk, street.d.comm_a1.pk, street.d.comm_a2.pk]
    page = _parse(response)
    assert page.figures["hazards.found_this_year"]["value"] == "1"
    assert page.figures["hazards.closed_this_year"]["value"] == "0"
    assert f'<option value="{street.d.comm_a2.pk}" selected>' in response.content.decode()


def test_screen__community_staff_sees_only_its_community(client, street):
    response = _get(client, street.comm_a1)
    assert response.status_code == 200
    assert response.context["unit"] == street.d.comm_a1
    with translation.override("en"):
        summary = screen_summary(user=street.comm_a1, unit=street.d.comm_a1)
    page = _parse(response)
    _assert_tiles_match(page, summary)
    assert (summary["hazards"]["found_this_year"], summary["hazards"]["open"]) == (3, 2)
    assert page.feed_keys and page.feed_keys == [item["key"] for item in summary["feed"]]
    body = response.content.decode()
    assert "老王面馆" in body
    # Nothing of the other community: its name, its venue, its hazard are nowhere in the page.
    assert "天和" not in body
    assert "幸福" not in body


@pytest.mark.parametrize(
    ("who", "unit"),
    [("comm_a1", "comm_a2"), ("comm_a1", "street_a"), ("street", "street_b"), ("street", "grid_a1a")],
)
def test_screen__org_unit_out_of_scope__403(client, street, who, unit):
    response = _get(client, getattr(street, who), org_unit=getattr(street.d, unit).pk)
    assert response.status_code == 403
    assert "You cannot watch the big screen of this area." in response.content.decode()
    assert "data-figure" not in response.content.decode()


def test_screen__org_unit_not_a_number__403(client, street):
    assert _get(client, street.street, org_unit="abc").status_code == 403


@pytest.mark.parametrize("role", [Role.MERCHANT, Role.INSPECTOR, Role.GRID_WORKER])
def test_screen__roles_without_a_screen__403_with_message(client, district, role):
    user = user_with_role(role, district.grid_a1a if role != Role.MERCHANT else district.comm_a1)
    response = _get(client, user)
    assert response.status_code == 403
    body = response.content.decode()
    assert 'id="no-screen-message"' in body
    assert "You cannot watch the big screen of this area." in body
    assert 'id="nav-screen"' not in body


def test_screen__anonymous__redirected_to_login(client, district):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_nav__big_screen_link_for_staff_roles_only(client, street):
    client.force_login(street.street)
    assert 'id="nav-screen"' in client.get(reverse("hazards:figures"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.force_login(street.inspector)
    assert 'id="nav-screen"' not in client.get(reverse("inspections:today"), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_screen__chinese_by_default(client, street):
    client.force_login(street.street)
    response = client.get(URL)
    body = response.content.decode()
    assert '<html lang="zh-CN"' in body
    config = json.loads(re.search(r'<script id="screen-config" type="application/json">(.*?)</script>', body).group(1))
    assert config["locale"] == "zh-CN"
    assert config["timeZone"] == "Asia/Shanghai"
