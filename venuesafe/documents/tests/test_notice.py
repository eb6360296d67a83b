"""The rectification notice (隐患整改通知书): read back with poppler and zxing as a person and a phone would."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from venuesafe.documents import notice, selectors
from venuesafe.hazards.models import Hazard
from venuesafe.hazards.tests.services.world import T0
from venuesafe.inspections.tests.services.helpers import submit
from venuesafe.testing.factories import Role, make_photo, user_with_role

from . import pdfread

pytestmark = pytest.mark.django_db

A4_POINTS = "595.276 x 841.89 pts"


def notice_url(inspection) -> str:
    return reverse("documents:inspection_notice", args=[inspection.pk])


def api_url(inspection) -> str:
    return reverse("api-documents-inspection-notice", args=[inspection.pk])


@pytest.fixture
def inspection(world, clock_at):
    """At T0 the inspector finds a blocked exit (deadline set) and fixes broken emergency lighting on the spot."""
    clock_at(T0)
    result = submit(
        world,
        fails={
            "GEN-01": {"note": "后门堆放纸箱", "photos": [make_photo()]},
            "GEN-03": {"note": "应急灯不亮，当场更换", "fixed_on_spot": True, "proof_photos": [make_photo("fix.jpg")]},
        },
    )
    return result.inspection


def hazards_of(inspection) -> list[Hazard]:
    return list(Hazard.objects.filter(inspection=inspection).select_related("hazard_type").order_by("id"))


def get_pdf(client, user, url, tmp_path, **headers):
    client.force_login(user)
    response = client.get(url, **headers)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    return pdfread.save(response.content, tmp_path)


def test_notice__holds_the_venue_each_hazard_its_deadline_and_legal_basis(client, tmp_path, world, inspection):
    pdf = get_pdf(client, world.inspector, notice_url(inspection), tmp_path)
    raw = pdfread.compact(pdfread.raw(pdf))
    venue = world.venue

    for value in (venue.sign_name, venue.address, venue.operator_name, venue.licence_no, "巡查员甲"):
        assert pdfread.compact(value) in raw, value
    hazards = hazards_of(inspection)
    assert {h.hazard_type.code for h in hazards} == {"EVA-01", "EVA-03"}
    for h in hazards:
        assert pdfread.compact(h.hazard_type.name) in raw
        assert h.hazard_type.regulation, "the catalogue gives every entry its legal basis"
        assert pdfread.compact(h.hazard_type.regulation) in raw
    blocked = next(h for h in hazards if h.hazard_type.code == "EVA-01")
    # The deadline in Shanghai time (T0 is 08:00 there; EVA-01 is to be corrected within 24 h).
    assert timezone.localtime(blocked.deadline).strftime("%Y-%m-%d %H:%M") == "2026-03-03 08:00"
    assert "2026-03-0308:00" in raw
    # The one fixed on the spot says so instead of a deadline.
    assert pdfread.compact(pdfread.zh(_, "Fixed on the spot")) in raw
    # Notes the inspector wrote at this inspection.
    assert "后门堆放纸箱" in raw

    # Title, the stable document number, the two signature lines.
    assert pdfread.compact(pdfread.zh(_, "Rectification notice")) in raw
    number = pdfread.zh(notice.document_number, selectors.notice_data(user=world.inspector, inspection=inspection))
    assert pdfread.compact(number) in raw
    assert "陈桥" in number and "2026" in number and str(inspection.pk) in number
    assert pdfread.compact(pdfread.zh(_, "Inspector's signature:")) in raw
    assert pdfread.compact(pdfread.zh(_, "Signature of the person in charge of the venue:")) in raw

    assert pdfread.info(pdf)["Page size"].startswith(A4_POINTS)


def test_notice__qr_code_leads_to_the_inspection_page_which_the_merchant_can_open(client, tmp_path, world, inspection):
    pdf = get_pdf(client, world.inspector, notice_url(inspection), tmp_path)
    codes = [code for page in pdfread.qr_codes(pdf, tmp_path) for code in page]
    link = f"http://testserver{reverse('inspections:detail', args=[inspection.pk])}"
    assert codes == [link]

    # The venue's merchant opens it and sees the state of each of its hazards.
    client.force_login(world.merchant)
    page = client.get(link)
    assert page.status_code == 200
    body = page.content.decode()
    for h in hazards_of(inspection):
        assert f'data-hazard-id="{h.pk}"' in body
    # So do the staff of the community.
    client.force_login(world.comm)
    assert client.get(link).status_code == 200


def test_notice__public_base_url__is_the_link_in_the_code(client, tmp_path, settings, world, inspection):
    settings.PUBLIC_BASE_URL = "https://safe.example.cn"
    pdf = get_pdf(client, world.comm, notice_url(inspection), tmp_path)
    codes = [code for page in pdfread.qr_codes(pdf, tmp_path) for code in page]
    assert codes == [f"https://safe.example.cn/inspections/{inspection.pk}/"]


def test_notice__pages_render_to_png_and_the_chinese_font_is_embedded(client, tmp_path, world, inspection):
    pdf = get_pdf(client, world.inspector, notice_url(inspection), tmp_path)
    pages = pdfread.pngs(pdf, tmp_path)
    assert len(pages) == int(pdfread.info(pdf)["Pages"]) >= 1
    for png in pages:
        with Image.open(png) as image:
            width, height = image.size  # A4 at 72 dpi, give or take pdftoppm's rounding
            assert abs(width - 595) <= 1 and abs(height - 842) <= 1
            # Not a blank page: a good share of it is ink.
            dark = pdfread.dark_pixels(image)
            assert dark > 2000
    fonts = pdfread.fonts(pdf)
    assert fonts and all(f["emb"] == "yes" for f in fonts), [f["line"] for f in fonts]


def test_notice__printed_in_chinese_whatever_the_reader_language(client, tmp_path, world, inspection):
    pdf = get_pdf(client, world.inspector, notice_url(inspection), tmp_path, HTTP_ACCEPT_LANGUAGE="en")
    raw = pdfread.raw(pdf)
    category = world.venue.category
    assert category.name in raw
    assert category.name_en not in raw


def test_notice__merchant_of_the_venue_may_print_it(client, tmp_path, world, inspection):
    pdf = get_pdf(client, world.merchant, notice_url(inspection), tmp_path)
    assert pdfread.compact(world.venue.sign_name) in pdfread.compact(pdfread.raw(pdf))


@pytest.mark.parametrize("who", ["street_b", "other_merchant", "comm_a2"])
def test_notice__inspection_out_of_scope__404(client, world, inspection, who):
    client.force_login(getattr(world, who))
    assert client.get(notice_url(inspection)).status_code == 404
    response = client.get(api_url(inspection))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_notice__unknown_inspection__404(client, world):
    client.force_login(world.street)
    assert client.get(reverse("documents:inspection_notice", args=[999999])).status_code == 404


def test_notice__anonymous__sent_to_login(client, world, inspection):
    response = client.get(notice_url(inspection))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert client.get(api_url(inspection)).status_code in (401, 403)


def test_notice__no_hazards_found__a_record_saying_so(client, tmp_path, world, clock_at):
    clock_at(T0)
    clean = submit(world).inspection
    pdf = get_pdf(client, world.inspector, notice_url(clean), tmp_path)
    raw = pdfread.compact(pdfread.raw(pdf))
    assert pdfread.compact(world.venue.sign_name) in raw
    said = pdfread.zh(
        lambda: (
            _(
                "On %(date)s our staff inspected your premises and found no hazards. This notice records the "
                "inspection; nothing needs to be rectified. Keep up the daily self-checks."
            )
            % {"date": "2026-03-02"}
        )
    )
    assert pdfread.compact(said) in raw
    assert pdfread.compact(pdfread.zh(_, "Legal basis")) not in raw  # no hazard table


def test_notice__api__same_pdf_for_whoever_sees_the_inspection(client, tmp_path, world, inspection):
    pdf = get_pdf(client, world.street, api_url(inspection), tmp_path, HTTP_ACCEPT="application/pdf")
    raw = pdfread.compact(pdfread.raw(pdf))
    for h in hazards_of(inspection):
        assert pdfread.compact(h.hazard_type.name) in raw


def test_notice__withdrawn_hazard_is_left_off(client, tmp_path, world, inspection):
    from venuesafe.hazards import services

    blocked = next(h for h in hazards_of(inspection) if h.hazard_type.code == "EVA-01")
    services.hazard_withdraw(hazard=blocked, actor=world.street, reason="误录")
    pdf = get_pdf(client, world.inspector, notice_url(inspection), tmp_path)
    raw = pdfread.compact(pdfread.raw(pdf))
    assert pdfread.compact(blocked.hazard_type.name) not in raw
    assert "EVA-03" in raw


def test_inspection_page__links_to_its_notice(client, world, inspection):
    for user in (world.inspector, world.merchant, user_with_role(Role.STREET_OFFICE, world.d.street_a)):
        client.force_login(user)
        body = client.get(reverse("inspections:detail", args=[inspection.pk])).content.decode()
        assert f'href="{notice_url(inspection)}"' in body
