"""inspections.services.inspection_submit: idempotent, located, all or nothing, and feeding the loop."""

from __future__ import annotations

import uuid

import pytest

from venuesafe.core import geo
from venuesafe.core.errors import InvalidInput, NotAllowed, StateConflict
from venuesafe.core.positions import Position, parse_position
from venuesafe.hazards.models import EventKind, Hazard, HazardEvent, HazardPhoto, HazardState, PhotoKind
from venuesafe.hazards.services import hazard_review_pass
from venuesafe.inspections.models import Inspection, InspectionAnswer, LocationStatus
from venuesafe.inspections.services import AnswerInput
from venuesafe.notices.models import Notice, NoticeKind
from venuesafe.testing.factories import category, hazard_type, make_photo, venue
from venuesafe.venues.models import Venue

from .helpers import answers, submit

S = HazardState
METRES_PER_DEGREE_LAT = 111_195


def _rows():
    """Row counts of everything a submission writes."""
    return {
        model.__name__: model.objects.count()
        for model in (Inspection, InspectionAnswer, Hazard, HazardEvent, HazardPhoto, Notice)
    }


def _north_of(v: Venue, metres: float, accuracy=8.0) -> Position:
    return Position(v.lat + metres / METRES_PER_DEGREE_LAT, v.lng, accuracy)


def _blocked_exit(**kw):
    return {"GEN-01": {"note": "后门堆放纸箱", "photos": [make_photo("exit.jpg")], **kw}}


# --- idempotency -------------------------------------------------------------------------


def test_submit__retry_with_the_same_client_id_returns_the_first_and_writes_nothing(world):
    client_id = uuid.uuid4()
    first = submit(world, client_id=client_id, fails=_blocked_exit(), position=_north_of(world.venue, 10))
    assert first.created is True
    before = _rows()
    assert before["Hazard"] == 1

    # The phone lost the response and sends it again (even with changed content).
    again = submit(world, client_id=str(client_id), fails={})
    assert again.created is False
    assert again.inspection.pk == first.inspection.pk
    assert _rows() == before


def test_submit__client_id_of_another_inspector_is_refused(world):
    client_id = uuid.uuid4()
    submit(world, client_id=client_id)
    before = _rows()
    with pytest.raises(StateConflict) as exc:
        submit(world, client_id=client_id, actor=world.inspector2)
    assert exc.value.code == "client_id_taken"
    assert _rows() == before


def test_submit__client_id_must_be_a_uuid(world):
    with pytest.raises(InvalidInput) as exc:
        submit(world, client_id="12345")
    assert "client_id" in exc.value.fields
    assert Inspection.objects.count() == 0


def test_submit__only_staff_of_the_venue_area_may_inspect(world):
    with pytest.raises(NotAllowed):
        submit(world, actor=world.street_b)
    with pytest.raises(NotAllowed):
        submit(world, actor=world.merchant)
    assert Inspection.objects.count() == 0


# --- where the inspector was -----------------------------------------------------------


@pytest.mark.parametrize(
    ("metres", "status"), [(0, LocationStatus.ON_SITE), (150, LocationStatus.ON_SITE), (300, LocationStatus.OFF_SITE)]
)
def test_submit__on_or_off_site_by_distance(world, metres, status):
    position = _north_of(world.venue, metres)
    inspection = submit(world, position=position).inspection
    assert inspection.location_status == status
    expected = geo.distance_m(position.lat, position.lng, world.venue.lat, world.venue.lng)
    assert inspection.distance_m == pytest.approx(expected, abs=0.1)
    assert inspection.distance_m == pytest.approx(metres, abs=1)
    assert (inspection.lat, inspection.lng, inspection.accuracy_m) == (position.lat, position.lng, 8.0)


def test_submit__off_site_distance_is_a_setting(world, settings):
    settings.INSPECTION_OFFSITE_DISTANCE_M = 500
    assert submit(world, position=_north_of(world.venue, 300)).inspection.location_status == LocationStatus.ON_SITE
    settings.INSPECTION_OFFSITE_DISTANCE_M = 100
    assert submit(world, position=_north_of(world.venue, 150)).inspection.location_status == LocationStatus.OFF_SITE


def test_submit__without_a_position_is_saved_as_no_location(world):
    inspection = submit(world, position=None).inspection
    assert (inspection.location_status, inspection.distance_m, inspection.lat) == (
        LocationStatus.NO_LOCATION,
        None,
        None,
    )


def test_submit__at_a_venue_without_location_is_venue_unlocated(world):
    unlocated = venue(world.d.comm_a1, world.d.grid_a1a, lat=None, lng=None)
    inspection = submit(world, venue=unlocated, position=Position(32.05, 120.85, 5.0)).inspection
    assert (inspection.location_status, inspection.distance_m) == (LocationStatus.VENUE_UNLOCATED, None)


def test_submit__gcj02_position_is_converted_to_wgs84(world):
    # A Chinese map picker or WeChat reports the venue's own spot in GCJ-02, some 500 m off in WGS-84.
    gcj_lat, gcj_lng = geo.from_wgs84(world.venue.lat, world.venue.lng, geo.CoordSystem.GCJ02)
    assert geo.distance_m(gcj_lat, gcj_lng, world.venue.lat, world.venue.lng) > 200

    position = parse_position(str(gcj_lat), str(gcj_lng), "12", "gcj02")
    inspection = submit(world, position=position).inspection
    assert inspection.location_status == LocationStatus.ON_SITE
    assert inspection.distance_m < 1
    assert inspection.lat == pytest.approx(world.venue.lat, abs=1e-5)

    as_if_wgs = parse_position(gcj_lat, gcj_lng, 12, "wgs84")
    assert submit(world, position=as_if_wgs).inspection.location_status == LocationStatus.OFF_SITE


# --- all or nothing ----------------------------------------------------------------------


def test_submit__failed_answer_without_photo_saves_nothing(world):
    before = _rows()
    fails = {**_blocked_exit(), "GEN-03": {"note": "应急灯不亮"}}  # the second finding has no photo
    with pytest.raises(InvalidInput) as exc:
        submit(world, fails=fails, venue_changes={"sign_name": "改过的店名"}, position=_north_of(world.venue, 5))
    field = next(iter(exc.value.fields))
    assert field.startswith("answers[") and field.endswith("].photos"), exc.value.fields
    assert _rows() == before  # no inspection, no hazard for the first finding, no photo rows
    world.venue.refresh_from_db()
    assert world.venue.sign_name != "改过的店名"


def test_submit__every_question_must_be_answered(world):
    partial = answers(world.venue, skip=("GEN-05", "GEN-09"))
    before = _rows()
    with pytest.raises(InvalidInput) as exc:
        submit(world, answers=partial)
    assert "answers" in exc.value.fields
    assert any(line.startswith("GEN-05") for line in exc.value.fields["answers"])
    assert _rows() == before


def test_submit__hazard_must_be_one_listed_for_the_question(world):
    fails = {"GEN-01": {"photos": [make_photo()], "hazard_type": hazard_type("ELE-01")}}
    with pytest.raises(InvalidInput) as exc:
        submit(world, fails=fails)
    assert any(name.endswith(".hazard_type") for name in exc.value.fields)
    assert Inspection.objects.count() == 0


# --- what the findings become ---------------------------------------------------------


def test_submit__finding_becomes_a_hazard_dispatched_to_the_venue_merchant(world):
    position = _north_of(world.venue, 20)
    result = submit(world, fails=_blocked_exit(), position=position)
    hazard = Hazard.objects.get()
    assert (hazard.state, hazard.responsible_merchant) == (S.DISPATCHED, True)
    assert (hazard.inspection, hazard.found_by, hazard.found_at) == (
        result.inspection,
        world.inspector,
        result.inspection.ended_at,
    )
    assert (hazard.found_lat, hazard.hazard_type.code, hazard.description) == (position.lat, "EVA-01", "后门堆放纸箱")
    assert list(hazard.events.values_list("kind", flat=True)) == [EventKind.FOUND, EventKind.DISPATCHED]
    assert hazard.events.get(kind=EventKind.DISPATCHED).data["automatic"] is True
    assert hazard.photos.get().kind == PhotoKind.EVIDENCE
    assert Notice.objects.filter(recipient=world.merchant, hazard=hazard, kind=NoticeKind.DISPATCHED).exists()
    answer = result.inspection.answers.get(hazard__isnull=False)
    assert answer.hazard == hazard


def test_submit__hazard_stays_found_when_the_venue_has_no_merchant(world):
    no_merchant = venue(world.d.comm_a1, world.d.grid_a1a)
    submit(world, venue=no_merchant, fails=_blocked_exit())
    hazard = Hazard.objects.get()
    assert (hazard.state, hazard.responsible_merchant) == (S.FOUND, False)
    assert not hazard.events.filter(kind=EventKind.DISPATCHED).exists()


def test_submit__no_automatic_dispatch_when_switched_off(world, settings):
    settings.HAZARD_AUTO_DISPATCH_TO_MERCHANT = False
    submit(world, fails=_blocked_exit())
    assert Hazard.objects.get().state == S.FOUND


def test_submit__fixed_on_the_spot_goes_straight_to_review_with_its_proof(world):
    fails = {"GEN-04": {"fixed_on_spot": True, "proof_photos": [make_photo("moved.jpg")], "note": "灭火器已移至门口"}}
    submit(world, fails=fails)
    hazard = Hazard.objects.get()
    assert (hazard.state, hazard.fixed_on_spot, hazard.responsible_merchant) == (S.AWAITING_REVIEW, True, False)
    assert hazard.proof_submitted_at is not None
    assert list(hazard.photos.values_list("kind", flat=True)) == [PhotoKind.PROOF]
    assert hazard.events.get().kind == EventKind.FIXED_ON_SPOT


def test_submit__fixed_on_the_spot_without_proof_photo_is_refused(world):
    with pytest.raises(InvalidInput) as exc:
        submit(world, fails={"GEN-04": {"fixed_on_spot": True}})
    assert any(name.endswith("proof_photos") for name in exc.value.fields)
    assert _rows()["Inspection"] == 0


def test_submit__inspector_may_not_review_own_on_the_spot_fix(world):
    submit(world, fails={"GEN-04": {"fixed_on_spot": True, "proof_photos": [make_photo()]}})
    hazard = Hazard.objects.get()
    with pytest.raises(NotAllowed) as exc:
        hazard_review_pass(hazard=hazard, actor=world.inspector)
    assert exc.value.code == "own_proof"
    hazard_review_pass(hazard=hazard, actor=world.inspector2)
    assert Hazard.objects.get().state == S.CLOSED


def test_submit__on_the_spot_fix_by_the_venue_inspector_tells_another_reviewer(world):
    submit(world, fails={"GEN-04": {"fixed_on_spot": True, "proof_photos": [make_photo()]}})
    assert Notice.objects.filter(kind=NoticeKind.REVIEW_DUE).exclude(recipient=world.inspector).exists()


def test_submit__on_the_spot_fix_by_another_inspector_tells_the_venue_inspector(world):
    submit(world, actor=world.inspector2, fails={"GEN-04": {"fixed_on_spot": True, "proof_photos": [make_photo()]}})
    assert set(Notice.objects.filter(kind=NoticeKind.REVIEW_DUE).values_list("recipient", flat=True)) == {
        world.inspector.pk
    }


def test_submit__finding_again_an_open_hazard_adds_to_it(world):
    existing = world.hazard_in(S.RECTIFYING)  # EVA-01, open
    version = existing.version
    result = submit(world, fails=_blocked_exit(note="还是堵着"))
    assert Hazard.objects.count() == 1
    existing.refresh_from_db()
    assert (existing.state, existing.version) == (S.RECTIFYING, version + 1)
    event = existing.events.order_by("-id").first()
    assert (event.kind, event.note, event.data["inspection"]) == (
        EventKind.RECORDED_AGAIN,
        "还是堵着",
        result.inspection.pk,
    )
    assert event.photos.get().kind == PhotoKind.EVIDENCE
    assert result.inspection.answers.get(hazard__isnull=False).hazard == existing


def test_submit__finding_outside_the_checklist(world):
    extra = answers(world.venue)
    extra.append(
        AnswerInput(checklist_item=None, result="fail", hazard_type=hazard_type("OTH-01"), photos=[make_photo()])
    )
    result = submit(world, answers=extra)
    hazard = Hazard.objects.get()
    assert (hazard.hazard_type.code, hazard.inspection) == ("OTH-01", result.inspection)
    assert result.inspection.answers.filter(checklist_item__isnull=True).get().hazard == hazard


# --- archive corrections ----------------------------------------------------------------


def test_submit__archive_correction_is_kept_in_the_venue_history(world):
    result = submit(
        world,
        venue_changes={"sign_name": "仁和便利店（新）", "category": category("SHOP_MARKET")},
        position=_north_of(world.venue, 5),
    )
    world.venue.refresh_from_db()
    assert (world.venue.sign_name, world.venue.category.code) == ("仁和便利店（新）", "SHOP_MARKET")
    latest = world.venue.history.order_by("-history_date", "-history_id").first()
    assert (latest.history_change_reason, latest.history_user, latest.sign_name) == (
        "inspection",
        world.inspector,
        "仁和便利店（新）",
    )
    assert result.inspection.corrected_fields == ["category", "sign_name"]
    assert result.inspection.category.code == "SHOP_MARKET"


def test_submit__relocating_the_venue_moves_it_to_the_phone_position(world):
    position = _north_of(world.venue, 350, accuracy=6.0)
    result = submit(world, position=position, relocate_venue=True)
    world.venue.refresh_from_db()
    assert world.venue.lat == pytest.approx(position.lat, abs=1e-7)
    assert world.venue.lng == pytest.approx(position.lng, abs=1e-7)
    assert world.venue.location_accuracy_m == 6.0
    assert result.inspection.location_status == LocationStatus.ON_SITE
    assert world.venue.history.order_by("-history_date", "-history_id").first().history_change_reason == "inspection"


def test_submit__only_the_five_elements_may_be_corrected(world):
    with pytest.raises(InvalidInput) as exc:
        submit(world, venue_changes={"operator_mobile": "13900000000"})
    assert "venue.operator_mobile" in exc.value.fields
    assert Inspection.objects.count() == 0


def test_submit__invalid_correction_reports_the_venue_field_and_saves_nothing(world):
    before = _rows()
    with pytest.raises(InvalidInput) as exc:
        submit(world, venue_changes={"sign_name": ""}, fails=_blocked_exit())
    assert "venue.sign_name" in exc.value.fields
    assert _rows() == before
