"""Re-score a venue after whatever changed it commits: a hazard event, an inspection, a punch-in."""

from __future__ import annotations

from django.db import connection, transaction


def _queued(venue_id: int) -> bool:
    return any(
        getattr(func, "venue_id", None) == venue_id and not getattr(func, "done", False)
        for _sids, func, _robust in connection.run_on_commit
    )


def schedule_rescore(venue_id: int | None) -> None:
    if venue_id is None or (connection.in_atomic_block and _queued(venue_id)):
        return  # once per venue and transaction, however many events it writes

    def rescore() -> None:
        from .services import venue_changed

        rescore.done = True
        venue_changed(venue_id)

    rescore.venue_id = venue_id
    transaction.on_commit(rescore)


def on_hazard_event(sender, instance, created, **kwargs):
    if created:
        schedule_rescore(instance.hazard.venue_id)


def on_venue_record(sender, instance, created, **kwargs):
    if created:
        schedule_rescore(instance.venue_id)
