"""The demo district's equipment register, the date rules run over it, two candidate major fire
hazards, and every venue's risk score (issue 5).

Every open venue of 陈桥街道 has its extinguishers registered (dry powder mostly, water-based
in some, a CO2 one where there is electronics); restaurants have their gas stove, hose, alarm and,
when they cook with bottled gas, LPG cylinders with their regulator; places where people stay or
gather have emergency lighting; rentals, workshops and hotels say how e-bikes are charged. Dates
are realistic and mostly far from any limit, except a fixed number of items placed on purpose
just before a rule's date (warnings) or just past it (hazards the rules raise in the loop).
demo_merchant's venue has a dry-powder extinguisher whose scrap date is 20 days after loading,
so the demo shows "expires in 20 days".

Then, as the services do it: the date rules run (run_date_rules), demo_inspector's inspection of
a crowded place this morning finds three GB 35181 comprehensive elements and another inspection
finds flammable goods stored in an internet café (a direct element) — two candidate major
hazards the street office is told about — and every open venue is scored (rescore_stale), so
risk levels and patrol lists are there from the start. Everything comes from a fixed seed and
is placed relative to the time of loading.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from venuesafe.accounts.models import Role, RoleAssignment, User
from venuesafe.core import clock
from venuesafe.core.positions import Position
from venuesafe.equipment import rules
from venuesafe.equipment.models import (
    ChargingArrangement,
    DateRule,
    Equipment,
    EquipmentKind,
    ExtinguisherType,
    GaugeState,
    HoseMaterial,
)
from venuesafe.equipment.services import RuleRunReport, run_date_rules
from venuesafe.hazards.models import HazardType
from venuesafe.inspections.models import AnswerResult, Inspection
from venuesafe.inspections.selectors import checklist_for_category
from venuesafe.inspections.services import AnswerInput, inspection_submit
from venuesafe.org.models import OrgUnit
from venuesafe.risk.models import CandidateMajorFlag, CategoryRisk
from venuesafe.risk.services import rescore_stale
from venuesafe.venues.models import BusinessStatus, Venue, VenueMerchant

SEED = 20260605
TZ = ZoneInfo("Asia/Shanghai")
CLIENT_ID_NAMESPACE = uuid.UUID("3f9d2b71-5c0e-4a8b-9e62-1d7a4c5b8f03")
DEMO_MERCHANT = "demo_merchant"
DEMO_INSPECTOR = "demo_inspector"
DEMO_EXTINGUISHER_DAYS = 20  # demo_merchant's dry-powder extinguisher reaches its scrap age this many days on

# Items placed on purpose within a rule's warning window, and just past its date.
WARNINGS = {
    "R-EXT-SCRAP": 6,
    "R-EXT-REPAIR": 4,
    "R-EXT-CHECK": 6,
    "R-STOVE": 3,
    "R-HOSE": 5,
    "R-CYL": 3,
    "R-REG": 3,
}
HAZARDS = {
    "R-EXT-SCRAP": 2,
    "R-EXT-REPAIR": 1,
    "R-EXT-CHECK": 2,
    "R-STOVE": 1,
    "R-HOSE": 2,
    "R-CYL": 1,
    "R-REG": 1,
}
RULE_KINDS = rules.RULE_KINDS

FOOD = {"FOOD"}
EMERGENCY_LIGHTING = {"HOTEL", "ENT", "NETC", "EDU", "MED", "MIXED", "RENT"}
EBIKE = {"RENT", "MIXED", "MFG", "HOTEL"}
ELECTRONICS = {"NETC", "MED", "MFG", "ENT"}  # a CO2 extinguisher next to the dry-powder ones
LABELS = {
    EquipmentKind.EXTINGUISHER: ["收银台旁", "门口", "走廊", "仓库门口", "楼梯口"],
    EquipmentKind.GAS_STOVE: ["后厨主灶", "后厨副灶"],
    EquipmentKind.GAS_HOSE: ["灶具连接管"],
    EquipmentKind.LPG_CYLINDER: ["后厨"],
    EquipmentKind.REGULATOR: ["钢瓶减压阀"],
    EquipmentKind.GAS_ALARM: ["后厨"],
    EquipmentKind.EMERGENCY_LIGHT: ["走廊及出口"],
    EquipmentKind.EBIKE_CHARGING: [""],
}

# The candidate major hazards: (checklist item, hazard type, note, photo family).
COMPREHENSIVE_FINDINGS = [
    ("GEN-01", "EVA-01", "后门安全出口被纸箱和桌椅堵塞，营业期间上锁", "EVA"),
    ("GEN-03", "EVA-03", "走廊2处疏散指示标志不亮，应急照明灯按测试键不亮", "EVA"),
    ("GEN-06", "FAC-01", "火灾报警控制器故障灯常亮，未维保", "FAC"),
]
DIRECT_FINDING = ("GEN-12", "MAT-02", "吧台内存放4桶工业酒精和多罐丁烷气", "MAT")
CROWDED_PREFERENCE = ["ENT", "NETC", "HOTEL", "MIXED", "EDU", "MED"]


@dataclass
class EquipmentHistoryResult:
    created: bool
    equipment: int = 0
    venues: int = 0
    rules: RuleRunReport | None = None
    candidate_inspections: int = 0
    scored: int = 0


def equipment_is_loaded(street: OrgUnit) -> bool:
    return Equipment.objects.filter(org_path__startswith=street.path).exists()


def load_equipment(*, street_code: str, now: dt.datetime | None = None) -> EquipmentHistoryResult:
    """Register the equipment, run the rules, find the candidate major hazards and score every
    venue, once; a second call finds the register and writes nothing."""
    street = OrgUnit.objects.get(code=street_code)
    if equipment_is_loaded(street):
        return EquipmentHistoryResult(created=False)
    now = (now or clock.now()).replace(microsecond=0)
    with _inbox_only():
        with transaction.atomic():
            register = _Register(street, now)
            register.build()
            register.write()
            report = run_date_rules(today=register.today)
            inspected = _candidate_majors(street, now, register.demo_venue_id)
        # The nightly pass, now: flags and scores for every open venue (idempotent per day).
        scored = rescore_stale(now=clock.now())
    return EquipmentHistoryResult(
        created=bool(register.items),
        equipment=len(register.items),
        venues=len({eq.venue_id for eq in register.items}),
        rules=report,
        candidate_inspections=inspected,
        scored=scored,
    )


@contextmanager
def _inbox_only() -> Iterator[None]:
    """The demo's notices stay in the inbox: no SMS, WeChat or log lines for made-up people."""
    saved = settings.NOTICE_BACKENDS
    settings.NOTICE_BACKENDS = ["venuesafe.notices.backends.InboxBackend"]
    try:
        yield
    finally:
        settings.NOTICE_BACKENDS = saved


def _top_code(venue: Venue) -> str:
    category = venue.category
    return category.parent.code if category.parent_id else category.code


class _Register:
    def __init__(self, street: OrgUnit, now: dt.datetime):
        self.rng = random.Random(SEED)
        self.street = street
        self.now = now
        self.today = now.astimezone(TZ).date()
        self.items: list[Equipment] = []
        self.rules = {r.rule_id: r for r in DateRule.objects.select_related("hazard_type")}
        self.demo_venue_id: int | None = None

    # plan -----------------------------------------------------------------------------------
    def build(self) -> None:
        venues = list(
            Venue.objects.filter(org_path__startswith=self.street.path, business_status=BusinessStatus.OPEN)
            .select_related("category__parent")
            .order_by("pk")
        )
        self.demo_venue_id = (
            VenueMerchant.objects.filter(user__username=DEMO_MERCHANT, venue__in=venues)
            .values_list("venue_id", flat=True)
            .first()
        )
        # (venue, kind, fixed fields) for every item, before its dates are drawn.
        planned: list[tuple[Venue, str, dict]] = []
        for venue in venues:
            planned += self.plan_venue(venue)
        # Which items sit just before or just past a rule's date (never at demo_merchant's venue,
        # whose one story is its extinguisher).
        targets: dict[int, tuple[str, str]] = {}
        for rule_id, kind in RULE_KINDS.items():
            if rule_id not in self.rules:
                continue
            pool = [
                i
                for i, (v, k, _f) in enumerate(planned)
                if k == kind and v.pk != self.demo_venue_id and i not in targets
            ]
            wanted = WARNINGS.get(rule_id, 0) + HAZARDS.get(rule_id, 0)
            chosen = self.rng.sample(pool, min(wanted, len(pool)))
            for n, i in enumerate(chosen):
                targets[i] = (rule_id, rules.WARNING if n < WARNINGS.get(rule_id, 0) else rules.HAZARD)
        demo_story = next(
            (
                i
                for i, (v, k, f) in enumerate(planned)
                if v.pk == self.demo_venue_id and f.get("extinguisher_type") == ExtinguisherType.POWDER
            ),
            None,
        )
        for i, (venue, kind, fixed) in enumerate(planned):
            target = targets.get(i)
            if i == demo_story:
                target = ("R-EXT-SCRAP", "demo")
            self.items.append(self.dated(venue, kind, fixed, target))

    def plan_venue(self, venue: Venue) -> list[tuple[Venue, str, dict]]:
        rng, top = self.rng, _top_code(venue)
        area = venue.floor_area_m2 or 50
        items: list[tuple[Venue, str, dict]] = []
        main_type = ExtinguisherType.WATER if rng.random() < 0.2 else ExtinguisherType.POWDER
        if venue.pk == self.demo_venue_id:
            main_type = ExtinguisherType.POWDER
        items.append(
            (venue, EquipmentKind.EXTINGUISHER, {"extinguisher_type": main_type, "quantity": 2 if area > 60 else 1})
        )
        if area >= 150 and venue.pk != self.demo_venue_id:
            items.append((venue, EquipmentKind.EXTINGUISHER, {"extinguisher_type": ExtinguisherType.POWDER}))
        if top in ELECTRONICS:
            t = ExtinguisherType.CO2 if rng.random() < 0.7 else ExtinguisherType.CLEAN_AGENT
            items.append((venue, EquipmentKind.EXTINGUISHER, {"extinguisher_type": t}))
        if top in FOOD or (top == "HOTEL" and rng.random() < 0.3):
            stoves = 2 if area >= 80 and rng.random() < 0.6 else 1
            items += [(venue, EquipmentKind.GAS_STOVE, {}) for _ in range(stoves)]
            items.append((venue, EquipmentKind.GAS_HOSE, {}))
            items.append((venue, EquipmentKind.GAS_ALARM, {}))
            if rng.random() < 0.6:  # bottled gas (LPG) rather than the mains
                items += [(venue, EquipmentKind.LPG_CYLINDER, {}) for _ in range(rng.choice((1, 1, 2)))]
                items.append((venue, EquipmentKind.REGULATOR, {}))
        if top in EMERGENCY_LIGHTING or area >= 150:
            items.append((venue, EquipmentKind.EMERGENCY_LIGHT, {"quantity": max(2, min(12, area // 40))}))
        if top in EBIKE:
            arrangement = rng.choices(
                [
                    ChargingArrangement.SHARED_POINT,
                    ChargingArrangement.SEPARATED_ROOM,
                    ChargingArrangement.NONE,
                    ChargingArrangement.INDOORS,
                ],
                weights=[50, 30, 15, 5],
            )[0]
            items.append((venue, EquipmentKind.EBIKE_CHARGING, {"charging_arrangement": arrangement}))
        return items

    # dates ----------------------------------------------------------------------------------
    def days_ago(self, lo: float, hi: float) -> dt.date:
        return self.today - dt.timedelta(days=round(self.rng.uniform(lo, hi)))

    def due(self, rule_id: str, level: str) -> dt.date:
        if level == "demo":
            return self.today + dt.timedelta(days=DEMO_EXTINGUISHER_DAYS)
        if level == rules.WARNING:
            hi = max(1, self.rules[rule_id].warn_days - 2)
            return self.today + dt.timedelta(days=self.rng.randint(min(2, hi), hi))
        return self.today - dt.timedelta(days=self.rng.randint(0, 10))

    def dated(self, venue: Venue, kind: str, fixed: dict, target: tuple[str, str] | None) -> Equipment:
        """Draw the item's dates until every rule says what the plan wants of it."""
        rule_id, level = target or (None, None)
        due = self.due(rule_id, level) if rule_id else None
        want = {r: None for r, k in RULE_KINDS.items() if k == kind and r in self.rules}
        if rule_id:
            want[rule_id] = rules.WARNING if level == "demo" else level
        registered = self.registered_at()
        for _attempt in range(200):
            fields = {**fixed, **self.draw(venue, kind, fixed, rule_id, due)}
            eq = Equipment(
                venue=venue,
                kind=kind,
                org_path=venue.org_path,
                created_at=registered,
                updated_at=registered,
                label=self.label(venue, kind),
                **fields,
            )
            found = {r: rules.evaluate(self.rules[r], eq, self.today, _top_code(venue)) for r in want}
            if all((found[r].level if found[r] else None) == want[r] for r in want):
                eq._history_date = registered
                eq._history_user_id = venue.inspector_id
                return eq
        raise RuntimeError(f"no dates for {kind} at venue {venue.pk} with {target}")  # pragma: no cover

    def label(self, venue: Venue, kind: str) -> str:
        labels = LABELS[kind]
        if kind == EquipmentKind.EXTINGUISHER and _top_code(venue) in FOOD:
            labels = [*labels, "后厨", "后厨"]
        return self.rng.choice(labels)

    def registered_at(self) -> dt.datetime:
        """On an inspection day of the last five months, in working hours."""
        day = self.today - dt.timedelta(days=self.rng.randint(35, 150))
        local = dt.datetime.combine(day, dt.time(9), tzinfo=TZ) + dt.timedelta(minutes=self.rng.uniform(0, 480))
        return local.astimezone(dt.UTC).replace(microsecond=0)

    def draw(self, venue: Venue, kind: str, fixed: dict, rule_id: str | None, due: dt.date | None) -> dict:
        rng = self.rng
        if kind == EquipmentKind.EXTINGUISHER:
            return self.draw_extinguisher(venue, fixed["extinguisher_type"], rule_id, due)
        if kind == EquipmentKind.GAS_STOVE:
            years = int(self.param("R-STOVE", "years", 8))
            bought = rules.add_years(due, -years) if due else self.days_ago(100, years * 365 - 60)
            return {"purchase_date": bought, "flame_failure_protection": rng.random() < 0.85}
        if kind == EquipmentKind.GAS_HOSE:
            rubber = rng.random() < 0.55 if rule_id is None else rng.random() < 0.8
            if rubber:
                months = int(self.param("R-HOSE", "rubber_months", settings.DATE_RULE_RUBBER_HOSE_MONTHS))
            else:
                months = 12 * int(self.param("R-HOSE", "metal_years", 8))
            installed = rules.add_months(due, -months) if due else self.days_ago(20, months * 30.4 - 60)
            return {
                "hose_material": HoseMaterial.RUBBER if rubber else HoseMaterial.METAL,
                "install_date": installed,
                "length_m": Decimal(str(round(rng.uniform(0.8, 2.0), 1))),
                "has_joints": rng.random() < 0.08,
            }
        if kind == EquipmentKind.LPG_CYLINDER:
            label = due - dt.timedelta(days=1) if due else self.today + dt.timedelta(days=rng.randint(50, 4 * 365))
            return {"cylinder_code": f"32060{rng.randrange(10**7):07d}", "next_inspection_date": label}
        if kind == EquipmentKind.REGULATOR:
            years = int(self.param("R-REG", "years", settings.DATE_RULE_REGULATOR_YEARS))
            installed = rules.add_years(due, -years) if due else self.days_ago(20, years * 365 - 60)
            return {"install_date": installed}
        if kind == EquipmentKind.GAS_ALARM:
            return {
                "install_date": self.days_ago(60, 5 * 365),
                "linked_shutoff_valve": rng.random() < 0.8,
                "working": rng.random() < 0.95,
            }
        if kind == EquipmentKind.EMERGENCY_LIGHT:
            return {"working": rng.random() < 0.93}
        return {}

    def param(self, rule_id: str, name: str, default):
        value = (self.rules[rule_id].params or {}).get(name) if rule_id in self.rules else None
        return default if value in (None, "") else value

    def draw_extinguisher(self, venue: Venue, type_: str, rule_id: str | None, due: dt.date | None) -> dict:
        rng = self.rng
        water = type_ == ExtinguisherType.WATER
        scrap = int(self.param("R-EXT-SCRAP", "years", {}).get(type_, {"water": 6, "co2": 12}.get(type_, 10)))
        first = int(self.param("R-EXT-REPAIR", "first_years_water" if water else "first_years", 3 if water else 5))
        then = int(self.param("R-EXT-REPAIR", "then_years_water" if water else "then_years", 1 if water else 2))
        half = _top_code(venue) in rules.HALF_MONTHLY_CATEGORIES
        interval = int(self.param("R-EXT-CHECK", "days_half_monthly" if half else "days", 15 if half else 31))

        last_repair = None
        if rule_id == "R-EXT-REPAIR":
            last_repair = rules.add_years(due, -then)
            produced = rules.add_years(last_repair, -first) - dt.timedelta(days=rng.randint(0, 200))
        elif rule_id == "R-EXT-SCRAP":
            produced = rules.add_years(due, -scrap)
        else:
            produced = self.days_ago(60, scrap * 365 - 70)
        if rule_id != "R-EXT-REPAIR" and rules.add_years(produced, first) <= self.today + dt.timedelta(days=60):
            # Past its first repair: repaired within the last interval, on time.
            since = (self.today - rules.add_years(produced, first)).days
            last_repair = self.days_ago(15, max(16, min(since, then * 365 - 70)))

        if rule_id == "R-EXT-CHECK":
            checked = due - dt.timedelta(days=interval + 1)
        else:
            quiet = max(0, interval + 1 - self.rules["R-EXT-CHECK"].warn_days - 2)
            checked = self.days_ago(0, quiet)
        gauge = rng.choices([GaugeState.GREEN, GaugeState.YELLOW, GaugeState.RED], weights=[96, 2, 2])[0]
        return {
            "production_date": produced,
            "last_repair_date": last_repair,
            "last_monthly_check": checked,
            "gauge_state": gauge,
        }

    # write ----------------------------------------------------------------------------------
    def write(self) -> None:
        users = User.objects.in_bulk({eq._history_user_id for eq in self.items if eq._history_user_id})
        for eq in self.items:
            eq._history_user = users.get(eq._history_user_id)
            eq._change_reason = "create"
        bulk_create_with_history(self.items, Equipment, batch_size=500, default_change_reason="create")
        if any(eq.pk is None for eq in self.items):  # databases that do not return ids
            self.items = list(Equipment.objects.filter(org_path__startswith=self.street.path))


# --- candidate major hazards ------------------------------------------------------------------


def _candidate_majors(street: OrgUnit, now: dt.datetime, demo_venue_id: int | None) -> int:
    """This morning's inspections that find the two candidate major hazards. Returns how many ran."""
    crowded = {cr.category.code for cr in CategoryRisk.objects.filter(crowded=True).select_related("category")}
    venues = [
        v
        for v in Venue.objects.filter(org_path__startswith=street.path, business_status=BusinessStatus.OPEN)
        .select_related("category__parent", "community")
        .order_by("pk")
        if _top_code(v) in crowded and v.pk != demo_venue_id and v.lat is not None
    ]
    if not venues:
        return 0

    def rank(v: Venue) -> int:
        top = _top_code(v)
        return CROWDED_PREFERENCE.index(top) if top in CROWDED_PREFERENCE else len(CROWDED_PREFERENCE)

    demo_inspector = User.objects.filter(username=DEMO_INSPECTOR).first()
    home = (
        RoleAssignment.objects.filter(user=demo_inspector, role=Role.INSPECTOR).values_list("org_unit_id", flat=True)
        if demo_inspector
        else []
    )
    home = set(home)
    first = min(venues, key=lambda v: (v.community_id not in home, rank(v), v.pk))
    second_pool = [v for v in venues if v.community_id != first.community_id and _top_code(v) in ("NETC", "MIXED")]
    second = min(second_pool or [v for v in venues if v.pk != first.pk], key=lambda v: (rank(v), v.pk), default=None)

    today_local = now.astimezone(TZ)
    morning = today_local.replace(hour=9, minute=40, second=0, microsecond=0)
    if morning + dt.timedelta(hours=1) > today_local:  # loaded early: it was yesterday afternoon
        morning = morning - dt.timedelta(days=1) + dt.timedelta(hours=5)
    runs = [
        (first, demo_inspector if first.community_id in home else None, COMPREHENSIVE_FINDINGS, morning),
    ]
    if second is not None:
        runs.append((second, None, [DIRECT_FINDING], morning - dt.timedelta(minutes=70)))
    for n, (venue, inspector, findings, ended_local) in enumerate(runs):
        inspector = inspector or User.objects.get(pk=venue.inspector_id)
        client_id = uuid.uuid5(CLIENT_ID_NAMESPACE, f"candidate-major-{n}")
        if Inspection.objects.filter(client_id=client_id).exists():
            continue
        fails = {item: (code, note, family) for item, code, note, family in findings}
        types = {t.code: t for t in HazardType.objects.filter(code__in=[f[0] for f in fails.values()])}
        answers = []
        for item in checklist_for_category(venue.category):
            if item.code in fails:
                code, note, family = fails[item.code]
                answers.append(
                    AnswerInput(
                        checklist_item=item.pk,
                        result=AnswerResult.FAIL,
                        hazard_type=types[code],
                        note=note,
                        photos=[_evidence_photo(family, n)],
                    )
                )
            else:
                answers.append(AnswerInput(checklist_item=item.pk, result=AnswerResult.PASS))
        ended = ended_local.astimezone(dt.UTC)
        inspection_submit(
            actor=inspector,
            venue=venue,
            client_id=client_id,
            started_at=ended - dt.timedelta(minutes=25),
            ended_at=ended,
            position=Position(round(venue.lat + 0.00004, 7), round(venue.lng - 0.00003, 7), 8.0),
            answers=answers,
        )
    return len(runs)


def _evidence_photo(family: str, variant: int) -> ContentFile:
    """A copy of the loop history's "before" photo of this family of hazards."""
    from venuesafe.demo.loop_history import _ensure_photos, _photo_name

    name = _photo_name(family, "before", variant % 2)
    if not default_storage.exists(name):
        _ensure_photos()
    with default_storage.open(name, "rb") as f:
        return ContentFile(f.read(), name=f"{family.lower()}-evidence.jpg")


def open_candidate_majors(street: OrgUnit) -> int:
    return CandidateMajorFlag.objects.filter(org_path__startswith=street.path, cleared_at__isnull=True).count()
