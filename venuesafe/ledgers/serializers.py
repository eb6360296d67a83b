"""Input and output of the ledger export API. ExportRequestSerializer is also what the page
validates its form with, so the page and the API accept and refuse exactly the same filters."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework import serializers

from venuesafe.hazards.serializers import CategoryRefField
from venuesafe.venues.serializers import VisibleOrgUnitField

from .filters import STATE_CHOICES, LedgerFilters
from .models import Export, ExportFormat, LedgerKind


class LedgerFiltersSerializer(serializers.Serializer):
    date_from = serializers.DateField(
        required=False, allow_null=True, help_text="First day (Asia/Shanghai) of the period, YYYY-MM-DD."
    )
    date_to = serializers.DateField(required=False, allow_null=True, help_text="Last day of the period, included.")
    org_unit = VisibleOrgUnitField(
        required=False, allow_null=True, help_text="Only rows under this org unit (id); it must be one the user sees."
    )
    category = CategoryRefField(
        required=False, allow_null=True, help_text="Venue category id or code; a main category includes sub-types."
    )
    state = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Hazard ledger: `open`, `overdue` or a hazard state (`found`, `dispatched`, `rectifying`, "
        "`awaiting_review`, `closed`, `withdrawn`). Venue archive: a business status (`open`, `suspended`, "
        "`closed`). The other ledgers take none.",
    )

    def validate(self, attrs):
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if start and end and end < start:
            raise serializers.ValidationError({"date_to": [_("The period cannot end before it starts.")]})
        return attrs


class ExportRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=LedgerKind.choices, help_text="Which ledger.")
    format = serializers.ChoiceField(choices=ExportFormat.choices, default=ExportFormat.XLSX)
    filters = LedgerFiltersSerializer(required=False, default=dict)

    def validate(self, attrs):
        filters = attrs.get("filters") or {}
        state = (filters.get("state") or "").strip()
        allowed = [value for value, _label in STATE_CHOICES.get(attrs["kind"], [])]
        if state and state not in allowed:
            message = (
                _("This ledger cannot be filtered by state.")
                if not allowed
                else _("Choose one of: %(values)s.") % {"values": ", ".join(allowed)}
            )
            raise serializers.ValidationError({"filters": {"state": [message]}})
        attrs["filters"] = LedgerFilters(
            date_from=filters.get("date_from"),
            date_to=filters.get("date_to"),
            org_unit=filters.get("org_unit"),
            category=filters.get("category"),
            state=state,
        )
        return attrs


class ExportOutputSerializer(serializers.ModelSerializer):
    status_url = serializers.SerializerMethodField(help_text="Poll this for the state and progress.")
    download_url = serializers.SerializerMethodField(help_text="The file, once `state` is `done`; else null.")
    progress_percent = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Export
        fields = [
            "id",
            "kind",
            "format",
            "filters",
            "state",
            "rows_total",
            "rows_done",
            "progress_percent",
            "error",
            "created_at",
            "finished_at",
            "status_url",
            "download_url",
        ]
        read_only_fields = fields

    def get_status_url(self, obj: Export) -> str:
        return reverse("api-ledger-export", args=[obj.pk])

    def get_download_url(self, obj: Export) -> str | None:
        if obj.state != "done":
            return None
        return reverse("api-ledger-export-download", args=[obj.pk])
