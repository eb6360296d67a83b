import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from venuesafe.hazards.models import Hazard, HazardSource, HazardState
from venuesafe.selfchecks.models import SelfCheck, SelfCheckAnswer
from venuesafe.testing.factories import make_photo

from .helpers import items, logged_in, page_data


def url(shop) -> str:
    return f"/selfchecks/{shop.pk}/today/"


def nothing_saved() -> bool:
    return not SelfCheck.objects.exists() and not SelfCheckAnswer.objects.exists() and not Hazard.objects.exists()


def item_pk(shop, code: str) -> int:
    return next(i.pk for i in items(shop) if i.code == code)


def test_self_check_today__form_has_three_steps_hints_and_photo_inputs(shops):
    response = logged_in(shops.merchant).get(url(shops.shop))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="selfcheck-form"' in html
    for step in ("equipment", "wiring", "passages"):
        assert f'id="step-{step}"' in html
    extinguisher = item_pk(shops.shop, "SC-EQ-01")
    assert f'id="item-{extinguisher}-yes"' in html and f'id="item-{extinguisher}-no"' in html
    assert re.search(rf'name="photo-{extinguisher}"[^>]*accept="image/\*" capture="environment" aria-required', html)
    assert f'name="fix-{extinguisher}"' in html and f'name="proof-{extinguisher}"' in html
    assert "Needle in the green" in html  # the one-line hint (商户安全课堂)
    assert re.search(r'name="client_id" value="[0-9a-f-]{36}"', html)
    assert 'id="selfcheck-done"' not in html


def test_self_check_today__one_no_with_photo_creates_self_check_and_dispatched_hazard(shops):
    client = logged_in(shops.merchant)
    data = page_data(shops.shop, no={"SC-WI-01": {"note": "插座烧黑", "photo": make_photo("socket.jpg")}})
    response = client.post(url(shops.shop), data)
    assert response.status_code == 302
    assert response["Location"] == url(shops.shop)

    check = SelfCheck.objects.get()
    assert (check.venue, check.merchant, check.revision, check.failed_count) == (shops.shop, shops.merchant, 1, 1)
    assert check.answers.count() == len(items(shops.shop))
    hazard = Hazard.objects.get()
    assert hazard.source == HazardSource.SELF_CHECK
    assert hazard.state == HazardState.DISPATCHED
    assert hazard.responsible_merchant is True
    assert hazard.hazard_type.code == "ELE-01"

    page = client.get(url(shops.shop))
    html = page.content.decode()
    assert 'id="selfcheck-done"' in html and 'data-revision="1"' in html
    assert "Today's punch-in done at" in html and "(revision 1)" in html
    assert 'id="selfcheck-streak" data-streak="1"' in html
    assert f'href="/hazards/{hazard.pk}/"' in html
    assert 'id="selfcheck-hazards"' in html
    assert 'id="selfcheck-amend"' in html  # a second punch-in amends this one


def test_self_check_today__fix_now_goes_to_awaiting_review(shops):
    client = logged_in(shops.merchant)
    data = page_data(shops.shop, no={"SC-PA-02": {"fix": "on", "proof": make_photo("after.jpg")}})
    response = client.post(url(shops.shop), data)
    assert response.status_code == 302
    hazard = Hazard.objects.get()
    assert hazard.state == HazardState.AWAITING_REVIEW
    assert hazard.fixed_on_spot is True
    answer = SelfCheckAnswer.objects.get(hazard=hazard)
    assert answer.fixed_at_once is True and answer.ok is False


def test_self_check_today__fix_now_without_proof_photo_is_refused_next_to_the_item(shops):
    client = logged_in(shops.merchant)
    pk = item_pk(shops.shop, "SC-PA-02")
    response = client.post(url(shops.shop), page_data(shops.shop, no={"SC-PA-02": {"fix": "on"}}))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="selfcheck-error-summary"' in html
    assert f'id="errors-item-{pk}"' in html
    assert "Add a photo that shows it is fixed." in html
    assert f'id="fix-{pk}" value="on" checked' in html  # what was answered is kept
    assert nothing_saved()


def test_self_check_today__missing_required_photo_is_refused(shops):
    client = logged_in(shops.merchant)
    pk = item_pk(shops.shop, "SC-EQ-01")
    data = page_data(shops.shop)
    del data[f"photo-{pk}"]
    response = client.post(url(shops.shop), data)
    assert response.status_code == 400
    assert f'id="errors-item-{pk}"' in response.content.decode()
    assert "This item needs a photo." in response.content.decode()
    assert nothing_saved()


def test_self_check_today__non_image_photo_is_refused_with_its_item(shops):
    client = logged_in(shops.merchant)
    pk = item_pk(shops.shop, "SC-EQ-01")
    data = page_data(shops.shop)
    data[f"photo-{pk}"] = SimpleUploadedFile("gauge.jpg", b"not an image at all", content_type="image/jpeg")
    response = client.post(url(shops.shop), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="errors-item-{pk}"' in html
    assert f'href="#item-{pk}"' in html  # the summary links to the item
    assert nothing_saved()


def test_self_check_today__unanswered_item_is_refused(shops):
    client = logged_in(shops.merchant)
    pk = item_pk(shops.shop, "SC-WI-02")
    data = page_data(shops.shop)
    del data[f"item-{pk}"]
    response = client.post(url(shops.shop), data)
    assert response.status_code == 400
    assert "Answer yes or no." in response.content.decode()
    assert nothing_saved()


def test_self_check_today__same_client_id_twice_saves_once(shops):
    client = logged_in(shops.merchant)
    data = page_data(shops.shop, no={"SC-WI-01": {}})
    first = client.post(url(shops.shop), data)
    again = page_data(shops.shop, no={"SC-WI-01": {}}, client_id=data["client_id"])
    second = client.post(url(shops.shop), again, follow=True)
    assert first.status_code == 302
    assert second.status_code == 200
    assert "already saved" in second.content.decode()
    assert SelfCheck.objects.count() == 1
    assert Hazard.objects.count() == 1


def test_self_check_today__amend_same_day_is_revision_2_and_both_are_kept(shops):
    client = logged_in(shops.merchant)
    client.post(url(shops.shop), page_data(shops.shop))
    response = client.post(url(shops.shop), page_data(shops.shop, no={"SC-WI-02": {}}), follow=True)
    assert response.status_code == 200
    checks = list(SelfCheck.objects.order_by("revision"))
    assert [(c.revision, c.failed_count) for c in checks] == [(1, 0), (2, 1)]
    assert all(c.answers.count() == len(items(shops.shop)) for c in checks)
    html = response.content.decode()
    assert "(revision 2)" in html
    assert "The earlier version is kept." in html
    assert 'id="selfcheck-revisions"' in html
    assert 'data-revision="1"' in html and 'data-revision="2"' in html


@pytest.mark.parametrize("who", ["other_merchant", "grid_worker"])
def test_self_check_today__not_the_venues_merchant_gets_404_and_nothing_saved(shops, who):
    client = logged_in(getattr(shops, who))
    assert client.get(url(shops.shop)).status_code == 404
    assert client.post(url(shops.shop), page_data(shops.shop)).status_code == 404
    assert nothing_saved()


def test_self_check_today__logged_out_goes_to_login(shops, client):
    response = client.get(url(shops.shop))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
