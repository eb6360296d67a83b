import pytest
from django.urls import reverse

from venuesafe.testing.factories import UserFactory, make_uscc, venue
from venuesafe.venues.models import Venue, VenueMerchant

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(district):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.mark.parametrize(
    "name",
    [
        "admin:venues_venue_changelist",
        "admin:venues_venuecategory_changelist",
        "admin:venues_categorydepartment_changelist",
        "admin:venues_venuemerchant_changelist",
        "admin:accounts_user_changelist",
        "admin:accounts_roleassignment_changelist",
        "admin:accounts_user_add",
    ],
)
def test_admin__pages_load(client, superuser, name):
    client.force_login(superuser)
    assert client.get(reverse(name)).status_code == 200


def test_admin__venue_is_view_only(client, district, superuser):
    v = venue(district.comm_a1)
    client.force_login(superuser)
    url = reverse("admin:venues_venue_change", args=[v.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"sign_name": "changed", "licence_no": make_uscc(9)})
    v.refresh_from_db()
    assert v.sign_name != "changed"
    assert client.get(reverse("admin:venues_venue_history", args=[v.pk])).status_code == 200
    assert client.post(reverse("admin:venues_venue_delete", args=[v.pk])).status_code == 403
    assert Venue.objects.filter(pk=v.pk).exists()


def test_admin__user_change_page_with_roles(client, district, superuser):
    client.force_login(superuser)
    assert client.get(reverse("admin:accounts_user_change", args=[superuser.pk])).status_code == 200


def test_admin__merchant_link_goes_through_service(client, district, superuser):
    v = venue(district.comm_a1)
    merchant = UserFactory()
    client.force_login(superuser)
    response = client.post(reverse("admin:venues_venuemerchant_add"), {"venue": v.pk, "user": merchant.pk})
    assert response.status_code == 302
    assert VenueMerchant.objects.filter(venue=v, user=merchant).count() == 1
