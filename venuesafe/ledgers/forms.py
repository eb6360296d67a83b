"""The ledger page's form. It only renders and gathers the fields: validation is the API's
ExportRequestSerializer, run in `clean()`, so the page and the API refuse the same filters with
the same messages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from venuesafe.accounts.models import User
from venuesafe.accounts.selectors import org_units_visible
from venuesafe.org.models import OrgLevel
from venuesafe.venues.forms import grouped_category_choices

from .filters import HAZARD_STATE_CHOICES, VENUE_STATE_CHOICES
from .models import ExportFormat, LedgerKind
from .serializers import ExportRequestSerializer

# The page has one state field per ledger that has states; the API has one `state`.
STATE_FIELD = {LedgerKind.HAZARDS: "hazard_state", LedgerKind.VENUES: "venue_status"}
FILTER_FIELDS = ("date_from", "date_to", "org_unit", "category")


class LedgerForm(forms.Form):
    kind = forms.CharField(
        label=_("Ledger"), widget=forms.RadioSelect(choices=LedgerKind.choices), initial=LedgerKind.HAZARDS
    )
    date_from = forms.CharField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.CharField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    org_unit = forms.CharField(label=_("Area"), required=False, widget=forms.Select)
    category = forms.CharField(label=_("Category"), required=False, widget=forms.Select)
    hazard_state = forms.CharField(
        label=_("Work order state"),
        required=False,
        widget=forms.Select(choices=[("", _("All")), *HAZARD_STATE_CHOICES]),
    )
    venue_status = forms.CharField(
        label=_("Business status"),
        required=False,
        widget=forms.Select(choices=[("", _("All")), *VENUE_STATE_CHOICES]),
    )
    format = forms.CharField(
        label=_("Format"), widget=forms.RadioSelect(choices=ExportFormat.choices), initial=ExportFormat.XLSX
    )

    def __init__(self, *args, user: User, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request
        units = org_units_visible(user=user).filter(level__in=(OrgLevel.STREET, OrgLevel.COMMUNITY, OrgLevel.GRID))
        self.fields["org_unit"].widget.choices = [("", _("All my area"))] + [
            (str(u.pk), f"{u.parent.name} · {u.name}" if u.level == OrgLevel.GRID and u.parent_id else u.name)
            for u in units
        ]
        self.fields["category"].widget.choices = grouped_category_choices(_("All"))
        self.validated: dict = {}

    def payload(self) -> dict:
        """The API's request body made from the page's fields."""
        data = self.cleaned_data
        kind = data.get("kind") or ""
        filters = {name: data[name].strip() for name in FILTER_FIELDS if (data.get(name) or "").strip()}
        state_field = STATE_FIELD.get(kind)
        if state_field and data.get(state_field):
            filters["state"] = data[state_field]
        return {"kind": kind, "format": data.get("format") or ExportFormat.XLSX, "filters": filters}

    def clean(self):
        super().clean()
        # The serializer's VisibleOrgUnitField reads the user from a DRF request context.
        context = {"request": self.request or _UserOnly(self.user)}
        serializer = ExportRequestSerializer(data=self.payload(), context=context)
        if serializer.is_valid():
            self.validated = serializer.validated_data
            return self.cleaned_data
        kind = self.cleaned_data.get("kind")
        for name, messages in serializer.errors.items():
            if name == "filters" and isinstance(messages, dict):
                for sub, sub_messages in messages.items():
                    field = STATE_FIELD.get(kind) if sub == "state" else sub
                    for message in sub_messages:
                        self.add_error(field if field in self.fields else None, str(message))
            else:
                for message in messages:
                    self.add_error(name if name in self.fields else None, str(message))
        return self.cleaned_data


class _UserOnly:
    def __init__(self, user: User):
        self.user = user
