from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from okrs.models import (
    CostImprovementPosition,
    KeyResult,
    Programme,
    ProgrammeUpdate,
    ReportingPeriod,
    Result,
    ResultUpload,
    Target,
)


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


@admin.register(KeyResult)
class KeyResultAdmin(SimpleHistoryAdmin):
    list_display = ["code", "statement", "objective", "status", "frequency", "owner_role"]
    list_filter = ["status", "frequency", "is_demo", "objective__strategy", "objective"]
    search_fields = ["code", "statement"]
    inlines = [TargetInline]


@admin.register(Result)
class ResultAdmin(SimpleHistoryAdmin):
    list_display = ["key_result", "period", "unit", "value", "is_demo", "entered_at"]
    list_filter = ["is_demo", "unit", "key_result__objective"]
    list_select_related = ["key_result", "period", "unit"]
    raw_id_fields = ["key_result", "period", "entered_by"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["label", "frequency", "starts_on", "ends_on"]
    list_filter = ["frequency"]


class CostImprovementInline(admin.StackedInline):
    model = CostImprovementPosition
    extra = 0


@admin.register(ProgrammeUpdate)
class ProgrammeUpdateAdmin(SimpleHistoryAdmin):
    list_display = ["programme", "period", "rag", "rag_as_written"]
    list_filter = ["rag"]
    inlines = [CostImprovementInline]


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ["title", "focus_area", "parent", "unit"]
    search_fields = ["title"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records made only by the product's own pages (uploads, exports): shown
    to administrators, never added, changed or deleted here."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ResultUpload)
class ResultUploadAdmin(ReadOnlyAdmin):
    """Read-only: uploads are made and confirmed on the upload pages, as their owner."""

    list_display = ["filename", "uploaded_by", "uploaded_at", "row_count", "committed_at"]
    list_filter = ["committed_at"]
    search_fields = ["filename", "sha256", "uploaded_by__username"]
    list_select_related = ["uploaded_by"]
    exclude = ["content"]
    readonly_fields = [
        "filename",
        "uploaded_by",
        "uploaded_at",
        "sha256",
        "row_count",
        "reason",
        "committed_at",
        "committed_by",
    ]
