"""The export's life: requested, built once, taken up again after a restart, expired."""

from __future__ import annotations

import datetime as dt
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from venuesafe.core import clock
from venuesafe.core.errors import NotAllowed
from venuesafe.ledgers import services, sheets
from venuesafe.ledgers.filters import LedgerFilters
from venuesafe.ledgers.models import Export, ExportState
from venuesafe.testing.factories import District

from .conftest import World


def request(actor, kind="hazards", fmt="xlsx", **filters) -> Export:
    return services.export_request(
        actor=actor, kind=kind, fmt=fmt, filters=LedgerFilters(**filters), language="zh-hans"
    )


def queued(actor, settings, django_capture_on_commit_callbacks, **kwargs) -> Export:
    """An export as the web process leaves it when its background thread never ran."""
    settings.LEDGER_EXPORT_IN_BACKGROUND = True
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        export = request(actor, **kwargs)
    assert len(callbacks) == 1, "the build thread starts when the request commits"
    settings.LEDGER_EXPORT_IN_BACKGROUND = False
    return export


def test_export_request__merchant__refused(ledgers):
    with pytest.raises(NotAllowed) as refused:
        request(ledgers.world.merchant)
    assert refused.value.code == "cannot_export"
    assert not Export.objects.exists()


def test_export_request__background__queued_then_built_by_the_thread(
    ledgers, settings, django_capture_on_commit_callbacks
):
    settings.LEDGER_EXPORT_IN_BACKGROUND = True
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        export = request(ledgers.world.street)
    assert export.state == ExportState.QUEUED and not export.file
    assert len(callbacks) == 1
    # What the thread runs, here in the test's own thread and transaction.
    services.export_build(export_id=export.pk)
    export.refresh_from_db()
    assert export.state == ExportState.DONE
    assert export.rows_total == export.rows_done == 7
    assert export.file.name.startswith("ledgers/") and export.file.name.endswith(".xlsx")


def test_export_build__twice__the_second_is_a_no_op(ledgers, settings, django_capture_on_commit_callbacks):
    export = queued(ledgers.world.street, settings, django_capture_on_commit_callbacks)
    assert services.export_build(export_id=export.pk) is True
    export.refresh_from_db()
    first = (export.file.name, export.finished_at, export.rows_done)
    # The periodic task and the web thread both try: the second finds it built and does nothing.
    assert services.export_build(export_id=export.pk) is False
    report = services.export_run_pending(now=clock.now())
    assert report.built == 0
    export.refresh_from_db()
    assert (export.file.name, export.finished_at, export.rows_done) == first
    assert export.state == ExportState.DONE


def test_export_build__running_elsewhere__not_built_again(ledgers, settings, django_capture_on_commit_callbacks):
    export = queued(ledgers.world.street, settings, django_capture_on_commit_callbacks)
    Export.objects.filter(pk=export.pk).update(state=ExportState.RUNNING, updated_at=clock.now())
    assert services.export_build(export_id=export.pk) is False
    assert services.export_run_pending(now=clock.now()).built == 0
    export.refresh_from_db()
    assert export.state == ExportState.RUNNING and not export.file


def test_run_periodic_tasks__builds_exports_left_queued(ledgers, settings, django_capture_on_commit_callbacks):
    export = queued(ledgers.world.street, settings, django_capture_on_commit_callbacks, fmt="csv")
    call_command("run_periodic_tasks", stdout=StringIO())
    export.refresh_from_db()
    assert export.state == ExportState.DONE
    assert export.file.read().decode("utf-8-sig").count("\n") > 7


def test_export_run_pending__a_build_that_stopped__is_taken_up_again(
    ledgers, settings, django_capture_on_commit_callbacks
):
    export = queued(ledgers.world.street, settings, django_capture_on_commit_callbacks)
    now = clock.now()
    stale = now - dt.timedelta(minutes=settings.LEDGER_EXPORT_STALE_MINUTES + 1)
    Export.objects.filter(pk=export.pk).update(state=ExportState.RUNNING, started_at=stale, updated_at=stale)
    report = services.export_run_pending(now=now)
    assert (report.requeued, report.built) == (1, 1)
    export.refresh_from_db()
    assert export.state == ExportState.DONE and export.rows_done == 7


def test_export_build__error__failed_with_the_reason_and_no_file(ledgers, monkeypatch):
    def broken(self, qs):
        raise RuntimeError("disk full")
        yield  # pragma: no cover

    monkeypatch.setattr(sheets.HazardLedger, "records", broken)
    export = request(ledgers.world.street)
    assert export.state == ExportState.FAILED
    assert "disk full" in export.error
    assert not export.file
    assert export.finished_at is not None


def test_export_purge_old__files_past_keep_days_are_deleted(ledgers, settings):
    export = request(ledgers.world.street)
    storage, name = export.file.storage, export.file.name
    assert storage.exists(name)
    now = clock.now()
    assert services.export_purge_old(now=now + dt.timedelta(days=settings.LEDGER_EXPORT_KEEP_DAYS - 1)) == 0
    assert storage.exists(name)
    assert services.export_purge_old(now=now + dt.timedelta(days=settings.LEDGER_EXPORT_KEEP_DAYS, hours=1)) == 1
    assert not storage.exists(name)
    export.refresh_from_db()
    assert export.state == ExportState.EXPIRED and not export.file
    assert export.kind == "hazards"  # the record of who exported what stays


def test_export_build__right_withdrawn_since_the_request__fails(ledgers, settings, django_capture_on_commit_callbacks):
    w = ledgers.world
    export = queued(w.comm, settings, django_capture_on_commit_callbacks)
    w.comm.role_assignments.update(is_active=False)
    w.comm.__dict__.pop("_venuesafe_scope", None)
    services.export_build(export_id=export.pk)
    export.refresh_from_db()
    assert export.state == ExportState.FAILED and not export.file


def test_download_name__in_the_language_of_the_request(ledgers):
    export = request(ledgers.world.street)
    export.language = "en"
    stamp = f"{timezone.localtime(export.created_at):%Y%m%d-%H%M}"
    assert services.download_name(export) == f"Hazard ledger-{stamp}.xlsx"


@pytest.mark.django_db(transaction=True)
def test_export_request__background__a_thread_builds_it_after_commit(settings):
    """The production path: the request commits, a thread of the web process builds the file."""
    settings.LEDGER_EXPORT_IN_BACKGROUND = True
    world = World(District())
    world.found("EVA-01")
    export = request(world.street, fmt="csv")
    deadline = time.monotonic() + 30
    while Export.objects.get(pk=export.pk).is_pending and time.monotonic() < deadline:
        time.sleep(0.05)
    export.refresh_from_db()
    assert export.state == ExportState.DONE, export.error
    assert export.rows_done == 1
    assert str(world.venue.sign_name) in export.file.read().decode("utf-8-sig")
