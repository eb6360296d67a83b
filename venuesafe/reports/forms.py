"""Forms of the public report page and of triage. They parse; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from venuesafe.core.geo import CoordSystem
from venuesafe.hazards.models import HazardType, Severity

from .models import ReportCategory


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ReportCategory) -> str:
        return obj.label


class ReportForm(forms.Form):
    category = CategoryChoiceField(
        label=_("What is the problem?"),
        queryset=ReportCategory.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Choose what kind of problem you are reporting.")},
    )
    description = forms.CharField(
        label=_("Describe it"),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 4000}),
        max_length=4000,
        error_messages={"required": _("Describe the problem in a few words.")},
    )
    photo = forms.FileField(
        label=_("Photo of the problem"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    address_string = forms.CharField(
        label=_("Where exactly?"),
        required=False,
        max_length=255,
        help_text=_("Street and number, building, floor, shop name: anything that helps find it."),
    )
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, widget=forms.HiddenInput)
    coord_system = forms.ChoiceField(
        required=False, choices=[(c.value, c.value) for c in CoordSystem], widget=forms.HiddenInput
    )
    contact_name = forms.CharField(label=_("Your name"), required=False, max_length=50)
    contact_phone = forms.CharField(label=_("Your phone"), required=False, max_length=20)
    contact_email = forms.CharField(label=_("Your e-mail"), required=False, max_length=254)
    client_token = forms.UUIDField(required=False, widget=forms.HiddenInput)
    venue = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)
    # Honeypot: hidden from people, filled in by form-filling robots.
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    def __init__(self, *args, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories if categories is not None else ReportCategory.objects.none()
        self.fields["contact_phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})
        self.fields["contact_email"].widget.attrs.update({"inputmode": "email", "autocomplete": "email"})
        self.fields["contact_name"].widget.attrs.update({"autocomplete": "name"})
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})


class LookupForm(forms.Form):
    reference = forms.CharField(label=_("Reference number"), max_length=20)


class AcceptForm(forms.Form):
    venue = forms.IntegerField(
        label=_("Venue"), error_messages={"required": _("Choose the venue the problem is at, or dismiss the report.")}
    )
    hazard_type = forms.ModelChoiceField(label=_("Hazard type"), queryset=HazardType.objects.filter(is_active=True))
    severity = forms.ChoiceField(
        label=_("Severity"), choices=[("", _("Default of the hazard type")), *Severity.choices], required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class MergeForm(forms.Form):
    hazard = forms.IntegerField(label=_("Work order"), error_messages={"required": _("Choose the work order.")})
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class DismissForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the reporter reads it)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        error_messages={"required": _("Give the reason the reporter will read.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
