"""Idempotent create calls: the same (user, Idempotency-Key) never creates a second object.

    result = run_idempotent(user=request.user, key=request.headers.get("Idempotency-Key"),
                            endpoint="venue_create", action=lambda: venue_create(...))
    venue = venue_get(user=request.user, pk=result.object_id)

A key is recorded in the same transaction as the object it created, so a failed call (e.g.
invalid input) leaves no key behind and may be retried with the same key after fixing the input.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .errors import InvalidInput
from .models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class IdempotentResult:
    object_id: str
    status: int
    replayed: bool
    obj: Any = None  # the new object; None when replayed


def _replay(record: IdempotencyKey, endpoint: str) -> IdempotentResult:
    if record.endpoint != endpoint:
        raise InvalidInput(
            _("This idempotency key was already used for another operation."),
            code="idempotency_key_reused",
            fields={HEADER: [_("Use a new key for each new operation.")]},
        )
    return IdempotentResult(object_id=record.object_id, status=record.response_status, replayed=True)


def run_idempotent(
    *, user, key: str | None, endpoint: str, action: Callable[[], Any], status: int = 201
) -> IdempotentResult:
    """Run `action` (which creates and returns one model instance) at most once per (user, key)."""
    key = (key or "").strip()
    if not key:
        obj = action()
        return IdempotentResult(object_id=str(obj.pk), status=status, replayed=False, obj=obj)
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidInput(
            _("The idempotency key is too long."),
            fields={HEADER: [_("Use at most %(n)d characters.") % {"n": MAX_KEY_LENGTH}]},
        )
    existing = IdempotencyKey.objects.filter(user=user, key=key).first()
    if existing is not None:
        return _replay(existing, endpoint)
    try:
        with transaction.atomic():
            obj = action()
            IdempotencyKey.objects.create(
                user=user, key=key, endpoint=endpoint, response_status=status, object_id=str(obj.pk)
            )
    except IntegrityError:
        # A concurrent call with the same key won; its object stands and ours was rolled back.
        existing = IdempotencyKey.objects.filter(user=user, key=key).first()
        if existing is None:
            raise
        return _replay(existing, endpoint)
    return IdempotentResult(object_id=str(obj.pk), status=status, replayed=False, obj=obj)
