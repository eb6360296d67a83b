"""Builders shared by the page and API tests of the self-check: a shop with a merchant account,
the staff around it, and a shop in another street with its own merchant."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.test import Client

from venuesafe.accounts.models import Role, User
from venuesafe.selfchecks.models import SelfCheckItem
from venuesafe.selfchecks.selectors import items_for_venue
from venuesafe.selfchecks.services import SelfCheckAnswerInput, self_check_submit
from venuesafe.testing.factories import District, make_photo, user_with_role, venue
from venuesafe.venues.models import Venue, VenueMerchant


@dataclass
class Shops:
    district: District
    shop: Venue  # grid A1a, community A1, street A
    merchant: User
    grid_worker: User
    community_staff: User
    street_office: User
    inspector: User
    other_shop: Venue  # community B1, street B
    other_merchant: User
    other_community_staff: User


def build_shops(district: District) -> Shops:
    shop = venue(district.comm_a1, district.grid_a1a, sign_name="老王便利店")
    merchant = user_with_role(Role.MERCHANT, district.comm_a1, full_name="商户老王")
    VenueMerchant.objects.create(venue=shop, user=merchant)
    other = venue(district.comm_b1, district.grid_b1a, sign_name="幸福小吃")
    other_merchant = user_with_role(Role.MERCHANT, district.comm_b1)
    VenueMerchant.objects.create(venue=other, user=other_merchant)
    return Shops(
        district=district,
        shop=shop,
        merchant=merchant,
        grid_worker=user_with_role(Role.GRID_WORKER, district.grid_a1a, full_name="网格员小张"),
        community_staff=user_with_role(Role.COMMUNITY_STAFF, district.comm_a1),
        street_office=user_with_role(Role.STREET_OFFICE, district.street_a),
        inspector=user_with_role(Role.INSPECTOR, district.comm_a1),
        other_shop=other,
        other_merchant=other_merchant,
        other_community_staff=user_with_role(Role.COMMUNITY_STAFF, district.comm_b1),
    )


def logged_in(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def items(shop: Venue) -> list[SelfCheckItem]:
    return list(items_for_venue(shop))


def page_data(shop: Venue, *, no: dict[str, dict] | None = None, client_id=None) -> dict:
    """A punch-in as the page posts it: "yes" to every item except the codes in `no` (with their extra
    fields, e.g. {"fix": "on", "proof": make_photo()}), a photo wherever the item asks for one."""
    no = no or {}
    data: dict = {"client_id": str(client_id or uuid.uuid4())}
    for item in items(shop):
        pk = item.pk
        data[f"item-{pk}"] = "no" if item.code in no else "yes"
        if item.photo_required:
            data[f"photo-{pk}"] = make_photo(f"{item.code}.jpg")
        for part, value in no.get(item.code, {}).items():
            data[f"{part}-{pk}"] = value
    return data


def punch_in(shop: Venue, merchant: User) -> None:
    """A punch-in through the service: every item "yes"."""
    answers = [
        SelfCheckAnswerInput(item=i.pk, ok=True, photo=make_photo() if i.photo_required else None) for i in items(shop)
    ]
    self_check_submit(actor=merchant, venue=shop, client_id=uuid.uuid4(), answers=answers)
