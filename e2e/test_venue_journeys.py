"""Phone-sized journeys through the venue archive, in Chinese, in Debian's Chromium."""

from pathlib import Path

import pytest

from venuesafe.accounts.models import Role
from venuesafe.testing.factories import TEST_PASSWORD, category, make_image_bytes, make_uscc, user_with_role, venue
from venuesafe.venues.models import Venue, VenueMerchant

from .conftest import screenshot


def _login(page, live_server, login: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", login)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("#login-form [type=submit]")
    # Each role lands on its own start page (accounts.selectors.home_url_name).
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_grid_worker__registers_venue_with_photo_and_gps_then_finds_it_in_list_and_map(
    phone, live_server, district, tmp_path
):
    worker = user_with_role(Role.GRID_WORKER, district.grid_a1a, full_name="李网格", mobile="13911112222")
    other = venue(district.comm_b1, district.grid_b1a, sign_name="幸福街道另一家店")
    photo = Path(tmp_path) / "storefront.jpg"
    photo.write_bytes(make_image_bytes("JPEG", size=(640, 480)))
    licence = make_uscc(4242)

    _login(phone, live_server, "13911112222")  # by mobile number
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling

    phone.goto(f"{live_server.url}/venues/new/")
    phone.fill("#id_sign_name", "仁和便民超市")
    phone.select_option("#id_category", value=str(category("SHOP_MARKET").pk))
    phone.fill("#id_address", "陈桥街道通京大道188号")
    phone.set_input_files("#id_photo", str(photo))
    phone.fill("#id_licence_no", licence)
    phone.click("#use-my-location")
    phone.wait_for_function("document.querySelector('#id_lat').value !== ''")
    phone.fill("#id_operator_name", "王老板")
    phone.fill("#id_operator_mobile", "13855556666")
    screenshot(phone, "venue-form-filled-375")
    phone.click("#venue-submit")
    phone.wait_for_url(f"{live_server.url}/venues/*/")

    created = Venue.objects.get(sign_name="仁和便民超市")
    assert created.licence_no == licence
    assert created.photo and Path(created.photo.path).exists()
    assert created.lat == pytest.approx(32.0712, abs=1e-6)
    assert created.lng == pytest.approx(120.8534, abs=1e-6)
    assert created.location_source == "gps"
    assert created.grid == district.grid_a1a
    assert created.is_complete
    assert created.history.first().history_user == worker
    assert phone.locator("img.photo").count() >= 1

    # The list finds it by name, and nothing of the other street shows up.
    phone.goto(f"{live_server.url}/venues/?q=便民")
    items = phone.locator(".venue-item")
    assert items.count() == 1
    assert items.first.get_attribute("data-venue-id") == str(created.pk)
    phone.goto(f"{live_server.url}/venues/")
    ids = {el.get_attribute("data-venue-id") for el in phone.locator(".venue-item").all()}
    assert str(created.pk) in ids and str(other.pk) not in ids
    screenshot(phone, "venue-list-375")

    # The map shows a marker for it, and only venues in scope.
    phone.goto(f"{live_server.url}/venues/map/")
    phone.wait_for_function("window.venueMarkers && window.venueMarkers.length > 0")
    marker_ids = phone.evaluate(
        "Array.from(document.querySelectorAll('[data-venue-id]')).map(e => e.getAttribute('data-venue-id'))"
    )
    assert str(created.pk) in marker_ids
    assert str(other.pk) not in marker_ids
    screenshot(phone, "venue-map-375")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_merchant__sees_only_its_own_venue(phone, live_server, district):
    own = venue(district.comm_a1, district.grid_a1a, sign_name="商户自己的面馆")
    neighbour = venue(district.comm_a1, district.grid_a1a, sign_name="隔壁的理发店")
    merchant = user_with_role(Role.MERCHANT, district.comm_a1, username="merchant_wang")
    VenueMerchant.objects.create(venue=own, user=merchant)

    _login(phone, live_server, "merchant_wang")
    phone.goto(f"{live_server.url}/venues/")
    ids = [el.get_attribute("data-venue-id") for el in phone.locator(".venue-item").all()]
    assert ids == [str(own.pk)]
    assert phone.locator("#venue-create-link").count() == 0

    # The neighbour's archive is not there at all.
    response = phone.goto(f"{live_server.url}/venues/{neighbour.pk}/")
    assert response.status == 404
    response = phone.goto(f"{live_server.url}/venues/{own.pk}/")
    assert response.status == 200
    assert "商户自己的面馆" in phone.content()
    screenshot(phone, "merchant-own-venue-375")
