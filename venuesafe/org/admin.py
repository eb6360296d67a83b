from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Department, OrgUnit
from .services import org_unit_create


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "parent", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["name", "code"]
    readonly_fields = ["path"]

    def get_readonly_fields(self, request, obj=None):
        # Moving a unit would re-scope every venue and account under it; not done from the admin.
        return ["path", "parent", "level"] if obj else ["path"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created = org_unit_create(name=obj.name, code=obj.code, level=obj.level, parent=obj.parent)
        obj.pk, obj.path = created.pk, created.path


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "name_en"]
