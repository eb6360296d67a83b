import datetime as dt
import re

import pytest
from django.test import Client

from venuesafe.accounts.models import Role, RoleAssignment, User
from venuesafe.core import clock
from venuesafe.testing.factories import user_with_role
from venuesafe.venues.models import BindingCode, VenueMerchant

PASSWORD = "Anquan-Shop-2026"


def logged_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def signup_data(code: str, mobile: str = "13800138000") -> dict:
    return {"code": code, "mobile": mobile, "full_name": "钱老板", "password": PASSWORD, "password2": PASSWORD}


def codes_page(binding, user=None):
    return logged_in(user or binding.grid_worker).get(f"/venues/{binding.shop.pk}/binding-code/")


# --- the grid worker's page ---------------------------------------------------------------


def test_binding_codes__grid_worker_issues_a_code_shown_large_then_listed_as_unused(binding):
    client = logged_in(binding.grid_worker)
    response = client.post(f"/venues/{binding.shop.pk}/binding-code/")
    code = BindingCode.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/venues/{binding.shop.pk}/binding-code/?issued={code.pk}"
    html = client.get(response["Location"]).content.decode()
    assert f'<p class="binding-code-value" id="binding-code-value">{code.code}</p>' in html
    assert 'id="binding-code-expiry"' in html and "data-print" in html
    assert code.issued_by == binding.grid_worker
    assert f'data-code-id="{code.pk}" data-status="unused"' in html


def test_binding_codes__revoke_marks_it_revoked_and_it_no_longer_binds(binding, client):
    code = binding.code()
    staff = logged_in(binding.grid_worker)
    response = staff.post(f"/venues/{binding.shop.pk}/binding-code/{code.pk}/revoke/")
    assert response.status_code == 302
    html = staff.get(f"/venues/{binding.shop.pk}/binding-code/?issued={code.pk}").content.decode()
    assert f'data-code-id="{code.pk}" data-status="revoked"' in html
    assert 'id="binding-code-value"' not in html  # a revoked code is never shown large again
    assert client.post("/accounts/merchant-signup/", signup_data(code.code)).status_code == 400
    assert not VenueMerchant.objects.exists()


def test_binding_codes__lists_used_and_expired_codes(binding):
    used, expired = binding.code(), binding.code()
    BindingCode.objects.filter(pk=expired.pk).update(expires_at=clock.now() - dt.timedelta(minutes=1))
    Client().post("/accounts/merchant-signup/", signup_data(used.code))
    html = codes_page(binding).content.decode()
    assert f'data-code-id="{used.pk}" data-status="used"' in html
    assert f'data-code-id="{expired.pk}" data-status="expired"' in html
    assert f'id="binding-revoke-{used.pk}"' not in html


def test_binding_codes__out_of_scope_404_and_read_only_403(binding):
    assert codes_page(binding, binding.other_staff).status_code == 404
    merchant = user_with_role(Role.MERCHANT, binding.district.comm_a1)
    VenueMerchant.objects.create(venue=binding.shop, user=merchant)
    assert codes_page(binding, merchant).status_code == 403
    assert logged_in(merchant).post(f"/venues/{binding.shop.pk}/binding-code/").status_code == 403
    assert not BindingCode.objects.exists()


def test_binding_codes__linked_from_the_venue_page_for_staff_only(binding):
    html = logged_in(binding.grid_worker).get(f"/venues/{binding.shop.pk}/").content.decode()
    assert f'href="/venues/{binding.shop.pk}/binding-code/"' in html
    merchant = user_with_role(Role.MERCHANT, binding.district.comm_a1)
    VenueMerchant.objects.create(venue=binding.shop, user=merchant)
    html = logged_in(merchant).get(f"/venues/{binding.shop.pk}/").content.decode()
    assert "binding-code" not in html


# --- merchant sign-up ---------------------------------------------------------------------


def test_merchant_signup__valid_code_creates_the_merchant_binds_and_logs_in(binding):
    code = binding.code()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    login_page = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/merchant-signup/"' in login_page
    assert 'id="signup-form"' in client.get("/accounts/merchant-signup/").content.decode()
    response = client.post("/accounts/merchant-signup/", signup_data(f" {code.code.lower()} "))
    assert response.status_code == 302
    assert response["Location"] == "/selfchecks/"
    user = User.objects.get(mobile="13800138000")
    assert user.full_name == "钱老板"
    assert VenueMerchant.objects.filter(venue=binding.shop, user=user).exists()
    assert RoleAssignment.objects.filter(user=user, role=Role.MERCHANT, org_unit=binding.district.comm_a1).exists()
    home = client.get("/selfchecks/").content.decode()  # logged in as the new merchant
    assert f'data-venue-id="{binding.shop.pk}"' in home
    code.refresh_from_db()
    assert code.used_by == user


@pytest.mark.parametrize("problem", ["wrong", "used", "expired"])
def test_merchant_signup__bad_code_is_refused_and_nothing_is_bound(binding, problem):
    code = binding.code()
    if problem == "used":
        Client().post("/accounts/merchant-signup/", signup_data(code.code, mobile="13900139000"))
    if problem == "expired":
        BindingCode.objects.filter(pk=code.pk).update(expires_at=clock.now() - dt.timedelta(seconds=1))
    value = "ABCDEFGH" if problem == "wrong" else code.code
    before = VenueMerchant.objects.count()
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post("/accounts/merchant-signup/", signup_data(value))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="errors-code"' in html
    assert not User.objects.filter(mobile="13800138000").exists()
    assert VenueMerchant.objects.count() == before


def test_merchant_signup__passwords_must_match(binding):
    code = binding.code()
    data = signup_data(code.code) | {"password2": "something-else-2026"}
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post("/accounts/merchant-signup/", data)
    assert response.status_code == 400
    assert 'id="errors-password2"' in response.content.decode()
    assert not User.objects.filter(mobile="13800138000").exists()
    code.refresh_from_db()
    assert code.used_at is None


def test_merchant_signup__locked_out_after_too_many_wrong_codes_even_with_the_right_one(binding, settings):
    settings.BINDING_MAX_FAILURES = 3
    code = binding.code()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for i in range(3):
        assert client.post("/accounts/merchant-signup/", signup_data(f"WRONG{i}XY")).status_code == 400
    response = client.post("/accounts/merchant-signup/", signup_data(code.code))
    assert response.status_code == 429
    assert "Too many wrong binding codes" in response.content.decode()
    assert not VenueMerchant.objects.exists()


# --- a logged-in account binds one more venue ---------------------------------------------


def test_bind__logged_in_merchant_binds_another_venue(binding):
    merchant = user_with_role(Role.MERCHANT, binding.district.comm_a1)
    code = binding.code()
    client = logged_in(merchant)
    assert 'id="bind-form"' in client.get("/accounts/bind/").content.decode()
    response = client.post("/accounts/bind/", {"code": code.code})
    assert response.status_code == 302
    assert response["Location"] == "/selfchecks/"
    assert VenueMerchant.objects.filter(venue=binding.shop, user=merchant).exists()


def test_bind__wrong_code_then_lockout_429(binding, settings):
    settings.BINDING_MAX_FAILURES = 2
    merchant = user_with_role(Role.MERCHANT, binding.district.comm_a1)
    code = binding.code()
    client = logged_in(merchant)
    response = client.post("/accounts/bind/", {"code": "ZZZZZZZZ"})
    assert response.status_code == 400
    assert re.search(r'id="errors-code"><li>This binding code is not right', response.content.decode())
    client.post("/accounts/bind/", {"code": "YYYYYYYY"})
    response = client.post("/accounts/bind/", {"code": code.code})
    assert response.status_code == 429
    assert not VenueMerchant.objects.exists()


def test_bind__logged_out_goes_to_login(binding):
    response = Client().get("/accounts/bind/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
