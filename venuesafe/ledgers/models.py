"""Ledger exports (台账导出): one row per file a user asked for, kept as the record of who exported
what. The file itself is deleted after LEDGER_EXPORT_KEEP_DAYS; the row stays (state `expired`)."""

from __future__ import annotations

from uuid import uuid4

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from venuesafe.core import clock


class LedgerKind(models.TextChoices):
    VENUES = "venues", _("Venue archive")
    HAZARDS = "hazards", _("Hazard ledger")
    INSPECTIONS = "inspections", _("Inspection ledger")
    SELF_CHECKS = "self_checks", _("Self-check ledger")


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", _("Excel (.xlsx)")
    CSV = "csv", _("CSV (.csv)")


class ExportState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being built")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


def export_file_path(instance: Export, filename: str) -> str:
    # A random folder: media may be served without a login check in development.
    return f"ledgers/{uuid4().hex}/{filename}"


class Export(models.Model):
    """A ledger export asked for by a user; built in the background or by the periodic task."""

    kind = models.CharField(_("ledger"), max_length=16, choices=LedgerKind.choices)
    format = models.CharField(_("format"), max_length=8, choices=ExportFormat.choices)
    # The validated filters as JSON ids and ISO dates (ledgers.filters.LedgerFilters.to_json).
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    # Headers and labels are written in the language of the request, whoever builds the file.
    language = models.CharField(max_length=16, default="zh-hans")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="ledger_exports",
        verbose_name=_("requested by"),
    )
    state = models.CharField(_("state"), max_length=8, choices=ExportState.choices, default=ExportState.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to=export_file_path, max_length=255, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), default=clock.now)
    started_at = models.DateTimeField(null=True, blank=True)
    # Touched on every chunk written: a build whose heartbeat stops (server restarted) is taken up again.
    updated_at = models.DateTimeField(default=clock.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ledger export")
        verbose_name_plural = _("ledger exports")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["requested_by", "created_at"], name="ledger_export_user_created"),
            models.Index(fields=["state", "created_at"], name="ledger_export_state_created"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind}.{self.format} {self.state}"

    @property
    def is_pending(self) -> bool:
        return self.state in (ExportState.QUEUED, ExportState.RUNNING)

    @property
    def progress_percent(self) -> int | None:
        if self.state == ExportState.DONE:
            return 100
        if not self.rows_total:
            return None
        return min(100, int(self.rows_done * 100 / self.rows_total))
