import datetime as dt

import pytest
from django.urls import reverse

from venuesafe.core import clock
from venuesafe.hazards.models import HazardState
from venuesafe.notices.models import Notice
from venuesafe.notices.services import notify

pytestmark = pytest.mark.django_db


def _notice(user, key, title="通知", url=""):
    return notify(recipients=[user], kind="dispatched", title=title, dedupe_key=key, url=url)[0]


def test_inbox__unread_first_and_only_mine(client, loop):
    old_unread = _notice(loop.merchant, "a", "旧的未读")
    read = _notice(loop.merchant, "b", "已读的")
    Notice.objects.filter(pk=read.pk).update(read_at=clock.now(), created_at=clock.now() + dt.timedelta(minutes=5))
    _notice(loop.comm, "c", "别人的")
    client.force_login(loop.merchant)
    response = client.get(reverse("notices:inbox"))
    assert response.status_code == 200
    assert [n.pk for n in response.context["page"].object_list] == [old_unread.pk, read.pk]
    body = response.content.decode()
    assert "别人的" not in body
    assert 'id="nav-unread-count">1<' in body


def test_inbox__dispatch_notice_reaches_the_merchant_with_badge(client, loop):
    loop.hazard_in(HazardState.DISPATCHED)
    client.force_login(loop.merchant)
    body = client.get(reverse("hazards:mine")).content.decode()
    assert 'id="nav-unread-count">1<' in body


def test_notice_read__marks_one_and_opens_its_link(client, loop):
    hazard = loop.hazard_in(HazardState.DISPATCHED)
    notice = Notice.objects.get(recipient=loop.merchant)
    client.force_login(loop.merchant)
    response = client.post(reverse("notices:read", args=[notice.pk]), {"open": "1"})
    assert response.status_code == 302
    assert response.url == reverse("hazards:detail", args=[hazard.pk])
    notice.refresh_from_db()
    assert notice.read_at is not None
    body = client.get(reverse("notices:inbox")).content.decode()
    assert 'id="nav-unread-count"' not in body


def test_notice_read__someone_elses_is_404(client, loop):
    other = _notice(loop.comm, "x")
    client.force_login(loop.merchant)
    assert client.post(reverse("notices:read", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_notice_read_all(client, loop):
    for key in "abc":
        _notice(loop.merchant, key)
    theirs = _notice(loop.comm, "z")
    client.force_login(loop.merchant)
    response = client.post(reverse("notices:read_all"))
    assert response.status_code == 302
    assert not Notice.objects.filter(recipient=loop.merchant, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.get(reverse("notices:read_all")).status_code == 405


def test_notice_read__ignores_a_foreign_link(client, loop):
    notice = _notice(loop.merchant, "evil", url="https://evil.example/")
    client.force_login(loop.merchant)
    response = client.post(reverse("notices:read", args=[notice.pk]), {"open": "1"})
    assert response.url == reverse("notices:inbox")
