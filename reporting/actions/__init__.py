"""Writes to reporting data, one module per concern: the report's words and
editions (`editions`), the Board pack exports (`pack_exports`), and the process
changes that recalculate an SPC chart's limits (`process_changes`)."""

from reporting.actions.editions import (
    COVER_FIELDS,
    COVER_LIMITS,
    NARRATIVE_FIELDS,
    NARRATIVE_LIMITS,
    EditConflict,
    NothingToPublish,
    month_has_ended,
    publish_ipr,
    record_narrative,
    record_overall_rating_as_published,
    update_cover,
    write_narrative,
)
from reporting.actions.pack_exports import (
    PACK_FORMATS,
    ExportAbandoned,
    fail_stopped_exports,
    produce_pack,
    request_pack_export,
)
from reporting.actions.process_changes import (
    can_record_process_change,
    change_process_change,
    record_process_change,
    withdraw_process_change,
)

__all__ = [
    "COVER_FIELDS",
    "COVER_LIMITS",
    "NARRATIVE_FIELDS",
    "NARRATIVE_LIMITS",
    "PACK_FORMATS",
    "EditConflict",
    "ExportAbandoned",
    "NothingToPublish",
    "can_record_process_change",
    "change_process_change",
    "fail_stopped_exports",
    "month_has_ended",
    "produce_pack",
    "publish_ipr",
    "record_narrative",
    "record_overall_rating_as_published",
    "record_process_change",
    "request_pack_export",
    "update_cover",
    "withdraw_process_change",
    "write_narrative",
]
