#!/usr/bin/env python
"""Inspection submissions through the real HTTP stack, next to a bare one-insert endpoint.

Starts gunicorn (the production server) on loopback against PostgreSQL, then drives it from
concurrent client threads with keep-alive connections and token authentication:

  bare        POST /bench/insert/           same stack (gunicorn, middleware, DRF token auth), one INSERT
  submission  POST /api/v1/inspections/     multipart: the `payload` JSON part (the venue's whole checklist,
                                            three answers failed with one photo each, the rest passed) and
                                            three photo parts

measures requests per second and p50/p95/p99 latency of each in the same run, prints the ratios,
and checks that every acknowledged (201) submission is in the database (by client_id). Exits
non-zero when one is missing or a request failed. See bench/README.md.

PostgreSQL: the server DATABASE_URL (or --database-url) points at, where a throwaway database
`venuesafe_bench_submit` is created and dropped; when that is not a PostgreSQL URL the script runs
itself again inside scripts/throwaway-postgres (a cluster started and removed for the run).
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import math
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DB_NAME = "venuesafe_bench_submit"
SUBMIT_PATH = "/api/v1/inspections/"
BARE_PATH = "/bench/insert/"
POSTGRES_SCHEMES = ("postgres://", "postgresql://", "pgsql://")


def parse_args() -> argparse.Namespace:
    cpus = os.cpu_count() or 2
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="PostgreSQL server to use (default: DATABASE_URL; otherwise a throwaway cluster)",
    )
    p.add_argument("--clients", type=int, default=8, help="client threads, one keep-alive connection each")
    p.add_argument("--workers", type=int, default=max(2, 2 * cpus), help="gunicorn worker processes")
    p.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker (gthread)")
    p.add_argument("--bare-seconds", type=float, default=15.0)
    p.add_argument("--submit-seconds", type=float, default=40.0)
    p.add_argument("--warmup-seconds", type=float, default=3.0, help="per endpoint, not measured")
    p.add_argument("--failed", type=int, default=3, help="failed answers (one photo each) per submission")
    p.add_argument("--photo-size", default="1280x960", help="pixels of the JPEG sent with each failed answer")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    return p.parse_args()


def progress(msg: str) -> None:
    print(f"  {msg}", file=sys.stderr, flush=True)


# --- database lifecycle ---------------------------------------------------------------------


class BenchDatabase:
    def __init__(self, base_url: str):
        self.base_url = base_url
        parts = urlsplit(base_url)
        self.url = urlunsplit(parts._replace(path="/" + BENCH_DB_NAME))
        self.label = f"{parts.hostname}:{parts.port or 5432}/{BENCH_DB_NAME}"

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

    def create(self) -> str:
        self.drop()
        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{BENCH_DB_NAME}"')
            return conn.execute("SHOW server_version").fetchone()[0]

    def drop(self) -> None:
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB_NAME}" WITH (FORCE)')


def server_env(url: str, media_root: Path) -> dict[str, str]:
    """The environment of the bench process and of gunicorn: the same settings for both."""
    return {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",  # as in production: no query log, no debug pages
        "LOG_LEVEL": "WARNING",
        "MEDIA_ROOT": str(media_root),
        "DATABASE_CONN_MAX_AGE": "600",
        "VENUESAFE_BENCH_ENDPOINTS": "1",
    }


# --- data -----------------------------------------------------------------------------------


@dataclass
class ClientPlan:
    """One inspector's token and the venues it may inspect, with each venue's checklist."""

    username: str
    token: str
    venues: list[tuple[int, float, float, list[int]]]  # (venue id, lat, lng, checklist item ids)


def build_data(n_clients: int) -> list[ClientPlan]:
    """The demo district (崇川区 陈桥街道, 325 venues, 97 inspectors, no history), and a token for one
    inspector per client, spread over the communities."""
    from collections import defaultdict

    from rest_framework.authtoken.models import Token

    from venuesafe.accounts.models import Role, RoleAssignment
    from venuesafe.demo.services import load_demo_district
    from venuesafe.inspections.selectors import checklist_for_category
    from venuesafe.venues.models import Venue

    load_demo_district(history=False)
    by_community = defaultdict(list)
    for a in RoleAssignment.objects.filter(role=Role.INSPECTOR).select_related("user").order_by("org_unit_id", "id"):
        by_community[a.org_unit_id].append(a.user)
    checklists = {}
    plans: list[ClientPlan] = []
    communities = sorted(by_community)
    for i in range(n_clients):
        comm = communities[i % len(communities)]
        user = by_community[comm][(i // len(communities)) % len(by_community[comm])]
        token, _ = Token.objects.get_or_create(user=user)
        venues = []
        for v in Venue.objects.filter(community_id=comm, business_status="open").select_related("category"):
            if v.category_id not in checklists:
                checklists[v.category_id] = [item.pk for item in checklist_for_category(v.category)]
            venues.append((v.pk, v.lat, v.lng, checklists[v.category_id]))
        plans.append(ClientPlan(username=user.username, token=token.key, venues=venues))
    return plans


def make_photo(size: str, seed: int) -> bytes:
    """A phone-like JPEG: gradients and noise, so it compresses like a photo, not like a flat image."""
    from PIL import Image, ImageDraw

    width, height = (int(x) for x in size.lower().split("x"))
    rng = random.Random(seed)
    img = Image.effect_noise((width, height), 20).convert("RGB")
    overlay = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(overlay)
    for y in range(0, height, 8):
        draw.rectangle((0, y, width, y + 8), fill=(120 + y * 100 // height, 110, 90 + rng.randrange(40)))
    img = Image.blend(img, overlay, 0.6)
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=80)
    return buf.getvalue()


def multipart(payload: dict, photos: dict[str, bytes]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    chunks = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="payload"\r\n'
        "Content-Type: application/json\r\n\r\n".encode(),
        json.dumps(payload).encode(),
        b"\r\n",
    ]
    for name, data in photos.items():
        chunks += [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{name}.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n".encode(),
            data,
            b"\r\n",
        ]
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


# --- the server -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(args, env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(args.threads),
        "--keep-alive",
        "30",
        "--log-level",
        "warning",
        "--error-logfile",
        str(log),
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env}, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/accounts/login/")
            if conn.getresponse().status == 200:
                conn.close()
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"gunicorn did not answer within 60 s:\n{log.read_text()[-3000:]}")


def stop_gunicorn(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# --- the clients ----------------------------------------------------------------------------


@dataclass
class Outcome:
    latencies_ms: list[float] = field(default_factory=list)
    acked: list[str] = field(default_factory=list)  # client ids answered 201
    errors: list[tuple[int, str]] = field(default_factory=list)
    started: float = 0.0
    finished: float = 0.0

    def merge(self, other: Outcome) -> None:
        self.latencies_ms += other.latencies_ms
        self.acked += other.acked
        self.errors += other.errors

    @property
    def count(self) -> int:
        return len(self.latencies_ms)


class Client:
    def __init__(self, port: int, plan: ClientPlan, photo: bytes, failed: int, seed: int):
        self.port = port
        self.plan = plan
        self.photo = photo
        self.failed = failed
        self.rng = random.Random(seed)
        self.conn: http.client.HTTPConnection | None = None
        self.turn = 0

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        return self.conn

    def bare(self) -> tuple[bytes, str, str]:
        client_id = str(uuid.uuid4())
        return json.dumps({"client_id": client_id}).encode(), "application/json", client_id

    def submission(self) -> tuple[bytes, str, str]:
        venue_id, lat, lng, items = self.plan.venues[self.turn % len(self.plan.venues)]
        self.turn += 1
        client_id = str(uuid.uuid4())
        ended = datetime.now(UTC).replace(microsecond=0)
        failing = set(self.rng.sample(items, min(self.failed, len(items))))
        answers, photos = [], {}
        for item in items:
            if item in failing:
                name = f"p{len(photos)}"
                photos[name] = self.photo
                answers.append({"checklist_item": item, "result": "fail", "note": "基准测试", "photos": [name]})
            else:
                answers.append({"checklist_item": item, "result": "pass"})
        payload = {
            "client_id": client_id,
            "venue": venue_id,
            "started_at": (ended - timedelta(minutes=8)).isoformat(),
            "ended_at": ended.isoformat(),
            "lat": round(lat + self.rng.uniform(-1e-4, 1e-4), 7),
            "lng": round(lng + self.rng.uniform(-1e-4, 1e-4), 7),
            "accuracy_m": 8,
            "answers": answers,
        }
        body, content_type = multipart(payload, photos)
        return body, content_type, client_id

    def run(self, path: str, build, until: float, out: Outcome, measure: bool = True) -> None:
        headers_base = {"Authorization": f"Token {self.plan.token}", "Accept": "application/json"}
        clock = time.perf_counter
        while clock() < until:
            body, content_type, client_id = build()
            headers = {**headers_base, "Content-Type": content_type, "Content-Length": str(len(body))}
            t0 = clock()
            try:
                conn = self._connection()
                conn.request("POST", path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException) as exc:
                self.conn = None
                out.errors.append((0, f"{type(exc).__name__}: {exc}"))
                continue
            elapsed = (clock() - t0) * 1000
            if status == 201:
                out.acked.append(client_id)
            else:
                out.errors.append((status, data[:400].decode(errors="replace")))
            if measure:
                out.latencies_ms.append(elapsed)
            if resp.getheader("Connection", "").lower() == "close":
                self.conn.close()
                self.conn = None


def run_phase(clients: list[Client], kind: str, seconds: float, measure: bool = True) -> Outcome:
    outcomes = [Outcome() for _ in clients]
    start = time.perf_counter()
    until = start + seconds
    threads = []
    for client, out in zip(clients, outcomes, strict=True):
        build = client.bare if kind == "bare" else client.submission
        path = BARE_PATH if kind == "bare" else SUBMIT_PATH
        threads.append(threading.Thread(target=client.run, args=(path, build, until, out, measure)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    total = Outcome(started=start, finished=time.perf_counter())
    for out in outcomes:
        total.merge(out)
    return total


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, math.ceil(q * len(s)) - 1))] if s else float("nan")


def line(label: str, out: Outcome, unit: str) -> tuple[float, float]:
    wall = out.finished - out.started
    rate = out.count / wall if wall else 0.0
    lat = out.latencies_ms
    med = statistics.median(lat) if lat else float("nan")
    p95 = pct(lat, 0.95)
    print(
        f"{label:<12}: {out.count:6d} in {wall:5.1f} s = {rate:7.1f} {unit}/s   "
        f"p50 {med:7.1f} ms   p95 {p95:7.1f} ms   p99 {pct(lat, 0.99):7.1f} ms   errors {len(out.errors)}"
    )
    return rate, p95


# --- checks ---------------------------------------------------------------------------------


def check_database(submitted: list[str], bare: list[str], failed: int) -> bool:
    from venuesafe.core.bench_views import BENCH_ENDPOINT
    from venuesafe.core.models import IdempotencyKey
    from venuesafe.inspections.models import AnswerResult, Inspection, InspectionAnswer

    found: set[str] = set()
    fails = 0
    for i in range(0, len(submitted), 1000):
        chunk = submitted[i : i + 1000]
        found |= {str(c) for c in Inspection.objects.filter(client_id__in=chunk).values_list("client_id", flat=True)}
        fails += InspectionAnswer.objects.filter(
            inspection__client_id__in=chunk, result=AnswerResult.FAIL, hazard__isnull=False
        ).count()
    missing = [c for c in submitted if c not in found]
    bare_found = sum(
        IdempotencyKey.objects.filter(endpoint=BENCH_ENDPOINT, key__in=bare[i : i + 1000]).count()
        for i in range(0, len(bare), 1000)
    )
    print(
        f"acknowledged (201) submissions in the database, by client_id: {len(submitted) - len(missing)}/"
        f"{len(submitted)}; failed answers with their hazard: {fails}/{failed * len(submitted)}; "
        f"bare inserts: {bare_found}/{len(bare)}"
    )
    for c in missing[:10]:
        print(f"  MISSING submission {c}")
    return not missing and bare_found == len(bare) and fails == failed * len(submitted)


# --- main -----------------------------------------------------------------------------------


def main() -> int:
    args = parse_args()
    if not args.database_url.startswith(POSTGRES_SCHEMES):
        if any(a.startswith("--database-url") for a in sys.argv[1:]):
            raise SystemExit("--database-url: give a PostgreSQL URL (postgres://…), or none for a throwaway cluster")
        # No PostgreSQL in DATABASE_URL: run again inside a throwaway cluster (which sets DATABASE_URL).
        script = ROOT / "scripts" / "throwaway-postgres"
        os.execvp("bash", ["bash", str(script), sys.executable, str(Path(__file__).resolve()), *sys.argv[1:]])

    db = BenchDatabase(args.database_url)
    t0 = time.perf_counter()
    version = db.create()
    tmp = Path(tempfile.mkdtemp(prefix="venuesafe-bench-"))
    env = server_env(db.url, tmp / "media")
    os.environ.update(env)
    import django

    django.setup()
    import gunicorn
    from django.core.management import call_command
    from django.db import connections

    proc = None
    ok = False
    try:
        progress("migrating")
        call_command("migrate", verbosity=0, interactive=False)
        progress("loading the demo district")
        plans = build_data(args.clients)
        photo = make_photo(args.photo_size, args.seed)
        connections.close_all()
        t1 = time.perf_counter()
        port = free_port()
        proc = start_gunicorn(args, env, port, tmp / "gunicorn.log")
        t2 = time.perf_counter()
        items = sorted({len(v[3]) for p in plans for v in p.venues})
        print(
            f"inspection submission benchmark: gunicorn {gunicorn.__version__} ({args.workers} workers x "
            f"{args.threads} threads, gthread) on PostgreSQL {version} ({db.label}), {os.cpu_count()} CPUs; "
            f"{args.clients} client threads on loopback, keep-alive, token auth"
        )
        print(
            f"submission: {args.failed} failed answers with one {args.photo_size} JPEG each "
            f"({len(photo) / 1024:.0f} KB), the rest of the checklist ({items[0]}-{items[-1]} questions) passed"
        )
        print(f"setup: migrate + demo district {t1 - t0:.1f} s, gunicorn up {t2 - t1:.1f} s")

        clients = [Client(port, plan, photo, args.failed, args.seed + i) for i, plan in enumerate(plans)]
        progress("warming up")
        warm_bare = run_phase(clients, "bare", args.warmup_seconds, measure=False)
        warm_sub = run_phase(clients, "submission", args.warmup_seconds, measure=False)
        progress(f"bare endpoint, {args.bare_seconds:g} s")
        bare = run_phase(clients, "bare", args.bare_seconds)
        progress(f"submissions, {args.submit_seconds:g} s")
        sub = run_phase(clients, "submission", args.submit_seconds)

        bare_rate, bare_p95 = line("bare insert", bare, "req")
        sub_rate, sub_p95 = line("submission", sub, "sub")
        print(
            f"ratios: submission p95 / bare p95 = {sub_p95 / bare_p95:.1f}x   "
            f"throughput bare / submission = {bare_rate / sub_rate:.1f}x"
            if sub_rate and bare_p95
            else "ratios: n/a"
        )
        errors = warm_bare.errors + warm_sub.errors + bare.errors + sub.errors
        for status, text in errors[:5]:
            print(f"  ERROR {status}: {text}")
        in_db = check_database(warm_sub.acked + sub.acked, warm_bare.acked + bare.acked, args.failed)
        ok = in_db and not errors and sub.count > 0 and bare.count > 0
    finally:
        if proc is not None:
            stop_gunicorn(proc)
        connections.close_all()
        if not args.keep:
            db.drop()
        shutil.rmtree(tmp, ignore_errors=True)
    print("RESULT:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
