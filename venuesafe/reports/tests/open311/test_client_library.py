"""An independent Open311 client from PyPI (georeport, pinned in requirements-dev) against the
running server: it lists the services, reads a definition and reads requests, in JSON and in XML.

georeport has no call to file a request, so the POST goes through `requests` (the HTTP library it
is built on), form-encoded as the spec says; georeport then finds the new report.
"""

import pytest
import requests
from georeport import GeoReport

from venuesafe.reports.models import ReportSource, ReportState, ResidentReport

from .conftest import form

pytestmark = pytest.mark.django_db(transaction=True)


def _as_list(value) -> list:
    # xmltodict gives a dict for a single element and a list for several.
    return value if isinstance(value, list) else [value]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_client__lists_services_and_follows_a_request(
    live_server, category, plain_category, hidden_category, api_client, place, fmt
):
    endpoint = f"{live_server.url}/open311/v2"
    client = GeoReport(endpoint, output_format=fmt, api_key=api_client.api_key)

    services = _as_list(client.get_service_list())
    codes = [s["service_code"] for s in services]
    assert "test-exit" in codes
    assert "test-wiring" in codes
    assert "test-hidden" not in codes

    definition = client.get_service_definition("test-exit")
    assert definition["service_code"] == "test-exit"
    attributes = definition["attributes"]
    if fmt == "xml":
        attributes = _as_list(attributes["attribute"])
    assert [a["code"] for a in attributes] == ["locked", "floors"]

    response = requests.post(f"{endpoint}/requests.{fmt}", data=form(api_client), timeout=10)
    assert response.status_code == 200, response.text
    report = ResidentReport.objects.get()
    assert (report.state, report.source) == (ReportState.NEW, ReportSource.OPEN311)

    found = _as_list(client.get_service_requests(service_code="test-exit", status="open"))
    assert [r["service_request_id"] for r in found] == [report.reference]
    assert found[0]["status"] == "open"
    assert found[0]["requested_datetime"].endswith("+08:00")

    one = client.get_service_request(report.reference)
    assert one["service_request_id"] == report.reference
    assert one["service_name"]
    assert "resident@example.org" not in str(one)

    # The api_key is checked: a wrong one is refused with the spec's 403.
    refused = requests.post(f"{endpoint}/requests.{fmt}", data=form(api_client, api_key="nope"), timeout=10)
    assert refused.status_code == 403
    with pytest.raises(requests.HTTPError):
        client.get_service_request("ZZZZ-ZZZZ")
