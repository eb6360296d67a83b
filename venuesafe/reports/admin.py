"""Admin: report categories (Open311 services), Open311 client keys, and a read-only view of reports.

Reports change only through triage (reports.services), so their admin is read-only. An Open311
key is shown in full once, right after the client is created; afterwards only its start is shown.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import Open311Client, ReportCategory, ReportPhoto, ResidentReport


@admin.register(ReportCategory)
class ReportCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "hazard_type", "is_public", "sort_order")
    list_filter = ("is_public",)
    list_editable = ("is_public", "sort_order")
    search_fields = ("code", "name", "name_en")
    autocomplete_fields = ()
    raw_id_fields = ("hazard_type",)


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin):
    list_display = ("name", "masked_key", "is_active", "issued_by", "created_at", "contact_email")
    list_filter = ("is_active",)
    search_fields = ("name", "contact_email")
    readonly_fields = ("masked_key", "issued_by", "created_at")
    fields = ("name", "contact_email", "is_active", "masked_key", "issued_by", "created_at")

    @admin.display(description=_("API key"))
    def masked_key(self, obj: Open311Client) -> str:
        return f"{obj.api_key[:6]}…" if obj and obj.api_key else "—"

    def save_model(self, request, obj: Open311Client, form, change: bool) -> None:
        if not change:
            obj.issued_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            messages.warning(
                request,
                _("API key for %(name)s: %(key)s — copy it now; it is not shown again.")
                % {"name": obj.name, "key": obj.api_key},
            )

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # withdraw a key by making the client inactive: its reports keep their client


class ReportPhotoInline(admin.TabularInline):
    model = ReportPhoto
    extra = 0
    can_delete = False
    readonly_fields = ("image", "uploaded_at")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ResidentReport)
class ResidentReportAdmin(admin.ModelAdmin):
    list_display = ("reference", "category", "state", "community", "venue", "source", "submitted_at")
    list_filter = ("state", "source", "category")
    search_fields = ("reference",)
    inlines = [ReportPhotoInline]
    date_hierarchy = "submitted_at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in ResidentReport._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
