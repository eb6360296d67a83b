#!/usr/bin/env python
"""The big screen's summary for a street with 100,000 venues and 1,000,000 hazards.

Builds, in a throwaway database, a street (陈桥街道, 10 communities × 10 grids) with 100,000 venues,
1,000,000 hazards over three years with their events (found, dispatched, proof submitted, closed,
withdrawn: about 3.7 per hazard), 300,000 inspections and 1,000,000 punch-ins over the last 30
days, plus a smaller neighbouring street (so the street's scope is a real filter), all with
`INSERT … SELECT` over a generated series, then ANALYZE. Then times, in the same run:

  floor     hand-written SQL on the DB-API connection: the headline figures (hazards found, closed,
            closed on time, mean rectification time, open and overdue this year; venues archived
            and complete; inspections today and this month), one aggregate query per table
  summary   venuesafe.dashboard.selectors.screen_summary(user=<street office>, unit=<street>)
  api       GET /api/v1/dashboard/summary/ through Django's test Client (token auth, JSON), with
            the shared summary cache off: every call computes the summary
  shared    the same request with the cache on: what every further screen of the street gets
            until something changes (DASHBOARD_SUMMARY_CACHE_SECONDS)
  poll      GET /api/v1/dashboard/summary/?since=<current marker>  ({"changed": false})
  community screen_summary() of one of the street's ten communities
  live      screen_summary(rollup=False): every figure by live SQL, as a narrower scope reads them
  hazard    the write side, what a commit adds: a hazard's (community, day) and month recomputed
  venue     … a venue, risk score or merchant binding: its grid's archive tally and punch-ins
  punch-in  … a punch-in: its grid's punch-ins of the day

and prints median and p95 of --runs runs after --warmup runs, the ratio to the floor and PASS/FAIL
against the target (summary and API median < 300 ms). The headline figures of floor and summary,
and every figure of summary and live, must be equal. Exit status non-zero on FAIL.

PostgreSQL (default): the server DATABASE_URL (or --database-url) points at, where a database
`venuesafe_bench_dashboard` is created (and dropped unless --keep); when that is not a PostgreSQL
URL the script runs itself again inside scripts/throwaway-postgres. --sqlite: an SQLite file
var/bench/dashboard_summary.sqlite3 instead (slow to build at full size: use --scale).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DB_NAME = "venuesafe_bench_dashboard"
POSTGRES_SCHEMES = ("postgres://", "postgresql://", "pgsql://")
TARGET_MS = 300.0
SUMMARY_URL = "/api/v1/dashboard/summary/"
COMMUNITIES, GRIDS = 10, 10  # the bench street
OTHER_COMMUNITIES, OTHER_GRIDS = 2, 5  # the neighbouring street
YEARS = 3
SELF_CHECK_DAYS = 30
SH = dt.timezone(dt.timedelta(hours=8))


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="PostgreSQL server to use (default: DATABASE_URL; otherwise a throwaway cluster)",
    )
    p.add_argument("--sqlite", action="store_true", help="an SQLite file instead of PostgreSQL")
    p.add_argument("--scale", type=float, default=1.0, help="multiply every row count (e.g. 0.1 for a quick run)")
    p.add_argument("--venues", type=int, default=100_000, help="venues in the bench street")
    p.add_argument("--hazards", type=int, default=1_000_000, help="hazards in the bench street")
    p.add_argument("--inspections", type=int, default=300_000, help="inspections in the bench street")
    p.add_argument("--self-checks", type=int, default=1_000_000, help="punch-ins over the last 30 days")
    p.add_argument("--other", type=float, default=0.1, help="the neighbouring street's size, relative")
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    p.add_argument("--reuse", action="store_true", help="time again on a kept database (migrates it first)")
    p.add_argument("--queries", action="store_true", help="print each SQL query of one summary with its time")
    args = p.parse_args()
    for name in ("venues", "hazards", "inspections", "self_checks"):
        setattr(args, name, max(1, int(getattr(args, name) * args.scale)))
    return args


def progress(msg: str) -> None:
    print(f"  {msg}", file=sys.stderr, flush=True)


# --- database lifecycle ---------------------------------------------------------------------


class BenchDatabase:
    def __init__(self, base_url: str, sqlite: bool):
        self.base_url = base_url
        self.postgres = not sqlite
        if self.postgres:
            parts = urlsplit(base_url)
            self.url = urlunsplit(parts._replace(path="/" + BENCH_DB_NAME))
            self.label = f"{parts.hostname}:{parts.port or 5432}/{BENCH_DB_NAME}"
        else:
            self.path = ROOT / "var" / "bench" / "dashboard_summary.sqlite3"
            self.url = f"sqlite:///{self.path}"
            self.label = str(self.path.relative_to(ROOT))

    def _admin(self):
        import psycopg

        parts = urlsplit(self.base_url)
        return psycopg.connect(
            host=parts.hostname,
            port=parts.port or 5432,
            user=parts.username,
            password=parts.password,
            dbname=(parts.path or "/postgres").lstrip("/") or "postgres",
            autocommit=True,
        )

    def exists(self) -> bool:
        if not self.postgres:
            return self.path.exists()
        with self._admin() as conn:
            return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB_NAME]).fetchone() is not None

    def create(self) -> None:
        self.drop()
        if self.postgres:
            with self._admin() as conn:
                conn.execute(f'CREATE DATABASE "{BENCH_DB_NAME}"')
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)

    def drop(self) -> None:
        if self.postgres:
            with self._admin() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB_NAME}" WITH (FORCE)')
        else:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def version(self) -> str:
        from django.db import connection

        with connection.cursor() as cur:
            if self.postgres:
                cur.execute("SHOW server_version")
                return "PostgreSQL " + cur.fetchone()[0].split()[0]
            cur.execute("SELECT sqlite_version()")
            return "SQLite " + cur.fetchone()[0]


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DEBUG"] = "0"  # as in production: no query log
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


# --- SQL dialects ---------------------------------------------------------------------------


class Postgres:
    def series(self, n: int) -> str:
        return f"s(i) AS (SELECT generate_series(1, {int(n)}))"

    rand = "random()"

    def ts(self, epoch: str) -> str:
        return f"to_timestamp({epoch})"

    def int(self, expr: str) -> str:
        return f"floor({expr})::bigint"

    def uuid(self, expr: str) -> str:
        return f"lpad(to_hex({expr}), 32, '0')::uuid"

    def day(self, iso: str, minus: str) -> str:
        return f"(DATE '{iso}' - ({minus})::int)"

    def plus_hours(self, column: str, hours: int) -> str:
        return f"{column} + interval '{int(hours)} hours'"

    true, false = "true", "false"


class Sqlite:
    def series(self, n: int) -> str:
        return f"s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {int(n)})"

    rand = "(random() / 18446744073709551616.0 + 0.5)"

    def ts(self, epoch: str) -> str:
        return f"datetime({epoch}, 'unixepoch')"  # what Django stores: UTC without an offset

    def int(self, expr: str) -> str:
        return f"CAST({expr} AS INTEGER)"  # every value here is positive: truncation is floor

    def uuid(self, expr: str) -> str:
        return f"printf('%032x', {expr})"

    def day(self, iso: str, minus: str) -> str:
        return f"date('{iso}', '-' || ({minus}) || ' days')"

    def plus_hours(self, column: str, hours: int) -> str:
        return f"datetime({column}, '+{int(hours)} hours')"

    true, false = "1", "0"


# --- data -----------------------------------------------------------------------------------


BIG_TABLES = (
    "venues_venue",
    "hazards_hazard",
    "hazards_hazardevent",
    "inspections_inspection",
    "selfchecks_selfcheck",
    "accounts_user",
    "venues_venuemerchant",
    "risk_venuerisk",
)


def build(args, postgres: bool, now: dt.datetime) -> dict:
    """The org tree and people through the ORM; the millions of rows in SQL. Returns timings."""
    from django.db import connection, transaction

    from venuesafe.accounts.models import Role, RoleAssignment, User
    from venuesafe.hazards.models import HazardType
    from venuesafe.org.models import OrgLevel
    from venuesafe.org.services import org_unit_create
    from venuesafe.venues.models import VenueCategory

    sql = Postgres() if postgres else Sqlite()
    t0 = time.perf_counter()
    district = org_unit_create(name="崇川区", code="B-D", level=OrgLevel.DISTRICT)
    street = org_unit_create(name="陈桥街道", code="B-S1", level=OrgLevel.STREET, parent=district)
    other = org_unit_create(name="幸福街道", code="B-S2", level=OrgLevel.STREET, parent=district)
    grids = []
    for s, n_comm, n_grid in ((street, COMMUNITIES, GRIDS), (other, OTHER_COMMUNITIES, OTHER_GRIDS)):
        for c in range(n_comm):
            comm = org_unit_create(
                name=f"{s.name[:2]}社区{c + 1}", code=f"B-{s.pk}-C{c}", level=OrgLevel.COMMUNITY, parent=s
            )
            for g in range(n_grid):
                grids.append(
                    org_unit_create(
                        name=f"{comm.name}网格{g + 1}", code=f"B-{comm.pk}-G{g}", level=OrgLevel.GRID, parent=comm
                    )
                )
    street_grids = COMMUNITIES * GRIDS
    other_grids = OTHER_COMMUNITIES * OTHER_GRIDS
    office = User.objects.create_user(username="bench_street", full_name="陈桥综安办", mobile="13900000000")
    RoleAssignment.objects.create(user=office, role=Role.STREET_OFFICE, org_unit=street)
    inspectors = []
    for i, grid in enumerate(grids):
        u = User(username=f"bench_inspector{i}", full_name=f"巡查员{i}", password="!")
        u.save()
        RoleAssignment.objects.create(user=u, role=Role.INSPECTOR, org_unit=grid.parent)
        inspectors.append(u)
    category_ids = list(VenueCategory.objects.filter(parent__isnull=False).values_list("pk", flat=True)) or list(
        VenueCategory.objects.values_list("pk", flat=True)
    )
    type_ids = list(HazardType.objects.order_by("sort_order", "code").values_list("pk", flat=True))

    n_venues = args.venues + int(args.venues * args.other)
    n_hazards = int(args.hazards * n_venues / args.venues)
    n_inspections = int(args.inspections * n_venues / args.venues)
    now_epoch = int(now.timestamp())
    span = YEARS * 365 * 86400
    today = now.astimezone(SH).date()
    today_start_epoch = int(dt.datetime.combine(today, dt.time.min, tzinfo=SH).timestamp())

    with connection.cursor() as cur:
        # Small lookup tables the generators join: grid k -> (grid, community, path), type k, inspector k.
        cur.execute(
            "CREATE TABLE bench_grid "
            "(k integer PRIMARY KEY, grid_id integer UNIQUE, community_id integer, path varchar(255))"
        )
        cur.execute("CREATE TABLE bench_pick (kind varchar(8), k integer, id integer, PRIMARY KEY (kind, k))")
        ph = "%s" if postgres else "?"
        cur.executemany(
            f"INSERT INTO bench_grid VALUES ({ph}, {ph}, {ph}, {ph})",
            [(k, g.pk, g.parent_id, g.path) for k, g in enumerate(grids)],
        )
        picks = [("type", k, pk) for k, pk in enumerate(type_ids)]
        picks += [("insp", k, u.pk) for k, u in enumerate(inspectors)]
        picks += [("cat", k, pk) for k, pk in enumerate(category_ids)]
        cur.executemany(f"INSERT INTO bench_pick VALUES ({ph}, {ph}, {ph})", picks)

    indexes = drop_indexes(postgres)
    t1 = time.perf_counter()
    rand = sql.rand
    created = sql.ts(str(now_epoch - 500 * 86400))

    def run(label: str, statement: str) -> None:
        t = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cur:
            if postgres:
                cur.execute("SET LOCAL session_replication_role = replica")  # no per-row FK triggers for the load
                cur.execute("SET LOCAL work_mem = '512MB'")  # the ORDER BY of millions of rows in memory
            cur.execute(statement)
            n = cur.rowcount
        rows = f"{n:,} rows" if n >= 0 else "done"  # SQLite reports no count for INSERT after WITH
        progress(f"{label}: {rows}, {time.perf_counter() - t:.1f} s")

    if not postgres:
        with connection.cursor() as cur:
            cur.execute("PRAGMA foreign_keys = OFF")
            cur.execute("PRAGMA synchronous = OFF")

    # Venues: 90 % open, 5 % suspended, 5 % deregistered; 90 % with a photo, 92 % with a licence;
    # 97 % located; the bench street first, then the neighbouring one.
    run(
        "venues",
        f"""WITH RECURSIVE {sql.series(n_venues)},
        x AS MATERIALIZED (SELECT i, {rand} AS r1, {rand} AS r2, {rand} AS r3, {rand} AS r4, {rand} AS r5 FROM s)
        INSERT INTO venues_venue (sign_name, category_id, address, photo, licence_kind, licence_no, lat, lng,
            geo_cell, location_source, location_accuracy_m, operator_name, operator_mobile, business_status,
            floor_area_m2, community_id, grid_id, org_path, grid_worker_id, inspector_id, qr_token,
            elements_present, created_by_id, created_at, updated_at)
        SELECT '基准商店' || i, c.id, '崇川区基准路' || i || '号',
            CASE WHEN r2 < 0.9 THEN 'venues/photos/bench.jpg' ELSE '' END,
            CASE WHEN r3 < 0.92 THEN 'uscc' ELSE '' END,
            CASE WHEN r3 < 0.92 THEN '92320602' || (1000000000 + i) ELSE '' END,
            CASE WHEN r1 < 0.97 THEN 32.0 + r4 * 0.15 END, CASE WHEN r1 < 0.97 THEN 120.75 + r5 * 0.2 END,
            NULL, 'gps', NULL, '张三', '13912345678',
            CASE WHEN r4 < 0.05 THEN 'closed' WHEN r4 < 0.10 THEN 'suspended' ELSE 'open' END,
            NULL, g.community_id, g.grid_id, g.path, NULL, NULL, 'bench' || i,
            3 + CASE WHEN r2 < 0.9 THEN 1 ELSE 0 END + CASE WHEN r3 < 0.92 THEN 1 ELSE 0 END,
            NULL, {created}, {created}
        FROM x
        JOIN bench_grid g ON g.k = CASE WHEN i <= {args.venues} THEN (i - 1) % {street_grids}
                                        ELSE {street_grids} + (i - 1) % {other_grids} END
        JOIN bench_pick c ON c.kind = 'cat' AND c.k = (i * 7) % {len(category_ids)}
        ORDER BY i""",
    )
    with connection.cursor() as cur:
        cur.execute("SELECT min(id), max(id), count(*) FROM venues_venue")
        vmin, vmax, vcount = cur.fetchone()
    assert vmax - vmin + 1 == vcount == n_venues, (vmin, vmax, vcount)

    # A merchant account at 80 % of the venues, one each.
    run(
        "merchants",
        f"""INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email, is_staff,
            is_active, date_joined, full_name, mobile)
        SELECT '!', {sql.false}, 'bench_m' || id, '', '', '', {sql.false}, {sql.true}, {created}, '商户' || id, NULL
        FROM venues_venue WHERE id % 5 <> 0 ORDER BY id""",
    )
    run(
        "venue merchants",
        f"""INSERT INTO venues_venuemerchant (venue_id, user_id, created_at)
        SELECT v.id, u.id, {created} FROM venues_venue v JOIN accounts_user u ON u.username = 'bench_m' || v.id
        ORDER BY v.id""",
    )
    # Risk levels of the venues not deregistered: 5 % red, 15 % orange, 30 % yellow, 50 % blue.
    run(
        "risk scores",
        f"""INSERT INTO risk_venuerisk (venue_id, score, level, factors, computed_at, org_path)
        SELECT id, (id * 37) % 100,
            CASE WHEN (id * 7919) % 100 < 5 THEN 'red' WHEN (id * 7919) % 100 < 20 THEN 'orange'
                 WHEN (id * 7919) % 100 < 50 THEN 'yellow' ELSE 'blue' END,
            '[]', {sql.ts(str(now_epoch - 3600))}, org_path
        FROM venues_venue WHERE business_status <> 'closed' ORDER BY id""",
    )

    # Hazards, found uniformly over three years (ids in the order found). Of those found in the last
    # 14 days 60 % are still open; of the older ones 1.5 % (most of them overdue); 2 % withdrawn;
    # the rest closed 2–302 hours after being found (skewed short), when that is before now.
    # Deadline: none (15 %), 24 h, 72 h or 168 h.
    n_types = len(type_ids)
    open_state = (
        "CASE WHEN r2 < 0.2 THEN 'found' WHEN r2 < 0.5 THEN 'dispatched' WHEN r2 < 0.85 THEN 'rectifying' "
        "ELSE 'awaiting_review' END"
    )
    run(
        "hazards",
        f"""WITH RECURSIVE {sql.series(n_hazards)},
        x AS MATERIALIZED (
            SELECT i, {rand} AS r1, {rand} AS r2, {rand} AS r3, {rand} AS r4, {rand} AS r5, {rand} AS r6, {rand} AS r7
            FROM s),
        y AS (
            SELECT i, r1, r2, r3, r6, {vmin} + {sql.int(f"r4 * {n_venues}")} AS vid,
                {now_epoch} - {sql.int(f"r5 * {span}")} AS f, 3600 * (2 + {sql.int("r3 * r3 * 300")}) AS dur,
                {sql.int(f"r7 * r7 * {n_types}")} AS tk
            FROM x),
        z AS (
            SELECT y.*,
                CASE WHEN r6 < 0.15 THEN NULL WHEN r6 < 0.5 THEN f + 72 * 3600 WHEN r6 < 0.8 THEN f + 168 * 3600
                     ELSE f + 24 * 3600 END AS dl,
                CASE WHEN r1 < 0.02 THEN 'withdrawn'
                     WHEN ({now_epoch} - f < 14 * 86400 AND r1 < 0.62) OR r1 < 0.035 OR f + dur > {now_epoch}
                     THEN {open_state}
                     ELSE 'closed' END AS st
            FROM y)
        INSERT INTO hazards_hazard (venue_id, hazard_type_id, description, severity, state, source, inspection_id,
            found_by_id, found_at, found_lat, found_lng, found_accuracy_m, fixed_on_spot, deadline,
            responsible_merchant, responsible_community_id, responsible_department_id, escalation_level,
            dispatched_at, proof_submitted_at, closed_at, review_failures, reopen_count, version, org_path,
            community_id, category_id, created_at, updated_at)
        SELECT z.vid, t.id, '', CASE WHEN r3 < 0.05 THEN 'serious' ELSE 'general' END, st, 'inspection', NULL,
            p.id, {sql.ts("f")}, NULL, NULL, NULL, {sql.false}, {sql.ts("dl")},
            {sql.true}, NULL, NULL, 0,
            CASE WHEN st IN ('found', 'withdrawn') THEN NULL ELSE {sql.ts("f + 3600")} END,
            CASE WHEN st = 'closed' THEN {sql.ts("f + dur - 1800")}
                 WHEN st = 'awaiting_review' THEN {sql.ts("f + 5400")} END,
            CASE WHEN st = 'closed' THEN {sql.ts("f + dur")} END,
            0, 0, CASE WHEN st = 'closed' THEN 4 WHEN st = 'found' THEN 1 ELSE 2 END, v.org_path,
            v.community_id, v.category_id, {sql.ts("f")}, {sql.ts("CASE WHEN st = 'closed' THEN f + dur ELSE f END")}
        FROM z
        JOIN venues_venue v ON v.id = z.vid
        JOIN bench_pick t ON t.kind = 'type' AND t.k = z.tk
        JOIN bench_grid g ON g.grid_id = v.grid_id
        JOIN bench_pick p ON p.kind = 'insp' AND p.k = g.k
        ORDER BY f""",
    )
    # Their events, ids in time order: found; dispatched; proof submitted; review passed; withdrawn.
    run(
        "hazard events",
        f"""INSERT INTO hazards_hazardevent (hazard_id, kind, from_state, to_state, actor_id, at, lat, lng,
            accuracy_m, note, data)
        SELECT hazard_id, kind, from_state, to_state, actor_id, at, NULL, NULL, NULL, '', '{{}}' FROM (
            SELECT id AS hazard_id, 'found' AS kind, '' AS from_state, 'found' AS to_state, found_by_id AS actor_id,
                found_at AS at FROM hazards_hazard
            UNION ALL
            SELECT id, 'dispatched', 'found', 'dispatched', NULL, dispatched_at FROM hazards_hazard
                WHERE dispatched_at IS NOT NULL
            UNION ALL
            SELECT id, 'proof_submitted', 'rectifying', 'awaiting_review', NULL, proof_submitted_at FROM hazards_hazard
                WHERE proof_submitted_at IS NOT NULL
            UNION ALL
            SELECT id, 'review_passed', 'awaiting_review', 'closed', found_by_id, closed_at FROM hazards_hazard
                WHERE closed_at IS NOT NULL
            UNION ALL
            SELECT id, 'withdrawn', 'found', 'withdrawn', NULL, {sql.plus_hours("found_at", 2)} FROM hazards_hazard
                WHERE state = 'withdrawn'
        ) e ORDER BY at, hazard_id""",
    )
    # Inspections, uniformly over three years, each by an inspector of the venue's community's grid.
    run(
        "inspections",
        f"""WITH RECURSIVE {sql.series(n_inspections)},
        x AS MATERIALIZED (SELECT i, {rand} AS r1, {rand} AS r2 FROM s),
        y AS (SELECT i, {vmin} + {sql.int(f"r1 * {n_venues}")} AS vid,
                     {now_epoch} - {sql.int(f"r2 * {span}")} AS e FROM x)
        INSERT INTO inspections_inspection (client_id, venue_id, inspector_id, started_at, ended_at, lat, lng,
            accuracy_m, distance_m, location_status, note, corrected_fields, org_path, community_id, category_id,
            created_at)
        SELECT {sql.uuid("i")}, v.id, p.id, {sql.ts("e - 1200")}, {sql.ts("e")}, v.lat, v.lng, 8, 3,
            CASE WHEN v.lat IS NULL THEN 'venue_unlocated' ELSE 'on_site' END, '', '[]', v.org_path,
            v.community_id, v.category_id, {sql.ts("e")}
        FROM y
        JOIN venues_venue v ON v.id = y.vid
        JOIN bench_grid g ON g.grid_id = v.grid_id
        JOIN bench_pick p ON p.kind = 'insp' AND p.k = g.k
        ORDER BY e""",
    )
    # Punch-ins over the last 30 days at open venues with a merchant, each day with the probability
    # that makes --self-checks rows in all (today's too), submitted between 07:00 and 17:00.
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM venues_venuemerchant m JOIN venues_venue v ON v.id = m.venue_id "
            "WHERE v.business_status = 'open'"
        )
        candidates = cur.fetchone()[0]
    p_day = min(1.0, args.self_checks / max(1, candidates * SELF_CHECK_DAYS))
    run(
        "self-checks",
        f"""WITH RECURSIVE {sql.series(SELF_CHECK_DAYS)}
        INSERT INTO selfchecks_selfcheck (client_id, venue_id, merchant_id, day, revision, submitted_at,
            failed_count, org_path, community_id, grid_id, category_id)
        SELECT {sql.uuid("v.id * 64 + s.i")}, v.id, m.user_id, {sql.day(today.isoformat(), "s.i - 1")}, 1,
            {sql.ts(f"{today_start_epoch} - (s.i - 1) * 86400 + 25200 + (v.id * 37) % 36000")},
            CASE WHEN v.id % 10 = 0 THEN 1 ELSE 0 END, v.org_path, v.community_id, v.grid_id, v.category_id
        FROM venues_venuemerchant m
        JOIN venues_venue v ON v.id = m.venue_id
        CROSS JOIN s
        WHERE v.business_status = 'open' AND {rand} < {p_day}
        ORDER BY s.i DESC, v.id""",
    )
    t2 = time.perf_counter()
    progress("rebuilding indexes")
    with connection.cursor() as cur:
        if postgres:
            cur.execute("SET maintenance_work_mem = '512MB'")
        for _table, _name, statement in indexes:
            cur.execute(statement)
        cur.execute("DROP TABLE bench_grid")
        cur.execute("DROP TABLE bench_pick")
        if not postgres:
            cur.execute("PRAGMA foreign_keys = ON")
            cur.execute("PRAGMA synchronous = NORMAL")
    t3 = time.perf_counter()
    analyze(postgres)
    t4 = time.perf_counter()
    rollup = rebuild_rollup(postgres)
    return {"org": t1 - t0, "rows": t2 - t1, "indexes": t3 - t2, "analyze": t4 - t3, "rollup": rollup}


def rebuild_rollup(postgres: bool) -> float:
    """The rows went in past the services and signals: the big screen's rollup and tallies are
    rebuilt, as the demo loaders and the nightly periodic run do (then ANALYZE their tables).
    Returns the rebuild's seconds."""
    from django.db import connection

    from venuesafe.dashboard import rollup, tallies

    progress("rebuilding the dashboard's rollup (by day and month) and community tallies")
    t = time.perf_counter()
    n = rollup.rebuild()
    t_rollup = time.perf_counter() - t
    n_tally = tallies.rebuild()
    took = time.perf_counter() - t
    progress(f"rollup: {n:,} day rows in {t_rollup:.1f} s; tallies: {n_tally:,} rows in {took - t_rollup:.1f} s")
    with connection.cursor() as cur:
        for table in ("dashboard_hazardday", "dashboard_hazardmonth", "dashboard_archivetally", "dashboard_punchinday"):
            cur.execute(f"ANALYZE {table}")
    return took


def drop_indexes(postgres: bool) -> list[tuple[str, str, str]]:
    """Drops the secondary indexes of the big tables (not those behind constraints) for the load;
    returns their definitions to rebuild them after it exactly as the migrations made them."""
    from django.db import connection

    found = []
    with connection.cursor() as cur:
        for table in BIG_TABLES:
            if postgres:
                cur.execute(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
                    "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
                    [table, table],
                )
            else:
                cur.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                    [table],
                )
            for name, statement in cur.fetchall():
                found.append((table, name, statement))
        for _table, name, _statement in found:
            cur.execute(f'DROP INDEX "{name}"')
    return found


def analyze(postgres: bool) -> None:
    from django.db import connection

    progress("VACUUM ANALYZE" if postgres else "ANALYZE")
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE" if postgres else "ANALYZE")


def counts() -> dict[str, int]:
    from django.db import connection

    out = {}
    with connection.cursor() as cur:
        for table in BIG_TABLES[:5]:
            cur.execute(f"SELECT count(*) FROM {table}")
            out[table] = cur.fetchone()[0]
    return out


# --- the contenders -------------------------------------------------------------------------


def floor_query(postgres: bool, street_path: str):
    """The headline figures by hand: one aggregate per table on the DB-API connection, the same
    definitions as dashboard.selectors (withdrawn excluded; Shanghai day, month and year)."""
    from django.db import connection

    from venuesafe.dashboard.selectors import window

    connection.ensure_connection()
    dbapi = connection.connection
    ph = "%s" if postgres else "?"
    like = f"org_path LIKE {ph}" if postgres else f"org_path LIKE {ph} ESCAPE '\\'"
    if postgres:
        hours = "extract(epoch FROM avg(closed_at - found_at) FILTER (WHERE closed_at >= {ys})) / 3600"
    else:
        hours = "avg(julianday(closed_at) - julianday(found_at)) FILTER (WHERE closed_at >= {ys}) * 24"
    open_states = "('found', 'dispatched', 'rectifying', 'awaiting_review')"
    hazards_sql = (
        f"SELECT count(*) FILTER (WHERE found_at >= {ph}), count(*) FILTER (WHERE closed_at >= {ph}), "
        f"count(*) FILTER (WHERE closed_at >= {ph} AND (deadline IS NULL OR closed_at <= deadline)), "
        f"{hours.format(ys=ph)}, "
        f"count(*) FILTER (WHERE state IN {open_states}), "
        f"count(*) FILTER (WHERE state IN {open_states} AND deadline < {ph}) "
        f"FROM hazards_hazard WHERE {like} AND state <> 'withdrawn'"
    )
    venues_sql = (
        "SELECT count(*), count(*) FILTER (WHERE business_status <> 'closed'), "
        "count(*) FILTER (WHERE business_status <> 'closed' AND elements_present = 5) "
        f"FROM venues_venue WHERE {like}"
    )
    inspections_sql = (
        f"SELECT count(*) FILTER (WHERE ended_at >= {ph}), count(*) FROM inspections_inspection "
        f"WHERE {like} AND ended_at >= {ph}"
    )

    def param(value: dt.datetime):
        if postgres:
            return value
        return str(value.astimezone(dt.UTC).replace(tzinfo=None))  # as Django's SQLite backend stores it

    def run() -> dict:
        w = window()
        ys, now, ds, ms = param(w.year_start), param(w.now), param(w.day_start), param(w.month_start)
        prefix = street_path + "%"
        cur = dbapi.cursor()
        cur.execute(hazards_sql, [ys, ys, ys, ys, now, prefix])
        found, closed, on_time, mean, open_, overdue = cur.fetchone()
        cur.execute(venues_sql, [prefix])
        archived, active, complete = cur.fetchone()
        cur.execute(inspections_sql, [ds, prefix, ms])
        today, month = cur.fetchone()
        cur.close()
        return {
            "hazards": {
                "found_this_year": found,
                "closed_this_year": closed,
                "closed_on_time": on_time,
                "on_time_rate": round(on_time / closed, 4) if closed else None,
                "mean_rectification_hours": round(float(mean), 1) if mean is not None else None,
                "open": open_,
                "overdue": overdue,
            },
            "venues": {
                "archived": archived,
                "in_business": active,
                "complete": complete,
                "completeness_rate": round(complete / active, 4) if active else None,
            },
            "inspections": {"today": today, "this_month": month},
        }

    return run


def cpu_per_call(contenders, runs: int, postgres: bool) -> dict[str, float]:
    """CPU milliseconds per call, all of it: this process (Django, the test client) plus the
    PostgreSQL backend serving it, with parallel query off so that no work escapes to workers.
    Unlike wall time this does not grow when other jobs share the cores: on an idle machine with
    the data in memory, a call takes about this long (less with parallel workers)."""
    from django.db import connection

    tick = os.sysconf("SC_CLK_TCK")

    def backend_cpu(pid: int | None) -> float:
        if pid is None:
            return 0.0
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick  # utime + stime

    pid = None
    with connection.cursor() as cur:
        if postgres:
            cur.execute("SELECT pg_backend_pid()")
            pid = cur.fetchone()[0]
            if not Path(f"/proc/{pid}/stat").exists():
                pid = None  # the server is on another machine: this process only
            cur.execute("SET max_parallel_workers_per_gather = 0")
    out = {}
    try:
        for name, fn in contenders:
            fn()
            p0, b0 = time.process_time(), backend_cpu(pid)
            for _ in range(runs):
                fn()
            out[name] = ((time.process_time() - p0) + (backend_cpu(pid) - b0)) * 1000 / runs
    finally:
        if postgres:
            with connection.cursor() as cur:
                cur.execute("RESET max_parallel_workers_per_gather")
    return out


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, math.ceil(q * len(s)) - 1))]


def print_queries(user, unit) -> None:
    """Each SQL query of one summary, with its time: where the time goes."""
    from django.db import connection

    from venuesafe.dashboard.selectors import screen_summary

    log = []

    def wrapper(execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            log.append(((time.perf_counter() - t) * 1000, sql))

    with connection.execute_wrapper(wrapper):
        screen_summary(user=user, unit=unit)
    print(f"queries of one summary: {len(log)}, {sum(t for t, _ in log):.1f} ms in the database")
    for ms, sql in log:
        print(f"  {ms:8.2f} ms  {' '.join(sql.split())[:150]}")


def run_bench(args, postgres: bool) -> bool:
    from django.test import Client, override_settings
    from rest_framework.authtoken.models import Token

    from venuesafe.accounts.models import User
    from venuesafe.core import clock
    from venuesafe.dashboard import rollup, selectors, tallies
    from venuesafe.org.models import OrgUnit

    user = User.objects.get(username="bench_street")
    street = OrgUnit.objects.get(code="B-S1")
    token, _ = Token.objects.get_or_create(user=user)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    floor = floor_query(postgres, street.path)

    def summary():
        return selectors.screen_summary(user=user, unit=street)

    community = OrgUnit.objects.filter(parent=street).order_by("path").first()

    def summary_community():
        return selectors.screen_summary(user=user, unit=community)

    def live():
        return selectors.screen_summary(user=user, unit=street, rollup=False)

    # What the summary's speed costs the writes: the recomputes a commit runs (a community's
    # hazard day and month; a grid's tallies).
    today = clock.local_today()

    def on_hazard_change():
        rollup.recompute({(community.pk, today)})

    grid = OrgUnit.objects.filter(parent=community).order_by("path").first()

    def on_venue_change():
        tallies.recompute({grid.pk}, {(grid.pk, today)})

    def on_punch_in():
        tallies.recompute((), {(grid.pk, today)})

    def api():
        with override_settings(DASHBOARD_SUMMARY_CACHE_SECONDS=0):  # every call computes the summary
            response = client.get(SUMMARY_URL)
        assert response.status_code == 200, response.content[:300]
        return response

    def shared():
        # Another screen of the same street after the same change: the summary one screen computed.
        response = client.get(SUMMARY_URL)
        assert response.status_code == 200, response.content[:300]
        return response

    marker = {}

    def poll():
        response = client.get(SUMMARY_URL, {"since": marker["value"]})
        assert response.status_code == 200 and response.json()["changed"] is False, response.content[:300]
        return response

    marker["value"] = api().json()["marker"]
    contenders = [
        ("floor", floor),
        ("summary", summary),
        ("api", api),
        ("shared", shared),
        ("poll", poll),
        ("community", summary_community),
        ("live", live),
        ("hazard", on_hazard_change),
        ("venue", on_venue_change),
        ("punch-in", on_punch_in),
    ]
    for _ in range(args.warmup):
        for _name, fn in contenders:
            fn()
    times: dict[str, list[float]] = {name: [] for name, _ in contenders}
    for i in range(args.runs):
        k = i % len(contenders)  # rotate: no contender always runs first
        for name, fn in contenders[k:] + contenders[:k]:
            t0 = time.perf_counter()
            fn()
            times[name].append((time.perf_counter() - t0) * 1000)

    cpu = cpu_per_call(contenders, args.runs, postgres)
    figures = floor()
    at = clock.now()
    result = selectors.screen_summary(user=user, unit=street, now=at)
    same = all(result[key] == figures[key] for key in figures)
    # Every figure of the screen, not only the headline ones: from the rollup and tallies as live.
    live_result = selectors.screen_summary(user=user, unit=street, now=at, rollup=False)
    same_live = result == live_result
    base = statistics.median(times["floor"])
    labels = {
        "floor": "plain SQL, headline figures (psycopg)" if postgres else "plain SQL, headline figures (sqlite3)",
        "summary": "screen_summary() through the ORM",
        "api": "GET /api/v1/dashboard/summary/ (computed)",
        "shared": "GET …/summary/, another screen, same change",
        "poll": "GET …/summary/?since=<marker> (unchanged)",
        "community": "screen_summary() of one community (10 %)",
        "live": "screen_summary(rollup=False): all live SQL",
        "hazard": "on commit: a hazard's day and month recomputed",
        "venue": "on commit: a venue's grid tally recomputed",
        "punch-in": "on commit: a grid's punch-ins recomputed",
    }
    load = os.getloadavg()
    print(f"\nload average while timing: {load[0]:.2f} (1 min), {load[1]:.2f} (5 min) on {os.cpu_count()} CPUs")
    print(f"{'':10} {'what':50} {'median ms':>10} {'p95 ms':>9} {'× floor':>8} {'CPU ms':>8}")
    for name, _fn in contenders:
        t = times[name]
        med = statistics.median(t)
        print(f"{name:10} {labels[name]:50} {med:10.1f} {pct(t, 0.95):9.1f} {med / base:8.2f} {cpu[name]:8.1f}")
    print("(CPU ms: per call, this process + the database backend, serial plans; see cpu_per_call)")
    print()
    h = result["hazards"]
    print(
        f"street figures: venues {result['venues']['archived']:,} ({result['venues']['completeness_rate']:.1%} "
        f"complete); inspections today {result['inspections']['today']:,}, this month "
        f"{result['inspections']['this_month']:,}; hazards found this year {h['found_this_year']:,}, closed "
        f"{h['closed_this_year']:,} ({h['on_time_rate']:.1%} on time, mean {h['mean_rectification_hours']} h), "
        f"open {h['open']:,}, overdue {h['overdue']:,}; punch-in {result['self_checks']['punched']:,}/"
        f"{result['self_checks']['expected']:,}"
    )
    print(f"headline figures equal (floor vs summary): {'PASS' if same else 'FAIL'}")
    if not same:
        for key in figures:
            if result[key] != figures[key]:
                print(f"  {key}: floor {figures[key]} summary {result[key]}")
    print(f"every figure equal (summary vs all live SQL): {'PASS' if same_live else 'FAIL'}")
    if not same_live:
        for key in result:
            if result[key] != live_result[key]:
                print(f"  {key}: summary {result[key]} live {live_result[key]}")
    med_summary = statistics.median(times["summary"])
    med_api = statistics.median(times["api"])
    ok = med_summary < TARGET_MS and med_api < TARGET_MS and same and same_live
    print(
        f"summary median {med_summary:.1f} ms, API median {med_api:.1f} ms (target < {TARGET_MS:g} ms): "
        f"{'PASS' if ok else 'FAIL'}"
    )
    if args.queries:
        print()
        print_queries(user, street)
    return ok and same


def main() -> int:
    args = parse_args()
    if not args.sqlite and not args.database_url.startswith(POSTGRES_SCHEMES):
        if any(a.startswith("--database-url") for a in sys.argv[1:]):
            raise SystemExit("--database-url: give a PostgreSQL URL (postgres://…), --sqlite, or none")
        if args.reuse or args.keep:
            raise SystemExit("--keep/--reuse need a PostgreSQL server that outlives the run: give --database-url")
        # No PostgreSQL in DATABASE_URL: run again inside a throwaway cluster (which sets DATABASE_URL).
        script = ROOT / "scripts" / "throwaway-postgres"
        os.execvp("bash", ["bash", str(script), sys.executable, str(Path(__file__).resolve()), *sys.argv[1:]])

    db = BenchDatabase(args.database_url, args.sqlite)
    reuse = args.reuse and db.exists()
    if not reuse:
        db.create()
    setup_django(db.url)
    from django.core.management import call_command
    from django.db import connections

    from venuesafe.core import clock

    ok = False
    try:
        t0 = time.perf_counter()
        progress("migrating")
        call_command("migrate", verbosity=0, interactive=False)
        t_migrate = time.perf_counter() - t0
        if reuse:
            analyze(db.postgres)
            timing = None
            from venuesafe.dashboard.models import HazardDay

            if not HazardDay.objects.exists():  # kept before the rollup existed
                rebuild_rollup(db.postgres)
        else:
            timing = build(args, db.postgres, clock.now())
        print(
            f"dashboard summary benchmark on {db.version()} ({db.label}), {os.cpu_count()} CPUs, "
            f"{args.runs} runs after {args.warmup} warm-up"
        )
        rows = counts()
        print("rows: " + ", ".join(f"{table} {n:,}" for table, n in rows.items()))
        if timing:
            print(
                f"build: migrate {t_migrate:.1f} s, org and people {timing['org']:.1f} s, rows {timing['rows']:.1f} s, "
                f"indexes {timing['indexes']:.1f} s, analyze {timing['analyze']:.1f} s, "
                f"rollup rebuild {timing['rollup']:.1f} s"
            )
        ok = run_bench(args, db.postgres)
    finally:
        connections.close_all()
        if not args.keep:
            db.drop()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
