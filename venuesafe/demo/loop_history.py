"""The demo district's past and present on the hazard loop (issue 3).

About eleven months of patrol inspections in 陈桥街道 up to the moment of loading: every venue
inspected every five to six weeks, ~1,300 hazards found, each with the timeline the services
would have written (found → dispatched → acknowledged → proof → (review failed → proof) → review
passed), actors who hold the right role where the venue is, photos on the found and proof
steps, escalations where a deadline passed while the order was open (as the periodic command
does them), a few reopened, extended and withdrawn orders, and the open work of today: orders
waiting to be dispatched, being rectified, waiting for review, overdue.

Nothing here stores a figure: the loop's figures are computed from these rows like from any
others. Rows are written with bulk_create (the loader must stay quick), in the shapes that
hazards.services and inspections.services write; tests check the timelines are coherent.
Everything comes from a fixed seed and is placed relative to the time of loading.
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
from django.db import transaction
from PIL import Image, ImageDraw

from venuesafe.accounts.models import Role, RoleAssignment, User
from venuesafe.core import clock, geo
from venuesafe.dashboard import rollup as hazard_rollup
from venuesafe.demo.hidden import true_hazard_rate
from venuesafe.hazards.models import (
    OPEN_STATES,
    EventKind,
    Hazard,
    HazardEvent,
    HazardPhoto,
    HazardSource,
    HazardState,
    HazardType,
    PhotoKind,
)
from venuesafe.hazards.services import default_deadline_hours
from venuesafe.inspections.models import AnswerResult, Inspection, InspectionAnswer, LocationStatus
from venuesafe.inspections.selectors import checklist_for_category
from venuesafe.org.models import OrgLevel, OrgUnit
from venuesafe.venues.models import BusinessStatus, Venue, VenueCategory, VenueMerchant

S = HazardState
E = EventKind

SEED = 20260603
TZ = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC
HISTORY_DAYS = 335  # about eleven months
TARGET_HAZARDS = 1330  # expected number found over the whole history
INSPECTION_INTERVAL_DAYS = (38.0, 9.0)  # mean and spread between two visits to a venue
STALL_DAYS = 40  # orders found this recently may still be stuck (open and overdue today)
STALL_SHARE = 0.12
LATE_SHARE = 0.06  # orders rectified after their deadline
FIX_ON_SPOT_SHARE = 0.3  # of the hazards to be corrected at once (立即改正)
REVIEW_FAIL_SHARE = 0.08
REOPEN_SHARE = 0.008
WITHDRAW_SHARE = 0.005
EXTEND_SHARE = 0.03
COMMUNITY_PARTY_SHARE = 0.06
CLIENT_ID_NAMESPACE = uuid.UUID("6f1c2a52-8d3e-4c55-9a0b-3b7e5d0c9e11")
TICK = dt.timedelta(seconds=60)  # the periodic command's interval in `make run`

# How often a failed checklist answer is this hazard (the common ones: extinguishers, e-bikes,
# wiring, blocked exits, gas hoses at restaurants). Types not listed weigh 0.4.
TYPE_WEIGHTS = {
    "EXT-03": 10,
    "EXT-01": 6,
    "EXT-04": 6,
    "EXT-05": 4,
    "EXT-06": 4,
    "EXT-08": 4,
    "EXT-02": 2,
    "EXT-07": 1,
    "EBK-01": 12,
    "EBK-02": 8,
    "EBK-04": 3,
    "EBK-03": 1,
    "ELE-01": 10,
    "ELE-02": 6,
    "ELE-03": 6,
    "ELE-04": 3,
    "ELE-05": 1,
    "EVA-01": 10,
    "EVA-03": 4,
    "EVA-05": 2,
    "EVA-02": 1,
    "GAS-04": 35,
    "GAS-01": 5,
    "GAS-05": 5,
    "GAS-06": 4,
    "GAS-02": 2,
    "GAS-03": 2,
    "GAS-07": 2,
    "GAS-10": 2,
    "GAS-08": 1,
    "GAS-13": 1,
    "MAT-03": 5,
    "MAT-01": 1,
    "MAT-02": 1,
    "MGT-02": 4,
    "MGT-03": 2,
    "KIT-01": 3,
    "RES-01": 2,
    "RES-02": 2,
    "FAC-01": 1,
    "FAC-02": 1,
}
DEFAULT_TYPE_WEIGHT = 0.4
# Types that are often the community's to sort out (the building, not the shop).
COMMUNITY_TYPES = {"EVA-02", "EVA-04", "EVA-06", "FAC-01", "FAC-02", "EBK-04", "RES-01", "RES-03", "RES-04"}

DESCRIPTIONS = {
    "EXT-01": ["灭火器出厂已超10年", "店内2具干粉灭火器超过报废年限", "水基型灭火器超6年未更换"],
    "EXT-02": ["灭火器到期未送检维修"],
    "EXT-03": ["灭火器压力指针在红区", "1具灭火器压力不足", "压力表指针在黄区"],
    "EXT-04": ["店内仅1具灭火器", "未配置灭火器", "灭火器数量不足，后厨无灭火器"],
    "EXT-05": ["灭火器被货物遮挡", "灭火器放在柜台下面取用不便", "灭火器被挪作门挡"],
    "EXT-06": ["灭火器瓶体锈蚀", "喷射软管龟裂", "保险销缺失"],
    "EXT-08": ["灭火器无月度检查记录"],
    "EBK-01": ["电动车停放在店内充电", "门口通道停放电动车充电", "楼道内停放电动自行车"],
    "EBK-02": ["从二楼窗口飞线给电动车充电", "电瓶带进店内充电", "电动车推进室内"],
    "EBK-04": ["集中充电区与居住部分未分隔"],
    "ELE-01": ["私拉电线接插线板", "门头灯箱私接电线", "仓库内乱拉临时电线"],
    "ELE-02": ["吊顶内电线未穿管", "线路老化、绝缘层破损", "明线未穿阻燃管"],
    "ELE-03": ["插线板串接使用", "一个插座接多个大功率电器", "使用无3C标志插线板"],
    "ELE-04": ["配电箱未装漏电保护开关"],
    "EVA-01": ["后门通道堆放纸箱", "安全出口上锁", "疏散通道堆放货物", "楼梯间堆放杂物"],
    "EVA-03": ["应急照明灯不亮", "疏散指示标志损坏", "未设置安全出口标志"],
    "EVA-05": ["防火门用木楔顶开", "防火门闭门器损坏"],
    "EVA-02": ["二楼窗户装有防盗网无逃生口"],
    "GAS-04": ["燃气软管老化龟裂", "液化气软管有裂纹", "燃气软管被老鼠咬破"],
    "GAS-01": ["厨房未安装可燃气体报警器"],
    "GAS-02": ["燃气报警器未通电", "燃气报警器故障"],
    "GAS-03": ["未安装紧急切断阀"],
    "GAS-05": ["燃气软管超过2米", "软管中间有接头", "软管穿墙敷设"],
    "GAS-06": ["使用普通橡胶管代替燃气专用管"],
    "GAS-07": ["燃气软管超过使用期限"],
    "GAS-10": ["液化气钢瓶超过检验期", "钢瓶无有效标识"],
    "MAT-03": ["门口堆放大量纸箱", "后院可燃物乱堆", "仓库杂物堆到灯具下"],
    "MGT-02": ["无消防安全制度和巡查记录", "未开展防火检查"],
    "MGT-03": ["店员不会使用灭火器"],
    "KIT-01": ["油烟管道油垢厚，未定期清洗"],
    "RES-01": ["店内阁楼住人，未做防火分隔", "员工在仓库内住宿"],
    "RES-02": ["住宿区域未安装独立式烟感"],
}
PROOF_NOTES = {
    "EXT": ["已更换新灭火器", "已购买合格灭火器2具", "灭火器已送检充装", "灭火器已移到门口显眼位置"],
    "EBK": ["电动车已移至小区集中充电点", "已拆除飞线，不在店内充电", "通道内电动车已清走"],
    "ELE": ["已请电工重新布线穿管", "已拆除私拉电线", "已更换合格插线板"],
    "EVA": ["通道杂物已清理", "安全出口已打开", "已更换应急照明灯", "防火门已修好"],
    "GAS": ["已更换金属波纹软管", "已安装燃气报警器", "钢瓶已送检更换", "已更换软管并用卡箍固定"],
    "MAT": ["可燃物已清理", "纸箱已清运"],
    "MGT": ["已建立巡查记录本", "已组织员工消防培训"],
    "KIT": ["已请专业公司清洗油烟管道"],
    "RES": ["已搬离，不再在店内住人", "已安装独立式烟感"],
    "FAC": ["消火栓前杂物已清理", "已请维保单位检修"],
}
FAIL_REASONS = {
    "EXT": ["照片上的灭火器仍是旧的", "压力指针仍不在绿区", "灭火器数量仍不足"],
    "EBK": ["复核时门口仍有电动车充电", "仍在楼道充电"],
    "ELE": ["线路仍未穿管", "插线板仍串接使用"],
    "EVA": ["后门通道仍有纸箱", "应急灯仍不亮"],
    "GAS": ["软管仍为橡胶管", "软管接头未固定"],
}
ACK_NOTES = ["收到，马上整改", "已收到", "好的，今天处理", "", "", ""]
DISPATCH_NOTES = ["请按期整改并上传整改照片", "请督促商户按期整改", "", ""]
PASS_NOTES = ["复核合格", "现场复核，已整改到位", "已整改", ""]
REOPEN_NOTES = ["回访发现问题复现", "回访时又发现同样问题"]
EXTEND_NOTES = ["需采购新设备，商户申请延期", "需请专业单位施工，延长期限"]
WITHDRAW_NOTES = ["重复登记", "经核实不属于隐患，登记有误"]
DEMO_MERCHANT = "demo_merchant"
DEMO_INSPECTOR = "demo_inspector"
DEMO_STREET = "demo_street"


@dataclass
class LoopHistoryResult:
    created: bool
    inspections: int
    hazards: int


@dataclass
class _Ev:
    kind: str
    to_state: str
    at: dt.datetime
    actor_id: int | None
    note: str = ""
    data: dict = field(default_factory=dict)
    photos: list[tuple[str, str]] = field(default_factory=list)  # (photo kind, storage name)
    pos: tuple[float, float, float] | None = None


@dataclass
class _Plan:
    """One hazard with its whole timeline; cut at the time of loading before it is written."""

    venue: Venue
    hazard_type: HazardType
    inspection_key: int
    found_at: dt.datetime
    finder_id: int
    pos: tuple[float, float, float] | None
    description: str
    fixed_on_spot: bool = False
    events: list[_Ev] = field(default_factory=list)
    pk: int | None = None

    def open_at(self, t: dt.datetime) -> bool:
        state = None
        for ev in self.events:
            if ev.at > t:
                break
            if ev.kind != E.RECORDED_AGAIN:  # leaves the state as it is
                state = ev.to_state
        return state in OPEN_STATES


@dataclass
class _Insp:
    key: int
    venue: Venue
    inspector_id: int
    ended_at: dt.datetime
    pos: tuple[float, float, float] | None
    client_id: uuid.UUID
    fails: dict[int, _Plan] = field(default_factory=dict)  # checklist item id → hazard
    pk: int | None = None


def loop_history_is_loaded(street: OrgUnit) -> bool:
    return Inspection.objects.filter(client_id=_client_id("generic", 0), org_path__startswith=street.path).exists()


def load_loop_history(*, street_code: str, now: dt.datetime | None = None) -> LoopHistoryResult:
    """Write the loop history once; a second call finds it and writes nothing."""
    street = OrgUnit.objects.get(code=street_code)
    if loop_history_is_loaded(street):
        return LoopHistoryResult(created=False, inspections=0, hazards=0)
    with transaction.atomic():
        history = _History(street, now or clock.now())
        history.build()
        history.write()
        hazard_rollup.rebuild(street)  # rows written past the services: the screen's daily rollup anew
    return LoopHistoryResult(created=True, inspections=len(history.inspections), hazards=len(history.plans))


def _client_id(kind: str, n: int) -> uuid.UUID:
    return uuid.uuid5(CLIENT_ID_NAMESPACE, f"{kind}-{n}")


class _History:
    def __init__(self, street: OrgUnit, now: dt.datetime):
        self.rng = random.Random(SEED)
        self.street = street
        self.now = now
        self.start = now - dt.timedelta(days=HISTORY_DAYS)
        self.inspections: list[_Insp] = []
        self.plans: list[_Plan] = []
        self.open_plans: dict[tuple[int, int], list[_Plan]] = defaultdict(list)

    # context ------------------------------------------------------------------------------
    def load(self) -> None:
        self.communities = list(
            OrgUnit.objects.filter(parent=self.street, level=OrgLevel.COMMUNITY, is_active=True).order_by("code")
        )
        self._ensure_community_staff()
        assignments = RoleAssignment.objects.filter(
            is_active=True, org_unit__path__startswith=self.street.path
        ).select_related("user", "org_unit")
        self.inspectors: dict[int, list[int]] = defaultdict(list)
        self.staff: dict[int, list[int]] = defaultdict(list)
        self.street_office: list[int] = []
        for a in assignments.order_by("pk"):
            if a.role == Role.INSPECTOR:
                self.inspectors[a.org_unit_id].append(a.user_id)
            elif a.role == Role.COMMUNITY_STAFF:
                self.staff[a.org_unit_id].append(a.user_id)
            elif a.role == Role.STREET_OFFICE and a.org_unit_id == self.street.pk:
                self.street_office.append(a.user_id)
        demo = dict(
            User.objects.filter(username__in=[DEMO_MERCHANT, DEMO_INSPECTOR, DEMO_STREET]).values_list("username", "pk")
        )
        self.demo_inspector = demo.get(DEMO_INSPECTOR)
        if demo.get(DEMO_STREET) in self.street_office:  # the demo account does the street's work
            self.street_office = [demo[DEMO_STREET]]
        self.venues = list(
            Venue.objects.filter(org_path__startswith=self.street.path).select_related("category").order_by("pk")
        )
        self.merchants = dict(
            VenueMerchant.objects.filter(venue__in=self.venues).order_by("pk").values_list("venue_id", "user_id")
        )
        self.demo_venue = next((v for v in self.venues if self.merchants.get(v.pk) == demo.get(DEMO_MERCHANT)), None)
        # Venues someone already worked on keep their own hazards; history adds none there.
        self.untouched = set(Hazard.objects.values_list("venue_id", flat=True).distinct())
        self.types = {t.code: t for t in HazardType.objects.filter(is_active=True).prefetch_related("categories")}
        self.type_categories = {t.pk: {c.pk for c in t.categories.all()} for t in self.types.values()}
        categories = VenueCategory.objects.in_bulk()
        self.checklists: dict[int, list[tuple[int, str, list[HazardType]]]] = {}
        for cat_id in sorted({v.category_id for v in self.venues}):
            cat = categories[cat_id]
            items = []
            for item in checklist_for_category(cat):
                types = [t for t in item.hazard_types.all() if t.is_active and self._applies(t, cat)]
                items.append((item.pk, item.code, sorted(types, key=lambda t: t.code)))
            self.checklists[cat_id] = items
        self.top_codes = {c.pk: (categories[c.parent_id].code if c.parent_id else c.code) for c in categories.values()}

    def _applies(self, t: HazardType, cat: VenueCategory) -> bool:
        if t.applies_to_all:
            return True
        ids = self.type_categories[t.pk]
        return cat.pk in ids or cat.parent_id in ids

    def _ensure_community_staff(self) -> None:
        """Every community has its 社区专员 (仁和社区 has demo_community): they dispatch and help rectify."""
        rng = random.Random(SEED + 1)
        used = set(User.objects.exclude(mobile=None).values_list("mobile", flat=True))
        staffed = set(
            RoleAssignment.objects.filter(role=Role.COMMUNITY_STAFF, org_unit__in=self.communities).values_list(
                "org_unit_id", flat=True
            )
        )
        for comm in self.communities:
            if comm.pk in staffed:
                continue
            username = f"cq_community_{comm.code[-2:]}"
            user = User.objects.filter(username=username).first()
            if user is None:
                mobile = None
                while mobile is None or mobile in used:
                    mobile = rng.choice(["139", "138", "158", "187", "151"]) + f"{rng.randrange(10**8):08d}"
                used.add(mobile)
                surname = rng.choice("王李张刘陈杨黄赵吴周徐孙朱胡郭何高林")
                given = "".join(rng.choice("丽娟秀英芳红霞燕建华明志") for _ in range(2))
                user = User.objects.create(
                    username=username, full_name=surname + given, mobile=mobile, password=make_password(None)
                )
            RoleAssignment.objects.get_or_create(user=user, role=Role.COMMUNITY_STAFF, org_unit=comm)

    # time ---------------------------------------------------------------------------------
    def hours(self, a: float, b: float) -> dt.timedelta:
        return dt.timedelta(hours=self.rng.uniform(a, b))

    def daytime(self, t: dt.datetime, first: int = 8, last: int = 20) -> dt.datetime:
        """People act between `first` and `last` o'clock, Shanghai time: later acts move to the next morning."""
        lt = t.astimezone(TZ)
        if lt.hour < first:
            lt = lt.replace(hour=first, minute=0, second=0) + dt.timedelta(minutes=self.rng.uniform(0, 90))
        elif lt.hour >= last:
            lt = (lt + dt.timedelta(days=1)).replace(hour=first, minute=0, second=0)
            lt += dt.timedelta(minutes=self.rng.uniform(0, 90))
        return lt.astimezone(UTC).replace(microsecond=0)

    def workday(self, t: dt.datetime) -> dt.datetime:
        """An inspection's end: a weekday (rarely a Saturday), 8:30-17:30."""
        day = t.astimezone(TZ).date()
        while day.weekday() == 6 or (day.weekday() == 5 and self.rng.random() < 0.8):
            day += dt.timedelta(days=1)
        minutes = self.rng.uniform(8.5 * 60, 17.5 * 60)
        local = dt.datetime.combine(day, dt.time(), tzinfo=TZ) + dt.timedelta(minutes=minutes)
        return local.astimezone(UTC).replace(microsecond=0)

    @staticmethod
    def after(prev: dt.datetime, t: dt.datetime) -> dt.datetime:
        return max(t, prev + dt.timedelta(minutes=1))

    # places -------------------------------------------------------------------------------
    def near(self, venue: Venue, metres: float) -> tuple[float, float, float] | None:
        if venue.lat is None or venue.lng is None:
            return None
        angle = self.rng.uniform(0, 2 * math.pi)
        d = abs(self.rng.gauss(0, metres))
        lat = venue.lat + d * math.cos(angle) / 111_320
        lng = venue.lng + d * math.sin(angle) / (111_320 * math.cos(math.radians(venue.lat)))
        return round(lat, 7), round(lng, 7), round(self.rng.uniform(4, 30), 1)

    # people -------------------------------------------------------------------------------
    def pick(self, ids: list[int], exclude: int | None = None) -> int | None:
        choices = [i for i in ids if i != exclude]
        return self.rng.choice(choices) if choices else None

    def inspector_for(self, venue: Venue) -> int:
        if venue.inspector_id and self.rng.random() < 0.8:
            return venue.inspector_id
        return self.pick(self.inspectors[venue.community_id]) or venue.inspector_id

    def reviewer_for(self, venue: Venue, proof_actor: int | None) -> int:
        if self.rng.random() < 0.1:
            staff = self.pick(self.staff[venue.community_id], exclude=proof_actor)
            if staff:
                return staff
        if venue.inspector_id and venue.inspector_id != proof_actor:
            return venue.inspector_id
        return (
            self.pick(self.inspectors[venue.community_id], exclude=proof_actor)
            or self.pick(self.staff[venue.community_id], exclude=proof_actor)
            or self.street_office[0]
        )

    def dispatcher_for(self, venue: Venue) -> int:
        staff = self.staff[venue.community_id]
        if staff and self.rng.random() < 0.7:
            return self.rng.choice(staff)
        return self.street_office[0]

    def rectifier_for(self, venue: Venue, merchant_party: bool) -> int:
        """Who acknowledges and uploads proof: the merchant's account, else the grid worker on its behalf,
        or the community's staff when the community answers for it."""
        if merchant_party and venue.pk in self.merchants:
            return self.merchants[venue.pk]
        staff = self.staff[venue.community_id]
        if not merchant_party or not venue.grid_worker_id or (staff and self.rng.random() < 0.15):
            return self.rng.choice(staff) if staff else venue.grid_worker_id
        return venue.grid_worker_id

    # photos -------------------------------------------------------------------------------
    def photo(self, code: str, kind: str) -> str:
        family = code.split("-")[0]
        return _photo_name(family, kind, self.rng.randrange(PHOTO_VARIANTS))

    # schedule -----------------------------------------------------------------------------
    def schedule(self) -> None:
        self.forced_ids = forced_venues = self.forced_venue_ids()
        raw: list[tuple[dt.datetime, Venue]] = []
        span = self.now - self.start
        for venue in self.venues:
            end = self.now - dt.timedelta(minutes=10)
            if venue.pk in forced_venues:
                end = self.now - dt.timedelta(days=20)
            if venue.business_status == BusinessStatus.CLOSED:
                end = self.start + span * self.rng.uniform(0.3, 0.8)
            mean, spread = INSPECTION_INTERVAL_DAYS
            if venue.business_status == BusinessStatus.SUSPENDED:
                mean *= 1.6
            t = self.start + dt.timedelta(days=self.rng.uniform(0, mean))
            while True:
                ended = self.workday(t)
                if ended >= end:
                    break
                raw.append((ended, venue))
                t = ended + dt.timedelta(days=min(max(self.rng.gauss(mean, spread), 18), 75))
        raw.sort(key=lambda r: (r[0], r[1].pk))
        for n, (ended, venue) in enumerate(raw):
            self.inspections.append(
                _Insp(
                    key=n,
                    venue=venue,
                    inspector_id=self.inspector_for(venue),
                    ended_at=ended,
                    pos=self.position(venue),
                    client_id=_client_id("generic", n),
                )
            )

    def position(self, venue: Venue) -> tuple[float, float, float] | None:
        roll = self.rng.random()
        if roll < 0.02:
            return None  # no location from the phone
        if roll < 0.05:
            return self.near(venue, 450)  # likely off-site
        return self.near(venue, 15)

    def risk(self, venue: Venue) -> float:
        # Past findings follow the venue's hidden hazard rate (scaled to TARGET_HAZARDS), so what
        # the system sees of a venue's past is correlated with how careless it really is.
        return true_hazard_rate(venue, top_code=self.top_codes.get(venue.category_id, ""))

    # hazards ------------------------------------------------------------------------------
    def findings(self) -> None:
        total_risk = sum(self.risk(i.venue) for i in self.inspections if i.venue.pk not in self.untouched)
        base = TARGET_HAZARDS / total_risk if total_risk else 0
        for insp in self.inspections:
            venue = insp.venue
            if venue.pk in self.untouched:
                continue
            items = self.checklists.get(venue.category_id, [])
            k = min(_poisson(self.rng, base * self.risk(venue)), len(items))
            weights = [sum(_weight(t.code) for t in types) for _pk, _code, types in items]
            chosen: set[int] = set()
            chosen_types: set[int] = set()
            for _ in range(k):
                candidates = [(i, w) for i, w in enumerate(weights) if w > 0 and i not in chosen]
                if not candidates:
                    break
                idx = self.rng.choices([c[0] for c in candidates], weights=[c[1] for c in candidates])[0]
                chosen.add(idx)
                item_id, _code, types = items[idx]
                htype = self.rng.choices(types, weights=[_weight(t.code) for t in types])[0]
                if htype.pk in chosen_types:
                    continue
                chosen_types.add(htype.pk)
                plan = self.found(insp, htype, calm=venue.pk in self.forced_ids)
                insp.fails[item_id] = plan

    def found(self, insp: _Insp, htype: HazardType, *, calm: bool = False) -> _Plan:
        """The inspection found this hazard: add the finding to the open order of that type, or start one."""
        venue = insp.venue
        for plan in self.open_plans[(venue.pk, htype.pk)]:
            if plan.open_at(insp.ended_at):
                plan.events.append(
                    _Ev(
                        E.RECORDED_AGAIN,
                        "",  # the state at that moment, filled in when the timeline is settled
                        insp.ended_at,
                        insp.inspector_id,
                        note=self.description(htype),
                        data={"inspection": insp.key},
                        photos=[(PhotoKind.EVIDENCE, self.photo(htype.code, "before"))],
                        pos=insp.pos,
                    )
                )
                plan.events.sort(key=lambda e: e.at)
                return plan
        plan = _Plan(
            venue=venue,
            hazard_type=htype,
            inspection_key=insp.key,
            found_at=insp.ended_at,
            finder_id=insp.inspector_id,
            pos=insp.pos,
            description=self.description(htype),
        )
        stalled = (
            not calm and insp.ended_at > self.now - dt.timedelta(days=STALL_DAYS) and self.rng.random() < STALL_SHARE
        )
        self.timeline(plan, stalled=stalled, calm=calm)
        self.plans.append(plan)
        self.open_plans[(venue.pk, htype.pk)].append(plan)
        return plan

    def description(self, htype: HazardType) -> str:
        options = DESCRIPTIONS.get(htype.code)
        return self.rng.choice(options) if options else htype.name

    def notes(self, table: dict[str, list[str]], code: str, fallback: str) -> str:
        return self.rng.choice(table.get(code.split("-")[0], [fallback]))

    def timeline(self, plan: _Plan, *, stalled: bool = False, calm: bool = False) -> None:
        """The order's whole life as the services would write it (cut at the time of loading later)."""
        rng, venue, htype = self.rng, plan.venue, plan.hazard_type
        code = htype.code
        hours = default_deadline_hours(htype, htype.default_severity)
        t = plan.found_at
        deadline = t + dt.timedelta(hours=hours)
        found_data = {"source": HazardSource.INSPECTION, "severity": htype.default_severity}
        evidence = [(PhotoKind.EVIDENCE, self.photo(code, "before"))]
        if rng.random() < 0.3:
            evidence.append((PhotoKind.EVIDENCE, self.photo(code, "before")))
        ev = plan.events.append

        if htype.fix_immediately and rng.random() < FIX_ON_SPOT_SHARE and not stalled:
            plan.fixed_on_spot = True
            proof = [(PhotoKind.PROOF, self.photo(code, "after"))]
            ev(
                _Ev(
                    E.FIXED_ON_SPOT,
                    S.AWAITING_REVIEW,
                    t,
                    plan.finder_id,
                    plan.description,
                    {**found_data, "deadline": deadline.isoformat()},
                    evidence + proof,
                    plan.pos,
                )
            )
            reviewer = self.reviewer_for(venue, plan.finder_id)
            t = self.after(t, self.daytime(t + self.hours(1.5, 18)))
            ev(_Ev(E.REVIEW_PASSED, S.CLOSED, t, reviewer, rng.choice(PASS_NOTES), pos=self.near(venue, 10)))
            return

        ev(
            _Ev(
                E.FOUND,
                S.FOUND,
                t,
                plan.finder_id,
                plan.description,
                {**found_data, "deadline": deadline.isoformat()},
                evidence,
                plan.pos,
            )
        )
        # Dispatch (派单): by the inspection itself when the venue's merchant has an account.
        auto = settings.HAZARD_AUTO_DISPATCH_TO_MERCHANT and venue.pk in self.merchants
        if auto:
            t = t + dt.timedelta(seconds=2)
            dispatcher, note, merchant_party, community_id = plan.finder_id, "现场移交商户整改", True, None
        else:
            t = self.after(t, self.daytime(t + self.hours(0.3, 5)))
            dispatcher, note = self.dispatcher_for(venue), rng.choice(DISPATCH_NOTES)
            community_party = (code in COMMUNITY_TYPES and rng.random() < 0.5) or rng.random() < COMMUNITY_PARTY_SHARE
            merchant_party = not community_party
            community_id = venue.community_id if community_party else None
        if not calm and rng.random() < WITHDRAW_SHARE:
            t = self.after(t, self.daytime(t + self.hours(1, 20)))
            ev(_Ev(E.WITHDRAWN, S.WITHDRAWN, t, self.street_office[0], rng.choice(WITHDRAW_NOTES)))
            return
        dispatched_at = t
        deadline = t + dt.timedelta(hours=hours)
        party_data = {"merchant": merchant_party, "community": community_id, "department": None}
        ev(
            _Ev(
                E.DISPATCHED,
                S.DISPATCHED,
                t,
                dispatcher,
                note,
                {**party_data, "deadline": deadline.isoformat(), "automatic": auto},
            )
        )
        rectifier = self.rectifier_for(venue, merchant_party)
        t = self.after(t, self.daytime(t + self.hours(0.2, min(6, 0.3 * hours))))
        if stalled and rng.random() < 0.35:
            return  # nobody has acknowledged it yet
        ev(_Ev(E.ACKNOWLEDGED, S.RECTIFYING, t, rectifier, rng.choice(ACK_NOTES)))
        if stalled:
            return

        # Rectification takes a share of the time allowed; structural work is not counted in months.
        late = not calm and rng.random() < LATE_SHARE
        work_hours = min(hours, 120)
        share = rng.uniform(1.05, 1.7) if late else 0.08 + 0.9 * rng.betavariate(1.8, 2.8)
        proof_at = dispatched_at + dt.timedelta(hours=work_hours * share)
        if late:
            proof_at = max(proof_at, deadline + self.hours(1, 30))
        if not late and hours >= 72 and rng.random() < EXTEND_SHARE:
            at = self.after(t, self.daytime(dispatched_at + dt.timedelta(hours=hours * 0.5)))
            new_deadline = deadline + dt.timedelta(hours=math.ceil(hours / 2))
            if at < deadline:
                ev(
                    _Ev(
                        E.DEADLINE_EXTENDED,
                        S.RECTIFYING,
                        at,
                        self.street_office[0],
                        rng.choice(EXTEND_NOTES),
                        {"old_deadline": deadline.isoformat(), "deadline": new_deadline.isoformat()},
                    )
                )
                deadline, t = new_deadline, at
                proof_at = max(proof_at, at + self.hours(2, 24))
        t = self.after(t, self.daytime(proof_at))
        fails = self.review_failures(calm)
        # Most orders are closed in time: the last steps are squeezed in before the deadline.
        due = deadline if not late and not fails else None
        t = self.proof_and_review(plan, t, rectifier, fails=fails, due=due)

        if calm or rng.random() >= REOPEN_SHARE or t > self.now - dt.timedelta(days=14):
            return
        # Reopened (回访): back to rectifying, from a fresh deadline; rectified and reviewed again.
        reviewer = self.reviewer_for(venue, None)
        t = self.after(t, self.daytime(t + dt.timedelta(days=rng.uniform(3, 20))))
        deadline = t + dt.timedelta(hours=hours)
        ev(
            _Ev(
                E.REOPENED,
                S.RECTIFYING,
                t,
                reviewer,
                rng.choice(REOPEN_NOTES),
                {"deadline": deadline.isoformat()},
                pos=self.near(venue, 10),
            )
        )
        t = self.after(t, self.daytime(t + dt.timedelta(hours=min(hours, 120) * rng.uniform(0.1, 0.6))))
        self.proof_and_review(plan, t, rectifier, fails=0)

    def review_failures(self, calm: bool) -> int:
        if calm or self.rng.random() >= REVIEW_FAIL_SHARE:
            return 0
        return 2 if self.rng.random() < 0.15 else 1

    def proof_and_review(
        self, plan: _Plan, t: dt.datetime, rectifier: int, *, fails: int, due: dt.datetime | None = None
    ) -> dt.datetime:
        rng, venue, code = self.rng, plan.venue, plan.hazard_type.code
        ev = plan.events.append
        if due is not None and t > due - dt.timedelta(minutes=30):
            t = self.after(plan.events[-1].at, due - self.hours(1, 4))
        for attempt in range(fails + 1):
            photos = [(PhotoKind.PROOF, self.photo(code, "after"))]
            if rng.random() < 0.25:
                photos.append((PhotoKind.PROOF, self.photo(code, "after")))
            ev(
                _Ev(
                    E.PROOF_SUBMITTED,
                    S.AWAITING_REVIEW,
                    t,
                    rectifier,
                    self.notes(PROOF_NOTES, code, "已整改"),
                    photos=photos,
                    pos=self.near(venue, 10) if rng.random() < 0.5 else None,
                )
            )
            reviewer = self.reviewer_for(venue, rectifier)
            proof_at = t
            t = self.after(t, self.daytime(t + self.hours(0.5, 6)))
            if due is not None and t > due and due - dt.timedelta(minutes=20) > proof_at:
                t = self.after(proof_at, due - dt.timedelta(minutes=rng.uniform(5, 60)))
            if attempt < fails:
                ev(
                    _Ev(
                        E.REVIEW_FAILED,
                        S.RECTIFYING,
                        t,
                        reviewer,
                        self.notes(FAIL_REASONS, code, "整改不到位，请重新整改"),
                        photos=[(PhotoKind.REVIEW, self.photo(code, "before"))],
                        pos=self.near(venue, 10),
                    )
                )
                t = self.after(t, self.daytime(t + self.hours(2, 30)))
            else:
                ev(_Ev(E.REVIEW_PASSED, S.CLOSED, t, reviewer, rng.choice(PASS_NOTES), pos=self.near(venue, 10)))
        return t

    # the demo accounts' work of today -----------------------------------------------------
    def forced_venue_ids(self) -> set[int]:
        self.forced: list[tuple[Venue, list[str], int]] = []  # (venue, hazard codes, days ago)
        ids: set[int] = set()
        if self.demo_venue is not None and self.demo_venue.pk not in self.untouched:
            self.forced.append((self.demo_venue, ["EXT-03", "ELE-02"], 2))
            ids.add(self.demo_venue.pk)
        if self.demo_inspector:
            # Venues of the inspector's community, its own first.
            communities = set(
                RoleAssignment.objects.filter(user_id=self.demo_inspector, role=Role.INSPECTOR).values_list(
                    "org_unit_id", flat=True
                )
            )
            mine = sorted(
                (
                    v
                    for v in self.venues
                    if (v.inspector_id == self.demo_inspector or v.community_id in communities)
                    and v.pk not in ids
                    and v.pk not in self.untouched
                    and v.business_status == BusinessStatus.OPEN
                ),
                key=lambda v: (v.inspector_id != self.demo_inspector, v.pk),
            )
            for venue, code, days in zip(mine[:2], ["EXT-01", "EVA-03"], [1, 4], strict=False):
                self.forced.append((venue, [code], days))
                ids.add(venue.pk)
        return ids

    def demo_work(self) -> None:
        """demo_merchant: one order dispatched to it and one it has submitted proof for; demo_inspector:
        those and two more reviews due in its community."""
        for n, (venue, codes, days_ago) in enumerate(self.forced):
            day = (self.now.astimezone(TZ) - dt.timedelta(days=days_ago)).date()
            ended = dt.datetime.combine(day, dt.time(10, 10), tzinfo=TZ).astimezone(UTC)
            insp = _Insp(
                key=len(self.inspections),
                venue=venue,
                inspector_id=self.demo_inspector or venue.inspector_id,
                ended_at=ended,
                pos=self.near(venue, 8),
                client_id=_client_id("demo", n),
            )
            self.inspections.append(insp)
            items = self.checklists.get(venue.category_id, [])
            for i, code in enumerate(codes):
                htype = self.types.get(code)
                item_id = next((pk for pk, _c, types in items if htype in types), None)
                if htype is None or item_id is None:
                    continue
                plan = self.forced_plan(insp, htype, waiting_for_review=(n > 0 or i == 1))
                insp.fails[item_id] = plan

    def forced_plan(self, insp: _Insp, htype: HazardType, *, waiting_for_review: bool) -> _Plan:
        venue = insp.venue
        hours = default_deadline_hours(htype, htype.default_severity)
        plan = _Plan(
            venue=venue,
            hazard_type=htype,
            inspection_key=insp.key,
            found_at=insp.ended_at,
            finder_id=insp.inspector_id,
            pos=insp.pos,
            description=self.description(htype),
        )
        t = insp.ended_at
        found_data = {"source": HazardSource.INSPECTION, "severity": htype.default_severity}
        plan.events.append(
            _Ev(
                E.FOUND,
                S.FOUND,
                t,
                plan.finder_id,
                plan.description,
                {**found_data, "deadline": (t + dt.timedelta(hours=hours)).isoformat()},
                [(PhotoKind.EVIDENCE, self.photo(htype.code, "before"))],
                insp.pos,
            )
        )
        merchant = self.merchants.get(venue.pk)
        if merchant:
            t += dt.timedelta(seconds=2)
            dispatcher, note, auto = insp.inspector_id, "现场移交商户整改", True
        else:
            t += dt.timedelta(minutes=50)
            dispatcher, note, auto = self.dispatcher_for(venue), DISPATCH_NOTES[0], False
        deadline = t + dt.timedelta(hours=hours)
        plan.events.append(
            _Ev(
                E.DISPATCHED,
                S.DISPATCHED,
                t,
                dispatcher,
                note,
                {
                    "merchant": True,
                    "community": None,
                    "department": None,
                    "deadline": deadline.isoformat(),
                    "automatic": auto,
                },
            )
        )
        if waiting_for_review:
            rectifier = self.rectifier_for(venue, True)
            t += dt.timedelta(minutes=40)
            plan.events.append(_Ev(E.ACKNOWLEDGED, S.RECTIFYING, t, rectifier, ACK_NOTES[0]))
            t = max(t + dt.timedelta(hours=1), self.now - dt.timedelta(hours=3))
            plan.events.append(
                _Ev(
                    E.PROOF_SUBMITTED,
                    S.AWAITING_REVIEW,
                    t.replace(microsecond=0),
                    rectifier,
                    self.notes(PROOF_NOTES, htype.code, "已整改"),
                    photos=[(PhotoKind.PROOF, self.photo(htype.code, "after"))],
                    pos=self.near(venue, 10),
                )
            )
        self.plans.append(plan)
        return plan

    # settle -------------------------------------------------------------------------------
    def settle(self, plan: _Plan) -> dict:
        """Cut the timeline at the time of loading, add the escalations the periodic command would
        have made, and derive the order's fields from its events, as the services keep them."""
        events = sorted((e for e in plan.events if e.at <= self.now), key=lambda e: e.at)
        out: list[_Ev] = []
        state, deadline, level = "", None, 0
        fields = {
            "deadline": None,
            "dispatched_at": None,
            "proof_submitted_at": None,
            "closed_at": None,
            "review_failures": 0,
            "reopen_count": 0,
            "responsible_merchant": False,
            "responsible_community_id": None,
        }

        def escalate_until(end: dt.datetime, start: dt.datetime) -> None:
            nonlocal level
            if state not in OPEN_STATES or deadline is None:
                return
            step = dt.timedelta(hours=settings.HAZARD_ESCALATION_STEP_HOURS)
            for target, due in ((1, deadline), (2, deadline + step)):
                at = max(start, due) + dt.timedelta(seconds=self.rng.randrange(1, TICK.seconds))
                if level < target and at < end:
                    level = target
                    out.append(
                        _Ev(E.ESCALATED, state, at, None, data={"level": target, "deadline": deadline.isoformat()})
                    )

        prev_at = None
        for ev in events:
            if prev_at is not None:
                escalate_until(ev.at, prev_at)
            if ev.kind == E.RECORDED_AGAIN:
                ev.to_state = state
            ev_deadline = ev.data.get("deadline")
            if ev.kind in (E.FOUND, E.FIXED_ON_SPOT, E.DISPATCHED, E.REOPENED, E.DEADLINE_EXTENDED) and ev_deadline:
                deadline = dt.datetime.fromisoformat(ev_deadline)
                fields["deadline"] = deadline
            if ev.kind == E.DISPATCHED:
                fields["dispatched_at"] = ev.at
                fields["responsible_merchant"] = ev.data["merchant"]
                fields["responsible_community_id"] = ev.data["community"]
            elif ev.kind in (E.PROOF_SUBMITTED, E.FIXED_ON_SPOT):
                fields["proof_submitted_at"] = ev.at
            elif ev.kind == E.REVIEW_PASSED:
                fields["closed_at"] = ev.at
            elif ev.kind == E.REVIEW_FAILED:
                fields["review_failures"] += 1
            elif ev.kind == E.REOPENED:
                fields["closed_at"] = None
                fields["reopen_count"] += 1
            state = ev.to_state
            out.append(ev)
            prev_at = ev.at
        escalate_until(self.now, prev_at)
        out.sort(key=lambda e: e.at)
        plan.events = out
        return {
            **fields,
            "state": state,
            "escalation_level": level,
            "version": len(out),
            "updated_at": out[-1].at,
        }

    # write --------------------------------------------------------------------------------
    def build(self) -> None:
        self.load()
        if not self.venues or not self.street_office:
            return
        self.schedule()
        self.findings()
        self.demo_work()

    def write(self) -> None:
        if not self.inspections:
            return
        _ensure_photos()
        rows = []
        for insp in self.inspections:
            venue = insp.venue
            lat, lng, acc = insp.pos if insp.pos else (None, None, None)
            if insp.pos is None:
                status, distance = LocationStatus.NO_LOCATION, None
            elif venue.lat is None or venue.lng is None:
                status, distance = LocationStatus.VENUE_UNLOCATED, None
            else:
                distance = round(geo.distance_m(lat, lng, venue.lat, venue.lng), 1)
                off = distance > settings.INSPECTION_OFFSITE_DISTANCE_M
                status = LocationStatus.OFF_SITE if off else LocationStatus.ON_SITE
            rows.append(
                Inspection(
                    client_id=insp.client_id,
                    venue=venue,
                    inspector_id=insp.inspector_id,
                    started_at=insp.ended_at - dt.timedelta(minutes=self.rng.uniform(6, 35)),
                    ended_at=insp.ended_at,
                    lat=lat,
                    lng=lng,
                    accuracy_m=acc,
                    distance_m=distance,
                    location_status=status,
                    org_path=venue.org_path,
                    community_id=venue.community_id,
                    category_id=venue.category_id,
                    created_at=insp.ended_at,
                )
            )
        Inspection.objects.bulk_create(rows, batch_size=500)
        for insp, row in zip(self.inspections, rows, strict=True):
            insp.pk = row.pk
        by_key = {i.key: i for i in self.inspections}

        hazards, settled = [], []
        for plan in self.plans:
            f = self.settle(plan)
            settled.append(plan)
            venue = plan.venue
            lat, lng, acc = plan.pos if plan.pos else (None, None, None)
            hazards.append(
                Hazard(
                    venue=venue,
                    hazard_type=plan.hazard_type,
                    description=plan.description,
                    severity=plan.hazard_type.default_severity,
                    source=HazardSource.INSPECTION,
                    inspection_id=by_key[plan.inspection_key].pk,
                    found_by_id=plan.finder_id,
                    found_at=plan.found_at,
                    found_lat=lat,
                    found_lng=lng,
                    found_accuracy_m=acc,
                    fixed_on_spot=plan.fixed_on_spot,
                    org_path=venue.org_path,
                    community_id=venue.community_id,
                    category_id=venue.category_id,
                    created_at=plan.found_at,
                    **f,
                )
            )
        Hazard.objects.bulk_create(hazards, batch_size=500)
        events, photo_specs = [], []
        for plan, hazard in zip(settled, hazards, strict=True):
            plan.pk = hazard.pk
            prev = ""
            for ev in plan.events:
                data = dict(ev.data)
                if ev.kind == E.RECORDED_AGAIN:
                    data["inspection"] = by_key[data["inspection"]].pk
                lat, lng, acc = ev.pos if ev.pos else (None, None, None)
                row = HazardEvent(
                    hazard_id=hazard.pk,
                    kind=ev.kind,
                    from_state=prev,
                    to_state=ev.to_state,
                    actor_id=ev.actor_id,
                    at=ev.at,
                    lat=lat,
                    lng=lng,
                    accuracy_m=acc,
                    note=ev.note,
                    data=data,
                )
                prev = ev.to_state
                events.append(row)
                photo_specs.append((hazard.pk, ev))
        HazardEvent.objects.bulk_create(events, batch_size=1000)
        photos = [
            HazardPhoto(
                hazard_id=hazard_id,
                event_id=row.pk,
                kind=kind,
                image=name,
                uploaded_by_id=ev.actor_id,
                uploaded_at=ev.at,
            )
            for row, (hazard_id, ev) in zip(events, photo_specs, strict=True)
            for kind, name in ev.photos
        ]
        HazardPhoto.objects.bulk_create(photos, batch_size=1000)

        answers = []
        for insp in self.inspections:
            for item_id, item_code, _types in self.checklists.get(insp.venue.category_id, []):
                plan = insp.fails.get(item_id)
                if plan is not None:
                    result, note = AnswerResult.FAIL, plan.description
                elif item_code == "GEN-06" and self.rng.random() < 0.6:
                    result, note = AnswerResult.NOT_APPLICABLE, ""  # no fire systems in a small shop
                else:
                    result, note = AnswerResult.PASS, ""
                answers.append(
                    InspectionAnswer(
                        inspection_id=insp.pk,
                        checklist_item_id=item_id,
                        result=result,
                        note=note,
                        hazard_id=plan.pk if plan is not None else None,
                    )
                )
        InspectionAnswer.objects.bulk_create(answers, batch_size=1000)
        # The merchant has held its venue since before the history starts.
        VenueMerchant.objects.filter(venue_id__in=list(self.merchants), created_at__gt=self.start).update(
            created_at=self.start
        )


def _weight(code: str) -> float:
    return TYPE_WEIGHTS.get(code, DEFAULT_TYPE_WEIGHT)


def _poisson(rng: random.Random, lam: float) -> int:
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


# --- photos ---------------------------------------------------------------------------------

PHOTO_VARIANTS = 2
PHOTO_FAMILIES = {
    "EXT": ("灭火器", (200, 40, 40)),
    "EVA": ("疏散通道", (30, 140, 70)),
    "ELE": ("电气线路", (230, 160, 20)),
    "EBK": ("电动自行车", (40, 90, 180)),
    "RES": ("违规住人", (140, 80, 160)),
    "MAT": ("可燃物", (160, 110, 60)),
    "MGT": ("消防管理", (90, 90, 90)),
    "FAC": ("消防设施", (180, 30, 90)),
    "GAS": ("燃气", (20, 150, 170)),
    "KIT": ("厨房油烟", (110, 70, 40)),
    "OTH": ("其他隐患", (120, 120, 120)),
}


def _photo_name(family: str, kind: str, variant: int) -> str:
    family = family if family in PHOTO_FAMILIES else "OTH"
    return f"hazards/demo/{family.lower()}-{kind}-{variant + 1}.jpg"


def _ensure_photos() -> None:
    """A few small real JPEGs, shared by the history's photos by storage name: before (red frame) and
    after (green frame) for each family of hazards."""
    from venuesafe.demo.services import _font

    font = _font()
    for family, (label, colour) in PHOTO_FAMILIES.items():
        for kind in ("before", "after"):
            for variant in range(PHOTO_VARIANTS):
                name = _photo_name(family, kind, variant)
                if default_storage.exists(name):
                    continue
                img = Image.new("RGB", (320, 240), (225 - 20 * variant, 222, 215))
                draw = ImageDraw.Draw(img)
                frame = (200, 40, 40) if kind == "before" else (40, 160, 70)
                draw.rectangle((0, 0, 319, 239), outline=frame, width=8)
                draw.rectangle((90 + 30 * variant, 70, 230 - 10 * variant, 200), fill=colour)
                draw.ellipse((140, 40, 180, 80), fill=tuple(c // 2 for c in colour))
                if font is not None:
                    text = f"{label}·{'整改前' if kind == 'before' else '整改后'}"
                    width = draw.textlength(text, font=font)
                    draw.text(((320 - width) / 2, 200), text, font=font, fill=frame)
                buf = io.BytesIO()
                img.save(buf, format="JPEG", quality=70)
                default_storage.save(name, ContentFile(buf.getvalue()))
