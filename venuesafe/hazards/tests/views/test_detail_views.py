import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from venuesafe.hazards import services
from venuesafe.hazards.models import EventKind, Hazard, HazardPhoto, HazardState
from venuesafe.testing.factories import make_photo, venue

pytestmark = pytest.mark.django_db
S = HazardState


def _forms(response):
    return [entry["action"] for entry in response.context["forms"]]


def _act(client, hazard, action, **fields):
    """POST one action form as the page sends it: fields prefixed by the action, with the version."""
    hazard.refresh_from_db()
    data = {f"{action}-version": hazard.version}
    data.update({f"{action}-{k}": v for k, v in fields.items()})
    with translation.override("en"):
        return client.post(reverse("hazards:action", args=[hazard.pk, action]), data, HTTP_ACCEPT_LANGUAGE="en")


def _local_input(when: dt.datetime) -> str:
    return timezone.localtime(when).strftime("%Y-%m-%dT%H:%M")


def test_detail__shows_timeline_photos_and_only_allowed_forms(client, loop):
    h = loop.hazard_in(S.AWAITING_REVIEW)
    client.force_login(loop.inspector2)
    response = client.get(reverse("hazards:detail", args=[h.pk]))
    assert response.status_code == 200
    assert _forms(response) == ["review_pass", "review_fail"]
    body = response.content.decode()
    kinds = [row["event"].kind for row in response.context["timeline"]]
    assert kinds == [EventKind.FOUND, EventKind.DISPATCHED, EventKind.ACKNOWLEDGED, EventKind.PROOF_SUBMITTED]
    assert 'id="hazard-timeline"' in body
    assert 'data-kind="proof_submitted"' in body and "已清理" in body
    assert 'id="hazard-action-review_pass"' in body and 'id="hazard-action-review_fail"' in body
    assert 'id="hazard-action-dispatch"' not in body and 'id="hazard-action-submit_proof"' not in body
    assert f'name="review_pass-version" value="{h.version}"' in body
    # Before and after side by side.
    assert 'data-photo-kind="evidence"' in body.split('id="photos-after"')[0]
    assert 'data-photo-kind="proof"' in body.split('id="photos-after"')[1]


def test_detail__forms_by_role_and_state(client, loop):
    h = loop.found()
    client.force_login(loop.comm)
    assert _forms(client.get(reverse("hazards:detail", args=[h.pk]))) == ["dispatch"]
    client.force_login(loop.street)
    assert _forms(client.get(reverse("hazards:detail", args=[h.pk]))) == ["dispatch", "extend_deadline", "withdraw"]
    client.force_login(loop.merchant)
    assert _forms(client.get(reverse("hazards:detail", args=[h.pk]))) == []
    services.hazard_dispatch(hazard=h, actor=loop.comm, party=services.ResponsibleParty(merchant=True))
    assert _forms(client.get(reverse("hazards:detail", args=[h.pk]))) == ["acknowledge", "submit_proof"]


def test_detail__out_of_scope_is_404(client, loop, district):
    h = loop.found(venue=venue(district.comm_b1))
    client.force_login(loop.comm)
    assert client.get(reverse("hazards:detail", args=[h.pk])).status_code == 404
    assert _act(client, h, "dispatch", merchant="on").status_code == 404
    client.force_login(loop.merchant)
    assert client.get(reverse("hazards:detail", args=[loop.found(venue=loop.venue_a2).pk])).status_code == 404


def test_action__dispatch(client, loop):
    h = loop.found()
    client.force_login(loop.comm)
    deadline = timezone.now() + dt.timedelta(days=5)
    response = _act(
        client, h, "dispatch", merchant="on", responsible_community=loop.d.comm_a1.pk, deadline=_local_input(deadline)
    )
    assert response.status_code == 302
    h.refresh_from_db()
    assert h.state == S.DISPATCHED
    assert h.responsible_merchant and h.responsible_community == loop.d.comm_a1
    assert abs((h.deadline - deadline).total_seconds()) < 60
    with translation.override("en"):
        detail = client.get(response.url)
    assert "Work order dispatched." in [str(m) for m in detail.context["messages"]]
    assert _forms(detail) == ["acknowledge", "submit_proof"]  # community staff may act for the merchant


def test_action__dispatch_without_party_shows_error(client, loop):
    h = loop.found()
    client.force_login(loop.comm)
    response = _act(client, h, "dispatch", note="x")
    assert response.status_code == 400
    assert "Choose who is responsible" in response.content.decode()
    h.refresh_from_db()
    assert h.state == S.FOUND


def test_action__redispatch(client, loop):
    h = loop.hazard_in(S.DISPATCHED)
    client.force_login(loop.street)
    response = _act(client, h, "redispatch", responsible_community=loop.d.comm_a1.pk, reason="商户失联")
    assert response.status_code == 302
    h.refresh_from_db()
    assert h.state == S.DISPATCHED and not h.responsible_merchant
    assert h.events.filter(kind=EventKind.REDISPATCHED, note="商户失联").exists()


def test_action__acknowledge_and_proof_by_merchant(client, loop):
    h = loop.hazard_in(S.DISPATCHED)
    client.force_login(loop.merchant)
    assert _act(client, h, "acknowledge", note="马上整改").status_code == 302
    h.refresh_from_db()
    assert h.state == S.RECTIFYING
    response = _act(client, h, "submit_proof", note="已更换", photos=[make_photo("a.jpg"), make_photo("b.jpg")])
    assert response.status_code == 302
    h.refresh_from_db()
    assert h.state == S.AWAITING_REVIEW
    assert HazardPhoto.objects.filter(hazard=h, kind="proof").count() == 2


def test_action__proof_without_photo_shows_error(client, loop):
    h = loop.hazard_in(S.RECTIFYING)
    client.force_login(loop.merchant)
    response = _act(client, h, "submit_proof", note="已更换")
    assert response.status_code == 400
    assert "Add at least one photo." in response.content.decode()
    h.refresh_from_db()
    assert h.state == S.RECTIFYING


def test_action__review_pass_with_position(client, loop):
    h = loop.hazard_in(S.AWAITING_REVIEW)
    client.force_login(loop.inspector2)
    response = _act(client, h, "review_pass", note="合格", lat="32.05", lng="120.85", accuracy_m="9")
    assert response.status_code == 302
    h.refresh_from_db()
    assert h.state == S.CLOSED
    event = h.events.get(kind=EventKind.REVIEW_PASSED)
    assert (event.lat, event.lng, event.accuracy_m) == (32.05, 120.85, 9)


def test_action__review_fail(client, loop):
    h = loop.hazard_in(S.AWAITING_REVIEW)
    client.force_login(loop.inspector2)
    assert _act(client, h, "review_fail").status_code == 400  # a reason is needed
    h.refresh_from_db()
    assert h.state == S.AWAITING_REVIEW
    response = _act(client, h, "review_fail", reason="仍有杂物", photos=[make_photo("still.jpg")])
    assert response.status_code == 302
    h.refresh_from_db()
    assert h.state == S.RECTIFYING
    assert HazardPhoto.objects.filter(hazard=h, kind="review").count() == 1


def test_action__reopen(client, loop):
    h = loop.hazard_in(S.CLOSED)
    client.force_login(loop.inspector2)
    assert _act(client, h, "reopen", reason="又堆上了").status_code == 302
    h.refresh_from_db()
    assert h.state == S.RECTIFYING


def test_action__extend_deadline(client, loop):
    h = loop.hazard_in(S.RECTIFYING)
    new = h.deadline + dt.timedelta(days=3)
    client.force_login(loop.street)
    assert _act(client, h, "extend_deadline", deadline=_local_input(new), reason="等配件").status_code == 302
    h.refresh_from_db()
    assert abs((h.deadline - new).total_seconds()) < 60
    assert h.events.filter(kind=EventKind.DEADLINE_EXTENDED).exists()


def test_action__withdraw(client, loop):
    h = loop.found()
    client.force_login(loop.street)
    assert _act(client, h, "withdraw", reason="误录").status_code == 302
    h.refresh_from_db()
    assert h.state == S.WITHDRAWN


def test_action__stale_version_says_so_and_changes_nothing(client, loop):
    h = loop.hazard_in(S.AWAITING_REVIEW)
    old_version = h.version
    services.hazard_review_fail(hazard=h, actor=loop.inspector, reason="仍有杂物")  # another reviewer was first
    h.refresh_from_db()
    events_before = h.events.count()
    client.force_login(loop.inspector2)
    data = {"review_pass-version": old_version, "review_pass-note": "合格"}
    with translation.override("en"):
        response = client.post(reverse("hazards:action", args=[h.pk, "review_pass"]), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    messages = [str(m) for m in response.context["messages"]]
    assert any("changed since you opened it" in m for m in messages)
    h.refresh_from_db()
    assert h.state == S.RECTIFYING
    assert h.events.count() == events_before
    assert 'id="hazard-action-review_pass"' not in response.content.decode()


def test_action__stale_version_same_state(client, loop):
    h = loop.hazard_in(S.RECTIFYING)
    old_version = h.version
    services.hazard_extend_deadline(
        hazard=h, actor=loop.street, deadline=h.deadline + dt.timedelta(days=1), reason="等配件"
    )
    h.refresh_from_db()
    client.force_login(loop.merchant)
    data = {"submit_proof-version": old_version, "submit_proof-photos": [make_photo()]}
    with translation.override("en"):
        response = client.post(reverse("hazards:action", args=[h.pk, "submit_proof"]), data)
    assert response.status_code == 409
    h.refresh_from_db()
    assert h.state == S.RECTIFYING
    assert HazardPhoto.objects.filter(hazard=h, kind="proof").count() == 0


def test_action__not_allowed_is_403(client, loop):
    h = loop.hazard_in(S.AWAITING_REVIEW)
    client.force_login(loop.merchant)
    assert _act(client, h, "review_pass", note="自己说合格").status_code == 403
    client.force_login(loop.comm)
    assert _act(client, h, "withdraw", reason="x").status_code == 403
    h.refresh_from_db()
    assert h.state == S.AWAITING_REVIEW


def test_action__unknown_action_is_404(client, loop):
    h = loop.found()
    client.force_login(loop.street)
    assert client.post(reverse("hazards:action", args=[h.pk, "delete"])).status_code == 404


def test_detail__own_proof_hides_review_forms(client, loop):
    h = loop.hazard_in(S.RECTIFYING)
    services.hazard_submit_proof(hazard=h, actor=loop.comm, photos=[make_photo()])
    client.force_login(loop.comm)
    response = client.get(reverse("hazards:detail", args=[h.pk]))
    assert "review_pass" not in _forms(response)
    assert 'id="hazard-own-proof"' in response.content.decode()


def test_detail__wrong_state_post_shows_current_state(client, loop):
    h = loop.hazard_in(S.CLOSED)
    client.force_login(loop.inspector2)
    response = _act(client, h, "review_pass", note="again")
    assert response.status_code == 409
    assert Hazard.objects.get(pk=h.pk).state == S.CLOSED
    assert _forms(response) == ["reopen"]
