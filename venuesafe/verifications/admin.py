from django.contrib import admin

from .models import VerificationEvent, VerificationTask


class EventInline(admin.TabularInline):
    model = VerificationEvent
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "at", "actor", "lat", "lng", "note", "data")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(VerificationTask)
class VerificationTaskAdmin(admin.ModelAdmin):
    """Read-only: tasks change only through verifications.services (pages, API, periodic command)."""

    list_display = ("id", "kind", "state", "community", "assignee", "reported_at", "due_at", "escalation_level")
    list_filter = ("kind", "state", "escalation_level")
    search_fields = ("sign_name", "address", "licence_no", "venue__sign_name")
    raw_id_fields = ("venue",)
    inlines = [EventInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
