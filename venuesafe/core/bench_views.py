"""A bare endpoint for bench/inspection_submit.py: one insert through the same stack as the API.

POST /bench/insert/ {"client_id": "<uuid>"} goes through gunicorn, Django's middleware, DRF's token
authentication and permission check like any API call, then inserts one row into a small table
(an IdempotencyKey row with endpoint "bench:insert") and answers 201. It is the floor the
inspection submission is measured against.

Mounted only when settings.BENCH_ENDPOINTS is on (environment VENUESAFE_BENCH_ENDPOINTS=1), and
never in production mode.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import IdempotencyKey

BENCH_ENDPOINT = "bench:insert"


def bench_endpoints_enabled() -> bool:
    return bool(settings.BENCH_ENDPOINTS) and not settings.PRODUCTION


class BareInsertApi(APIView):
    @extend_schema(exclude=True)
    def post(self, request):
        raw = request.data.get("client_id") if hasattr(request.data, "get") else None
        try:
            key = str(uuid.UUID(str(raw)))
        except ValueError:
            key = str(uuid.uuid4())
        row = IdempotencyKey.objects.create(user=request.user, key=key, endpoint=BENCH_ENDPOINT, response_status=201)
        return Response({"id": row.pk, "client_id": key}, status=201)


urlpatterns = [path("insert/", BareInsertApi.as_view(), name="bench-insert")]
