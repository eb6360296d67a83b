"""Builders shared by the API tests of the hazard loop (inspections, hazards, notices)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from rest_framework.test import APIClient

from venuesafe.accounts.models import Role, User
from venuesafe.core import clock
from venuesafe.testing.factories import District, make_photo, user_with_role, venue
from venuesafe.venues.models import Venue, VenueMerchant

INSPECTIONS_URL = "/api/v1/inspections/"


def api_client(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@dataclass
class Loop:
    """A venue in grid A1a with a merchant account and the people who work its hazards."""

    district: District
    venue: Venue
    merchant: User
    inspector: User
    inspector_2: User
    community_staff: User
    street_office: User
    grid_worker: User


def build_loop(district: District) -> Loop:
    shop = venue(district.comm_a1, district.grid_a1a, lat=32.0512, lng=120.8634)
    merchant = user_with_role(Role.MERCHANT, district.comm_a1, full_name="商户老王")
    VenueMerchant.objects.create(venue=shop, user=merchant)
    return Loop(
        district=district,
        venue=shop,
        merchant=merchant,
        inspector=user_with_role(Role.INSPECTOR, district.comm_a1, full_name="巡查员小李"),
        inspector_2=user_with_role(Role.INSPECTOR, district.comm_a1),
        community_staff=user_with_role(Role.COMMUNITY_STAFF, district.comm_a1),
        street_office=user_with_role(Role.STREET_OFFICE, district.street_a),
        grid_worker=user_with_role(Role.GRID_WORKER, district.grid_a1a),
    )


def checklist(client: APIClient, venue_id: int) -> list[dict]:
    response = client.get(f"/api/v1/venues/{venue_id}/checklist/")
    assert response.status_code == 200, response.content
    return response.json()


def document(client: APIClient, venue_id: int, *, fail: dict[int, dict] | None = None, **extra) -> dict:
    """An inspection answering every question 'yes' except the indexes in `fail` (answer fields)."""
    fail = fail or {}
    answers = []
    for i, item in enumerate(checklist(client, venue_id)):
        answer = {"checklist_item": item["id"], "result": "pass"}
        if i in fail:
            answer = {"checklist_item": item["id"], "result": "fail", "note": "需整改", **fail[i]}
        answers.append(answer)
    now = clock.now()
    doc = {
        "client_id": str(uuid.uuid4()),
        "venue": venue_id,
        "started_at": (now.replace(microsecond=0)).isoformat(),
        "ended_at": now.isoformat(),
        "lat": 32.0513,
        "lng": 120.8635,
        "accuracy_m": 6,
        "answers": answers,
    }
    doc.update(extra)
    return doc


def submit_multipart(client: APIClient, doc: dict, parts: dict | None = None):
    data = {"payload": json.dumps(doc)}
    data.update(parts if parts is not None else {"p1": make_photo("exit.jpg")})
    return client.post(INSPECTIONS_URL, data, format="multipart")


def submit_with_failure(client: APIClient, venue_id: int, **extra):
    """Submit an inspection whose first question is answered 'no' with one photo (part `p1`)."""
    doc = document(client, venue_id, fail={0: {"photos": ["p1"]}}, **extra)
    return submit_multipart(client, doc)
