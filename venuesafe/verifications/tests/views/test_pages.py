import datetime as dt
import uuid

import time_machine
from django.test import Client
from django.utils import translation

from venuesafe.venues.models import Venue
from venuesafe.verifications import services
from venuesafe.verifications.models import AnomalyKind, TaskState, VerificationTask

from ..helpers import SHANGHAI, north


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def report_body(**extra):
    where = north(150)
    return {
        "kind": "new_venue",
        "sign_name": "星光网吧",
        "category": "",
        "address": "新开路1号",
        "lat": where.lat,
        "lng": where.lng,
        "coord_system": "wgs84",
        "client_id": str(uuid.uuid4()),
        **extra,
    }


def test_report_page__files_a_new_venue(world):
    client = login(world.grid_worker)
    page = client.get("/verifications/new/")
    assert page.status_code == 200
    assert b'id="report-form"' in page.content
    response = client.post("/verifications/new/", report_body(category=str(world.shop.pk)))
    task = VerificationTask.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/verifications/{task.pk}/"
    assert (task.sign_name, task.category, task.assignee) == ("星光网吧", world.shop, world.inspector)


def test_report_page__shows_matches_first_then_it_is_this_venue(world):
    client = login(world.street)
    body = report_body(sign_name="老王面馆", lat=north(20).lat)
    with translation.override("en"):
        response = client.post("/verifications/new/", body, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert f'id="match-pick-{world.venue.pk}"'.encode() in response.content
    assert b'id="match-none"' in response.content
    assert not VerificationTask.objects.exists()
    picked = client.post("/verifications/new/", {**body, "matched_venue": str(world.venue.pk)})
    assert picked.status_code == 302
    task = VerificationTask.objects.get()
    assert (task.venue, task.kind) == (world.venue, AnomalyKind.OTHER)


def test_report_page__matches_panel(world):
    near = north(25)
    response = login(world.street).get(
        "/verifications/matches/", {"lat": near.lat, "lng": near.lng, "sign_name": "老王面馆"}
    )
    assert f'data-venue-id="{world.venue.pk}"'.encode() in response.content


def test_report_page__from_the_venue_page(world):
    client = login(world.comm)
    venue_page = client.get(f"/venues/{world.venue.pk}/")
    assert f"/verifications/new/?venue={world.venue.pk}".encode() in venue_page.content
    form = client.get(f"/verifications/new/?venue={world.venue.pk}")
    assert b'id="report-venue"' in form.content
    response = client.post("/verifications/new/", report_body(kind="closed", venue=str(world.venue.pk), sign_name=""))
    assert response.status_code == 302
    assert VerificationTask.objects.get().venue == world.venue


def test_report_page__merchants_cannot_report(world):
    assert login(world.merchant).get("/verifications/new/").status_code == 403


def test_task_pages__list_with_countdown_detail_and_verify(world):
    with time_machine.travel(dt.datetime(2026, 5, 12, 10, tzinfo=SHANGHAI), tick=False):
        task, _ = services.task_report(
            actor=world.street,
            kind=AnomalyKind.NEW_VENUE,
            sign_name="星光网吧",
            category=world.shop,
            address="新开路1号",
            position=north(150),
        )
    client = login(world.inspector)
    with time_machine.travel(dt.datetime(2026, 5, 12, 12, 30, tzinfo=SHANGHAI), tick=False):
        listing = client.get("/verifications/", HTTP_ACCEPT_LANGUAGE="en")
        detail = client.get(f"/verifications/{task.pk}/")
    assert f'data-task-id="{task.pk}"'.encode() in listing.content
    assert b"is-overdue" in listing.content
    assert b'id="task-verify-form"' in detail.content
    assert b'value="\xe6\x98\x9f\xe5\x85\x89\xe7\xbd\x91\xe5\x90\xa7"' in detail.content  # prefilled sign name
    where = north(151)
    response = client.post(
        f"/verifications/{task.pk}/verify/",
        {
            "lat": where.lat,
            "lng": where.lng,
            "accuracy_m": 5,
            "client_id": str(uuid.uuid4()),
            "sign_name": "星光网吧",
            "category": str(world.shop.pk),
            "address": "新开路1号",
            "use_position": "on",
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.state == TaskState.VERIFIED
    assert Venue.objects.get(pk=task.venue_id).lat == where.lat


def test_task_pages__verify_without_position_shows_the_error(world):
    task, _ = services.task_report(actor=world.street, kind=AnomalyKind.CLOSED, venue=world.venue)
    response = login(world.grid_worker).post(f"/verifications/{task.pk}/verify/", {"client_id": str(uuid.uuid4())})
    assert response.status_code == 400
    assert b'id="errors-lat"' in response.content
    task.refresh_from_db()
    assert task.state == TaskState.OPEN


def test_task_pages__another_communitys_staff_gets_404(world):
    task, _ = services.task_report(actor=world.street, kind=AnomalyKind.CLOSED, venue=world.venue)
    other = login(world.comm_a2)
    assert other.get(f"/verifications/{task.pk}/").status_code == 404
    assert other.post(f"/verifications/{task.pk}/dismiss/", {"reason": "x"}).status_code == 404
    assert f'data-task-id="{task.pk}"'.encode() not in other.get("/verifications/?show=all").content


def test_task_pages__dismiss(world):
    task, _ = services.task_report(actor=world.street, kind=AnomalyKind.CLOSED, venue=world.venue)
    response = login(world.comm).post(
        f"/verifications/{task.pk}/dismiss/", {"reason": "仍在营业", "client_id": str(uuid.uuid4())}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.state, task.dismiss_reason) == (TaskState.DISMISSED, "仍在营业")


def test_figures_page__offices_only(world):
    page = login(world.street).get("/verifications/figures/")
    assert page.status_code == 200
    assert b'id="figures-total"' in page.content
    assert b'id="figures-months"' in page.content
    assert login(world.inspector).get("/verifications/figures/").status_code == 403


def test_nav_link_for_staff(world):
    assert b'id="nav-verifications"' in login(world.inspector).get("/verifications/").content
