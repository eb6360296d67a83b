import datetime as dt

from rest_framework.test import APIClient

from venuesafe.accounts.models import Role
from venuesafe.core import clock
from venuesafe.testing.factories import user_with_role
from venuesafe.venues.models import BindingCode, VenueMerchant


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_binding_codes_api__issue_list_revoke(binding):
    client = api(binding.grid_worker)
    response = client.post(f"/api/v1/venues/{binding.shop.pk}/binding-codes/")
    assert response.status_code == 201, response.content
    body = response.json()
    code = BindingCode.objects.get()
    assert body["code"] == code.code and len(body["code"]) == 8
    assert body["status"] == "unused"
    assert dt.datetime.fromisoformat(body["expires_at"]) == code.expires_at
    assert body["venue"]["id"] == binding.shop.pk

    listed = client.get(f"/api/v1/venues/{binding.shop.pk}/binding-codes/").json()
    assert [(c["id"], c["status"]) for c in listed] == [(code.pk, "unused")]

    response = client.post(f"/api/v1/binding-codes/{code.pk}/revoke/")
    assert response.status_code == 200
    assert response.json()["status"] == "revoked"
    assert client.get(f"/api/v1/venues/{binding.shop.pk}/binding-codes/").json()[0]["status"] == "revoked"


def test_binding_codes_api__other_community_404_merchant_403(binding):
    code = binding.code()
    other = api(binding.other_staff)
    assert other.post(f"/api/v1/venues/{binding.shop.pk}/binding-codes/").status_code == 404
    assert other.post(f"/api/v1/binding-codes/{code.pk}/revoke/").status_code == 404
    merchant = user_with_role(Role.MERCHANT, binding.district.comm_a1)
    VenueMerchant.objects.create(venue=binding.shop, user=merchant)
    response = api(merchant).get(f"/api/v1/venues/{binding.shop.pk}/binding-codes/")
    assert response.status_code == 403
    assert response.json()["code"] == "cannot_edit_venue"
    assert api(merchant).post(f"/api/v1/binding-codes/{code.pk}/revoke/").status_code == 403
    code.refresh_from_db()
    assert code.revoked_at is None


def test_merchant_bind_api__binds_with_a_valid_code(binding):
    merchant = user_with_role(Role.MERCHANT, binding.district.comm_a1)
    code = binding.code()
    response = api(merchant).post("/api/v1/merchant/bind/", {"code": code.code}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["venue"]["id"] == binding.shop.pk
    assert VenueMerchant.objects.filter(venue=binding.shop, user=merchant).exists()


def test_merchant_bind_api__used_or_expired_code_is_400_on_code(binding):
    merchant = user_with_role(Role.MERCHANT, binding.district.comm_a1)
    expired = binding.code()
    BindingCode.objects.filter(pk=expired.pk).update(expires_at=clock.now() - dt.timedelta(seconds=1))
    response = api(merchant).post("/api/v1/merchant/bind/", {"code": expired.code}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "binding_code_invalid"
    assert list(body["fields"]) == ["code"]
    assert not VenueMerchant.objects.exists()


def test_merchant_bind_api__429_after_too_many_wrong_codes_even_with_the_right_one(binding, settings):
    settings.BINDING_MAX_FAILURES = 3
    merchant = user_with_role(Role.MERCHANT, binding.district.comm_a1)
    code = binding.code()
    client = api(merchant)
    for wrong in ("AAAAAAAA", "BBBBBBBB", "CCCCCCCC"):
        assert client.post("/api/v1/merchant/bind/", {"code": wrong}, format="json").status_code == 400
    response = client.post("/api/v1/merchant/bind/", {"code": code.code}, format="json")
    assert response.status_code == 429
    assert response.json()["code"] == "binding_locked_out"
    assert not VenueMerchant.objects.exists()
