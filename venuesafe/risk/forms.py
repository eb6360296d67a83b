"""Page forms of the risk pages: filters only; risk.selectors do the reading."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from venuesafe.accounts.models import User
from venuesafe.accounts.selectors import org_units_visible
from venuesafe.org.models import OrgLevel, OrgUnit
from venuesafe.venues.forms import OrgUnitChoiceField


class CandidateFilterForm(forms.Form):
    cleared = forms.BooleanField(label=_("Also show cleared flags"), required=False)


class CoverageForm(forms.Form):
    org_unit = OrgUnitChoiceField(
        label=_("Street / community"), queryset=OrgUnit.objects.none(), required=False, empty_label=_("All")
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = org_units_visible(user=user).filter(
            level__in=(OrgLevel.DISTRICT, OrgLevel.STREET, OrgLevel.COMMUNITY)
        )

    def selected_org_unit(self) -> OrgUnit | None:
        return self.cleaned_data.get("org_unit") if self.is_bound and self.is_valid() else None
