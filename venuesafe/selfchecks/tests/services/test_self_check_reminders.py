"""run_self_check_reminders: after SELF_CHECK_REMINDER_HOUR (Shanghai time) the merchants of every
open venue not punched in today get one notice; running it again sends nothing new."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from venuesafe.accounts.models import Role
from venuesafe.notices.models import Notice, NoticeKind
from venuesafe.selfchecks.services import run_self_check_reminders
from venuesafe.selfchecks.tests.services.support import punch_in
from venuesafe.testing.factories import user_with_role, venue
from venuesafe.venues.models import BusinessStatus, VenueMerchant


def shanghai(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=dt.UTC) - dt.timedelta(hours=8)


def reminders() -> list[Notice]:
    return list(Notice.objects.filter(kind=NoticeKind.SELF_CHECK_DUE).order_by("id"))


def test_run_self_check_reminders__before_the_hour_nothing(world, clock_at):
    clock_at(shanghai(2, 17, 59))
    assert run_self_check_reminders() == 0
    assert run_self_check_reminders(now=shanghai(2, 6, 0)) == 0
    assert reminders() == []


def test_run_self_check_reminders__each_missing_venues_merchants_once(world, clock_at):
    partner = user_with_role(Role.MERCHANT, world.d.comm_a1)
    VenueMerchant.objects.create(venue=world.other_venue, user=partner)  # the neighbour shop has two merchants
    venue(world.d.comm_a1, world.d.grid_a1a)  # nobody to remind
    closed = venue(world.d.comm_a1, world.d.grid_a1a, business_status=BusinessStatus.CLOSED)
    closed_merchant = user_with_role(Role.MERCHANT, world.d.comm_a1)
    VenueMerchant.objects.create(venue=closed, user=closed_merchant)
    clock_at(shanghai(2, 9, 0))
    punch_in(world.venue, world.merchant)

    clock_at(shanghai(2, 18, 0))
    assert run_self_check_reminders() == 2
    sent = reminders()
    assert sorted(n.recipient_id for n in sent) == sorted([world.other_merchant.pk, partner.pk])
    assert {n.url for n in sent} == {reverse("selfchecks:today", args=[world.other_venue.pk])}
    assert all(world.other_venue.sign_name in n.title and n.read_at is None for n in sent)
    assert not Notice.objects.filter(recipient__in=[world.merchant, closed_merchant]).exists()

    clock_at(shanghai(2, 22, 30))
    assert run_self_check_reminders() == 0
    assert len(reminders()) == 2


def test_run_self_check_reminders__a_late_punch_in_is_not_reminded_again_the_next_day_counts_anew(world, clock_at):
    clock_at(shanghai(2, 19, 0))
    assert run_self_check_reminders() == 2
    punch_in(world.other_venue, world.other_merchant)
    assert run_self_check_reminders() == 0

    clock_at(shanghai(3, 12, 0))
    assert run_self_check_reminders() == 0
    clock_at(shanghai(3, 18, 1))
    assert run_self_check_reminders() == 2
    assert len(reminders()) == 4


def test_run_self_check_reminders__the_hour_is_configurable(world, clock_at, settings):
    settings.SELF_CHECK_REMINDER_HOUR = 9
    clock_at(shanghai(2, 9, 0))
    assert run_self_check_reminders() == 2
