from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from okrs.models import (
    CostImprovementPosition,
    KeyResult,
    Programme,
    ProgrammeUpdate,
    ReportingPeriod,
    Result,
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
