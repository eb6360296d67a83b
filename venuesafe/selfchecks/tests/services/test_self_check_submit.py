"""self_check_submit: one punch-in per venue and Shanghai day (amendments are new revisions),
idempotent retries, refusals that save nothing, and the self-reported hazards a "no" starts."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from venuesafe.accounts.models import Role
from venuesafe.core.errors import InvalidInput, NotAllowed, StateConflict
from venuesafe.hazards import services as hazard_services
from venuesafe.hazards.models import EventKind, Hazard, HazardEvent, HazardPhoto, HazardSource, HazardState, PhotoKind
from venuesafe.hazards.selectors import merchant_open_hazards
from venuesafe.hazards.services import default_deadline_hours
from venuesafe.hazards.tests.services.world import T0, hours
from venuesafe.notices.models import Notice, NoticeKind
from venuesafe.selfchecks.models import SelfCheck, SelfCheckAnswer
from venuesafe.selfchecks.selectors import self_check_figures, self_check_revisions, todays_self_check
from venuesafe.selfchecks.services import self_check_submit
from venuesafe.selfchecks.tests.services.support import answers_for, item, punch_in
from venuesafe.testing.factories import make_photo, user_with_role
from venuesafe.venues.models import BusinessStatus, Venue

S = HazardState


def shanghai(year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC) - dt.timedelta(hours=8)


# --- days -------------------------------------------------------------------------------


def test_self_check_submit__2359_and_0001_shanghai_time_are_two_days(world, clock_at):
    clock_at(shanghai(2026, 3, 2, 23, 59))
    late = punch_in(world.venue, world.merchant).self_check
    clock_at(shanghai(2026, 3, 3, 0, 1))
    early = punch_in(world.venue, world.merchant).self_check

    assert (late.day, late.revision) == (dt.date(2026, 3, 2), 1)
    assert (early.day, early.revision) == (dt.date(2026, 3, 3), 1)
    assert SelfCheck.objects.filter(venue=world.venue, revision=2).count() == 0


def test_self_check_submit__16_30_utc_is_the_next_shanghai_day(world, clock_at):
    clock_at(dt.datetime(2026, 3, 2, 16, 30, tzinfo=dt.UTC))
    sc = punch_in(world.venue, world.merchant).self_check
    assert sc.day == dt.date(2026, 3, 3)
    clock_at(dt.datetime(2026, 3, 2, 15, 59, tzinfo=dt.UTC))  # 23:59 on the 2nd in Shanghai
    assert punch_in(world.venue, world.merchant).self_check.day == dt.date(2026, 3, 2)


# --- amendments -------------------------------------------------------------------------


def test_self_check_submit__second_punch_in_the_same_day_is_revision_2_and_both_are_kept(world, clock_at):
    clock_at(T0)
    first = punch_in(world.venue, world.merchant, no=["SC-WI-03"]).self_check
    clock_at(T0 + hours(3))
    second = punch_in(world.venue, world.merchant).self_check

    assert (first.revision, second.revision) == (1, 2)
    assert first.day == second.day == dt.date(2026, 3, 2)
    assert [sc.pk for sc in self_check_revisions(venue=world.venue, day=first.day)] == [first.pk, second.pk]
    assert todays_self_check(venue=world.venue).pk == second.pk
    # The first version is kept as it was: its "no" and its hazard.
    assert first.answers.get(item__code="SC-WI-03").ok is False
    assert second.answers.get(item__code="SC-WI-03").ok is True
    assert (first.failed_count, second.failed_count) == (1, 0)
    assert first.answers.count() == second.answers.count()

    figures = self_check_figures(user=world.street, day=first.day)
    assert (figures.total.expected, figures.total.punched) == (2, 1)
    assert next(d for d in figures.daily if d["day"] == first.day)["punched"] == 1


# --- idempotency ------------------------------------------------------------------------


def test_self_check_submit__retry_with_the_same_client_id_returns_the_first_punch_in(world, clock_at):
    clock_at(T0)
    client_id = uuid.uuid4()
    first = punch_in(world.venue, world.merchant, client_id=client_id, no=["SC-WI-03"])
    counts = (SelfCheck.objects.count(), SelfCheckAnswer.objects.count(), Hazard.objects.count())
    clock_at(T0 + hours(1))
    again = punch_in(world.venue, world.merchant, client_id=str(client_id), no=["SC-WI-03"])

    assert first.created and not again.created
    assert again.self_check.pk == first.self_check.pk and again.self_check.revision == 1
    assert (SelfCheck.objects.count(), SelfCheckAnswer.objects.count(), Hazard.objects.count()) == counts


def test_self_check_submit__another_merchant_reusing_the_client_id_is_refused(world, clock_at):
    clock_at(T0)
    client_id = uuid.uuid4()
    punch_in(world.venue, world.merchant, client_id=client_id)
    with pytest.raises(StateConflict) as exc:
        punch_in(world.other_venue, world.other_merchant, client_id=client_id)
    assert exc.value.code == "client_id_taken"
    assert not SelfCheck.objects.filter(venue=world.other_venue).exists()


# --- refusals ---------------------------------------------------------------------------


def _rows() -> dict:
    return {
        "self_checks": SelfCheck.objects.count(),
        "answers": SelfCheckAnswer.objects.count(),
        "hazards": Hazard.objects.count(),
        "events": HazardEvent.objects.count(),
        "photos": HazardPhoto.objects.count(),
        "notices": Notice.objects.count(),
    }


def _files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def unchanged(world, clock_at, settings):
    """Asserts, after the test's refusal, that no row and no file was written."""
    clock_at(T0)
    rows, files = _rows(), _files(settings)
    yield
    assert _rows() == rows
    assert _files(settings) == files


def _submit(world, answers, *, actor=None, venue=None, **kwargs):
    return self_check_submit(
        actor=actor or world.merchant, venue=venue or world.venue, client_id=uuid.uuid4(), answers=answers, **kwargs
    )


def _with(answers, code: str, **changes):
    target = next(a for a in answers if a.item == item(code).pk)
    for name, value in changes.items():
        setattr(target, name, value)
    return answers


def test_self_check_submit__venue_not_held_is_refused(world, unchanged):
    with pytest.raises(NotAllowed) as exc:
        _submit(world, answers_for(world.venue, no=["SC-WI-03"]), actor=world.other_merchant)
    assert exc.value.code == "not_venue_merchant"
    # Staff of the area do not punch in for the merchant either.
    with pytest.raises(NotAllowed):
        _submit(world, answers_for(world.venue), actor=world.grid_worker)


def test_self_check_submit__deregistered_venue_is_refused(world, unchanged):
    Venue.objects.filter(pk=world.venue.pk).update(business_status=BusinessStatus.CLOSED)
    world.venue.refresh_from_db()
    with pytest.raises(StateConflict) as exc:
        _submit(world, answers_for(world.venue))
    assert exc.value.code == "venue_not_open"


def test_self_check_submit__item_not_on_this_venues_self_check_is_refused(world, unchanged):
    answers = answers_for(world.venue)  # a shop: no gas items
    gas = answers_for(world.venue)[0]
    gas.item = item("SC-GAS-01").pk
    with pytest.raises(InvalidInput) as exc:
        _submit(world, [*answers, gas])
    assert f"answers[{len(answers)}].item" in exc.value.fields


def test_self_check_submit__a_missing_answer_is_refused(world, unchanged):
    answers = [a for a in answers_for(world.venue, no=["SC-WI-03"]) if a.item != item("SC-PA-02").pk]
    with pytest.raises(InvalidInput) as exc:
        _submit(world, answers)
    assert "answers" in exc.value.fields
    assert item("SC-PA-02").label in exc.value.fields["answers"]


def test_self_check_submit__a_missing_required_photo_is_refused(world, unchanged):
    answers = _with(answers_for(world.venue, no=["SC-WI-03"]), "SC-EQ-01", photo=None)
    index = next(i for i, a in enumerate(answers) if a.item == item("SC-EQ-01").pk)
    with pytest.raises(InvalidInput) as exc:
        _submit(world, answers)
    assert f"answers[{index}].photo" in exc.value.fields


def test_self_check_submit__a_photo_that_is_not_an_image_is_refused(world, unchanged):
    fake = SimpleUploadedFile("extinguisher.jpg", b"not an image", content_type="image/jpeg")
    answers = _with(answers_for(world.venue, no=["SC-WI-03"]), "SC-EQ-01", photo=fake)
    index = next(i for i, a in enumerate(answers) if a.item == item("SC-EQ-01").pk)
    with pytest.raises(InvalidInput) as exc:
        _submit(world, answers)
    assert f"answers[{index}].photo" in exc.value.fields


def test_self_check_submit__a_proof_that_is_not_an_image_is_refused(world, unchanged):
    fake = SimpleUploadedFile("after.jpg", b"not an image", content_type="image/jpeg")
    answers = _with(answers_for(world.venue, fix_now=["SC-PA-01"]), "SC-PA-01", proof_photo=fake)
    with pytest.raises(InvalidInput) as exc:
        _submit(world, answers)
    assert any(key.endswith(".proof_photo") for key in exc.value.fields)


def test_self_check_submit__fix_now_without_a_proof_photo_is_refused(world, unchanged):
    answers = _with(answers_for(world.venue, fix_now=["SC-WI-03"]), "SC-WI-03", proof_photo=None)
    index = next(i for i, a in enumerate(answers) if a.item == item("SC-WI-03").pk)
    with pytest.raises(InvalidInput) as exc:
        _submit(world, answers)
    assert f"answers[{index}].proof_photo" in exc.value.fields


@pytest.mark.parametrize("offset", [1, -1])
def test_self_check_submit__a_day_other_than_today_is_refused(world, unchanged, offset):
    with pytest.raises(InvalidInput) as exc:
        _submit(world, answers_for(world.venue, no=["SC-WI-03"]), day=dt.date(2026, 3, 2) + dt.timedelta(days=offset))
    assert "day" in exc.value.fields


def test_self_check_submit__a_client_id_that_is_not_a_uuid_is_refused(world, unchanged):
    with pytest.raises(InvalidInput) as exc:
        self_check_submit(actor=world.merchant, venue=world.venue, client_id="42", answers=answers_for(world.venue))
    assert "client_id" in exc.value.fields


def test_self_check_submit__today_given_explicitly_is_accepted(world, clock_at):
    clock_at(T0)
    result = punch_in(world.venue, world.merchant, day=dt.date(2026, 3, 2))
    assert result.created and result.self_check.day == dt.date(2026, 3, 2)


# --- self-reported hazards --------------------------------------------------------------


def test_self_check_submit__a_no_is_a_self_check_hazard_dispatched_to_the_merchant(world, clock_at):
    clock_at(T0)
    sc = punch_in(world.venue, world.merchant, no=["SC-WI-03", "SC-EQ-01"]).self_check

    assert sc.failed_count == 2
    for code in ("SC-WI-03", "SC-EQ-01"):
        answer = sc.answers.get(item__code=code)
        hazard = answer.hazard
        htype = item(code).hazard_type
        assert hazard is not None and hazard.hazard_type == htype
        assert hazard.source == HazardSource.SELF_CHECK and hazard.found_by == world.merchant
        assert hazard.state == S.DISPATCHED and hazard.responsible_merchant
        assert hazard.deadline == T0 + hours(default_deadline_hours(htype, htype.default_severity))
        kinds = list(hazard.events.order_by("id").values_list("kind", flat=True))
        assert kinds == [EventKind.FOUND, EventKind.DISPATCHED]
        assert hazard.events.get(kind=EventKind.DISPATCHED).data["automatic"] is True
        assert "acknowledge" in hazard_services.allowed_actions(hazard, world.merchant)
    # The item that asks for a photo hands it to the work order as evidence.
    extinguisher = sc.answers.get(item__code="SC-EQ-01").hazard
    assert extinguisher.photos.filter(kind=PhotoKind.EVIDENCE).count() == 1
    assert {h.pk for h in merchant_open_hazards(user=world.merchant)} == {
        a.hazard_id for a in sc.answers.filter(ok=False)
    }
    assert Notice.objects.filter(recipient=world.merchant, kind=NoticeKind.DISPATCHED).count() == 2
    assert not sc.answers.filter(ok=True, hazard__isnull=False).exists()


def test_self_check_submit__a_no_on_a_hazard_already_open_adds_to_that_work_order(world, clock_at):
    clock_at(T0)
    open_order = world.hazard_in(S.DISPATCHED, code="EBK-01")
    clock_at(T0 + hours(2))
    sc = punch_in(world.venue, world.merchant, no=["SC-WI-03"]).self_check  # SC-WI-03 raises EBK-01

    assert sc.answers.get(item__code="SC-WI-03").hazard_id == open_order.pk
    assert Hazard.objects.filter(venue=world.venue).count() == 1
    assert open_order.events.filter(kind=EventKind.RECORDED_AGAIN, actor=world.merchant).count() == 1


def test_self_check_submit__fixed_at_once_waits_for_a_light_review_the_grid_worker_may_give(world, clock_at):
    clock_at(T0)
    sc = punch_in(world.venue, world.merchant, fix_now=["SC-PA-01"]).self_check
    answer = sc.answers.get(item__code="SC-PA-01")
    hazard = answer.hazard
    assert answer.fixed_at_once and not answer.ok
    assert hazard.state == S.AWAITING_REVIEW and hazard.fixed_on_spot
    assert hazard.source == HazardSource.SELF_CHECK
    assert hazard.photos.filter(kind=PhotoKind.PROOF).count() == 1
    assert hazard.photos.filter(kind=PhotoKind.EVIDENCE).count() == 1

    # The merchant cannot pass its own fix, nor can a grid worker of another grid.
    with pytest.raises(NotAllowed):
        hazard_services.hazard_review_pass(hazard=hazard, actor=world.merchant)
    neighbour = user_with_role(Role.GRID_WORKER, world.d.grid_a1b)
    with pytest.raises(NotAllowed):
        hazard_services.hazard_review_pass(hazard=hazard, actor=neighbour)
    assert "review_pass" not in hazard_services.allowed_actions(hazard, world.merchant)
    assert Hazard.objects.get(pk=hazard.pk).state == S.AWAITING_REVIEW

    assert "review_pass" in hazard_services.allowed_actions(hazard, world.grid_worker)
    clock_at(T0 + hours(4))
    closed = hazard_services.hazard_review_pass(hazard=hazard, actor=world.grid_worker, note="通道已清")
    assert closed.state == S.CLOSED and closed.closed_at == T0 + hours(4)
    assert self_check_figures(user=world.street, day=sc.day).hazards_self_fixed == 1


def test_self_check_submit__the_grid_worker_may_not_review_an_inspector_found_hazard(world, clock_at):
    clock_at(T0)
    hazard = world.hazard_in(S.AWAITING_REVIEW)  # found by the inspector, proof by the merchant
    assert "review_pass" not in hazard_services.allowed_actions(hazard, world.grid_worker)
    with pytest.raises(NotAllowed) as exc:
        hazard_services.hazard_review_pass(hazard=hazard, actor=world.grid_worker)
    assert exc.value.code == "not_allowed_for_hazard"
    assert Hazard.objects.get(pk=hazard.pk).state == S.AWAITING_REVIEW


def test_self_check_submit__a_photo_on_a_yes_is_kept_on_the_answer(world, clock_at):
    clock_at(T0)
    answers = _with(answers_for(world.venue), "SC-WI-01", photo=make_photo("wiring.png", "PNG"))
    sc = self_check_submit(actor=world.merchant, venue=world.venue, client_id=uuid.uuid4(), answers=answers).self_check
    stored = sc.answers.get(item__code="SC-WI-01").photo
    assert stored.name.startswith("selfchecks/2026/03/") and stored.name.endswith(".png")
    assert stored.storage.exists(stored.name)
    assert not Hazard.objects.exists()
