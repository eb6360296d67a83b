"""Fixtures for the Open311 tests: a category with every kind of attribute, an API client key."""

from __future__ import annotations

import itertools
import json
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest

from venuesafe.reports.models import Open311Client, ReportCategory

BASE = "/open311/v2"


@pytest.fixture
def category(db):
    category, _ = ReportCategory.objects.update_or_create(
        code="test-exit",
        defaults={
            "name": "测试出口",
            "name_en": "Test exit",
            "description": "出口被堵。",
            "description_en": "An exit is blocked.",
            "is_public": True,
            "sort_order": 0,
            "attributes": [
                {
                    "code": "floors",
                    "datatype": "multivaluelist",
                    "required": False,
                    "description": "哪几层？",
                    "description_en": "Which floors?",
                    "order": 2,
                    "values": [{"key": "1", "name": "一层"}, {"key": "2", "name": "二层"}],
                },
                {
                    "code": "locked",
                    "datatype": "singlevaluelist",
                    "required": True,
                    "description": "出口是否被锁闭？",
                    "description_en": "Is the exit locked?",
                    "order": 1,
                    "values": [{"key": "yes", "name": "是"}, {"key": "no", "name": "否"}],
                },
            ],
        },
    )
    return category


@pytest.fixture
def plain_category(db):
    category, _ = ReportCategory.objects.update_or_create(
        code="test-wiring",
        defaults={"name": "测试电线", "name_en": "Test wiring", "is_public": True, "sort_order": 1, "attributes": []},
    )
    return category


@pytest.fixture
def hidden_category(db):
    category, _ = ReportCategory.objects.update_or_create(
        code="test-hidden", defaults={"name": "内部", "name_en": "Internal", "is_public": False, "attributes": []}
    )
    return category


@pytest.fixture
def api_client(db):
    return Open311Client.objects.create(name="Test 311 app", contact_email="dev@example.org")


def parse(response, fmt: str):
    """The body as an XML element or a JSON value, after checking the spec's content type."""
    content_type = response["Content-Type"]
    if fmt == "xml":
        assert content_type == "text/xml; charset=utf-8"
        assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
        return ET.fromstring(response.content)
    assert content_type == "application/json; charset=utf-8"
    return json.loads(response.content)


def get(client, path: str, fmt: str, **params):
    return client.get(f"{BASE}/{path}.{fmt}", params, HTTP_ACCEPT_LANGUAGE="en")


def post(client, fmt: str, data: dict, **extra):
    return client.post(
        f"{BASE}/requests.{fmt}",
        urlencode(data, doseq=True),
        content_type="application/x-www-form-urlencoded; charset=utf-8",
        HTTP_ACCEPT_LANGUAGE="en",
        **extra,
    )


def tags(element) -> list[str]:
    return [child.tag for child in element]


# A point next to the venue the `place` fixture archives, inside China (the services check).
LAT, LNG = 32.0502, 120.8502


@pytest.fixture
def place(district):
    from venuesafe.testing.factories import venue

    return venue(district.comm_a1, district.grid_a1a, lat=32.05, lng=120.85)


@pytest.fixture
def staff(district):
    from venuesafe.accounts.models import Role
    from venuesafe.testing.factories import user_with_role

    return user_with_role(Role.COMMUNITY_STAFF, district.comm_a1)


def form(api_client, **overrides) -> dict:
    data = {
        "api_key": api_client.api_key,
        "service_code": "test-exit",
        "lat": str(LAT),
        "long": str(LNG),
        "description": "The back exit is chained shut.",
        "attribute[locked]": "yes",
        "email": "resident@example.org",
        "first_name": "Mei",
        "last_name": "Wang",
        "phone": "13800001111",
        "device_id": "device-1",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


_REPORT_NUMBER = itertools.count(1)


def file_report(client, api_client, **overrides) -> str:
    """POST a new report through the API; its reference. Each gets its own description: the same
    fields posted again within minutes are a retry and return the first report."""
    overrides.setdefault("description", f"The back exit is chained shut ({next(_REPORT_NUMBER)}).")
    response = post(client, "json", form(api_client, **overrides))
    assert response.status_code == 200, response.content
    return json.loads(response.content)[0]["service_request_id"]
