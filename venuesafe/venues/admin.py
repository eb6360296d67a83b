from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from venuesafe.core.errors import DomainError

from .models import CategoryDepartment, Venue, VenueCategory, VenueMerchant
from .services import venue_merchant_add


class CategoryDepartmentInline(admin.TabularInline):
    model = CategoryDepartment
    extra = 0


@admin.register(VenueCategory)
class VenueCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "parent", "sort_order", "is_active"]
    list_filter = ["is_active", "parent"]
    search_fields = ["code", "name", "name_en"]
    inlines = [CategoryDepartmentInline]


@admin.register(CategoryDepartment)
class CategoryDepartmentAdmin(SimpleHistoryAdmin):
    list_display = ["category", "department", "duty"]
    list_filter = ["department"]
    search_fields = ["category__name", "category__code", "department__name"]
    list_select_related = ["category", "department"]


class VenueMerchantInline(admin.TabularInline):
    model = VenueMerchant
    extra = 0
    fields = ["user", "created_at"]
    readonly_fields = ["user", "created_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Venue)
class VenueAdmin(SimpleHistoryAdmin):
    """Read-mostly: the archive is written through the pages and the API (venues.services), which
    validate the five elements and keep org path, location index and completeness right."""

    list_display = [
        "sign_name",
        "category",
        "community",
        "grid",
        "business_status",
        "elements_present",
        "licence_no",
        "updated_at",
    ]
    list_filter = ["business_status", "elements_present", "category", "community"]
    search_fields = ["sign_name", "address", "licence_no", "operator_name", "operator_mobile"]
    list_select_related = ["category", "community", "grid"]
    inlines = [VenueMerchantInline]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Venue._meta.fields] + ["org_path", "geo_cell", "elements_present"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # view only: a save here would skip the services' checks

    def has_change_history_permission(self, request, obj=None):
        return False  # no "revert" from history either

    def has_delete_permission(self, request, obj=None):
        return False  # never hard-deleted: deregister (注销) instead


@admin.register(VenueMerchant)
class VenueMerchantAdmin(admin.ModelAdmin):
    """Links a merchant account to its venue, through venues.services.venue_merchant_add."""

    list_display = ["venue", "user", "created_at"]
    search_fields = ["venue__sign_name", "user__username", "user__full_name", "user__mobile"]
    autocomplete_fields = ["venue", "user"]
    list_select_related = ["venue", "user"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        try:
            link = venue_merchant_add(venue=obj.venue, actor=request.user, merchant=obj.user)
        except DomainError as exc:
            messages.error(request, str(exc.message))
            raise PermissionDenied(str(exc.message)) from exc
        obj.pk = link.pk
        obj.created_at = link.created_at
