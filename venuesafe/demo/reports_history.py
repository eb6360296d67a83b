"""The demo district's resident reports and instant-response verification tasks (issue 7).

About two months of resident reports in 陈桥街道, filed and triaged through reports.services: most
accepted into the loop and dispatched, two merged into open work orders, one dismissed with the
reason the reporter reads; and this morning three new reports in 仁和社区 waiting for
demo_community's triage. About three months of venue-information anomalies, reported, verified on
site (mostly within the target, a few late and escalated) or dismissed through
verifications.services; today one open task for demo_inspector or demo_grid in 仁和社区, due within
the next two hours, and one overdue and escalated. An Open311 client with a fixed demo key, so the
API can be tried at once.

The services read the time from venuesafe.core.clock; the loader moves that clock to each step's
moment while it runs (time-machine is a test tool, not installed at runtime), so every row, event
and deadline is as it would have been. Everything comes from a fixed seed and is placed relative
to the time of loading; a second call finds the rows and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from venuesafe.accounts.models import User
from venuesafe.core import clock
from venuesafe.core.positions import Position
from venuesafe.demo.equipment import _evidence_photo, _inbox_only
from venuesafe.hazards.models import OPEN_STATES, Hazard
from venuesafe.hazards.services import ResponsibleParty, hazard_dispatch, hazard_type_applies
from venuesafe.notices.models import Notice
from venuesafe.org.models import OrgUnit
from venuesafe.reports.models import Open311Client, ReportCategory, ReportSource, ReportState, ResidentReport
from venuesafe.reports.reference_data import ensure_categories
from venuesafe.reports.services import report_accept, report_dismiss, report_merge, report_submit
from venuesafe.venues.models import BusinessStatus, Venue
from venuesafe.verifications.models import AnomalyKind, TaskState, VerificationTask
from venuesafe.verifications.services import task_dismiss, task_escalate, task_report, task_verify

SEED = 20260607
TZ = ZoneInfo("Asia/Shanghai")
CLIENT_ID_NAMESPACE = uuid.UUID("8b2e6c4d-1f3a-4e7b-a5c9-0d6f2e8a4b17")
DEMO_STREET = "demo_street"
DEMO_COMMUNITY = "demo_community"
DEMO_INSPECTOR = "demo_inspector"
DEMO_GRID = "demo_grid"
HOME_COMMUNITY = "仁和社区"

OPEN311_CLIENT_NAME = "演示 311 应用"
# Fixed on purpose: the load output prints it so anyone can try the API. Demo data only.
OPEN311_DEMO_API_KEY = "demo-open311-key-venuesafe-2026"

# History reports: (category code, outcome, days ago, description). Outcomes: accept, merge (into the
# work order of the first accepted report of its category, still open), dismiss.
HISTORY_REPORTS = [
    ("fire-exit", "accept", 58, "店铺后门安全出口被货物堵死，晚上还上锁"),
    ("gas", "accept", 53, "饭店后厨液化气钢瓶放在灶台边，闻到有煤气味"),
    ("ebike-charging", "accept", 47, "出租房楼道里每天晚上都有电动车在充电，电线从窗户拉出来"),
    ("wiring", "accept", 41, "门口私拉电线给灯箱供电，电线挂在树上"),
    ("fire-exit", "merge", 36, "那家店的后门还是被货物堵着，上次反映过"),
    ("extinguisher", "accept", 30, "店里的灭火器压力表指针在红区，好像过期了"),
    ("sleeping-on-premises", "accept", 26, "店铺阁楼上住人，楼下就是仓库"),
    ("other", "dismiss", 21, "隔壁店铺晚上很吵"),
    ("fire-exit", "accept", 15, "楼梯间堆放杂物，消防通道不畅"),
    ("gas", "merge", 11, "这家饭店后厨还是有煤气味，钢瓶就放在灶台边"),
    ("wiring", "accept", 7, "插线板串接很多，冒过火花"),
    ("combustibles", "accept", 3, "后院堆放大量木料和油漆桶"),
]
DISMISS_REASON = "经现场核实，所反映问题属于噪声扰民，不属于安全隐患，已转城管部门处理。"
# Today's reports in 仁和社区, waiting for triage: (category code, minutes ago, description, via Open311).
TODAY_REPORTS = [
    ("fire-exit", 150, "超市安全出口被堆放的货物挡住了一半", False),
    ("ebike-charging", 75, "门口有人把电动车推进店里充电", True),
    ("wiring", 25, "店门口插线板泡在雨水里", False),
]
CONTACT_NAMES = ["王先生", "李女士", "张师傅", "陈女士", "", ""]

# Verification tasks over the last three months: how many, and of those late or dismissed.
HISTORY_TASKS = 20
LATE_TASKS = 3
DISMISSED_TASKS = 3
DISMISS_NOTES = ["现场核实，店铺仍在正常营业，信息无误", "重复上报，已在档案中", "店铺临时歇业装修，信息无误"]
NEW_SIGN_SUFFIXES = ["（新店）", "·二店", "旗舰店"]


@dataclass
class ReportsHistoryResult:
    created: bool
    reports: int = 0
    tasks: int = 0


def reports_history_is_loaded() -> bool:
    first = _client_id("report", 0)
    return ResidentReport.objects.filter(client_token=first).exists()


def _client_id(kind: str, n: int) -> uuid.UUID:
    return uuid.uuid5(CLIENT_ID_NAMESPACE, f"{kind}-{n}")


@contextmanager
def _clock_at(when: dt.datetime) -> Iterator[None]:
    """The services' clock at `when` while a step runs (restored afterwards, whatever happens)."""
    saved = clock.now
    last = Notice.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    clock.now = lambda: when
    try:
        yield
    finally:
        clock.now = saved
    # Notices take their time from the model default, not the clock: date them with their step, and
    # those of earlier days as read, so the inboxes hold today's work rather than two months of it.
    read = when if when.astimezone(TZ).date() < timezone.now().astimezone(TZ).date() else None
    Notice.objects.filter(pk__gt=last).update(created_at=when, read_at=read)


def ensure_open311_client() -> Open311Client:
    client = Open311Client.objects.filter(api_key=OPEN311_DEMO_API_KEY).first()
    if client is None:
        client = Open311Client.objects.create(
            name=OPEN311_CLIENT_NAME,
            api_key=OPEN311_DEMO_API_KEY,
            issued_by=User.objects.filter(username="demo_admin").first(),
        )
    return client


def load_reports_history(*, street_code: str, now: dt.datetime | None = None) -> ReportsHistoryResult:
    """File and triage the reports and verification tasks once; a second call writes nothing."""
    street = OrgUnit.objects.get(code=street_code)
    client = ensure_open311_client()
    if reports_history_is_loaded():
        return ReportsHistoryResult(created=False)
    now = (now or clock.now()).replace(microsecond=0)
    ensure_categories()
    with _inbox_only(), transaction.atomic():
        history = _History(street, now, client)
        reports = history.reports()
        tasks = history.tasks()
    return ReportsHistoryResult(created=True, reports=reports, tasks=tasks)


def _top_code(venue: Venue) -> str:
    return venue.category.parent.code if venue.category.parent_id else venue.category.code


class _History:
    def __init__(self, street: OrgUnit, now: dt.datetime, client: Open311Client):
        self.rng = random.Random(SEED)
        self.street = street
        self.now = now
        self.client = client
        self.users = {u.username: u for u in User.objects.filter(username__startswith="demo_")}
        self.office = self.users[DEMO_STREET]
        self.venues = list(
            Venue.objects.filter(
                org_path__startswith=street.path, business_status=BusinessStatus.OPEN, lat__isnull=False
            )
            .select_related("category__parent", "community", "grid", "inspector", "grid_worker")
            .order_by("pk")
        )
        self.home = next(v.community for v in self.venues if v.community.name == HOME_COMMUNITY)
        self.categories = {c.code: c for c in ReportCategory.objects.select_related("hazard_type")}
        self.used: set[int] = set()
        self.accepted: dict[str, Hazard] = {}

    def at(self, days: float, hour: float) -> dt.datetime:
        """`days` ago at `hour` o'clock Shanghai time (never later than now)."""
        day = self.now.astimezone(TZ).date() - dt.timedelta(days=days)
        local = dt.datetime.combine(day, dt.time(0), tzinfo=TZ) + dt.timedelta(hours=hour)
        return min(local.astimezone(dt.UTC), self.now - dt.timedelta(minutes=5))

    def near(self, venue: Venue, metres: float = 12.0) -> Position:
        # About `metres` from the venue's archived position (1e-5 degrees ≈ 1.1 m).
        d = metres / 111_000
        return Position(
            round(venue.lat + self.rng.uniform(-d, d), 7), round(venue.lng + self.rng.uniform(-d, d), 7), 10.0
        )

    def pick_venue(self, category: ReportCategory, *, community: OrgUnit | None = None) -> Venue:
        ht = category.hazard_type
        open_types = set(
            Hazard.objects.filter(org_path__startswith=self.street.path, state__in=OPEN_STATES).values_list(
                "venue_id", "hazard_type_id"
            )
        )
        pool = [
            v
            for v in self.venues
            if v.pk not in self.used
            and (community is None or v.community_id == community.pk)
            and (ht is None or hazard_type_applies(ht, v))
            and (ht is None or (v.pk, ht.pk) not in open_types)
        ]
        venue = self.rng.choice(pool)
        self.used.add(venue.pk)
        return venue

    # resident reports ---------------------------------------------------------------------
    def reports(self) -> int:
        made = 0
        for n, (code, outcome, days, text) in enumerate(HISTORY_REPORTS):
            category = self.categories[code]
            submitted = self.at(days, self.rng.uniform(8, 20))
            triaged = submitted + dt.timedelta(hours=self.rng.uniform(1, 20))
            if outcome == "merge":
                target = self.accepted[code]
                venue = target.venue
            else:
                target, venue = None, self.pick_venue(category)
            where = self.near(venue)
            with _clock_at(submitted):
                report = report_submit(
                    category=category,
                    description=text,
                    lat=where.lat,
                    lng=where.lng,
                    address_string=venue.address,
                    contact_name=self.rng.choice(CONTACT_NAMES),
                    photos=[self.photo(category, n)],
                    client_token=_client_id("report", n),
                )
            hazard = None
            with _clock_at(triaged):
                if outcome == "accept":
                    hazard = report_accept(user=self.office, report=report, venue=venue)
                    self.accepted.setdefault(code, hazard)
                elif outcome == "merge":
                    report_merge(user=self.office, report=report, hazard=target)
                else:
                    report_dismiss(user=self.office, report=report, reason=DISMISS_REASON)
            if hazard is not None:
                dispatched = triaged + dt.timedelta(minutes=self.rng.uniform(10, 90))
                # A deadline still ahead today: the demo's own loop history carries the late orders.
                deadline = max(dispatched, self.now) + dt.timedelta(days=self.rng.randint(3, 10))
                party = (
                    ResponsibleParty(merchant=True)
                    if venue.merchant_links.exists()
                    else ResponsibleParty(community=venue.community)
                )
                with _clock_at(dispatched):
                    hazard_dispatch(
                        hazard=hazard, actor=self.office, party=party, deadline=deadline, note="群众举报，请按期整改"
                    )
            made += 1
        # This morning's reports in 仁和社区: demo_community's triage queue.
        for n, (code, minutes, text, via_api) in enumerate(TODAY_REPORTS):
            category = self.categories[code]
            venue = self.pick_venue(category, community=self.home)
            with _clock_at(self.now - dt.timedelta(minutes=minutes)):
                report_submit(
                    category=category,
                    description=text,
                    venue=venue,
                    address_string=venue.address,
                    contact_phone=f"139{self.rng.randrange(10**8):08d}" if n == 0 else "",
                    source=ReportSource.OPEN311 if via_api else ReportSource.WEB,
                    open311_client=self.client if via_api else None,
                    photos=[] if via_api else [self.photo(category, n)],
                    client_token=_client_id("report-today", n),
                )
            made += 1
        return made

    def photo(self, category: ReportCategory, n: int):
        """The resident's photo: the demo's "before" picture of this family of hazards."""
        family = category.hazard_type.code[:3] if category.hazard_type else "OTH"
        return _evidence_photo(family, n)

    # verification tasks -------------------------------------------------------------------
    def tasks(self) -> int:
        reporters = [self.users[DEMO_STREET], self.users[DEMO_COMMUNITY]]
        late = set(self.rng.sample(range(HISTORY_TASKS), LATE_TASKS))
        dismissed = set(self.rng.sample(sorted(set(range(HISTORY_TASKS)) - late), DISMISSED_TASKS))
        target = dt.timedelta(minutes=settings.VERIFICATION_TARGET_MINUTES)
        for n in range(HISTORY_TASKS):
            days = 88 - n * 4.3 + self.rng.uniform(-1, 1)
            reported = self.at(max(days, 1), self.rng.uniform(8.5, 17))
            if n in late:
                closed = reported + target + dt.timedelta(minutes=self.rng.uniform(20, 300))
            else:
                closed = reported + dt.timedelta(minutes=self.rng.uniform(25, 110))
            self.one_task(n, reporters[n % 2], reported, closed, n in dismissed)
        # Today in 仁和社区: one waiting for demo_inspector or demo_grid, one overdue and escalated.
        mine = [
            v
            for v in self.venues
            if v.community_id == self.home.pk
            and v.pk not in self.used
            and (v.inspector.username == DEMO_INSPECTOR or (v.grid_worker and v.grid_worker.username == DEMO_GRID))
        ]
        # The venue's inspector is asked first: demo_inspector's own venue if there is one.
        venue = min(mine, key=lambda v: (v.inspector.username != DEMO_INSPECTOR, v.pk))
        self.used.add(venue.pk)
        with _clock_at(self.now - dt.timedelta(minutes=35)):
            task_report(
                actor=self.users[DEMO_COMMUNITY],
                kind=AnomalyKind.CHANGED_SIGN,
                venue=venue,
                sign_name=venue.sign_name + NEW_SIGN_SUFFIXES[0],
                position=self.near(venue),
                note="门头招牌换了，请现场核实",
                client_id=_client_id("task-today", 0),
            )
        venue = self.pick_venue_for_task(self.home)
        reported = self.now - target - dt.timedelta(minutes=50)
        with _clock_at(reported):
            task, _created = task_report(
                actor=self.users[DEMO_COMMUNITY],
                kind=AnomalyKind.OTHER,
                venue=venue,
                note="营业执照上的地址和实际门牌不一致",
                client_id=_client_id("task-today", 1),
            )
        # The periodic timer found it past its due time.
        with _clock_at(self.now):
            task_escalate(task=task, now=self.now)
        return HISTORY_TASKS + 2

    def pick_venue_for_task(self, community: OrgUnit | None = None) -> Venue:
        pool = [
            v
            for v in self.venues
            if v.pk not in self.used and (community is None or v.community_id == community.pk) and v.inspector_id
        ]
        venue = self.rng.choice(pool)
        self.used.add(venue.pk)
        return venue

    def one_task(self, n: int, reporter: User, reported: dt.datetime, closed: dt.datetime, dismiss: bool) -> None:
        venue = self.pick_venue_for_task()
        kind = self.rng.choice([AnomalyKind.CHANGED_SIGN, AnomalyKind.OTHER, AnomalyKind.WRONG_LOCATION])
        if dismiss:
            kind = self.rng.choice([AnomalyKind.CLOSED, AnomalyKind.CHANGED_SIGN])
        new_sign = venue.sign_name + self.rng.choice(NEW_SIGN_SUFFIXES)
        notes = {
            AnomalyKind.CHANGED_SIGN: "招牌已更换",
            AnomalyKind.OTHER: "门牌号与档案不一致",
            AnomalyKind.WRONG_LOCATION: "地图上的位置偏了一条街",
            AnomalyKind.CLOSED: "店铺卷帘门一直关着，可能已关门",
        }
        with _clock_at(reported):
            task, _created = task_report(
                actor=reporter,
                kind=kind,
                venue=venue,
                sign_name=new_sign if kind == AnomalyKind.CHANGED_SIGN else "",
                position=self.near(venue, 40) if kind == AnomalyKind.WRONG_LOCATION else None,
                note=notes[kind],
                client_id=_client_id("task", n),
            )
        verifier = task.assignee or venue.inspector
        on_site = self.near(venue, 8)
        due = task.due_at
        if closed > due:
            # The periodic timer escalated it before the verifier arrived.
            with _clock_at(closed - dt.timedelta(minutes=1)):
                task_escalate(task=task, now=closed - dt.timedelta(minutes=1))
        with _clock_at(closed):
            if dismiss:
                task_dismiss(task=task, actor=verifier, reason=self.rng.choice(DISMISS_NOTES), position=on_site)
            elif kind == AnomalyKind.CHANGED_SIGN:
                task_verify(task=task, actor=verifier, position=on_site, sign_name=new_sign)
            elif kind == AnomalyKind.WRONG_LOCATION:
                task_verify(task=task, actor=verifier, position=on_site)
            else:
                number = self.rng.randint(2, 188)
                road = venue.address.split("路")[0] + "路" if "路" in venue.address else venue.address
                task_verify(task=task, actor=verifier, position=on_site, address=f"{road}{number}号")


def reports_figures(street: OrgUnit) -> dict:
    """The counts the load prints, from the rows."""
    reports = ResidentReport.objects.filter(org_path__startswith=street.path)
    tasks = VerificationTask.objects.filter(org_path__startswith=street.path)
    return {
        "resident_reports": reports.count(),
        "reports_waiting": reports.filter(state=ReportState.NEW).count(),
        "verification_tasks": tasks.count(),
        "verifications_open": tasks.filter(state=TaskState.OPEN).count(),
    }
