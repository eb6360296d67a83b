#!/usr/bin/env python
"""Ledger exports in constant memory: the hazard ledger at growing sizes, CSV and xlsx.

Builds a throwaway SQLite database (var/bench/export_memory.sqlite3), migrates it, inserts
100,000 hazards over 100 days (1,000 a day) with their timelines (bulk_create: a found event for
each, dispatch and acknowledgement for two thirds, the whole loop to closed for a third: about
3.4 events a hazard), then exports through the app's own code (venuesafe.ledgers: the ledger's
scoped queryset, its chunked records, the CSV and xlsx writers) the first N days' hazards for a
street office user, N × 1,000 rows, for each size asked:

  CSV   10,000 and 100,000 rows (--csv-rows)
  xlsx   2,000 and   5,000 rows (--xlsx-rows; openpyxl writes the hazard ledger — about 47 cells a
         hazard with its events sheet — at several hundred rows a second, and tracemalloc makes
         that four times slower, so the default keeps the run short; pass
         --xlsx-rows 10000,100000 for the full measurement, about 20 minutes)

Memory is held per chunk of 2,000 hazards (ledgers.sheets.CHUNK), so sizes below that are not
comparable: the smallest size should be at least 2,000.

Each export runs once under tracemalloc (peak of Python memory during the export) and the
largest of each format once more without it, for the time (rows/s). It prints, per format, the
ratio peak(largest) / peak(smallest): constant memory gives about 1, a writer that held the rows
would give the ratio of the sizes (10). PASS when every ratio is at most --max-ratio (1.5); the
exit status is non-zero on FAIL. See docs/ledgers.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_PATH = ROOT / "var" / "bench" / "export_memory.sqlite3"
DAY0 = dt.date(2026, 1, 1)
CHUNK = 5000


def sizes(text: str) -> list[int]:
    values = sorted({int(v) for v in text.split(",") if v.strip()})
    if len(values) < 2 or values[0] < 1000:
        raise argparse.ArgumentTypeError("give at least two sizes of 1000 rows or more, e.g. 10000,100000")
    return values


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--csv-rows", type=sizes, default=[10_000, 100_000], help="CSV export sizes (rows)")
    p.add_argument("--xlsx-rows", type=sizes, default=[2_000, 5_000], help="xlsx export sizes (rows)")
    p.add_argument("--max-ratio", type=float, default=1.5, help="PASS when peak(largest)/peak(smallest) <= this")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    p.add_argument("--reuse", action="store_true", help="reuse a kept bench database")
    return p.parse_args()


def setup_django() -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{DB_PATH}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DEBUG"] = "0"  # as in production: no query log kept on the connection
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def drop_database() -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{DB_PATH}{suffix}").unlink(missing_ok=True)


def progress(msg: str) -> None:
    print(f"\r  {msg:<50}", end="", file=sys.stderr, flush=True)


# --- data -----------------------------------------------------------------------------------


# Columns the bench does not set itself: the model's defaults, written out (insert_sql checks
# that the bench knows every column, so a new column makes it fail loudly, not insert nonsense).
HAZARD_DEFAULTS = {
    "inspection_id": None,
    "found_lat": None,
    "found_lng": None,
    "found_accuracy_m": None,
    "fixed_on_spot": False,
    "responsible_community_id": None,
    "responsible_department_id": None,
    "escalation_level": 0,
    "dispatched_at": None,
    "proof_submitted_at": None,
    "review_failures": 0,
    "reopen_count": 0,
    "version": 1,
}
EVENT_DEFAULTS = {"lat": None, "lng": None, "accuracy_m": None, "data": "{}"}
HAZARD_WRITTEN = (
    "id",
    "venue_id",
    "hazard_type_id",
    "description",
    "severity",
    "state",
    "source",
    "found_by_id",
    "found_at",
    "deadline",
    "responsible_merchant",
    "closed_at",
    "org_path",
    "community_id",
    "category_id",
    "created_at",
    "updated_at",
)
EVENT_WRITTEN = ("id", "hazard_id", "kind", "from_state", "to_state", "actor_id", "at", "note")


def insert_sql(model, defaults: dict, written: tuple[str, ...]) -> tuple[str, list[str]]:
    """INSERT for every concrete column of the model, straight on the cursor (executemany)."""
    columns = [f.column for f in model._meta.concrete_fields]
    unknown = [c for c in columns if c not in written and c not in defaults]
    if unknown:
        raise SystemExit(f"bench/export_memory.py is out of date with {model.__name__}: {unknown}")
    table = model._meta.db_table
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    return sql, columns


def build(n: int, seed: int):
    """A street of 4 communities × 2 grids, 400 venues and `n` hazards with their events."""
    from django.db import connection, transaction
    from django.utils import timezone

    from venuesafe.accounts.models import Role, RoleAssignment, User
    from venuesafe.hazards.models import EventKind, Hazard, HazardEvent, HazardSource, HazardState, HazardType
    from venuesafe.org.models import OrgLevel
    from venuesafe.org.services import org_unit_create
    from venuesafe.venues.models import Venue, VenueCategory

    rng = random.Random(seed)
    district = org_unit_create(name="崇川区", code="E-D", level=OrgLevel.DISTRICT)
    street = org_unit_create(name="陈桥街道", code="E-S", level=OrgLevel.STREET, parent=district)
    grids = []
    for c in range(4):
        comm = org_unit_create(name=f"社区{c + 1}", code=f"E-C{c}", level=OrgLevel.COMMUNITY, parent=street)
        grids += [
            org_unit_create(name=f"网格{c + 1}-{g + 1}", code=f"E-G{c}-{g}", level=OrgLevel.GRID, parent=comm)
            for g in range(2)
        ]
    user = User.objects.create_user(username="bench_street", full_name="综安办", mobile="13900000001")
    RoleAssignment.objects.create(user=user, role=Role.STREET_OFFICE, org_unit=street)
    staff = [
        User.objects.create_user(username=f"bench_staff{i}", full_name=f"巡查员{i}", mobile=f"1380000{i:04d}")
        for i in range(20)
    ]
    categories = list(VenueCategory.objects.filter(parent__isnull=True))
    types = list(HazardType.objects.all())
    venues = []
    for i in range(400):
        grid = grids[i % len(grids)]
        venues.append(
            Venue(
                sign_name=f"基准商店{i}",
                category=rng.choice(categories),
                address=f"陈桥街道测试路{i + 1}号",
                community_id=grid.parent_id,
                grid=grid,
                org_path=grid.path,
                operator_name="张三",
                operator_mobile="13912345678",
                elements_present=4,
            )
        )
    venues = Venue.objects.bulk_create(venues)

    tz = timezone.get_default_timezone()
    start = dt.datetime.combine(DAY0, dt.time(8), tzinfo=tz)
    per_day = 1000
    db_time = connection.ops.adapt_datetimefield_value
    hazard_sql, hazard_columns = insert_sql(Hazard, HAZARD_DEFAULTS, HAZARD_WRITTEN)
    event_sql, event_columns = insert_sql(HazardEvent, EVENT_DEFAULTS, EVENT_WRITTEN)
    hazard_rows, event_rows = [], []
    event_id = 0
    with transaction.atomic(), connection.cursor() as cur:
        for i in range(n):
            pk = i + 1
            v = venues[rng.randrange(len(venues))]
            t = types[rng.randrange(len(types))]
            found_at = start + dt.timedelta(days=i // per_day, seconds=rng.randrange(10 * 3600))
            deadline = found_at + dt.timedelta(hours=72)
            actor = staff[rng.randrange(len(staff))]
            kind = rng.random()
            closed = kind < 0.35
            state = HazardState.CLOSED if closed else (HazardState.FOUND if kind < 0.5 else HazardState.RECTIFYING)
            closed_at = found_at + dt.timedelta(hours=rng.uniform(2, 120)) if closed else None
            hazard = {
                "id": pk,
                "venue_id": v.pk,
                "hazard_type_id": t.pk,
                "description": "后门通道堆放纸箱，需立即清理" if i % 3 == 0 else "",
                "severity": t.default_severity,
                "state": state,
                "source": HazardSource.INSPECTION,
                "found_by_id": actor.pk,
                "found_at": db_time(found_at),
                "deadline": db_time(deadline),
                "responsible_merchant": state != HazardState.FOUND,
                "closed_at": db_time(closed_at) if closed_at else None,
                "org_path": v.org_path,
                "community_id": v.community_id,
                "category_id": v.category_id,
                "created_at": db_time(found_at),
                "updated_at": db_time(closed_at or found_at),
            }
            hazard_rows.append(tuple(hazard.get(c, HAZARD_DEFAULTS.get(c)) for c in hazard_columns))
            steps = [(EventKind.FOUND, "", HazardState.FOUND, found_at, "现场发现")]
            if state != HazardState.FOUND:
                at = found_at + dt.timedelta(hours=1)
                steps.append((EventKind.DISPATCHED, HazardState.FOUND, HazardState.DISPATCHED, at, "请按期整改"))
                steps.append((EventKind.ACKNOWLEDGED, HazardState.DISPATCHED, HazardState.RECTIFYING, at, ""))
            if closed:
                at = closed_at - dt.timedelta(hours=1)
                steps.append(
                    (EventKind.PROOF_SUBMITTED, HazardState.RECTIFYING, HazardState.AWAITING_REVIEW, at, "已整改")
                )
                steps.append(
                    (EventKind.REVIEW_PASSED, HazardState.AWAITING_REVIEW, HazardState.CLOSED, closed_at, "复核通过")
                )
            for kind_, from_state, to_state, at, note in steps:
                event_id += 1
                event = {
                    "id": event_id,
                    "hazard_id": pk,
                    "kind": kind_,
                    "from_state": from_state,
                    "to_state": to_state,
                    "actor_id": actor.pk,
                    "at": db_time(at),
                    "note": note,
                }
                event_rows.append(tuple(event.get(c, EVENT_DEFAULTS.get(c)) for c in event_columns))
            if len(hazard_rows) >= CHUNK:
                cur.executemany(hazard_sql, hazard_rows)
                cur.executemany(event_sql, event_rows)
                hazard_rows, event_rows = [], []
                progress(f"inserted {pk:,} hazards, {event_id:,} events")
        if hazard_rows:
            cur.executemany(hazard_sql, hazard_rows)
            cur.executemany(event_sql, event_rows)
    print(file=sys.stderr)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return user, event_id


# --- the exports ----------------------------------------------------------------------------


def run_export(user, fmt: str, days: int, traced: bool) -> tuple[int, float, int, int]:
    """(rows, seconds, peak bytes or 0, output bytes) of one hazard-ledger export."""
    from venuesafe.ledgers.filters import LedgerFilters
    from venuesafe.ledgers.sheets import LEDGERS
    from venuesafe.ledgers.writers import write_csv, write_xlsx

    ledger = LEDGERS["hazards"]
    filters = LedgerFilters(date_from=DAY0, date_to=DAY0 + dt.timedelta(days=days - 1))
    if traced:
        tracemalloc.start()
        tracemalloc.reset_peak()
    t0 = time.perf_counter()
    qs = ledger.queryset(user=user, filters=filters)
    with tempfile.TemporaryFile() as fh:
        if fmt == "xlsx":
            rows = write_xlsx(ledger, ledger.records(qs), fh)
        else:
            rows = write_csv(ledger, ledger.records(qs), fh)
        size = fh.tell()
    seconds = time.perf_counter() - t0
    peak = 0
    if traced:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return rows, seconds, peak, size


def main() -> int:
    args = parse_args()
    hazards = max(args.csv_rows + args.xlsx_rows)
    reuse = args.reuse and DB_PATH.exists()
    if not reuse:
        drop_database()
        DB_PATH.parent.mkdir(parents=True, exist_ok=True)
    setup_django()

    from django.core.management import call_command
    from django.db import connection, connections

    from venuesafe.accounts.models import User
    from venuesafe.hazards.models import Hazard, HazardEvent

    print(f"export memory benchmark on SQLite {DB_PATH.relative_to(ROOT)} ({connection.Database.sqlite_version})")
    t0 = time.perf_counter()
    if reuse and Hazard.objects.count() >= hazards:
        user = User.objects.get(username="bench_street")
        print(f"reusing {Hazard.objects.count():,} hazards, {HazardEvent.objects.count():,} events")
    else:
        call_command("migrate", verbosity=0, interactive=False)
        t1 = time.perf_counter()
        user, events = build(hazards, args.seed)
        t2 = time.perf_counter()
        print(f"setup: migrate {t1 - t0:.1f} s, {hazards:,} hazards and {events:,} events {t2 - t1:.1f} s")

    ok = True
    try:
        for fmt, wanted in (("csv", args.csv_rows), ("xlsx", args.xlsx_rows)):
            peaks = {}
            for n in wanted:
                rows, seconds, peak, size = run_export(user, fmt, n // 1000, traced=True)
                peaks[n] = peak
                print(
                    f"{fmt:<4} {rows:>8,} rows  peak {peak / 2**20:6.1f} MiB (tracemalloc)   "
                    f"traced {seconds:6.1f} s   file {size / 2**20:6.1f} MiB"
                )
            n = wanted[-1]
            rows, seconds, _peak, _size = run_export(user, fmt, n // 1000, traced=False)
            print(f"{fmt:<4} {rows:>8,} rows  untraced {seconds:6.1f} s = {rows / seconds:,.0f} rows/s")
            ratio = peaks[wanted[-1]] / peaks[wanted[0]]
            passed = ratio <= args.max_ratio
            ok = ok and passed
            print(
                f"{fmt:<4} peak({wanted[-1]:,}) / peak({wanted[0]:,}) = {ratio:.2f}   "
                f"(rows x{wanted[-1] / wanted[0]:g})   <= {args.max_ratio:g}: {'PASS' if passed else 'FAIL'}"
            )
    finally:
        connections.close_all()
        if not args.keep:
            drop_database()
    print(f"total {time.perf_counter() - t0:.0f} s")
    print("RESULT:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
