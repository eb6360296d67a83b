#!/usr/bin/env python
""" "Venues near me" at a million venues: the app's selector next to a raw indexed SQL query.

Builds a throwaway database (an SQLite file under var/bench/, or a `venuesafe_bench` database on
the PostgreSQL server DATABASE_URL points at), migrates it, inserts 1,000,000 venues with the
columns the venue service would write, then times, for the same random points,

  selector  venuesafe.venues.selectors.venue_list_near(user=<street office>, lat, lng, radius_m=100)
  raw       one hand-written SQL query with the same scope, cell and box conditions on the same
            index, and the same exact-distance cut and sort in Python

checks that both return the same venues, and prints median / p95 latency and PASS/FAIL against
the targets (selector median <= 5 ms, selector <= 2x raw). See bench/README.md.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DB_NAME = "venuesafe_bench"
LAT_RANGE = (32.00, 32.15)
LNG_RANGE = (120.75, 120.95)
TARGET_MEDIAN_MS = 5.0
TARGET_RATIO = 2.0
CHUNK = 50_000


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="server to use (default: DATABASE_URL; SQLite when unset or sqlite://)",
    )
    p.add_argument("--venues", type=int, default=1_000_000)
    p.add_argument("--queries", type=int, default=500)
    p.add_argument("--radius", type=float, default=100.0, help="metres")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    p.add_argument("--reuse", action="store_true", help="reuse a kept bench database that has the venues")
    p.add_argument("--profile", action="store_true", help="print a cProfile of the selector calls")
    return p.parse_args()


# --- database lifecycle ---------------------------------------------------------------------


class BenchDatabase:
    def __init__(self, base_url: str):
        self.base_url = base_url
        self.postgres = base_url.startswith(("postgres://", "postgresql://", "pgsql://"))
        if self.postgres:
            parts = urlsplit(base_url)
            self.url = urlunsplit(parts._replace(path="/" + BENCH_DB_NAME))
            self.label = f"PostgreSQL {parts.hostname}:{parts.port or 5432}/{BENCH_DB_NAME}"
        else:
            self.path = ROOT / "var" / "bench" / "near_me.sqlite3"
            self.url = f"sqlite:///{self.path}"
            self.label = f"SQLite {self.path.relative_to(ROOT)}"

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


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DEBUG"] = "0"  # as in production: no query log on the cursor
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


# --- data -----------------------------------------------------------------------------------


def build_org_and_user():
    """District → bench street (8 communities × 10 grids, the west 80 % of the area) and another
    street (2 × 10, the east 20 %). The user is the bench street's safety office."""
    from venuesafe.accounts.models import Role, RoleAssignment, User
    from venuesafe.org.models import OrgLevel
    from venuesafe.org.services import org_unit_create

    district = org_unit_create(name="崇川区", code="B-D", level=OrgLevel.DISTRICT)
    streets = [
        org_unit_create(name="陈桥街道", code="B-S1", level=OrgLevel.STREET, parent=district),
        org_unit_create(name="幸福街道", code="B-S2", level=OrgLevel.STREET, parent=district),
    ]
    # columns[c][r]: the grid at tile column c (west → east), row r (south → north).
    columns = []
    for c in range(10):
        street = streets[0] if c < 8 else streets[1]
        comm = org_unit_create(name=f"社区{c + 1}", code=f"B-C{c}", level=OrgLevel.COMMUNITY, parent=street)
        columns.append(
            [
                org_unit_create(name=f"网格{c + 1}-{r + 1}", code=f"B-G{c}-{r}", level=OrgLevel.GRID, parent=comm)
                for r in range(10)
            ]
        )
    user = User.objects.create_user(username="bench_street", full_name="基准测试", mobile="13900000000")
    RoleAssignment.objects.create(user=user, role=Role.STREET_OFFICE, org_unit=streets[0])
    return user, columns


def venue_rows(n: int, columns, category_ids: list[int], seed: int, postgres: bool = False):
    """Rows of (column values) in chunks, as venues.services would write them."""
    from venuesafe.core import geo
    from venuesafe.core.validators import USCC_ALPHABET, uscc_check_char

    rng = random.Random(seed)
    now = datetime.now(UTC)
    if not postgres:  # what Django's SQLite backend stores: UTC, without an offset
        now = str(now.replace(tzinfo=None))
    lat0, lat1 = LAT_RANGE
    lng0, lng1 = LNG_RANGE
    chunk = []
    for i in range(n):
        lat = round(rng.uniform(lat0, lat1), 7)
        lng = round(rng.uniform(lng0, lng1), 7)
        c = min(int((lng - lng0) / (lng1 - lng0) * 10), 9)
        r = min(int((lat - lat0) / (lat1 - lat0) * 10), 9)
        grid = columns[c][r]
        if i % 10 == 0:  # 10 % without licence
            licence_kind, licence_no = "", ""
        else:
            body = "92320602" + "".join(USCC_ALPHABET[(i // 31**k) % 31] for k in range(9))
            licence_kind, licence_no = "uscc", body + uscc_check_char(body)
        photo = f"venues/photos/bench/{i}.jpg" if i % 7 else ""
        elements = 3 + bool(photo) + bool(licence_no)
        chunk.append(
            (
                f"基准商店{i}",
                rng.choice(category_ids),
                f"崇川区测试路{i % 2000 + 1}号",
                photo,
                licence_kind,
                licence_no,
                lat,
                lng,
                geo.geo_cell(lat, lng),
                "gps",
                None,
                "张三",
                "13912345678",
                "open" if i % 20 else "suspended",
                None,
                grid.parent_id,
                grid.pk,
                grid.path,
                None,
                None,
                elements,
                None,
                now,
                now,
            )
        )
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


COLUMNS = (
    "sign_name",
    "category_id",
    "address",
    "photo",
    "licence_kind",
    "licence_no",
    "lat",
    "lng",
    "geo_cell",
    "location_source",
    "location_accuracy_m",
    "operator_name",
    "operator_mobile",
    "business_status",
    "floor_area_m2",
    "community_id",
    "grid_id",
    "org_path",
    "grid_worker_id",
    "inspector_id",
    "elements_present",
    "created_by_id",
    "created_at",
    "updated_at",
)


def check_columns() -> None:
    from venuesafe.venues.models import Venue

    model_cols = {f.column for f in Venue._meta.concrete_fields if not f.primary_key}
    if model_cols != set(COLUMNS):
        raise SystemExit(f"bench/near_me.py is out of date with Venue: {sorted(model_cols ^ set(COLUMNS))}")


def bulk_insert(n: int, columns, seed: int, postgres: bool) -> None:
    """Indexes are dropped for the load and rebuilt after it, exactly as the migrations made them."""
    from django.db import connection, transaction

    from venuesafe.venues.models import VenueCategory

    # Read before the load: no other query may run on the connection while COPY is in progress.
    category_ids = list(VenueCategory.objects.values_list("pk", flat=True))
    table = "venues_venue"
    with connection.cursor() as cur:
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
        indexes = cur.fetchall()
        for name, _sql in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        if not postgres:
            cur.execute("PRAGMA synchronous = OFF")
    done = 0
    with transaction.atomic(), connection.cursor() as cur:
        if postgres:
            cur.execute("SET LOCAL session_replication_role = replica")  # skip per-row FK triggers for the load
            with cur.cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for chunk in venue_rows(n, columns, category_ids, seed, postgres=True):
                    for row in chunk:
                        copy.write_row(row)
                    done += len(chunk)
                    progress(f"inserted {done:,}")
        else:
            sql = f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({', '.join(['?'] * len(COLUMNS))})"
            for chunk in venue_rows(n, columns, category_ids, seed):
                cur.cursor.executemany(sql, chunk)
                done += len(chunk)
                progress(f"inserted {done:,}")
    progress("rebuilding indexes")
    with connection.cursor() as cur:
        for _name, sql in indexes:
            cur.execute(sql)
        if not postgres:
            cur.execute("PRAGMA synchronous = NORMAL")
    print(file=sys.stderr)


def analyze(postgres: bool) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE" if postgres else "ANALYZE")


def progress(msg: str) -> None:
    print(f"\r  {msg:<40}", end="", file=sys.stderr, flush=True)


# --- the two contenders ---------------------------------------------------------------------


def make_raw_query(user, radius_m: float):
    """The same result as venue_list_near, by hand: one SQL query on the (geo_cell, lat) index,
    the scope as the org-path prefix, the exact circle and the order in Python."""
    from django.db import connection

    from venuesafe.accounts.selectors import user_scope
    from venuesafe.core import geo

    prefix = user_scope(user=user).staff_paths[0]
    connection.ensure_connection()
    dbapi = connection.connection
    ph = "?" if connection.vendor == "sqlite" else "%s"
    like = f"org_path LIKE {ph} ESCAPE '\\'" if connection.vendor == "sqlite" else f"org_path LIKE {ph}"
    haversine = geo.distance_m

    def raw(lat: float, lng: float) -> list[tuple]:
        box = geo.bounding_box(lat, lng, radius_m)
        cells = geo.cells_covering(box)
        sql = (
            "SELECT id, sign_name, address, category_id, business_status, lat, lng FROM venues_venue "
            f"WHERE {like} AND geo_cell IN ({', '.join([ph] * len(cells))}) "
            f"AND lat BETWEEN {ph} AND {ph} AND lng BETWEEN {ph} AND {ph}"
        )
        cur = dbapi.cursor()
        cur.execute(sql, [prefix + "%", *cells, box.min_lat, box.max_lat, box.min_lng, box.max_lng])
        found = []
        for row in cur.fetchall():
            d = haversine(lat, lng, row[5], row[6])
            if d <= radius_m:
                found.append((*row, d))
        cur.close()
        found.sort(key=lambda r: r[7])
        return found[:200]

    return raw, sql_plan(like, ph, prefix)


def sql_plan(like: str, ph: str, prefix: str):
    from django.db import connection

    from venuesafe.core import geo

    def plan(lat: float, lng: float, radius_m: float) -> str:
        box = geo.bounding_box(lat, lng, radius_m)
        cells = geo.cells_covering(box)
        sql = (
            "SELECT id FROM venues_venue "
            f"WHERE {like} AND geo_cell IN ({', '.join([ph] * len(cells))}) "
            f"AND lat BETWEEN {ph} AND {ph} AND lng BETWEEN {ph} AND {ph}"
        )
        params = [prefix + "%", *cells, box.min_lat, box.max_lat, box.min_lng, box.max_lng]
        cur = connection.connection.cursor()
        if connection.vendor == "sqlite":
            cur.execute("EXPLAIN QUERY PLAN " + sql, params)
            text = "\n".join(f"    {r[-1]}" for r in cur.fetchall())
        else:
            cur.execute("EXPLAIN " + sql, params)
            text = "\n".join(f"    {r[0]}" for r in cur.fetchall())
        cur.close()
        return text

    return plan


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, math.ceil(q * len(s)) - 1))]


def run_bench(args, user) -> bool:
    from venuesafe.accounts.models import User
    from venuesafe.accounts.selectors import user_scope
    from venuesafe.venues.selectors import venue_list_near

    raw, plan = make_raw_query(user, args.radius)
    rng = random.Random(args.seed + 1)
    points = [(rng.uniform(*LAT_RANGE), rng.uniform(*LNG_RANGE)) for _ in range(args.queries)]

    user_scope(user=user)  # the request's first scoped read has loaded the user's roles

    def selector(lat: float, lng: float):
        return venue_list_near(user=user, lat=lat, lng=lng, radius_m=args.radius)

    fresh_user = User.objects.get(pk=user.pk)

    def selector_fresh(lat: float, lng: float):
        # As a request whose first scoped read this is: the role assignments are looked up too.
        fresh_user.__dict__.pop("_venuesafe_scope", None)
        return venue_list_near(user=fresh_user, lat=lat, lng=lng, radius_m=args.radius)

    contenders = [selector, raw, selector_fresh]
    for lat, lng in points[:50]:  # warm caches and connections
        for fn in contenders:
            fn(lat, lng)

    times = {fn: [] for fn in contenders}
    mismatches, found = 0, []
    clock = time.perf_counter
    for i, (lat, lng) in enumerate(points):
        results = {}
        k = i % len(contenders)  # rotate the order so that no contender always runs first
        for fn in contenders[k:] + contenders[:k]:
            t0 = clock()
            res = fn(lat, lng)
            times[fn].append((clock() - t0) * 1000)
            results[fn] = res
        sel_ids = sorted(v.id for v in results[selector])
        raw_ids = sorted(r[0] for r in results[raw])
        if sel_ids != raw_ids or sorted(v.id for v in results[selector_fresh]) != raw_ids:
            mismatches += 1
        found.append(len(sel_ids))

    t_sel, t_raw, t_fresh = times[selector], times[raw], times[selector_fresh]
    med_s, med_r = statistics.median(t_sel), statistics.median(t_raw)
    ratio = med_s / med_r if med_r else float("inf")
    in_scope = sum(1 for n in found if n)
    print(
        f"queries: {len(points)} random points, radius {args.radius:g} m, user {user.username} "
        f"(street office, {user.role_assignments.get().org_unit.name})"
    )
    print(
        f"venues found per query: median {statistics.median(found):g}, max {max(found)}, "
        f"non-empty {in_scope}/{len(points)}"
    )
    print(f"selector venue_list_near        : median {med_s:6.3f} ms   p95 {pct(t_sel, 0.95):6.3f} ms")
    print(f"raw indexed SQL                 : median {med_r:6.3f} ms   p95 {pct(t_raw, 0.95):6.3f} ms")
    print(f"ratio selector/raw (median): {ratio:.2f}x")
    print(
        f"selector + role lookup (fresh)  : median {statistics.median(t_fresh):6.3f} ms   "
        f"p95 {pct(t_fresh, 0.95):6.3f} ms   (ratio {statistics.median(t_fresh) / med_r:.2f}x, for information)"
    )
    print(f"same venues in all: {len(points) - mismatches}/{len(points)}")
    ok_median = med_s <= TARGET_MEDIAN_MS
    ok_ratio = ratio <= TARGET_RATIO
    ok_same = mismatches == 0
    print(
        f"median <= {TARGET_MEDIAN_MS:g} ms: {'PASS' if ok_median else 'FAIL'}   "
        f"ratio <= {TARGET_RATIO:g}x: {'PASS' if ok_ratio else 'FAIL'}   "
        f"same results: {'PASS' if ok_same else 'FAIL'}"
    )
    print("query plan (raw query, first point):")
    print(plan(*points[0], args.radius))

    if args.profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.enable()
        for lat, lng in points:
            selector_fresh(lat, lng)
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
    return ok_median and ok_ratio and ok_same


def main() -> int:
    args = parse_args()
    base = args.database_url or f"sqlite:///{ROOT / 'var' / 'venuesafe.sqlite3'}"
    db = BenchDatabase(base)
    reuse = args.reuse and db.exists()
    if not reuse:
        db.create()
    setup_django(db.url)

    from django.core.management import call_command
    from django.db import connection, connections

    from venuesafe.accounts.models import User
    from venuesafe.venues.models import Venue

    print(f"near-me benchmark on {db.label} ({connection.vendor} {connection.Database.__name__})")
    t0 = time.perf_counter()
    if reuse and Venue.objects.count() == args.venues:
        user = User.objects.get(username="bench_street")
        print(f"reusing {args.venues:,} venues")
    else:
        call_command("migrate", verbosity=0, interactive=False)
        check_columns()
        user, columns = build_org_and_user()
        t1 = time.perf_counter()
        bulk_insert(args.venues, columns, args.seed, db.postgres)
        t2 = time.perf_counter()
        analyze(db.postgres)
        t3 = time.perf_counter()
        print(
            f"setup: migrate {t1 - t0:.1f} s, insert {args.venues:,} venues {t2 - t1:.1f} s "
            f"(rebuilding indexes included), analyze {t3 - t2:.1f} s"
        )
    try:
        ok = run_bench(args, user)
    finally:
        connections.close_all()
        if not args.keep:
            db.drop()
    print("RESULT:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
