import datetime as dt
import re

import pytest

from venuesafe.equipment.models import Equipment, RuleHazardLink, RuleWarning
from venuesafe.equipment.services import equipment_add
from venuesafe.hazards.models import OPEN_STATES

from .helpers import edit_data, extinguisher, extinguisher_fields, logged_in, open_warnings, today

pytestmark = pytest.mark.django_db


def register(client, venue, **params):
    response = client.get(f"/equipment/venues/{venue.pk}/", params)
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, element_id: str) -> str:
    """The HTML from the element with this id to the end of its section (good enough for asserts)."""
    start = html.index(f'id="{element_id}"')
    end = html.find("</section>", start)
    return html[start:end]


def warning_rows(html: str) -> list[tuple[str, str, str]]:
    if 'id="equipment-warnings"' not in html:
        return []
    block = section(html, "equipment-warnings")
    return re.findall(r'data-rule="([^"]+)" data-equipment-id="(\d+)" data-days="(-?\d+)"', block)


def post_add(client, venue, **fields):
    data = {"quantity": 1, **{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in fields.items()}}
    return client.post(f"/equipment/venues/{venue.pk}/add/", data)


# --- the merchant's journey -----------------------------------------------------------------


def test_add__merchant_adds_extinguisher_expiring_in_20_days__warning_on_register_and_self_check(world):
    client = logged_in(world.merchant)
    response = post_add(client, world.venue, kind="extinguisher", **extinguisher_fields(20))
    eq = Equipment.objects.get(venue=world.venue)
    assert response.status_code == 302
    assert response["Location"] == f"/equipment/venues/{world.venue.pk}/#equipment-{eq.pk}"
    assert eq.history.get().history_user == world.merchant

    html = register(client, world.venue)
    assert warning_rows(html) == [("R-EXT-SCRAP", str(eq.pk), "20")]
    assert "due in 20 days" in section(html, "equipment-warnings")
    assert "Replace it with one of the same type" in section(html, "equipment-warnings")
    assert f'data-equipment-id="{eq.pk}" data-kind="extinguisher"' in section(html, "equipment-list")

    home = client.get("/selfchecks/").content.decode()
    assert re.search(rf'data-rule="R-EXT-SCRAP" data-equipment-id="{eq.pk}" data-days="20"', home)
    assert f'href="/equipment/venues/{world.venue.pk}/"' in home
    today_page = client.get(f"/selfchecks/{world.venue.pk}/today/").content.decode()
    assert 'id="selfcheck-equipment-warnings"' in today_page
    assert 'data-rule="R-EXT-SCRAP"' in today_page


def test_edit__new_production_date_after_replacement_closes_the_warning_and_is_kept_in_history(world):
    eq = extinguisher(world, scrap_in_days=20)
    client = logged_in(world.merchant)
    new_date = today() - dt.timedelta(days=3)
    form_page = client.get(f"/equipment/{eq.pk}/edit/").content.decode()
    assert f'id="equipment-edit-form-{eq.pk}"' in form_page and 'id="equipment-save"' in form_page
    assert 'id="equipment-replace-hint"' in form_page

    response = client.post(f"/equipment/{eq.pk}/edit/", edit_data(eq, production_date=new_date))

    assert response.status_code == 302
    eq.refresh_from_db()
    assert eq.production_date == new_date
    assert not open_warnings(eq).exists()
    assert RuleWarning.objects.get(equipment=eq).resolution == "fixed"
    html = register(client, world.venue)
    assert warning_rows(html) == []
    history = section(html, f"equipment-history-{eq.pk}")
    assert history.count('class="history-entry"') == 2
    change = re.search(r'data-field="production_date">([^<]*)<del>([^<]*)</del> → <ins>([^<]*)</ins>', history)
    assert change and change[2] == extinguisher_fields(20)["production_date"].isoformat()
    assert change[3] == new_date.isoformat()
    assert world.merchant.display_name in history


def test_edit__nothing_changed_writes_no_history_row(world):
    eq = extinguisher(world, scrap_in_days=100)
    response = logged_in(world.merchant).post(f"/equipment/{eq.pk}/edit/", edit_data(eq))
    assert response.status_code == 302
    assert eq.history.count() == 1


def test_add__date_in_the_future_is_an_error_next_to_the_field_and_saves_nothing(world):
    client = logged_in(world.merchant)
    fields = {**extinguisher_fields(20), "production_date": today() + dt.timedelta(days=1)}
    response = post_add(client, world.venue, kind="extinguisher", **fields)
    assert response.status_code == 400
    html = response.content.decode()
    errors = re.search(r'id="errors-production_date"><li>([^<]+)</li>', html)
    assert errors and errors[1] == "This date is in the future."
    assert 'id="equipment-add-error-summary"' in html
    assert not Equipment.objects.exists()
    # The form comes back with the chosen kind's fields shown and what was typed kept.
    assert re.search(r'<div class="kind-field" data-kinds="extinguisher">\s*<div class="field has-error"', html)
    assert 'value="收银台旁"' in html


def test_edit__date_in_the_future_is_an_error_next_to_the_field_and_changes_nothing(world):
    eq = extinguisher(world, scrap_in_days=20)
    before = eq.production_date
    response = logged_in(world.merchant).post(
        f"/equipment/{eq.pk}/edit/", edit_data(eq, production_date=today() + dt.timedelta(days=5))
    )
    assert response.status_code == 400
    assert 'id="errors-production_date"' in response.content.decode()
    eq.refresh_from_db()
    assert eq.production_date == before and eq.history.count() == 1
    assert open_warnings(eq).count() == 1


def test_add__form_shows_only_the_chosen_kinds_fields(world):
    html = register(logged_in(world.merchant), world.venue, kind="lpg_cylinder")
    form = html[html.index('id="equipment-add-form"') :]
    shown = set(
        re.findall(r'<div class="kind-field" data-kinds="[^"]*">\s*<div class="field[^"]*" id="field-(\w+)"', form)
    )
    assert shown == {"cylinder_code", "next_inspection_date"}
    assert 'id="id_kind"' in form
    assert re.search(r'<option value="lpg_cylinder" selected>', form)


def test_add__other_kinds_fields_sent_along_are_ignored(world):
    response = post_add(
        logged_in(world.merchant),
        world.venue,
        kind="lpg_cylinder",
        cylinder_code="LPG-0042",
        next_inspection_date=today() + dt.timedelta(days=400),
        production_date="2019-01-01",  # a hidden extinguisher field
    )
    assert response.status_code == 302
    eq = Equipment.objects.get()
    assert (eq.kind, eq.cylinder_code, eq.production_date) == ("lpg_cylinder", "LPG-0042", None)


def test_register__due_date_reached_shows_the_rule_hazard_with_its_link(world):
    eq = extinguisher(world, scrap_in_days=0)
    link = RuleHazardLink.objects.get(equipment=eq)
    assert link.hazard.state in OPEN_STATES
    html = register(logged_in(world.merchant), world.venue)
    hazards = section(html, "equipment-hazards")
    assert f'data-hazard-id="{link.hazard_id}" data-rule="R-EXT-SCRAP" data-equipment-id="{eq.pk}"' in hazards
    assert f'href="/hazards/{link.hazard_id}/"' in hazards


def test_checked_today__records_the_monthly_check(world):
    eq = extinguisher(world, scrap_in_days=100)
    Equipment.objects.filter(pk=eq.pk).update(last_monthly_check=today() - dt.timedelta(days=25))
    response = logged_in(world.merchant).post(f"/equipment/{eq.pk}/checked-today/")
    assert response.status_code == 302
    eq.refresh_from_db()
    assert eq.last_monthly_check == today()
    assert eq.history.first().history_user == world.merchant


def test_retire__with_a_reason_closes_warnings_and_keeps_the_piece_in_history(world):
    eq = extinguisher(world, scrap_in_days=20)
    client = logged_in(world.merchant)
    assert client.post(f"/equipment/{eq.pk}/retire/", {"reason": ""}).status_code == 302
    eq.refresh_from_db()
    assert eq.is_active  # no reason, not retired

    response = client.post(f"/equipment/{eq.pk}/retire/", {"reason": "换新"})
    assert response.status_code == 302
    eq.refresh_from_db()
    assert not eq.is_active and eq.note == "换新"
    assert RuleWarning.objects.get(equipment=eq).resolution == "retired"
    assert f'data-equipment-id="{eq.pk}"' not in register(client, world.venue)
    with_retired = register(client, world.venue, retired="1")
    assert f'data-equipment-id="{eq.pk}" data-kind="extinguisher" data-active="0"' in with_retired
    assert 'data-action="retired"' in section(with_retired, f"equipment-history-{eq.pk}")
    assert client.get(f"/equipment/{eq.pk}/edit/").status_code == 302  # retired: nothing to edit


# --- who may see and keep the register -------------------------------------------------------


def test_register__merchant_of_another_venue_gets_404_everywhere(world):
    eq = extinguisher(world, scrap_in_days=20)
    client = logged_in(world.other_merchant)
    assert client.get(f"/equipment/venues/{world.venue.pk}/").status_code == 404
    assert post_add(client, world.venue, kind="gas_stove", purchase_date="2020-01-01").status_code == 404
    assert client.get(f"/equipment/{eq.pk}/edit/").status_code == 404
    assert client.post(f"/equipment/{eq.pk}/edit/", edit_data(eq, label="x")).status_code == 404
    assert client.post(f"/equipment/{eq.pk}/retire/", {"reason": "x"}).status_code == 404
    eq.refresh_from_db()
    assert eq.is_active and eq.label == "收银台旁"


def test_register__grid_worker_in_scope_keeps_it(world):
    eq = extinguisher(world, scrap_in_days=20)
    client = logged_in(world.grid_worker)
    html = register(client, world.venue)
    assert 'id="equipment-add-form"' in html and f'id="equipment-retire-{eq.pk}"' in html
    response = client.post(f"/equipment/{eq.pk}/edit/", edit_data(eq, production_date=today()))
    assert response.status_code == 302
    eq.refresh_from_db()
    assert eq.production_date == today()
    assert eq.history.first().history_user == world.grid_worker
    assert post_add(client, world.venue, kind="gas_stove", purchase_date="2020-01-01").status_code == 302


def test_register__department_viewer_reads_but_cannot_change(world):
    eq = extinguisher(world, scrap_in_days=20)
    client = logged_in(world.fire_viewer)
    html = register(client, world.venue)
    assert warning_rows(html) == [("R-EXT-SCRAP", str(eq.pk), "20")]
    assert 'id="equipment-add-form"' not in html
    assert f'id="equipment-edit-{eq.pk}"' not in html and f'id="equipment-retire-{eq.pk}"' not in html
    assert post_add(client, world.venue, kind="gas_stove", purchase_date="2020-01-01").status_code == 403
    assert client.get(f"/equipment/{eq.pk}/edit/").status_code == 403
    assert client.post(f"/equipment/{eq.pk}/edit/", edit_data(eq, label="x")).status_code == 403
    assert client.post(f"/equipment/{eq.pk}/retire/", {"reason": "x"}).status_code == 403
    assert client.post(f"/equipment/{eq.pk}/checked-today/").status_code == 403
    assert Equipment.objects.count() == 1 and eq.history.count() == 1


def test_register__staff_outside_the_street_gets_404(world):
    assert logged_in(world.street_b).get(f"/equipment/venues/{world.venue.pk}/").status_code == 404


def test_venue_detail__links_to_the_register(world):
    html = logged_in(world.grid_worker).get(f"/venues/{world.venue.pk}/").content.decode()
    assert 'id="venue-equipment-link"' in html
    assert f'href="/equipment/venues/{world.venue.pk}/"' in html


def test_register__queries_do_not_grow_with_the_pieces(world, django_assert_max_num_queries):
    for days in (20, 25, 200, 300):
        extinguisher(world, scrap_in_days=days)
    equipment_add(
        venue=world.venue, actor=world.merchant, kind="gas_hose", hose_material="rubber", install_date=today()
    )
    client = logged_in(world.merchant)
    register(client, world.venue)  # warm the session and the scope
    with django_assert_max_num_queries(20):
        html = register(client, world.venue)
    assert len(warning_rows(html)) == 2
    assert html.count('class="history-entry"') == 5
    assert RuleWarning.objects.filter(resolved_at__isnull=True).count() == 2
