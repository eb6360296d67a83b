"""POST requests.{xml,json}: form-encoded, api_key required, the report lands in triage as `new`."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from venuesafe.reports import selectors
from venuesafe.reports.models import ReportSource, ReportState, ResidentReport

from . import spec
from .conftest import LAT, LNG, form, parse, post, tags


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_post__creates_a_new_report_for_triage(client, category, api_client, place, staff, fmt):
    data = form(api_client, **{"attribute[floors][]": ["1", "2"]}, media_url="https://img.example.org/1.jpg")
    response = post(client, fmt, data)
    assert response.status_code == 200
    body = parse(response, fmt)
    if fmt == "xml":
        assert body.tag == "service_requests"
        assert tags(body) == ["request"]
        assert tags(body[0]) == spec.POST_RESPONSE
        reference = body[0].findtext("service_request_id")
        assert body[0].findtext("service_notice")
    else:
        (item,) = body
        assert list(item) == spec.POST_RESPONSE
        reference = item["service_request_id"]
        assert item["account_id"] is None
    report = ResidentReport.objects.get(reference=reference)
    assert report.state == ReportState.NEW
    assert report.source == ReportSource.OPEN311
    assert report.open311_client == api_client
    assert report.category == category
    assert (report.lat, report.lng) == (LAT, LNG)
    assert report.attributes == {"locked": "yes", "floors": ["1", "2"]}
    assert report.media_url == "https://img.example.org/1.jpg"
    # Contact details are kept for staff in scope.
    assert (report.contact_name, report.contact_email, report.contact_phone) == (
        "Mei Wang",
        "resident@example.org",
        "13800001111",
    )
    # The community of the nearest archived venue triages it.
    assert report.community == place.community
    assert report in selectors.report_triage_list(user=staff)


def test_post__address_string_alone_is_a_location(client, category, api_client, district):
    data = form(api_client, lat=None, long=None, address_string="陈桥街道 测试路 12 号")
    response = post(client, "json", data)
    assert response.status_code == 200
    report = ResidentReport.objects.get(reference=parse(response, "json")[0]["service_request_id"])
    assert (report.lat, report.address_string) == (None, "陈桥街道 测试路 12 号")


def test_post__csrf_exempt(category, api_client, district):
    strict = Client(enforce_csrf_checks=True)
    assert post(strict, "json", form(api_client)).status_code == 200


def test_post__a_retry_within_ten_minutes_gets_the_same_report(client, category, api_client, district):
    """GeoReport v2 has no idempotency key: a client retrying after a lost answer must not file twice."""
    with time_machine.travel(dt.datetime(2026, 5, 4, 1, 9, 30, tzinfo=dt.UTC), tick=False):
        first = post(client, "json", form(api_client))
    with time_machine.travel(dt.datetime(2026, 5, 4, 1, 10, 30, tzinfo=dt.UTC), tick=False):  # next window
        second = post(client, "json", form(api_client))
    assert parse(first, "json")[0]["service_request_id"] == parse(second, "json")[0]["service_request_id"]
    assert ResidentReport.objects.count() == 1


def test_post__the_same_report_later_or_another_report_is_new(client, category, api_client, district):
    with time_machine.travel(dt.datetime(2026, 5, 4, 1, 0, tzinfo=dt.UTC), tick=False):
        post(client, "json", form(api_client))
        other = form(api_client)
        other["description"] = "另一处：楼梯间堆满纸箱"
        post(client, "json", other)
    with time_machine.travel(dt.datetime(2026, 5, 4, 1, 25, tzinfo=dt.UTC), tick=False):
        post(client, "json", form(api_client))
    assert ResidentReport.objects.count() == 3


@pytest.mark.parametrize("fmt", ["xml", "json"])
@pytest.mark.parametrize("key", ["missing", "wrong", "inactive"])
def test_post__without_a_valid_api_key_is_403(client, category, api_client, district, fmt, key):
    data = form(api_client)
    if key == "missing":
        del data["api_key"]
    elif key == "wrong":
        data["api_key"] = "not-a-key"
    else:
        api_client.is_active = False
        api_client.save()
    response = post(client, fmt, data)
    assert response.status_code == 403
    body = parse(response, fmt)
    if fmt == "xml":
        assert body.tag == "errors"
        assert tags(body) == ["error"]
        assert tags(body[0]) == spec.ERROR
        assert body[0].findtext("code") == "403"
        assert "api_key" in body[0].findtext("description")
    else:
        assert [list(e) for e in body] == [spec.ERROR]
        assert body[0]["code"] == 403
        assert "api_key" in body[0]["description"]
    assert not ResidentReport.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "status", "mentions"),
    [
        ({"service_code": None}, 400, "service_code"),
        ({"service_code": "no-such-code"}, 404, "no-such-code"),
        ({"service_code": "test-hidden"}, 404, "test-hidden"),
        ({"lat": None, "long": None}, 400, "address_string"),
        ({"long": None}, 400, "long"),
        ({"lat": "north"}, 400, "lat"),
        ({"lat": "48.85", "long": "2.35"}, 400, "lat"),  # outside China
        ({"attribute[locked]": None}, 400, "attribute[locked]"),
        ({"attribute[locked]": "maybe"}, 400, "attribute[locked]"),
        ({"email": "not-an-address"}, 400, "email"),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
        ({"description": "x" * 4001}, 400, "description"),
    ],
)
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_post__bad_input_is_an_error_list(
    client, category, hidden_category, api_client, district, overrides, status, mentions, fmt
):
    response = post(client, fmt, form(api_client, **overrides))
    assert response.status_code == status
    body = parse(response, fmt)
    if fmt == "xml":
        assert body.tag == "errors"
        descriptions = [e.findtext("description") for e in body]
        codes = [e.findtext("code") for e in body]
    else:
        descriptions = [e["description"] for e in body]
        codes = [str(e["code"]) for e in body]
    assert codes == [str(status)] * len(codes)
    assert any(mentions in d for d in descriptions), descriptions
    assert not ResidentReport.objects.exists()


def test_post__too_many_reports_from_one_client_is_400(client, category, api_client, district, settings):
    settings.REPORTS_OPEN311_CLIENT_PER_HOUR = 1
    assert post(client, "json", form(api_client)).status_code == 200
    response = post(client, "json", form(api_client, description="Another exit, chained too."))
    assert response.status_code == 400
    assert parse(response, "json")[0]["code"] == 429
    assert ResidentReport.objects.count() == 1


def test_post__get_only_resources_refuse_post(client, api_client, category):
    response = client.post("/open311/v2/services.json", {"api_key": api_client.api_key})
    assert response.status_code == 405
    assert parse(response, "json")[0]["code"] == 405
