"""A street with work orders, inspections and self-checks at known times, built through the services."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from venuesafe.core import clock
from venuesafe.hazards import services as hazard_services
from venuesafe.hazards.models import Hazard
from venuesafe.hazards.tests.services.world import World, clock_at  # noqa: F401 - a fixture
from venuesafe.inspections.models import AnswerResult, Inspection
from venuesafe.inspections.selectors import checklist_for_category
from venuesafe.inspections.services import AnswerInput, inspection_submit
from venuesafe.selfchecks.models import SelfCheck
from venuesafe.selfchecks.selectors import items_for_venue
from venuesafe.selfchecks.services import SelfCheckAnswerInput, self_check_submit
from venuesafe.testing.factories import found_hazard, make_photo, venue

UTC = dt.UTC
# Monday 2 March 2026, 08:00 in Shanghai.
T0 = dt.datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
PERIOD = ("2026-03-01", "2026-03-10")


def hours(n: float) -> dt.timedelta:
    return dt.timedelta(hours=n)


@dataclass
class Ledgers:
    world: World
    closed: Hazard  # A1, in the period, the whole loop to closed
    dispatched: Hazard  # A1, in the period, open
    found_other: Hazard  # A1 (the neighbour venue), in the period, open
    old: Hazard  # A1, found before the period, open
    a2: Hazard  # community A2, in the period, open
    a2_venue: object
    inspection: Inspection  # A1, in the period, one "no"
    inspection_a2: Inspection
    self_check: SelfCheck  # A1, in the period


def _inspect(actor, shop) -> Inspection:
    """An inspection of the whole checklist, the first question answered "no"."""
    items = list(checklist_for_category(shop.category))
    failed = AnswerInput(checklist_item=items[0].pk, result=AnswerResult.FAIL, photos=[make_photo()], note="通道堵塞")
    answers = [failed]
    answers += [AnswerInput(checklist_item=item.pk, result=AnswerResult.PASS) for item in items[1:]]
    now = clock.now()
    return inspection_submit(
        actor=actor,
        venue=shop,
        client_id=uuid.uuid4(),
        started_at=now - dt.timedelta(minutes=20),
        ended_at=now,
        answers=answers,
        note="例行巡查",
    ).inspection


@pytest.fixture
def world(district) -> World:
    return World(district)


@pytest.fixture
def ledgers(world, clock_at) -> Ledgers:  # noqa: F811 - clock_at is a fixture
    w = world
    clock_at(dt.datetime(2026, 2, 1, 2, 0, tzinfo=UTC))
    old = w.found("MAT-03")

    clock_at(T0)
    closed = w.found("EVA-01", description="后门通道堆放纸箱")
    clock_at(T0 + hours(1))
    hazard_services.hazard_dispatch(
        hazard=closed, actor=w.comm, party=hazard_services.ResponsibleParty(merchant=True), note="请当天清理"
    )
    clock_at(T0 + hours(2))
    hazard_services.hazard_acknowledge(hazard=closed, actor=w.merchant)
    clock_at(T0 + hours(20))
    hazard_services.hazard_submit_proof(
        hazard=closed, actor=w.merchant, photos=[make_photo("after.jpg")], note="已清理"
    )
    clock_at(T0 + hours(30))
    hazard_services.hazard_review_pass(hazard=closed, actor=w.inspector, note="通道畅通")

    clock_at(T0 + hours(24))
    found_other = w.found("EXT-04", venue=w.other_venue)
    a2_venue = venue(w.d.comm_a2, w.d.grid_a2a, sign_name="天和超市")
    a2 = found_hazard(a2_venue, w.admin, "ELE-01")

    clock_at(T0 + hours(48))
    dispatched = w.found("ELE-01")
    hazard_services.hazard_dispatch(
        hazard=dispatched, actor=w.comm, party=hazard_services.ResponsibleParty(merchant=True)
    )
    inspection = _inspect(w.inspector, w.other_venue)
    inspection_a2 = _inspect(w.admin, a2_venue)
    items = items_for_venue(w.venue)
    self_check = self_check_submit(
        actor=w.merchant,
        venue=w.venue,
        client_id=uuid.uuid4(),
        answers=[SelfCheckAnswerInput(item=item.pk, ok=True, photo=make_photo()) for item in items],
    ).self_check

    clock_at(T0 + dt.timedelta(days=5))  # ELE-01 (dispatched, 24 h) is overdue by now
    for h in (old, closed, dispatched, found_other, a2):
        h.refresh_from_db()
    return Ledgers(
        world=w,
        closed=closed,
        dispatched=dispatched,
        found_other=found_other,
        old=old,
        a2=a2,
        a2_venue=a2_venue,
        inspection=inspection,
        inspection_a2=inspection_a2,
        self_check=self_check,
    )


@pytest.fixture(autouse=True)
def _synchronous_exports(settings):
    settings.LEDGER_EXPORT_IN_BACKGROUND = False


def read_xlsx(data: bytes):
    return load_workbook(io.BytesIO(data))


def sheet_rows(ws) -> list[list]:
    return [list(row) for row in ws.iter_rows(values_only=True)]


def wall(*args) -> dt.datetime:
    """A Shanghai wall-clock time without zone, as Excel holds it."""
    return dt.datetime(*args, tzinfo=ZoneInfo("Asia/Shanghai")).replace(tzinfo=None)


def local(value: dt.datetime) -> dt.datetime:
    from django.utils import timezone

    return timezone.localtime(value).replace(tzinfo=None, microsecond=0)
