import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from venuesafe.reports.models import ReportState, ResidentReport
from venuesafe.reports.services import report_accept, report_submit
from venuesafe.reports.views import DEVICE_COOKIE
from venuesafe.testing.factories import make_photo

from ..conftest import A1_POINT

pytestmark = pytest.mark.django_db

NEW = reverse("reports:new")


def _post(client, world, **extra):
    data = {
        "category": world.fire_exit.pk,
        "description": "安全出口被锁",
        "lat": f"{A1_POINT[0] + 0.0002}",
        "lng": f"{A1_POINT[1]}",
        "coord_system": "wgs84",
        "contact_name": "李四",
        "contact_phone": "13800001111",
        "client_token": str(uuid.uuid4()),
    }
    data.update(extra)
    return client.post(NEW, data, REMOTE_ADDR="203.0.113.50")


def test_report_new__public_page_in_chinese_with_device_cookie(client, report_world):
    response = client.get(NEW)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="zh-CN"' in html
    assert "堵塞消防通道" in html and "其他安全隐患" in html
    assert 'name="client_token"' in html and 'name="website"' in html
    assert DEVICE_COOKIE in response.cookies


def test_report_new__submit_redirects_to_status_with_reference(client, report_world):
    response = _post(client, report_world, photo=make_photo())
    report = ResidentReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:status", args=[report.reference]) + "?new=1"
    assert report.photos.count() == 1 and report.community == report_world.d.comm_a1
    page = client.get(response["Location"]).content.decode()
    assert report.reference in page


def test_report_new__gcj02_pin_is_converted(client, report_world):
    from venuesafe.core import geo

    glat, glng = geo.wgs84_to_gcj02(A1_POINT[0], A1_POINT[1])
    _post(client, report_world, lat=f"{glat:.7f}", lng=f"{glng:.7f}", coord_system="gcj02")
    report = ResidentReport.objects.get()
    assert abs(report.lat - A1_POINT[0]) < 1e-6 and abs(report.lng - A1_POINT[1]) < 1e-6


def test_report_new__retry_with_same_token_gives_same_report(client, report_world):
    token = str(uuid.uuid4())
    first = _post(client, report_world, client_token=token)
    second = _post(client, report_world, client_token=token)
    assert first["Location"] == second["Location"]
    assert ResidentReport.objects.count() == 1


def test_report_new__bad_photo_chinese_error_nothing_saved(client, report_world):
    fake = SimpleUploadedFile("a.jpg", b"this is not a picture", content_type="image/jpeg")
    response = _post(client, report_world, photo=fake)
    assert response.status_code == 400
    html = response.content.decode()
    with translation.override("zh-hans"):
        expected = translation.gettext("The file is not an image we can read. Upload a JPEG, PNG or WebP photo.")
    assert re.search(r"[\u4e00-\u9fff]", expected)  # the catalogue has it in Chinese
    assert expected in html and 'id="errors-photo"' in html
    assert ResidentReport.objects.count() == 0


def test_report_new__missing_location_and_honeypot(client, report_world):
    response = _post(client, report_world, lat="", lng="")
    assert response.status_code == 400
    assert 'id="errors-location"' in response.content.decode()
    response = _post(client, report_world, website="http://spam.example")
    assert response.status_code == 400
    assert ResidentReport.objects.count() == 0


def test_report_new__rate_limited_per_device(client, report_world, settings):
    settings.REPORTS_RATE_PER_HOUR = 1
    client.get(NEW)  # sets the device cookie
    assert _post(client, report_world).status_code == 302
    response = client.post(
        NEW,
        {
            "category": report_world.fire_exit.pk,
            "description": "again",
            "lat": f"{A1_POINT[0]}",
            "lng": f"{A1_POINT[1]}",
            "client_token": str(uuid.uuid4()),
        },
        REMOTE_ADDR="198.51.100.9",  # another address, same phone
    )
    assert response.status_code == 429
    assert ResidentReport.objects.count() == 1


def test_report_new__qr_venue_prefills(client, report_world):
    venue = report_world.venue_a2
    response = client.get(NEW + f"?venue={venue.qr_token}")
    assert venue.sign_name in response.content.decode()
    _post(client, report_world, venue=venue.qr_token, lat="", lng="")
    report = ResidentReport.objects.get()
    assert report.venue == venue and report.community == report_world.d.comm_a2


def test_public_card__links_to_report_page(client, report_world):
    venue = report_world.venue_a1
    html = client.get(reverse("qr:open", args=[venue.qr_token])).content.decode()
    assert f"{NEW}?venue={venue.qr_token}" in html


def test_report_status__no_contact_data(client, report_world):
    report = report_submit(
        category=report_world.fire_exit,
        description="出口锁了",
        lat=A1_POINT[0],
        lng=A1_POINT[1],
        contact_name="王秘密",
        contact_phone="13912349876",
        contact_email="secret@example.com",
    )
    other = report_submit(category=report_world.other, description="另一个举报内容", lat=A1_POINT[0], lng=A1_POINT[1])
    with translation.override("en"):
        html = client.get(
            reverse("reports:status", args=[report.reference]), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    for secret in ("王秘密", "13912349876", "secret@example.com", other.reference, "另一个举报内容"):
        assert secret not in html
    assert report.reference in html


def test_report_status__lookup_and_unknown(client, report_world):
    report = report_submit(category=report_world.fire_exit, description="x", lat=A1_POINT[0], lng=A1_POINT[1])
    lower = report.reference.lower().replace("-", "")
    response = client.get(reverse("reports:lookup"), {"reference": lower})
    assert response["Location"] == reverse("reports:status", args=[report.reference])
    assert client.get(reverse("reports:lookup"), {"reference": "ZZZZ-ZZZZ"}).status_code == 404
    assert client.get(reverse("reports:status", args=["ZZZZ-ZZZZ"])).status_code == 404


def test_report_status__shows_dismiss_reason_and_progress(client, report_world):
    report = report_submit(category=report_world.fire_exit, description="x", lat=A1_POINT[0], lng=A1_POINT[1])
    report_accept(user=report_world.staff_a1, report=report, venue=report_world.venue_a1)
    html = client.get(reverse("reports:status", args=[report.reference])).content.decode()
    assert 'data-state="accepted"' in html
    assert 'data-stage="accepted" data-done="yes"' in html
    assert 'data-stage="dispatched" data-done="no"' in html


# --- triage pages --------------------------------------------------------------------------


def _login(client, user):
    client.force_login(user)


def test_triage__list_and_detail_show_contact_to_staff_in_scope(client, report_world):
    report = report_submit(
        category=report_world.fire_exit,
        description="出口锁了",
        lat=A1_POINT[0] + 0.0001,
        lng=A1_POINT[1],
        contact_phone="13912349876",
        photos=[make_photo()],
    )
    _login(client, report_world.staff_a1)
    html = client.get(reverse("reports:triage")).content.decode()
    assert report.reference in html
    html = client.get(reverse("reports:triage_detail", args=[report.pk])).content.decode()
    assert "13912349876" in html
    assert report_world.venue_a1.sign_name in html  # nearby venue offered
    assert 'id="triage-photos"' in html


def test_triage__other_community_gets_404(client, report_world):
    report = report_submit(category=report_world.fire_exit, description="x", lat=A1_POINT[0], lng=A1_POINT[1])
    _login(client, report_world.staff_a2)
    assert client.get(reverse("reports:triage_detail", args=[report.pk])).status_code == 404
    assert report.reference not in client.get(reverse("reports:triage")).content.decode()
    response = client.post(
        reverse("reports:triage_dismiss", args=[report.pk]), {"reason": "no", "version": report.version}
    )
    assert response.status_code == 404
    report.refresh_from_db()
    assert report.state == ReportState.NEW


def test_triage__merchant_or_anonymous_cannot_see(client, report_world):
    assert client.get(reverse("reports:triage")).status_code == 302  # to login
    _login(client, report_world.inspector_a1)
    assert client.get(reverse("reports:triage")).status_code == 404


def test_triage__accept_then_409_on_second_action(client, report_world):
    report = report_submit(category=report_world.fire_exit, description="x", lat=A1_POINT[0], lng=A1_POINT[1])
    _login(client, report_world.staff_a1)
    response = client.post(
        reverse("reports:triage_accept", args=[report.pk]),
        {"venue": report_world.venue_a1.pk, "hazard_type": report_world.fire_exit.hazard_type_id, "version": 1},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED and report.hazard is not None
    response = client.post(reverse("reports:triage_dismiss", args=[report.pk]), {"reason": "late", "version": 1})
    assert response.status_code == 409
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED


def test_triage__address_only_report_goes_to_district_accept_by_venue_number(client, report_world):
    from venuesafe.accounts.models import Role
    from venuesafe.testing.factories import user_with_role

    report = report_submit(category=report_world.fire_exit, description="x", address_string="仁和路")
    _login(client, report_world.street_a)  # the district triages address-only reports, not a street
    assert client.get(reverse("reports:triage_detail", args=[report.pk])).status_code == 404
    admin = user_with_role(Role.DISTRICT_ADMIN, report_world.d.district)
    _login(client, admin)
    response = client.post(reverse("reports:triage_dismiss", args=[report.pk]), {"reason": "", "version": 1})
    assert response.status_code == 400
    response = client.post(
        reverse("reports:triage_accept", args=[report.pk]),
        {"venue_number": str(report_world.venue_a2.pk), "hazard_type": report_world.fire_exit.hazard_type_id},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED and report.venue == report_world.venue_a2
