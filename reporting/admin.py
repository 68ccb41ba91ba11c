from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from okrs.admin import ReadOnlyAdmin
from reporting.models import BoardCover, Narrative, PackExport, PackFile, RecordedOverallRating


@admin.register(Narrative)
class NarrativeAdmin(SimpleHistoryAdmin):
    list_display = ["objective", "period", "kind", "author", "signed_by", "signed_on"]


@admin.register(RecordedOverallRating)
class RecordedOverallRatingAdmin(SimpleHistoryAdmin):
    list_display = ["objective", "period", "unit", "rag", "rag_as_written"]


@admin.register(BoardCover)
class BoardCoverAdmin(SimpleHistoryAdmin):
    list_display = ["edition", "reference", "agenda_item", "meeting_date", "purpose"]


class PackFileInline(admin.TabularInline):
    model = PackFile
    extra = 0
    can_delete = False
    readonly_fields = ["format", "file", "filename", "size", "sha256", "page_count"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PackExport)
class PackExportAdmin(ReadOnlyAdmin):
    """An exported pack is a record of what the Board received."""

    list_display = ["__str__", "requested_by", "requested_at", "status", "stage"]
    list_filter = ["status"]
    inlines = [PackFileInline]
