"""The hazard loop on phones, in Chinese, in Debian's Chromium: found → proof → review failed → proof → closed."""

import re
from pathlib import Path

import pytest
from django.utils import translation

from venuesafe.accounts.models import Role
from venuesafe.hazards.models import Hazard, HazardPhoto, HazardState, PhotoKind
from venuesafe.inspections.models import Inspection, LocationStatus
from venuesafe.inspections.selectors import checklist_for_category
from venuesafe.testing.factories import TEST_PASSWORD, category, hazard_type, make_image_bytes, user_with_role, venue
from venuesafe.venues.models import VenueMerchant

from .conftest import screenshot

PHONE_LAT, PHONE_LNG = 32.0712, 120.8534
CJK = re.compile(r"[\u4e00-\u9fff]")


def _login(page, live_server, login: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", login)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("#login-form [type=submit]")
    # Each role lands on its own start page (accounts.selectors.home_url_name).
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 375


def _jpeg(tmp_path, name: str, color) -> str:
    path = Path(tmp_path) / name
    path.write_bytes(make_image_bytes("JPEG", size=(800, 600), color=color))
    return str(path)


def _food_venue(district, **fields):
    hazard_type("GAS-01")  # reloads catalogue and checklists a transactional test before may have flushed
    return venue(
        district.comm_a1,
        district.grid_a1a,
        sign_name="仁和小面馆",
        category=category("FOOD"),
        lat=PHONE_LAT,
        lng=PHONE_LNG,
        **fields,
    )


def _gas_alarm_item(place):
    """The FOOD question whose "no" is a missing gas alarm (GAS-01)."""
    items = list(checklist_for_category(place.category))
    gas = [i for i in items if i.default_hazard_type.code == "GAS-01"]
    assert len(gas) == 1
    return items, gas[0]


def _wait_for_position(page) -> None:
    page.wait_for_selector("#inspection-distance[data-distance-m]", state="attached")
    page.wait_for_function("document.querySelector('#inspection-form input[name=lat]').value !== ''")


def _answer_all_yes_but(page, items, failed_pk=None) -> None:
    for item in items:
        value = "fail" if item.pk == failed_pk else "pass"
        page.check(f"#answer-{item.pk}-{value}")


def _state(page) -> str:
    return page.get_attribute("#hazard-state [data-state]", "data-state")


def _figure(page, key: str) -> str:
    return page.inner_text(f"#figure-{key} .value").strip()


def _act(page, action: str) -> None:
    """Submit one action form on the hazard page and wait for the page it leads to."""
    with page.expect_navigation():
        page.click(f"#hazard-action-{action}-submit")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_hazard_loop__found_with_photo_proof_failed_proof_again_passed__closed_and_figures_move(
    phone, new_phone, live_server, district, tmp_path
):
    inspector = user_with_role(Role.INSPECTOR, district.grid_a1a, username="inspector_li", full_name="李巡查")
    place = _food_venue(district, inspector=inspector)
    merchant = user_with_role(Role.MERCHANT, district.comm_a1, username="merchant_zhao", full_name="赵老板")
    VenueMerchant.objects.create(venue=place, user=merchant)
    user_with_role(Role.STREET_OFFICE, district.street_a, username="street_chen", full_name="陈科长")
    items, gas = _gas_alarm_item(place)
    base = live_server.url

    # 1. The street office notes the figures before anything happens.
    office = new_phone()
    _login(office, live_server, "street_chen")
    office.goto(f"{base}/hazards/figures/")
    assert (_figure(office, "found"), _figure(office, "closed"), _figure(office, "open")) == ("0", "0", "0")

    # 2. The inspector finds the venue in today's tasks and inspects it on site.
    _login(phone, live_server, "inspector_li")
    phone.goto(f"{base}/inspections/today/")
    phone.click(f"#tasks-due-venues #inspect-venue-{place.pk}")
    phone.wait_for_url(f"{base}/venues/{place.pk}/inspect/")
    _wait_for_position(phone)
    assert int(phone.get_attribute("#inspection-distance", "data-distance-m")) <= 5
    assert phone.is_hidden("#offsite-warning")
    assert phone.is_hidden(f"#fail-details-{gas.pk}")
    _answer_all_yes_but(phone, items, failed_pk=gas.pk)
    assert phone.is_visible(f"#fail-details-{gas.pk}")  # "no" opens the photo and note fields
    assert phone.input_value(f"#hazard_type-{gas.pk}") == str(hazard_type("GAS-01").pk)
    phone.set_input_files(f"#photos-{gas.pk}", _jpeg(tmp_path, "no-gas-alarm.jpg", (90, 90, 90)))
    phone.fill(f"#note-{gas.pk}", "后厨未安装可燃气体报警器")
    assert _no_sideways_scroll(phone)
    screenshot(phone, "inspection-form-375")
    with phone.expect_navigation():
        phone.click("#inspection-submit")
    assert re.fullmatch(rf"{base}/inspections/\d+/", phone.url)
    assert phone.get_attribute("[data-location-status]", "data-location-status") == "on_site"
    assert phone.locator("#inspection-hazards [data-hazard-id]").count() == 1
    assert phone.locator("#inspection-answers [data-result=fail]").count() == 1
    assert phone.locator("#inspection-answers [data-result=pass]").count() == len(items) - 1
    assert _no_sideways_scroll(phone)
    screenshot(phone, "inspection-detail-375")

    inspection = Inspection.objects.get()
    assert inspection.location_status == LocationStatus.ON_SITE
    assert inspection.inspector == inspector
    assert inspection.lat == pytest.approx(PHONE_LAT, abs=1e-5)
    assert inspection.lng == pytest.approx(PHONE_LNG, abs=1e-5)
    hazard = Hazard.objects.get()
    assert hazard.hazard_type.code == "GAS-01"
    assert hazard.state == HazardState.DISPATCHED
    assert hazard.responsible_merchant
    evidence = HazardPhoto.objects.get(hazard=hazard, kind=PhotoKind.EVIDENCE)
    assert Path(evidence.image.path).is_file()
    assert evidence.image.size > 0

    # 3. The merchant sees the new message, finds the work order and uploads proof.
    shop = new_phone()
    _login(shop, live_server, "merchant_zhao")
    assert int(shop.text_content("#nav-unread-count").strip()) >= 1
    shop.goto(f"{base}/hazards/mine/")
    assert shop.get_attribute(f"#my-hazards [data-hazard-id='{hazard.pk}']", "data-state") == "dispatched"
    shop.click(f"#my-hazard-open-{hazard.pk}")
    shop.wait_for_url(f"{base}/hazards/{hazard.pk}/")
    assert shop.locator("#hazard-action-review_pass").count() == 0  # a merchant never reviews
    shop.set_input_files("[name='submit_proof-photos']", _jpeg(tmp_path, "alarm-fitted.jpg", (30, 160, 60)))
    shop.fill("[name='submit_proof-note']", "已安装报警器")
    _act(shop, "submit_proof")
    assert _state(shop) == "awaiting_review"
    assert shop.locator("#hazard-own-proof").count() == 1

    # 4. The inspector finds the review in today's tasks, compares before and after, and fails it.
    phone.goto(f"{base}/inspections/today/")
    phone.click(f"#tasks-reviews [data-hazard-id='{hazard.pk}'] a.title")
    phone.wait_for_url(f"{base}/hazards/{hazard.pk}/")
    assert phone.locator("#photos-before img[data-photo-kind=evidence]").count() == 1
    assert phone.locator("#photos-after img[data-photo-kind=proof]").count() == 1
    assert _no_sideways_scroll(phone)
    screenshot(phone, "hazard-review-before-after-375")
    phone.fill("[name='review_fail-reason']", "报警器未通电，测试不响")
    _act(phone, "review_fail")
    assert _state(phone) == "rectifying"

    # The merchant's page says why.
    shop.reload()
    assert _state(shop) == "rectifying"
    assert "报警器未通电，测试不响" in shop.inner_text("#hazard-timeline [data-kind=review_failed]")
    shop.goto(f"{base}/hazards/mine/")
    assert "报警器未通电，测试不响" in shop.inner_text(f"#my-hazards [data-hazard-id='{hazard.pk}']")

    # 5. The merchant uploads again; the inspector passes the review: closed.
    shop.click(f"#my-hazard-open-{hazard.pk}")
    shop.wait_for_url(f"{base}/hazards/{hazard.pk}/")
    shop.set_input_files("[name='submit_proof-photos']", _jpeg(tmp_path, "alarm-powered.jpg", (30, 60, 160)))
    shop.fill("[name='submit_proof-note']", "已接通电源，测试正常")
    _act(shop, "submit_proof")
    assert _state(shop) == "awaiting_review"

    phone.goto(f"{base}/inspections/today/")
    phone.click(f"#tasks-reviews [data-hazard-id='{hazard.pk}'] a.title")
    phone.wait_for_url(f"{base}/hazards/{hazard.pk}/")
    assert phone.locator("#photos-after img[data-photo-kind=proof]").count() == 1  # the latest proof only
    _act(phone, "review_pass")
    assert _state(phone) == "closed"
    kinds = [el.get_attribute("data-kind") for el in phone.locator("#hazard-timeline [data-kind]").all()]
    assert kinds == ["found", "dispatched", "proof_submitted", "review_failed", "proof_submitted", "review_passed"]
    screenshot(phone, "hazard-closed-375")
    hazard.refresh_from_db()
    assert hazard.state == HazardState.CLOSED
    assert hazard.closed_at is not None

    # 6. The figures moved: one found, one closed on time, nothing open.
    office.reload()
    assert (_figure(office, "found"), _figure(office, "closed"), _figure(office, "open")) == ("1", "1", "0")
    assert _figure(office, "overdue") == "0"
    assert re.match(r"100([.,]0)?\s*%", _figure(office, "on-time"))
    screenshot(office, "figures-after-loop-375")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_inspection_form__no_without_photo_shows_chinese_error_and_saves_nothing(phone, live_server, district):
    user_with_role(Role.INSPECTOR, district.grid_a1a, username="inspector_wu")
    place = _food_venue(district)
    items, gas = _gas_alarm_item(place)

    _login(phone, live_server, "inspector_wu")
    phone.goto(f"{live_server.url}/venues/{place.pk}/inspect/")
    _wait_for_position(phone)
    _answer_all_yes_but(phone, items, failed_pk=gas.pk)
    phone.fill(f"#note-{gas.pk}", "没有报警器")
    with phone.expect_navigation():
        phone.click("#inspection-submit")

    assert phone.is_visible("#inspection-error-summary")
    error = phone.inner_text(f"#item-{gas.pk} #errors-item-{gas.pk}").strip()
    with translation.override("zh-hans"):
        expected = translation.gettext("Add at least one photo.")
    assert error == expected
    # Only the failed question has an error; the answers and the note are kept.
    assert phone.locator("[id^=errors-item-]").count() == 1
    assert phone.is_checked(f"#answer-{gas.pk}-fail")
    assert phone.input_value(f"#note-{gas.pk}") == "没有报警器"
    assert Inspection.objects.count() == 0
    assert Hazard.objects.count() == 0
    screenshot(phone, "inspection-error-375")
    # In Chinese, as the inspector's phone asks (fails while the zh_Hans catalogue lacks this message).
    assert CJK.search(error), f"untranslated error next to the question: {error!r}"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_inspection_form__double_tap_and_resubmission_save_one_inspection(phone, live_server, district):
    user_with_role(Role.INSPECTOR, district.grid_a1a, username="inspector_qian")
    place = _food_venue(district)
    items, _gas = _gas_alarm_item(place)
    url = f"{live_server.url}/venues/{place.pk}/inspect/"

    _login(phone, live_server, "inspector_qian")
    phone.goto(url)
    _wait_for_position(phone)
    _answer_all_yes_but(phone, items)
    client_id = phone.input_value("#inspection-form input[name=client_id]")
    with phone.expect_navigation():
        phone.dblclick("#inspection-submit")
    phone.wait_for_load_state()
    assert re.fullmatch(rf"{live_server.url}/inspections/\d+/", phone.url)
    assert Inspection.objects.count() == 1
    saved = Inspection.objects.get()
    assert str(saved.client_id) == client_id

    # Back to the form and send it again, as after a lost response: the same client id saves nothing new.
    phone.go_back()
    phone.wait_for_url(url)
    phone.wait_for_selector("#inspection-form")
    # Chromium may load the page afresh (a new client id) instead of restoring it; the retry is of the sent form.
    phone.evaluate("id => { document.querySelector('#inspection-form input[name=client_id]').value = id; }", client_id)
    _answer_all_yes_but(phone, items)
    with phone.expect_navigation():
        phone.click("#inspection-submit")
    assert phone.url == f"{live_server.url}/inspections/{saved.pk}/"
    assert phone.locator("#messages").count() == 1
    assert Inspection.objects.count() == 1
