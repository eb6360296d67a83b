"""The whole loop through the API: found → dispatched → proof → review failed → proof → passed → closed."""

from venuesafe.hazards.models import Hazard, HazardPhoto
from venuesafe.inspections.tests.api.helpers import submit_with_failure
from venuesafe.testing.factories import make_photo

from .helpers import url

FIGURES = "/api/v1/hazards/figures/"


def test_hazard_loop__through_the_api(loop, client_for):
    inspector, merchant, office = client_for(loop.inspector), client_for(loop.merchant), client_for(loop.street_office)

    def totals():
        body = office.get(FIGURES)
        assert body.status_code == 200, body.content
        return body.json()["total"]

    assert totals()["found"] == 0

    # The inspector finds a blocked exit, with a photo; the venue's merchant gets the work order.
    submitted = submit_with_failure(inspector, loop.venue.pk)
    assert submitted.status_code == 201, submitted.content
    hazard_id = submitted.json()["hazards"][0]["id"]
    assert submitted.json()["hazards"][0]["state"] == "dispatched"
    assert (totals()["found"], totals()["open"], totals()["closed"]) == (1, 1, 0)

    mine = merchant.get("/api/v1/hazards/", {"mine": "true", "state": "open"}).json()["results"]
    assert [h["id"] for h in mine] == [hazard_id]
    hazard = Hazard.objects.get(pk=hazard_id)
    detail = merchant.get(url(hazard)).json()
    assert "submit_proof" in [a["action"] for a in detail["allowed_actions"]]

    # Proof, a failed review with the reason, proof again, a passed review.
    first = merchant.post(
        url(hazard, "proof"),
        {"photos": [make_photo("after1.jpg")], "note": "已清理", "version": detail["version"]},
        format="multipart",
    )
    assert first.status_code == 200, first.content
    assert first.json()["state"] == "awaiting_review"

    failed = inspector.post(
        url(hazard, "review-fail"),
        {"reason": "安全出口仍被货物堵塞", "version": first.json()["version"]},
        format="json",
    )
    assert failed.status_code == 200, failed.content
    assert failed.json()["state"] == "rectifying"

    second = merchant.post(url(hazard, "proof"), {"photos": [make_photo("after2.jpg")]}, format="multipart")
    assert second.status_code == 200, second.content
    assert second.json()["state"] == "awaiting_review"

    passed = inspector.post(url(hazard, "review-pass"), {"note": "复核通过", "lat": 32.0513, "lng": 120.8635})
    assert passed.status_code == 200, passed.content
    assert passed.json()["state"] == "closed"
    assert [a["action"] for a in passed.json()["allowed_actions"]] == ["reopen"]

    # Timeline, photos, figures and the merchant's inbox tell the same story.
    events = office.get(url(hazard, "events")).json()
    assert [e["kind"] for e in events] == [
        "found",
        "dispatched",
        "proof_submitted",
        "review_failed",
        "proof_submitted",
        "review_passed",
    ]
    assert events[3]["note"] == "安全出口仍被货物堵塞"
    assert HazardPhoto.objects.filter(hazard=hazard, kind="proof").count() == 2
    figures = totals()
    assert (figures["found"], figures["closed"], figures["open"]) == (1, 1, 0)
    assert figures["closed_on_time"] == 1
    assert figures["mean_rectification_hours"] is not None

    inbox = merchant.get("/api/v1/notices/").json()["results"]
    kinds = [n["kind"] for n in inbox if n["hazard"] == hazard_id]
    assert sorted(kinds) == ["dispatched", "review_failed", "review_passed"]
    assert merchant.get("/api/v1/notices/unread-count/").json() == {"unread": 3}
