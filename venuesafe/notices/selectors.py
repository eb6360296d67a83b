"""A user's inbox. Scope is the recipient: nobody reads another user's notices."""

from __future__ import annotations

from django.db.models import F, QuerySet

from venuesafe.accounts.models import User

from .models import Notice


def inbox(*, user: User, unread_only: bool = False) -> QuerySet[Notice]:
    """Unread first, then newest first."""
    qs = Notice.objects.filter(recipient_id=user.pk)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by(F("read_at").asc(nulls_first=True), "-created_at", "-id")


def unread_count(*, user: User) -> int:
    return Notice.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()
