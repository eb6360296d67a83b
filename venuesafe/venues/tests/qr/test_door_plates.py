"""Door plates (A5 PDF): one per venue, or a community's open venues in one file; read back with poppler and zxing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from venuesafe.testing.factories import Role, user_with_role, venue
from venuesafe.venues import qr
from venuesafe.venues.models import BusinessStatus, VenueMerchant

from . import pdftools

pytestmark = pytest.mark.django_db

A5_POINTS = "419.528 x 595.276 pts"  # 148 x 210 mm


def plate_url(v) -> str:
    return reverse("qr:door_plate", args=[v.pk])


def bulk_url(community) -> str:
    return f"{reverse('qr:door_plates')}?community={community.pk}"


# --- one venue ------------------------------------------------------------------------------


def test_door_plate__holds_name_grid_worker_and_the_qr_link(client, tmp_path, shop, worker):
    client.force_login(worker)
    response = client.get(plate_url(shop))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="door-plate-{shop.pk}.pdf"' in response["Content-Disposition"]
    pdf = pdftools.save(response.content, tmp_path)

    text = pdftools.text(pdf)
    assert "老王家常菜馆" in text
    assert "李网格" in text and "13800001111" in text
    assert shop.address in text

    info = pdftools.info(pdf)
    assert info["Pages"] == "1"
    assert info["Page size"] == A5_POINTS

    # What a phone camera reads on the printed plate: exactly the venue's absolute link.
    assert pdftools.qr_codes(pdf, tmp_path) == [[f"http://testserver/q/{shop.qr_token}/"]]


def test_door_plate__chinese_font_is_embedded(client, tmp_path, shop, worker):
    client.force_login(worker)
    pdf = pdftools.save(client.get(plate_url(shop)).content, tmp_path)
    fonts = pdftools.fonts(pdf)
    assert fonts, "the plate has text, so it has fonts"
    assert any("WenQuanYi" in f["name"] for f in fonts)
    # Every font travels inside the file: the plate prints the same on any printer.
    assert all(f["emb"] == "yes" for f in fonts), [f["line"] for f in fonts]


def test_door_plate__public_base_url__is_the_link_printed(client, tmp_path, settings, shop, worker):
    settings.PUBLIC_BASE_URL = "https://safe.example.cn"
    client.force_login(worker)
    pdf = pdftools.save(client.get(plate_url(shop)).content, tmp_path)
    assert pdftools.qr_codes(pdf, tmp_path) == [[f"https://safe.example.cn/q/{shop.qr_token}/"]]


def test_door_plate__printed_in_chinese_whatever_the_staff_language(client, tmp_path, shop, worker):
    client.force_login(worker)
    pdf = pdftools.save(client.get(plate_url(shop), HTTP_ACCEPT_LANGUAGE="en").content, tmp_path)
    # The category is data with both names: the plate takes the Chinese one.
    assert shop.category.name in pdftools.text(pdf)
    assert shop.category.name_en not in pdftools.text(pdf)


def test_door_plate__merchant__gets_their_own_venue_only(client, district, shop, merchant):
    other = venue(district.comm_a1, district.grid_a1a)
    client.force_login(merchant)
    assert client.get(plate_url(shop)).status_code == 200
    assert client.get(plate_url(other)).status_code == 404


def test_door_plate__staff_of_another_street__404(client, shop, street_b_office):
    client.force_login(street_b_office)
    assert client.get(plate_url(shop)).status_code == 404


def test_door_plate__anonymous__sent_to_login(client, shop):
    response = client.get(plate_url(shop))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_door_plate__deregistered_venue__refused_with_a_message(client, shop, worker):
    shop.business_status = BusinessStatus.CLOSED
    shop.save(update_fields=["business_status"])
    client.force_login(worker)
    response = client.get(plate_url(shop), HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert response.redirect_chain[-1][0] == reverse("venues:detail", args=[shop.pk])
    assert "deregistered" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")


def test_door_plate__no_grid_worker__plate_says_whom_to_ask(client, tmp_path, district, worker):
    v = venue(district.comm_a1, district.grid_a1a, sign_name="无网格员小店")
    client.force_login(worker)
    text = pdftools.text(pdftools.save(client.get(plate_url(v)).content, tmp_path))
    assert "无网格员小店" in text
    assert "李网格" not in text


# --- a community in bulk --------------------------------------------------------------------


@pytest.fixture
def community_a1(district, shop, worker):
    """A1 has three open venues over two grids and a deregistered one; A2 next door has one more."""
    second = venue(district.comm_a1, district.grid_a1a, sign_name="仁和理发店", grid_worker=worker)
    third = venue(district.comm_a1, district.grid_a1b, sign_name="仁和五金店")
    closed = venue(district.comm_a1, district.grid_a1a, sign_name="已注销小店", business_status=BusinessStatus.CLOSED)
    elsewhere = venue(district.comm_a2, district.grid_a2a, sign_name="天和便利店")
    return {"open": [shop, second, third], "closed": closed, "elsewhere": elsewhere}


def test_door_plates__one_page_per_open_venue_of_the_community(client, tmp_path, district, community_a1):
    staff = user_with_role(Role.COMMUNITY_STAFF, district.comm_a1)
    client.force_login(staff)
    response = client.get(bulk_url(district.comm_a1))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = pdftools.save(response.content, tmp_path)

    assert pdftools.info(pdf)["Pages"] == "3"
    pages = pdftools.page_texts(pdf)
    names = {v.sign_name for v in community_a1["open"]}
    assert {name for name in names for page in pages if name in page} == names
    text = "".join(pages)
    assert "已注销小店" not in text
    assert "天和便利店" not in text
    # Each page's code leads to the venue named on that page.
    codes = pdftools.qr_codes(pdf, tmp_path)
    tokens = {v.sign_name: v.qr_token for v in community_a1["open"]}
    for page, found in zip(pages, codes, strict=True):
        name = next(n for n in names if n in page)
        assert found == [f"http://testserver/q/{tokens[name]}/"]


def test_door_plates__grid_worker__only_the_venues_in_their_grid(client, tmp_path, district, community_a1, worker):
    client.force_login(worker)
    pdf = pdftools.save(client.get(bulk_url(district.comm_a1)).content, tmp_path)
    text = pdftools.text(pdf)
    assert pdftools.info(pdf)["Pages"] == "2"
    assert "老王家常菜馆" in text and "仁和理发店" in text
    assert "仁和五金店" not in text  # grid A1b


def test_door_plates__community_out_of_scope__404(client, district, community_a1):
    client.force_login(user_with_role(Role.COMMUNITY_STAFF, district.comm_a2))
    assert client.get(bulk_url(district.comm_a1)).status_code == 404


def test_door_plates__merchant__404(client, district, community_a1, merchant):
    client.force_login(merchant)
    assert client.get(bulk_url(district.comm_a1)).status_code == 404


@pytest.mark.parametrize("query", ["", "?community=", "?community=abc", "?community=999999"])
def test_door_plates__no_valid_community__404(client, district, street_a_office, query):
    client.force_login(street_a_office)
    assert client.get(reverse("qr:door_plates") + query).status_code == 404


def test_door_plates__a_grid_is_not_a_community__404(client, district, street_a_office, community_a1):
    client.force_login(street_a_office)
    assert client.get(bulk_url(district.grid_a1a)).status_code == 404


def test_door_plates__over_the_cap__refused_with_a_message(client, monkeypatch, district, community_a1):
    monkeypatch.setattr(qr, "DOOR_PLATE_BULK_CAP", 2)
    client.force_login(user_with_role(Role.COMMUNITY_STAFF, district.comm_a1))
    response = client.get(bulk_url(district.comm_a1), HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert response.redirect_chain[-1][0] == reverse("venues:list")
    assert "has 3 open venues, but one file holds at most 2 door plates" in response.content.decode()


def test_door_plates__no_open_venue__refused_with_a_message(client, district):
    client.force_login(user_with_role(Role.COMMUNITY_STAFF, district.comm_b1))
    response = client.get(bulk_url(district.comm_b1), HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert response.redirect_chain[-1][0] == reverse("venues:list")
    assert "no open venues" in response.content.decode()


# --- where staff find them ------------------------------------------------------------------


def door_plates_form(body: str) -> str:
    start = body.rindex("<form", 0, body.index('id="door-plates-form"'))
    return body[start : body.index("</form>", start)]


def test_venue_list__offers_door_plates_for_the_communities_in_scope(client, district, street_a_office):
    client.force_login(street_a_office)
    form = door_plates_form(client.get(reverse("venues:list")).content.decode())
    assert f'action="{reverse("qr:door_plates")}"' in form
    assert f'value="{district.comm_a1.pk}"' in form and f'value="{district.comm_a2.pk}"' in form
    assert f'value="{district.comm_b1.pk}"' not in form


def test_venue_list__grid_worker__door_plates_for_their_community(client, district, worker):
    client.force_login(worker)
    form = door_plates_form(client.get(reverse("venues:list")).content.decode())
    assert f'value="{district.comm_a1.pk}"' in form
    assert f'value="{district.comm_a2.pk}"' not in form


def test_venue_list__merchant__no_door_plates_form(client, merchant):
    client.force_login(merchant)
    assert 'id="door-plates-form"' not in client.get(reverse("venues:list")).content.decode()


def test_venue_detail__links_to_its_door_plate(client, shop, worker, merchant):
    for user in (worker, merchant):
        client.force_login(user)
        body = client.get(reverse("venues:detail", args=[shop.pk])).content.decode()
        assert f'href="{plate_url(shop)}"' in body


def test_venue_merchant_binding__is_what_opens_the_plate(client, district, shop):
    user = user_with_role(Role.MERCHANT, district.comm_a1)
    client.force_login(user)
    assert client.get(plate_url(shop)).status_code == 404
    VenueMerchant.objects.create(venue=shop, user=user)
    assert client.get(plate_url(shop)).status_code == 200
