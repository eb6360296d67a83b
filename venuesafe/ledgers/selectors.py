"""Scoped reads for the ledgers: who may export, each ledger's rows, the user's own exports.

Rows come from the apps' own scoped selectors (venue_list, hazard_list, inspection_list,
self_check_list), so a ledger never holds a row its reader could not open in the app.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import Http404
from django.utils import translation

from venuesafe.accounts.models import TERRITORIAL_STAFF_ROLES, Role, User
from venuesafe.accounts.selectors import user_scope

from .filters import LedgerFilters
from .models import Export
from .sheets import LEDGERS, Ledger
from .writers import csv_pieces

# Staff of the org tree and department viewers export what they may see; merchants do not
# (their own venue's records are on their pages, and a ledger is an office's tool).
EXPORT_ROLES = frozenset(TERRITORIAL_STAFF_ROLES | {Role.DEPARTMENT_VIEWER})
RECENT_EXPORTS = 20


def may_export(user: User) -> bool:
    scope = user_scope(user=user)
    return scope.is_superuser or bool(scope.roles & EXPORT_ROLES)


def ledger_get(kind: str) -> Ledger:
    return LEDGERS[kind]


def ledger_queryset(*, user: User, kind: str, filters: LedgerFilters) -> QuerySet:
    """The ledger's rows for the user and the filters, in the ledger's order."""
    return LEDGERS[kind].queryset(user=user, filters=filters)


def ledger_csv(*, user: User, kind: str, filters: LedgerFilters, language: str) -> Iterator[str]:
    """The CSV as pieces of text, read chunk by chunk while the response streams."""
    ledger = LEDGERS[kind]
    # The pieces are produced after the view has returned: keep the request's language.
    with translation.override(language):
        qs = ledger.queryset(user=user, filters=filters)
        yield from csv_pieces(ledger, ledger.records(qs))


def export_list(*, user: User, limit: int = RECENT_EXPORTS) -> QuerySet[Export]:
    """The user's own most recent exports."""
    return Export.objects.filter(requested_by=user).order_by("-created_at", "-id")[:limit]


def export_get(*, user: User, pk: int) -> Export:
    """An export of the user's own (any, for a superuser); anyone else's reads as not existing."""
    qs = Export.objects.all() if user.is_superuser else Export.objects.filter(requested_by_id=user.pk)
    export = qs.filter(pk=pk).first()
    if export is None:
        raise Http404
    return export
