"""Deadlines: by catalogue entry, then by severity; dispatch override; extend only later. Overdue is
derived from the deadline and the clock, never stored."""

from __future__ import annotations

import pytest

from venuesafe.core.errors import InvalidInput
from venuesafe.hazards import services
from venuesafe.hazards.models import EventKind, Hazard, HazardState, Severity
from venuesafe.hazards.selectors import hazard_list
from venuesafe.hazards.services import ResponsibleParty
from venuesafe.testing.factories import hazard_type

from .world import T0, hours, snapshot

S = HazardState


def test_deadline__catalogue_entry_comes_first(world, clock_at):
    clock_at(T0)
    h = world.found("EVA-01")  # 24 h in the catalogue, severity serious (168 h by severity)
    assert hazard_type("EVA-01").default_deadline_hours == 24
    assert (h.severity, h.deadline) == (Severity.SERIOUS, T0 + hours(24))


@pytest.mark.parametrize(
    ("severity", "expected_hours"), [(None, 5), (Severity.GENERAL, 5), (Severity.SERIOUS, 50), (Severity.MAJOR, 500)]
)
def test_deadline__by_severity_when_the_entry_has_none(world, clock_at, settings, severity, expected_hours):
    settings.HAZARD_DEADLINE_HOURS = {"general": 5, "serious": 50, "major": 500}
    clock_at(T0)
    assert hazard_type("OTH-01").default_deadline_hours is None  # general by default
    h = world.found("OTH-01", severity=severity)
    assert h.deadline == T0 + hours(expected_hours)


@pytest.mark.parametrize(("severity", "expected_hours"), [(Severity.GENERAL, 72), (Severity.SERIOUS, 168)])
def test_deadline__default_severity_table(world, clock_at, severity, expected_hours):
    # The issue: 一般 defaults to 72 h; the others as in settings.HAZARD_DEADLINE_HOURS.
    clock_at(T0)
    assert world.found("OTH-01", severity=severity).deadline == T0 + hours(expected_hours)


def test_dispatch__default_deadline_runs_from_the_dispatch(world, clock_at):
    clock_at(T0)
    h = world.found("EVA-01")
    clock_at(T0 + hours(3))
    services.hazard_dispatch(hazard=h, actor=world.comm, party=ResponsibleParty(merchant=True))
    assert h.deadline == T0 + hours(27)
    assert h.events.get(kind=EventKind.DISPATCHED).data["deadline"] == (T0 + hours(27)).isoformat()


def test_dispatch__given_deadline_overrides_the_default(world, clock_at):
    clock_at(T0)
    h = world.found("EVA-01")
    services.hazard_dispatch(
        hazard=h, actor=world.comm, party=ResponsibleParty(merchant=True), deadline=T0 + hours(100)
    )
    assert Hazard.objects.get(pk=h.pk).deadline == T0 + hours(100)


def test_redispatch__keeps_the_deadline_unless_given(world, clock_at):
    clock_at(T0)
    h = world.hazard_in(S.DISPATCHED)
    services.hazard_redispatch(
        hazard=h, actor=world.street, party=ResponsibleParty(community=world.d.comm_a1), reason="转社区"
    )
    assert h.deadline == T0 + hours(24)
    services.hazard_redispatch(
        hazard=h, actor=world.street, party=ResponsibleParty(merchant=True), reason="退回商户", deadline=T0 + hours(48)
    )
    assert (h.deadline, h.responsible_merchant, h.responsible_community_id) == (T0 + hours(48), True, None)


def test_extend_deadline__must_be_later_and_is_recorded(world, clock_at):
    clock_at(T0)
    h = world.hazard_in(S.RECTIFYING)
    before = snapshot(h)
    for bad in (T0 + hours(24), T0 + hours(23)):
        with pytest.raises(InvalidInput) as exc:
            services.hazard_extend_deadline(hazard=h, actor=world.street, deadline=bad, reason="延期")
        assert "deadline" in exc.value.fields
    assert snapshot(h) == before

    services.hazard_extend_deadline(hazard=h, actor=world.street, deadline=T0 + hours(30), reason="等配件")
    assert (h.state, h.deadline) == (S.RECTIFYING, T0 + hours(30))
    event = h.events.get(kind=EventKind.DEADLINE_EXTENDED)
    assert event.data == {"old_deadline": (T0 + hours(24)).isoformat(), "deadline": (T0 + hours(30)).isoformat()}
    assert event.note == "等配件"


def test_reopen__starts_a_fresh_default_deadline(world, clock_at):
    clock_at(T0)
    h = world.hazard_in(S.CLOSED)
    clock_at(T0 + hours(200))
    services.hazard_reopen(hazard=h, actor=world.inspector, reason="又堵上了")
    assert (h.state, h.deadline) == (S.RECTIFYING, T0 + hours(224))
    assert not h.is_overdue


def _overdue_ids(user):
    return set(hazard_list(user=user, overdue=True).values_list("pk", flat=True))


def _not_overdue_ids(user):
    return set(hazard_list(user=user, overdue=False).values_list("pk", flat=True))


def test_overdue__derived_from_deadline_and_the_clock(world, clock_at):
    clock_at(T0)
    h = world.hazard_in(S.RECTIFYING)  # deadline T0 + 24 h
    stored = snapshot(h)

    for when, late in [(T0 + hours(23.99), False), (T0 + hours(24), False), (T0 + hours(24.01), True)]:
        clock_at(when)
        assert h.is_overdue is late, when
        assert (h.pk in _overdue_ids(world.street)) is late
        assert (h.pk in _not_overdue_ids(world.street)) is not late
        assert (h.pk in _overdue_ids(world.comm)) is late
    assert snapshot(h) == stored  # nothing is written by being late


def test_overdue__extending_the_deadline_ends_it(world, clock_at):
    clock_at(T0)
    h = world.hazard_in(S.DISPATCHED)
    clock_at(T0 + hours(30))
    assert h.is_overdue
    services.hazard_extend_deadline(hazard=h, actor=world.street, deadline=T0 + hours(48), reason="延期")
    assert not h.is_overdue
    assert h.pk not in _overdue_ids(world.street)


@pytest.mark.parametrize("state", [S.CLOSED, S.WITHDRAWN])
def test_overdue__closed_and_withdrawn_orders_never_are(world, clock_at, state):
    clock_at(T0)
    h = world.hazard_in(state)
    clock_at(T0 + hours(1000))
    assert h.deadline < T0 + hours(1000)
    assert not h.is_overdue
    assert h.pk not in _overdue_ids(world.admin)
    assert h.pk in _not_overdue_ids(world.admin)


def test_overdue__list_is_scoped(world, clock_at):
    clock_at(T0)
    h = world.hazard_in(S.DISPATCHED)
    clock_at(T0 + hours(48))
    assert h.pk in _overdue_ids(world.street)
    assert _overdue_ids(world.street_b) == set()
    assert _overdue_ids(world.comm_a2) == set()
