from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Hazard, HazardEvent, HazardPhoto, HazardType


@admin.register(HazardType)
class HazardTypeAdmin(SimpleHistoryAdmin):
    """The hazard catalogue is data that district admins edit here; every change is kept."""

    list_display = [
        "code",
        "name",
        "name_en",
        "default_severity",
        "default_deadline_hours",
        "applies_to_all",
        "fix_immediately",
        "is_active",
    ]
    list_filter = ["is_active", "default_severity", "applies_to_all", "fix_immediately", "detection"]
    search_fields = ["code", "name", "name_en", "regulation"]
    filter_horizontal = ["categories"]
    ordering = ["sort_order", "code"]


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class HazardEventInline(_ReadOnlyInline):
    model = HazardEvent
    fields = ["at", "kind", "from_state", "to_state", "actor", "note", "lat", "lng"]
    readonly_fields = fields
    ordering = ["at", "id"]


class HazardPhotoInline(_ReadOnlyInline):
    model = HazardPhoto
    fields = ["kind", "image", "uploaded_by", "uploaded_at", "event"]
    readonly_fields = fields


@admin.register(Hazard)
class HazardAdmin(admin.ModelAdmin):
    """View only: work orders change through hazards.services (pages, API, the timer command),
    which check rights and states and write the timeline."""

    list_display = [
        "id",
        "venue",
        "hazard_type",
        "severity",
        "state",
        "deadline",
        "escalation_level",
        "community",
        "found_at",
    ]
    list_filter = ["state", "severity", "source", "escalation_level", "fixed_on_spot", "community", "category"]
    search_fields = ["venue__sign_name", "venue__address", "hazard_type__code", "hazard_type__name"]
    list_select_related = ["venue", "hazard_type", "community"]
    date_hierarchy = "found_at"
    inlines = [HazardEventInline, HazardPhotoInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Hazard._meta.fields] + ["org_path", "community", "category"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # never deleted: withdrawn orders are marked so
