"""Page forms for the venue archive. They parse input; the services validate the archive and save it."""

from __future__ import annotations

import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from venuesafe.accounts.models import Role, User
from venuesafe.accounts.selectors import editable_org_units, org_units_visible
from venuesafe.core.geo import CoordSystem
from venuesafe.core.validators import (
    normalize_code,
    validate_other_licence_number,
    validate_photo,
    validate_uscc,
    validate_wgs84_in_china,
)
from venuesafe.org.models import OrgLevel, OrgUnit

from .models import BusinessStatus, LicenceKind, LocationSource, VenueCategory
from .selectors import category_choices


def grouped_category_choices(blank_label) -> list:
    """Categories grouped under their top-level category, the top level itself first in each group."""
    categories = list(category_choices())
    children: dict[int, list[VenueCategory]] = {}
    for c in categories:
        if c.parent_id:
            children.setdefault(c.parent_id, []).append(c)
    choices: list = [("", blank_label)]
    for top in (c for c in categories if not c.parent_id):
        options = [(str(top.pk), top.label)]
        options += [(str(sub.pk), f"{top.label} · {sub.label}") for sub in children.get(top.pk, [])]
        choices.append((top.label, options))
    return choices


def _category_from(value: str) -> VenueCategory | None:
    if not value:
        return None
    try:
        return category_choices().get(pk=int(value))
    except (ValueError, VenueCategory.DoesNotExist):
        raise forms.ValidationError(_("Choose a category from the list."), code="invalid_category") from None


class OrgUnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        if obj.level == OrgLevel.GRID and obj.parent_id:
            return f"{obj.parent.name} · {obj.name}"
        return obj.name


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} ({obj.mobile})" if obj.mobile else obj.display_name


def _staff_with_role(*, user: User, role: str):
    """Accounts holding `role` somewhere in the org units the acting user can see."""
    units = org_units_visible(user=user).values("pk")
    return (
        User.objects.filter(
            is_active=True,
            role_assignments__role=role,
            role_assignments__is_active=True,
            role_assignments__org_unit__in=units,
        )
        .distinct()
        .order_by("full_name", "username")
    )


class VenueForm(forms.Form):
    """Create and edit a venue. `instance` given means edit: business status shows, photo is optional."""

    sign_name = forms.CharField(label=_("Shop sign name"), max_length=100)
    category = forms.ChoiceField(label=_("Category"))
    address = forms.CharField(label=_("Address"), max_length=200)
    photo = forms.FileField(
        label=_("Photo of the shop front"),
        required=False,
        validators=[validate_photo],
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    licence_kind = forms.ChoiceField(
        label=_("Licence type"),
        required=False,
        choices=[("", _("Detect from the number")), *LicenceKind.choices],
    )
    licence_no = forms.CharField(
        label=_("Unified social credit code or licence number"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    community = OrgUnitChoiceField(label=_("Community / village"), queryset=OrgUnit.objects.none(), required=False)
    grid = OrgUnitChoiceField(label=_("Grid"), queryset=OrgUnit.objects.none(), required=False)
    grid_worker = StaffChoiceField(label=_("Grid worker"), queryset=User.objects.none(), required=False)
    inspector = StaffChoiceField(label=_("Safety inspector"), queryset=User.objects.none(), required=False)
    operator_name = forms.CharField(label=_("Operator / person in charge"), max_length=50, required=False)
    operator_mobile = forms.CharField(
        label=_("Operator mobile"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "tel"}),
    )
    floor_area_m2 = forms.IntegerField(label=_("Floor area (m²)"), required=False, min_value=0)
    business_status = forms.ChoiceField(label=_("Business status"), choices=BusinessStatus.choices)
    lat = forms.FloatField(
        label=_("Latitude"), required=False, widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"})
    )
    lng = forms.FloatField(
        label=_("Longitude"), required=False, widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"})
    )
    coord_system = forms.ChoiceField(
        label=_("Coordinate system"),
        choices=[
            (CoordSystem.WGS84.value, _("WGS-84 (phone GPS)")),
            (CoordSystem.GCJ02.value, _("GCJ-02 (AutoNavi, Tencent, WeChat)")),
            (CoordSystem.BD09.value, _("BD-09 (Baidu)")),
        ],
        initial=CoordSystem.WGS84.value,
        help_text=_("Which map the latitude and longitude were read from. GPS gives WGS-84."),
    )
    location_source = forms.ChoiceField(
        required=False, choices=[("", "-"), *LocationSource.choices], widget=forms.HiddenInput
    )
    location_accuracy_m = forms.FloatField(required=False, min_value=0, widget=forms.HiddenInput)
    submission_id = forms.UUIDField(widget=forms.HiddenInput)

    # Form field -> service field for errors the services report under another name.
    ERROR_FIELD_ALIASES = {"licence": "licence_no", "org_path": "community"}

    def __init__(self, *args, user: User, instance=None, **kwargs):
        self.user = user
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(instance)
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = grouped_category_choices(pgettext_lazy("choose", "— choose —"))
        grids = editable_org_units(user=user, levels=(OrgLevel.GRID,))
        communities = editable_org_units(user=user, levels=(OrgLevel.COMMUNITY,))
        # A grid worker may edit only its grid, yet the venue still names the grid's community.
        self.fields["community"].queryset = OrgUnit.objects.filter(
            Q(pk__in=communities.values("pk")) | Q(pk__in=grids.values("parent_id"))
        ).order_by("path")
        self.fields["grid"].queryset = grids.select_related("parent")
        self.fields["grid_worker"].queryset = _staff_with_role(user=user, role=Role.GRID_WORKER)
        self.fields["inspector"].queryset = _staff_with_role(user=user, role=Role.INSPECTOR)
        if instance is None:
            del self.fields["business_status"]
            self._preselect_single_choices()
            self.fields["photo"].help_text = _("JPEG, PNG or WebP, at most %(mb)d MB.") % {
                "mb": settings.PHOTO_MAX_BYTES // 1_048_576
            }
        else:
            self.fields["photo"].help_text = _("Leave empty to keep the current photo.")
        if not self.is_bound and not self.initial.get("submission_id"):
            self.initial["submission_id"] = uuid.uuid4()

    def _preselect_single_choices(self) -> None:
        """A grid worker registers in its own grid: preselect what has only one choice, and itself."""
        if self.is_bound:
            return
        for name in ("community", "grid"):
            units = list(self.fields[name].queryset[:2])
            if len(units) == 1:
                self.initial.setdefault(name, units[0].pk)
        if self.fields["grid_worker"].queryset.filter(pk=self.user.pk).exists():
            self.initial.setdefault("grid_worker", self.user.pk)
        elif self.fields["inspector"].queryset.filter(pk=self.user.pk).exists():
            self.initial.setdefault("inspector", self.user.pk)

    @staticmethod
    def initial_from(venue) -> dict:
        return {
            "sign_name": venue.sign_name,
            "category": str(venue.category_id),
            "address": venue.address,
            "licence_kind": venue.licence_kind,
            "licence_no": venue.licence_no,
            "community": venue.community_id,
            "grid": venue.grid_id,
            "grid_worker": venue.grid_worker_id,
            "inspector": venue.inspector_id,
            "operator_name": venue.operator_name,
            "operator_mobile": venue.operator_mobile,
            "floor_area_m2": venue.floor_area_m2,
            "business_status": venue.business_status,
            "lat": venue.lat,
            "lng": venue.lng,
            "coord_system": CoordSystem.WGS84.value,
            "location_source": venue.location_source,
            "location_accuracy_m": venue.location_accuracy_m,
            "submission_id": uuid.uuid4(),
        }

    def clean_category(self):
        return _category_from(self.cleaned_data.get("category", ""))

    def clean(self):
        data = super().clean()
        grid = data.get("grid")
        community = data.get("community")
        if grid is not None and community is not None and grid.parent_id != community.pk:
            self.add_error("grid", _("The grid must belong to the chosen community."))
        elif grid is not None and community is None:
            data["community"] = grid.parent
        elif community is None and "community" not in self.errors:
            self.add_error("community", _("Choose the community the venue belongs to."))
        self._check_licence(data)
        self._check_location(data)
        return data

    def _check_licence(self, data: dict) -> None:
        """Early check so that every error shows at once; venues.services stays the authority."""
        number = normalize_code(data.get("licence_no") or "")
        if not number or "licence_no" in self.errors:
            return
        kind = data.get("licence_kind") or (LicenceKind.USCC if len(number) == 18 else LicenceKind.OTHER)
        try:
            if kind == LicenceKind.USCC:
                validate_uscc(number)
            else:
                validate_other_licence_number(number)
        except ValidationError as exc:
            self.add_error("licence_no", exc)

    def _check_location(self, data: dict) -> None:
        if not self.location_changed() or "lat" in self.errors or "lng" in self.errors:
            return
        try:
            validate_wgs84_in_china(data.get("lat"), data.get("lng"))
        except ValidationError as exc:
            self.add_error("lat", exc)

    def location_changed(self) -> bool:
        return self.instance is None or bool({"lat", "lng", "coord_system"} & set(self.changed_data))

    def service_fields(self) -> tuple[dict, str]:
        """The keyword arguments for venue_create / venue_update, and the coordinate system."""
        data = self.cleaned_data
        names = [
            "sign_name",
            "category",
            "address",
            "licence_kind",
            "licence_no",
            "community",
            "grid",
            "grid_worker",
            "inspector",
            "operator_name",
            "operator_mobile",
            "floor_area_m2",
        ]
        if self.instance is not None:
            names.append("business_status")
        fields = {name: data.get(name) for name in names}
        for name in ("licence_kind", "licence_no", "operator_name", "operator_mobile"):
            fields[name] = fields[name] or ""
        if data.get("photo"):
            fields["photo"] = data["photo"]
        if self.location_changed():
            fields["lat"], fields["lng"] = data.get("lat"), data.get("lng")
            source = data.get("location_source") or ""
            if fields["lat"] is None and fields["lng"] is None:
                source = ""
            elif not source:
                source = LocationSource.MAP
            fields["location_source"] = source
            fields["location_accuracy_m"] = data.get("location_accuracy_m") if source == LocationSource.GPS else None
        return fields, data.get("coord_system") or CoordSystem.WGS84.value

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        """Show the services' field errors next to the fields of this form."""
        for name, messages in errors.items():
            target = self.ERROR_FIELD_ALIASES.get(name, name)
            if target == "lat" and "lat" not in self.fields:
                target = None
            if target not in self.fields or target in ("submission_id", "location_source", "location_accuracy_m"):
                target = None
            for message in messages:
                self.add_error(target, message)


class VenueFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, address or licence number"), "autocomplete": "off"}
        ),
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    business_status = forms.ChoiceField(
        label=_("Business status"), required=False, choices=[("", _("All")), *BusinessStatus.choices]
    )
    org_unit = OrgUnitChoiceField(
        label=_("Community / grid"), queryset=OrgUnit.objects.none(), required=False, empty_label=_("All")
    )
    complete = forms.ChoiceField(
        label=_("Five elements"),
        required=False,
        choices=[("", _("All")), ("yes", _("Complete")), ("no", _("Incomplete"))],
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = grouped_category_choices(_("All"))
        self.fields["org_unit"].queryset = org_units_visible(user=user).filter(
            level__in=(OrgLevel.STREET, OrgLevel.COMMUNITY, OrgLevel.GRID)
        )

    def clean_category(self):
        return _category_from(self.cleaned_data.get("category", ""))

    def selector_kwargs(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        complete = {"yes": True, "no": False}.get(data.get("complete") or "")
        return {
            "search": data.get("q") or "",
            "category": data.get("category"),
            "business_status": data.get("business_status") or "",
            "org_unit": data.get("org_unit"),
            "complete": complete,
        }


class NearForm(forms.Form):
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, widget=forms.HiddenInput)
    radius = forms.TypedChoiceField(
        label=_("Radius"), coerce=int, required=False, widget=forms.Select(attrs={"data-autosubmit": ""})
    )

    RADII = (100, 200, 500, 1000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cap = settings.NEAR_ME_MAX_RADIUS_M
        radii = [r for r in self.RADII if r <= cap] or [cap]
        self.fields["radius"].choices = [(r, _("%(m)d m") % {"m": r}) for r in radii]
        self.default_radius = 200 if 200 in radii else radii[0]
        self.fields["radius"].initial = self.default_radius
