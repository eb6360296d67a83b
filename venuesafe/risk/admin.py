from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import CandidateMajorFlag, CategoryRisk, VenueRisk
from .services import factor_label


@admin.register(CategoryRisk)
class CategoryRiskAdmin(SimpleHistoryAdmin):
    """Base risk points and candidate-major thresholds per top-level category: data that district
    admins adjust here; every change is kept. Scores change at the next re-score (nightly at the latest)."""

    list_display = ["category", "base_points", "crowded", "major_threshold"]
    list_editable = ["base_points", "crowded", "major_threshold"]
    list_filter = ["crowded"]
    list_select_related = ["category"]
    ordering = ["category__code"]
    fields = ["category", "base_points", "crowded", "major_threshold"]

    def get_readonly_fields(self, request, obj=None):
        return ["category"] if obj else []


class ReadOnlyAdmin(admin.ModelAdmin):
    """Computed by risk.services on every relevant change and nightly; never edited by hand."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(VenueRisk)
class VenueRiskAdmin(ReadOnlyAdmin):
    list_display = ["venue", "level", "score", "computed_at"]
    list_filter = ["level"]
    search_fields = ["venue__sign_name", "venue__address"]
    list_select_related = ["venue"]
    date_hierarchy = "computed_at"
    ordering = ["-score"]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "explanation"]

    @admin.display(description=_("explanation"))
    def explanation(self, obj: VenueRisk) -> str:
        return "; ".join(f"{factor_label(f)} {f.get('detail', '')} = {f['points']}".strip() for f in obj.factors)


@admin.register(CandidateMajorFlag)
class CandidateMajorFlagAdmin(ReadOnlyAdmin):
    list_display = ["venue", "flagged_at", "direct", "threshold", "elements", "cleared_at"]
    list_filter = ["direct", ("cleared_at", admin.EmptyFieldListFilter)]
    search_fields = ["venue__sign_name", "venue__address"]
    list_select_related = ["venue"]
    date_hierarchy = "flagged_at"

    @admin.display(description=_("GB 35181 elements"))
    def elements(self, obj: CandidateMajorFlag) -> str:
        return ", ".join(f"{f['code']} ({f['element']})" for f in obj.factors)
