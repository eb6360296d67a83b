"""Page forms for the equipment register: add (a kind, then only that kind's fields), edit, retire,
and the staff's warnings filter.

They parse input; equipment.services decides what is valid (dates not in the future, values of the
kind) and its errors are put next to the fields they name.
"""

from __future__ import annotations

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from venuesafe.accounts.models import User
from venuesafe.accounts.selectors import org_units_visible
from venuesafe.core import clock
from venuesafe.core.errors import InvalidInput
from venuesafe.org.models import OrgLevel, OrgUnit
from venuesafe.venues.forms import OrgUnitChoiceField

from .models import KIND_FIELDS, DateRule, Equipment, EquipmentKind
from .services import COMMON_FIELDS, DATE_FIELDS

# Every kind-specific field, once, in the order the kinds list them.
ALL_KIND_FIELDS: tuple[str, ...] = tuple(dict.fromkeys(name for names in KIND_FIELDS.values() for name in names))

HELP_TEXTS = {
    "production_date": _("As printed on the label or the body of the extinguisher."),
    "last_repair_date": _("When a licensed service last repaired or refilled it; empty if never."),
    "last_monthly_check": _("The last check of gauge, safety pin, seal and body."),
    "purchase_date": _("The date on the receipt or the stove's label."),
    "install_date": _("When it was installed (for a hose: when this hose was fitted)."),
    "next_inspection_date": _("The next inspection date on the cylinder's collar or its QR code."),
    "cylinder_code": _("The number stamped on the collar or on the QR label."),
    "label": _("Where it is, so it can be found, e.g. 'by the kitchen door'."),
}


def kinds_using(name: str) -> list[str]:
    return [str(kind) for kind, names in KIND_FIELDS.items() if name in names]


def _form_field(name: str) -> forms.Field:
    """The model field's own form field (choices, booleans as yes/no/unknown), never required:
    the service decides what a kind needs."""
    model_field = Equipment._meta.get_field(name)
    field = model_field.formfield(required=False)
    field.label = capfirst(model_field.verbose_name)
    field.help_text = HELP_TEXTS.get(name, "")
    if isinstance(field, forms.DateField):
        attrs = {"type": "date"}
        if name in DATE_FIELDS:
            attrs["max"] = clock.local_today().isoformat()
        field.widget = forms.DateInput(attrs=attrs, format="%Y-%m-%d")
    if name == "note":
        field.widget = forms.Textarea(attrs={"rows": 2, "maxlength": 300})
    if name == "quantity":
        field.required = True
        field.initial = 1
        field.widget.attrs.update({"min": 1, "max": 999, "inputmode": "numeric"})
    return field


class _EquipmentFieldsForm(forms.Form):
    def add_service_errors(self, exc: InvalidInput) -> None:
        if not exc.fields:
            self.add_error(None, str(exc.message))
            return
        for name, messages in exc.fields.items():
            target = name if name in self.fields else None
            for message in messages:
                self.add_error(target, str(message))

    def _values(self, kind: str, names) -> dict:
        allowed = set(COMMON_FIELDS) | set(KIND_FIELDS.get(kind, ()))
        return {name: self.cleaned_data.get(name) for name in names if name in allowed}


class EquipmentAddForm(_EquipmentFieldsForm):
    """One form for every kind: the kind select (#id_kind) shows only that kind's fields (by script;
    without script the 'show its fields' button reloads the form for the kind)."""

    kind = forms.ChoiceField(label=_("Kind of equipment"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Choose a kind…")), *EquipmentKind.choices]
        self.fields["kind"].widget.attrs["data-equipment-kind"] = ""
        for name in ALL_KIND_FIELDS:
            self.fields[name] = _form_field(name)
        for name in COMMON_FIELDS:
            self.fields[name] = _form_field(name)

    @property
    def chosen_kind(self) -> str:
        value = self.data.get("kind") if self.is_bound else self.initial.get("kind")
        return value if value in EquipmentKind.values else ""

    def kind_rows(self) -> list[dict]:
        """Each kind field with the kinds that use it, shown only for the chosen kind."""
        chosen = self.chosen_kind
        return [
            {"field": self[name], "kinds": " ".join(kinds_using(name)), "shown": chosen in kinds_using(name)}
            for name in ALL_KIND_FIELDS
        ]

    def common_rows(self) -> list:
        return [self[name] for name in COMMON_FIELDS]

    def service_kwargs(self) -> dict:
        kind = self.cleaned_data["kind"]
        return {"kind": kind, **self._values(kind, (*KIND_FIELDS[kind], *COMMON_FIELDS))}


class EquipmentEditForm(_EquipmentFieldsForm):
    """The fields of one piece's kind, filled with what the register holds."""

    def __init__(self, *args, equipment: Equipment, **kwargs):
        self.equipment = equipment
        names = (*KIND_FIELDS.get(equipment.kind, ()), *COMMON_FIELDS)
        kwargs.setdefault("initial", {name: getattr(equipment, name) for name in names})
        super().__init__(*args, **kwargs)
        for name in names:
            self.fields[name] = _form_field(name)

    def service_kwargs(self) -> dict:
        """Only what changed, so the history shows what the user changed and nothing else."""
        return self._values(self.equipment.kind, self.changed_data)


class RetireForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it taken out of use?"),
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. replaced by a new one, removed")}),
    )


class WarningFilterForm(forms.Form):
    community = OrgUnitChoiceField(
        label=_("Community"), queryset=OrgUnit.objects.none(), required=False, empty_label=_("All")
    )
    rule = forms.ModelChoiceField(
        label=_("Rule"), queryset=DateRule.objects.none(), required=False, empty_label=_("All"), to_field_name="rule_id"
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = org_units_visible(user=user).filter(level=OrgLevel.COMMUNITY)
        self.fields["rule"].queryset = DateRule.objects.order_by("rule_id")
        self.fields["rule"].label_from_instance = lambda rule: f"{rule.rule_id} {rule.label}"

    def filter(self, warnings):
        """Narrow an already scoped list; an invalid filter is dropped rather than refused."""
        if not self.is_bound:
            return warnings
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        if data.get("community"):
            warnings = warnings.filter(venue__community=data["community"])
        if data.get("rule"):
            warnings = warnings.filter(rule=data["rule"])
        return warnings
