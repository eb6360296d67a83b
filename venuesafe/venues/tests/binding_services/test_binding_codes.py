"""One-time binding codes: staff of the area issue them, a merchant signs up (or binds one more
venue) with one; wrong, used, expired or revoked codes bind nothing, and too many wrong codes from
one address or account lock binding out for a while."""

from __future__ import annotations

import datetime as dt

import pytest

from venuesafe.accounts.models import Role, RoleAssignment, User
from venuesafe.core.errors import DomainError, InvalidInput, NotAllowed
from venuesafe.hazards.tests.services.world import T0, World
from venuesafe.selfchecks.selectors import merchant_venues
from venuesafe.testing.factories import venue
from venuesafe.venues.models import BindingAttempt, BindingCode, BusinessStatus, Venue, VenueMerchant
from venuesafe.venues.services import (
    BINDING_ALPHABET,
    BindingLockedOut,
    binding_code_issue,
    binding_code_revoke,
    merchant_bind,
    merchant_signup,
)

PASSWORD = "Anquan-Shop-2026"
ADDRESS = "203.0.113.7"


@pytest.fixture
def world(district, clock_at):
    clock_at(T0)
    return World(district)


@pytest.fixture
def shop(world):
    """A venue in the grid worker's grid that no merchant holds yet."""
    return venue(world.d.comm_a1, world.d.grid_a1a, grid_worker=world.grid_worker)


def signup(code: str, mobile: str = "13800138000", address: str | None = ADDRESS, **kwargs):
    return merchant_signup(
        code=code,
        mobile=mobile,
        full_name=kwargs.pop("full_name", "钱老板"),
        password=kwargs.pop("password", PASSWORD),
        address=address,
    )


def bound_nothing(shop: Venue) -> bool:
    return (
        not VenueMerchant.objects.filter(venue=shop).exists() and not User.objects.filter(mobile="13800138000").exists()
    )


# --- issue ------------------------------------------------------------------------------


def test_binding_code_issue__by_the_grid_worker_one_time_code_valid_for_the_ttl(world, shop, settings):
    code = binding_code_issue(venue=shop, actor=world.grid_worker)
    assert len(code.code) == 8 and set(code.code) <= set(BINDING_ALPHABET)
    assert code.issued_by == world.grid_worker and code.issued_at == T0
    assert code.expires_at == T0 + dt.timedelta(hours=settings.BINDING_CODE_TTL_HOURS)
    assert code.used_at is None and code.revoked_at is None
    assert binding_code_issue(venue=shop, actor=world.comm).code != code.code


@pytest.mark.parametrize("who", ["comm_a2", "street_b", "merchant", "fire_viewer"])
def test_binding_code_issue__only_staff_in_scope(world, shop, who):
    with pytest.raises(NotAllowed) as exc:
        binding_code_issue(venue=shop, actor=getattr(world, who))
    assert exc.value.code == "cannot_issue_binding_code"
    assert not BindingCode.objects.exists()


def test_binding_code_issue__a_deregistered_venue_is_refused(world, shop):
    Venue.objects.filter(pk=shop.pk).update(business_status=BusinessStatus.CLOSED)
    shop.refresh_from_db()
    with pytest.raises(InvalidInput) as exc:
        binding_code_issue(venue=shop, actor=world.grid_worker)
    assert exc.value.code == "venue_closed"
    assert not BindingCode.objects.exists()


# --- sign up and bind -------------------------------------------------------------------


def test_merchant_signup__creates_the_account_role_and_holding_and_uses_the_code(world, shop, clock_at):
    code = binding_code_issue(venue=shop, actor=world.grid_worker)
    clock_at(T0 + dt.timedelta(hours=2))
    link = signup(code.code.lower()[:4] + "-" + code.code[4:])  # typed in lower case, with a dash

    user = link.user
    assert link.venue == shop
    assert (user.username, user.mobile, user.full_name) == ("13800138000", "13800138000", "钱老板")
    assert user.check_password(PASSWORD)
    assert RoleAssignment.objects.filter(user=user, role=Role.MERCHANT, org_unit=world.d.comm_a1).exists()
    assert list(merchant_venues(user=user)) == [shop]
    code.refresh_from_db()
    assert code.used_by == user and code.used_at == T0 + dt.timedelta(hours=2)


@pytest.fixture
def codes(world, shop, clock_at):
    """A used, an expired and a revoked code for the shop."""
    used = binding_code_issue(venue=shop, actor=world.grid_worker)
    merchant_bind(user=world.other_merchant, code=used.code)
    VenueMerchant.objects.filter(venue=shop).delete()  # the shop is free again; the code stays used
    expired = binding_code_issue(venue=shop, actor=world.grid_worker)
    BindingCode.objects.filter(pk=expired.pk).update(expires_at=T0 - dt.timedelta(minutes=1))
    revoked = binding_code_revoke(
        binding_code=binding_code_issue(venue=shop, actor=world.grid_worker), actor=world.comm
    )
    return {"used": used.code, "expired": expired.code, "revoked": revoked.code, "wrong": "ABCD2345"}


@pytest.mark.parametrize("kind", ["wrong", "used", "expired", "revoked"])
def test_merchant_signup__an_unusable_code_binds_nothing(world, shop, codes, kind):
    with pytest.raises(InvalidInput) as exc:
        signup(codes[kind])
    assert exc.value.code == "binding_code_invalid" and "code" in exc.value.fields
    assert bound_nothing(shop)
    assert BindingAttempt.objects.filter(key=f"ip:{ADDRESS}").count() == 1


@pytest.mark.parametrize("kind", ["wrong", "used", "expired", "revoked"])
def test_merchant_bind__an_unusable_code_binds_nothing(world, shop, codes, kind):
    with pytest.raises(InvalidInput) as exc:
        merchant_bind(user=world.merchant, code=codes[kind], address=ADDRESS)
    assert exc.value.code == "binding_code_invalid"
    assert not VenueMerchant.objects.filter(venue=shop).exists()


def test_merchant_bind__a_merchant_can_hold_several_venues(world, shop):
    code = binding_code_issue(venue=shop, actor=world.grid_worker)
    merchant_bind(user=world.merchant, code=code.code, address=ADDRESS)
    assert set(merchant_venues(user=world.merchant)) == {world.venue, shop}

    again = binding_code_issue(venue=shop, actor=world.grid_worker)
    with pytest.raises(InvalidInput) as exc:
        merchant_bind(user=world.merchant, code=again.code)
    assert exc.value.code == "already_bound"
    again.refresh_from_db()
    assert again.used_at is None  # still there for another merchant of the shop


def test_merchant_signup__an_existing_mobile_is_a_field_error_and_keeps_the_code(world, shop):
    code = binding_code_issue(venue=shop, actor=world.grid_worker)
    with pytest.raises(InvalidInput) as exc:
        signup(code.code, mobile=world.merchant.mobile)
    assert "mobile" in exc.value.fields
    code.refresh_from_db()
    assert code.used_at is None and not VenueMerchant.objects.filter(venue=shop).exists()


def test_merchant_signup__bad_fields_are_reported_together(world, shop):
    code = binding_code_issue(venue=shop, actor=world.grid_worker)
    with pytest.raises(InvalidInput) as exc:
        signup(code.code, mobile="12345", full_name=" ", password="123")
    assert {"mobile", "full_name", "password"} <= set(exc.value.fields)
    assert bound_nothing(shop)


# --- lockout ----------------------------------------------------------------------------


def test_merchant_signup__sixth_attempt_after_five_wrong_codes_is_locked_out_until_it_lifts(
    world, shop, clock_at, settings
):
    assert (settings.BINDING_MAX_FAILURES, settings.BINDING_LOCKOUT_MINUTES) == (5, 15)
    code = binding_code_issue(venue=shop, actor=world.grid_worker)
    for n in range(5):
        clock_at(T0 + dt.timedelta(minutes=n))
        with pytest.raises(InvalidInput):
            signup("WRONG" + "2345"[n % 4] * 3)

    clock_at(T0 + dt.timedelta(minutes=6))
    with pytest.raises(BindingLockedOut) as exc:
        signup(code.code)  # even the right code
    assert isinstance(exc.value, DomainError) and exc.value.status == 429
    assert exc.value.code == "binding_locked_out"
    assert bound_nothing(shop)
    code.refresh_from_db()
    assert code.used_at is None

    # Another address is not locked out by this one.
    other = binding_code_issue(venue=world.other_venue, actor=world.grid_worker)
    assert signup(other.code, mobile="13800138001", address="198.51.100.9").venue == world.other_venue

    # The lock lifts once the failures are older than BINDING_LOCKOUT_MINUTES.
    clock_at(T0 + dt.timedelta(minutes=14, seconds=59))
    with pytest.raises(BindingLockedOut):
        signup(code.code)
    clock_at(T0 + dt.timedelta(minutes=15, seconds=1))
    assert signup(code.code).venue == shop


def test_merchant_bind__wrong_codes_lock_the_account_out_from_any_address(world, shop, clock_at, settings):
    settings.BINDING_MAX_FAILURES = 3
    settings.BINDING_LOCKOUT_MINUTES = 30
    code = binding_code_issue(venue=shop, actor=world.grid_worker)
    for n in range(3):
        with pytest.raises(InvalidInput):
            merchant_bind(user=world.merchant, code="ZZZZZZZZ", address=f"192.0.2.{n}")
    with pytest.raises(BindingLockedOut):
        merchant_bind(user=world.merchant, code=code.code, address="192.0.2.200")
    clock_at(T0 + dt.timedelta(minutes=31))
    assert merchant_bind(user=world.merchant, code=code.code, address="192.0.2.200").venue == shop
