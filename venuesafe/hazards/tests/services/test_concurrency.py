"""Two reviewers acting on the same order at once, on PostgreSQL: one wins, the other is told the
order changed, and the timeline holds one review."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from venuesafe.accounts.models import User
from venuesafe.core.errors import StateConflict
from venuesafe.hazards import services
from venuesafe.hazards.models import EventKind, Hazard, HazardState

from .world import World

S = HazardState

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are exercised on PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

REVIEWS = {
    "pass": (lambda h, u, v: services.hazard_review_pass(hazard=h, actor=u, expected_version=v), S.CLOSED),
    "fail": (
        lambda h, u, v: services.hazard_review_fail(hazard=h, actor=u, reason="门口仍堆货", expected_version=v),
        S.RECTIFYING,
    ),
}


def _race(hazard_pk: int, moves: list[tuple[int, str]], *, with_version: bool) -> list:
    """Each thread reads the order, waits until the other has read it too, then reviews it."""
    barrier = threading.Barrier(len(moves))
    results: list = [None] * len(moves)

    def worker(i: int, user_pk: int, move: str) -> None:
        try:
            user = User.objects.get(pk=user_pk)
            hazard = Hazard.objects.get(pk=hazard_pk)
            barrier.wait(timeout=20)
            REVIEWS[move][0](hazard, user, hazard.version if with_version else None)
            results[i] = ("won", move)
        except StateConflict as exc:
            results[i] = ("conflict", exc)
        except Exception as exc:  # reported by the assertion below
            results[i] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, user_pk, move)) for i, (user_pk, move) in enumerate(moves)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return results


@pytest.mark.parametrize("with_version", [True, False], ids=["expected_version", "no_version"])
@pytest.mark.parametrize(("first", "second"), [("pass", "fail"), ("pass", "pass"), ("fail", "fail")])
def test_review__two_reviewers_at_once_one_wins(first, second, with_version):
    world = World()
    hazard = world.hazard_in(S.AWAITING_REVIEW)
    version = hazard.version

    results = _race(hazard.pk, [(world.inspector.pk, first), (world.comm.pk, second)], with_version=with_version)

    assert not [r for r in results if r[0] == "error"], results
    winners = [r for r in results if r[0] == "won"]
    losers = [r[1] for r in results if r[0] == "conflict"]
    assert len(winners) == 1 and len(losers) == 1, results
    hazard.refresh_from_db()
    assert hazard.state == REVIEWS[winners[0][1]][1]
    assert hazard.version == version + 1
    assert losers[0].extra["current_state"] == hazard.state
    assert losers[0].extra["version"] == hazard.version
    reviews = hazard.events.filter(kind__in=[EventKind.REVIEW_PASSED, EventKind.REVIEW_FAILED])
    assert reviews.count() == 1
