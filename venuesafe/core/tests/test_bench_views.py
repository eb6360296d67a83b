"""The benchmark's bare endpoint: mounted only when asked for, never in production, and it inserts one row."""

import uuid

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIRequestFactory

from venuesafe.accounts.models import Role
from venuesafe.core.bench_views import BENCH_ENDPOINT, BareInsertApi, bench_endpoints_enabled
from venuesafe.core.models import IdempotencyKey
from venuesafe.testing.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_bench_endpoints__off_by_default_and_never_in_production(settings):
    settings.BENCH_ENDPOINTS = False
    assert not bench_endpoints_enabled()
    assert Client().post("/bench/insert/", {}, content_type="application/json").status_code == 404

    settings.BENCH_ENDPOINTS = True
    assert bench_endpoints_enabled()
    settings.PRODUCTION = True
    assert not bench_endpoints_enabled()


def test_bench_insert__token_authenticated_one_row(district):
    user = user_with_role(Role.INSPECTOR, district.comm_a1)
    token = Token.objects.create(user=user)
    factory = APIRequestFactory()
    client_id = str(uuid.uuid4())

    anonymous = BareInsertApi.as_view()(factory.post("/bench/insert/", {"client_id": client_id}, format="json"))
    assert anonymous.status_code == 401
    assert not IdempotencyKey.objects.exists()

    request = factory.post(
        "/bench/insert/", {"client_id": client_id}, format="json", HTTP_AUTHORIZATION=f"Token {token.key}"
    )
    response = BareInsertApi.as_view()(request)

    assert response.status_code == 201 and response.data["client_id"] == client_id
    row = IdempotencyKey.objects.get()
    assert (row.user, row.key, row.endpoint) == (user, client_id, BENCH_ENDPOINT)
