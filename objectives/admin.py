"""The Django admin, for Trust administrators. Every change made here is kept in
the audit history too (SimpleHistoryAdmin records who, when and what)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from objectives.models import (
    Behaviour,
    Committee,
    ExecutiveRole,
    KeyFocusArea,
    OrganisationalUnit,
    Person,
    RagKeyEntry,
    RoleAssignment,
    StrategicObjective,
    Strategy,
    Theme,
    Value,
)


class BehaviourInline(admin.TabularInline):
    model = Behaviour
    extra = 0


@admin.register(Strategy)
class StrategyAdmin(SimpleHistoryAdmin):
    list_display = ["title", "status", "is_current", "starts_on", "ends_on"]
    list_filter = ["status", "is_current"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Value)
class ValueAdmin(SimpleHistoryAdmin):
    list_display = ["name", "strategy", "order"]
    list_filter = ["strategy"]
    inlines = [BehaviourInline]


@admin.register(StrategicObjective)
class StrategicObjectiveAdmin(SimpleHistoryAdmin):
    list_display = ["number", "short_name", "title", "strategy", "category", "committee"]
    list_filter = ["strategy", "category"]
    filter_horizontal = ["lead_roles"]


@admin.register(KeyFocusArea)
class KeyFocusAreaAdmin(SimpleHistoryAdmin):
    list_display = ["title", "objective", "order", "provenance"]
    list_filter = ["provenance", "objective__strategy", "objective"]
    search_fields = ["title", "source_text"]


@admin.register(Theme)
class ThemeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "objective", "order"]


@admin.register(OrganisationalUnit)
class OrganisationalUnitAdmin(SimpleHistoryAdmin):
    list_display = ["short_name", "name", "kind", "active_from", "active_to"]
    list_filter = ["kind"]


@admin.register(Committee)
class CommitteeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "reports_to"]


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "user", "is_demo"]
    list_filter = ["is_demo"]
    search_fields = ["full_name"]
    filter_horizontal = ["lead_for_units"]
    inlines = [RoleAssignmentInline]


@admin.register(ExecutiveRole)
class ExecutiveRoleAdmin(SimpleHistoryAdmin):
    list_display = ["title"]
    inlines = [RoleAssignmentInline]


@admin.register(RagKeyEntry)
class RagKeyEntryAdmin(SimpleHistoryAdmin):
    list_display = ["word", "meaning", "strategy"]
