from django.contrib import admin

from objectives.admin import (
    AuditedAdmin,
    ReadOnlyAdmin,
    ReadOnlyHistoryAdmin,
    ReadOnlyMixin,
    ReadOnlyTabularInline,
)
from okrs.models import (
    CostImprovementPosition,
    KeyResult,
    Programme,
    ProgrammeUpdate,
    ReportingPeriod,
    Result,
    ResultUpload,
    Target,
    Trajectory,
    TrajectoryPoint,
)


class TargetInline(ReadOnlyTabularInline):
    model = Target


# Read-only: OKRs, targets and results change on the product's pages (maintenance,
# entry, upload), which check the values, ask for reasons and keep the audit log.
@admin.register(KeyResult)
class KeyResultAdmin(ReadOnlyHistoryAdmin):
    list_display = ["code", "statement", "objective", "status", "frequency", "owner_role"]
    list_filter = ["status", "frequency", "is_demo", "objective__strategy", "objective"]
    search_fields = ["code", "statement"]
    inlines = [TargetInline]


@admin.register(Target)
class TargetAdmin(ReadOnlyHistoryAdmin):
    list_display = ["key_result", "unit", "value", "effective_from", "ends_on"]
    list_select_related = ["key_result", "unit"]
    raw_id_fields = ["key_result"]


class TrajectoryPointInline(ReadOnlyTabularInline):
    model = TrajectoryPoint


@admin.register(Trajectory)
class TrajectoryAdmin(ReadOnlyHistoryAdmin):
    list_display = ["key_result", "unit", "revision", "starts_on", "approved_by", "approved_on"]
    list_select_related = ["key_result", "unit"]
    raw_id_fields = ["key_result"]
    inlines = [TrajectoryPointInline]


@admin.register(Result)
class ResultAdmin(ReadOnlyHistoryAdmin):
    list_display = ["key_result", "period", "unit", "value", "is_demo", "entered_at"]
    list_filter = ["is_demo", "unit", "key_result__objective"]
    list_select_related = ["key_result", "period", "unit"]
    raw_id_fields = ["key_result", "period", "entered_by"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(ReadOnlyHistoryAdmin):
    """Periods are made by the product when they open (a GET never makes one)."""

    list_display = ["label", "frequency", "starts_on", "ends_on"]
    list_filter = ["frequency"]


class CostImprovementInline(ReadOnlyMixin, admin.StackedInline):
    model = CostImprovementPosition
    extra = 0


# Programme updates are reported figures (loaded from the Trust's papers): read-only.
@admin.register(ProgrammeUpdate)
class ProgrammeUpdateAdmin(ReadOnlyHistoryAdmin):
    list_display = ["programme", "period", "rag", "rag_as_written"]
    list_filter = ["rag"]
    inlines = [CostImprovementInline]


@admin.register(Programme)
class ProgrammeAdmin(AuditedAdmin):
    list_display = ["title", "focus_area", "parent", "unit"]
    search_fields = ["title"]


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
