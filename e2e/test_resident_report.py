"""A resident reports a problem from a phone, without an account; community staff accept it into
the hazard loop; the resident's status page follows the work order."""

from pathlib import Path

import pytest

from venuesafe.accounts.models import Role
from venuesafe.hazards.models import Hazard, HazardPhoto, HazardSource, HazardState
from venuesafe.reports.models import ReportCategory, ReportState, ResidentReport
from venuesafe.reports.reference_data import ensure_categories
from venuesafe.testing.factories import TEST_PASSWORD, make_image_bytes, user_with_role, venue

from .conftest import screenshot

PHONE_LAT, PHONE_LNG = 32.0712, 120.8534


def _login(page, live_server, login: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", login)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("#login-form [type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 375


def _stage_done(page, stage: str) -> str:
    return page.get_attribute(f"#status-stages [data-stage='{stage}']", "data-done")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_resident_report__filed_with_photo_accepted_by_community_progress_shown(
    phone, new_phone, live_server, district, tmp_path
):
    ensure_categories()
    fire_exit = ReportCategory.objects.get(code="fire-exit")
    shop = venue(district.comm_a1, district.grid_a1a, sign_name="仁和小旅馆", lat=PHONE_LAT, lng=PHONE_LNG + 0.0002)
    user_with_role(Role.COMMUNITY_STAFF, district.comm_a1, username="comm_wang", full_name="王专员")
    user_with_role(Role.COMMUNITY_STAFF, district.comm_a2, username="comm_other", full_name="别社区")
    base = live_server.url
    photo = Path(tmp_path) / "blocked-exit.jpg"
    photo.write_bytes(make_image_bytes("JPEG", size=(800, 600), color=(150, 40, 40)))

    # 1. A resident opens the public page (no account), in Chinese, and files a report with a photo.
    phone.goto(f"{base}/reports/new/")
    assert phone.get_attribute("html", "lang") == "zh-CN"
    # Categories are data in Chinese; the page's own strings follow once the zh_Hans catalogue has them.
    assert "堵塞消防通道" in phone.inner_text("#field-category")
    phone.check(f"#report-form input[name=category][value='{fire_exit.pk}']")
    phone.fill("#id_description", "旅馆后门安全出口被铁链锁住，还堆了纸箱")
    phone.set_input_files("#id_photo", str(photo))
    phone.click("#report-locate")
    phone.wait_for_function("document.querySelector('#report-form input[name=lat]').value !== ''")
    assert phone.input_value("#report-form input[name=coord_system]") == "wgs84"
    phone.fill("#id_contact_phone", "13800138000")
    assert _no_sideways_scroll(phone)
    screenshot(phone, "resident-report-form-375")
    with phone.expect_navigation():
        phone.click("#report-submit")

    report = ResidentReport.objects.get()
    assert report.community == district.comm_a1
    assert report.photos.count() == 1
    assert report.lat == pytest.approx(PHONE_LAT, abs=1e-5)
    assert phone.url == f"{base}/reports/status/{report.reference}/?new=1"
    assert phone.inner_text("#report-reference").strip() == report.reference
    assert phone.get_attribute("#report-status", "data-state") == "new"
    assert "13800138000" not in phone.content()
    assert _no_sideways_scroll(phone)
    screenshot(phone, "resident-report-filed-375")

    # Another community's staff do not get it.
    other = new_phone()
    _login(other, live_server, "comm_other")
    other.goto(f"{base}/reports/triage/")
    assert other.locator(f"#triage-list [data-report-id='{report.pk}']").count() == 0

    # 2. The community's staff see the new message, open the report and accept it into the loop.
    staff = new_phone()
    _login(staff, live_server, "comm_wang")
    assert int(staff.text_content("#nav-unread-count").strip()) >= 1
    staff.goto(f"{base}/reports/triage/")
    staff.click(f"#triage-list [data-report-id='{report.pk}'] a")
    staff.wait_for_url(f"{base}/reports/triage/{report.pk}/")
    assert "13800138000" in staff.inner_text("#triage-contact")  # staff in scope see the contact
    assert staff.locator("#triage-photos img").count() == 1
    assert staff.is_checked(f"#accept-form input[name=venue][value='{shop.pk}']")  # the venue 19 m away
    assert _no_sideways_scroll(staff)
    screenshot(staff, "resident-report-triage-375")
    with staff.expect_navigation():
        staff.click("#accept-submit")
    assert staff.get_attribute("#triage-report", "data-state") == "accepted"

    hazard = Hazard.objects.get()
    assert hazard.venue == shop and hazard.source == HazardSource.RESIDENT_REPORT
    assert hazard.state == HazardState.FOUND
    assert HazardPhoto.objects.filter(hazard=hazard).count() == 1
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED and report.hazard == hazard

    # 3. The resident's status page: accepted.
    phone.goto(f"{base}/reports/status/{report.reference}/")
    assert phone.get_attribute("#report-status", "data-state") == "accepted"
    assert _stage_done(phone, "accepted") == "yes" and _stage_done(phone, "dispatched") == "no"

    # 4. Staff dispatch the work order to the community; the resident sees it dispatched.
    staff.click("#triage-hazard a")
    staff.wait_for_url(f"{base}/hazards/{hazard.pk}/")
    with staff.expect_navigation():
        staff.click("#hazard-action-dispatch-submit")
    hazard.refresh_from_db()
    assert hazard.state == HazardState.DISPATCHED

    phone.reload()
    assert phone.get_attribute("#report-status", "data-status") == "open"
    assert _stage_done(phone, "dispatched") == "yes"
    assert phone.get_attribute("#status-stages [aria-current=step]", "data-stage") == "dispatched"
    assert "13800138000" not in phone.content()
    assert _no_sideways_scroll(phone)
    screenshot(phone, "resident-report-progress-375")

    # The reference can also be looked up by hand.
    phone.goto(f"{base}/reports/status/")
    phone.fill("#id_reference", report.reference.lower())
    with phone.expect_navigation():
        phone.click("#lookup-submit")
    assert phone.url == f"{base}/reports/status/{report.reference}/"
