import io
from collections import Counter

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from venuesafe.accounts.backends import UsernameOrMobileBackend
from venuesafe.accounts.models import Role, RoleAssignment, User
from venuesafe.core import geo
from venuesafe.core.validators import MOBILE_RE, validate_uscc
from venuesafe.demo.services import DEMO_ACCOUNTS, DEMO_PASSWORD, LAT_RANGE, LNG_RANGE
from venuesafe.equipment.models import Equipment, RuleWarning
from venuesafe.hazards.models import Hazard, HazardEvent, HazardPhoto
from venuesafe.inspections.models import Inspection, InspectionAnswer
from venuesafe.notices.models import Notice
from venuesafe.org.models import OrgLevel, OrgUnit
from venuesafe.risk.models import CandidateMajorFlag, VenueRisk
from venuesafe.selfchecks.models import SelfCheck, SelfCheckAnswer
from venuesafe.venues.models import FIVE_ELEMENTS, BindingCode, Venue, VenueMerchant
from venuesafe.venues.selectors import venue_list

pytestmark = pytest.mark.django_db


def _load(**options) -> str:
    out = io.StringIO()
    call_command("load_demo_district", stdout=out, **options)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {
        "org_units": OrgUnit.objects.count(),
        "users": User.objects.count(),
        "roles": RoleAssignment.objects.count(),
        "venues": Venue.objects.count(),
        "venue_history": Venue.history.count(),
        "merchant_links": VenueMerchant.objects.count(),
        "inspections": Inspection.objects.count(),
        "answers": InspectionAnswer.objects.count(),
        "hazards": Hazard.objects.count(),
        "hazard_events": HazardEvent.objects.count(),
        "hazard_photos": HazardPhoto.objects.count(),
        "binding_codes": BindingCode.objects.count(),
        "self_checks": SelfCheck.objects.count(),
        "self_check_answers": SelfCheckAnswer.objects.count(),
        "notices": Notice.objects.count(),
        "equipment": Equipment.objects.count(),
        "equipment_history": Equipment.history.count(),
        "rule_warnings": RuleWarning.objects.count(),
        "venue_risks": VenueRisk.objects.count(),
        "candidate_majors": CandidateMajorFlag.objects.count(),
    }


def test_load_demo_district__builds_org_tree_people_and_venues():
    _load(no_history=True)

    assert OrgUnit.objects.filter(level=OrgLevel.DISTRICT).count() == 1
    assert OrgUnit.objects.get(level=OrgLevel.DISTRICT).name == "崇川区"
    street = OrgUnit.objects.get(level=OrgLevel.STREET)
    assert street.name == "陈桥街道"
    communities = list(OrgUnit.objects.filter(level=OrgLevel.COMMUNITY))
    assert len(communities) == 9
    assert {"仁和社区", "天和社区"} <= {c.name for c in communities}
    assert all(c.parent_id == street.pk for c in communities)
    for comm in communities:
        grids = list(comm.children.all())
        assert 2 <= len(grids) <= 4
        assert all(g.level == OrgLevel.GRID and g.name.startswith(comm.name) for g in grids)

    inspectors = User.objects.filter(role_assignments__role=Role.INSPECTOR).distinct()
    assert inspectors.count() == 97
    grids = OrgUnit.objects.filter(level=OrgLevel.GRID)
    for grid in grids:
        assert RoleAssignment.objects.filter(role=Role.GRID_WORKER, org_unit=grid).count() == 1
    mobiles = list(User.objects.values_list("mobile", flat=True))
    assert all(m and MOBILE_RE.match(m) for m in mobiles)
    assert len(set(mobiles)) == len(mobiles)
    assert all(u.full_name for u in inspectors)

    venues = list(Venue.objects.select_related("category", "grid", "community"))
    assert len(venues) == 325
    assert len({v.category.top_level.code for v in venues}) >= 10
    for v in venues:
        assert LAT_RANGE[0] <= v.lat <= LAT_RANGE[1]
        assert LNG_RANGE[0] <= v.lng <= LNG_RANGE[1]
        assert v.geo_cell == geo.geo_cell(v.lat, v.lng)
        assert v.org_path == v.grid.path
        assert v.grid.parent_id == v.community_id
        assert v.elements_present == len(FIVE_ELEMENTS) - len(v.missing_elements)
        assert v.address.startswith("崇川区陈桥街道")
        assert MOBILE_RE.match(v.operator_mobile)
        assert v.grid_worker_id and v.inspector_id
        if v.licence_no:
            assert v.licence_kind == "uscc"
            validate_uscc(v.licence_no)
    licences = [v.licence_no for v in venues if v.licence_no]
    assert len(set(licences)) == len(licences)
    assert Venue.history.filter(history_type="+").count() == 325

    incomplete = [v for v in venues if not v.is_complete]
    assert 0.05 * len(venues) <= len(incomplete) <= 0.2 * len(venues)
    statuses = Counter(v.business_status for v in venues)
    assert statuses["open"] > 0.85 * len(venues)
    assert statuses["suspended"] > 0 and statuses["closed"] > 0
    with_photo = [v for v in venues if v.photo]
    assert all(default_storage.exists(v.photo.name) for v in with_photo[:20])
    assert sum(default_storage.size(v.photo.name) for v in with_photo) < 5 * 1024 * 1024


def test_load_demo_district__every_role_has_a_demo_account_that_logs_in():
    output = _load(no_history=True)

    backend = UsernameOrMobileBackend()
    for role, username, *_rest, mobile in DEMO_ACCOUNTS:
        user = User.objects.get(username=username)
        assert RoleAssignment.objects.filter(user=user, role=role).exists(), role
        assert backend.authenticate(None, username=username, password=DEMO_PASSWORD) == user
        assert backend.authenticate(None, username=mobile, password=DEMO_PASSWORD) == user
        assert username in output and mobile in output
    assert set(Role.values) == {r for r, *_ in DEMO_ACCOUNTS}

    admin = User.objects.get(username="demo_admin")
    assert admin.is_staff and not admin.is_superuser
    assert admin.has_perm("venues.change_venue") and admin.has_perm("org.add_orgunit")

    merchant = User.objects.get(username="demo_merchant")
    mine = list(venue_list(user=merchant))
    assert len(mine) == 1 and mine[0].community.name == "仁和社区"

    fire = RoleAssignment.objects.get(user__username="demo_fire")
    assert fire.department.code == "FIRE" and fire.org_unit.level == OrgLevel.STREET
    assert RoleAssignment.objects.get(user__username="demo_grid").org_unit.parent.name == "仁和社区"
    assert RoleAssignment.objects.get(user__username="demo_community").org_unit.name == "仁和社区"


def test_load_demo_district__second_run_changes_nothing_and_prints_logins_again():
    first = _load(no_history=True)
    district = _counts()
    assert district["venues"] == 325 and district["hazards"] == district["inspections"] == 0
    assert district["self_checks"] == 0 and district["merchant_links"] == 1  # demo_merchant's venue only
    assert district["equipment"] == district["venue_risks"] == 0
    assert "Risk in" not in first

    # A district loaded before the loop history existed gets it on the next run, once.
    second = _load()
    before = _counts()
    assert "Hazard loop history loaded" in second
    assert before["venues"] == 325 and before["inspections"] > 2000 and before["hazards"] > 1000
    assert "Self-check history loaded: 212 merchants" in second
    assert "212 merchants doing self-checks" in second and "today so far" in second
    assert before["merchant_links"] == 212 and before["self_checks"] > 8000
    assert "Equipment register loaded" in second and "Risk in 陈桥街道" in second
    assert before["equipment"] > 600 and before["rule_warnings"] > 10 and before["candidate_majors"] >= 2
    assert before["venue_risks"] == Venue.objects.filter(business_status="open").count()

    third = _load()

    assert _counts() == before
    assert "nothing changed" in third and "loop history" not in third and "history loaded" not in third
    assert "register loaded" not in third
    # Runs on the real clock: how many candidate majors the history leaves open depends on the hour.
    flagged = f"{before['candidate_majors']} candidate major fire hazards flagged"
    assert "212 merchants doing self-checks" in third and flagged in third
    for out in (first, second, third):
        assert "demo_admin" in out and DEMO_PASSWORD in out and "http://127.0.0.1:8000/" in out


def test_load_demo_district__custom_password():
    _load(password="Another-Pass-2026", no_history=True)

    second = _load(no_history=True)  # the default password no longer matches: the table says so instead of lying

    assert UsernameOrMobileBackend().authenticate(None, username="demo_street", password="Another-Pass-2026")
    assert DEMO_PASSWORD not in second
    assert "first loaded" in second
