import json
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from venuesafe.accounts.models import Role
from venuesafe.equipment.models import DateRule, RuleWarning
from venuesafe.equipment.rules import add_years
from venuesafe.testing.factories import UserFactory, user_with_role, venue

from .helpers import extinguisher, logged_in, open_warnings

pytestmark = pytest.mark.django_db


def warning_list(client, **params) -> list[tuple[str, str, str]]:
    response = client.get("/equipment/warnings/", params)
    assert response.status_code == 200
    html = response.content.decode()
    block = html[html.index('id="warning-list"') :]
    return re.findall(r'data-rule="([^"]+)" data-equipment-id="(\d+)" data-days="(-?\d+)"', block)


# --- the staff's warnings list --------------------------------------------------------------


def test_warnings__open_warnings_in_scope_soonest_first(world):
    later = extinguisher(world, scrap_in_days=25)
    sooner = extinguisher(world, scrap_in_days=5)
    a2_shop = venue(world.d.comm_a2, world.d.grid_a2a)
    in_a2 = extinguisher(world, scrap_in_days=15, venue=a2_shop)
    b_shop = venue(world.d.comm_b1, world.d.grid_b1a)
    extinguisher(world, scrap_in_days=10, venue=b_shop)  # street B: not street A's office's

    rows = warning_list(logged_in(world.street))
    assert [(eq_id, days) for _rule, eq_id, days in rows] == [
        (str(sooner.pk), "5"),
        (str(in_a2.pk), "15"),
        (str(later.pk), "25"),
    ]
    assert [r[1] for r in warning_list(logged_in(world.street), community=world.d.comm_a2.pk)] == [str(in_a2.pk)]
    assert warning_list(logged_in(world.street), rule="R-HOSE") == []
    assert len(warning_list(logged_in(world.street), rule="R-EXT-SCRAP")) == 3
    # Community staff of A1 see their own community only.
    assert {r[1] for r in warning_list(logged_in(world.comm))} == {str(sooner.pk), str(later.pk)}


def test_warnings__link_each_warning_to_its_register(world):
    eq = extinguisher(world, scrap_in_days=5)
    html = logged_in(world.grid_worker).get("/equipment/warnings/").content.decode()
    assert f'href="/equipment/venues/{world.venue.pk}/#equipment-{eq.pk}"' in html


def test_warnings_and_rules__not_for_merchants(world):
    client = logged_in(world.merchant)
    assert client.get("/equipment/warnings/").status_code == 403
    assert client.get("/equipment/rules/").status_code == 403


# --- the rules page -------------------------------------------------------------------------


def test_rules__every_rule_with_parameters_source_and_unconfirmed_default(world, settings):
    settings.DATE_RULE_RUBBER_HOSE_MONTHS = 24
    response = logged_in(world.inspector).get("/equipment/rules/")
    assert response.status_code == 200
    html = response.content.decode()
    found = dict(re.findall(r'data-rule="([^"]+)" data-unconfirmed="([01])"', html))
    assert found == {rule.rule_id: "1" if rule.unconfirmed else "0" for rule in DateRule.objects.all()}
    assert found["R-HOSE"] == "1" and found["R-REG"] == "1" and found["R-EXT-SCRAP"] == "0"
    hose = html[html.index('id="rule-R-HOSE"') :]
    hose = hose[: hose.index("</section>")]
    assert 'data-setting="DATE_RULE_RUBBER_HOSE_MONTHS"' in hose
    assert "<code>rubber_months</code> = 24" in hose
    assert "GB 55009-2021" in hose
    scrap = html[html.index('id="rule-R-EXT-SCRAP"') :]
    assert "<code>years</code>" in scrap[: scrap.index("</section>")]
    assert 'id="rules-admin-link"' not in html  # only district administrators change them


# --- admin ----------------------------------------------------------------------------------


@pytest.fixture
def district_admin(world):
    world.admin.is_staff = True
    world.admin.save(update_fields=["is_staff"])
    return world.admin


def rule_form(rule: DateRule, **changes) -> dict:
    data = {
        "is_active": "on" if rule.is_active else "",
        "warn_days": rule.warn_days,
        "params": json.dumps(rule.params),
        "advice": rule.advice,
        "advice_en": rule.advice_en,
        "basis": rule.basis,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_admin__district_admin_reads_rules_with_history_and_unconfirmed_shown(world, district_admin):
    client = logged_in(district_admin)
    hose = DateRule.objects.get(rule_id="R-HOSE")
    assert client.get(reverse("admin:equipment_daterule_changelist")).status_code == 200
    page = client.get(reverse("admin:equipment_daterule_change", args=[hose.pk])).content.decode()
    assert "DATE_RULE_RUBBER_HOSE_MONTHS" in page
    assert client.get(reverse("admin:equipment_daterule_history", args=[hose.pk])).status_code == 200
    assert client.get(reverse("admin:equipment_daterule_add")).status_code == 403
    assert client.get(reverse("admin:equipment_daterule_delete", args=[hose.pk])).status_code == 403


def test_admin__rule_save_goes_through_the_service(world, district_admin):
    eq = extinguisher(world, scrap_in_days=45)  # outside the 30-day window: no warning yet
    assert not open_warnings(eq).exists()
    rule = DateRule.objects.get(rule_id="R-EXT-SCRAP")
    client = logged_in(district_admin)

    response = client.post(reverse("admin:equipment_daterule_change", args=[rule.pk]), rule_form(rule, warn_days=60))

    assert response.status_code == 302, response.content.decode()[:3000]
    rule.refresh_from_db()
    assert rule.warn_days == 60
    record = rule.history.first()
    assert (record.history_user, record.history_change_reason) == (district_admin, "update")
    assert open_warnings(eq).get().due_date == add_years(eq.production_date, 10)  # re-evaluated at once
    assert LogEntry.objects.filter(object_id=str(rule.pk)).exists()


def test_admin__rule_form_refuses_bad_values_and_saves_nothing(world, district_admin):
    rule = DateRule.objects.get(rule_id="R-EXT-SCRAP")
    client = logged_in(district_admin)
    url = reverse("admin:equipment_daterule_change", args=[rule.pk])
    records = rule.history.count()
    too_many = client.post(url, rule_form(rule, warn_days=400))
    assert too_many.status_code == 200 and "Give a number of days from 0 to 365." in too_many.content.decode()
    not_object = client.post(url, rule_form(rule, params="[1, 2]"))
    assert not_object.status_code == 200 and "Give the parameters as a JSON object." in not_object.content.decode()
    rule.refresh_from_db()
    assert rule.warn_days == 30 and rule.history.count() == records


def test_admin__other_staff_cannot_open_the_rules(world):
    staff = user_with_role(Role.STREET_OFFICE, world.d.street_a, is_staff=True)
    client = logged_in(staff)
    assert client.get(reverse("admin:equipment_daterule_changelist")).status_code == 403


def test_admin__equipment_and_warnings_are_view_only_with_history(world, district_admin):
    eq = extinguisher(world, scrap_in_days=20)
    client = logged_in(district_admin)
    for name in ("admin:equipment_equipment_changelist", "admin:equipment_rulewarning_changelist"):
        assert client.get(reverse(name)).status_code == 200
    url = reverse("admin:equipment_equipment_change", args=[eq.pk])
    assert client.get(url).status_code == 200
    assert client.get(reverse("admin:equipment_equipment_history", args=[eq.pk])).status_code == 200
    client.post(url, {"label": "changed"})
    eq.refresh_from_db()
    assert eq.label == "收银台旁"
    assert client.post(reverse("admin:equipment_equipment_delete", args=[eq.pk])).status_code == 403
    warning = RuleWarning.objects.get(equipment=eq)
    assert client.get(reverse("admin:equipment_rulewarning_change", args=[warning.pk])).status_code == 200


def test_admin__superuser_pages_load(world):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client = logged_in(superuser)
    for name in (
        "admin:equipment_daterule_changelist",
        "admin:equipment_equipment_changelist",
        "admin:equipment_rulewarning_changelist",
    ):
        assert client.get(reverse(name)).status_code == 200


def test_rules__district_admin_sees_the_admin_link(world, district_admin):
    html = logged_in(district_admin).get("/equipment/rules/").content.decode()
    assert 'id="rules-admin-link"' in html
