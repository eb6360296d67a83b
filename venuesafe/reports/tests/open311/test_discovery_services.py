"""discovery, services and services/{code} in XML and JSON, element by element against the spec."""

import pytest

from . import spec
from .conftest import get, parse, tags


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_discovery__lists_this_endpoint_in_both_formats(client, db, fmt):
    response = get(client, "discovery", fmt)
    assert response.status_code == 200
    body = parse(response, fmt)
    if fmt == "xml":
        assert body.tag == "discovery"
        assert tags(body) == spec.DISCOVERY
        endpoints = body.find("endpoints")
        assert tags(endpoints) == ["endpoint"]
        endpoint = endpoints.find("endpoint")
        assert tags(endpoint) == spec.ENDPOINT
        url = endpoint.findtext("url")
        assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
        assert [f.text for f in endpoint.find("formats")] == ["text/xml", "application/json"]
        assert tags(endpoint.find("formats")) == ["format", "format"]
    else:
        assert list(body) == spec.DISCOVERY
        (endpoint,) = body["endpoints"]
        assert list(endpoint) == spec.ENDPOINT
        url = endpoint["url"]
        assert endpoint["formats"] == ["text/xml", "application/json"]
        assert endpoint["type"] in {"production", "test"}
    # The endpoint URL is where services.xml lives.
    assert url == "http://testserver/open311/v2"


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_services__lists_public_categories_only(client, category, plain_category, hidden_category, fmt):
    body = parse(get(client, "services", fmt), fmt)
    if fmt == "xml":
        assert body.tag == "services"
        assert set(tags(body)) == {"service"}
        services = [{child.tag: child.text for child in service} for service in body]
        for service in body:
            assert tags(service) == spec.SERVICE
    else:
        services = body
        for service in services:
            assert list(service) == spec.SERVICE
    by_code = {s["service_code"]: s for s in services}
    assert "test-hidden" not in by_code
    exit_ = by_code["test-exit"]
    assert exit_["service_name"] == "Test exit"  # Accept-Language: en
    assert exit_["description"] == "An exit is blocked."
    assert exit_["type"] in spec.SERVICE_TYPES
    assert exit_["type"] == "realtime"
    # metadata: true when the service has a definition with attributes.
    assert exit_["metadata"] in (True, "true")
    assert by_code["test-wiring"]["metadata"] in (False, "false")
    assert "测试出口" in exit_["keywords"]


def test_services__names_in_chinese_by_default(client, category):
    body = parse(client.get("/open311/v2/services.json"), "json")
    assert {s["service_code"]: s["service_name"] for s in body}["test-exit"] == "测试出口"


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_service_definition__attributes_in_order_with_values(client, category, fmt):
    body = parse(get(client, "services/test-exit", fmt), fmt)
    if fmt == "xml":
        assert body.tag == "service_definition"
        assert tags(body) == spec.SERVICE_DEFINITION
        assert body.findtext("service_code") == "test-exit"
        attributes = body.find("attributes")
        assert set(tags(attributes)) == {"attribute"}
        for attribute in attributes:
            assert tags(attribute) == spec.ATTRIBUTE
            assert set(tags(attribute.find("values"))) == {"value"}
            for value in attribute.find("values"):
                assert tags(value) == spec.ATTRIBUTE_VALUE
        first = attributes[0]
        assert first.findtext("code") == "locked"
        assert first.findtext("required") == "true"
        assert first.findtext("variable") == "true"
        assert first.findtext("order") == "1"
        assert first.findtext("datatype") in spec.DATATYPES
        assert first.findtext("description") == "Is the exit locked?"
        assert [(v.findtext("key"), v.findtext("name")) for v in first.find("values")] == [
            ("yes", "是"),
            ("no", "否"),
        ]
        assert [a.findtext("code") for a in attributes] == ["locked", "floors"]
    else:
        assert list(body) == spec.SERVICE_DEFINITION
        assert body["service_code"] == "test-exit"
        for attribute in body["attributes"]:
            assert list(attribute) == spec.ATTRIBUTE
            assert attribute["datatype"] in spec.DATATYPES
            for value in attribute["values"]:
                assert list(value) == spec.ATTRIBUTE_VALUE
        first, second = body["attributes"]
        assert (first["code"], first["required"], first["variable"], first["order"]) == ("locked", True, True, 1)
        assert (second["code"], second["datatype"], second["required"]) == ("floors", "multivaluelist", False)
        assert second["values"] == [{"key": "1", "name": "一层"}, {"key": "2", "name": "二层"}]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_service_definition__unknown_or_hidden_code_is_404(client, hidden_category, fmt):
    for code in ("no-such-code", "test-hidden"):
        response = get(client, f"services/{code}", fmt)
        assert response.status_code == 404
        body = parse(response, fmt)
        if fmt == "xml":
            assert body.tag == "errors"
            assert body.find("error").findtext("code") == "404"
            assert code in body.find("error").findtext("description")
        else:
            assert body[0]["code"] == 404
            assert code in body[0]["description"]


def test_discovery__endpoint_url_uses_the_public_address(client, db, settings):
    settings.PUBLIC_BASE_URL = "https://safety.example.gov.cn"
    body = parse(get(client, "discovery", "json"), "json")
    assert body["endpoints"][0]["url"] == "https://safety.example.gov.cn/open311/v2"


def test_services__answer_head_like_get(client, category):
    assert client.head("/open311/v2/services.xml").status_code == 200
