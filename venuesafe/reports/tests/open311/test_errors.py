"""The spec's error list in both formats, the jurisdiction rule, and formats other than xml/json."""

import pytest

from . import spec
from .conftest import form, get, parse, post, tags


@pytest.mark.parametrize("path", ["discovery", "services", "requests"])
def test_unsupported_format__is_a_400_error_list_in_xml(client, db, path):
    response = client.get(f"/open311/v2/{path}.html")
    assert response.status_code == 400
    body = parse(response, "xml")
    assert (body.tag, tags(body), tags(body[0])) == ("errors", ["error"], spec.ERROR)
    assert "html" in body[0].findtext("description")


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_jurisdiction__ignored_unless_configured(client, category, fmt):
    assert get(client, "services", fmt, jurisdiction_id="anything.example").status_code == 200


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_jurisdiction__another_one_is_404(client, category, api_client, district, settings, fmt):
    settings.OPEN311_JURISDICTION_ID = "chongchuan.example"
    assert get(client, "services", fmt, jurisdiction_id="chongchuan.example").status_code == 200
    assert get(client, "services", fmt, jurisdiction_id="").status_code == 200  # empty = not given
    assert get(client, "services", fmt).status_code == 200
    response = get(client, "services/test-exit", fmt, jurisdiction_id="sfgov.org")
    assert response.status_code == 404
    body = parse(response, fmt)
    description = body[0].findtext("description") if fmt == "xml" else body[0]["description"]
    assert "sfgov.org" in description
    assert post(client, fmt, form(api_client, jurisdiction_id="sfgov.org")).status_code == 404
    assert post(client, fmt, form(api_client, jurisdiction_id="chongchuan.example")).status_code == 200


def test_errors__descriptions_follow_the_language(client, db):
    response = client.get("/open311/v2/requests/ZZZZ-ZZZZ.json", HTTP_ACCEPT_LANGUAGE="en")
    assert "was not found" in parse(response, "json")[0]["description"]


def test_xml__control_characters_do_not_break_the_document(client, category, api_client, district):
    post(client, "json", form(api_client, description="chained\x07 shut\x1b"))
    body = parse(get(client, "requests", "xml"), "xml")
    assert body.find("request").findtext("description") == "chained shut"


def test_post__a_null_character_is_400_not_a_server_error(client, category, api_client, district):
    response = post(client, "json", form(api_client, description="chained\x00 shut"))
    assert response.status_code == 400
    assert "description" in parse(response, "json")[0]["description"]


@pytest.mark.parametrize(
    "path", ["requests.json?service_code=a%00b", "requests.json?service_request_id=%00", "services/a%00b.json"]
)
def test_get__a_null_character_is_400_not_a_server_error(client, db, path):
    response = client.get(f"/open311/v2/{path}")
    assert response.status_code == 400
    assert parse(response, "json")[0]["code"] == 400
