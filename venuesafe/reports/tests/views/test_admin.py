import pytest
from django.urls import reverse

from venuesafe.reports.models import Open311Client

pytestmark = pytest.mark.django_db


def test_open311_client_admin__key_issued_and_shown_once(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "x-Passw0rd!")
    client.force_login(admin)
    response = client.post(
        reverse("admin:reports_open311client_add"),
        {"name": "南通12345", "contact_email": "ops@example.com", "is_active": "on"},
        follow=True,
    )
    assert response.status_code == 200
    issued = Open311Client.objects.get()
    assert issued.issued_by == admin and len(issued.api_key) >= 40
    assert issued.api_key in response.content.decode()
    page = client.get(reverse("admin:reports_open311client_change", args=[issued.pk])).content.decode()
    assert issued.api_key not in page
