"""The demo district: 崇川区 → 陈桥街道, its 9 communities/villages, grids, staff and 325 venues,
about eleven months of the hazard loop there (loop_history.py), 212 merchants with two months
of daily self-check punch-ins (self_checks.py), and the venues' equipment register with the date
rules run over it, two candidate major hazards and every venue's risk score (equipment.py), and
two months of resident reports with three of venue verification tasks (reports_history.py).

Everything is generated from a fixed seed, so two machines get the same district. Loading is
idempotent: org units and accounts have stable codes and usernames, the venues are only
created when the street has none yet, and each history only when it is not there yet.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from PIL import Image, ImageDraw, ImageFont
from simple_history.utils import bulk_create_with_history

from venuesafe.accounts.models import Role, RoleAssignment, User
from venuesafe.core import clock, geo
from venuesafe.core.validators import USCC_ALPHABET, uscc_check_char
from venuesafe.dashboard import tallies as dashboard_tallies
from venuesafe.demo.equipment import load_equipment, open_candidate_majors
from venuesafe.demo.loop_history import load_loop_history
from venuesafe.demo.reports_history import (
    OPEN311_CLIENT_NAME,
    OPEN311_DEMO_API_KEY,
    load_reports_history,
    reports_figures,
)
from venuesafe.demo.self_checks import load_self_check_history
from venuesafe.equipment.models import Equipment, RuleWarning
from venuesafe.hazards.models import OPEN_STATES, Hazard, HazardSource
from venuesafe.hazards.selectors import LoopFigures, loop_figures
from venuesafe.inspections.models import Inspection
from venuesafe.org.models import Department, OrgLevel, OrgUnit
from venuesafe.org.services import org_unit_get_or_create
from venuesafe.reports.models import Open311Client
from venuesafe.risk.selectors import risk_counts
from venuesafe.selfchecks.models import SelfCheck
from venuesafe.selfchecks.selectors import SelfCheckFigures, self_check_figures
from venuesafe.venues.models import (
    FIVE_ELEMENTS,
    BusinessStatus,
    LicenceKind,
    LocationSource,
    Venue,
    VenueCategory,
    VenueMerchant,
)
from venuesafe.venues.services import venue_merchant_add

DEMO_PASSWORD = "VenueSafe2026!"
SEED = 20260602
URL = "http://127.0.0.1:8000/"

DISTRICT_CODE = "320602"  # 崇川区's administrative division code
STREET_CODE = "320602-CQ"
DISTRICT_ADMIN_GROUP = "区级管理员 District administrators"

INSPECTOR_COUNT = 97
VENUE_COUNT = 325

# Where venues may lie: around 陈桥街道, in Nantong's Chongchuan district (WGS-84).
LAT_RANGE = (32.05, 32.10)
LNG_RANGE = (120.82, 120.88)

# (code suffix, name, number of grids, centre lat, centre lng, share of venues)
COMMUNITIES = [
    ("01", "仁和社区", 4, 32.0745, 120.8495, 1.4),
    ("02", "天和社区", 3, 32.0800, 120.8580, 1.2),
    ("03", "陈桥社区", 3, 32.0690, 120.8400, 1.2),
    ("04", "新桥社区", 3, 32.0630, 120.8560, 1.0),
    ("05", "永兴社区", 3, 32.0860, 120.8450, 1.0),
    ("06", "北郊社区", 2, 32.0925, 120.8610, 0.8),
    ("07", "友谊村", 2, 32.0580, 120.8320, 0.6),
    ("08", "八里庙村", 3, 32.0920, 120.8300, 0.6),
    ("09", "长桥村", 2, 32.0560, 120.8700, 0.5),
]
GRID_ORDINALS = "一二三四五六"

# Roads by community code suffix: venues take their address on a road of their own community.
ROADS = {
    "01": ["仁和路", "通京大道", "陈桥路"],
    "02": ["天和路", "通京大道", "城港路"],
    "03": ["陈桥路", "长泰路", "永兴大道"],
    "04": ["新桥路", "城港路", "通京大道"],
    "05": ["永兴大道", "长泰路", "北郊路"],
    "06": ["北郊路", "城港路"],
    "07": ["友谊路", "陈桥路"],
    "08": ["八里庙路", "永兴大道"],
    "09": ["长桥路", "城港路"],
}

# Demo accounts: (key, username, Chinese role, English role, full name, mobile).
DEMO_ACCOUNTS = [
    (Role.DISTRICT_ADMIN, "demo_admin", "区级管理员", "District administrator", "顾建华", "13962800001"),
    (Role.STREET_OFFICE, "demo_street", "街道综安办", "Street safety office", "陈晓燕", "13962800002"),
    (Role.COMMUNITY_STAFF, "demo_community", "社区专员", "Community staff", "王丽娟", "13962800003"),
    (Role.GRID_WORKER, "demo_grid", "网格员", "Grid worker", "张志强", "13962800004"),
    (Role.INSPECTOR, "demo_inspector", "安全巡查员", "Safety inspector", "李国平", "13962800005"),
    (Role.MERCHANT, "demo_merchant", "商户/业主", "Merchant", "周建国", "13962800006"),
    (Role.DEPARTMENT_VIEWER, "demo_fire", "条线部门(消防)", "Department viewer (fire)", "吴海峰", "13962800007"),
]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏付方白邹孟熊秦邱江尹薛段雷侯史陶贺顾毛郝龚邵钱严戴孔汤缪季"
)
GIVEN_MALE = "建国华明军平志强伟勇杰涛斌超磊海波东亮文俊峰云飞鹏辉宇新荣"
GIVEN_FEMALE = "敏静丽娟秀英桂芳玉兰红霞燕琴春梅晓欣怡婷雪慧佳萍"

SHOP_PREFIXES = ["惠民", "好又多", "家家乐", "万家福", "联华", "苏果", "便民", "佳佳", "红星", "金鑫", "兴隆", "顺发"]
PLACE_WORDS = ["陈桥", "仁和", "天和", "永兴", "新桥", "北郊", "城港", "通京", "八里庙", "长桥"]
LUCKY = ["如意", "吉祥", "鸿运", "福满", "金源", "百顺", "安康", "和顺", "瑞丰", "恒信", "宏达", "众诚"]

# (category code, weight, name prefixes, name cores)
CATEGORY_PLAN = [
    ("SHOP_MARKET", 34, "shop", ["便利店", "超市", "生活超市", "烟酒店", "副食店"]),
    ("SHOP_STREET", 30, "mixed", ["服装店", "鞋店", "手机店", "文具店", "母婴店", "眼镜店", "茶叶店", "花店"]),
    ("SHOP_HARDWARE", 12, "place", ["五金店", "五金建材", "水电五金", "灯具五金"]),
    ("SHOP", 8, "mixed", ["粮油店", "水果店", "干洗店", "药店"]),
    ("FOOD_SNACK", 34, "person", ["面馆", "小吃店", "馄饨店", "包子铺", "饺子馆", "早餐店"]),
    ("FOOD_BBQ", 14, "person", ["烧烤", "烤串", "烧烤大排档"]),
    ("FOOD", 30, "mixed", ["饭店", "快餐店", "小炒", "土菜馆", "黄焖鸡米饭", "麻辣烫"]),
    ("HOTEL", 10, "lucky", ["宾馆", "旅社", "快捷酒店", "招待所"]),
    ("HOTEL_BNB", 4, "place", ["民宿", "客栈"]),
    ("BEAUTY_HAIR", 20, "lucky", ["美发店", "美容美发", "造型", "理发店"]),
    ("BEAUTY_FOOT", 10, "lucky", ["足浴", "足道", "养生馆"]),
    ("BEAUTY_BATH", 3, "lucky", ["浴室", "洗浴中心"]),
    ("MFG_WORKSHOP", 12, "person", ["木器加工坊", "服装加工厂", "豆腐坊", "电动车维修", "汽修厂"]),
    ("MFG", 8, "lucky", ["机械配件厂", "纺织厂", "塑料制品厂", "包装厂"]),
    ("NETC", 8, "lucky", ["网吧", "网咖", "电竞馆"]),
    ("ENT", 6, "lucky", ["KTV", "歌厅", "棋牌室"]),
    ("EDU_TRAINING", 8, "place", ["培训中心", "艺术培训", "托管中心", "舞蹈工作室"]),
    ("EDU", 4, "place", ["幼儿园", "早教中心"]),
    ("MED", 8, "place", ["诊所", "卫生室", "口腔诊所", "中医诊所"]),
    ("MIXED", 8, "place", ["商住楼", "三合一场所", "综合市场"]),
    ("RENT", 10, "place", ["出租公寓", "青年公寓", "出租房"]),
]
COMPANY_CATEGORIES = {"HOTEL", "MFG", "MFG_WORKSHOP", "EDU", "EDU_TRAINING", "MED", "MIXED", "NETC", "ENT"}

PHOTO_COLOURS = [(192, 57, 43), (41, 128, 185), (39, 174, 96), (142, 68, 173), (211, 84, 0), (22, 160, 133)]
FONT_CANDIDATES = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
]


@dataclass(frozen=True)
class DemoLogin:
    role: str
    role_zh: str
    role_en: str
    username: str
    mobile: str


@dataclass(frozen=True)
class DemoResult:
    created: bool
    password: str | None  # None when the accounts already hold another password
    logins: list[DemoLogin]
    venues: int
    inspectors: int
    history_created: bool = False
    inspections: int = 0
    hazards: int = 0
    year: LoopFigures | None = None  # this year's figures, computed from the rows like any page does
    self_checks_created: bool = False
    merchants_bound: int = 0
    self_checks: int = 0
    self_check: SelfCheckFigures | None = None  # today's punch-in figures, as the street office sees them
    equipment_created: bool = False
    equipment: int = 0  # items in use in the register
    equipment_venues: int = 0
    rule_warnings: int = 0  # open date-rule warnings
    rule_hazards: int = 0  # open work orders the date rules raised
    candidate_majors: int = 0  # open candidate major hazard flags
    risk_levels: dict[str, int] | None = None  # venues by level, as the street office sees them
    reports_created: bool = False
    resident_reports: int = 0
    reports_waiting: int = 0  # new, waiting for triage
    verification_tasks: int = 0
    verifications_open: int = 0
    open311_client: str | None = None  # the demo Open311 client's name and fixed key, once loaded
    open311_api_key: str | None = None


def demo_is_loaded() -> bool:
    street = OrgUnit.objects.filter(code=STREET_CODE).first()
    return bool(street) and Venue.objects.filter(org_path__startswith=street.path).exists()


def load_demo_district(*, password: str = DEMO_PASSWORD, history: bool = True) -> DemoResult:
    """Build the demo district once, and its loop history once (unless `history` is off);
    afterwards only report its logins and figures."""
    created = False
    if not demo_is_loaded():
        with transaction.atomic():
            _Builder(password=password).build()
        created = True
    history_created = history and load_loop_history(street_code=STREET_CODE).created
    self_checks_created = history and load_self_check_history(street_code=STREET_CODE).created
    equipment_created = history and load_equipment(street_code=STREET_CODE).created
    reports_created = history and load_reports_history(street_code=STREET_CODE).created
    street = OrgUnit.objects.get(code=STREET_CODE)
    if created or history_created or self_checks_created or equipment_created or reports_created:
        dashboard_tallies.rebuild(street)  # venues, bindings and punch-ins were bulk-written
        _analyze()
    _sync_admin_group()
    admin = User.objects.filter(username="demo_admin").first()
    password_ok = created or (admin is not None and admin.check_password(password))
    return DemoResult(
        created=created,
        password=password if password_ok else None,
        logins=demo_logins(),
        venues=Venue.objects.filter(org_path__startswith=street.path).count(),
        inspectors=RoleAssignment.objects.filter(role=Role.INSPECTOR, is_active=True).values("user").distinct().count(),
        history_created=history_created,
        inspections=Inspection.objects.filter(org_path__startswith=street.path).count(),
        hazards=Hazard.objects.filter(org_path__startswith=street.path).count(),
        year=year_figures(),
        self_checks_created=self_checks_created,
        merchants_bound=VenueMerchant.objects.filter(venue__org_path__startswith=street.path)
        .values("user")
        .distinct()
        .count(),
        self_checks=SelfCheck.objects.filter(org_path__startswith=street.path).count(),
        self_check=today_self_check_figures(),
        equipment_created=equipment_created,
        **_register_figures(street),
        reports_created=reports_created,
        **reports_figures(street),
        **_open311_login(),
    )


def _analyze() -> None:
    """Fresh planner statistics after the bulk load. Without them PostgreSQL takes the tables for
    empty until autovacuum comes by, and the figures printed next (and the first pages) run as
    nested loops over tens of thousands of rows: seconds per query instead of milliseconds."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _open311_login() -> dict:
    client = Open311Client.objects.filter(api_key=OPEN311_DEMO_API_KEY, is_active=True).first()
    if client is None:
        return {}
    return {"open311_client": client.name or OPEN311_CLIENT_NAME, "open311_api_key": client.api_key}


def _register_figures(street: OrgUnit) -> dict:
    """The register, its warnings and the risk picture, counted from the rows like any page does."""
    in_use = Equipment.objects.filter(org_path__startswith=street.path, is_active=True)
    office = User.objects.filter(username="demo_street").first()
    return {
        "equipment": in_use.count(),
        "equipment_venues": in_use.values("venue").distinct().count(),
        "rule_warnings": RuleWarning.objects.filter(
            venue__org_path__startswith=street.path, resolved_at__isnull=True
        ).count(),
        "rule_hazards": Hazard.objects.filter(
            org_path__startswith=street.path, source=HazardSource.DATE_RULE, state__in=OPEN_STATES
        ).count(),
        "candidate_majors": open_candidate_majors(street),
        "risk_levels": risk_counts(user=office) if office is not None else None,
    }


def year_figures() -> LoopFigures | None:
    """The street's loop figures from 1 January to today, as the street office's pages show them."""
    office = User.objects.filter(username="demo_street").first()
    if office is None:
        return None
    today = clock.local_today()
    return loop_figures(user=office, date_from=dt.date(today.year, 1, 1), date_to=today).total


def today_self_check_figures() -> SelfCheckFigures | None:
    """Today's punch-ins in the street and who masters self-checking, as the street office sees them."""
    office = User.objects.filter(username="demo_street").first()
    if office is None:
        return None
    return self_check_figures(user=office, date_from=clock.local_today())


def demo_logins() -> list[DemoLogin]:
    users = {u.username: u for u in User.objects.filter(username__in=[a[1] for a in DEMO_ACCOUNTS])}
    return [
        DemoLogin(role, zh, en, username, users[username].mobile or "")
        for role, username, zh, en, _name, _mobile in DEMO_ACCOUNTS
        if username in users
    ]


def _sync_admin_group() -> None:
    """District admins use the Django admin through this group: every permission of the project's apps.
    Synced on every run so that models added by later apps are included."""
    group, _ = Group.objects.get_or_create(name=DISTRICT_ADMIN_GROUP)
    labels = [c.label for c in apps.get_app_configs() if c.name.startswith("venuesafe.") and c.label != "demo"]
    labels += ["authtoken"]
    perms = Permission.objects.filter(content_type__app_label__in=labels)
    group.permissions.set(perms)
    admin = User.objects.filter(username="demo_admin").first()
    if admin is not None:
        admin.groups.add(group)


# --- generation -----------------------------------------------------------------------------


class _Builder:
    def __init__(self, *, password: str):
        self.rng = random.Random(SEED)
        self.password_hash = make_password(password)  # hashed once, shared by the demo accounts
        self.used_mobiles = set(User.objects.exclude(mobile=None).values_list("mobile", flat=True))
        self.used_licences: set[str] = set()
        self.used_names: set[str] = set()

    # org tree -----------------------------------------------------------------------------
    def build_org(self) -> None:
        self.district = org_unit_get_or_create(name="崇川区", code=DISTRICT_CODE, level=OrgLevel.DISTRICT)
        self.street = org_unit_get_or_create(
            name="陈桥街道", code=STREET_CODE, level=OrgLevel.STREET, parent=self.district
        )
        self.communities: list[OrgUnit] = []
        self.grids: dict[int, list[OrgUnit]] = {}
        self.community_plan: dict[int, tuple] = {}
        for suffix, name, n_grids, clat, clng, share in COMMUNITIES:
            comm = org_unit_get_or_create(
                name=name, code=f"{STREET_CODE}-{suffix}", level=OrgLevel.COMMUNITY, parent=self.street
            )
            self.communities.append(comm)
            self.community_plan[comm.pk] = (clat, clng, share)
            self.grids[comm.pk] = [
                org_unit_get_or_create(
                    name=f"{name}第{GRID_ORDINALS[i]}网格",
                    code=f"{STREET_CODE}-{suffix}-{i + 1:02d}",
                    level=OrgLevel.GRID,
                    parent=comm,
                )
                for i in range(n_grids)
            ]
        self.renhe = self.communities[0]

    # people -------------------------------------------------------------------------------
    def person_name(self) -> str:
        n = self.rng.choice((1, 2, 2))
        given = self.rng.choice((GIVEN_MALE, GIVEN_FEMALE))
        return self.rng.choice(SURNAMES) + "".join(self.rng.choice(given) for _ in range(n))

    def mobile(self) -> str:
        while True:
            m = self.rng.choice(
                [
                    "139",
                    "138",
                    "137",
                    "136",
                    "135",
                    "150",
                    "151",
                    "152",
                    "158",
                    "159",
                    "187",
                    "188",
                    "189",
                    "180",
                    "181",
                    "133",
                    "153",
                    "177",
                    "130",
                    "131",
                    "132",
                    "155",
                    "156",
                    "186",
                ]
            )
            m += f"{self.rng.randrange(10**8):08d}"
            if m not in self.used_mobiles:
                self.used_mobiles.add(m)
                return m

    def _user(self, username: str, full_name: str, mobile: str, *, usable: bool) -> User:
        user = User.objects.filter(username=username).first()
        if user is not None:
            return user
        if usable and mobile in self.used_mobiles:  # the fixed demo number is taken by someone else
            mobile = self.mobile()
        user = User(username=username, full_name=full_name, mobile=mobile)
        # Demo accounts share the printed password; the roster's other staff have no password until
        # an administrator gives them one.
        user.password = self.password_hash if usable else make_password(None)
        return user

    def build_people(self) -> None:
        demo_users = {}
        for role, username, _zh, _en, full_name, mobile in DEMO_ACCOUNTS:
            user = self._user(username, full_name, mobile, usable=True)
            if role == Role.DISTRICT_ADMIN:
                user.is_staff = True
            if user.pk is None:
                user.save()
            self.used_mobiles.add(user.mobile)
            demo_users[role] = user
        self.admin = demo_users[Role.DISTRICT_ADMIN]
        self.demo_merchant = demo_users[Role.MERCHANT]
        fire = Department.objects.get(code="FIRE")
        renhe_grid = self.grids[self.renhe.pk][0]
        demo_roles = [
            (demo_users[Role.DISTRICT_ADMIN], Role.DISTRICT_ADMIN, self.district, None),
            (demo_users[Role.STREET_OFFICE], Role.STREET_OFFICE, self.street, None),
            (demo_users[Role.COMMUNITY_STAFF], Role.COMMUNITY_STAFF, self.renhe, None),
            (demo_users[Role.GRID_WORKER], Role.GRID_WORKER, renhe_grid, None),
            (demo_users[Role.INSPECTOR], Role.INSPECTOR, self.renhe, None),
            (demo_users[Role.DEPARTMENT_VIEWER], Role.DEPARTMENT_VIEWER, self.street, fire),
        ]
        for user, role, unit, dept in demo_roles:
            RoleAssignment.objects.get_or_create(user=user, role=role, org_unit=unit, department=dept)

        # One grid worker per grid (仁和社区's first grid has demo_grid), and the inspectors,
        # spread over the communities in proportion to their size (demo_inspector is one of them).
        roster: list[tuple[User, str, OrgUnit]] = []
        self.grid_worker: dict[int, User] = {renhe_grid.pk: demo_users[Role.GRID_WORKER]}
        n = 0
        for comm in self.communities:
            for grid in self.grids[comm.pk]:
                if grid.pk in self.grid_worker:
                    continue
                n += 1
                user = self._user(f"cq_grid_{n:03d}", self.person_name(), self.mobile(), usable=False)
                self.grid_worker[grid.pk] = user
                roster.append((user, Role.GRID_WORKER, grid))
        self.inspectors: dict[int, list[User]] = {c.pk: [] for c in self.communities}
        self.inspectors[self.renhe.pk].append(demo_users[Role.INSPECTOR])
        weights = [self.community_plan[c.pk][2] for c in self.communities]
        order = self.rng.choices(self.communities, weights=weights, k=INSPECTOR_COUNT - len(self.communities))
        # Every community gets at least one inspector; 仁和社区 already has demo_inspector.
        order = self.communities[1:] + order
        order.sort(key=lambda c: c.path)
        for i, comm in enumerate(order, start=1):
            user = self._user(f"cq_inspector_{i:03d}", self.person_name(), self.mobile(), usable=False)
            self.inspectors[comm.pk].append(user)
            roster.append((user, Role.INSPECTOR, comm))
        new_users = [u for u, _r, _unit in roster if u.pk is None]
        User.objects.bulk_create(new_users)
        if any(u.pk is None for u in new_users):  # databases that do not return ids
            ids = dict(User.objects.filter(username__in=[u.username for u in new_users]).values_list("username", "pk"))
            for u in new_users:
                u.pk = ids[u.username]
        existing = set(
            RoleAssignment.objects.filter(user__in=[u for u, _r, _unit in roster]).values_list(
                "user_id", "role", "org_unit_id"
            )
        )
        RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(user=u, role=role, org_unit=unit)
                for u, role, unit in roster
                if (u.pk, role, unit.pk) not in existing
            ]
        )

    # venues -------------------------------------------------------------------------------
    def sign_name(self, style: str, core: str) -> str:
        for _attempt in range(20):
            if style == "person" or (style == "mixed" and self.rng.random() < 0.4):
                surname = self.rng.choice(SURNAMES)
                prefix = self.rng.choice(
                    [f"老{surname}家", f"{surname}记", f"{surname}氏", f"阿{surname}", f"老{surname}"]
                )
            elif style == "shop" or style == "mixed":
                prefix = self.rng.choice(SHOP_PREFIXES + PLACE_WORDS)
            elif style == "place":
                prefix = self.rng.choice(PLACE_WORDS + LUCKY[:4])
            else:
                prefix = self.rng.choice(LUCKY)
            name = prefix + core
            if name not in self.used_names:
                self.used_names.add(name)
                return name
        name = f"{prefix}{core}({self.rng.choice(PLACE_WORDS)}店)"
        self.used_names.add(name)
        return name

    def uscc(self, company: bool) -> str:
        while True:
            head = "91" if company else "92"
            body = head + "320602" + "".join(self.rng.choice(USCC_ALPHABET) for _ in range(9))
            code = body + uscc_check_char(body)
            if code not in self.used_licences:
                self.used_licences.add(code)
                return code

    def location(self, comm: OrgUnit, grid_index: int, n_grids: int) -> tuple[float, float]:
        clat, clng, _share = self.community_plan[comm.pk]
        # Grids sit side by side west to east across the community.
        glng = clng + (grid_index - (n_grids - 1) / 2) * 0.004
        lat = min(max(self.rng.gauss(clat, 0.0028), LAT_RANGE[0] + 1e-4), LAT_RANGE[1] - 1e-4)
        lng = min(max(self.rng.gauss(glng, 0.0022), LNG_RANGE[0] + 1e-4), LNG_RANGE[1] - 1e-4)
        return round(lat, 7), round(lng, 7)

    def build_venues(self) -> list[Venue]:
        categories = {c.code: c for c in VenueCategory.objects.all()}
        plan = [p for p in CATEGORY_PLAN if p[0] in categories]
        weights = [p[1] for p in plan]
        comm_weights = [self.community_plan[c.pk][2] for c in self.communities]
        venues = []
        for i in range(VENUE_COUNT):
            # The first venues go to 仁和社区 so that the demo merchant has one there.
            comm = self.renhe if i == 0 else self.rng.choices(self.communities, weights=comm_weights)[0]
            grids = self.grids[comm.pk]
            gi = self.rng.randrange(len(grids))
            grid = grids[gi]
            code, _w, style, cores = self.rng.choices(plan, weights=weights)[0]
            name = self.sign_name(style, self.rng.choice(cores))
            lat, lng = self.location(comm, gi, len(grids))
            number = self.rng.randrange(1, 1600)
            address = f"崇川区陈桥街道{self.rng.choice(ROADS[comm.code[-2:]])}{number}号"
            if self.rng.random() < 0.25:
                address += f"{self.rng.randrange(1, 30)}室" if self.rng.random() < 0.5 else "门面房"
            roll = self.rng.random()
            missing_photo = 0.02 < roll < 0.08 and i != 0
            missing_licence = 0.06 < roll < 0.115 and i != 0
            status_roll = self.rng.random()
            status = (
                BusinessStatus.CLOSED
                if status_roll < 0.03
                else BusinessStatus.SUSPENDED
                if status_roll < 0.08
                else BusinessStatus.OPEN
            )
            venue = Venue(
                sign_name=name,
                category=categories[code],
                address=address,
                licence_kind="" if missing_licence else LicenceKind.USCC,
                licence_no="" if missing_licence else self.uscc(code.split("_")[0] in COMPANY_CATEGORIES),
                lat=lat,
                lng=lng,
                geo_cell=geo.geo_cell(lat, lng),
                location_source=self.rng.choice([LocationSource.GPS, LocationSource.GPS, LocationSource.MAP]),
                location_accuracy_m=round(self.rng.uniform(3, 25), 1),
                operator_name=self.person_name(),
                operator_mobile=self.mobile(),
                business_status=status,
                floor_area_m2=self.rng.choice([15, 20, 30, 40, 50, 60, 80, 100, 120, 150, 200, 300]),
                community=comm,
                grid=grid,
                org_path=grid.path,
                grid_worker=self.grid_worker[grid.pk],
                inspector=self.rng.choice(self.inspectors[comm.pk]),
                created_by=self.admin,
            )
            if not missing_photo:
                venue.photo.name = _save_photo(f"cq-{i + 1:04d}", name, PHOTO_COLOURS[i % len(PHOTO_COLOURS)])
            venue.elements_present = len(FIVE_ELEMENTS) - len(venue.missing_elements)
            venues.append(venue)
        bulk_create_with_history(
            venues, Venue, batch_size=200, default_user=self.admin, default_change_reason="demo import"
        )
        return venues

    def build(self) -> None:
        self.build_org()
        self.build_people()
        self.build_venues()
        venue = Venue.objects.filter(community=self.renhe).order_by("pk").first()
        venue_merchant_add(venue=venue, actor=self.admin, merchant=self.demo_merchant)
        RoleAssignment.objects.get_or_create(user=self.demo_merchant, role=Role.MERCHANT, org_unit=venue.community)


# --- photos ---------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _font():
    for candidate in FONT_CANDIDATES:
        if Path(candidate).exists():
            try:
                return ImageFont.truetype(candidate, 30)
            except OSError:
                continue
    return None


def _save_photo(stem: str, sign_name: str, colour: tuple[int, int, int]) -> str:
    """A small real JPEG: the shop front's colour with its sign drawn on it (~10 KB)."""
    img = Image.new("RGB", (320, 240), (235, 232, 225))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, 320, 70), fill=colour)  # the sign board
    draw.rectangle((40, 100, 280, 240), fill=(90, 90, 95))  # the door
    draw.rectangle((60, 120, 260, 240), fill=(170, 190, 205))
    font = _font()
    if font is not None:
        text = sign_name if len(sign_name) <= 9 else sign_name[:9]
        width = draw.textlength(text, font=font)
        draw.text(((320 - width) / 2, 18), text, font=font, fill=(255, 255, 255))
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=70)
    return default_storage.save(f"venues/photos/demo/{stem}.jpg", ContentFile(buf.getvalue()))
