"""One code per venue and the daily self-check on phones, in Chinese, in Debian's Chromium:
binding code → sign-up from the door's QR link → punch-in with one item fixed at once → the grid
worker's list and the community figures move → light review closes the hazard; the logged-out
link only ever shows the public card."""

import re
from pathlib import Path

import pytest

from venuesafe.accounts.models import Role, User
from venuesafe.hazards.catalogue_data import ensure_reference_data
from venuesafe.hazards.models import Hazard, HazardPhoto, HazardSource, HazardState, PhotoKind
from venuesafe.selfchecks.models import SelfCheck, SelfCheckAnswer
from venuesafe.selfchecks.selectors import items_for_venue
from venuesafe.testing.factories import TEST_PASSWORD, category, make_image_bytes, user_with_role, venue
from venuesafe.venues.models import BindingCode, VenueMerchant

from .conftest import screenshot

MERCHANT_MOBILE = "13755550123"
MERCHANT_PASSWORD = "Shop-Passw0rd!9"
OPERATOR_MOBILE = "13812345678"


def _login(page, live_server, login: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", login)
    page.fill("#id_password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("#login-form [type=submit]")
    assert "/accounts/login/" not in page.url, f"login as {login} failed"


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 375


def _jpeg(tmp_path, name: str, color) -> str:
    path = Path(tmp_path) / name
    path.write_bytes(make_image_bytes("JPEG", size=(800, 600), color=color))
    return str(path)


def _missing_ids(page) -> list[int]:
    return [
        int(v)
        for v in page.eval_on_selector_all("#missing-list li[data-venue-id]", "els => els.map(e => e.dataset.venueId)")
    ]


def _rate(page) -> str:
    return page.get_attribute("#figure-rate-today", "data-rate")


def _community_row(page, community) -> str:
    return page.inner_text(f"#figures-community tr[data-id='{community.pk}'] [data-figure=punched]").strip()


def _assert_public_card_only(page, place, live_server) -> None:
    """The card names the venue and shows nothing private: no licence number, no operator, no form."""
    assert page.url == f"{live_server.url}/q/{place.qr_token}/"
    assert page.inner_text("#card-name").strip() == place.sign_name
    body = page.inner_text("body")
    assert place.licence_no not in body
    assert OPERATOR_MOBILE not in body
    assert place.operator_name not in body
    assert page.locator("#selfcheck-form").count() == 0
    assert page.locator("#card-archive-link").count() == 0
    assert _no_sideways_scroll(page)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_self_check__bind_from_qr_link_punch_in_fix_at_once__list_figures_and_review_follow(
    phone, new_phone, live_server, district, tmp_path
):
    ensure_reference_data()  # a transactional test before may have flushed the items and categories
    base = live_server.url
    worker = user_with_role(
        Role.GRID_WORKER, district.grid_a1a, username="grid_sun", full_name="孙网格", mobile="13600001111"
    )
    place = venue(
        district.comm_a1,
        district.grid_a1a,
        sign_name="仁和小面馆",
        category=category("FOOD"),
        operator_name="周建国",
        operator_mobile=OPERATOR_MOBILE,
        grid_worker=worker,
    )
    user_with_role(Role.COMMUNITY_STAFF, district.comm_a1, username="community_he", full_name="何社区")
    items = list(items_for_venue(place))
    assert {i.step for i in items} == {"equipment", "wiring", "passages"}
    # The failed item: daisy-chained power strips (a photo is optional there, so the test attaches one).
    failed = next(i for i in items if i.code == "SC-WI-02")
    assert not failed.photo_required and failed.hazard_type.code == "ELE-03"
    qr = f"{base}/q/{place.qr_token}/"

    # 1. The grid worker issues a binding code on the venue's page.
    _login(phone, live_server, "grid_sun")
    phone.goto(f"{base}/venues/{place.pk}/")
    with phone.expect_navigation():
        phone.click("#venue-binding-code-link")
    assert phone.url == f"{base}/venues/{place.pk}/binding-code/"
    with phone.expect_navigation():
        phone.click("#binding-issue-submit")
    code = phone.inner_text("#binding-code-value").strip()
    assert re.fullmatch(r"[A-Z0-9]{8}", code), code
    assert BindingCode.objects.get(venue=place).code == code

    # 2. The merchant scans the door logged out: the public card only. Then signs up with the code.
    shop = new_phone()
    shop.goto(qr)
    _assert_public_card_only(shop, place, live_server)
    assert shop.locator("#card-self-check").count() == 0  # nobody is expected to punch in yet
    screenshot(shop, "selfcheck-public-card-375")
    with shop.expect_navigation():
        shop.click("#card-login-link")
    with shop.expect_navigation():
        shop.click("#merchant-signup-link")
    assert shop.url == f"{base}/accounts/merchant-signup/"
    shop.fill("#id_code", code)
    shop.fill("#id_mobile", MERCHANT_MOBILE)
    shop.fill("#id_full_name", "周老板")
    shop.fill("#id_password", MERCHANT_PASSWORD)
    shop.fill("#id_password2", MERCHANT_PASSWORD)
    with shop.expect_navigation():
        shop.click("#signup-submit")
    assert shop.url == f"{base}/selfchecks/"
    assert shop.get_attribute(f"#selfcheck-venues li[data-venue-id='{place.pk}']", "data-done") == "0"
    merchant = User.objects.get(mobile=MERCHANT_MOBILE)
    assert VenueMerchant.objects.filter(venue=place, user=merchant).exists()
    # The same link now leads the merchant to today's self-check.
    shop.goto(qr)
    shop.wait_for_url(f"{base}/selfchecks/{place.pk}/today/")
    assert shop.locator("#selfcheck-done").count() == 0
    assert shop.get_attribute("#selfcheck-streak", "data-streak") == "0"

    # 3. Before the punch-in: the grid worker's list names the venue; the community's rate is 0.
    phone.goto(f"{base}/selfchecks/missing/")
    assert place.pk in _missing_ids(phone)
    assert phone.locator("#missing-empty").count() == 0
    screenshot(phone, "selfcheck-missing-before-375")
    office = new_phone()
    _login(office, live_server, "community_he")
    office.click("#nav-toggle")  # the phone's menu
    office.click("#nav-selfcheck-figures")
    office.wait_for_url(f"{base}/selfchecks/figures/")
    assert _rate(office) == "0.0000"
    assert _community_row(office, district.comm_a1) == "0"

    # 4. The merchant answers every item; one is "no", with a photo, fixed at once with a proof photo.
    for step in ("equipment", "wiring", "passages"):
        assert shop.locator(f"#step-{step} .question").count() >= 1
    assert shop.is_hidden(f"#fail-details-{failed.pk}")
    required = 0
    for item in items:
        shop.check(f"#item-{item.pk}-{'no' if item.pk == failed.pk else 'yes'}")
        if shop.get_attribute(f"#photo-{item.pk}", "data-required") is not None:
            required += 1
            shop.set_input_files(f"#photo-{item.pk}", _jpeg(tmp_path, f"item-{item.pk}.jpg", (40, 120, 200)))
    assert required == sum(1 for i in items if i.photo_required)
    assert shop.is_visible(f"#fail-details-{failed.pk}")  # "no" opens the note and the fix box
    shop.set_input_files(f"#photo-{failed.pk}", _jpeg(tmp_path, "found.jpg", (90, 90, 90)))
    shop.fill(f"#note-{failed.pk}", "收银台插线板串接了两个")
    assert shop.is_hidden(f"#proof-field-{failed.pk}")
    shop.check(f"#fix-{failed.pk}")
    assert shop.is_visible(f"#proof-field-{failed.pk}")  # ticking "fixed now" asks for the proof
    shop.set_input_files(f"#proof-{failed.pk}", _jpeg(tmp_path, "fixed.jpg", (30, 160, 60)))
    assert _no_sideways_scroll(shop)
    screenshot(shop, "selfcheck-form-375")
    with shop.expect_navigation():
        shop.click("#selfcheck-submit")

    assert shop.url == f"{base}/selfchecks/{place.pk}/today/"
    assert shop.locator("#selfcheck-error-summary").count() == 0
    assert shop.get_attribute("#selfcheck-done", "data-revision") == "1"
    assert shop.get_attribute("#selfcheck-streak", "data-streak") == "1"
    assert shop.locator("#selfcheck-answers li[data-ok=no]").count() == 1
    assert shop.locator("#selfcheck-answers li[data-ok=yes]").count() == len(items) - 1
    rows = shop.locator("#selfcheck-hazards [data-hazard-id]")
    assert rows.count() == 1
    assert rows.first.get_attribute("data-state") == "awaiting_review"
    assert shop.locator("#selfcheck-revisions").count() == 0  # one version only
    assert shop.locator("#selfcheck-amend").count() == 1  # the form is now behind "amend"
    assert _no_sideways_scroll(shop)
    screenshot(shop, "selfcheck-done-375")

    check = SelfCheck.objects.get()
    assert (check.venue, check.merchant, check.revision, check.failed_count) == (place, merchant, 1, 1)
    answer = SelfCheckAnswer.objects.get(self_check=check, ok=False)
    assert answer.item_id == failed.pk
    assert answer.fixed_at_once
    assert answer.note == "收银台插线板串接了两个"
    assert Path(answer.photo.path).is_file()
    hazard = Hazard.objects.get()
    assert int(rows.first.get_attribute("data-hazard-id")) == hazard.pk == answer.hazard_id
    assert hazard.hazard_type.code == "ELE-03"
    assert (hazard.source, hazard.state, hazard.venue_id) == (
        HazardSource.SELF_CHECK,
        HazardState.AWAITING_REVIEW,
        place.pk,
    )
    proof = HazardPhoto.objects.get(hazard=hazard, kind=PhotoKind.PROOF)
    assert Path(proof.image.path).is_file()
    assert proof.image.size > 0

    # 5. The list and the figures follow; the grid worker passes the light review: closed.
    phone.goto(f"{base}/selfchecks/missing/")
    assert place.pk not in _missing_ids(phone)
    assert phone.locator("#missing-empty").count() == 1  # the grid's only expected venue is done
    screenshot(phone, "selfcheck-missing-after-375")
    office.reload()
    assert _rate(office) == "1.0000"
    assert _community_row(office, district.comm_a1) == "1"
    phone.goto(f"{base}/hazards/{hazard.pk}/")
    with phone.expect_navigation():
        phone.click("#hazard-action-review_pass-submit")
    assert phone.get_attribute("#hazard-state [data-state]", "data-state") == "closed"
    hazard.refresh_from_db()
    assert hazard.state == HazardState.CLOSED
    shop.reload()
    assert shop.get_attribute(f"#selfcheck-hazards [data-hazard-id='{hazard.pk}']", "data-state") == "closed"

    # 6. Logged out, the same link still shows only the card, now saying today's self-check is done.
    stranger = new_phone()
    stranger.goto(qr)
    _assert_public_card_only(stranger, place, live_server)
    assert stranger.get_attribute("#card-self-check", "data-done") == "yes"
    screenshot(stranger, "selfcheck-public-card-done-375")
