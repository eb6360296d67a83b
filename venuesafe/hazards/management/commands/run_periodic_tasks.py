"""`manage.py run_periodic_tasks`: escalate overdue work orders, send due-soon and overdue notices,
remind merchants who have not punched in their daily self-check by SELF_CHECK_REMINDER_HOUR, run
the equipment date rules (warnings and rule hazards as dates pass) and re-score the venues not
scored yet today (the nightly pass).

Idempotent: every escalation is taken once per level, every notice is deduplicated (a
self-check reminder once per venue, merchant and day), a rule opens one warning or hazard per
equipment and rule while it is open, and a venue is re-scored once per day, so the command may
run as often as wanted (cron every 5 minutes) and a second run at the same time changes nothing.
`--loop` keeps it running in one process, for `make run` or a process manager.
"""

from __future__ import annotations

import logging
import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from venuesafe.core import clock
from venuesafe.dashboard import rollup as dashboard_rollup
from venuesafe.dashboard import tallies as dashboard_tallies
from venuesafe.equipment import services as equipment_services
from venuesafe.equipment.services import RuleRunReport
from venuesafe.hazards import services
from venuesafe.ledgers import services as ledger_services
from venuesafe.risk import services as risk_services
from venuesafe.selfchecks import services as selfcheck_services
from venuesafe.verifications import services as verification_services

logger = logging.getLogger("venuesafe.hazards.timers")


def _plural(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n == 1 else plural}"


def summary(
    report: services.TimerReport,
    at,
    reminders: int = 0,
    rules: RuleRunReport | None = None,
    rescored: int = 0,
) -> str:
    """One line for the log: what this run changed, or that it changed nothing."""
    rules = rules or RuleRunReport()
    counts = ", ".join(
        (
            _plural(report.escalations, "escalation", "escalations"),
            _plural(report.overdue_notices, "overdue notice", "overdue notices"),
            _plural(report.due_soon_notices, "due-soon notice", "due-soon notices"),
            _plural(reminders, "self-check reminder", "self-check reminders"),
            _plural(rules.warnings_opened, "rule warning opened", "rule warnings opened"),
            f"{rules.warnings_closed} closed",
            _plural(rules.hazards, "rule hazard", "rule hazards"),
            _plural(rescored, "venue re-scored", "venues re-scored"),
        )
    )
    stamp = timezone.localtime(at).strftime("%Y-%m-%d %H:%M:%S %Z")
    if report.changes == 0 and reminders == 0 and rules.changes == 0 and rescored == 0:
        return f"Periodic tasks at {stamp}: nothing to do, nothing changed ({counts})."
    return f"Periodic tasks at {stamp}: {counts}."


class Command(BaseCommand):
    help = (
        "Escalate overdue hazard work orders, send due-soon and overdue notices, remind merchants "
        "whose venue has not punched in today's self-check, run the equipment date rules and re-score "
        "the venues not scored yet today. Idempotent: run it every few minutes (cron, systemd timer), "
        "or keep it running with --loop."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", action="store_true", help="Keep running, one run every --interval seconds, until stopped."
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=300.0,
            help="Seconds between two runs with --loop (default: 300).",
        )

    def handle(self, *args, loop: bool, interval: float, **options):
        self.verbosity = options.get("verbosity", 1)
        if not loop:
            self.run_once()
            return
        if interval <= 0:
            raise CommandError("--interval must be a positive number of seconds.")
        self.run_forever(interval)

    def run_once(self) -> services.TimerReport:
        at = clock.now()
        report = services.run_hazard_timers(now=at)
        reminders = selfcheck_services.run_self_check_reminders(now=at)
        # Rules before scores: a hazard a rule raises today counts in today's score.
        rules = equipment_services.run_date_rules(today=timezone.localtime(at).date())
        with dashboard_tallies.batch():  # one recompute of the screen's tallies, not one per venue
            rescored = risk_services.rescore_stale(now=at)
        # Venue reports not verified on site by their due time go up to the community, then the street.
        verification_services.run_verification_timers(now=at)
        # Ledger exports left queued (server restarted) are built; files past their keeping days go.
        ledger_services.export_run_pending(now=at)
        # Once a night the big screen's rollup and tallies are recomputed from the rows (a safety net).
        dashboard_rollup.nightly_rebuild(at)
        if self.verbosity >= 1:
            self.stdout.write(summary(report, at, reminders, rules, rescored))
        return report

    def run_forever(self, interval: float) -> None:
        stop = threading.Event()
        previous = None
        # Signal handlers can only be installed from the main thread (not when a test drives us).
        if threading.current_thread() is threading.main_thread():
            previous = signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
        if self.verbosity >= 1:
            self.stdout.write(f"Running the periodic tasks every {interval:g} s; stop with Ctrl-C or SIGTERM.")
        try:
            while not stop.is_set():
                close_old_connections()
                try:
                    self.run_once()
                except DatabaseError:
                    # The database may be restarting: log, drop the broken connection, try next time.
                    logger.exception("periodic tasks failed; retrying in %g s", interval)
                    self.stderr.write(f"Periodic tasks failed on a database error; retrying in {interval:g} s.")
                finally:
                    close_old_connections()
                stop.wait(interval)
        except KeyboardInterrupt:
            pass
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
        if self.verbosity >= 1:
            self.stdout.write("Periodic tasks stopped.")
