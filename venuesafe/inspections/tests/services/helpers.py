"""Building inspection submissions for tests."""

from __future__ import annotations

import datetime as dt
import uuid

from venuesafe.core import clock
from venuesafe.inspections.models import AnswerResult
from venuesafe.inspections.selectors import checklist_for_category
from venuesafe.inspections.services import AnswerInput, inspection_submit


def answers(venue, fails: dict | None = None, skip: tuple = ()) -> list[AnswerInput]:
    """Every checklist question answered "yes", except `fails` ({item code: AnswerInput kwargs}) and `skip`."""
    fails = fails or {}
    out = []
    for item in checklist_for_category(venue.category):
        if item.code in skip:
            continue
        if item.code in fails:
            out.append(AnswerInput(checklist_item=item.pk, result=AnswerResult.FAIL, **fails[item.code]))
        else:
            out.append(AnswerInput(checklist_item=item.pk, result=AnswerResult.PASS))
    return out


def submit(world, *, venue=None, actor=None, client_id=None, position=None, fails=None, **kwargs):
    venue = venue or world.venue
    now = clock.now()
    kwargs.setdefault("answers", answers(venue, fails))
    return inspection_submit(
        actor=actor or world.inspector,
        venue=venue,
        client_id=client_id or uuid.uuid4(),
        started_at=now - dt.timedelta(minutes=20),
        ended_at=now,
        position=position,
        **kwargs,
    )
