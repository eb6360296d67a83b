import pytest

from venuesafe.notices.models import Notice
from venuesafe.notices.services import notify

URL = "/api/v1/notices/"


@pytest.fixture
def inbox(loop):
    """Three notices for the merchant (the oldest read), one for the inspector."""
    for n in range(3):
        notify(recipients=[loop.merchant], kind="due_soon", title=f"Due soon {n}", dedupe_key=f"k{n}", url="/h/1/")
    notify(recipients=[loop.inspector], kind="review_due", title="Review", dedupe_key="r")
    first = Notice.objects.filter(recipient=loop.merchant).order_by("id").first()
    Notice.objects.filter(pk=first.pk).update(read_at=first.created_at)
    return Notice.objects.filter(recipient=loop.merchant).order_by("id")


def test_notices_list__own_inbox_newest_first(inbox, loop, client_for):
    body = client_for(loop.merchant).get(URL).json()
    assert body["count"] == 3
    assert [n["title"] for n in body["results"]] == ["Due soon 2", "Due soon 1", "Due soon 0"]
    assert [n["is_read"] for n in body["results"]] == [False, False, True]
    assert body["results"][0]["kind"] == "due_soon"
    assert body["results"][0]["url"] == "/h/1/"


def test_notices_list__unread_filter(inbox, loop, client_for):
    client = client_for(loop.merchant)
    assert [n["title"] for n in client.get(URL, {"unread": "true"}).json()["results"]] == ["Due soon 2", "Due soon 1"]
    assert [n["title"] for n in client.get(URL, {"unread": "false"}).json()["results"]] == ["Due soon 0"]


def test_notices_read__one(inbox, loop, client_for):
    client = client_for(loop.merchant)
    notice = inbox.last()
    response = client.post(f"{URL}{notice.pk}/read/")
    assert response.status_code == 200
    assert response.json()["is_read"] is True
    assert response.json()["read_at"]
    assert client.get(f"{URL}unread-count/").json() == {"unread": 1}
    # Reading it again changes nothing.
    assert client.post(f"{URL}{notice.pk}/read/").json()["read_at"] == response.json()["read_at"]


def test_notices_read__someone_elses_is_404(inbox, loop, client_for):
    theirs = Notice.objects.get(recipient=loop.inspector)
    response = client_for(loop.merchant).post(f"{URL}{theirs.pk}/read/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_notices_read_all(inbox, loop, client_for):
    client = client_for(loop.merchant)
    assert client.get(f"{URL}unread-count/").json() == {"unread": 2}
    response = client.post(f"{URL}read-all/")
    assert response.status_code == 200
    assert response.json() == {"marked": 2}
    assert client.get(f"{URL}unread-count/").json() == {"unread": 0}
    # Only the caller's inbox.
    assert Notice.objects.get(recipient=loop.inspector).read_at is None


def test_notices__need_a_login(db):
    from rest_framework.test import APIClient

    assert APIClient().get(URL).status_code in (401, 403)
