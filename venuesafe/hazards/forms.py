"""Page forms for hazard work orders: the board's filters, one form per transition, the figures' period.

They parse input; hazards.services decides what is allowed and valid.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from venuesafe.accounts.models import User
from venuesafe.accounts.selectors import org_units_visible
from venuesafe.core import clock
from venuesafe.core.errors import InvalidInput
from venuesafe.core.positions import Position, parse_position
from venuesafe.inspections.forms import MultipleFileField
from venuesafe.org.models import Department, OrgLevel, OrgUnit
from venuesafe.venues.forms import OrgUnitChoiceField, grouped_category_choices
from venuesafe.venues.models import VenueCategory
from venuesafe.venues.selectors import category_choices

from .models import Hazard, HazardState, HazardType
from .services import ResponsibleParty


def _category_from(value: str) -> VenueCategory | None:
    if not value:
        return None
    try:
        return category_choices().get(pk=int(value))
    except (ValueError, VenueCategory.DoesNotExist):
        raise forms.ValidationError(_("Choose a category from the list."), code="invalid_category") from None


class HazardTypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: HazardType) -> str:
        return f"{obj.code} {obj.label}"


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Department) -> str:
        from django.utils import translation

        english = (translation.get_language() or "").startswith("en")
        return obj.name_en if english and obj.name_en else obj.name


# --- the dispatch board --------------------------------------------------------------------


class HazardFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Venue name or address"), "autocomplete": "off"}
        ),
    )
    state = forms.ChoiceField(label=_("State"), required=False)
    overdue = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[("", _("All")), ("yes", _("Overdue")), ("no", _("Not overdue"))],
    )
    org_unit = OrgUnitChoiceField(
        label=_("Community / grid"), queryset=OrgUnit.objects.none(), required=False, empty_label=_("All")
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    hazard_type = HazardTypeChoiceField(
        label=_("Hazard type"), queryset=HazardType.objects.none(), required=False, empty_label=_("All")
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [
            ("", _("All")),
            ("open", pgettext_lazy("work order", "Open (not closed)")),
            *HazardState.choices,
        ]
        self.fields["org_unit"].queryset = org_units_visible(user=user).filter(
            level__in=(OrgLevel.STREET, OrgLevel.COMMUNITY, OrgLevel.GRID)
        )
        self.fields["category"].choices = grouped_category_choices(_("All"))
        self.fields["hazard_type"].queryset = HazardType.objects.order_by("sort_order", "code")

    def clean_category(self):
        return _category_from(self.cleaned_data.get("category", ""))

    def selector_kwargs(self, *, with_state: bool = True) -> dict:
        """hazard_list keyword arguments; an invalid filter is dropped rather than refused."""
        data = {}
        if self.is_bound:
            self.is_valid()
            data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        kwargs = {
            "search": data.get("q") or "",
            "org_unit": data.get("org_unit"),
            "category": data.get("category"),
            "hazard_type": data.get("hazard_type"),
        }
        if with_state:
            kwargs["state"] = data.get("state") or ""
            kwargs["overdue"] = {"yes": True, "no": False}.get(data.get("overdue") or "")
        return kwargs


# --- one form per transition ----------------------------------------------------------------


class _ActionForm(forms.Form):
    """Every transition form carries the version of the order the user saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    # Service error field → form field, for names that differ.
    ERROR_FIELD_ALIASES: dict[str, str] = {}

    def __init__(self, *args, hazard: Hazard, user: User, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("version", hazard.version)
        super().__init__(*args, **kwargs)
        self.hazard = hazard
        self.user = user

    def add_service_errors(self, exc: InvalidInput) -> None:
        if not exc.fields:
            self.add_error(None, str(exc.message))
            return
        for name, messages in exc.fields.items():
            target = self.ERROR_FIELD_ALIASES.get(name, name)
            if target not in self.fields or target == "version":
                target = None
            for message in messages:
                self.add_error(target, str(message))

    def service_kwargs(self) -> dict:
        raise NotImplementedError


def _note_field(label=None, required=False) -> forms.CharField:
    return forms.CharField(
        label=label or _("Note"), required=required, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


def _deadline_field(required: bool, help_text="") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=_("Deadline"),
        required=required,
        help_text=help_text,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class _PositionMixin(forms.Form):
    """The phone's position, filled by JavaScript; none is fine."""

    lat = forms.CharField(required=False, widget=forms.HiddenInput)
    lng = forms.CharField(required=False, widget=forms.HiddenInput)
    accuracy_m = forms.CharField(required=False, widget=forms.HiddenInput)
    coord_system = forms.CharField(required=False, widget=forms.HiddenInput, initial="wgs84")

    def position(self) -> Position | None:
        data = self.cleaned_data
        try:
            return parse_position(data.get("lat"), data.get("lng"), data.get("accuracy_m"), data.get("coord_system"))
        except InvalidInput:
            return None  # a bad reading from the phone must not block a review; it is simply not recorded


class DispatchForm(_ActionForm):
    merchant = forms.BooleanField(label=_("The merchant"), required=False)
    responsible_community = OrgUnitChoiceField(
        label=_("Community"), queryset=OrgUnit.objects.none(), required=False, empty_label=_("— none —")
    )
    responsible_department = DepartmentChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False, empty_label=_("— none —")
    )
    deadline = _deadline_field(False, _("Empty: the default deadline of the hazard's severity."))
    note = _note_field()

    ERROR_FIELD_ALIASES = {"responsible": "merchant"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hazard = self.hazard
        street = hazard.community.parent if hazard.community.parent_id else hazard.community
        self.fields["responsible_community"].queryset = OrgUnit.objects.filter(
            level=OrgLevel.COMMUNITY, path__startswith=street.path, is_active=True
        ).order_by("path")
        self.fields["responsible_department"].queryset = Department.objects.order_by("code")
        if not self.is_bound:
            has_merchant = hazard.venue.merchant_links.exists()
            self.initial.setdefault("merchant", has_merchant or hazard.responsible_merchant)
            self.initial.setdefault(
                "responsible_community",
                hazard.responsible_community_id or (None if has_merchant else hazard.community_id),
            )
            self.initial.setdefault("responsible_department", hazard.responsible_department_id)

    def party(self) -> ResponsibleParty:
        data = self.cleaned_data
        return ResponsibleParty(
            merchant=bool(data.get("merchant")),
            community=data.get("responsible_community"),
            department=data.get("responsible_department"),
        )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"party": self.party(), "deadline": data.get("deadline"), "note": data.get("note") or ""}


class RedispatchForm(DispatchForm):
    reason = _note_field(_("Reason"), required=True)

    field_order = ["merchant", "responsible_community", "responsible_department", "deadline", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["note"]
        self.fields["deadline"].help_text = _("Empty: the deadline stays as it is.")

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"party": self.party(), "deadline": data.get("deadline"), "reason": data.get("reason") or ""}


class AcknowledgeForm(_ActionForm):
    note = _note_field()

    def service_kwargs(self) -> dict:
        return {"note": self.cleaned_data.get("note") or ""}


class ProofForm(_ActionForm, _PositionMixin):
    photos = MultipleFileField(label=_("Photos of the fixed state"))
    note = _note_field(_("What was done"))

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"photos": data.get("photos") or [], "note": data.get("note") or "", "position": self.position()}


class ReviewPassForm(_ActionForm, _PositionMixin):
    note = _note_field()
    photos = MultipleFileField(label=_("Photos (optional)"))

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"note": data.get("note") or "", "photos": data.get("photos") or [], "position": self.position()}


class ReviewFailForm(_ActionForm, _PositionMixin):
    reason = _note_field(_("What is still wrong"), required=True)
    photos = MultipleFileField(label=_("Photos (optional)"))

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"reason": data.get("reason") or "", "photos": data.get("photos") or [], "position": self.position()}


class ReasonForm(_ActionForm):
    reason = _note_field(_("Reason"), required=True)

    def service_kwargs(self) -> dict:
        return {"reason": self.cleaned_data.get("reason") or ""}


class ExtendDeadlineForm(_ActionForm):
    deadline = _deadline_field(True)
    reason = _note_field(_("Reason"), required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deadline"].label = _("New deadline")

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"deadline": data.get("deadline"), "reason": data.get("reason") or ""}


ACTION_FORMS: dict[str, type[_ActionForm]] = {
    "dispatch": DispatchForm,
    "redispatch": RedispatchForm,
    "acknowledge": AcknowledgeForm,
    "submit_proof": ProofForm,
    "review_pass": ReviewPassForm,
    "review_fail": ReviewFailForm,
    "reopen": ReasonForm,
    "extend_deadline": ExtendDeadlineForm,
    "withdraw": ReasonForm,
}


def action_form(action: str, *args, hazard: Hazard, user: User, **kwargs) -> _ActionForm:
    """The form of one transition, its fields prefixed by the action (e.g. "dispatch-note")."""
    return ACTION_FORMS[action](*args, hazard=hazard, user=user, prefix=action, **kwargs)


# --- figures --------------------------------------------------------------------------------


class FiguresForm(forms.Form):
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    org_unit = OrgUnitChoiceField(
        label=_("Street / community / grid"), queryset=OrgUnit.objects.none(), required=False, empty_label=_("All")
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    hazard_type = HazardTypeChoiceField(
        label=_("Hazard type"), queryset=HazardType.objects.none(), required=False, empty_label=_("All")
    )

    MAX_DAYS = 3660

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = org_units_visible(user=user).filter(
            level__in=(OrgLevel.DISTRICT, OrgLevel.STREET, OrgLevel.COMMUNITY, OrgLevel.GRID)
        )
        self.fields["category"].choices = grouped_category_choices(_("All"))
        self.fields["hazard_type"].queryset = HazardType.objects.order_by("sort_order", "code")
        if not self.is_bound:
            self.initial["date_from"], self.initial["date_to"] = self.this_month()

    @staticmethod
    def this_month() -> tuple[dt.date, dt.date]:
        today = clock.local_today()
        return today.replace(day=1), today

    def clean_category(self):
        return _category_from(self.cleaned_data.get("category", ""))

    def clean(self):
        data = super().clean()
        first, today = self.this_month()
        date_from = data.get("date_from") or first
        date_to = data.get("date_to") or today
        if date_from > date_to:
            self.add_error("date_to", _("The end of the period must not be before its start."))
        elif (date_to - date_from).days > self.MAX_DAYS:
            self.add_error("date_from", _("Choose a period of at most ten years."))
        data["date_from"], data["date_to"] = date_from, date_to
        return data

    def selector_kwargs(self) -> dict:
        if self.is_bound and self.is_valid():
            data = self.cleaned_data
        else:
            first, today = self.this_month()
            data = {"date_from": first, "date_to": today}
        return {
            "date_from": data["date_from"],
            "date_to": data["date_to"],
            "org_unit": data.get("org_unit"),
            "category": data.get("category"),
            "hazard_type": data.get("hazard_type"),
        }
