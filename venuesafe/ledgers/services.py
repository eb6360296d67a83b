"""Ledger exports: request one, build it (once), clean up old files.

The flow is request → build → download. `export_request` records the export; the file is built
by `export_build` — in a background thread started when the request's transaction commits
(LEDGER_EXPORT_IN_BACKGROUND, default on), else at once before the answer (tests), and in any
case by `run_periodic_tasks` (`export_run_pending`), which takes up exports left queued or whose
build stopped (the server restarted). A build first claims its export with one conditional
UPDATE (queued → running), so however many workers try, it is built once.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import threading
from dataclasses import dataclass

from django.conf import settings
from django.core.files import File
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from venuesafe.accounts.models import User
from venuesafe.core import clock
from venuesafe.core.errors import NotAllowed

from .filters import LedgerFilters
from .models import Export, ExportFormat, ExportState
from .selectors import ledger_get, may_export
from .writers import write_csv, write_xlsx

logger = logging.getLogger("venuesafe.ledgers")

CONTENT_TYPES = {
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.CSV: "text/csv; charset=utf-8",
}


def _require_export_right(user: User) -> None:
    if not may_export(user):
        raise NotAllowed(_("You cannot export ledgers."), code="cannot_export")


def download_name(export: Export) -> str:
    """What the browser saves the file as, e.g. 隐患台账-20260504-0930.xlsx."""
    with translation.override(export.language):
        title = str(ledger_get(export.kind).title)
    return f"{title}-{timezone.localtime(export.created_at):%Y%m%d-%H%M}.{export.format}"


def export_request(*, actor: User, kind: str, fmt: str, filters: LedgerFilters, language: str) -> Export:
    """Record an export of a ledger for `actor` with validated filters; it is built after commit."""
    _require_export_right(actor)
    with transaction.atomic():
        export = Export.objects.create(
            kind=kind,
            format=fmt,
            filters=filters.to_json(),
            language=language,
            requested_by=actor,
            state=ExportState.QUEUED,
        )
        if settings.LEDGER_EXPORT_IN_BACKGROUND:
            transaction.on_commit(lambda: _start_build_thread(export.pk))
    if not settings.LEDGER_EXPORT_IN_BACKGROUND:
        export_build(export_id=export.pk)
        export.refresh_from_db()
    return export


def _start_build_thread(export_id: int) -> None:
    # A daemon thread: if the process stops, the export's heartbeat stops and the periodic task
    # takes it up again.
    threading.Thread(target=_build_in_thread, args=(export_id,), name=f"ledger-export-{export_id}", daemon=True).start()


def _build_in_thread(export_id: int) -> None:
    try:
        export_build(export_id=export_id)
    finally:
        connection.close()  # the thread's own connection


def export_build(*, export_id: int) -> bool:
    """Build the file of a queued export. Returns False, changing nothing, when the export is not
    queued (already built, being built, failed or gone): the claim is one conditional UPDATE."""
    claimed_at = clock.now()
    claimed = Export.objects.filter(pk=export_id, state=ExportState.QUEUED).update(
        state=ExportState.RUNNING, started_at=claimed_at, updated_at=claimed_at, rows_done=0, error=""
    )
    if not claimed:
        return False
    # Every later write is conditional on this claim, so a build that was given up as stale and
    # taken over cannot overwrite its successor.
    mine = Export.objects.filter(pk=export_id, state=ExportState.RUNNING, started_at=claimed_at)
    export = Export.objects.select_related("requested_by").get(pk=export_id)
    name = ""
    try:
        _require_export_right(export.requested_by)  # the right may have been withdrawn since
        ledger = ledger_get(export.kind)
        with translation.override(export.language):
            qs = ledger.queryset(user=export.requested_by, filters=LedgerFilters.from_json(export.filters))
            mine.update(rows_total=qs.count(), updated_at=clock.now())

            def progress(n: int) -> None:
                mine.update(rows_done=n, updated_at=clock.now())

            write = write_xlsx if export.format == ExportFormat.XLSX else write_csv
            with tempfile.TemporaryFile() as fh:
                rows = write(ledger, ledger.records(qs), fh, progress)
                fh.seek(0)
                filename = f"{export.kind}-{timezone.localtime(export.created_at):%Y%m%d-%H%M%S}.{export.format}"
                name = export.file.storage.save(export.file.field.generate_filename(export, filename), File(fh))
        done = mine.update(state=ExportState.DONE, file=name, rows_done=rows, rows_total=rows, finished_at=clock.now())
        if not done:
            export.file.storage.delete(name)
    except Exception as exc:
        logger.exception("ledger export %s failed", export_id)
        if name:
            export.file.storage.delete(name)
        mine.update(state=ExportState.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=clock.now())
    return True


@dataclass
class ExportRunReport:
    requeued: int = 0
    built: int = 0
    expired: int = 0


def export_run_pending(*, now: dt.datetime | None = None) -> ExportRunReport:
    """For `run_periodic_tasks`: take up builds that stopped (no heartbeat for
    LEDGER_EXPORT_STALE_MINUTES), build every queued export, and delete the files older than
    LEDGER_EXPORT_KEEP_DAYS. Safe to run while the web process builds too."""
    now = now or clock.now()
    report = ExportRunReport()
    stale_before = now - dt.timedelta(minutes=settings.LEDGER_EXPORT_STALE_MINUTES)
    report.requeued = Export.objects.filter(state=ExportState.RUNNING, updated_at__lt=stale_before).update(
        state=ExportState.QUEUED
    )
    queued = list(
        Export.objects.filter(state=ExportState.QUEUED).order_by("created_at", "id").values_list("pk", flat=True)
    )
    for pk in queued:
        report.built += int(export_build(export_id=pk))
    report.expired = export_purge_old(now=now)
    if report.requeued or report.built or report.expired:
        logger.info(
            "ledger exports: %d taken up again, %d built, %d expired", report.requeued, report.built, report.expired
        )
    return report


def export_purge_old(*, now: dt.datetime | None = None) -> int:
    """Delete the files of exports requested more than LEDGER_EXPORT_KEEP_DAYS ago. The rows stay,
    `expired`, as the record of who exported which ledger with which filters."""
    now = now or clock.now()
    before = now - dt.timedelta(days=settings.LEDGER_EXPORT_KEEP_DAYS)
    old = Export.objects.filter(created_at__lt=before, state__in=(ExportState.DONE, ExportState.FAILED))
    n = 0
    for export in old.iterator(chunk_size=200):
        if export.file:
            export.file.storage.delete(export.file.name)
        n += Export.objects.filter(pk=export.pk, state=export.state).update(state=ExportState.EXPIRED, file="")
    return n
