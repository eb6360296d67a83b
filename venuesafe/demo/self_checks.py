"""The demo district's merchants and their daily self-checks (issue 4).

212 merchants of 陈桥街道 punch in every day ("查设备、看线路、清通道"). This binds 212 open
venues to a merchant account (demo_merchant's venue among them; the others have no password),
each with the one-time binding code its grid worker handed over, and writes about two months of
punch-ins up to the moment of loading with habits like real ones: most merchants punch in
nearly every day at their own hour and so "master" self-checking, some are casual, some lapsed a
while ago, a few started late; now and then one amends the day's punch-in. A rare "no" is a
self-reported hazard, most often fixed at once with a proof photo and closed by the grid
worker's light review, otherwise handed to the merchant with its deadline and rectified.

Today is left as it is at the hour of loading: who usually punches in by now has, the rest are
on their grid worker's missing list; demo_merchant has not punched in yet, so the demo shows
the flow. Rows are written with bulk_create in the shapes selfchecks.services writes (tests
check them); everything comes from a fixed seed and is placed relative to the time of loading.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Case, Value, When
from PIL import Image, ImageDraw
from simple_history.utils import bulk_create_with_history

from venuesafe.accounts.models import Role, RoleAssignment, User
from venuesafe.core import clock
from venuesafe.dashboard import rollup as hazard_rollup
from venuesafe.demo.hidden import venue_seed
from venuesafe.demo.loop_history import _photo_name
from venuesafe.hazards.models import (
    OPEN_STATES,
    EventKind,
    Hazard,
    HazardEvent,
    HazardPhoto,
    HazardSource,
    HazardState,
    PhotoKind,
)
from venuesafe.hazards.services import default_deadline_hours
from venuesafe.org.models import OrgUnit
from venuesafe.selfchecks.models import SelfCheck, SelfCheckAnswer, SelfCheckItem
from venuesafe.selfchecks.selectors import items_for_venue
from venuesafe.venues.models import BindingCode, BusinessStatus, Venue, VenueMerchant
from venuesafe.venues.services import BINDING_ALPHABET, BINDING_CODE_LENGTH

S = HazardState
E = EventKind

SEED = 20260604
TZ = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC
MERCHANT_COUNT = 212
HISTORY_DAYS = 60  # punch-ins from this many days ago up to today
CAMPAIGN_DAYS = (75, 61)  # the grid workers handed out binding codes between these days ago
CLIENT_ID_NAMESPACE = uuid.UUID("0b7c4f1e-2a9d-4e61-8f35-6d2c9a1b7e40")
USERNAME = "cq_merchant_{:03d}"
DEMO_MERCHANT = "demo_merchant"
AMEND_SHARE = 0.015  # punch-ins amended later the same day
NO_SHARE = 0.0045  # punch-ins with a "no" (a self-reported hazard)
FIX_NOW_SHARE = 0.6  # of those, fixed at once with a proof photo (自查自改)
PENDING_CODES = 2  # unused codes demo_grid has issued for venues of its grid not bound yet

# Habits: (name, share, chance of punching in on a day).
HABITS = [
    ("steady", 0.68, (0.9, 0.99)),
    ("casual", 0.14, (0.35, 0.7)),
    ("lapsed", 0.12, (0.85, 0.97)),  # punched in well, then stopped (now and then once more)
    ("late_start", 0.06, (0.85, 0.97)),  # bound late in the campaign, punching in since
]

NOTES_NO = {
    "SC-EQ-01": ["灭火器压力指针在红区", "1具灭火器压力不足"],
    "SC-EQ-02": ["应急灯按测试键不亮", "安全出口标志灯不亮"],
    "SC-GAS-01": ["燃气报警器指示灯不亮"],
    "SC-GAS-02": ["燃气软管有细小裂纹", "软管卡箍松了"],
    "SC-GAS-03": ["钢瓶离灶台太近"],
    "SC-WI-01": ["门口灯箱电线是私接的", "仓库里拉了临时电线"],
    "SC-WI-02": ["插线板串在一起用了"],
    "SC-WI-03": ["店员电动车推进店里充电", "门口有电动车在充电"],
    "SC-PA-01": ["后门通道堆了纸箱", "安全出口被货挡住了"],
    "SC-PA-02": ["门口堆放纸箱", "后院杂物较多"],
    "SC-PA-03": ["阁楼有人住"],
    "SC-HO-01": ["走廊堆了布草车"],
    "SC-HO-02": ["昨晚值班记录漏填"],
    "SC-MF-01": ["油漆桶放在车间里"],
}
FIX_NOTES = ["已清理", "已整改", "马上处理好了", "已更换", "已移走"]
PROOF_NOTES = ["已整改，请复核", "已更换，照片已上传", "已处理"]
ACK_NOTES = ["收到，马上整改", "好的", ""]
LIGHT_REVIEW_NOTES = ["看了照片，已整改到位", "复核通过", "已整改", ""]
DISPATCH_NOTE = "商户自查上报"


@dataclass
class SelfCheckHistoryResult:
    created: bool
    merchants: int
    self_checks: int
    hazards: int


@dataclass
class _Merchant:
    venue: Venue
    user_id: int | None
    username: str
    joined_at: dt.datetime
    habit: str
    p: float
    minute: float  # usual time of the punch-in, minutes after local midnight
    stop_day: dt.date | None = None  # lapsed: the last day of regular punch-ins
    is_demo: bool = False


@dataclass
class _Ev:
    kind: str
    to_state: str
    at: dt.datetime
    actor_id: int | None
    note: str = ""
    data: dict = field(default_factory=dict)
    photos: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _Report:
    """A "no" answer's self-reported hazard with its timeline (cut at the time of loading)."""

    merchant: _Merchant
    item: SelfCheckItem
    at: dt.datetime
    fix_now: bool
    note: str
    evidence: str
    events: list[_Ev] = field(default_factory=list)
    pk: int | None = None


def _client_id(n: int) -> uuid.UUID:
    return uuid.uuid5(CLIENT_ID_NAMESPACE, f"self-check-{n}")


def self_check_history_is_loaded() -> bool:
    return User.objects.filter(username=USERNAME.format(1)).exists()


def load_self_check_history(*, street_code: str, now: dt.datetime | None = None) -> SelfCheckHistoryResult:
    """Bind the merchants and write their punch-ins once; a second call finds them and writes nothing."""
    street = OrgUnit.objects.get(code=street_code)
    if self_check_history_is_loaded():
        return SelfCheckHistoryResult(created=False, merchants=0, self_checks=0, hazards=0)
    with transaction.atomic():
        history = _History(street, now or clock.now())
        history.build()
        history.write()
        hazard_rollup.rebuild(street)  # rows written past the services: the screen's daily rollup anew
    return SelfCheckHistoryResult(
        created=bool(history.merchants),
        merchants=len(history.merchants),
        self_checks=history.self_check_count,
        hazards=len(history.reports),
    )


class _History:
    def __init__(self, street: OrgUnit, now: dt.datetime):
        self.rng = random.Random(SEED)
        self.street = street
        self.now = now.replace(microsecond=0)
        self.today = now.astimezone(TZ).date()
        self.merchants: list[_Merchant] = []
        self.reports: list[_Report] = []
        self.self_check_count = 0

    # who ----------------------------------------------------------------------------------
    def build(self) -> None:
        venues = list(
            Venue.objects.filter(org_path__startswith=self.street.path, business_status=BusinessStatus.OPEN)
            .select_related("category")
            .order_by("pk")
        )
        if not venues:
            return
        held = dict(VenueMerchant.objects.filter(venue__in=venues).order_by("pk").values_list("venue_id", "user_id"))
        demo = User.objects.filter(username=DEMO_MERCHANT).values_list("pk", flat=True).first()
        # Venues already held (demo_merchant's) keep their merchant; the rest are drawn.
        free = [v for v in venues if v.pk not in held]
        chosen = [v for v in venues if v.pk in held]
        chosen += self.rng.sample(free, min(len(free), max(0, MERCHANT_COUNT - len(chosen))))
        chosen.sort(key=lambda v: v.pk)
        self.demo_user_id = demo
        campaign_start = self.now - dt.timedelta(days=CAMPAIGN_DAYS[0])
        n = 0
        for venue in chosen:
            habit, _share, (lo, hi) = self.rng.choices(HABITS, weights=[h[1] for h in HABITS])[0]
            user_id = held.get(venue.pk)
            if user_id is not None and user_id == demo:
                habit, _share, (lo, hi) = HABITS[0]  # steady, with a streak up to yesterday
            if user_id is None:
                n += 1
            joined = campaign_start + dt.timedelta(days=self.rng.uniform(0, CAMPAIGN_DAYS[0] - CAMPAIGN_DAYS[1]))
            if habit == "late_start":
                joined = self.now - dt.timedelta(days=self.rng.uniform(8, 25))
            joined = self.daytime(joined)
            evening = self.rng.random() < 0.15
            minute = self.rng.gauss(19.5 * 60, 50) if evening else self.rng.gauss(9 * 60, 80)
            merchant = _Merchant(
                venue=venue,
                user_id=user_id,
                username=USERNAME.format(n) if user_id is None else "",
                joined_at=joined,
                habit=habit,
                p=self.rng.uniform(lo, hi),
                is_demo=user_id is not None and user_id == demo,
                minute=min(max(minute, 6.5 * 60), 21.5 * 60),
            )
            if habit == "lapsed":
                merchant.stop_day = self.today - dt.timedelta(days=self.rng.randint(8, 40))
            self.merchants.append(merchant)
        self.load_items()
        self.plan_punch_ins()

    def daytime(self, t: dt.datetime) -> dt.datetime:
        """Between 9:00 and 18:00 Shanghai time on the same day."""
        local = t.astimezone(TZ)
        local = local.replace(hour=9, minute=0, second=0, microsecond=0) + dt.timedelta(
            minutes=self.rng.uniform(0, 9 * 60)
        )
        return min(local.astimezone(UTC), self.now - dt.timedelta(days=1))

    def load_items(self) -> None:
        self.items: dict[int, list[SelfCheckItem]] = {}
        for m in self.merchants:
            if m.venue.category_id not in self.items:
                self.items[m.venue.category_id] = list(items_for_venue(m.venue))
        # (venue, hazard type) pairs with a work order of the loop in the recent past: a "no" there
        # would add to that order instead of starting one, so the history leaves them out.
        since = self.now - dt.timedelta(days=HISTORY_DAYS + 60)
        recent = Hazard.objects.filter(venue__in=[m.venue for m in self.merchants]).filter(
            found_at__gte=since
        ) | Hazard.objects.filter(venue__in=[m.venue for m in self.merchants], state__in=OPEN_STATES)
        self.busy = set(recent.values_list("venue_id", "hazard_type_id"))

    # when ---------------------------------------------------------------------------------
    def punch_in_day(self, m: _Merchant, day: dt.date, r: random.Random) -> bool:
        if m.is_demo and day >= self.today - dt.timedelta(days=9):
            return day < self.today  # a streak up to yesterday; today is for the demo
        p = m.p
        if day.weekday() == 6:
            p *= 0.93  # Sundays are a little weaker
        if m.stop_day is not None and day > m.stop_day:
            p = 0.06
        return r.random() < p

    def plan_punch_ins(self) -> None:
        self.punch_ins: list[tuple[_Merchant, dt.datetime]] = []
        first_day = self.today - dt.timedelta(days=HISTORY_DAYS)
        for m in self.merchants:
            r = random.Random(venue_seed(m.venue, SEED * 31))  # a merchant's days do not depend on draw order
            start = max(first_day, (m.joined_at.astimezone(TZ) + dt.timedelta(days=1)).date())
            day = start
            while day <= self.today:
                if self.punch_in_day(m, day, r):
                    minute = m.minute + r.gauss(0, 35)
                    local = dt.datetime.combine(day, dt.time(), tzinfo=TZ) + dt.timedelta(
                        minutes=min(max(minute, 6 * 60), 23.5 * 60)
                    )
                    at = local.astimezone(UTC).replace(microsecond=0)
                    if at <= self.now - dt.timedelta(minutes=1):
                        self.punch_ins.append((m, at))
                day += dt.timedelta(days=1)
        self.punch_ins.sort(key=lambda p: (p[1], p[0].venue.pk))

    # write --------------------------------------------------------------------------------
    def write(self) -> None:
        if not self.merchants:
            return
        self.write_merchants()
        _ensure_photos()
        self.write_self_checks()

    def write_merchants(self) -> None:
        used_mobiles = set(User.objects.exclude(mobile=None).values_list("mobile", flat=True))
        new_users = []
        for m in self.merchants:
            if m.user_id is not None:
                continue
            mobile = m.venue.operator_mobile
            while not mobile or mobile in used_mobiles:
                mobile = (
                    self.rng.choice(["139", "138", "158", "187", "151", "135"]) + f"{self.rng.randrange(10**8):08d}"
                )
            used_mobiles.add(mobile)
            user = User(
                username=m.username,
                full_name=m.venue.operator_name or m.venue.sign_name[:20],
                mobile=mobile,
                password=make_password(None),  # logs in once given a password (or by the binding flow)
                date_joined=m.joined_at,
            )
            new_users.append(user)
        User.objects.bulk_create(new_users)
        ids = dict(User.objects.filter(username__in=[u.username for u in new_users]).values_list("username", "pk"))
        for m in self.merchants:
            if m.user_id is None:
                m.user_id = ids[m.username]
        new = [m for m in self.merchants if m.username]
        existing_roles = set(
            RoleAssignment.objects.filter(
                role=Role.MERCHANT, user_id__in=[m.user_id for m in self.merchants]
            ).values_list("user_id", "org_unit_id")
        )
        RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(user_id=m.user_id, role=Role.MERCHANT, org_unit_id=m.venue.community_id)
                for m in new
                if (m.user_id, m.venue.community_id) not in existing_roles
            ]
        )
        links = []
        for m in new:
            link = VenueMerchant(venue=m.venue, user_id=m.user_id)
            link._history_date = m.joined_at
            link._history_user = m.venue.grid_worker
            links.append(link)
        bulk_create_with_history(links, VenueMerchant, batch_size=500, default_change_reason="binding code")
        # Each holds its venue since the day it used its code (auto_now_add wrote the time of loading).
        whens = [When(user_id=m.user_id, then=Value(m.joined_at)) for m in new]
        if whens:
            ids = [m.user_id for m in new]
            VenueMerchant.objects.filter(user_id__in=ids).update(created_at=Case(*whens))
            VenueMerchant.history.filter(user_id__in=ids).update(created_at=Case(*whens))

        # The one-time codes the grid workers handed over (used), and two demo_grid has just issued.
        taken = set(BindingCode.objects.values_list("code", flat=True))

        def code() -> str:
            while True:
                c = "".join(self.rng.choice(BINDING_ALPHABET) for _ in range(BINDING_CODE_LENGTH))
                if c not in taken:
                    taken.add(c)
                    return c

        ttl = dt.timedelta(hours=settings.BINDING_CODE_TTL_HOURS)
        codes = []
        for m in new:
            issued = m.joined_at - dt.timedelta(hours=self.rng.uniform(0.1, min(60, ttl.total_seconds() / 3600 - 1)))
            codes.append(
                BindingCode(
                    venue=m.venue,
                    code=code(),
                    issued_by_id=m.venue.grid_worker_id,
                    issued_at=issued,
                    expires_at=issued + ttl,
                    used_at=m.joined_at,
                    used_by_id=m.user_id,
                )
            )
        grid_worker = User.objects.filter(username="demo_grid").first()
        if grid_worker is not None:
            bound = {m.venue.pk for m in self.merchants}
            waiting = (
                Venue.objects.filter(grid_worker=grid_worker, business_status=BusinessStatus.OPEN)
                .exclude(pk__in=bound)
                .order_by("pk")[:PENDING_CODES]
            )
            for venue in waiting:
                issued = self.now - dt.timedelta(hours=self.rng.uniform(3, 30))
                codes.append(
                    BindingCode(
                        venue=venue, code=code(), issued_by=grid_worker, issued_at=issued, expires_at=issued + ttl
                    )
                )
        BindingCode.objects.bulk_create(codes)

    def write_self_checks(self) -> None:
        rng = self.rng
        checks: list[SelfCheck] = []
        answers_of: list[list[tuple[SelfCheckItem, bool, str, str, bool, _Report | None]]] = []
        revisions: dict[tuple[int, dt.date], int] = defaultdict(int)
        reported: set[tuple[int, int]] = set()
        waiting = self.waiting_for_light_review()
        n = 0
        for m, at in self.punch_ins:
            venue = m.venue
            day = at.astimezone(TZ).date()
            items = self.items[venue.category_id]
            failed = None
            if (venue.pk, at) == waiting:
                failed = self.pick_failure(m, items, at, reported, waiting=True)
            elif rng.random() < NO_SHARE:
                failed = self.pick_failure(m, items, at, reported)
            times = [at]
            if rng.random() < AMEND_SHARE:
                later = at + dt.timedelta(minutes=rng.uniform(20, 240))
                if later.astimezone(TZ).date() == day and later <= self.now - dt.timedelta(minutes=1):
                    times.append(later.replace(microsecond=0))
            for i, t in enumerate(times):
                revisions[(venue.pk, day)] += 1
                report = failed if i == 0 else None
                rows = []
                for it in items:
                    photo = _answer_photo(it.code, rng.randrange(PHOTO_VARIANTS)) if it.photo_required else ""
                    if report is not None and it.pk == report.item.pk:
                        rows.append((it, False, report.evidence, report.note, report.fix_now, report))
                    else:
                        rows.append((it, True, photo, "", False, None))
                checks.append(
                    SelfCheck(
                        client_id=_client_id(n),
                        venue=venue,
                        merchant_id=m.user_id,
                        day=day,
                        revision=revisions[(venue.pk, day)],
                        submitted_at=t,
                        failed_count=sum(1 for r in rows if not r[1]),
                        org_path=venue.org_path,
                        community_id=venue.community_id,
                        grid_id=venue.grid_id,
                        category_id=venue.category_id,
                    )
                )
                answers_of.append(rows)
                n += 1
        self.write_reports()
        SelfCheck.objects.bulk_create(checks, batch_size=1000)
        if any(c.pk is None for c in checks):  # databases that do not return ids
            ids = dict(
                SelfCheck.objects.filter(client_id__in=[c.client_id for c in checks]).values_list("client_id", "pk")
            )
            for c in checks:
                c.pk = ids[c.client_id]
        # ~90,000 answers: one executemany instead of model instances keeps the loader quick.
        table = connection.ops.quote_name(SelfCheckAnswer._meta.db_table)
        columns = ("self_check_id", "item_id", "ok", "photo", "note", "fixed_at_once", "hazard_id")
        sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the model, values as parameters
            table, ", ".join(connection.ops.quote_name(c) for c in columns), ", ".join(["%s"] * len(columns))
        )
        params = [
            (check.pk, it.pk, ok, photo, note, fix_now, report.pk if report is not None else None)
            for check, rows in zip(checks, answers_of, strict=True)
            for it, ok, photo, note, fix_now, report in rows
        ]
        with connection.cursor() as cursor:
            for start in range(0, len(params), 5000):
                cursor.executemany(sql, params[start : start + 5000])
        self.self_check_count = len(checks)

    # self-reported hazards ----------------------------------------------------------------
    def waiting_for_light_review(self) -> tuple[int, dt.datetime] | None:
        """demo_grid's latest punch-in of the last hours in its grid: fixed at once, review due now."""
        grid_worker = User.objects.filter(username="demo_grid").values_list("pk", flat=True).first()
        recent = [
            (m.venue.pk, at)
            for m, at in self.punch_ins
            if m.venue.grid_worker_id == grid_worker and not m.is_demo and at > self.now - dt.timedelta(hours=18)
        ]
        return recent[-1] if grid_worker and recent else None

    def pick_failure(
        self,
        m: _Merchant,
        items: list[SelfCheckItem],
        at: dt.datetime,
        reported: set[tuple[int, int]],
        *,
        waiting: bool = False,
    ) -> _Report | None:
        rng = self.rng
        if m.is_demo and at > self.now - dt.timedelta(days=3):
            return None  # the demo merchant's own open work is the loop's (two orders)
        candidates = [
            it
            for it in items
            if (m.venue.pk, it.hazard_type_id) not in self.busy and (m.venue.pk, it.hazard_type_id) not in reported
        ]
        if not candidates:
            return None
        it = rng.choice(candidates)
        reported.add((m.venue.pk, it.hazard_type_id))
        fix_now = waiting or rng.random() < FIX_NOW_SHARE
        family = it.hazard_type.code.split("-")[0]
        report = _Report(
            merchant=m,
            item=it,
            at=at,
            fix_now=fix_now,
            note=rng.choice(NOTES_NO.get(it.code, [""])),
            evidence=_photo_name(family, "before", rng.randrange(2)),
        )
        self.timeline(report, proof=_photo_name(family, "after", rng.randrange(2)), reviewed=not waiting)
        self.reports.append(report)
        return report

    def timeline(self, report: _Report, *, proof: str, reviewed: bool = True) -> None:
        """As selfchecks.services and the loop would write it; events after now are cut later."""
        rng, m, htype = self.rng, report.merchant, report.item.hazard_type
        hours = default_deadline_hours(htype, htype.default_severity)
        t = report.at
        found_data = {
            "source": HazardSource.SELF_CHECK,
            "severity": htype.default_severity,
            "deadline": (t + dt.timedelta(hours=hours)).isoformat(),
        }
        description = report.note or report.item.question
        ev = report.events.append
        # The light review: the venue's grid worker, a few hours later (never past the deadline).
        reviewer = m.venue.grid_worker_id or m.venue.inspector_id
        if report.fix_now:
            ev(
                _Ev(
                    E.FIXED_ON_SPOT,
                    S.AWAITING_REVIEW,
                    t,
                    m.user_id,
                    description,
                    found_data,
                    [(PhotoKind.EVIDENCE, report.evidence), (PhotoKind.PROOF, proof)],
                )
            )
            if not reviewed:
                return
            review_at = t + dt.timedelta(hours=min(rng.uniform(0.5, 20), hours - 1))
            ev(
                _Ev(
                    E.REVIEW_PASSED,
                    S.CLOSED,
                    review_at.replace(microsecond=0),
                    reviewer,
                    rng.choice(LIGHT_REVIEW_NOTES),
                )
            )
            return
        ev(_Ev(E.FOUND, S.FOUND, t, m.user_id, description, found_data, [(PhotoKind.EVIDENCE, report.evidence)]))
        dispatched = t + dt.timedelta(seconds=1)
        deadline = dispatched + dt.timedelta(hours=hours)
        ev(
            _Ev(
                E.DISPATCHED,
                S.DISPATCHED,
                dispatched,
                m.user_id,
                DISPATCH_NOTE,
                {
                    "merchant": True,
                    "community": None,
                    "department": None,
                    "deadline": deadline.isoformat(),
                    "automatic": True,
                },
            )
        )
        ack = dispatched + dt.timedelta(minutes=rng.uniform(3, 90))
        ev(_Ev(E.ACKNOWLEDGED, S.RECTIFYING, ack.replace(microsecond=0), m.user_id, rng.choice(ACK_NOTES)))
        work = min(hours, 96)
        proof_at = ack + dt.timedelta(hours=work * rng.uniform(0.1, 0.6))
        ev(
            _Ev(
                E.PROOF_SUBMITTED,
                S.AWAITING_REVIEW,
                proof_at.replace(microsecond=0),
                m.user_id,
                rng.choice(PROOF_NOTES),
                photos=[(PhotoKind.PROOF, proof)],
            )
        )
        review_at = min(proof_at + dt.timedelta(hours=rng.uniform(0.5, 8)), deadline - dt.timedelta(minutes=10))
        review_at = max(review_at, proof_at + dt.timedelta(minutes=5))
        ev(_Ev(E.REVIEW_PASSED, S.CLOSED, review_at.replace(microsecond=0), reviewer, rng.choice(LIGHT_REVIEW_NOTES)))

    def write_reports(self) -> None:
        if not self.reports:
            return
        hazards = []
        for report in self.reports:
            events = [e for e in report.events if e.at <= self.now]
            report.events = events
            venue, htype = report.merchant.venue, report.item.hazard_type
            fields = {
                "deadline": None,
                "dispatched_at": None,
                "proof_submitted_at": None,
                "closed_at": None,
                "responsible_merchant": False,
            }
            for e in events:
                if "deadline" in e.data:
                    fields["deadline"] = dt.datetime.fromisoformat(e.data["deadline"])
                if e.kind == E.DISPATCHED:
                    fields["dispatched_at"] = e.at
                    fields["responsible_merchant"] = True
                elif e.kind in (E.FIXED_ON_SPOT, E.PROOF_SUBMITTED):
                    fields["proof_submitted_at"] = e.at
                elif e.kind == E.REVIEW_PASSED:
                    fields["closed_at"] = e.at
            hazards.append(
                Hazard(
                    venue=venue,
                    hazard_type=htype,
                    description=events[0].note,
                    severity=htype.default_severity,
                    source=HazardSource.SELF_CHECK,
                    found_by_id=report.merchant.user_id,
                    found_at=report.at,
                    fixed_on_spot=report.fix_now,
                    state=events[-1].to_state,
                    version=len(events),
                    org_path=venue.org_path,
                    community_id=venue.community_id,
                    category_id=venue.category_id,
                    created_at=report.at,
                    updated_at=events[-1].at,
                    **fields,
                )
            )
        Hazard.objects.bulk_create(hazards)
        rows, specs = [], []
        for report, hazard in zip(self.reports, hazards, strict=True):
            report.pk = hazard.pk
            prev = ""
            for e in report.events:
                rows.append(
                    HazardEvent(
                        hazard_id=hazard.pk,
                        kind=e.kind,
                        from_state=prev,
                        to_state=e.to_state,
                        actor_id=e.actor_id,
                        at=e.at,
                        note=e.note,
                        data=e.data,
                    )
                )
                specs.append((hazard.pk, e))
                prev = e.to_state
        HazardEvent.objects.bulk_create(rows)
        HazardPhoto.objects.bulk_create(
            [
                HazardPhoto(
                    hazard_id=hazard_id,
                    event_id=row.pk,
                    kind=kind,
                    image=name,
                    uploaded_by_id=e.actor_id,
                    uploaded_at=e.at,
                )
                for row, (hazard_id, e) in zip(rows, specs, strict=True)
                for kind, name in e.photos
            ]
        )


# --- photos ---------------------------------------------------------------------------------

PHOTO_VARIANTS = 2
ITEM_PHOTOS = {
    "SC-EQ-01": ("灭火器", (200, 40, 40)),
    "SC-GAS-01": ("燃气报警器", (20, 150, 170)),
    "SC-GAS-02": ("燃气软管", (20, 150, 170)),
    "SC-PA-01": ("疏散通道", (30, 140, 70)),
    "SC-MF-01": ("易燃物品存放", (160, 110, 60)),
}


def _answer_photo(code: str, variant: int) -> str:
    return f"selfchecks/demo/{code.lower()}-{variant + 1}.jpg"


def _ensure_photos() -> None:
    """A small real JPEG per photo-required item and variant, shared by the answers by storage name;
    the hazards reuse the loop history's before/after photos."""
    from venuesafe.demo.loop_history import _ensure_photos as ensure_hazard_photos
    from venuesafe.demo.services import _font

    ensure_hazard_photos()
    font = _font()
    codes = SelfCheckItem.objects.filter(photo_required=True).values_list("code", flat=True)
    for code in codes:
        label, colour = ITEM_PHOTOS.get(code, ("自查", (90, 90, 90)))
        for variant in range(PHOTO_VARIANTS):
            name = _answer_photo(code, variant)
            if default_storage.exists(name):
                continue
            img = Image.new("RGB", (240, 320), (232 - 18 * variant, 230, 222))
            draw = ImageDraw.Draw(img)
            draw.rectangle((0, 0, 239, 319), outline=(40, 160, 70), width=6)
            cx = 120 + 20 * (variant - 0.5)
            draw.rounded_rectangle((cx - 45, 70, cx + 45, 250), radius=18, fill=colour)
            draw.ellipse((cx - 22, 30, cx + 22, 74), fill=tuple(c // 2 for c in colour))
            for k in range(3):  # a "gauge" or a "hose": a few marks that differ per variant
                angle = math.radians(200 + 50 * k + 15 * variant)
                draw.line(
                    (cx, 160, cx + 30 * math.cos(angle), 160 + 30 * math.sin(angle)), fill=(255, 255, 255), width=3
                )
            if font is not None:
                text = f"{label}·自查"
                width = draw.textlength(text, font=font)
                draw.text(((240 - width) / 2, 268), text, font=font, fill=(40, 120, 60))
            buf = io.BytesIO()
            img.save(buf, format="JPEG", quality=70)
            default_storage.save(name, ContentFile(buf.getvalue()))
