"""GET requests.{xml,json} and requests/{id}.{xml,json}: filters, the 90-day rule, status from the loop."""

import datetime as dt
import re

import pytest
import time_machine

from venuesafe.core import clock
from venuesafe.reports import services
from venuesafe.reports.models import ResidentReport
from venuesafe.testing.factories import hazard_type

from . import spec
from .conftest import file_report, get, parse, tags


def _requests(response, fmt) -> list[dict]:
    """The <request> items as dicts of text (XML) or values (JSON), after checking element names."""
    body = parse(response, fmt)
    if fmt == "xml":
        assert body.tag == "service_requests"
        assert set(tags(body)) <= {"request"}
        for item in body:
            assert tags(item) == spec.REQUEST
        return [{child.tag: child.text for child in item} for item in body]
    for item in body:
        assert list(item) == spec.REQUEST
    return body


def _ids(response, fmt="json") -> list[str]:
    return [r["service_request_id"] for r in _requests(response, fmt)]


def _age(reference: str, days: float) -> None:
    ResidentReport.objects.filter(reference=reference).update(submitted_at=clock.now() - dt.timedelta(days=days))


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_get_requests__every_spec_element_and_no_contact_details(client, category, api_client, place, fmt):
    reference = file_report(
        client, api_client, address_string="陈桥街道 测试路 1 号", description="The back exit is chained shut."
    )
    response = get(client, "requests", fmt)
    assert response.status_code == 200
    (item,) = _requests(response, fmt)
    assert item["service_request_id"] == reference
    assert item["status"] == "open"
    assert item["status"] in spec.STATUSES
    assert item["service_code"] == "test-exit"
    assert item["service_name"] == "Test exit"
    assert item["description"] == "The back exit is chained shut."
    assert item["address"] == "陈桥街道 测试路 1 号"
    assert item["agency_responsible"] == place.community.name
    assert float(item["lat"]) == pytest.approx(32.0502)
    assert float(item["long"]) == pytest.approx(120.8502)
    for name in ("requested_datetime", "updated_datetime"):
        assert re.match(spec.W3C_DATETIME, item[name]), item[name]
        assert item[name].endswith("+08:00")
    assert item["expected_datetime"] in (None, "")  # not in the loop yet: no deadline
    # Nothing personal, in any element.
    for secret in ("resident@example.org", "Mei", "Wang", "13800001111", "device-1", api_client.api_key):
        assert secret.encode() not in response.content


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_get_request__one_by_id(client, category, api_client, district, fmt):
    reference = file_report(client, api_client)
    file_report(client, api_client)
    response = get(client, f"requests/{reference}", fmt)
    assert response.status_code == 200
    assert _ids(response, fmt) == [reference]
    # A reference typed by hand: lower case, without the dash.
    assert _ids(get(client, f"requests/{reference.replace('-', '').lower()}", "json")) == [reference]
    assert b"resident@example.org" not in response.content


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_get_request__unknown_id_is_404(client, db, fmt):
    response = get(client, "requests/ZZZZ-ZZZZ", fmt)
    assert response.status_code == 404
    body = parse(response, fmt)
    if fmt == "xml":
        assert (body.tag, tags(body), tags(body[0])) == ("errors", ["error"], spec.ERROR)
        assert "ZZZZ-ZZZZ" in body[0].findtext("description")
    else:
        assert body[0]["code"] == 404
        assert "ZZZZ-ZZZZ" in body[0]["description"]


def test_get_requests__default_window_is_the_last_90_days(client, category, api_client, district):
    recent = file_report(client, api_client)
    old = file_report(client, api_client)
    _age(old, 91)
    assert _ids(get(client, "requests", "json")) == [recent]


def test_get_requests__a_past_window_finds_older_reports(client, category, api_client, district):
    file_report(client, api_client)
    old = file_report(client, api_client)
    _age(old, 120)
    start = (clock.now() - dt.timedelta(days=150)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (clock.now() - dt.timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%S+08:00")
    assert _ids(get(client, "requests", "json", start_date=start, end_date=end)) == [old]
    # start_date alone: the 90 days from it.
    assert _ids(get(client, "requests", "json", start_date=start)) == [old]
    # end_date alone: the 90 days up to it.
    assert _ids(get(client, "requests", "json", end_date=end)) == [old]


@pytest.mark.parametrize("fmt", ["xml", "json"])
@pytest.mark.parametrize(
    ("params", "mentions"),
    [
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-04-02T00:00:00Z"}, "90 days"),
        ({"start_date": "2026-03-01T00:00:00Z", "end_date": "2026-02-01T00:00:00Z"}, "end_date"),
        ({"start_date": "yesterday"}, "start_date"),
        ({"end_date": "2026-13-45"}, "end_date"),
        ({"status": "pending"}, "status"),
    ],
)
def test_get_requests__bad_filters_are_400(client, db, fmt, params, mentions):
    response = get(client, "requests", fmt, **params)
    assert response.status_code == 400
    body = parse(response, fmt)
    description = body[0].findtext("description") if fmt == "xml" else body[0]["description"]
    assert mentions in description


def test_get_requests__exactly_90_days_is_allowed(client, db):
    params = {"start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-04-01T00:00:00+08:00"}
    assert get(client, "requests", "json", **params).status_code == 200


def test_get_requests__ids_override_every_other_filter(client, category, plain_category, api_client, district):
    a = file_report(client, api_client)
    b = file_report(client, api_client, service_code="test-wiring", **{"attribute[locked]": None})
    _age(a, 200)
    response = get(client, "requests", "json", service_request_id=f"{a},{b}", service_code="test-wiring")
    assert sorted(_ids(response)) == sorted([a, b])


def test_get_requests__service_code_filter(client, category, plain_category, api_client, district):
    file_report(client, api_client)
    wiring = file_report(client, api_client, service_code="test-wiring", **{"attribute[locked]": None})
    assert _ids(get(client, "requests", "json", service_code="test-wiring")) == [wiring]
    assert len(_ids(get(client, "requests", "json", service_code="test-wiring,test-exit"))) == 2


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_get_requests__status_follows_the_loop(client, category, api_client, place, staff, fmt):
    category.hazard_type = hazard_type("EVA-01")
    category.save()
    dismissed = file_report(client, api_client)
    accepted = file_report(client, api_client)
    waiting = file_report(client, api_client)
    services.report_dismiss(
        user=staff, report=ResidentReport.objects.get(reference=dismissed), reason="No exit there; checked on site."
    )
    hazard = services.report_accept(user=staff, report=ResidentReport.objects.get(reference=accepted), venue=place)
    by_id = {r["service_request_id"]: r for r in _requests(get(client, "requests", fmt), fmt)}
    assert by_id[dismissed]["status"] == "closed"
    assert by_id[dismissed]["status_notes"] == "No exit there; checked on site."
    assert by_id[accepted]["status"] == "open"
    assert by_id[waiting]["status"] == "open"
    # An accepted report is expected to be fixed by its hazard's deadline.
    assert hazard.deadline is not None
    expected = by_id[accepted]["expected_datetime"]
    assert dt.datetime.fromisoformat(expected) == hazard.deadline.replace(microsecond=0)
    assert expected.endswith("+08:00")

    closed = _ids(get(client, "requests", fmt, status="closed"), fmt)
    assert closed == [dismissed]
    assert sorted(_ids(get(client, "requests", fmt, status="open"), fmt)) == sorted([accepted, waiting])
    assert len(_ids(get(client, "requests", fmt, status="open,closed"), fmt)) == 3


def test_get_requests__updated_datetime_moves_with_triage(client, category, api_client, district, staff):
    with time_machine.travel(dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        reference = file_report(client, api_client, lat=None, long=None, address_string="somewhere")
    report = ResidentReport.objects.get(reference=reference)
    report.org_path = district.comm_a1.path
    report.save(update_fields=["org_path"])
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        services.report_dismiss(user=staff, report=report, reason="Duplicate of an earlier report.")
        (item,) = _requests(get(client, f"requests/{reference}", "json"), "json")
    assert item["requested_datetime"] == "2026-11-01T17:00:00+08:00"
    assert item["updated_datetime"] == "2026-11-02T17:00:00+08:00"


def test_get_requests__one_query_whatever_the_number_of_reports(
    client, category, api_client, place, staff, django_assert_max_num_queries
):
    category.hazard_type = hazard_type("EVA-01")
    category.save()
    for _ in range(3):
        reference = file_report(client, api_client)
    services.report_accept(user=staff, report=ResidentReport.objects.get(reference=reference), venue=place)
    # Session and jurisdiction checks read nothing; the list is one query with its joins.
    with django_assert_max_num_queries(1):
        assert len(_ids(get(client, "requests", "json"))) == 3
    with django_assert_max_num_queries(1):
        assert len(_ids(get(client, "requests", "json", status="open"))) == 3
