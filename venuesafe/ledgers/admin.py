from django.contrib import admin

from .models import Export


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin):
    """View only: the record of who exported which ledger with which filters, and why a build failed."""

    list_display = ["created_at", "requested_by", "kind", "format", "state", "rows_done", "rows_total", "finished_at"]
    list_filter = ["kind", "format", "state"]
    search_fields = ["requested_by__username", "requested_by__full_name"]
    list_select_related = ["requested_by"]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Export._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
