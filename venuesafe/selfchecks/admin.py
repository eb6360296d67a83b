from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import SelfCheck, SelfCheckAnswer, SelfCheckItem


@admin.register(SelfCheckItem)
class SelfCheckItemAdmin(SimpleHistoryAdmin):
    """The self-check items (三步走) are data that district admins edit here; every change is kept."""

    list_display = [
        "code",
        "step",
        "question",
        "hazard_type",
        "photo_required",
        "applies_to_all",
        "sort_order",
        "is_active",
    ]
    list_filter = ["is_active", "step", "photo_required", "applies_to_all", "categories"]
    search_fields = ["code", "question", "question_en", "hint"]
    filter_horizontal = ["categories"]
    list_select_related = ["hazard_type"]
    ordering = ["sort_order", "code"]
    fields = [
        "code",
        "step",
        "question",
        "question_en",
        "hint",
        "hint_en",
        "applies_to_all",
        "categories",
        "photo_required",
        "hazard_type",
        "sort_order",
        "is_active",
    ]


class SelfCheckAnswerInline(admin.TabularInline):
    model = SelfCheckAnswer
    extra = 0
    can_delete = False
    fields = ["item", "ok", "photo", "note", "fixed_at_once", "hazard"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SelfCheck)
class SelfCheckAdmin(admin.ModelAdmin):
    """View only: punch-ins are made through selfchecks.services (pages and API); every revision is kept."""

    list_display = ["id", "venue", "day", "revision", "merchant", "submitted_at", "failed_count", "community"]
    list_filter = ["day", "community", "category"]
    search_fields = ["venue__sign_name", "merchant__username", "merchant__full_name", "client_id"]
    list_select_related = ["venue", "merchant", "community"]
    date_hierarchy = "day"
    inlines = [SelfCheckAnswerInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in SelfCheck._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
