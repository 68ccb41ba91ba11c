"""Writes to reporting data, one module per concern: the report's words and
editions (`editions`), the Board pack exports (`pack_exports`), the process
changes that recalculate an SPC chart's limits (`process_changes`), and the rules
that turn values into ratings and exceptions, with the OKR definitions they rest on
(`rating_rules`)."""

from objectives.audit import EditConflict
from reporting.actions.editions import (
    COVER_FIELDS,
    COVER_LIMITS,
    NARRATIVE_FIELDS,
    NARRATIVE_LIMITS,
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
from reporting.actions.rating_rules import (
    confirm_definition,
    confirm_exception_rule,
    confirm_rating_rule,
    confirm_tolerance,
    definition_seen,
    exception_rule_seen,
    rating_rule_seen,
    tolerance_seen,
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
    "confirm_definition",
    "confirm_exception_rule",
    "confirm_rating_rule",
    "confirm_tolerance",
    "definition_seen",
    "exception_rule_seen",
    "fail_stopped_exports",
    "month_has_ended",
    "produce_pack",
    "publish_ipr",
    "rating_rule_seen",
    "record_narrative",
    "record_overall_rating_as_published",
    "record_process_change",
    "request_pack_export",
    "tolerance_seen",
    "update_cover",
    "withdraw_process_change",
    "write_narrative",
]
