"""A phone that retries while its first request is still being written (PostgreSQL): one inspection."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection

from venuesafe.accounts.models import User
from venuesafe.hazards.models import Hazard, HazardPhoto
from venuesafe.hazards.tests.services.world import World
from venuesafe.inspections.models import Inspection
from venuesafe.testing.factories import make_photo
from venuesafe.venues.models import Venue

from .helpers import submit

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers are exercised on PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def test_submit__same_client_id_twice_at_once_writes_one_inspection():
    world = World()
    client_id = uuid.uuid4()
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def worker(i: int) -> None:
        try:
            inspector = User.objects.get(pk=world.inspector.pk)
            venue = Venue.objects.get(pk=world.venue.pk)
            fails = {"GEN-01": {"note": "后门堵塞", "photos": [make_photo()]}}
            barrier.wait(timeout=20)
            results[i] = submit(world, venue=venue, actor=inspector, client_id=client_id, fails=fails)
        except Exception as exc:  # reported by the assertion below
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert all(hasattr(r, "created") for r in results), results
    assert sorted(r.created for r in results) == [False, True]
    assert results[0].inspection.pk == results[1].inspection.pk
    assert Inspection.objects.filter(client_id=client_id).count() == 1
    assert Hazard.objects.count() == 1
    assert HazardPhoto.objects.count() == 1
