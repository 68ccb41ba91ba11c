from django.contrib import admin

from objectives.admin import ReadOnlyAdmin, ReadOnlyHistoryAdmin
from reporting.models import BoardCover, Narrative, PackExport, PackFile, RecordedOverallRating

# All read-only: narratives are written and signed, cover sheets edited and packs
# exported on the report's pages, as the people allowed to, with the audit history.


@admin.register(Narrative)
class NarrativeAdmin(ReadOnlyHistoryAdmin):
    list_display = ["objective", "period", "kind", "author", "signed_by", "signed_on"]


@admin.register(RecordedOverallRating)
class RecordedOverallRatingAdmin(ReadOnlyHistoryAdmin):
    list_display = ["objective", "period", "unit", "rag", "rag_as_written"]


@admin.register(BoardCover)
class BoardCoverAdmin(ReadOnlyHistoryAdmin):
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
