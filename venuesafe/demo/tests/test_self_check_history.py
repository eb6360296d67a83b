"""The demo district's merchants and their punch-ins: 212 bound merchants, two months of
self-checks in the shapes selfchecks.services writes, figures that come out of them, and today
left partly done."""

import datetime as dt
import io
from collections import Counter, defaultdict
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.management import call_command

from venuesafe.accounts.models import Role, RoleAssignment, User
from venuesafe.hazards import services as hazard_services
from venuesafe.hazards.models import EventKind, Hazard, HazardSource, HazardState
from venuesafe.selfchecks.models import SelfCheck, SelfCheckAnswer
from venuesafe.selfchecks.selectors import (
    grid_worker_missing_list,
    items_for_venue,
    self_check_figures,
    todays_self_check,
    venue_streak,
)
from venuesafe.venues.models import BindingCode, BusinessStatus, Venue, VenueMerchant

pytestmark = pytest.mark.django_db

# A Wednesday, 11:00 in Shanghai.
NOW = dt.datetime(2026, 6, 17, 3, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 6, 17)
TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def loaded():
    with time_machine.travel(NOW, tick=False):
        out = io.StringIO()
        call_command("load_demo_district", stdout=out)
        yield out.getvalue()


def test_self_check_history__212_merchants_bound_with_their_codes(loaded):
    links = list(VenueMerchant.objects.select_related("venue", "user"))
    assert len(links) == 212 and len({link.user_id for link in links}) == 212
    assert len({link.venue_id for link in links}) == 212
    assert all(link.venue.business_status == BusinessStatus.OPEN for link in links)
    demo = User.objects.get(username="demo_merchant")
    assert demo.pk in {link.user_id for link in links}
    roles = set(RoleAssignment.objects.filter(role=Role.MERCHANT).values_list("user_id", "org_unit_id"))
    codes = {c.used_by_id: c for c in BindingCode.objects.filter(used_at__isnull=False)}
    for link in links:
        assert (link.user_id, link.venue.community_id) in roles
        assert link.created_at < NOW - dt.timedelta(days=7)
        if link.user == demo:
            continue
        assert link.user.username.startswith("cq_merchant_") and not link.user.has_usable_password()
        code = codes[link.user_id]
        assert code.venue_id == link.venue_id and code.issued_by_id == link.venue.grid_worker_id
        assert code.issued_at < code.used_at == link.created_at <= code.expires_at
    mobiles = list(User.objects.values_list("mobile", flat=True))
    assert len(set(mobiles)) == len(mobiles)
    # demo_grid has codes waiting for merchants of its grid who have not bound yet.
    pending = BindingCode.objects.filter(used_at__isnull=True, revoked_at__isnull=True)
    assert pending.exists() and all(c.issued_by.username == "demo_grid" and c.expires_at > NOW for c in pending)
    assert not VenueMerchant.objects.filter(venue__in=[c.venue_id for c in pending]).exists()
    assert "212 merchants bound" in loaded


def test_self_check_history__punch_ins_and_answers_are_what_the_service_writes(loaded):
    venues = Venue.objects.select_related("category").in_bulk()
    holders = defaultdict(set)
    for venue_id, user_id in VenueMerchant.objects.values_list("venue_id", "user_id"):
        holders[venue_id].add(user_id)
    checks = list(SelfCheck.objects.all())
    assert len(checks) > 8000

    # One punch-in per venue and day; amendments are revisions 2, 3, … of that day.
    revisions = defaultdict(list)
    for sc in checks:
        revisions[(sc.venue_id, sc.day)].append(sc.revision)
        venue = venues[sc.venue_id]
        assert sc.merchant_id in holders[sc.venue_id]
        assert sc.day == sc.submitted_at.astimezone(TZ).date() and sc.submitted_at <= NOW
        assert TODAY - dt.timedelta(days=61) <= sc.day <= TODAY
        assert (sc.org_path, sc.community_id, sc.grid_id, sc.category_id) == (
            venue.org_path,
            venue.community_id,
            venue.grid_id,
            venue.category_id,
        )
    for key, revs in revisions.items():
        assert sorted(revs) == list(range(1, len(revs) + 1)), key
    assert 20 < sum(len(r) > 1 for r in revisions.values()) < 500
    assert len({v for v, _day in revisions}) == 212

    # Every item of the venue's self-check answered, with a photo where the item asks for one.
    items = {}
    answers = defaultdict(list)
    for a in SelfCheckAnswer.objects.select_related("item"):
        answers[a.self_check_id].append(a)
    photos = set()
    for sc in checks:
        venue = venues[sc.venue_id]
        if venue.category_id not in items:
            items[venue.category_id] = {i.pk for i in items_for_venue(venue)}
        mine = answers[sc.pk]
        assert sorted(a.item_id for a in mine) == sorted(items[venue.category_id]), sc.pk
        assert sc.failed_count == sum(not a.ok for a in mine)
        for a in mine:
            assert bool(a.photo) or not a.item.photo_required
            assert (a.hazard_id is not None) == (not a.ok)
            assert a.fixed_at_once <= (not a.ok)
            if a.photo:
                photos.add(a.photo.name)
    assert photos and all(default_storage.exists(name) for name in photos)

    # A "no" is the merchant's own report, found at the punch-in.
    failed = SelfCheckAnswer.objects.filter(ok=False).select_related("hazard", "self_check")
    assert failed.count() == Hazard.objects.filter(source=HazardSource.SELF_CHECK).count()
    for a in failed:
        h = a.hazard
        assert h.source == HazardSource.SELF_CHECK and h.venue_id == a.self_check.venue_id
        assert h.found_by_id == a.self_check.merchant_id and h.found_at == a.self_check.submitted_at
        assert h.hazard_type_id == a.item.hazard_type_id and h.fixed_on_spot == a.fixed_at_once


def test_self_check_history__habits_figures_and_today_partly_done(loaded):
    street = User.objects.get(username="demo_street")
    grid = User.objects.get(username="demo_grid")
    merchant = User.objects.get(username="demo_merchant")
    with time_machine.travel(NOW, tick=False):
        f = self_check_figures(user=street)
        demo_venue = Venue.objects.get(merchant_links__user=merchant)
        assert todays_self_check(venue=demo_venue) is None  # the demo merchant's punch-in is for the demo
        assert venue_streak(venue=demo_venue) >= 7
        missing = list(grid_worker_missing_list(user=grid))
        held_in_grid = Venue.objects.filter(grid_worker=grid, merchant_links__isnull=False).distinct().count()

        self_fixed = Hazard.objects.filter(source=HazardSource.SELF_CHECK, fixed_on_spot=True, state=HazardState.CLOSED)
        light = [h.events.get(kind=EventKind.REVIEW_PASSED).actor for h in self_fixed]
        waiting = Hazard.objects.filter(source=HazardSource.SELF_CHECK, state=HazardState.AWAITING_REVIEW)
        assert waiting.exists()
        for h in waiting:
            assert h.fixed_on_spot and not h.is_overdue
            assert "review_pass" in hazard_services.allowed_actions(h, User.objects.get(pk=h.venue.grid_worker_id))
        assert any(h.venue.grid_worker_id == grid.pk for h in waiting)  # demo_grid has a light review to give

    assert f.merchants == 212 and f.total.expected == 212
    assert 0.55 * 212 <= f.masters <= 0.9 * 212  # most punch in most days
    assert 0.3 <= f.total.rate <= 0.9  # 11:00: the morning's punch-ins are in, the rest still to come
    daily = {row["day"]: row["rate"] for row in f.daily}
    assert all(0.65 <= daily[TODAY - dt.timedelta(days=n)] <= 0.95 for n in range(1, 8))
    assert f.total.rate < daily[TODAY - dt.timedelta(days=1)]
    assert 0 < len(missing) < held_in_grid and demo_venue in set(grid_worker_missing_list(user=street))
    streaks = Counter(s["streak"] >= 10 for s in f.longest_streaks)
    assert streaks[True] == len(f.longest_streaks)
    assert f.hazards_self_found >= 10 and f.hazards_self_fixed >= 5
    assert f.hazards_inspector_found > f.hazards_self_found
    assert light and all(RoleAssignment.objects.filter(user=u, role=Role.GRID_WORKER).exists() for u in light)
    assert "masters" in loaded and "today so far" in loaded
