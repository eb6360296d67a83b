import pytest
from django.urls import reverse

from venuesafe.testing.factories import Role, UserFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_base__nav_for_staff_worker(client, district):
    client.force_login(user_with_role(Role.GRID_WORKER, district.grid_a1a))
    body = client.get(reverse("venues:list")).content.decode()
    for url in ("venues:list", "venues:map", "venues:near", "venues:completeness", "accounts:password_change"):
        assert f'href="{reverse(url)}"' in body
    assert f'action="{reverse("accounts:logout")}"' in body
    assert 'href="/admin/"' not in body
    assert "vendor/htmx/htmx.min.js" in body


def test_base__admin_link_for_staff(client, district):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert 'href="/admin/"' in client.get(reverse("venues:list")).content.decode()


def test_language_switch__sets_english(client, district):
    client.force_login(user_with_role(Role.GRID_WORKER, district.grid_a1a))
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("venues:list")})
    assert response.status_code == 302
    page = client.get(reverse("venues:list"))
    assert '<html lang="en">' in page.content.decode()


def test_default_language__is_simplified_chinese(client, district):
    client.force_login(user_with_role(Role.GRID_WORKER, district.grid_a1a))
    assert '<html lang="zh-CN">' in client.get(reverse("venues:list")).content.decode()
