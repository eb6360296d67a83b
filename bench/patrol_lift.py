"""Does the risk ranking help? A season of patrols under the plan and under random order.

The demo district gives every venue a hidden true hazard rate (venuesafe.demo.hidden, never
stored). The script loads the demo district into a throwaway SQLite database under var/bench/,
copies it once per arm, and plays the same season in 陈桥街道 in both copies:

- hidden hazards arrive at every open venue as a Poisson process at its true rate; the arrival
  times are drawn up front from a fixed seed, so both arms face the same world;
- each day every sampled inspector makes K inspections: arm "plan" takes the first K stops of
  venuesafe.risk.selectors.patrol_plan(user, today), arm "random" K random open venues of the
  inspector's area (same seed in both arms);
- an inspection finds every hazard that arrived at the venue and was not found yet (they are then
  gone) and records what the system sees through the real code paths: an Inspection row and one
  Hazard per finding via hazards.services.hazard_record (then risk.services.venue_changed), and the
  nightly re-scoring (risk.services.rescore_stale) runs at each day boundary, with the clock moved
  by time-machine so dates and "days since the last inspection" advance.

The score only ever sees those rows; the hidden rate is used to generate the world and nowhere
else. Prints, per arm, inspections, hazards found, hazards found per inspection, the lift
(plan / random), and the top-risk-tier view (share of hazards at red/orange venues against their
share of venues). A measurement, not a pass/fail test: the exit status is non-zero only on errors.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DIR = ROOT / "var" / "bench" / "patrol_lift"
STREET_CODE_NAME = "陈桥街道"
ARMS = ("plan", "random")
TOP_TIER = ("red", "orange")
DAY_START_HOUR = 9  # the first inspection of a day
MINUTES_PER_STOP = 45
NEVER_INSPECTED_DAYS = 90  # how long hazards have been arising at a venue nobody inspected yet


RECTIFY_DAYS = 2  # the demo's mean rectification time is about 48 h


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--days", type=int, default=60, help="length of the season (days)")
    p.add_argument(
        "--inspectors",
        type=int,
        default=9,
        help="inspectors patrolling, spread over the communities (one each first); 0 = all of the street's",
    )
    p.add_argument("--per-day", type=int, default=1, help="inspections per inspector per day (K)")
    p.add_argument(
        "--rescore-every",
        type=int,
        default=7,
        help="run the nightly re-scoring pass every N days (1 = nightly as in production; ~5 s a pass)",
    )
    p.add_argument("--seed", type=int, default=7, help="seed of the hidden arrivals and of the random arm")
    p.add_argument("--reuse", action="store_true", help="reuse the loaded demo database of a previous run")
    # internal: run one arm on its own copy of the database (a child process)
    p.add_argument("--arm", choices=ARMS, help=argparse.SUPPRESS)
    p.add_argument("--db", help=argparse.SUPPRESS)
    p.add_argument("--first-day", help=argparse.SUPPRESS)
    return p.parse_args(argv)


def progress(msg: str) -> None:
    print(f"  {msg}", file=sys.stderr, flush=True)


def bench_env(db: Path, media: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "MEDIA_ROOT": str(media),
    }


# --- the parent: build once, run both arms side by side, report ---------------------------


def main(args: argparse.Namespace) -> int:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    base = BENCH_DIR / "demo.sqlite3"
    t0 = time.perf_counter()
    if not (args.reuse and base.exists()):
        for f in BENCH_DIR.glob("*.sqlite3*"):
            f.unlink()
        env = bench_env(base, BENCH_DIR / "media-demo")
        progress("migrating a throwaway database and loading the demo district …")
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT)
        subprocess.run([*manage, "load_demo_district"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        progress(f"loaded in {time.perf_counter() - t0:.0f} s")
    # The season starts the day after loading (the demo's history ends at the time of loading).
    first_day = (datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(days=1)).date().isoformat()
    procs = {}
    for arm in ARMS:
        copy = BENCH_DIR / f"{arm}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)
        # The backup API copies a consistent image whatever the WAL holds.
        with sqlite3.connect(base) as src, sqlite3.connect(copy) as dst:
            src.backup(dst)
        cmd = [sys.executable, __file__, "--arm", arm, "--db", str(copy)]
        cmd += ["--days", str(args.days), "--inspectors", str(args.inspectors), "--per-day", str(args.per_day)]
        cmd += ["--seed", str(args.seed), "--first-day", first_day, "--rescore-every", str(args.rescore_every)]
        procs[arm] = subprocess.Popen(
            cmd, env=bench_env(copy, BENCH_DIR / f"media-{arm}"), cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
    progress(f"playing {args.days} days in both arms side by side …")
    results = {}
    for arm, proc in procs.items():
        out, _ = proc.communicate()
        if proc.returncode != 0:
            print(f"arm {arm} failed (exit {proc.returncode})", file=sys.stderr)
            return 1
        results[arm] = json.loads(out.strip().splitlines()[-1])
    report(args, results, time.perf_counter() - t0)
    return 0


def report(args: argparse.Namespace, results: dict, elapsed: float) -> None:
    plan, rnd = results["plan"], results["random"]
    print(
        f"Patrol lift — {plan['street']}: {plan['venues']} open venues, {plan['inspectors']} inspectors × "
        f"{args.per_day} inspections a day for {args.days} days (seed {args.seed})"
    )
    print(
        f"Hidden world: {plan['arrivals']} hazards arise over the season "
        f"(true rate mean {plan['rate_mean']:.4f}/day per venue, max {plan['rate_max']:.4f}); "
        f"{plan['backlog']} arose since the venues' last inspections before it"
    )
    print()
    head = f"{'arm':<8}{'inspections':>12}{'found':>8}{'per insp.':>11}"
    print(f"{head}{'found at red/orange':>22}{'red/orange venues':>20}")
    for arm in ARMS:
        r = results[arm]
        per = r["found"] / r["inspections"] if r["inspections"] else 0.0
        top = r["found_top"] / r["found"] if r["found"] else 0.0
        print(f"{arm:<8}{r['inspections']:>12}{r['found']:>8}{per:>11.3f}{top:>21.0%} {r['top_venue_share']:>19.0%}")
    print()
    # The Pittsburgh view: of all hazards that arose, the share that arose where the system's
    # top tier pointed that day, against the top tier's share of venues.
    for arm in ARMS:
        r = results[arm]
        share = r["arrivals_top"] / r["arrivals"] if r["arrivals"] else 0.0
        ratio = share / r["top_venue_share"] if r["top_venue_share"] else float("nan")
        print(
            f"{arm:<8}top tier (red/orange): {r['top_venue_share']:.0%} of venues-days, {share:.0%} of the hazards "
            f"that arose there ({ratio:.2f}× the base rate); "
            f"rank correlation score ~ true rate at season end: {r['spearman_end']:+.2f}"
        )
    print()
    per_plan = plan["found"] / plan["inspections"] if plan["inspections"] else 0.0
    per_rnd = rnd["found"] / rnd["inspections"] if rnd["inspections"] else 0.0
    lift = per_plan / per_rnd if per_rnd else float("nan")
    print(f"hazards found per inspection: plan {per_plan:.3f}, random {per_rnd:.3f}")
    print(f"({elapsed:.0f} s)")
    print(f"RESULT: lift = {lift:.2f}")


# --- a child: one arm on its own copy ------------------------------------------------------


def run_arm(args: argparse.Namespace) -> dict:
    import datetime as dt
    from zoneinfo import ZoneInfo

    import django

    django.setup()
    import uuid

    import time_machine
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db.models import Max, Q

    from venuesafe.accounts.models import Role, RoleAssignment
    from venuesafe.demo.hidden import true_hazard_rate
    from venuesafe.demo.loop_history import TYPE_WEIGHTS, _weight
    from venuesafe.hazards.models import OPEN_STATES, Hazard, HazardState, HazardType
    from venuesafe.hazards.services import hazard_record
    from venuesafe.inspections.models import Inspection, LocationStatus
    from venuesafe.org.models import OrgLevel, OrgUnit
    from venuesafe.risk.models import VenueRisk
    from venuesafe.risk.selectors import _patrol_area, patrol_plan
    from venuesafe.risk.services import rescore_stale, venue_changed
    from venuesafe.testing.factories import make_image_bytes
    from venuesafe.venues.models import BusinessStatus, Venue

    tz = ZoneInfo("Asia/Shanghai")
    street = OrgUnit.objects.get(name=STREET_CODE_NAME, level=OrgLevel.STREET)
    communities = list(OrgUnit.objects.filter(parent=street, level=OrgLevel.COMMUNITY).order_by("code"))

    # Inspectors: one per community first, then round robin (deterministic, same in both arms).
    by_comm: dict[int, list] = {c.pk: [] for c in communities}
    for a in (
        RoleAssignment.objects.filter(role=Role.INSPECTOR, is_active=True, org_unit__path__startswith=street.path)
        .select_related("user", "org_unit")
        .order_by("user_id")
    ):
        comm = next((c for c in communities if a.org_unit.path.startswith(c.path)), None)
        if comm and a.user not in by_comm[comm.pk]:
            by_comm[comm.pk].append(a.user)
    inspectors, depth = [], 0
    limit = args.inspectors or sum(len(v) for v in by_comm.values())
    while len(inspectors) < limit and any(len(v) > depth for v in by_comm.values()):
        inspectors += [v[depth] for v in by_comm.values() if len(v) > depth][: limit - len(inspectors)]
        depth += 1

    # The area both arms patrol: the same venues patrol_plan looks at (the inspectors' grids).
    area_q = Q(pk__in=[])
    for user in inspectors:
        area_q |= _patrol_area(user)
    venues = list(Venue.objects.filter(area_q, business_status=BusinessStatus.OPEN).select_related("category__parent"))
    area_ids = {v.pk for v in venues}
    own_area = {
        u.pk: sorted(
            Venue.objects.filter(_patrol_area(u), business_status=BusinessStatus.OPEN).values_list("pk", flat=True)
        )
        for u in inspectors
    }
    rates = {v.pk: true_hazard_rate(v) for v in venues}

    first_day = dt.date.fromisoformat(args.first_day)
    season_start = dt.datetime.combine(first_day, dt.time(0), tzinfo=tz)
    last_seen = {
        row["venue_id"]: (row["last"] - season_start).total_seconds() / 86400
        for row in Inspection.objects.filter(venue_id__in=area_ids).values("venue_id").annotate(last=Max("ended_at"))
    }

    # The hidden world, drawn up front per venue so both arms face the same arrivals and types.
    types = list(HazardType.objects.filter(is_active=True).prefetch_related("categories"))
    type_cats = {t.pk: {c.pk for c in t.categories.all()} for t in types}
    common = [t for t in types if t.code in TYPE_WEIGHTS]  # the hazards inspectors meet most
    arrivals: dict[int, list[tuple[float, HazardType]]] = {}
    for v in venues:
        fits = [
            t
            for t in common
            if t.applies_to_all or v.category_id in type_cats[t.pk] or v.category.parent_id in type_cats[t.pk]
        ]
        r = random.Random(args.seed * 1_000_003 + v.pk)
        # Hazards have been arising since the venue's last inspection (all were found then).
        t, seq = last_seen.get(v.pk, -NEVER_INSPECTED_DAYS), []
        while True:
            t += r.expovariate(rates[v.pk])
            if t >= args.days:
                break
            seq.append((t, r.choices(fits, weights=[_weight(x.code) for x in fits])[0]))
        arrivals[v.pk] = seq
    backlog = sum(1 for seq in arrivals.values() for t, _h in seq if t < 0)
    found_upto = dict.fromkeys(area_ids, 0)  # index of the next not-yet-found arrival

    photo_bytes = make_image_bytes()
    choose = random.Random(args.seed)
    stats = dict.fromkeys(("inspections", "found", "found_top", "arrivals", "arrivals_top"), 0)
    stats |= {"top_venue_days": 0, "venue_days": 0}
    t_day = time.perf_counter()

    with time_machine.travel(dt.datetime.combine(first_day, dt.time(1, 0), tzinfo=tz), tick=False) as clock:
        for d in range(args.days):
            today = first_day + dt.timedelta(days=d)
            clock.move_to(dt.datetime.combine(today, dt.time(1, 0), tzinfo=tz))
            # Orders close as they do in the demo's history (rectified and re-checked in about two
            # days): otherwise venues keep the points of hazards that, in the hidden world, are gone.
            cutoff = dt.datetime.combine(today, dt.time(1, 0), tzinfo=tz) - dt.timedelta(days=RECTIFY_DAYS)
            done = Hazard.objects.filter(venue_id__in=area_ids, state__in=OPEN_STATES, found_at__lte=cutoff)
            closed_venues = set(done.values_list("venue_id", flat=True))
            done.update(state=HazardState.CLOSED, closed_at=dt.datetime.combine(today, dt.time(1, 0), tzinfo=tz))
            for pk in closed_venues:
                venue_changed(pk)
            if d % args.rescore_every == 0:
                rescore_stale()  # the nightly pass: "days since the last inspection" moves on
            levels = dict(VenueRisk.objects.filter(venue_id__in=area_ids).values_list("venue_id", "level"))
            top = {pk for pk, lv in levels.items() if lv in TOP_TIER}
            stats["top_venue_days"] += len(top)
            stats["venue_days"] += len(area_ids)
            for pk in area_ids:
                n = sum(1 for t, _h in arrivals[pk] if d <= t < d + 1)
                stats["arrivals"] += n
                if pk in top:
                    stats["arrivals_top"] += n

            visited: set[int] = set()
            for i, user in enumerate(inspectors):
                if args.arm == "plan":
                    stops = patrol_plan(user=user, today=today)
                    chosen = [s.venue for s in stops if s.venue.pk not in visited][: args.per_day]
                else:
                    pool = [pk for pk in own_area[user.pk] if pk not in visited]
                    picks = choose.sample(pool, min(args.per_day, len(pool)))
                    chosen = list(Venue.objects.filter(pk__in=picks).select_related("category"))
                    chosen.sort(key=lambda v: picks.index(v.pk))
                for j, venue in enumerate(chosen):
                    visited.add(venue.pk)
                    ended = dt.datetime.combine(today, dt.time(DAY_START_HOUR), tzinfo=tz) + dt.timedelta(
                        minutes=MINUTES_PER_STOP * (j + 1), seconds=i
                    )
                    clock.move_to(ended)
                    now_days = d + (ended - dt.datetime.combine(today, dt.time(0), tzinfo=tz)).total_seconds() / 86400
                    seq, k = arrivals[venue.pk], found_upto[venue.pk]
                    hits = []
                    while k < len(seq) and seq[k][0] <= now_days:
                        hits.append(seq[k][1])
                        k += 1
                    found_upto[venue.pk] = k
                    inspection = Inspection.objects.create(
                        client_id=uuid.uuid4(),
                        venue=venue,
                        inspector=user,
                        started_at=ended - dt.timedelta(minutes=20),
                        ended_at=ended,
                        lat=venue.lat,
                        lng=venue.lng,
                        accuracy_m=10.0,
                        distance_m=0.0,
                        location_status=LocationStatus.ON_SITE,
                        org_path=venue.org_path,
                        community_id=venue.community_id,
                        category_id=venue.category_id,
                    )
                    for htype in hits:
                        hazard_record(
                            venue=venue,
                            hazard_type=htype,
                            actor=user,
                            photos=[SimpleUploadedFile("found.jpg", photo_bytes, content_type="image/jpeg")],
                            inspection=inspection,
                            found_at=ended,
                        )
                    venue_changed(venue.pk)
                    stats["inspections"] += 1
                    stats["found"] += len(hits)
                    if venue.pk in top:
                        stats["found_top"] += len(hits)
            if (d + 1) % 10 == 0:
                progress(f"{args.arm}: day {d + 1}/{args.days} ({time.perf_counter() - t_day:.0f} s)")

        # How well the score ranks the venues by their hidden rate at the end of the season.
        scores = dict(VenueRisk.objects.filter(venue_id__in=area_ids).values_list("venue_id", "score"))
    pks = sorted(area_ids)
    spearman = _spearman([scores.get(pk, 0) for pk in pks], [rates[pk] for pk in pks])
    return {
        **stats,
        "street": street.name,
        "venues": len(area_ids),
        "backlog": backlog,
        "inspectors": len(inspectors),
        "rate_mean": sum(rates.values()) / len(rates),
        "rate_max": max(rates.values()),
        "top_venue_share": stats["top_venue_days"] / stats["venue_days"] if stats["venue_days"] else 0.0,
        "spearman_end": spearman,
    }


def _ranks(xs: list[float]) -> list[float]:
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    ranks = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2
        i = j + 1
    return ranks


def _spearman(a: list[float], b: list[float]) -> float:
    ra, rb = _ranks(a), _ranks(b)
    n = len(a)
    ma, mb = sum(ra) / n, sum(rb) / n
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb, strict=True))
    va = sum((x - ma) ** 2 for x in ra) ** 0.5
    vb = sum((y - mb) ** 2 for y in rb) ** 0.5
    return cov / (va * vb) if va and vb else 0.0


if __name__ == "__main__":
    args = parse_args()
    if args.arm:
        print(json.dumps(run_arm(args)))
        sys.exit(0)
    sys.exit(main(args))
