"""The Django admin, for Trust administrators: it reads; the product writes.

Domain data (results, OKRs, targets, narratives, cover sheets, exports) is shown
read-only: it changes only through the product's pages, actions and commands,
with their checks, reasons and audit. What stays editable here (the strategy's
structure, people and their executive roles, accounts) is recorded in the audit
history with who, when and before/after. The history is never "reverted" here.
These base classes are the one definition every app's admin uses.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
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


class ReadOnlyMixin:
    """Shown to administrators, never added, changed or deleted in the admin."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AuditedAdmin(SimpleHistoryAdmin):
    """Changes are recorded (who, when, before/after); past versions can be looked at
    but not restored. SIMPLE_HISTORY_REVERT_DISABLED only hides simple-history's
    Revert button: its page still saves what is posted to it, so it is refused."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied("Past versions cannot be restored here.")
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """For records the product alone makes and that keep no history (uploads, exports)."""


class ReadOnlyHistoryAdmin(ReadOnlyMixin, AuditedAdmin):
    """For domain data with an audit history: the record and its history, read-only."""


class ReadOnlyTabularInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0


class BehaviourInline(admin.TabularInline):
    model = Behaviour
    extra = 0


@admin.register(Strategy)
class StrategyAdmin(AuditedAdmin):
    list_display = ["title", "status", "is_current", "starts_on", "ends_on"]
    list_filter = ["status", "is_current"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Value)
class ValueAdmin(AuditedAdmin):
    list_display = ["name", "strategy", "order"]
    list_filter = ["strategy"]
    inlines = [BehaviourInline]


@admin.register(StrategicObjective)
class StrategicObjectiveAdmin(AuditedAdmin):
    list_display = ["number", "short_name", "title", "strategy", "category", "committee"]
    list_filter = ["strategy", "category"]
    filter_horizontal = ["lead_roles"]


@admin.register(KeyFocusArea)
class KeyFocusAreaAdmin(AuditedAdmin):
    list_display = ["title", "objective", "order", "provenance"]
    list_filter = ["provenance", "objective__strategy", "objective"]
    search_fields = ["title", "source_text"]


@admin.register(Theme)
class ThemeAdmin(AuditedAdmin):
    list_display = ["name", "objective", "order"]


@admin.register(OrganisationalUnit)
class OrganisationalUnitAdmin(AuditedAdmin):
    list_display = ["short_name", "name", "kind", "active_from", "active_to"]
    list_filter = ["kind"]


@admin.register(Committee)
class CommitteeAdmin(AuditedAdmin):
    list_display = ["name", "reports_to"]


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ["full_name", "user", "is_demo"]
    list_filter = ["is_demo"]
    search_fields = ["full_name"]
    filter_horizontal = ["lead_for_units"]
    inlines = [RoleAssignmentInline]


@admin.register(ExecutiveRole)
class ExecutiveRoleAdmin(AuditedAdmin):
    list_display = ["title"]
    inlines = [RoleAssignmentInline]


@admin.register(RagKeyEntry)
class RagKeyEntryAdmin(AuditedAdmin):
    list_display = ["word", "meaning", "strategy"]
