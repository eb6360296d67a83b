"""The QR link on the door (/q/<token>/): who opens it decides where it leads."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse

from venuesafe.inspections.models import Inspection, LocationStatus
from venuesafe.org.models import Department
from venuesafe.selfchecks.selectors import items_for_venue
from venuesafe.selfchecks.services import SelfCheckAnswerInput, self_check_submit
from venuesafe.testing.factories import Role, make_photo, user_with_role, venue
from venuesafe.venues.models import BusinessStatus, VenueMerchant

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def link(v) -> str:
    return reverse("qr:open", args=[v.qr_token])


def punch_in(v, merchant):
    answers = [
        SelfCheckAnswerInput(item=it.pk, ok=True, photo=make_photo() if it.photo_required else None)
        for it in items_for_venue(v)
    ]
    return self_check_submit(actor=merchant, venue=v, client_id=uuid.uuid4(), answers=answers)


def assert_nothing_private(body: str, v, hazard) -> None:
    assert v.licence_no not in body
    assert v.operator_mobile not in body
    assert v.operator_name not in body
    assert hazard.hazard_type.name not in body
    assert hazard.hazard_type.name_en not in body


# --- who goes where -------------------------------------------------------------------------


def test_qr_open__merchant__goes_to_todays_self_check(client, shop, merchant):
    client.force_login(merchant)
    response = client.get(link(shop))
    assert response.status_code == 302
    assert response["Location"] == reverse("selfchecks:today", args=[shop.pk])


def test_qr_open__inspector__goes_to_the_inspection(client, shop, inspector):
    client.force_login(inspector)
    response = client.get(link(shop))
    assert response.status_code == 302
    assert response["Location"] == reverse("inspections:start", args=[shop.pk])


def test_qr_open__grid_worker_of_the_grid__goes_to_the_inspection(client, shop, worker):
    client.force_login(worker)
    assert client.get(link(shop))["Location"] == reverse("inspections:start", args=[shop.pk])


def test_qr_open__anonymous__sees_the_public_card_and_nothing_private(client, shop, worker, open_hazard):
    response = client.get(link(shop), **EN)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="public-card"' in body
    assert "老王家常菜馆" in body
    assert shop.category.name_en in body
    assert "仁和社区" in body
    assert shop.address in body
    assert "李网格" in body and 'href="tel:13800001111"' in body
    assert_nothing_private(body, shop, open_hazard)
    # No staff navigation for someone logged out; a way in for the merchant instead.
    assert 'id="nav-board"' not in body and reverse("venues:list") not in body
    assert 'id="card-login-link"' in body
    assert "no-cache" in response["Cache-Control"]


def test_qr_open__staff_of_another_street__sees_only_the_public_card(client, shop, street_b_office, open_hazard):
    client.force_login(street_b_office)
    response = client.get(link(shop), **EN)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="public-card"' in body
    assert_nothing_private(body, shop, open_hazard)
    assert 'id="card-archive-link"' not in body


def test_qr_open__merchant_of_another_venue__sees_the_public_card(client, district, shop, merchant):
    other = venue(district.comm_a1, district.grid_a1a)
    client.force_login(merchant)
    response = client.get(link(other))
    assert response.status_code == 200
    assert 'id="public-card"' in response.content.decode()


def test_qr_open__department_viewer_in_scope__card_links_to_the_archive(client, district, shop):
    fire = Department.objects.get(code="FIRE")
    viewer = user_with_role(Role.DEPARTMENT_VIEWER, district.street_a, department=fire)
    client.force_login(viewer)
    body = client.get(link(shop)).content.decode()
    assert 'id="public-card"' in body
    assert reverse("venues:detail", args=[shop.pk]) in body


# --- the card's facts -----------------------------------------------------------------------


def test_public_card__last_inspection__shows_the_shanghai_date_only(client, shop, inspector):
    # 17:30 UTC on 4 March is 01:30 on 5 March in Shanghai.
    ended = dt.datetime(2026, 3, 4, 17, 30, tzinfo=dt.UTC)
    Inspection.objects.create(
        client_id=uuid.uuid4(),
        venue=shop,
        inspector=inspector,
        started_at=ended - dt.timedelta(minutes=20),
        ended_at=ended,
        location_status=LocationStatus.NO_LOCATION,
        org_path=shop.org_path,
        community=shop.community,
        category=shop.category,
    )
    body = client.get(link(shop)).content.decode()
    assert 'data-date="2026-03-05"' in body
    assert "01:30" not in body and "17:30" not in body


def test_public_card__never_inspected__says_so(client, shop):
    body = client.get(link(shop), **EN).content.decode()
    assert 'data-date=""' in body
    assert "Not inspected yet" in body


def test_public_card__todays_self_check__done_after_the_punch_in(client, shop, merchant):
    assert 'data-done="no"' in client.get(link(shop)).content.decode()
    punch_in(shop, merchant)
    assert 'data-done="yes"' in client.get(link(shop)).content.decode()


def test_public_card__venue_without_merchant_account__no_self_check_line(client, shop):
    assert 'id="card-self-check"' not in client.get(link(shop)).content.decode()


def test_public_card__links_to_the_report_page_and_the_grid_worker(client, shop, worker):
    body = client.get(link(shop), **EN).content.decode()
    assert f'href="/reports/new/?venue={shop.qr_token}"' in body
    assert "Or call your grid worker:" in body and worker.full_name in body


def test_public_card__no_grid_worker__names_the_community(client, district):
    v = venue(district.comm_a1, district.grid_a1a)
    body = client.get(link(v), **EN).content.decode()
    assert 'id="card-no-grid-worker"' in body and "仁和社区" in body


# --- deregistered venues --------------------------------------------------------------------


def test_qr_open__deregistered_venue__card_says_so(client, shop, merchant):
    shop.business_status = BusinessStatus.CLOSED
    shop.save(update_fields=["business_status"])
    body = client.get(link(shop), **EN).content.decode()
    assert 'id="card-closed"' in body and "deregistered" in body
    # Its merchant has nothing to punch in for: the card too.
    client.force_login(merchant)
    response = client.get(link(shop))
    assert response.status_code == 200 and 'id="card-closed"' in response.content.decode()


def test_qr_open__deregistered_venue__staff_get_its_archive(client, shop, inspector):
    shop.business_status = BusinessStatus.CLOSED
    shop.save(update_fields=["business_status"])
    client.force_login(inspector)
    assert client.get(link(shop))["Location"] == reverse("venues:detail", args=[shop.pk])


# --- the token ------------------------------------------------------------------------------


def test_qr_open__unknown_token__404(client, shop):
    assert client.get(reverse("qr:open", args=["x" * 16])).status_code == 404


def test_qr_token__cannot_be_derived_from_the_id(client, district, shop):
    other = venue(district.comm_a1, district.grid_a1a)
    assert shop.qr_token != other.qr_token
    assert len(shop.qr_token) >= 16 and len(other.qr_token) >= 16
    assert str(shop.pk) != shop.qr_token
    # Counting ids gets nobody anywhere.
    assert client.get(reverse("qr:open", args=[str(shop.pk)])).status_code == 404
    assert client.get(f"/q/{shop.pk}/").status_code == 404


def test_qr_open__post__not_allowed(client, shop):
    assert client.post(link(shop)).status_code == 405


def test_venue_merchant_link_alone_decides__not_the_merchant_role(client, district, shop):
    """A merchant role at the community without a binding to this venue does not open its self-check."""
    user = user_with_role(Role.MERCHANT, district.comm_a1)
    client.force_login(user)
    assert client.get(link(shop)).status_code == 200
    VenueMerchant.objects.create(venue=shop, user=user)
    assert client.get(link(shop))["Location"] == reverse("selfchecks:today", args=[shop.pk])
