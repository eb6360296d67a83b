"""notices.services: one notice per recipient and key, handed to the backends only after commit."""

from __future__ import annotations

import pytest
from django.db import transaction

from venuesafe.accounts.models import Role
from venuesafe.core.errors import OutOfScope
from venuesafe.hazards.services import ResponsibleParty, hazard_dispatch
from venuesafe.hazards.tests.services.world import World
from venuesafe.notices.backends import MemoryBackend
from venuesafe.notices.models import Notice, NoticeKind
from venuesafe.notices.services import notice_mark_all_read, notice_mark_read, notify
from venuesafe.testing.factories import user_with_role


@pytest.fixture
def people(district):
    return [user_with_role(Role.COMMUNITY_STAFF, district.comm_a1) for _ in range(3)]


@pytest.fixture
def outbox(settings):
    settings.NOTICE_BACKENDS = ["venuesafe.notices.backends.MemoryBackend"]
    MemoryBackend.outbox.clear()
    yield MemoryBackend.outbox
    MemoryBackend.outbox.clear()


def _notify(recipients, key="overdue:1:100", **kwargs):
    return notify(recipients=recipients, kind=NoticeKind.OVERDUE, title="逾期", dedupe_key=key, **kwargs)


def test_notify__once_per_recipient_and_key(people):
    a, b, c = people
    assert len(_notify([a, b, a, None])) == 2  # repeated and missing recipients are skipped
    assert _notify([a, b]) == []  # the same key again: nothing new
    assert [n.recipient for n in _notify([a, b, c])] == [c]
    assert len(_notify([a], key="overdue:1:200")) == 1  # a new key is a new notice
    assert Notice.objects.filter(recipient=a).count() == 2
    assert Notice.objects.count() == 4


def test_notify__skips_inactive_users(people):
    a, b, _c = people
    b.is_active = False
    b.save(update_fields=["is_active"])
    assert [n.recipient for n in _notify([a, b])] == [a]


def test_notify__writes_the_inbox_row(people):
    a = people[0]
    (notice,) = _notify([a], body="请尽快整改", url="/hazards/1/")
    notice.refresh_from_db()
    assert (notice.kind, notice.title, notice.body, notice.url, notice.read_at) == (
        NoticeKind.OVERDUE,
        "逾期",
        "请尽快整改",
        "/hazards/1/",
        None,
    )


def test_backends__get_new_notices_only_after_commit(people, outbox, django_capture_on_commit_callbacks):
    a, b, _c = people
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = _notify([a, b])
        assert outbox == []  # not before the transaction commits
    assert len(callbacks) == 1
    assert outbox == created

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert _notify([a, b]) == []
    assert callbacks == []  # nothing new, nothing sent
    assert len(outbox) == 2


def test_backends__get_nothing_when_the_transaction_rolls_back(people, outbox, django_capture_on_commit_callbacks):
    class Boom(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Boom), transaction.atomic():
        _notify(people)
        raise Boom
    assert callbacks == []
    assert outbox == []
    assert Notice.objects.count() == 0


def test_backends__a_dispatch_reaches_the_merchant_through_the_backend(
    district, outbox, django_capture_on_commit_callbacks
):
    world = World(district)
    hazard = world.found()
    with django_capture_on_commit_callbacks(execute=True):
        hazard_dispatch(hazard=hazard, actor=world.comm, party=ResponsibleParty(merchant=True))
        assert outbox == []
    sent = {(n.recipient_id, n.kind) for n in outbox}
    assert (world.merchant.pk, NoticeKind.DISPATCHED) in sent
    assert all(n.hazard_id == hazard.pk for n in outbox)


def test_notice_mark_read__only_by_its_recipient(people):
    a, b, _c = people
    (notice,) = _notify([a])
    with pytest.raises(OutOfScope):
        notice_mark_read(notice=notice, user=b)
    assert Notice.objects.get(pk=notice.pk).read_at is None
    notice_mark_read(notice=notice, user=a)
    first_read = Notice.objects.get(pk=notice.pk).read_at
    assert first_read is not None
    notice_mark_read(notice=notice, user=a)
    assert Notice.objects.get(pk=notice.pk).read_at == first_read


def test_notice_mark_all_read__counts_only_the_users_unread(people):
    a, b, _c = people
    _notify([a, b])
    _notify([a], key="k2")
    assert notice_mark_all_read(user=a) == 2
    assert notice_mark_all_read(user=a) == 0
    assert Notice.objects.filter(recipient=b, read_at__isnull=True).count() == 1
