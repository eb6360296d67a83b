import datetime as dt

import time_machine

from venuesafe.testing.factories import make_photo
from venuesafe.venues.models import Venue
from venuesafe.verifications.models import TaskState, VerificationTask

from ..helpers import SHANGHAI, cid, north

URL = "/api/v1/verifications/"


def new_venue_body(**extra):
    where = north(150)
    return {
        "kind": "new_venue",
        "sign_name": "星光网吧",
        "category": "SHOP",
        "lat": where.lat,
        "lng": where.lng,
        **extra,
    }


def test_verifications_report__creates_a_task_and_replays_by_client_id(world, api):
    client = api(world.street)
    body = new_venue_body(client_id=cid(), address="新开路1号")
    response = client.post(URL, body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["state"] == "open"
    assert data["assignee"]["id"] == world.inspector.pk
    assert data["community"]["id"] == world.d.comm_a1.pk
    assert data["category"] == "SHOP"
    assert [e["kind"] for e in data["events"]] == ["reported"]
    again = client.post(URL, body, format="json")
    assert again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == data["id"]
    assert VerificationTask.objects.count() == 1


def test_verifications_report__multipart_with_photo(world, api):
    body = new_venue_body(photo=make_photo())
    response = api(world.inspector).post(URL, body, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["photo"].startswith("http")


def test_verifications_report__possible_duplicates_answer_409_with_matches(world, api):
    client = api(world.street)
    body = new_venue_body(sign_name="老王面馆", lat=north(20).lat)
    response = client.post(URL, body, format="json")
    assert response.status_code == 409
    data = response.json()
    assert data["code"] == "possible_duplicates"
    assert [m["venue_id"] for m in data["matches"]] == [world.venue.pk]
    assert set(data["matches"][0]) >= {"sign_name", "address", "distance_m", "reasons", "community"}
    assert "licence_no" not in data["matches"][0]
    assert not VerificationTask.objects.exists()
    # "No, it is new."
    created = client.post(URL, {**body, "confirm_new": True}, format="json")
    assert created.status_code == 201
    assert created.json()["kind"] == "new_venue"
    # "It is this venue."
    matched = client.post(URL, {**body, "sign_name": "王记面馆", "matched_venue": world.venue.pk}, format="json")
    assert matched.status_code == 201
    assert (matched.json()["kind"], matched.json()["venue"]["id"]) == ("changed_sign", world.venue.pk)


def test_verifications_matches__dry_run(world, api):
    client = api(world.grid_worker)
    near = north(25)
    response = client.get(URL + "matches/", {"lat": near.lat, "lng": near.lng, "name": "老王面馆"})
    assert response.status_code == 200
    assert [m["venue_id"] for m in response.json()] == [world.venue.pk]
    far = north(40)
    assert client.get(URL + "matches/", {"lat": far.lat, "lng": far.lng, "name": "老王面馆"}).json() == []
    assert api(world.merchant).get(URL + "matches/", {"name": "x"}).status_code == 403


def test_verifications_report__errors_have_one_shape(world, api):
    response = api(world.street).post(URL, {"kind": "changed_sign", "venue": world.venue.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "sign_name" in response.json()["fields"]
    assert api(world.merchant).post(URL, new_venue_body(), format="json").status_code == 403
    # A venue outside the reporter's scope is not found.
    outside = api(world.comm_a2).post(URL, {"kind": "closed", "venue": world.venue.pk}, format="json")
    assert outside.status_code == 404
    assert outside.json()["code"] == "not_found"


def test_verifications_scope__another_communitys_staff_gets_404(world, api):
    task_id = api(world.street).post(URL, new_venue_body(), format="json").json()["id"]
    other = api(world.comm_a2)
    assert other.get(f"{URL}{task_id}/").status_code == 404
    assert other.get(URL).json()["results"] == []
    assert other.post(f"{URL}{task_id}/dismiss/", {"reason": "x"}, format="json").status_code == 404
    assert api(world.comm).get(f"{URL}{task_id}/").status_code == 200
    assert [t["id"] for t in api(world.inspector).get(URL, {"mine": True}).json()["results"]] == [task_id]


def test_verifications_verify__on_site_then_conflict(world, api):
    task_id = api(world.street).post(URL, new_venue_body(), format="json").json()["id"]
    client = api(world.inspector)
    no_position = client.post(f"{URL}{task_id}/verify/", {}, format="json")
    assert no_position.status_code == 400
    assert no_position.json()["code"] == "position_required"
    where = north(151)
    key = cid()
    body = {"lat": where.lat, "lng": where.lng, "accuracy_m": 6, "client_id": key, "address": "新开路1号"}
    response = client.post(f"{URL}{task_id}/verify/", body, format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["state"] == "verified"
    venue = Venue.objects.get(pk=data["venue"]["id"])
    assert (venue.sign_name, venue.address, venue.lat) == ("星光网吧", "新开路1号", where.lat)
    assert client.post(f"{URL}{task_id}/verify/", body, format="json").status_code == 200  # the retry
    conflict = client.post(f"{URL}{task_id}/verify/", {**body, "client_id": cid()}, format="json")
    assert conflict.status_code == 409
    assert conflict.json()["current_state"] == "verified"
    assert Venue.objects.filter(sign_name="星光网吧").count() == 1


def test_verifications_dismiss(world, api):
    task_id = api(world.street).post(URL, new_venue_body(), format="json").json()["id"]
    client = api(world.grid_worker)
    assert client.post(f"{URL}{task_id}/dismiss/", {}, format="json").status_code == 400
    response = client.post(f"{URL}{task_id}/dismiss/", {"reason": "是老王面馆的仓库"}, format="json")
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["dismiss_reason"]) == ("dismissed", "是老王面馆的仓库")
    assert VerificationTask.objects.get(pk=task_id).state == TaskState.DISMISSED


def test_verifications_figures__for_offices_with_the_same_numbers(world, api):
    day = dt.date(2026, 5, 12)
    with time_machine.travel(dt.datetime(2026, 5, 12, 10, tzinfo=SHANGHAI), tick=False):
        task_id = api(world.street).post(URL, new_venue_body(), format="json").json()["id"]
    where = north(150)
    with time_machine.travel(dt.datetime(2026, 5, 12, 10, 45, tzinfo=SHANGHAI), tick=False):
        body = {"lat": where.lat, "lng": where.lng, "address": "新开路1号"}
        assert api(world.inspector).post(f"{URL}{task_id}/verify/", body, format="json").status_code == 200
        response = api(world.street).get(URL + "figures/", {"date_from": day, "date_to": day})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["target_minutes"] == 120
    assert (data["total"]["mean_response_minutes"], data["total"]["within_target_rate"]) == (45.0, 1.0)
    assert data["by_community"][0]["id"] == world.d.comm_a1.pk
    assert api(world.inspector).get(URL + "figures/").status_code == 403
    bad = api(world.street).get(URL + "figures/", {"date_from": "2026-05-12", "date_to": "2026-05-01"})
    assert bad.status_code == 400
    assert "date_to" in bad.json()["fields"]


def test_verifications_schema_builds(world, api):
    response = api(world.street).get("/api/v1/schema/")
    assert response.status_code == 200
    assert b"/api/v1/verifications/{id}/verify/" in response.content
