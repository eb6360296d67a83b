"""The daily rollup of the hazard figures the big screen shows (HazardDay).

Kept by EXACT RECOMPUTE: a change to a hazard recomputes the rollup rows of the (community, day)
pairs it touched — its found day and closed day before and after the change — from the hazards
table, once per transaction, on commit. Bulk loaders and the nightly periodic run call
`rebuild()`, which recomputes everything (idempotent). HazardMonth holds the same rows summed by
calendar month and is recomputed from HazardDay with them. Definitions are those of
dashboard/selectors.py: found by found_at day, withdrawn excluded; closed, on time and
rectification by closed_at day (closed_at set, not withdrawn); days in Asia/Shanghai.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from venuesafe.dashboard import tallies
from venuesafe.dashboard.models import HazardDay, HazardMonth, RollupRebuild
from venuesafe.hazards.models import Hazard, HazardState
from venuesafe.org.models import OrgUnit

Pair = tuple[int, dt.date]

RECTIFICATION = ExpressionWrapper(F("closed_at") - F("found_at"), output_field=DurationField())
ON_TIME = Q(deadline__isnull=True) | Q(closed_at__lte=F("deadline"))
ONE_US = dt.timedelta(microseconds=1)


def _start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def hazard_pairs(hazard: Hazard) -> set[Pair]:
    """The (community, day) pairs whose rollup rows this hazard counts in (or might)."""
    pairs = {(hazard.community_id, timezone.localdate(hazard.found_at))}
    if hazard.closed_at is not None:
        pairs.add((hazard.community_id, timezone.localdate(hazard.closed_at)))
    return pairs


def _rows(hazards, day_from: dt.date | None = None, day_to: dt.date | None = None) -> dict:
    """(community, day, type) -> row dict, from the hazards given (withdrawn excluded here)."""
    tz = timezone.get_current_timezone()
    hazards = hazards.exclude(state=HazardState.WITHDRAWN)
    found_q = hazards
    closed_q = hazards.filter(closed_at__isnull=False)
    if day_from is not None:
        found_q = found_q.filter(found_at__gte=_start(day_from), found_at__lt=_start(day_to + dt.timedelta(days=1)))
        closed_q = closed_q.filter(closed_at__gte=_start(day_from), closed_at__lt=_start(day_to + dt.timedelta(days=1)))
    out: dict = {}

    def row(key):
        if key not in out:
            out[key] = {"found": 0, "closed": 0, "closed_on_time": 0, "rectification_us": 0}
        return out[key]

    for community_id, day, type_id, n in (
        found_q.annotate(d=TruncDate("found_at", tzinfo=tz))
        .values_list("community_id", "d", "hazard_type_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        row((community_id, day, type_id))["found"] = n
    for community_id, day, type_id, n, on_time, duration in (
        closed_q.annotate(d=TruncDate("closed_at", tzinfo=tz))
        .values_list("community_id", "d", "hazard_type_id")
        .annotate(n=Count("id"), on_time=Count("id", filter=ON_TIME), duration=Sum(RECTIFICATION))
        .order_by()
    ):
        r = row((community_id, day, type_id))
        r.update(closed=n, closed_on_time=on_time, rectification_us=(duration or dt.timedelta()) // ONE_US)
    return out


def _write(rows: dict) -> None:
    paths = dict(OrgUnit.objects.filter(pk__in={k[0] for k in rows}).values_list("pk", "path"))
    HazardDay.objects.bulk_create(
        [
            HazardDay(community_id=c, community_path=paths[c], day=d, hazard_type_id=t, **r)
            for (c, d, t), r in rows.items()
        ],
        batch_size=5000,
    )


SUMS = ("found", "closed", "closed_on_time", "rectification_us")


def _write_months(days) -> None:
    """HazardMonth rows summed from the given HazardDay rows (a queryset covering whole months)."""
    rows = (
        days.annotate(month=TruncMonth("day"))
        .values_list("community_id", "community_path", "month", "hazard_type_id")
        .annotate(*(Sum(f) for f in SUMS))
        .order_by()
    )
    HazardMonth.objects.bulk_create(
        [
            HazardMonth(
                community_id=c, community_path=p, month=m, hazard_type_id=t, **dict(zip(SUMS, sums, strict=True))
            )
            for c, p, m, t, *sums in rows
        ],
        batch_size=5000,
    )


def _month_range(month: dt.date) -> tuple[dt.date, dt.date]:
    nxt = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return month, nxt - dt.timedelta(days=1)


def lock_org_units(ids: Iterable[int]) -> None:
    """Serialise recomputes of the same community or grid (PostgreSQL): two commits touching it at
    once would each delete and insert its rows, and the one that read first could win with stale
    counts. Under the lock the second reads after the first committed. In id order: no deadlock."""
    list(OrgUnit.objects.select_for_update().filter(pk__in=set(ids)).order_by("pk").values_list("pk", flat=True))


def recompute(pairs: Iterable[Pair]) -> None:
    """Recompute the rollup rows of the given (community id, day) pairs from the hazards table,
    and their months from the days."""
    by_community: dict[int, set[dt.date]] = {}
    for community_id, day in pairs:
        if community_id is not None:
            by_community.setdefault(community_id, set()).add(day)
    with transaction.atomic():
        lock_org_units(by_community)
        for community_id, days in by_community.items():
            HazardDay.objects.filter(community_id=community_id, day__in=days).delete()
            rows = _rows(Hazard.objects.filter(community_id=community_id), min(days), max(days))
            _write({k: r for k, r in rows.items() if k[1] in days})
            for month in {d.replace(day=1) for d in days}:
                HazardMonth.objects.filter(community_id=community_id, month=month).delete()
                first, last = _month_range(month)
                _write_months(HazardDay.objects.filter(community_id=community_id, day__range=(first, last)))


def rebuild(unit: OrgUnit | None = None) -> int:
    """Recompute every rollup row (of the unit's subtree, or everywhere). Idempotent. Returns rows written."""
    hazards = Hazard.objects.all()
    rollup = HazardDay.objects.all()
    months = HazardMonth.objects.all()
    if unit is not None:
        hazards = hazards.filter(org_path__startswith=unit.path)
        rollup = rollup.filter(community_path__startswith=unit.path)
        months = months.filter(community_path__startswith=unit.path)
    with transaction.atomic():
        rollup.delete()
        months.delete()
        rows = _rows(hazards)
        _write(rows)
        _write_months(rollup)
    return len(rows)


NIGHTLY_HOUR = 3  # Shanghai time: the safety-net rebuild runs with the first periodic run after it


def nightly_rebuild(now: dt.datetime) -> bool:
    """Rebuild everything (the hazard rollup and the archive and punch-in tallies) once per Shanghai
    day, from NIGHTLY_HOUR on: the safety net for any write that went past the services and
    signals. True when this call rebuilt."""
    local = timezone.localtime(now)
    if local.hour < NIGHTLY_HOUR:
        return False
    with transaction.atomic():
        _marker, created = RollupRebuild.objects.get_or_create(day=local.date(), defaults={"at": now, "rows": 0})
        if not created:
            return False
        RollupRebuild.objects.filter(day=local.date()).update(rows=rebuild())
        tallies.rebuild(day=local.date())
    return True


def _flush() -> None:
    conn = transaction.get_connection()
    pending = getattr(conn, "_hazard_day_pending", None)
    if pending:
        conn._hazard_day_pending = set()
        recompute(pending)


def hazard_changed(pairs: Iterable[Pair]) -> None:
    """Register pairs to recompute when the current transaction commits (deduplicated per
    transaction). Pairs left over from a rolled-back transaction are recomputed with the next
    commit: harmless, the recompute is exact."""
    conn = transaction.get_connection()
    pending = getattr(conn, "_hazard_day_pending", None)
    if pending is None:
        pending = conn._hazard_day_pending = set()
    pending.update(pairs)
    _on_commit(_flush)


# A failed recompute must not fail the request whose write already committed: it is logged, and
# the nightly rebuild puts the rows right. Dashboard tests run it at once (their transaction never commits).
_on_commit = functools.partial(transaction.on_commit, robust=True)
