"""Building punch-ins for the self-check tests: every answer through the real service."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from venuesafe.selfchecks.models import SelfCheckItem
from venuesafe.selfchecks.selectors import items_for_venue
from venuesafe.selfchecks.services import SelfCheckAnswerInput, SelfCheckResult, self_check_submit
from venuesafe.testing.factories import make_photo


def item(code: str) -> SelfCheckItem:
    return SelfCheckItem.objects.get(code=code)


def answers_for(venue, *, no: Iterable[str] = (), fix_now: Iterable[str] = ()) -> list[SelfCheckAnswerInput]:
    """An answer to every item of the venue's self-check: "yes" unless the item's code is in `no`,
    with a photo where the item asks for one; items in `fix_now` come with a proof photo."""
    no, fix_now = set(no) | set(fix_now), set(fix_now)
    answers = []
    for it in items_for_venue(venue):
        answers.append(
            SelfCheckAnswerInput(
                item=it.pk,
                ok=it.code not in no,
                photo=make_photo(f"{it.code}.jpg") if it.photo_required else None,
                fix_now=it.code in fix_now,
                proof_photo=make_photo(f"{it.code}-after.jpg") if it.code in fix_now else None,
            )
        )
    return answers


def punch_in(venue, merchant, *, client_id=None, **kwargs) -> SelfCheckResult:
    answers = answers_for(venue, no=kwargs.pop("no", ()), fix_now=kwargs.pop("fix_now", ()))
    return self_check_submit(
        actor=merchant, venue=venue, client_id=client_id or uuid.uuid4(), answers=answers, **kwargs
    )
