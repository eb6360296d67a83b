import pytest
from django.urls import reverse
from django.utils import translation

from venuesafe.testing.factories import TEST_PASSWORD, Role, user_with_role

pytestmark = pytest.mark.django_db

LOGIN = "accounts:login"


@pytest.fixture
def worker(district):
    return user_with_role(Role.GRID_WORKER, district.grid_a1a, username="wang", mobile="13800001111")


def _login(client, username, password=TEST_PASSWORD):
    return client.post(reverse(LOGIN), {"username": username, "password": password})


def test_login_page__renders_username_or_mobile_label(client):
    with translation.override("en"):
        response = client.get(reverse(LOGIN), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Username or mobile number" in response.content.decode()


def test_login__by_username(client, worker):
    response = _login(client, "wang")
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.session["_auth_user_id"] == str(worker.pk)
    assert client.get(response.url).url == reverse("inspections:today")  # a grid worker starts at today's tasks


def test_login__by_mobile(client, worker):
    response = _login(client, "138 0000 1111")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(worker.pk)


def test_login__wrong_password_shows_form_error(client, worker):
    response = _login(client, "wang", "not-the-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["form"].non_field_errors()


def test_login__locked_out_after_five_failures(client, worker):
    for _attempt in range(4):
        assert _login(client, "wang", "wrong-password").status_code == 200
    response = _login(client, "wang", "wrong-password")
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    # Even the right password is refused while locked out.
    response = _login(client, "wang")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    with translation.override("en"):
        response = client.post(
            reverse(LOGIN), {"username": "wang", "password": TEST_PASSWORD}, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert "try again in 15 minutes" in response.content.decode()


def test_login__lockout_does_not_leak_between_tests(client, worker):
    # The previous test locked "wang" out; attempts live in the database and are rolled back.
    assert _login(client, "wang").status_code == 302


def test_logout__post_logs_out(client, worker):
    client.force_login(worker)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_logout__get_is_refused(client, worker):
    client.force_login(worker)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert "_auth_user_id" in client.session


def test_password_change__changes_password(client, worker):
    client.force_login(worker)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "N3w-secret-2026", "new_password2": "N3w-secret-2026"},
    )
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_change_done")
    worker.refresh_from_db()
    assert worker.check_password("N3w-secret-2026")
    assert client.get(reverse("accounts:password_change_done")).status_code == 200


def test_password_change__wrong_old_password_refused(client, worker):
    client.force_login(worker)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password1": "N3w-secret-2026", "new_password2": "N3w-secret-2026"},
    )
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    worker.refresh_from_db()
    assert worker.check_password(TEST_PASSWORD)


def test_password_change__needs_login(client):
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse(LOGIN))


@pytest.mark.parametrize(
    ("role", "unit", "start"),
    [
        (Role.STREET_OFFICE, "street_a", "hazards:board"),
        (Role.INSPECTOR, "grid_a1a", "inspections:today"),
        (Role.MERCHANT, "comm_a1", "selfchecks:home"),
        (Role.DEPARTMENT_VIEWER, "street_a", "venues:list"),
    ],
)
def test_home__each_role_starts_where_its_work_is(client, district, role, unit, start):
    from venuesafe.org.models import Department

    department = Department.objects.first() if role == Role.DEPARTMENT_VIEWER else None
    user = user_with_role(role, getattr(district, unit), department=department)
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse(start)


def test_nav__merchant_sees_no_archive_links(client, district):
    merchant = user_with_role(Role.MERCHANT, district.comm_a1)
    client.force_login(merchant)
    body = client.get(reverse("selfchecks:home")).content.decode()
    assert 'id="nav-selfcheck"' in body
    assert 'id="nav-venues"' not in body
