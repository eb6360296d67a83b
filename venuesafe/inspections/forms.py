"""Page forms for a patrol inspection. They parse the phone's input; inspections.services validates and saves."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from venuesafe.core.geo import CoordSystem
from venuesafe.core.validators import normalize_code
from venuesafe.hazards.models import HazardType
from venuesafe.venues.forms import grouped_category_choices
from venuesafe.venues.models import LicenceKind, Venue
from venuesafe.venues.selectors import category_choices

from .models import AnswerResult, ChecklistItem
from .services import AnswerInput


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several photos from one <input type=file multiple>; the services check each photo."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/*", "capture": "environment", "multiple": True})
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(d, initial) for d in data if d]
        else:
            files = [single(data, initial)] if data else []
        limit = settings.MAX_PHOTOS_PER_STEP
        if len(files) > limit:
            raise forms.ValidationError(_("Add at most %(n)d photos.") % {"n": limit}, code="too_many_photos")
        return files


def hazard_types_for_venue(venue: Venue):
    """Active catalogue entries that apply to the venue's category (for a finding outside the checklist)."""
    from venuesafe.hazards.selectors import hazard_types_for_category

    return hazard_types_for_category(category=venue.category)


@dataclass
class ChecklistRow:
    """One question as the template draws it, with what was answered and the errors next to it."""

    item: ChecklistItem
    result: str
    hazard_type: str
    note: str
    fixed: bool
    options: list[HazardType]
    errors: list[str]

    @property
    def failed(self) -> bool:
        return self.result == AnswerResult.FAIL


@dataclass
class ChecklistSectionRows:
    code: str
    label: str
    rows: list[ChecklistRow]


# A service error key "answers[i].<name>" → the form field prefix of question i.
_ANSWER_PARTS = {
    "result": "answer",
    "checklist_item": "answer",
    "severity": "answer",
    "hazard_type": "hazard_type",
    "photos": "photos",
    "proof_photos": "proof_photos",
    "description": "note",
    "note": "note",
}


class InspectionForm(forms.Form):
    """The checklist answers (one group of fields per question, named `<part>-<item id>`) and the position."""

    client_id = forms.UUIDField(widget=forms.HiddenInput)
    started_at = forms.DateTimeField(widget=forms.HiddenInput)
    lat = forms.CharField(required=False, widget=forms.HiddenInput)
    lng = forms.CharField(required=False, widget=forms.HiddenInput)
    accuracy_m = forms.CharField(required=False, widget=forms.HiddenInput)
    coord_system = forms.CharField(required=False, widget=forms.HiddenInput, initial=CoordSystem.WGS84.value)
    note = forms.CharField(
        label=_("Note on the inspection"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    relocate_venue = forms.BooleanField(
        label=_("Move the venue to my position"),
        required=False,
        help_text=_("The archived location is replaced by the phone's position (GPS)."),
    )

    def __init__(self, *args, items: list[ChecklistItem], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            pk = item.pk
            self.fields[f"answer-{pk}"] = forms.ChoiceField(
                label=item.label,
                choices=AnswerResult.choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("Answer this question.")},
            )
            self.fields[f"hazard_type-{pk}"] = forms.TypedChoiceField(
                required=False,
                coerce=int,
                empty_value=None,
                choices=[(t.pk, t.label) for t in self.options_for(item)],
                initial=item.default_hazard_type_id,
            )
            self.fields[f"note-{pk}"] = forms.CharField(required=False, max_length=2000)
            self.fields[f"photos-{pk}"] = MultipleFileField()
            self.fields[f"fixed-{pk}"] = forms.BooleanField(required=False)
            self.fields[f"proof_photos-{pk}"] = MultipleFileField()

    @staticmethod
    def options_for(item: ChecklistItem) -> list[HazardType]:
        """The hazards a "no" may be, the default first."""
        types = list(item.hazard_types.all())
        return sorted(types, key=lambda t: t.pk != item.default_hazard_type_id)

    def clean(self):
        data = super().clean()
        for item in self.items:
            pk = item.pk
            if data.get(f"answer-{pk}") != AnswerResult.FAIL:
                continue
            # The service checks this too; checking here shows every missing photo at once.
            if data.get(f"fixed-{pk}"):
                if not data.get(f"proof_photos-{pk}") and f"proof_photos-{pk}" not in self.errors:
                    self.add_error(f"proof_photos-{pk}", _("Add a photo of the fixed state."))
            elif not data.get(f"photos-{pk}") and f"photos-{pk}" not in self.errors:
                self.add_error(f"photos-{pk}", _("Add at least one photo."))
        return data

    def answers(self) -> list[AnswerInput]:
        data = self.cleaned_data
        types = {t.pk: t for item in self.items for t in item.hazard_types.all()}
        out = []
        for item in self.items:
            pk = item.pk
            result = data[f"answer-{pk}"]
            failed = result == AnswerResult.FAIL
            type_id = data.get(f"hazard_type-{pk}")
            out.append(
                AnswerInput(
                    checklist_item=pk,
                    result=result,
                    hazard_type=types.get(type_id) if failed and type_id else None,
                    note=data.get(f"note-{pk}") or "",
                    photos=(data.get(f"photos-{pk}") or []) if failed else [],
                    fixed_on_spot=bool(data.get(f"fixed-{pk}")) and failed,
                    proof_photos=(data.get(f"proof_photos-{pk}") or []) if failed and data.get(f"fixed-{pk}") else [],
                )
            )
        return out

    def sections(self) -> list[ChecklistSectionRows]:
        """The questions grouped by section, in checklist order, for the template."""
        groups: dict[str, ChecklistSectionRows] = {}
        for item in self.items:
            pk = item.pk
            errors = []
            for part in ("answer", "hazard_type", "note", "photos", "fixed", "proof_photos"):
                errors += [str(e) for e in self.errors.get(f"{part}-{pk}", [])]
            hazard_type = self[f"hazard_type-{pk}"].value()
            row = ChecklistRow(
                item=item,
                result=self[f"answer-{pk}"].value() or "",
                hazard_type=str(hazard_type if hazard_type not in (None, "") else item.default_hazard_type_id),
                note=self[f"note-{pk}"].value() or "",
                fixed=bool(self[f"fixed-{pk}"].value()),
                options=self.options_for(item),
                errors=errors,
            )
            section = groups.get(item.section)
            if section is None:
                section = groups[item.section] = ChecklistSectionRows(
                    code=item.section, label=item.get_section_display(), rows=[]
                )
            section.rows.append(row)
        return list(groups.values())

    def field_for_answer(self, index: int, part: str) -> str | None:
        """The field of answer `index` (service order) that an error "answers[index].part" is about."""
        if index >= len(self.items):
            return None
        return f"{_ANSWER_PARTS.get(part, 'answer')}-{self.items[index].pk}"


class AdhocFindingForm(forms.Form):
    """A hazard seen outside the checklist. Empty hazard type: no finding."""

    hazard_type = forms.ModelChoiceField(
        label=_("Hazard"), required=False, queryset=HazardType.objects.none(), empty_label=_("— none —")
    )
    note = forms.CharField(
        label=_("What was seen"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    photos = MultipleFileField(label=_("Photos of the hazard"))
    fixed = forms.BooleanField(label=_("Fixed on the spot"), required=False)
    proof_photos = MultipleFileField(label=_("Photos after the fix"))

    def __init__(self, *args, venue: Venue, **kwargs):
        kwargs.setdefault("prefix", "adhoc")
        super().__init__(*args, **kwargs)
        self.fields["hazard_type"].queryset = hazard_types_for_venue(venue)
        self.fields["hazard_type"].label_from_instance = lambda t: f"{t.code} {t.label}"

    def clean(self):
        data = super().clean()
        if not data.get("hazard_type"):
            return data
        if data.get("fixed"):
            if not data.get("proof_photos") and "proof_photos" not in self.errors:
                self.add_error("proof_photos", _("Add a photo of the fixed state."))
        elif not data.get("photos") and "photos" not in self.errors:
            self.add_error("photos", _("Add at least one photo."))
        return data

    def answer(self) -> AnswerInput | None:
        data = self.cleaned_data
        if not data.get("hazard_type"):
            return None
        fixed = bool(data.get("fixed"))
        return AnswerInput(
            checklist_item=None,
            result=AnswerResult.FAIL,
            hazard_type=data["hazard_type"],
            note=data.get("note") or "",
            photos=data.get("photos") or [],
            fixed_on_spot=fixed,
            proof_photos=(data.get("proof_photos") or []) if fixed else [],
        )


class VenueCorrectionForm(forms.Form):
    """The five elements, prefilled from the archive; only what the inspector changed is sent."""

    sign_name = forms.CharField(label=_("Shop sign name"), max_length=100, required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    licence_no = forms.CharField(
        label=_("Unified social credit code or licence number"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    licence_kind = forms.ChoiceField(
        label=_("Licence type"), required=False, choices=[("", _("Detect from the number")), *LicenceKind.choices]
    )
    photo = forms.FileField(
        label=_("New photo of the shop front"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    # Service error key (after "venue.") → field here.
    ERROR_FIELD_ALIASES = {"licence": "licence_no"}

    def __init__(self, *args, venue: Venue, **kwargs):
        kwargs.setdefault("prefix", "venue")
        kwargs.setdefault(
            "initial",
            {
                "sign_name": venue.sign_name,
                "category": str(venue.category_id),
                "address": venue.address,
                "licence_no": venue.licence_no,
                "licence_kind": venue.licence_kind,
            },
        )
        super().__init__(*args, **kwargs)
        self.venue = venue
        self.fields["category"].choices = grouped_category_choices(_("— keep —"))

    def changes(self) -> dict:
        """The venue_update keyword arguments for what differs from the archive."""
        venue = self.venue
        # A field the page did not send is not a change (browsers send every input, even folded away).
        data = {name: value for name, value in self.cleaned_data.items() if self.add_prefix(name) in self.data}
        data.update({k: v for k, v in self.cleaned_data.items() if k == "photo"})
        out: dict = {}
        for name in ("sign_name", "address"):
            if name not in data:
                continue
            value = (data.get(name) or "").strip()
            if value != getattr(venue, name):
                out[name] = value
        category_id = data.get("category")
        if category_id and str(category_id) != str(venue.category_id):
            out["category"] = category_choices().filter(pk=category_id).first()
            if out["category"] is None:
                del out["category"]
                self.add_error("category", _("Choose a category from the list."))
        licence_no = (data.get("licence_no") or "").strip() if "licence_no" in data else venue.licence_no
        licence_kind = data.get("licence_kind") or ""
        if normalize_code(licence_no) != venue.licence_no or (licence_kind and licence_kind != venue.licence_kind):
            out["licence_no"] = licence_no
            out["licence_kind"] = licence_kind
        if data.get("photo"):
            out["photo"] = data["photo"]
        return out

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for name, messages in errors.items():
            target = self.ERROR_FIELD_ALIASES.get(name, name)
            if target not in self.fields:
                target = None
            for message in messages:
                self.add_error(target, message)


def new_client_id() -> uuid.UUID:
    return uuid.uuid4()
