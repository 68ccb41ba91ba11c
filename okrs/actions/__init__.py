"""Writes to OKRs, targets, results and programmes: one function per business
operation, keyword-only, the acting user first, atomic and audited. One module per
concern: `results`, `key_results` (definitions, targets and their maintenance),
`trajectories` and `programmes`."""

from objectives.audit import REASON_MAX_LENGTH
from okrs.actions.key_results import (
    KeyResultDefinition,
    add_key_result_to_focus_area,
    can_change_status,
    can_change_target,
    can_link_focus_area,
    change_target_from,
    create_key_result,
    key_result_code_problem,
    link_key_result_to_focus_area,
    mark_achieved_and_replace,
    retire_key_result,
    set_target,
)
from okrs.actions.programmes import (
    CostImprovementFigures,
    add_programme,
    change_programme,
    create_programme,
    record_programme_update,
    update_programme,
)
from okrs.actions.results import (
    ResultEntry,
    apply_result_changes,
    ensure_period,
    ensure_recent_periods,
    ensure_reportable_period,
    record_results_as_system,
    value_problem,
)
from okrs.actions.trajectories import (
    record_trajectories,
    revise_trajectory,
    set_planned_trajectory,
)

__all__ = [
    "record_trajectories",
    "revise_trajectory",
    "set_planned_trajectory",
    "REASON_MAX_LENGTH",
    "CostImprovementFigures",
    "KeyResultDefinition",
    "ResultEntry",
    "add_key_result_to_focus_area",
    "apply_result_changes",
    "can_change_status",
    "can_change_target",
    "can_link_focus_area",
    "change_target_from",
    "create_key_result",
    "add_programme",
    "change_programme",
    "create_programme",
    "ensure_period",
    "ensure_recent_periods",
    "ensure_reportable_period",
    "key_result_code_problem",
    "link_key_result_to_focus_area",
    "mark_achieved_and_replace",
    "record_programme_update",
    "update_programme",
    "record_results_as_system",
    "retire_key_result",
    "set_target",
    "value_problem",
]
