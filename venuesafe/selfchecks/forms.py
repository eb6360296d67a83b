"""Page forms for the merchant's daily self-check and its figures.

They parse the phone's input; selfchecks.services validates and saves.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from venuesafe.accounts.models import User
from venuesafe.accounts.selectors import org_units_visible
from venuesafe.core import clock
from venuesafe.org.models import OrgLevel, OrgUnit
from venuesafe.venues.forms import OrgUnitChoiceField, grouped_category_choices
from venuesafe.venues.models import VenueCategory
from venuesafe.venues.selectors import category_choices

from .models import SelfCheckItem, SelfCheckStep
from .services import SelfCheckAnswerInput

YES, NO = "yes", "no"
ANSWER_CHOICES = [(YES, _("Yes")), (NO, _("No"))]

# A service error key "answers[i].<part>" → the field prefix of item i on the page.
_ANSWER_KEY = re.compile(r"^answers\[(\d+)\](?:\.(\w+))?$")
_ANSWER_PARTS = {
    "item": "item",
    "ok": "item",
    "photo": "photo",
    "photos": "photo",
    "note": "note",
    "description": "note",
    "fix_now": "fix",
    "proof_photo": "proof",
    "proof_photos": "proof",
}
_ROW_PARTS = ("item", "photo", "note", "fix", "proof")


@dataclass
class ItemRow:
    """One item as the template draws it, with what was answered and the errors next to it."""

    item: SelfCheckItem
    answer: str
    note: str
    fix: bool
    errors: list[str]

    @property
    def failed(self) -> bool:
        return self.answer == NO


@dataclass
class StepRows:
    code: str
    label: str
    rows: list[ItemRow]


class SelfCheckForm(forms.Form):
    """One group of fields per item, named `<part>-<item id>`: item (yes/no), photo, note, fix, proof."""

    client_id = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, items: list[SelfCheckItem], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            pk = item.pk
            self.fields[f"item-{pk}"] = forms.ChoiceField(
                label=item.label,
                choices=ANSWER_CHOICES,
                widget=forms.RadioSelect,
                error_messages={"required": _("Answer yes or no.")},
            )
            self.fields[f"photo-{pk}"] = forms.FileField(required=False)
            self.fields[f"note-{pk}"] = forms.CharField(required=False, max_length=500)
            self.fields[f"fix-{pk}"] = forms.BooleanField(required=False)
            self.fields[f"proof-{pk}"] = forms.FileField(required=False)

    def clean(self):
        data = super().clean()
        # The service checks these too; checking here shows every missing photo at once.
        for item in self.items:
            pk = item.pk
            if item.photo_required and not data.get(f"photo-{pk}") and f"photo-{pk}" not in self.errors:
                self.add_error(f"photo-{pk}", _("This item needs a photo."))
            fixing = data.get(f"item-{pk}") == NO and data.get(f"fix-{pk}")
            if fixing and not data.get(f"proof-{pk}") and f"proof-{pk}" not in self.errors:
                self.add_error(f"proof-{pk}", _("Add a photo that shows it is fixed."))
        return data

    def answers(self) -> list[SelfCheckAnswerInput]:
        data = self.cleaned_data
        out = []
        for item in self.items:
            pk = item.pk
            failed = data[f"item-{pk}"] == NO
            fix = failed and bool(data.get(f"fix-{pk}"))
            out.append(
                SelfCheckAnswerInput(
                    item=pk,
                    ok=not failed,
                    photo=data.get(f"photo-{pk}") or None,
                    note=(data.get(f"note-{pk}") or "") if failed else "",
                    fix_now=fix,
                    proof_photo=(data.get(f"proof-{pk}") or None) if fix else None,
                )
            )
        return out

    def steps(self) -> list[StepRows]:
        """The items grouped by step (查设备, 看线路, 清通道), in order, for the template."""
        groups = {code: StepRows(code=code, label=label, rows=[]) for code, label in SelfCheckStep.choices}
        for item in self.items:
            pk = item.pk
            errors = [str(e) for part in _ROW_PARTS for e in self.errors.get(f"{part}-{pk}", [])]
            groups[item.step].rows.append(
                ItemRow(
                    item=item,
                    answer=self[f"item-{pk}"].value() or "",
                    note=self[f"note-{pk}"].value() or "",
                    fix=bool(self[f"fix-{pk}"].value()),
                    errors=errors,
                )
            )
        return [g for g in groups.values() if g.rows]

    def add_service_errors(self, fields: dict[str, list], message: str) -> None:
        """Put the service's field errors ("answers[3].photo", …) next to their items."""
        if not fields:
            self.add_error(None, message)
            return
        for key, msgs in fields.items():
            msgs = [str(m) for m in msgs]
            match = _ANSWER_KEY.match(key)
            if match and int(match[1]) < len(self.items):
                pk = self.items[int(match[1])].pk
                self.add_error(f"{_ANSWER_PARTS.get(match[2] or 'item', 'item')}-{pk}", msgs)
            elif key == "answers":
                # The first message says how many are missing; the rest name the items.
                self.add_error(None, msgs[0])
            else:
                self.add_error(None, msgs)

    def error_summary(self) -> list[dict]:
        """One line per item with an error, linking to it, for the top of the page."""
        return [
            {"anchor": f"item-{row.item.pk}", "label": row.item.label, "errors": row.errors}
            for step in self.steps()
            for row in step.rows
            if row.errors
        ]


# --- figures --------------------------------------------------------------------------------


class FiguresForm(forms.Form):
    day = forms.DateField(
        label=_("Day"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_from = forms.DateField(
        label=_("Daily series from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("Daily series to"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    org_unit = OrgUnitChoiceField(
        label=_("Street / community / grid"), queryset=OrgUnit.objects.none(), required=False, empty_label=_("All")
    )
    category = forms.ChoiceField(label=_("Category"), required=False)

    SERIES_DAYS = 30
    MAX_DAYS = 366

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = org_units_visible(user=user).filter(
            level__in=(OrgLevel.DISTRICT, OrgLevel.STREET, OrgLevel.COMMUNITY, OrgLevel.GRID)
        )
        self.fields["category"].choices = grouped_category_choices(_("All"))
        if not self.is_bound:
            today = clock.local_today()
            self.initial.update(day=today, date_from=today - dt.timedelta(days=self.SERIES_DAYS - 1), date_to=today)

    def clean_category(self) -> VenueCategory | None:
        value = self.cleaned_data.get("category") or ""
        if not value:
            return None
        try:
            return category_choices().get(pk=int(value))
        except (ValueError, VenueCategory.DoesNotExist):
            raise forms.ValidationError(_("Choose a category from the list."), code="invalid_category") from None

    def clean(self):
        data = super().clean()
        today = clock.local_today()
        day = data.get("day") or today
        if day > today:
            self.add_error("day", _("Choose today or an earlier day."))
            day = today
        date_to = data.get("date_to") or day
        date_from = data.get("date_from") or date_to - dt.timedelta(days=self.SERIES_DAYS - 1)
        if date_to > today:
            self.add_error("date_to", _("Choose today or an earlier day."))
        elif date_from > date_to:
            self.add_error("date_to", _("The end of the period must not be before its start."))
        elif (date_to - date_from).days >= self.MAX_DAYS:
            self.add_error("date_from", _("Choose a period of at most %(n)d days.") % {"n": self.MAX_DAYS})
        data["day"], data["date_from"], data["date_to"] = day, date_from, date_to
        return data

    def selector_kwargs(self) -> dict:
        if self.is_bound and self.is_valid():
            data = self.cleaned_data
            return {
                "day": data["day"],
                "date_from": data["date_from"],
                "date_to": data["date_to"],
                "org_unit": data.get("org_unit"),
                "category": data.get("category"),
            }
        today = clock.local_today()
        return {"day": today, "date_from": today - dt.timedelta(days=self.SERIES_DAYS - 1), "date_to": today}
