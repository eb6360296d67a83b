"""The big screen's archive and punch-in tallies by area (ArchiveTally, PunchInDay). An area is a
venue's grid, or its community when it is in no grid: small enough that a write recomputes a
thousand venues or so, not a community's ten thousand; each row also names its community, which
is what the screen groups by.

Kept by EXACT RECOMPUTE, like the hazard rollup: saving or deleting a venue, its risk score, a
merchant binding or a punch-in registers the areas (and days) it touches; when the
transaction commits their tallies are recomputed from the venues, once per transaction. The
registrations come from model signals rather than from each service, because those rows are
written by four apps (venues, risk, selfchecks, verifications) and a missed write path would
show a wrong figure. Writes past `save()` (bulk loaders, the bench) call `rebuild()`, and the
nightly periodic run rebuilds everything as a safety net. `batch()` holds the recomputes of a
long run of small transactions (the nightly re-scoring of every venue) until it ends.

Definitions are those of dashboard/selectors.py: a venue's area and community are its current
ones; bound: at least one merchant; complete: all five elements present; punched in on a day: at
least one self-check that day, counted for venues in business with a merchant bound.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Iterable, Iterator

from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.lookups import Exact, IsNull
from django.db.models.signals import post_delete, post_init, post_save, pre_save

from venuesafe.core import clock
from venuesafe.dashboard import rollup
from venuesafe.dashboard.models import ArchiveTally, PunchInDay
from venuesafe.org.models import OrgUnit
from venuesafe.risk.models import VenueRisk
from venuesafe.selfchecks.models import SelfCheck
from venuesafe.venues.models import FIVE_ELEMENTS, BusinessStatus, Venue, VenueMerchant

Pair = tuple[int, dt.date]  # (area id, day)


def area_of(grid_id: int | None, community_id: int | None) -> int | None:
    """A venue's area: its grid, or its community when it is in no grid."""
    return grid_id or community_id


def _in_areas(areas: set[int]) -> Q:
    return Q(grid_id__in=areas) | Q(grid__isnull=True, community_id__in=areas)


# Per-venue lookups as scalar subqueries (LIMIT 1): PostgreSQL runs them as index probes for just
# the venues at hand. As EXISTS or a join its planner hashes the whole risk, binding and punch-in
# tables even for one grid's thousand venues (~75 ms instead of ~15 at 100,000 venues,
# bench/dashboard_summary.py).
def _bound() -> IsNull:
    return IsNull(Subquery(VenueMerchant.objects.filter(venue_id=OuterRef("pk")).values("venue_id")[:1]), False)


def _risk_level() -> Subquery:
    return Subquery(VenueRisk.objects.filter(venue_id=OuterRef("pk")).values("level")[:1])


def _punched_on(day: dt.date) -> IsNull:
    checks = SelfCheck.objects.filter(venue_id=OuterRef("pk"), day=day).values("venue_id")[:1]
    return IsNull(Subquery(checks), False)


def _paths(community_ids) -> dict[int, str]:
    return dict(OrgUnit.objects.filter(pk__in=set(community_ids)).values_list("pk", "path").order_by())


def _archive_rows(venues) -> list[ArchiveTally]:
    rows = (
        venues.annotate(complete=Exact(F("elements_present"), len(FIVE_ELEMENTS)), bound=_bound(), level=_risk_level())
        .values_list("grid_id", "community_id", "level", "business_status", "complete", "bound")
        .annotate(n=Count("id"))
        .order_by()
    )
    rows = list(rows)
    paths = _paths(r[1] for r in rows)
    return [
        ArchiveTally(
            area_id=area_of(g, c),
            community_id=c,
            community_path=paths.get(c, ""),
            risk_level=level or "",
            business_status=status,
            complete=complete,
            bound=bound,
            venues=n,
        )
        for g, c, level, status, complete, bound, n in rows
    ]


def _punch_rows(venues, day: dt.date) -> list[PunchInDay]:
    """Venues in business with a merchant bound that punched in on `day`, by area."""
    rows = (
        venues.filter(business_status=BusinessStatus.OPEN)
        .filter(_bound(), _punched_on(day))
        .values_list("grid_id", "community_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    rows = list(rows)
    paths = _paths(r[1] for r in rows)
    return [
        PunchInDay(area_id=area_of(g, c), community_id=c, community_path=paths.get(c, ""), day=day, punched=n)
        for g, c, n in rows
    ]


def recompute(areas: Iterable[int], punch_pairs: Iterable[Pair] = ()) -> None:
    """Recompute the archive tally of the given areas and the punch-ins of the given (area, day)
    pairs from the venues."""
    areas = {a for a in areas if a is not None}
    punch_days: dict[dt.date, set[int]] = {}
    for a, d in punch_pairs:
        if a is not None:
            punch_days.setdefault(d, set()).add(a)
    with transaction.atomic():
        rollup.lock_org_units(areas | {a for ids in punch_days.values() for a in ids})
        if areas:
            ArchiveTally.objects.filter(area_id__in=areas).delete()
            ArchiveTally.objects.bulk_create(_archive_rows(Venue.objects.filter(_in_areas(areas))))
        for day, ids in punch_days.items():
            PunchInDay.objects.filter(area_id__in=ids, day=day).delete()
            PunchInDay.objects.bulk_create(_punch_rows(Venue.objects.filter(_in_areas(ids)), day))


def rebuild(unit: OrgUnit | None = None, day: dt.date | None = None) -> int:
    """Recompute the archive tally and today's punch-ins (of the unit's subtree, or everywhere);
    punch-ins of other days are dropped: the screen shows today's. Returns archive rows written."""
    day = day or clock.local_today()
    venues = Venue.objects.all()
    archive, punches = ArchiveTally.objects.all(), PunchInDay.objects.all()
    if unit is not None:
        venues = venues.filter(org_path__startswith=unit.path)
        archive = archive.filter(community_path__startswith=unit.path)
        punches = punches.filter(community_path__startswith=unit.path)
    with transaction.atomic():
        archive.delete()
        punches.delete()
        rows = ArchiveTally.objects.bulk_create(_archive_rows(venues), batch_size=5000)
        PunchInDay.objects.bulk_create(_punch_rows(venues, day), batch_size=5000)
    return len(rows)


# --- registration on commit -------------------------------------------------------------------


def _pending(conn) -> dict:
    pending = getattr(conn, "_dashboard_tallies_pending", None)
    if pending is None:
        # venues: their area's tally and today's punch-ins; scored: the tally only (a risk level
        # does not move the punch-in count); checks: (venue, day) punch-ins only.
        pending = conn._dashboard_tallies_pending = {"venues": set(), "scored": set(), "areas": set(), "checks": set()}
    return pending


def _flush() -> None:
    conn = transaction.get_connection()
    if getattr(conn, "_dashboard_tallies_held", 0):
        return
    pending = getattr(conn, "_dashboard_tallies_pending", None)
    if not pending or not any(pending.values()):
        return
    conn._dashboard_tallies_pending = None
    today = clock.local_today()
    venue_ids = pending["venues"] | pending["scored"] | {v for v, _d in pending["checks"]}
    area = {
        pk: area_of(g, c)
        for pk, g, c in Venue.objects.filter(pk__in=venue_ids).values_list("pk", "grid_id", "community_id")
    }
    areas = pending["areas"] | {area.get(v) for v in pending["venues"]}
    pairs = {(a, today) for a in areas} | {(area.get(v), d) for v, d in pending["checks"]}
    recompute(areas | {area.get(v) for v in pending["scored"]}, pairs)


def _register(*, venue_id: int | None = None, area_id: int | None = None, check_day=None, scored: bool = False) -> None:
    conn = transaction.get_connection()
    pending = _pending(conn)
    if check_day is not None:
        pending["checks"].add((venue_id, check_day))
    elif venue_id is not None:
        pending["scored" if scored else "venues"].add(venue_id)
    if area_id is not None:
        pending["areas"].add(area_id)
    _on_commit(_flush)


# As in rollup.py: logged on failure (the nightly rebuild puts it right), run at once in dashboard tests.
_on_commit = functools.partial(transaction.on_commit, robust=True)


@contextlib.contextmanager
def batch() -> Iterator[None]:
    """Hold the recomputes registered inside until the block ends, then run them once."""
    conn = transaction.get_connection()
    conn._dashboard_tallies_held = getattr(conn, "_dashboard_tallies_held", 0) + 1
    try:
        yield
    finally:
        conn._dashboard_tallies_held -= 1
    _on_commit(_flush)


def _venue_before(sender, instance: Venue, raw=False, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    # A venue moved to another grid or community leaves its old area's tally too.
    old = Venue.objects.filter(pk=instance.pk).values_list("grid_id", "community_id").first()
    instance._dashboard_old_area = area_of(*old) if old else None


def _venue_saved(sender, instance: Venue, raw=False, **kwargs) -> None:
    if raw:
        return
    _register(venue_id=instance.pk, area_id=getattr(instance, "_dashboard_old_area", None))


def _venue_deleted(sender, instance: Venue, **kwargs) -> None:
    _register(area_id=area_of(instance.grid_id, instance.community_id))


def _venue_row_changed(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    _register(venue_id=instance.venue_id)


def _risk_saved(sender, instance: VenueRisk, raw=False, created=False, **kwargs) -> None:
    if raw:
        return
    # Re-scoring rarely moves a venue between levels: only a new or changed level is a change here.
    if created or instance.level != getattr(instance, "_dashboard_loaded_level", None):
        _register(venue_id=instance.venue_id, scored=True)
    instance._dashboard_loaded_level = instance.level


def _risk_loaded(sender, instance: VenueRisk, **kwargs) -> None:
    instance._dashboard_loaded_level = instance.level if instance.pk else None


def _check_saved(sender, instance: SelfCheck, raw=False, created=False, **kwargs) -> None:
    # A later revision of the day's punch-in leaves the count of venues that punched in as it was.
    if raw or (created and instance.revision > 1):
        return
    _register(venue_id=instance.venue_id, check_day=instance.day)


def _check_deleted(sender, instance: SelfCheck, **kwargs) -> None:
    _register(venue_id=instance.venue_id, check_day=instance.day)


def connect() -> None:
    uid = "dashboard.tallies"
    pre_save.connect(_venue_before, sender=Venue, dispatch_uid=f"{uid}.venue_before")
    post_save.connect(_venue_saved, sender=Venue, dispatch_uid=f"{uid}.venue_saved")
    post_delete.connect(_venue_deleted, sender=Venue, dispatch_uid=f"{uid}.venue_deleted")
    post_save.connect(_venue_row_changed, sender=VenueMerchant, dispatch_uid=f"{uid}.merchant_saved")
    post_delete.connect(_venue_row_changed, sender=VenueMerchant, dispatch_uid=f"{uid}.merchant_deleted")
    post_init.connect(_risk_loaded, sender=VenueRisk, dispatch_uid=f"{uid}.risk_loaded")
    post_save.connect(_risk_saved, sender=VenueRisk, dispatch_uid=f"{uid}.risk_saved")
    post_delete.connect(_venue_row_changed, sender=VenueRisk, dispatch_uid=f"{uid}.risk_deleted")
    post_save.connect(_check_saved, sender=SelfCheck, dispatch_uid=f"{uid}.check_saved")
    post_delete.connect(_check_deleted, sender=SelfCheck, dispatch_uid=f"{uid}.check_deleted")
