"""Admin for the equipment register and the date rules.

Date rules are data that district administrators read, switch and adjust here; a save goes through
equipment.services.date_rule_update, which records the change (with the acting user) and re-evaluates
the open warnings. The register and its warnings are view only: they change through the pages and
the API (equipment.services), which check who keeps the register and re-run the rules.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from venuesafe.accounts.selectors import user_scope
from venuesafe.core.errors import DomainError

from .models import DateRule, Equipment, RuleWarning
from .services import date_rule_update
from .views import SETTING_DEFAULTS

EDITABLE_RULE_FIELDS = ["is_active", "warn_days", "params", "advice", "advice_en", "basis"]


def _district_admin(request) -> bool:
    return bool(request.user.is_active and request.user.is_staff and user_scope(user=request.user).is_district_admin)


class _DistrictAdminReadable:
    """District administrators read these pages without Django model permissions (their role is
    what counts); superusers as always."""

    def has_module_permission(self, request):
        return _district_admin(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return _district_admin(request) or super().has_view_permission(request, obj)


class _ViewOnly(_DistrictAdminReadable):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DateRuleAdminForm(forms.ModelForm):
    class Meta:
        model = DateRule
        fields = EDITABLE_RULE_FIELDS

    def clean_warn_days(self):
        value = self.cleaned_data["warn_days"]
        if value is not None and value > 365:
            raise forms.ValidationError(_("Give a number of days from 0 to 365."))
        return value

    def clean_params(self):
        value = self.cleaned_data.get("params")
        if value in (None, ""):
            return {}
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Give the parameters as a JSON object."))
        return value


@admin.register(DateRule)
class DateRuleAdmin(_DistrictAdminReadable, SimpleHistoryAdmin):
    form = DateRuleAdminForm
    list_display = ["rule_id", "name", "kind", "warn_days", "unconfirmed_flag", "is_active"]
    list_filter = ["is_active", "unconfirmed", "kind"]
    search_fields = ["rule_id", "name", "name_en", "basis"]
    ordering = ["rule_id"]
    readonly_fields = ["rule_id", "name", "name_en", "kind", "hazard_type", "unconfirmed_note"]
    fieldsets = [
        (None, {"fields": ["rule_id", "name", "name_en", "kind", "hazard_type", "unconfirmed_note"]}),
        (_("What an administrator may change"), {"fields": EDITABLE_RULE_FIELDS}),
    ]

    @admin.display(boolean=True, description=_("period unconfirmed"), ordering="unconfirmed")
    def unconfirmed_flag(self, obj: DateRule) -> bool:
        return obj.unconfirmed

    @admin.display(description=_("period unconfirmed"))
    def unconfirmed_note(self, obj: DateRule):
        if obj is None or not obj.unconfirmed:
            return gettext("No: the period is set by the cited standard.")
        default = SETTING_DEFAULTS.get(obj.rule_id)
        if default is None:
            text = gettext("Yes: check the period before relying on it.")
            return format_html('<strong class="errornote">{}</strong>', text)
        param, setting = default
        return format_html(
            '<strong class="errornote">{}</strong>',
            gettext(
                "Yes: sources differ. Unless the parameter %(param)s is set here, the setting %(setting)s "
                "gives it (now %(value)s)."
            )
            % {"param": param, "setting": setting, "value": getattr(settings, setting)},
        )

    def has_add_permission(self, request):
        return False  # the rules are reference data with evaluators in code (equipment.rules)

    def has_delete_permission(self, request, obj=None):
        return False  # switch a rule off instead; its warnings and hazards refer to it

    def has_change_permission(self, request, obj=None):
        return _district_admin(request) or bool(request.user.is_superuser)

    def has_change_history_permission(self, request, obj=None):
        return False  # no "revert" from the history: every change goes through the form and the service

    def save_model(self, request, obj, form, change):
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in EDITABLE_RULE_FIELDS}
        if not changes:
            return
        # The form has already set the new values on `obj`; the service sets them again on a fresh copy.
        rule = DateRule.objects.get(pk=obj.pk)
        try:
            report = date_rule_update(rule=rule, actor=request.user, **changes)
        except DomainError as exc:
            messages.error(request, str(exc.message))
            raise PermissionDenied(str(exc.message)) from exc
        messages.info(
            request,
            gettext("Open warnings re-evaluated: %(opened)d opened, %(closed)d closed, %(hazards)d hazards raised.")
            % {"opened": report.warnings_opened, "closed": report.warnings_closed, "hazards": report.hazards},
        )


class RuleWarningInline(admin.TabularInline):
    model = RuleWarning
    extra = 0
    can_delete = False
    fields = ["rule", "due_date", "created_at", "resolved_at", "resolution"]
    readonly_fields = fields
    ordering = ["-created_at"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return _district_admin(request) or super().has_view_permission(request, obj)


@admin.register(Equipment)
class EquipmentAdmin(_ViewOnly, SimpleHistoryAdmin):
    list_display = ["id", "venue", "kind", "label", "quantity", "is_active", "updated_at"]
    list_filter = ["kind", "is_active", "extinguisher_type", "hose_material"]
    search_fields = ["venue__sign_name", "label", "cylinder_code"]
    list_select_related = ["venue"]
    date_hierarchy = "created_at"
    inlines = [RuleWarningInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Equipment._meta.fields]

    def has_change_history_permission(self, request, obj=None):
        return False  # no "revert" from history: a save here would skip the services' checks


@admin.register(RuleWarning)
class RuleWarningAdmin(_ViewOnly, admin.ModelAdmin):
    list_display = ["id", "venue", "equipment", "rule", "due_date", "created_at", "resolved_at", "resolution"]
    list_filter = ["rule", "resolution", ("resolved_at", admin.EmptyFieldListFilter)]
    search_fields = ["venue__sign_name", "equipment__label"]
    list_select_related = ["venue", "equipment", "rule"]
    date_hierarchy = "due_date"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in RuleWarning._meta.fields]
