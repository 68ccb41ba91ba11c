from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reporting.models import Narrative, RecordedOverallRating


@admin.register(Narrative)
class NarrativeAdmin(SimpleHistoryAdmin):
    list_display = ["objective", "period", "kind", "author", "signed_by", "signed_on"]


@admin.register(RecordedOverallRating)
class RecordedOverallRatingAdmin(SimpleHistoryAdmin):
    list_display = ["objective", "period", "unit", "rag", "rag_as_written"]
