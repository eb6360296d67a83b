import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from venuesafe.core import clock
from venuesafe.hazards.models import Hazard, HazardState, HazardType
from venuesafe.hazards.selectors import loop_figures
from venuesafe.testing.factories import UserFactory

pytestmark = pytest.mark.django_db
S = HazardState


def test_figures__numbers_match_the_selector(client, loop):
    loop.hazard_in(S.CLOSED, "EVA-01")
    loop.hazard_in(S.RECTIFYING, "EVA-02")
    late = loop.hazard_in(S.DISPATCHED, "EVA-03")
    Hazard.objects.filter(pk=late.pk).update(deadline=clock.now() - dt.timedelta(hours=1))
    loop.found("EVA-04", venue=loop.venue_a2)
    client.force_login(loop.street)
    with translation.override("en"):
        response = client.get(reverse("hazards:figures"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    today = clock.local_today()
    expected = loop_figures(user=loop.street, date_from=today.replace(day=1), date_to=today)
    report = response.context["report"]
    assert report.total.as_dict() == expected.total.as_dict()
    assert (report.total.found, report.total.closed, report.total.open, report.total.overdue) == (4, 1, 3, 1)
    body = response.content.decode()
    assert '<span class="value">4</span><span class="label">Found</span>' in body
    assert 'id="figure-overdue" title="Open work orders whose deadline has passed' in body
    assert "100.0 %" in body  # the one closed order was on time
    rows = {r["id"]: r for r in report.by_community}
    assert rows[loop.d.comm_a1.pk]["found"] == 3 and rows[loop.d.comm_a2.pk]["found"] == 1
    assert [r["inspector_id"] for r in report.inspections_by_inspector] == [
        r["inspector_id"] for r in expected.inspections_by_inspector
    ]


def test_figures__filters_by_org_unit_and_period(client, loop):
    loop.found("EVA-01")
    loop.found("EVA-04", venue=loop.venue_a2)
    client.force_login(loop.street)
    today = clock.local_today()
    period = {"date_from": today.isoformat(), "date_to": today.isoformat()}
    response = client.get(reverse("hazards:figures"), {**period, "org_unit": loop.d.comm_a2.pk})
    assert response.context["report"].total.found == 1
    past = today - dt.timedelta(days=400)
    response = client.get(reverse("hazards:figures"), {"date_from": past.isoformat(), "date_to": past.isoformat()})
    assert response.context["report"].total.found == 0
    assert response.context["report"].total.open == 2  # open is counted now, whatever the period
    bad = client.get(reverse("hazards:figures"), {"date_from": today.isoformat(), "date_to": past.isoformat()})
    assert bad.status_code == 200 and 'id="errors-date_to"' in bad.content.decode()


@pytest.fixture
def superuser(district):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.mark.parametrize(
    "name",
    [
        "admin:hazards_hazardtype_changelist",
        "admin:hazards_hazard_changelist",
        "admin:inspections_checklistitem_changelist",
        "admin:inspections_inspection_changelist",
        "admin:notices_notice_changelist",
    ],
)
def test_admin__pages_load(client, superuser, name):
    client.force_login(superuser)
    assert client.get(reverse(name)).status_code == 200


def test_admin__hazard_is_view_only_with_events(client, loop, superuser):
    h = loop.hazard_in(S.DISPATCHED)
    client.force_login(superuser)
    url = reverse("admin:hazards_hazard_change", args=[h.pk])
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="events-group"' in body and 'id="photos-group"' in body
    assert body.count('class="form-row') >= 2  # found and dispatched events (and the evidence photo)
    client.post(url, {"state": "closed"})
    assert Hazard.objects.get(pk=h.pk).state == S.DISPATCHED
    assert client.post(reverse("admin:hazards_hazard_delete", args=[h.pk])).status_code == 403


def test_admin__hazard_type_editable_with_history(client, superuser, loop):
    t = HazardType.objects.get(code="EVA-01")
    client.force_login(superuser)
    url = reverse("admin:hazards_hazardtype_change", args=[t.pk])
    assert client.get(url).status_code == 200
    assert client.get(reverse("admin:hazards_hazardtype_history", args=[t.pk])).status_code == 200
