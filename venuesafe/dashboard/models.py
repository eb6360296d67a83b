"""The big screen's daily rollup of the hazard figures (see venuesafe/dashboard/rollup.py)."""

from __future__ import annotations

from django.db import models


class HazardDay(models.Model):
    """One community, one Shanghai day, one hazard type: hazards found that day (withdrawn
    excluded) and closed that day (with on-time count and summed rectification). Derived data,
    kept by exact recompute, never by increments."""

    community = models.ForeignKey("org.OrgUnit", on_delete=models.CASCADE, related_name="+")
    community_path = models.CharField(max_length=255)  # the community's path, for unit prefix filters
    day = models.DateField()
    hazard_type = models.ForeignKey("hazards.HazardType", on_delete=models.CASCADE, related_name="+")
    found = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    closed_on_time = models.PositiveIntegerField(default=0)
    rectification_us = models.BigIntegerField(default=0)  # sum of (closed_at - found_at), microseconds

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "day", "hazard_type"], name="hazardday_unique"),
        ]
        indexes = [
            models.Index(fields=["community_path", "day"], name="hazardday_path_day"),
            # The screen's reads lead with the time window (this year, the last 30 days) and sum the
            # counts: an index-only range scan on PostgreSQL (INCLUDE is ignored elsewhere).
            models.Index(
                fields=["day", "community_path"],
                include=["community", "hazard_type", "found", "closed", "closed_on_time", "rectification_us"],
                name="hazardday_day_covering",
            ),
            models.Index(
                fields=["community_path", "day"],
                opclasses=["varchar_pattern_ops", "date_ops"],
                name="hazardday_path_like",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.community_id} {self.day} {self.hazard_type_id}"


class RollupRebuild(models.Model):
    """The nights the periodic task rebuilt the rollup (one per Shanghai day: the command is idempotent)."""

    day = models.DateField(unique=True)
    at = models.DateTimeField()
    rows = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.day}: {self.rows}"
