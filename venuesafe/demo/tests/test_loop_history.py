"""The demo district's loop history: timelines as the services would have written them, figures
that come out of them, and work waiting for each demo account."""

import datetime as dt
import io
from collections import Counter, defaultdict

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.management import call_command

from venuesafe.accounts.models import Role, User
from venuesafe.hazards import services
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
from venuesafe.hazards.selectors import hazard_list, loop_figures, merchant_open_hazards, reviews_due
from venuesafe.inspections.models import AnswerResult, Inspection, InspectionAnswer
from venuesafe.inspections.selectors import checklist_for_category, venues_due_for_inspection
from venuesafe.venues.models import Venue, VenueMerchant

pytestmark = pytest.mark.django_db

# A Wednesday, 11:00 in Shanghai.
NOW = dt.datetime(2026, 6, 17, 3, 0, tzinfo=dt.UTC)
E = EventKind


@pytest.fixture
def loaded():
    with time_machine.travel(NOW, tick=False):
        out = io.StringIO()
        call_command("load_demo_district", stdout=out)
        yield out.getvalue()


def _rights_ok(event: HazardEvent, hazard: Hazard, actor: User | None, last_proof_actor: int | None) -> bool:
    path = hazard.org_path
    if event.kind == E.ESCALATED:
        return actor is None
    if actor is None:  # only the date rules act without a person: they record and hand over their own hazards
        return hazard.source == HazardSource.DATE_RULE and event.kind in (E.FOUND, E.DISPATCHED)
    roles = services.roles_at(actor, path)
    if event.kind in (E.FOUND, E.FIXED_ON_SPOT, E.RECORDED_AGAIN):
        if hazard.source == HazardSource.SELF_CHECK:  # reported by the venue's merchant
            return services.is_venue_merchant(actor, hazard.venue_id) and actor.pk == hazard.found_by_id
        return bool(roles & services.RECORDERS)
    if event.kind == E.DISPATCHED:
        if event.data["automatic"]:  # handed to the merchant by the inspection itself
            return actor.pk == hazard.found_by_id and VenueMerchant.objects.filter(venue_id=hazard.venue_id).exists()
        return bool(roles & services.DISPATCHERS)
    if event.kind in (E.ACKNOWLEDGED, E.PROOF_SUBMITTED):
        return services.is_responsible(hazard, actor) or bool(roles & services.HELPERS)
    if event.kind in (E.REVIEW_PASSED, E.REVIEW_FAILED):
        light = hazard.source == HazardSource.SELF_CHECK and Role.GRID_WORKER in roles  # a merchant's own fix
        return (light or bool(roles & services.REVIEWERS)) and actor.pk != last_proof_actor
    if event.kind == E.REOPENED:
        return bool(roles & services.REVIEWERS)
    if event.kind in (E.DEADLINE_EXTENDED, E.WITHDRAWN):
        return bool(roles & services.SUPERVISORS)
    return False


def test_loop_history__every_timeline_and_inspection_is_coherent(loaded):
    hazards = {h.pk: h for h in Hazard.objects.select_related("hazard_type", "responsible_community", "venue")}
    assert 1100 <= len(hazards) <= 1500
    users = User.objects.in_bulk()
    events = defaultdict(list)
    for e in HazardEvent.objects.order_by("id"):
        events[e.hazard_id].append(e)
    photos = defaultdict(list)
    for p in HazardPhoto.objects.all():
        photos[p.event_id].append(p)

    for h in hazards.values():
        timeline = events[h.pk]
        assert timeline, h.pk
        assert [e.at for e in timeline] == sorted(e.at for e in timeline), h.pk  # ids in time order
        first = timeline[0]
        assert first.kind in (E.FOUND, E.FIXED_ON_SPOT) and first.at == h.found_at and first.from_state == ""
        assert h.found_at <= timeline[-1].at <= NOW
        state, last_proof_actor = "", None
        for e in timeline:
            assert e.from_state == state, (h.pk, e.kind)
            actor = users.get(e.actor_id)
            assert _rights_ok(e, h, actor, last_proof_actor), (h.pk, e.kind, actor)
            if e.kind in (E.PROOF_SUBMITTED, E.FIXED_ON_SPOT):
                last_proof_actor = e.actor_id
                assert any(p.kind == PhotoKind.PROOF for p in photos[e.pk]), (h.pk, e.kind)
            if e.kind in (E.FOUND, E.FIXED_ON_SPOT) and h.source == HazardSource.DATE_RULE:
                assert e.data["evidence"]["rule"] and e.data["evidence"]["due_date"], h.pk  # the rule's dates
            elif e.kind in (E.FOUND, E.FIXED_ON_SPOT):
                assert any(p.kind == PhotoKind.EVIDENCE for p in photos[e.pk]), (h.pk, e.kind)
            if e.kind not in (E.RECORDED_AGAIN, E.ESCALATED, E.DEADLINE_EXTENDED):
                assert e.to_state != state or e.kind == E.DISPATCHED, (h.pk, e.kind)
            else:
                assert e.to_state == state, (h.pk, e.kind)
            state = e.to_state
        assert h.state == timeline[-1].to_state
        assert h.version == len(timeline)
        assert h.review_failures == sum(e.kind == E.REVIEW_FAILED for e in timeline)
        assert h.reopen_count == sum(e.kind == E.REOPENED for e in timeline)
        assert h.escalation_level == max([0] + [e.data["level"] for e in timeline if e.kind == E.ESCALATED])
        dispatches = [e for e in timeline if e.kind == E.DISPATCHED]
        if dispatches:
            assert h.dispatched_at == dispatches[-1].at
            assert h.responsible_merchant or h.responsible_community_id
        if h.state == HazardState.CLOSED:
            passed = [e for e in timeline if e.kind == E.REVIEW_PASSED]
            assert passed and passed[-1].at == h.closed_at == timeline[-1].at
            assert h.found_at <= h.closed_at
        else:
            assert h.closed_at is None

    images = set(HazardPhoto.objects.values_list("image", flat=True))
    assert images and all(default_storage.exists(name) for name in images)
    assert HazardPhoto.objects.count() >= len(hazards)

    # The periodic command, run now, finds every escalation already made.
    assert services.run_hazard_timers(now=NOW).escalations == 0

    # Inspections: every venue several times, the whole checklist answered, a hazard per "no".
    venues = list(Venue.objects.select_related("category"))
    counts = Counter(Inspection.objects.values_list("venue_id", flat=True))
    assert all(counts[v.pk] >= 3 for v in venues if v.business_status == "open")
    checklist = {}
    for insp in Inspection.objects.select_related("venue__category").order_by("?")[:60]:
        cat = insp.venue.category
        checklist.setdefault(cat.pk, {i.pk for i in checklist_for_category(cat)})
        answers = list(insp.answers.all())
        assert {a.checklist_item_id for a in answers} == checklist[cat.pk]
        assert insp.started_at < insp.ended_at <= NOW
    failed = InspectionAnswer.objects.filter(result=AnswerResult.FAIL).select_related("hazard", "inspection")
    assert failed.exists()
    for answer in failed:
        assert answer.hazard is not None and answer.hazard.venue_id == answer.inspection.venue_id
    assert not InspectionAnswer.objects.filter(result=AnswerResult.PASS, hazard__isnull=False).exists()
    found_by_inspection = Hazard.objects.filter(source=HazardSource.INSPECTION).select_related("inspection")
    assert all(h.inspection.ended_at == h.found_at for h in found_by_inspection[:200])


def test_loop_history__figures_come_out_of_the_rows_and_each_demo_account_has_work_waiting(loaded):
    street = User.objects.get(username="demo_street")
    start = (NOW - dt.timedelta(days=400)).date()
    with time_machine.travel(NOW, tick=False):
        report = loop_figures(user=street, date_from=start, date_to=NOW.date())
    total = report.total
    assert 1100 <= total.found <= 1500
    assert total.closed >= 0.9 * total.found
    assert 40 <= total.mean_hours <= 56
    assert 0.85 <= total.on_time_rate <= 0.95
    assert 5 <= total.overdue < total.open
    assert len(report.by_community) == 9 and len(report.inspections_by_inspector) > 50
    top = [row["code"] for row in report.by_hazard_type[:8]]
    assert {"EBK-01", "EVA-01", "ELE-01", "EXT-03", "GAS-04"} <= set(top)

    states = Counter(Hazard.objects.values_list("state", flat=True))
    assert states[HazardState.FOUND] + states[HazardState.DISPATCHED] > 0
    assert states[HazardState.RECTIFYING] > 0 and states[HazardState.AWAITING_REVIEW] > 0
    assert states[HazardState.WITHDRAWN] > 0
    assert Hazard.objects.filter(escalation_level=2).exists()
    assert Hazard.objects.filter(reopen_count__gt=0).exists() and Hazard.objects.filter(review_failures__gt=0).exists()
    assert Hazard.objects.filter(fixed_on_spot=True, state=HazardState.CLOSED).exists()
    assert "hazards found" in loaded and "on time" in loaded

    merchant = User.objects.get(username="demo_merchant")
    mine = list(merchant_open_hazards(user=merchant))
    with time_machine.travel(NOW, tick=False):
        assert sorted(h.state for h in mine) == [HazardState.AWAITING_REVIEW, HazardState.DISPATCHED]
        dispatched = next(h for h in mine if h.state == HazardState.DISPATCHED)
        assert not dispatched.is_overdue and dispatched.responsible_merchant
        assert "acknowledge" in services.allowed_actions(dispatched, merchant)
        waiting = next(h for h in mine if h.state == HazardState.AWAITING_REVIEW)
        assert waiting.events.filter(kind=E.PROOF_SUBMITTED, actor=merchant).exists()

        inspector = User.objects.get(username="demo_inspector")
        due = list(reviews_due(user=inspector))
        assert len(due) >= 2 and waiting in due
        assert all("review_pass" in services.allowed_actions(h, inspector) for h in due)
        assert venues_due_for_inspection(user=inspector).count() >= 3

        office = User.objects.get(username="demo_street")
        overdue = list(hazard_list(user=office, overdue=True))
        assert len(overdue) >= 5 and all(h.is_overdue and h.state in OPEN_STATES for h in overdue)
        assert {h.community_id for h in overdue} - {mine[0].community_id}  # not one community only
