"""The in-app inbox. Notices are written by notices.services.notify through the delivery backends."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from venuesafe.core import clock


class NoticeKind(models.TextChoices):
    DISPATCHED = "dispatched", _("New work order")
    DUE_SOON = "due_soon", _("Due within 24 hours")
    OVERDUE = "overdue", _("Overdue")
    ESCALATED = "escalated", _("Escalated")
    REVIEW_DUE = "review_due", _("Review due")
    REVIEW_PASSED = "review_passed", _("Review passed")
    REVIEW_FAILED = "review_failed", _("Review failed")
    REOPENED = "reopened", _("Reopened")
    SELF_CHECK_DUE = "self_check_due", _("Self-check not done")
    RULE_WARNING = "rule_warning", _("Equipment expiring soon")
    CANDIDATE_MAJOR = "candidate_major", _("Candidate major hazard")
    VERIFY_VENUE = "verify_venue", _("Venue information to verify")
    VERIFIED = "verified", _("Venue information verified")
    NOT_VERIFIED = "not_verified", _("Venue report dismissed")
    RESIDENT_REPORT = "resident_report", _("Resident report to triage")


class Notice(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=16, choices=NoticeKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    hazard = models.ForeignKey("hazards.Hazard", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    # Same key, same recipient: delivered once, so the periodic command can run any number of times.
    dedupe_key = models.CharField(max_length=120)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="uniq_notice_recipient_key")]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notice_recipient_read")]

    def __str__(self) -> str:
        return self.title
