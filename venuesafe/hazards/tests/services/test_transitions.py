"""Every transition of a work order: allowed for the right role from the right state, and every
refusal (wrong role, wrong state, stale version, bad input) leaves the order and its history as they were."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from venuesafe.core import clock
from venuesafe.core.errors import InvalidInput, NotAllowed, StateConflict
from venuesafe.hazards import services
from venuesafe.hazards.models import EventKind, Hazard, HazardState, PhotoKind
from venuesafe.hazards.services import ResponsibleParty
from venuesafe.notices.models import Notice, NoticeKind
from venuesafe.testing.factories import make_photo

from .world import snapshot

S = HazardState
ALL_STATES = list(S.values)
OPEN = {S.FOUND, S.DISPATCHED, S.RECTIFYING, S.AWAITING_REVIEW}

# The transition table as the design draws it (docs: found → dispatched → rectifying → awaiting
# review → closed, fail back to rectifying, reopen, re-dispatch/extend/withdraw by the street office).
TABLE: dict[str, tuple[set[str], str | None, str]] = {
    # action: (from states, to state (None: unchanged), event kind)
    "dispatch": ({S.FOUND}, S.DISPATCHED, EventKind.DISPATCHED),
    "redispatch": ({S.DISPATCHED, S.RECTIFYING}, S.DISPATCHED, EventKind.REDISPATCHED),
    "acknowledge": ({S.DISPATCHED}, S.RECTIFYING, EventKind.ACKNOWLEDGED),
    "submit_proof": ({S.DISPATCHED, S.RECTIFYING}, S.AWAITING_REVIEW, EventKind.PROOF_SUBMITTED),
    "review_pass": ({S.AWAITING_REVIEW}, S.CLOSED, EventKind.REVIEW_PASSED),
    "review_fail": ({S.AWAITING_REVIEW}, S.RECTIFYING, EventKind.REVIEW_FAILED),
    "reopen": ({S.CLOSED}, S.RECTIFYING, EventKind.REOPENED),
    "extend_deadline": (OPEN, None, EventKind.DEADLINE_EXTENDED),
    "withdraw": ({S.FOUND, S.DISPATCHED, S.RECTIFYING}, S.WITHDRAWN, EventKind.WITHDRAWN),
}

# Who holds the right for each action on an order dispatched to the merchant.
RIGHT_ACTOR = {
    "dispatch": "comm",
    "redispatch": "street",
    "acknowledge": "comm",  # community staff may act for the merchant
    "submit_proof": "comm",
    "review_pass": "comm",
    "review_fail": "comm",
    "reopen": "comm",
    "extend_deadline": "street",
    "withdraw": "street",
}

PAIRS = [(action, state) for action in TABLE for state in ALL_STATES]
ALLOWED = [(a, s) for a, s in PAIRS if s in TABLE[a][0]]
REFUSED = [(a, s) for a, s in PAIRS if s not in TABLE[a][0]]


def do(world, action: str, hazard: Hazard, actor=None, **kwargs) -> Hazard:
    """Call the service of `action` with valid input; `kwargs` override it."""
    actor = actor or getattr(world, RIGHT_ACTOR[action])
    later = clock.now() + dt.timedelta(days=30)
    calls = {
        "dispatch": lambda: services.hazard_dispatch(
            hazard=hazard, actor=actor, **{"party": ResponsibleParty(merchant=True), **kwargs}
        ),
        "redispatch": lambda: services.hazard_redispatch(
            hazard=hazard,
            actor=actor,
            **{"party": ResponsibleParty(community=world.d.comm_a1), "reason": "商户联系不上", **kwargs},
        ),
        "acknowledge": lambda: services.hazard_acknowledge(hazard=hazard, actor=actor, **kwargs),
        "submit_proof": lambda: services.hazard_submit_proof(
            hazard=hazard, actor=actor, **{"photos": [make_photo("after.jpg")], "note": "已整改", **kwargs}
        ),
        "review_pass": lambda: services.hazard_review_pass(hazard=hazard, actor=actor, **kwargs),
        "review_fail": lambda: services.hazard_review_fail(
            hazard=hazard, actor=actor, **{"reason": "通道仍有杂物", **kwargs}
        ),
        "reopen": lambda: services.hazard_reopen(hazard=hazard, actor=actor, **{"reason": "又堵上了", **kwargs}),
        "extend_deadline": lambda: services.hazard_extend_deadline(
            hazard=hazard, actor=actor, **{"deadline": later, "reason": "需要采购新门", **kwargs}
        ),
        "withdraw": lambda: services.hazard_withdraw(hazard=hazard, actor=actor, **{"reason": "误录", **kwargs}),
    }
    return calls[action]()


@pytest.mark.parametrize(("action", "state"), ALLOWED)
def test_transition__allowed_for_the_right_role_from_the_right_state(world, action, state):
    hazard = world.hazard_in(state)
    before = snapshot(hazard)
    actor = getattr(world, RIGHT_ACTOR[action])
    assert action in services.allowed_actions(hazard, actor)

    result = do(world, action, hazard, expected_version=before["version"])

    _from, to_state, kind = TABLE[action]
    after = snapshot(result)
    assert after["state"] == (to_state or state)
    assert after["version"] == before["version"] + 1
    assert after["events"] == before["events"] + 1
    event = result.events.order_by("-at", "-id").first()
    assert (event.kind, event.from_state, event.to_state, event.actor) == (kind, state, after["state"], actor)


@pytest.mark.parametrize(("action", "state"), REFUSED)
def test_transition__wrong_state_is_refused_and_changes_nothing(world, action, state):
    hazard = world.hazard_in(state)
    before = snapshot(hazard)
    actor = getattr(world, RIGHT_ACTOR[action])
    assert action not in services.allowed_actions(hazard, actor)

    with pytest.raises(StateConflict) as exc:
        do(world, action, hazard)

    assert exc.value.code == "state_conflict"
    assert exc.value.extra == {"current_state": state, "version": before["version"]}
    assert snapshot(hazard) == before


WRONG_ROLE = [
    ("dispatch", S.FOUND, ["grid_worker", "inspector", "merchant", "comm_a2", "street_b", "fire_viewer"]),
    ("redispatch", S.DISPATCHED, ["comm", "inspector", "merchant", "street_b"]),
    ("acknowledge", S.DISPATCHED, ["inspector", "other_merchant", "comm_a2", "street", "fire_viewer"]),
    ("submit_proof", S.RECTIFYING, ["inspector", "other_merchant", "comm_a2", "street_b"]),
    ("review_pass", S.AWAITING_REVIEW, ["merchant", "grid_worker", "comm_a2", "street_b", "fire_viewer"]),
    ("review_fail", S.AWAITING_REVIEW, ["merchant", "grid_worker", "other_merchant"]),
    ("reopen", S.CLOSED, ["merchant", "grid_worker", "street_b"]),
    ("extend_deadline", S.RECTIFYING, ["comm", "inspector", "merchant", "street_b"]),
    ("withdraw", S.FOUND, ["comm", "inspector", "grid_worker", "merchant", "street_b"]),
]


@pytest.mark.parametrize(("action", "state", "who"), [(a, s, who) for a, s, people in WRONG_ROLE for who in people])
def test_transition__wrong_role_is_refused_and_changes_nothing(world, action, state, who):
    hazard = world.hazard_in(state)
    before = snapshot(hazard)
    actor = getattr(world, who)
    assert action not in services.allowed_actions(hazard, actor)

    with pytest.raises(NotAllowed) as exc:
        do(world, action, hazard, actor=actor)

    assert exc.value.code == "not_allowed_for_hazard"
    assert snapshot(hazard) == before


def test_transition__merchant_acts_only_when_it_is_the_responsible_party(world):
    hazard = world.hazard_in(S.FOUND)
    services.hazard_dispatch(hazard=hazard, actor=world.comm, party=ResponsibleParty(community=world.d.comm_a1))
    before = snapshot(hazard)
    with pytest.raises(NotAllowed):
        services.hazard_acknowledge(hazard=hazard, actor=world.merchant)
    assert snapshot(hazard) == before
    # The community staff it was dispatched to may.
    services.hazard_acknowledge(hazard=hazard, actor=world.comm)
    assert Hazard.objects.get(pk=hazard.pk).state == S.RECTIFYING


def test_transition__department_dispatched_to_may_rectify(world):
    hazard = world.hazard_in(S.FOUND)
    services.hazard_dispatch(hazard=hazard, actor=world.street, party=ResponsibleParty(department=world.fire))
    services.hazard_acknowledge(hazard=hazard, actor=world.fire_viewer)
    services.hazard_submit_proof(hazard=hazard, actor=world.fire_viewer, photos=[make_photo()])
    hazard.refresh_from_db()
    assert hazard.state == S.AWAITING_REVIEW
    assert hazard.photos.filter(kind=PhotoKind.PROOF, uploaded_by=world.fire_viewer).count() == 1


def test_review__by_whoever_submitted_the_proof_is_refused(world):
    hazard = world.hazard_in(S.RECTIFYING)
    services.hazard_submit_proof(hazard=hazard, actor=world.comm, photos=[make_photo()])
    before = snapshot(hazard)
    for call in (
        lambda: services.hazard_review_pass(hazard=hazard, actor=world.comm),
        lambda: services.hazard_review_fail(hazard=hazard, actor=world.comm, reason="不行"),
    ):
        with pytest.raises(NotAllowed) as exc:
            call()
        assert exc.value.code == "own_proof"
    assert snapshot(hazard) == before
    services.hazard_review_pass(hazard=hazard, actor=world.inspector)
    assert Hazard.objects.get(pk=hazard.pk).state == S.CLOSED


def test_allowed_actions__no_review_for_whoever_submitted_the_proof(world):
    hazard = world.hazard_in(S.RECTIFYING)
    services.hazard_submit_proof(hazard=hazard, actor=world.comm, photos=[make_photo()])
    assert not {"review_pass", "review_fail"} & set(services.allowed_actions(hazard, world.comm))
    assert {"review_pass", "review_fail"} <= set(services.allowed_actions(hazard, world.inspector))


@pytest.mark.parametrize(("action", "state"), [(a, sorted(TABLE[a][0])[0]) for a in TABLE])
def test_transition__stale_expected_version_is_refused_and_changes_nothing(world, action, state):
    hazard = world.hazard_in(state)
    before = snapshot(hazard)

    with pytest.raises(StateConflict) as exc:
        do(world, action, hazard, expected_version=before["version"] - 1)

    assert exc.value.code == "stale_version"
    assert exc.value.extra == {"current_state": state, "version": before["version"]}
    assert snapshot(hazard) == before


def _not_an_image():
    return SimpleUploadedFile("proof.jpg", b"this is not a picture", content_type="image/jpeg")


def _past():
    return clock.now() - dt.timedelta(hours=1)


BAD_INPUT = [
    # (action, state, kwargs builder(world, hazard), field)
    ("dispatch", S.FOUND, lambda w, h: {"party": ResponsibleParty()}, "responsible"),
    ("dispatch", S.FOUND, lambda w, h: {"party": ResponsibleParty(community=w.d.comm_b1)}, "responsible_community"),
    ("dispatch", S.FOUND, lambda w, h: {"party": ResponsibleParty(community=w.d.grid_a1a)}, "responsible_community"),
    ("dispatch", S.FOUND, lambda w, h: {"deadline": _past()}, "deadline"),
    ("dispatch", S.FOUND, lambda w, h: {"deadline": dt.datetime(2099, 1, 1, 12, 0)}, "deadline"),  # noqa: DTZ001
    ("dispatch", S.FOUND, lambda w, h: {"note": "长" * 2001}, "note"),
    ("redispatch", S.DISPATCHED, lambda w, h: {"reason": "   "}, "reason"),
    ("redispatch", S.RECTIFYING, lambda w, h: {"party": ResponsibleParty()}, "responsible"),
    ("acknowledge", S.DISPATCHED, lambda w, h: {"note": "x" * 2001}, "note"),
    ("submit_proof", S.RECTIFYING, lambda w, h: {"photos": []}, "photos"),
    ("submit_proof", S.RECTIFYING, lambda w, h: {"photos": [_not_an_image()]}, "photos"),
    ("submit_proof", S.RECTIFYING, lambda w, h: {"photos": [make_photo() for _ in range(10)]}, "photos"),
    ("review_pass", S.AWAITING_REVIEW, lambda w, h: {"photos": [_not_an_image()]}, "photos"),
    ("review_fail", S.AWAITING_REVIEW, lambda w, h: {"reason": ""}, "reason"),
    ("reopen", S.CLOSED, lambda w, h: {"reason": ""}, "reason"),
    ("extend_deadline", S.DISPATCHED, lambda w, h: {"reason": ""}, "reason"),
    ("extend_deadline", S.DISPATCHED, lambda w, h: {"deadline": None}, "deadline"),
    ("extend_deadline", S.DISPATCHED, lambda w, h: {"deadline": h.deadline}, "deadline"),
    ("extend_deadline", S.DISPATCHED, lambda w, h: {"deadline": h.deadline - dt.timedelta(hours=1)}, "deadline"),
    ("extend_deadline", S.DISPATCHED, lambda w, h: {"deadline": _past()}, "deadline"),
    ("withdraw", S.FOUND, lambda w, h: {"reason": ""}, "reason"),
]


@pytest.mark.parametrize(
    ("action", "state", "kwargs", "field"),
    BAD_INPUT,
    ids=[f"{a}-{f}-{i}" for i, (a, _s, _k, f) in enumerate(BAD_INPUT)],
)
def test_transition__bad_input_is_refused_with_its_field_and_changes_nothing(world, action, state, kwargs, field):
    hazard = world.hazard_in(state)
    before = snapshot(hazard)

    with pytest.raises(InvalidInput) as exc:
        do(world, action, hazard, **kwargs(world, hazard))

    assert field in exc.value.fields
    assert snapshot(hazard) == before


def test_walk__whole_loop_with_a_failed_review_keeps_one_event_per_step(world):
    hazard = world.hazard_in(S.AWAITING_REVIEW)
    services.hazard_review_fail(hazard=hazard, actor=world.inspector, reason="灭火器仍未更换", photos=[make_photo()])
    assert (hazard.state, hazard.review_failures) == (S.RECTIFYING, 1)
    services.hazard_submit_proof(hazard=hazard, actor=world.merchant, photos=[make_photo()])
    services.hazard_review_pass(hazard=hazard, actor=world.inspector)
    assert hazard.state == S.CLOSED
    assert hazard.closed_at is not None
    assert list(hazard.events.values_list("kind", flat=True)) == [
        EventKind.FOUND,
        EventKind.DISPATCHED,
        EventKind.ACKNOWLEDGED,
        EventKind.PROOF_SUBMITTED,
        EventKind.REVIEW_FAILED,
        EventKind.PROOF_SUBMITTED,
        EventKind.REVIEW_PASSED,
    ]
    assert hazard.version == 7
    kinds = list(hazard.photos.order_by("id").values_list("kind", flat=True))
    assert kinds == [PhotoKind.EVIDENCE, PhotoKind.PROOF, PhotoKind.REVIEW, PhotoKind.PROOF]
    # The merchant heard both review results.
    assert set(Notice.objects.filter(recipient=world.merchant, hazard=hazard).values_list("kind", flat=True)) >= {
        NoticeKind.DISPATCHED,
        NoticeKind.REVIEW_FAILED,
        NoticeKind.REVIEW_PASSED,
    }


def test_reopen__without_a_responsible_party_goes_back_to_found(world):
    hazard = world.found(fixed_on_spot=True, photos=[], proof_photos=[make_photo()])
    assert hazard.state == S.AWAITING_REVIEW
    services.hazard_review_pass(hazard=hazard, actor=world.comm)
    services.hazard_reopen(hazard=hazard, actor=world.comm, reason="复查发现又堵了")
    assert (hazard.state, hazard.reopen_count, hazard.closed_at) == (S.FOUND, 1, None)
