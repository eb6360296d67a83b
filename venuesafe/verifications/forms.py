"""Page forms of the instant response. They parse input; the services decide."""

from __future__ import annotations

import datetime as dt
import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from venuesafe.accounts.models import User
from venuesafe.accounts.selectors import editable_org_units, org_units_visible
from venuesafe.core import clock
from venuesafe.core.geo import CoordSystem
from venuesafe.core.positions import Position, parse_position
from venuesafe.org.models import OrgLevel, OrgUnit
from venuesafe.venues.forms import OrgUnitChoiceField, _category_from, grouped_category_choices
from venuesafe.venues.models import VenueCategory

from .models import AnomalyKind

COORD_CHOICES = [
    (CoordSystem.WGS84.value, _("WGS-84 (phone GPS)")),
    (CoordSystem.GCJ02.value, _("GCJ-02 (AutoNavi, Tencent, WeChat maps)")),
    (CoordSystem.BD09.value, _("BD-09 (Baidu maps)")),
]


def _lat_lng_fields():
    return (
        forms.FloatField(
            label=_("Latitude"), required=False, widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"})
        ),
        forms.FloatField(
            label=_("Longitude"),
            required=False,
            widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        ),
    )


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What is wrong?"), choices=AnomalyKind.choices, widget=forms.RadioSelect)
    venue = forms.IntegerField(required=False, widget=forms.HiddenInput)
    sign_name = forms.CharField(
        label=_("Shop sign name"),
        max_length=100,
        required=False,
        help_text=_("As it reads on the shop now."),
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    lat, lng = _lat_lng_fields()
    coord_system = forms.ChoiceField(
        label=_("Coordinate system"), choices=COORD_CHOICES, required=False, initial=CoordSystem.WGS84.value
    )
    location_accuracy_m = forms.FloatField(required=False, min_value=0, widget=forms.HiddenInput)
    location_source = forms.CharField(required=False, widget=forms.HiddenInput)
    licence_no = forms.CharField(
        label=_("Licence number (optional)"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    photo = forms.ImageField(
        label=_("Photo (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    org_unit = OrgUnitChoiceField(
        label=_("Community or grid"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("Found from the position"),
        help_text=_("Only needed when no archived venue is near the position."),
    )
    client_id = forms.UUIDField(widget=forms.HiddenInput)
    matched_venue = forms.IntegerField(required=False, widget=forms.HiddenInput)
    confirm_new = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = grouped_category_choices(_("Not sure"))
        self.fields["org_unit"].queryset = editable_org_units(
            user=user, levels=(OrgLevel.COMMUNITY, OrgLevel.GRID)
        ).select_related("parent")
        if not self.is_bound:
            self.initial.setdefault("client_id", uuid.uuid4())

    def clean_category(self) -> VenueCategory | None:
        return _category_from(self.cleaned_data.get("category", ""))

    def position(self) -> Position | None:
        d = self.cleaned_data
        return parse_position(d.get("lat"), d.get("lng"), d.get("location_accuracy_m"), d.get("coord_system") or None)


class PositionMixin(forms.Form):
    """Hidden position fields, filled from the phone (static/js/inspection.js, forms marked data-geo)."""

    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, widget=forms.HiddenInput)
    accuracy_m = forms.FloatField(required=False, widget=forms.HiddenInput)
    coord_system = forms.CharField(required=False, widget=forms.HiddenInput)
    client_id = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("client_id", uuid.uuid4())

    def position(self) -> Position | None:
        d = self.cleaned_data
        return parse_position(d.get("lat"), d.get("lng"), d.get("accuracy_m"), d.get("coord_system") or None)


class VerifyForm(PositionMixin):
    sign_name = forms.CharField(label=_("Shop sign name"), max_length=100, required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    licence_no = forms.CharField(
        label=_("Licence number"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    photo = forms.ImageField(
        label=_("Photo of the shop front"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    use_position = forms.BooleanField(label=_("My position is the venue's location"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = grouped_category_choices(_("Choose"))

    def clean_category(self) -> VenueCategory | None:
        return _category_from(self.cleaned_data.get("category", ""))


class DismissForm(PositionMixin):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


SHOW_CHOICES = [
    ("mine", _("Assigned to me")),
    ("open", _("Open in my area")),
    ("overdue", _("Overdue")),
    ("reported", _("Reported by me")),
    ("all", _("All")),
]


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

    MAX_DAYS = 3660

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = org_units_visible(user=user)
        if not self.is_bound:
            self.initial["date_from"], self.initial["date_to"] = self.default_period()

    @staticmethod
    def default_period() -> tuple[dt.date, dt.date]:
        """This month and the two before it, so "venues added per month" shows a trend."""
        today = clock.local_today()
        first = today.replace(day=1)
        for _i in range(2):
            first = (first - dt.timedelta(days=1)).replace(day=1)
        return first, today

    def clean(self):
        data = super().clean()
        first, today = self.default_period()
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
            d = self.cleaned_data
            return {"date_from": d["date_from"], "date_to": d["date_to"], "org_unit": d.get("org_unit")}
        first, today = self.default_period()
        return {"date_from": first, "date_to": today, "org_unit": None}
