import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from venuesafe.accounts.backends import UsernameOrMobileBackend
from venuesafe.testing.factories import TEST_PASSWORD, UserFactory


@pytest.fixture
def user(db):
    return UserFactory(username="wangwei", mobile="13912340001")


def _auth(username, password=TEST_PASSWORD):
    return UsernameOrMobileBackend().authenticate(None, username=username, password=password)


@pytest.mark.parametrize(
    "login",
    ["wangwei", " wangwei ", "13912340001", "+8613912340001", "+86 139 1234 0001", "0086 13912340001", "139-1234-0001"],
)
def test_authenticate__by_username_or_mobile(user, login):
    assert _auth(login) == user


def test_authenticate__wrong_password_refused(user):
    assert _auth("wangwei", "wrong") is None
    assert _auth("13912340001", "wrong") is None
    assert _auth("wangwei", "") is None


def test_authenticate__unknown_login_refused(user):
    assert _auth("nobody") is None
    assert _auth("13900000000") is None


def test_authenticate__missing_credentials_refused(user):
    assert _auth("") is None
    assert _auth(None) is None
    assert _auth("wangwei", None) is None


def test_authenticate__inactive_user_refused(user):
    user.is_active = False
    user.save()
    assert _auth("wangwei") is None
    assert _auth("13912340001") is None


def test_authenticate__user_without_mobile_by_username(db):
    u = UserFactory(username="nomobile", mobile=None)
    assert _auth("nomobile") == u


def test_authenticate__username_looking_like_someone_elses_mobile(db):
    # A username that is another user's mobile number: each gets in with their own password.
    owner = UserFactory(username="owner", mobile="13912340002")
    other = UserFactory(username="13912340002", mobile=None)
    other.set_password("other-pass-123")
    other.save()
    assert _auth("13912340002", TEST_PASSWORD) == owner
    assert _auth("13912340002", "other-pass-123") == other
    assert _auth("+86 139 1234 0002", "other-pass-123") is None  # the mobile form names only the owner
    assert _auth("13912340002", "wrong") is None


def test_authenticate__through_django_with_axes(user):
    request = RequestFactory().post("/accounts/login/")
    assert authenticate(request=request, username="+86 139 1234 0001", password=TEST_PASSWORD) == user
    assert authenticate(request=request, username="wangwei", password="nope") is None
