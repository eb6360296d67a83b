import re

from venuesafe.accounts.models import Role
from venuesafe.testing.factories import user_with_role, venue
from venuesafe.venues.models import VenueMerchant

from .helpers import logged_in, punch_in


def missing_ids(client) -> set[int]:
    response = client.get("/selfchecks/missing/")
    assert response.status_code == 200
    html = response.content.decode()
    block = html[html.index('id="missing-list"') :]
    return {int(v) for v in re.findall(r'<li class="venue-item" data-venue-id="(\d+)"', block)}


def rate_today(client, **params) -> str:
    response = client.get("/selfchecks/figures/", params)
    assert response.status_code == 200
    html = response.content.decode()
    match = re.search(r'id="figure-rate-today"[^>]*data-rate="([^"]*)"', html)
    assert match, html
    return match[1]


# --- the merchant's home ------------------------------------------------------------------


def test_merchant_home__lists_each_venue_with_todays_status(shops, district):
    second = venue(district.comm_a1, district.grid_a1a, sign_name="老王二店")
    VenueMerchant.objects.create(venue=second, user=shops.merchant)
    punch_in(shops.shop, shops.merchant)
    response = logged_in(shops.merchant).get("/selfchecks/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-venue-id="{shops.shop.pk}" data-done="1"' in html
    assert f'data-venue-id="{second.pk}" data-done="0"' in html
    assert f'href="/selfchecks/{second.pk}/today/"' in html
    assert str(shops.other_shop.pk) not in re.findall(r'data-venue-id="(\d+)"', html)
    assert 'id="nav-selfcheck"' in html


def test_merchant_home__account_without_venue_is_pointed_to_binding(db, district):
    user = user_with_role(Role.MERCHANT, district.comm_a1)
    html = logged_in(user).get("/selfchecks/").content.decode()
    assert 'id="selfcheck-no-venues"' in html
    assert 'href="/accounts/bind/"' in html


# --- the grid worker's list ---------------------------------------------------------------


def test_missing_list__changes_after_a_punch_in(shops):
    client = logged_in(shops.grid_worker)
    assert missing_ids(client) == {shops.shop.pk}
    punch_in(shops.shop, shops.merchant)
    assert missing_ids(client) == set()


def test_missing_list__nav_link_for_grid_workers_and_community_staff(shops):
    assert 'id="nav-selfcheck-missing"' in logged_in(shops.grid_worker).get("/selfchecks/missing/").content.decode()
    html = logged_in(shops.community_staff).get("/selfchecks/missing/").content.decode()
    assert 'id="nav-selfcheck-missing"' in html
    assert 'id="nav-selfcheck-missing"' not in logged_in(shops.merchant).get("/selfchecks/").content.decode()


def test_missing_list__a_community_sees_nothing_of_another(shops):
    assert missing_ids(logged_in(shops.community_staff)) == {shops.shop.pk}
    assert missing_ids(logged_in(shops.other_community_staff)) == {shops.other_shop.pk}


def test_missing_list__merchant_gets_403(shops):
    assert logged_in(shops.merchant).get("/selfchecks/missing/").status_code == 403


# --- figures ------------------------------------------------------------------------------


def test_figures__punch_in_rate_moves_from_0_to_100_percent(shops):
    client = logged_in(shops.community_staff)
    assert rate_today(client) == "0.0000"
    punch_in(shops.shop, shops.merchant)
    assert rate_today(client) == "1.0000"
    html = client.get("/selfchecks/figures/").content.decode()
    assert 'id="figures-community"' in html and 'id="figures-grid"' in html and 'id="figures-category"' in html
    assert 'id="mastery-rule"' in html
    assert "at least 20 of the last 30 days" in html


def test_figures__a_community_sees_nothing_of_another(shops):
    punch_in(shops.other_shop, shops.other_merchant)
    html = logged_in(shops.community_staff).get("/selfchecks/figures/").content.decode()
    assert shops.district.comm_b1.name not in html
    assert rate_today(logged_in(shops.community_staff)) == "0.0000"
    assert rate_today(logged_in(shops.other_community_staff)) == "1.0000"


def test_figures__filters_by_org_unit_and_refuses_a_future_day(shops):
    punch_in(shops.shop, shops.merchant)
    client = logged_in(shops.street_office)
    assert rate_today(client, org_unit=shops.district.comm_a2.pk) == ""  # nobody expected there
    assert rate_today(client, org_unit=shops.district.comm_a1.pk) == "1.0000"
    response = client.get("/selfchecks/figures/", {"day": "2999-01-01"})
    assert 'id="errors-day"' in response.content.decode()


def test_figures__merchant_gets_403_and_street_office_sees_the_nav_link(shops):
    assert logged_in(shops.merchant).get("/selfchecks/figures/").status_code == 403
    assert logged_in(shops.grid_worker).get("/selfchecks/figures/").status_code == 403
    html = logged_in(shops.street_office).get("/selfchecks/figures/").content.decode()
    assert 'id="nav-selfcheck-figures"' in html
