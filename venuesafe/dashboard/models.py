"""The big screen's derived tables: the hazard rollup by day and by month (venuesafe/dashboard/rollup.py)
and the archive and punch-in tallies by community (venuesafe/dashboard/tallies.py). All are kept by
exact recompute of what a change touched, never by increments, and rebuilt nightly as a safety net."""

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


class HazardMonth(models.Model):
    """HazardDay summed by Shanghai calendar month (`month` is its 1st): the year's figures read
    about 12 × communities × types rows instead of 365 × communities × types."""

    community = models.ForeignKey("org.OrgUnit", on_delete=models.CASCADE, related_name="+")
    community_path = models.CharField(max_length=255)
    month = models.DateField()
    hazard_type = models.ForeignKey("hazards.HazardType", on_delete=models.CASCADE, related_name="+")
    found = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    closed_on_time = models.PositiveIntegerField(default=0)
    rectification_us = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "month", "hazard_type"], name="hazardmonth_unique"),
        ]
        indexes = [
            models.Index(
                fields=["community_path", "month"],
                opclasses=["varchar_pattern_ops", "date_ops"],
                name="hazardmonth_path_like",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.community_id} {self.month:%Y-%m} {self.hazard_type_id}"


class ArchiveTally(models.Model):
    """Venues of one area (a grid, or a community for venues in no grid) counted by everything the
    screen splits them by: risk level ("" when not scored yet), business status, the five elements
    complete, a merchant bound. By area rather than community so that a venue's change recomputes
    a grid's rows, not a whole community's."""

    area = models.ForeignKey("org.OrgUnit", on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey("org.OrgUnit", on_delete=models.CASCADE, related_name="+")
    community_path = models.CharField(max_length=255)
    risk_level = models.CharField(max_length=8, blank=True)
    business_status = models.CharField(max_length=16)
    complete = models.BooleanField()
    bound = models.BooleanField()
    venues = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["area", "risk_level", "business_status", "complete", "bound"],
                name="archivetally_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["community_path"], opclasses=["varchar_pattern_ops"], name="archivetally_path_like"),
        ]

    def __str__(self) -> str:
        return f"{self.area_id} {self.risk_level} {self.business_status}: {self.venues}"


class PunchInDay(models.Model):
    """Venues of one area, in business with a merchant bound, that punched in on a Shanghai day
    (the numerator of the punch-in rate, counted as the venues are now)."""

    area = models.ForeignKey("org.OrgUnit", on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey("org.OrgUnit", on_delete=models.CASCADE, related_name="+")
    community_path = models.CharField(max_length=255)
    day = models.DateField()
    punched = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["area", "day"], name="punchinday_unique")]
        indexes = [
            models.Index(
                fields=["day", "community_path"],
                opclasses=["date_ops", "varchar_pattern_ops"],
                name="punchinday_day_path",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area_id} {self.day}: {self.punched}"


class RollupRebuild(models.Model):
    """The nights the periodic task rebuilt the rollup (one per Shanghai day: the command is idempotent)."""

    day = models.DateField(unique=True)
    at = models.DateTimeField()
    rows = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.day}: {self.rows}"
