"""Risk levels (红橙黄蓝) with their explanation, candidate major fire hazards (疑似重大火灾隐患) and
the data they are computed from. Written only through risk.services."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from venuesafe.core import clock


class RiskLevel(models.TextChoices):
    RED = "red", _("Red")
    ORANGE = "orange", _("Orange")
    YELLOW = "yellow", _("Yellow")
    BLUE = "blue", _("Blue")


class CategoryRisk(models.Model):
    """Base risk points of a (top-level) venue category, and its candidate-major threshold. Data."""

    category = models.OneToOneField("venues.VenueCategory", on_delete=models.CASCADE, related_name="risk")
    base_points = models.PositiveSmallIntegerField(_("base risk points"), default=10)
    crowded = models.BooleanField(_("crowded place (人员密集场所)"), default=False)
    major_threshold = models.PositiveSmallIntegerField(
        _("comprehensive factors that make a candidate major hazard"), default=6
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("category risk")
        verbose_name_plural = _("category risks")

    def __str__(self) -> str:
        return str(self.category)


class VenueRisk(models.Model):
    """The latest score of a venue, with the factors that make it up (they add up to the score)."""

    venue = models.OneToOneField("venues.Venue", on_delete=models.CASCADE, related_name="risk")
    score = models.PositiveIntegerField(_("risk score"), default=0)
    level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices, default=RiskLevel.BLUE)
    factors = models.JSONField(default=list)  # [{"key", "label", "points", "detail"}]
    computed_at = models.DateTimeField(default=clock.now)
    org_path = models.CharField(max_length=255, editable=False)

    class Meta:
        verbose_name = _("venue risk")
        verbose_name_plural = _("venue risks")
        indexes = [models.Index(fields=["org_path", "level"], name="venue_risk_path_level")]

    def __str__(self) -> str:
        return f"{self.venue_id} {self.level} {self.score}"


class CandidateMajorFlag(models.Model):
    """A venue whose open hazards meet the GB 35181 threshold. Only a flag: determining a major
    fire hazard is a human procedure (集体讨论 / 专家论证)."""

    venue = models.ForeignKey("venues.Venue", on_delete=models.PROTECT, related_name="candidate_major_flags")
    flagged_at = models.DateTimeField(default=clock.now)
    factors = models.JSONField(default=list)  # [{"hazard", "code", "name", "element", "direct"}]
    threshold = models.PositiveSmallIntegerField()
    direct = models.BooleanField(default=False)
    cleared_at = models.DateTimeField(null=True, blank=True)
    org_path = models.CharField(max_length=255, editable=False)

    class Meta:
        verbose_name = _("candidate major hazard")
        verbose_name_plural = _("candidate major hazards")
        ordering = ["-flagged_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["venue"], condition=models.Q(cleared_at__isnull=True), name="uniq_open_candidate_major"
            )
        ]

    def __str__(self) -> str:
        return f"{self.venue_id} {self.flagged_at:%Y-%m-%d}"
