import pytest
from django.middleware.csrf import get_token
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from venuesafe.accounts.models import Role
from venuesafe.org.models import Department
from venuesafe.testing.factories import TEST_PASSWORD, user_with_role

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def staff(district):
    return user_with_role(Role.COMMUNITY_STAFF, district.comm_a1, username="wang", mobile="13900001111")


def test_token__by_username(staff):
    response = APIClient().post(TOKEN_URL, {"username": "wang", "password": TEST_PASSWORD}, format="json")
    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=staff).key


def test_token__by_mobile(staff):
    response = APIClient().post(TOKEN_URL, {"username": "13900001111", "password": TEST_PASSWORD}, format="json")
    assert response.status_code == 200
    assert Token.objects.get(user=staff).key == response.json()["token"]


def test_token__token_authenticates_requests(staff):
    client = APIClient()
    token = client.post(TOKEN_URL, {"username": "wang", "password": TEST_PASSWORD}, format="json").json()["token"]
    assert client.get("/api/v1/me/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/me/").json()["username"] == "wang"


def test_token__wrong_password(staff):
    response = APIClient().post(TOKEN_URL, {"username": "wang", "password": "nope-nope"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"
    assert not Token.objects.exists()


def test_token__missing_fields():
    response = APIClient().post(TOKEN_URL, {}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["fields"]) == {"username", "password"}


def test_token__locked_out_after_repeated_failures(staff, settings):
    client = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(TOKEN_URL, {"username": "wang", "password": "wrong-pass"}, format="json")
    response = client.post(TOKEN_URL, {"username": "wang", "password": TEST_PASSWORD}, format="json")
    assert response.status_code in (403, 429)
    assert response.json()["code"] == "locked_out"
    assert not Token.objects.exists()


def test_logout__deletes_token(staff):
    client = APIClient()
    token = client.post(TOKEN_URL, {"username": "wang", "password": TEST_PASSWORD}, format="json").json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.post("/api/v1/auth/logout/").status_code == 204
    assert not Token.objects.filter(user=staff).exists()
    assert client.get("/api/v1/me/").status_code == 401


def test_session__works_with_csrf(staff):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(staff)
    assert client.get("/api/v1/me/").status_code == 200
    # Unsafe methods need the CSRF token, as for any same-origin page.
    assert client.post("/api/v1/auth/logout/").status_code == 403
    response = client.get("/api/v1/me/")
    csrf = get_token(response.wsgi_request)
    client.cookies["csrftoken"] = csrf
    assert client.post("/api/v1/auth/logout/", HTTP_X_CSRFTOKEN=csrf).status_code == 204
    assert client.get("/api/v1/me/").status_code in (401, 403)


def test_me__roles(district):
    fire = Department.objects.get(code="FIRE")
    user = user_with_role(Role.DEPARTMENT_VIEWER, district.street_a, department=fire, full_name="李四")
    client = APIClient()
    client.force_authenticate(user)
    body = client.get("/api/v1/me/").json()
    assert body["id"] == user.pk
    assert body["full_name"] == "李四"
    assert body["mobile"] == user.mobile
    [role] = body["roles"]
    assert role["role"] == "department_viewer"
    assert role["role_label"]
    assert role["org_unit"] == {"id": district.street_a.pk, "name": "陈桥街道", "level": "street"}
    assert role["department"]["code"] == "FIRE"


def test_me__anonymous_is_401(db):
    response = APIClient().get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
