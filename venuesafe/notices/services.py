"""Notice delivery. Idempotent per (recipient, dedupe_key): repeating a call delivers nothing new."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

from venuesafe.accounts.models import User
from venuesafe.core import clock

from .models import Notice


@cache
def _backend(path: str):
    return import_string(path)()


def backends() -> list:
    return [_backend(path) for path in settings.NOTICE_BACKENDS]


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    title: str,
    dedupe_key: str,
    body: str = "",
    url: str = "",
    hazard=None,
) -> list[Notice]:
    """Write one inbox notice per recipient not yet notified under `dedupe_key`; hand new ones to the backends."""
    created: list[Notice] = []
    seen: set[int] = set()
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        if Notice.objects.filter(recipient=user, dedupe_key=dedupe_key).exists():
            continue
        try:
            with transaction.atomic():
                notice = Notice.objects.create(
                    recipient=user,
                    kind=kind,
                    title=str(title)[:200],
                    body=str(body),
                    url=url,
                    hazard=hazard,
                    dedupe_key=dedupe_key[:120],
                )
        except IntegrityError:
            continue  # a concurrent run delivered it
        created.append(notice)
    if created:
        transaction.on_commit(lambda: [b.send(created) for b in backends()])
    return created


def notice_mark_read(*, notice: Notice, user: User) -> Notice:
    if notice.recipient_id != user.pk:
        from venuesafe.core.errors import OutOfScope

        raise OutOfScope("not found")
    if notice.read_at is None:
        notice.read_at = clock.now()
        notice.save(update_fields=["read_at"])
    return notice


def notice_mark_all_read(*, user: User) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).update(read_at=clock.now())
