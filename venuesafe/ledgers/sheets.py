"""The four ledgers (台账): their columns and their rows, read in chunks from the scoped selectors.

Each ledger turns a scoped queryset into rows of plain values — text, numbers, naive
Asia/Shanghai datetimes and dates — that the xlsx and CSV writers put out unchanged, so both
formats hold the same data. Rows come from `.values().iterator(chunk_size=CHUNK)`, and what a
row needs from other tables (a hazard's events) is fetched once per chunk: memory stays the
same whether the ledger has a thousand rows or a million.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from venuesafe.accounts.models import User
from venuesafe.core import clock
from venuesafe.hazards.models import OPEN_STATES, EventKind, HazardEvent, HazardSource, HazardState, Severity
from venuesafe.hazards.selectors import hazard_list
from venuesafe.inspections.models import InspectionAnswer, LocationStatus
from venuesafe.inspections.selectors import inspection_list
from venuesafe.risk.models import RiskLevel
from venuesafe.selfchecks.selectors import self_check_list
from venuesafe.venues.models import BusinessStatus, LicenceKind, VenueCategory
from venuesafe.venues.selectors import venue_list

from .filters import LedgerFilters
from .models import LedgerKind

CHUNK = 2000

# A row of the main sheet and the rows it adds to the second sheet (the hazard ledger's events).
Record = tuple[list, list[list]]


@dataclass(frozen=True)
class Column:
    key: str
    header: Promise
    width: int = 14
    kind: str = "text"  # text | long (wrapped) | datetime | date | int | float


def local(value: dt.datetime | None) -> dt.datetime | None:
    """Asia/Shanghai (TIME_ZONE) wall time without zone, as Excel holds it, to the second."""
    if value is None:
        return None
    return value.astimezone(timezone.get_default_timezone()).replace(tzinfo=None, microsecond=0)


def batched(iterable: Iterable, n: int) -> Iterator[list]:
    it = iter(iterable)
    while batch := list(islice(it, n)):
        yield batch


def person(full_name: str | None, username: str | None) -> str:
    return full_name or username or ""


class Labels:
    """Choice and catalogue labels in the active language, looked up once per export."""

    def __init__(self):
        self.yes, self.no = gettext("Yes"), gettext("No")
        self.system = gettext("System")
        self.merchant = gettext("the merchant")
        # Lists inside a cell: the Chinese enumeration comma, else a comma.
        self.sep = "、" if (translation.get_language() or "").startswith("zh") else ", "
        self.categories = {c.pk: c.label for c in VenueCategory.objects.all()}
        self.choices = {
            cls: {value: str(label) for value, label in cls.choices}
            for cls in (
                BusinessStatus,
                LicenceKind,
                RiskLevel,
                Severity,
                HazardState,
                HazardSource,
                EventKind,
                LocationStatus,
            )
        }
        self.elements = {
            "sign_name": gettext("Shop sign name"),
            "address": gettext("Address"),
            "photo": str(pgettext_lazy("venue", "Photo")),
            "licence": gettext("Licence"),
        }

    def choice(self, cls, value) -> str:
        return self.choices[cls].get(value, value or "")

    def yes_no(self, value: bool | None) -> str:
        if value is None:
            return ""
        return self.yes if value else self.no


class Ledger(ABC):
    kind: str
    columns: tuple[Column, ...]
    # A second sheet (xlsx only): the hazard ledger's one row per event.
    event_columns: tuple[Column, ...] = ()

    @property
    def title(self) -> str:
        return str(LedgerKind(self.kind).label)

    @property
    def event_title(self) -> str:
        return gettext("Events")

    def headers(self) -> list[str]:
        return [str(c.header) for c in self.columns]

    def event_headers(self) -> list[str]:
        return [str(c.header) for c in self.event_columns]

    @abstractmethod
    def queryset(self, *, user: User, filters: LedgerFilters) -> QuerySet: ...

    @abstractmethod
    def records(self, qs: QuerySet) -> Iterator[Record]: ...


def _period(qs: QuerySet, field: str, filters: LedgerFilters) -> QuerySet:
    start, end = filters.bounds()
    if start is not None:
        qs = qs.filter(**{f"{field}__gte": start})
    if end is not None:
        qs = qs.filter(**{f"{field}__lt": end})
    return qs


def _area_and_category(qs: QuerySet, filters: LedgerFilters) -> QuerySet:
    if filters.org_unit is not None:
        qs = qs.filter(org_path__startswith=filters.org_unit.path)
    if filters.category is not None:
        qs = qs.filter(Q(category=filters.category) | Q(category__parent=filters.category))
    return qs


# --- venue archive --------------------------------------------------------------------------


class VenueLedger(Ledger):
    kind = LedgerKind.VENUES
    columns = (
        Column("id", _("Archive no."), 10, "int"),
        Column("sign_name", _("Shop sign name"), 24),
        Column("category", _("Category"), 16),
        Column("address", _("Address"), 32),
        Column("community", _("Community"), 14),
        Column("grid", _("Grid"), 14),
        Column("licence_kind", _("Licence type"), 16),
        Column("licence_no", _("Licence number"), 22),
        Column("photo", pgettext_lazy("venue", "Photo"), 8),
        Column("business_status", _("Business status"), 10),
        Column("operator", _("Operator / person in charge"), 14),
        Column("mobile", _("Operator mobile"), 14),
        Column("lat", _("Latitude (WGS-84)"), 12, "float"),
        Column("lng", _("Longitude (WGS-84)"), 12, "float"),
        Column("elements", _("Five elements present"), 10, "int"),
        Column("missing", _("Missing elements"), 18),
        Column("risk", _("Risk level"), 10),
        Column("created_at", pgettext_lazy("ledger", "Archived at"), 17, "datetime"),
        Column("updated_at", pgettext_lazy("ledger", "Updated at"), 17, "datetime"),
    )
    FIELDS = (
        "id",
        "sign_name",
        "category_id",
        "address",
        "community__name",
        "grid__name",
        "licence_kind",
        "licence_no",
        "photo",
        "business_status",
        "operator_name",
        "operator_mobile",
        "lat",
        "lng",
        "elements_present",
        "risk__level",
        "created_at",
        "updated_at",
    )

    def queryset(self, *, user, filters):
        qs = venue_list(user=user, category=filters.category, business_status=filters.state, org_unit=filters.org_unit)
        return _period(qs, "created_at", filters).order_by("id")

    def records(self, qs):
        labels = Labels()
        for v in qs.values(*self.FIELDS).iterator(chunk_size=CHUNK):
            missing = [
                labels.elements[key]
                for key, present in (
                    ("sign_name", v["sign_name"].strip()),
                    ("address", v["address"].strip()),
                    ("photo", v["photo"]),
                    ("licence", v["licence_kind"] and v["licence_no"]),
                )
                if not present
            ]
            row = [
                v["id"],
                v["sign_name"],
                labels.categories.get(v["category_id"], ""),
                v["address"],
                v["community__name"] or "",
                v["grid__name"] or "",
                labels.choice(LicenceKind, v["licence_kind"]),
                v["licence_no"],
                labels.yes_no(bool(v["photo"])),
                labels.choice(BusinessStatus, v["business_status"]),
                v["operator_name"],
                v["operator_mobile"],
                # 7 decimals: about a centimetre, and no float noise in the cell.
                round(v["lat"], 7) if v["lat"] is not None else None,
                round(v["lng"], 7) if v["lng"] is not None else None,
                v["elements_present"],
                labels.sep.join(missing),
                labels.choice(RiskLevel, v["risk__level"]) if v["risk__level"] else "",
                local(v["created_at"]),
                local(v["updated_at"]),
            ]
            yield row, []


# --- hazard ledger --------------------------------------------------------------------------


class HazardLedger(Ledger):
    kind = LedgerKind.HAZARDS
    columns = (
        Column("id", _("Work order no."), 10, "int"),
        Column("venue", _("Venue"), 22),
        Column("address", _("Address"), 28),
        Column("community", _("Community"), 14),
        Column("category", _("Category"), 14),
        Column("type_code", _("Hazard type code"), 10),
        Column("type_name", _("Hazard type"), 30),
        Column("severity", _("Severity"), 8),
        Column("state", _("State"), 10),
        Column("source", pgettext_lazy("hazard", "Source"), 10),
        Column("found_at", _("Found at"), 17, "datetime"),
        Column("found_by", _("Found by"), 12),
        Column("deadline", _("Deadline"), 17, "datetime"),
        Column("overdue", pgettext_lazy("ledger", "Overdue"), 8),
        Column("responsible", _("Responsible party"), 18),
        Column("closed_at", _("Closed at"), 17, "datetime"),
        Column("hours", _("Rectification time (h)"), 10, "float"),
        Column("on_time", pgettext_lazy("ledger", "Closed on time"), 8),
        Column("description", _("Description"), 28, "long"),
        Column("timeline", _("Timeline"), 60, "long"),
    )
    event_columns = (
        Column("hazard", _("Work order no."), 10, "int"),
        Column("venue", _("Venue"), 22),
        Column("at", _("Time"), 17, "datetime"),
        Column("event", pgettext_lazy("hazard timeline", "Event"), 12),
        Column("actor", _("By"), 12),
        Column("from_state", _("From state"), 10),
        Column("to_state", _("To state"), 10),
        Column("note", _("Note"), 40, "long"),
    )
    FIELDS = (
        "id",
        "venue__sign_name",
        "venue__address",
        "community__name",
        "category_id",
        "hazard_type__code",
        "hazard_type__name",
        "hazard_type__name_en",
        "severity",
        "state",
        "source",
        "found_at",
        "found_by__full_name",
        "found_by__username",
        "deadline",
        "responsible_merchant",
        "responsible_community__name",
        "responsible_department__name",
        "responsible_department__name_en",
        "closed_at",
        "description",
    )
    EVENT_FIELDS = ("hazard_id", "at", "kind", "from_state", "to_state", "actor__full_name", "actor__username", "note")

    def queryset(self, *, user, filters):
        overdue = filters.state == "overdue"
        qs = hazard_list(
            user=user,
            state="" if overdue else filters.state,
            overdue=True if overdue else None,
            org_unit=filters.org_unit,
            category=filters.category,
        )
        return _period(qs, "found_at", filters).order_by("found_at", "id")

    def records(self, qs):
        labels = Labels()
        english = not (translation.get_language() or "").startswith("zh")
        with_note = gettext("%(time)s %(event)s %(actor)s: %(note)s")
        now = clock.now()
        open_states = set(OPEN_STATES)
        for chunk in batched(qs.values(*self.FIELDS).iterator(chunk_size=CHUNK), CHUNK):
            # The events of this chunk's hazards only: one query per chunk, never the whole ledger's.
            events: dict[int, list[dict]] = {}
            rows = (
                HazardEvent.objects.filter(hazard_id__in=[h["id"] for h in chunk])
                .order_by("hazard_id", "at", "id")
                .values(*self.EVENT_FIELDS)
            )
            for e in rows:
                events.setdefault(e["hazard_id"], []).append(e)
            for h in chunk:
                yield self._row(h, events.get(h["id"], []), labels, english, with_note, now, open_states)

    def _row(self, h, events, labels, english, with_note, now, open_states) -> Record:
        is_open = h["state"] in open_states
        closed = h["state"] == HazardState.CLOSED and h["closed_at"] is not None
        party = []
        if h["responsible_merchant"]:
            party.append(labels.merchant)
        if h["responsible_community__name"]:
            party.append(h["responsible_community__name"])
        if h["responsible_department__name"]:
            party.append(
                h["responsible_department__name_en"]
                if english and h["responsible_department__name_en"]
                else h["responsible_department__name"]
            )
        timeline, event_rows = [], []
        for e in events:
            at = local(e["at"])
            kind = labels.choice(EventKind, e["kind"])
            actor = person(e["actor__full_name"], e["actor__username"]) or labels.system
            params = {"time": f"{at:%Y-%m-%d %H:%M}", "event": kind, "actor": actor, "note": e["note"]}
            timeline.append(with_note % params if e["note"] else f"{params['time']} {kind} {actor}")
            event_rows.append(
                [
                    h["id"],
                    h["venue__sign_name"],
                    at,
                    kind,
                    actor,
                    labels.choice(HazardState, e["from_state"]) if e["from_state"] else "",
                    labels.choice(HazardState, e["to_state"]),
                    e["note"],
                ]
            )
        row = [
            h["id"],
            h["venue__sign_name"],
            h["venue__address"],
            h["community__name"],
            labels.categories.get(h["category_id"], ""),
            h["hazard_type__code"],
            h["hazard_type__name_en"] if english and h["hazard_type__name_en"] else h["hazard_type__name"],
            labels.choice(Severity, h["severity"]),
            labels.choice(HazardState, h["state"]),
            labels.choice(HazardSource, h["source"]),
            local(h["found_at"]),
            person(h["found_by__full_name"], h["found_by__username"]),
            local(h["deadline"]),
            labels.yes_no(is_open and h["deadline"] is not None and h["deadline"] < now),
            labels.sep.join(party),
            local(h["closed_at"]) if closed else None,
            round((h["closed_at"] - h["found_at"]).total_seconds() / 3600, 1) if closed else None,
            # As the figures count it: closed by the deadline; no deadline counts as on time.
            labels.yes_no(h["deadline"] is None or h["closed_at"] <= h["deadline"]) if closed else "",
            h["description"],
            "\n".join(timeline),
        ]
        return row, event_rows


# --- inspections ----------------------------------------------------------------------------


class InspectionLedger(Ledger):
    kind = LedgerKind.INSPECTIONS
    columns = (
        Column("id", _("Inspection no."), 10, "int"),
        Column("venue", _("Venue"), 22),
        Column("address", _("Address"), 28),
        Column("community", _("Community"), 14),
        Column("category", _("Category"), 14),
        Column("inspector", _("Inspector"), 12),
        Column("started_at", _("Started at"), 17, "datetime"),
        Column("ended_at", _("Ended at"), 17, "datetime"),
        Column("location", _("Location check"), 14),
        Column("distance", _("Distance to the venue (m)"), 12, "float"),
        Column("hazards", _("Hazards found"), 10, "int"),
        Column("note", _("Note"), 30, "long"),
    )
    FIELDS = (
        "id",
        "venue__sign_name",
        "venue__address",
        "community__name",
        "category_id",
        "inspector__full_name",
        "inspector__username",
        "started_at",
        "ended_at",
        "location_status",
        "distance_m",
        "hazards_found",
        "note",
    )

    def queryset(self, *, user, filters):
        qs = _area_and_category(inspection_list(user=user), filters)
        return _period(qs, "ended_at", filters).order_by("ended_at", "id")

    def records(self, qs):
        labels = Labels()
        # The work orders the inspection's "no" answers raised or added to; a correlated subquery,
        # so rows still stream (a GROUP BY over the join would be computed before the first row).
        found = (
            InspectionAnswer.objects.filter(inspection_id=OuterRef("pk"), hazard__isnull=False)
            .order_by()
            .values("inspection_id")
            .annotate(n=Count("hazard_id", distinct=True))
            .values("n")
        )
        qs = qs.annotate(hazards_found=Coalesce(Subquery(found, output_field=IntegerField()), 0))
        for i in qs.values(*self.FIELDS).iterator(chunk_size=CHUNK):
            row = [
                i["id"],
                i["venue__sign_name"],
                i["venue__address"],
                i["community__name"],
                labels.categories.get(i["category_id"], ""),
                person(i["inspector__full_name"], i["inspector__username"]),
                local(i["started_at"]),
                local(i["ended_at"]),
                labels.choice(LocationStatus, i["location_status"]),
                round(i["distance_m"], 1) if i["distance_m"] is not None else None,
                i["hazards_found"],
                i["note"],
            ]
            yield row, []


# --- self-checks ----------------------------------------------------------------------------


class SelfCheckLedger(Ledger):
    kind = LedgerKind.SELF_CHECKS
    columns = (
        Column("id", _("Self-check no."), 10, "int"),
        Column("venue", _("Venue"), 22),
        Column("community", _("Community"), 14),
        Column("category", _("Category"), 14),
        Column("merchant", _("Merchant"), 12),
        Column("day", _("Day"), 11, "date"),
        Column("revision", _("Submission of the day"), 8, "int"),
        Column("failed", _("Items answered no"), 10, "int"),
        Column("submitted_at", _("Submitted at"), 17, "datetime"),
    )
    FIELDS = (
        "id",
        "venue__sign_name",
        "community__name",
        "category_id",
        "merchant__full_name",
        "merchant__username",
        "day",
        "revision",
        "failed_count",
        "submitted_at",
    )

    def queryset(self, *, user, filters):
        qs = _area_and_category(self_check_list(user=user), filters)
        if filters.date_from:
            qs = qs.filter(day__gte=filters.date_from)
        if filters.date_to:
            qs = qs.filter(day__lte=filters.date_to)
        return qs.order_by("day", "submitted_at", "id")

    def records(self, qs):
        labels = Labels()
        for s in qs.values(*self.FIELDS).iterator(chunk_size=CHUNK):
            row = [
                s["id"],
                s["venue__sign_name"],
                s["community__name"],
                labels.categories.get(s["category_id"], ""),
                person(s["merchant__full_name"], s["merchant__username"]),
                s["day"],
                s["revision"],
                s["failed_count"],
                local(s["submitted_at"]),
            ]
            yield row, []


LEDGERS: dict[str, Ledger] = {
    ledger.kind: ledger for ledger in (VenueLedger(), HazardLedger(), InspectionLedger(), SelfCheckLedger())
}
