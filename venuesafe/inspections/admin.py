from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import ChecklistItem, Inspection, InspectionAnswer


class ChecklistItemForm(forms.ModelForm):
    class Meta:
        model = ChecklistItem
        fields = [
            "code",
            "section",
            "question",
            "question_en",
            "hint",
            "hint_en",
            "applies_to_all",
            "categories",
            "hazard_types",
            "default_hazard_type",
            "sort_order",
            "is_active",
        ]

    def clean(self):
        data = super().clean()
        default = data.get("default_hazard_type")
        types = data.get("hazard_types")
        if default is not None and types is not None and default not in types:
            self.add_error("default_hazard_type", _("The default hazard must be one of the hazards a 'no' may be."))
        return data


@admin.register(ChecklistItem)
class ChecklistItemAdmin(SimpleHistoryAdmin):
    """The inspection checklists are data that district admins edit here; every change is kept."""

    form = ChecklistItemForm
    list_display = ["code", "section", "question", "default_hazard_type", "applies_to_all", "sort_order", "is_active"]
    list_filter = ["is_active", "section", "applies_to_all", "categories"]
    search_fields = ["code", "question", "question_en"]
    filter_horizontal = ["categories", "hazard_types"]
    list_select_related = ["default_hazard_type"]
    ordering = ["sort_order", "code"]


class InspectionAnswerInline(admin.TabularInline):
    model = InspectionAnswer
    extra = 0
    can_delete = False
    fields = ["checklist_item", "result", "note", "hazard"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    """View only: inspections are submitted through inspections.services (pages and API)."""

    list_display = ["id", "venue", "inspector", "ended_at", "location_status", "distance_m", "community"]
    list_filter = ["location_status", "community", "category"]
    search_fields = ["venue__sign_name", "inspector__username", "inspector__full_name", "client_id"]
    list_select_related = ["venue", "inspector", "community"]
    date_hierarchy = "ended_at"
    inlines = [InspectionAnswerInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Inspection._meta.fields] + ["org_path", "community", "category"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
