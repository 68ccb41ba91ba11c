"""Writes to reporting data, one module per concern: the report's words and
editions (`editions`), and the Board pack exports (`pack_exports`)."""

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

__all__ = [
    "COVER_FIELDS",
    "COVER_LIMITS",
    "NARRATIVE_FIELDS",
    "NARRATIVE_LIMITS",
    "PACK_FORMATS",
    "EditConflict",
    "ExportAbandoned",
    "NothingToPublish",
    "fail_stopped_exports",
    "month_has_ended",
    "produce_pack",
    "publish_ipr",
    "record_narrative",
    "record_overall_rating_as_published",
    "request_pack_export",
    "update_cover",
    "write_narrative",
]
