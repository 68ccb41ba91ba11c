"""Writes to OKRs, targets, results and programmes: one function per business
operation, keyword-only, the acting user first, atomic and audited."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from objectives.audit import (
    REASON_MAX_LENGTH,
    create_or_update,
    save_with_audit,
    update_fields,
)
from objectives.models import KeyFocusArea, OrganisationalUnit, StrategicObjective
from okrs import periods, selectors
from okrs.entry import (
    ChangePlan,
    Outcome,
    ResultChange,
    existing_results,
    plan_result_changes,
    result_problem,
)
from okrs.formatting import format_value
from okrs.models import (
    CostImprovementPosition,
    Direction,
    Frequency,
    KeyResult,
    Measure,
    Programme,
    ProgrammeUpdate,
    ReportingPeriod,
    Result,
    Target,
)
from okrs.ratings import normalise_rag_word
from okrs.validation import COLUMN_LIMIT, range_problem


def ensure_period(span: periods.PeriodSpan) -> ReportingPeriod:
    """Reporting periods are calendar facts, not decisions: created on first use."""
    window = periods.default_entry_window(span)
    period, _ = ReportingPeriod.objects.get_or_create(
        frequency=span.frequency,
        starts_on=span.starts_on,
        defaults={
            "ends_on": span.ends_on,
            "opens_on": window.opens_on,
            "due_on": window.due_on,
            "closes_on": window.closes_on,
        },
    )
    return period


def ensure_reportable_period(span: periods.PeriodSpan) -> ReportingPeriod:
    """A period someone asked for through a page (e.g. by saving a narrative for
    its month): made only within the months the portal reports on."""
    reportable = selectors.reportable_months()
    refusal = reportable.refusal(span.starts_on) or reportable.refusal(span.ends_on)
    if refusal:
        raise ValidationError(refusal)
    return ensure_period(span)


@transaction.atomic
def create_key_result(
    *, by, objective: StrategicObjective, code: str, statement: str, reason: str, **fields
) -> KeyResult:
    focus_area = fields.get("focus_area")
    if focus_area is not None and focus_area.objective_id != objective.pk:
        raise ValidationError("An OKR's focus area must belong to the same objective.")
    key_result = KeyResult(objective=objective, code=code, statement=statement, **fields)
    save_with_audit(key_result, by=by, reason=reason)
    return key_result


@transaction.atomic
def set_target(
    *,
    by,
    key_result: KeyResult,
    value: Decimal,
    effective_from: datetime.date,
    source: str = "",
    reason: str,
) -> Target:
    """Set the target in force from `effective_from`; earlier periods keep theirs."""
    if problem := value_problem(key_result, value):
        raise ValidationError({"value": problem})
    return create_or_update(
        Target,
        lookup={"key_result": key_result, "effective_from": effective_from},
        fields={"value": value, "source": source},
        by=by,
        reason=reason,
    )


@dataclass(frozen=True)
class ResultEntry:
    key_result: KeyResult
    period: ReportingPeriod
    unit: OrganisationalUnit
    value: Decimal
    comment: str = ""


def check_result_entry(entry: ResultEntry) -> None:
    """The rules any result must meet, however it arrives (form, upload, seeds, demo)."""
    problem = result_problem(entry.key_result, entry.unit, entry.period) or value_problem(
        entry.key_result, entry.value
    )
    if problem:
        raise ValidationError(f"{problem}.")


def value_problem(key_result: KeyResult, value: Decimal) -> str | None:
    """Why `value` cannot be a value (or target) of this OKR, if it cannot."""
    return range_problem(
        value,
        key_result.measure,
        lowest=key_result.lowest_value,
        highest=key_result.highest_value,
    )


@transaction.atomic
def record_result(
    *, by, entry: ResultEntry, reason: str, is_demo: bool = False, source: str = ""
) -> Result:
    """Create or change the one result for an OKR, period and unit."""
    check_result_entry(entry)
    result = Result.objects.filter(
        key_result=entry.key_result, period=entry.period, unit=entry.unit
    ).first()
    if result is None:
        result = Result(
            key_result=entry.key_result,
            period=entry.period,
            unit=entry.unit,
            value=entry.value,
            comment=entry.comment,
            entered_by=by,
            entered_at=timezone.now(),
            is_demo=is_demo,
            source=source,
        )
        save_with_audit(result, by=by, reason=reason)
    else:
        update_fields(
            result,
            {"value": entry.value, "comment": entry.comment, "source": source},
            by=by,
            reason=reason,
        )
    return result


@transaction.atomic
def record_new_results_in_bulk(
    *, by, entries: list[ResultEntry], reason: str, is_demo: bool = False
) -> int:
    """Add many results that do not exist yet, all or nothing, with their history rows.

    Every entry is checked by the same rules as `record_result` before anything is written.
    """
    for entry in entries:
        check_result_entry(entry)
    now = timezone.now()
    rows = [
        Result(
            key_result=entry.key_result,
            period=entry.period,
            unit=entry.unit,
            value=entry.value,
            comment=entry.comment,
            entered_by=by,
            entered_at=now,
            is_demo=is_demo,
        )
        for entry in entries
    ]
    bulk_create_with_history(
        rows, Result, batch_size=500, default_user=by, default_change_reason=reason
    )
    return len(rows)


@transaction.atomic
def create_programme(
    *, by, focus_area: KeyFocusArea, title: str, order: int, reason: str, **fields
) -> Programme:
    programme = Programme(focus_area=focus_area, title=title, order=order, **fields)
    save_with_audit(programme, by=by, reason=reason)
    return programme


@dataclass(frozen=True)
class CostImprovementFigures:
    delivered_in_quarter: Decimal
    planned_in_quarter: Decimal
    forecast_for_year: Decimal
    target_for_year: Decimal
    forecast_non_recurrent: Decimal | None = None


@transaction.atomic
def record_programme_update(
    *,
    by,
    programme: Programme,
    period: ReportingPeriod,
    rag_as_written: str,
    progress: str,
    cost_improvement: CostImprovementFigures | None = None,
    reason: str,
) -> ProgrammeUpdate:
    """Record a programme's RAG and progress for a period, keeping the word the
    source used ('Yellow') beside the normalised rating (Amber)."""
    rag = normalise_rag_word(rag_as_written)
    update = create_or_update(
        ProgrammeUpdate,
        lookup={"programme": programme, "period": period},
        fields={"rag": rag.value, "rag_as_written": rag_as_written, "progress": progress},
        by=by,
        reason=reason,
    )
    if cost_improvement is not None:
        create_or_update(
            CostImprovementPosition,
            lookup={"update": update},
            fields=vars(cost_improvement),
            by=by,
            reason=reason,
        )
    return update


@transaction.atomic
def apply_result_changes(
    *,
    by,
    changes: list[ResultChange],
    submit: bool,
    reason: str = "",
    today: datetime.date | None = None,
) -> ChangePlan:
    """Plan the changes (see okrs.entry) and, only if none is in error, write them
    all in one transaction, each with its audit entry. Returns the plan either way.

    The rows concerned are locked while planning, so two people saving the same
    value one after the other cannot both win: the second is refused with the
    newer value (forms pass the version they saw).
    """
    today = today or timezone.localdate()
    existing = existing_results(changes, lock=True)
    plan = plan_result_changes(
        by=by, changes=changes, submit=submit, reason=reason, today=today, existing=existing
    )
    if plan.has_errors:
        return plan
    now = timezone.now()
    status = Result.Status.SUBMITTED if submit else Result.Status.DRAFT
    why = plan.reason or ("Submitted" if submit else "Saved as draft")
    created, updated, removed = [], [], []
    for item in plan.writes:
        change = item.change
        if item.outcome == Outcome.REMOVED:
            removed.append(item.existing)
            continue
        if item.existing is None:
            created.append(
                Result(
                    key_result=change.key_result,
                    period=change.period,
                    unit=change.unit,
                    value=item.value,
                    comment=change.comment.strip(),
                    entered_by=by,
                    entered_at=now,
                    status=status,
                    submitted_at=now if submit else None,
                )
            )
            continue
        result = item.existing
        if item.outcome == Outcome.CHANGED:
            result.value = item.value
            result.comment = change.comment.strip()
            result.entered_by = by
            result.entered_at = now
        if submit or result.status == Result.Status.DRAFT:
            # A value once submitted stays submitted; a draft is submitted with the page.
            result.status = status
            result.submitted_at = now if submit else result.submitted_at
        result.version += 1
        updated.append(result)
    if created:
        bulk_create_with_history(
            created, Result, batch_size=500, default_user=by, default_change_reason=why
        )
    if updated:
        _update_results(updated, by=by, reason=why)
    for result in removed:
        result._history_user = by
        result._change_reason = why
        result.delete()
    return plan


def _update_results(results: list[Result], *, by, reason: str) -> None:
    """Save changed results with their history. Only value and comment differ row by
    row; the other fields are shared by groups of rows, so each group is one plain
    UPDATE instead of a CASE expression per row and field (ten times faster for a
    10,000-row upload). The history rows are written from the objects as saved."""
    bulk_update_with_history(
        results,
        Result,
        ["value", "comment"],
        batch_size=1000,
        default_user=by,
        default_change_reason=reason,
    )
    groups: dict[tuple, list[int]] = defaultdict(list)
    for result in results:
        key = (result.entered_by_id, result.entered_at, result.status, result.submitted_at)
        groups[key].append(result.pk)
    for (entered_by_id, entered_at, status, submitted_at), pks in groups.items():
        for start in range(0, len(pks), 1000):
            Result.objects.filter(pk__in=pks[start : start + 1000]).update(
                entered_by_id=entered_by_id,
                entered_at=entered_at,
                status=status,
                submitted_at=submitted_at,
                version=F("version") + 1,
            )


def ensure_recent_periods(today: datetime.date) -> list[ReportingPeriod]:
    """Make sure the periods whose usual entry window includes `today` exist, so
    leads see what they owe without anyone creating periods by hand."""
    made = []
    for frequency in (periods.MONTHLY, periods.QUARTERLY):
        span = periods.span_containing(frequency, today)
        for _ in range(3):
            span = periods.previous_span(span)
            window = periods.default_entry_window(span)
            if window.opens_on <= today <= window.closes_on:
                made.append(ensure_period(span))
    return made


# --- Maintaining OKRs (Trust administrators) ------------------------------------
#
# The life of an OKR: draft → active (added through the maintenance pages, or by
# the seeds) → achieved (and replaced by a new active OKR) or retired. A draft that
# will never be used can be retired; nothing comes back from achieved or retired,
# because board reports already show it so. Results and targets are always kept.

_STATUS_CHANGES = {
    (KeyResult.Status.ACTIVE, KeyResult.Status.ACHIEVED),
    (KeyResult.Status.ACTIVE, KeyResult.Status.RETIRED),
    (KeyResult.Status.DRAFT, KeyResult.Status.RETIRED),
}
# Statuses whose targets may still change: an achieved or retired OKR keeps the
# targets it was reported against.
_TARGETS_CAN_CHANGE = {KeyResult.Status.DRAFT, KeyResult.Status.ACTIVE}
_CODE_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def can_change_status(key_result: KeyResult, to: str) -> bool:
    return (key_result.status, to) in _STATUS_CHANGES


def can_change_target(key_result: KeyResult) -> bool:
    return key_result.status in _TARGETS_CAN_CHANGE and bool(key_result.frequency)


def _checked_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give a reason for this change"})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": f"Give a reason of {REASON_MAX_LENGTH} characters or fewer"}
        )
    return reason


def _locked(key_result: KeyResult) -> KeyResult:
    """The OKR as it is now, locked until the transaction ends, so two administrators
    acting on it at once cannot both win."""
    return KeyResult.objects.select_for_update().get(pk=key_result.pk)


def _refuse_status_change(key_result: KeyResult, to: str) -> None:
    if (key_result.status, to) not in _STATUS_CHANGES:
        current = KeyResult.Status(key_result.status).label.lower()
        wanted = KeyResult.Status(to).label.lower()
        raise ValidationError(
            f"This OKR is {current}, so it cannot be marked {wanted}. Only an active OKR "
            "can be achieved; only a draft or active OKR can be retired."
        )


def key_result_code_problem(code: str) -> str | None:
    """What is wrong with `code` for a new OKR, if anything (forms ask early, too)."""
    if not code:
        return "Enter a code"
    if (
        not set(code) <= _CODE_CHARACTERS
        or code.startswith("-")
        or code.endswith("-")
        or "--" in code
    ):
        return (
            "A code can only contain lower-case letters, numbers and single hyphens, "
            "like quality-cccs-training"
        )
    if KeyResult.objects.filter(code=code).exists():
        return f"An OKR with the code {code} already exists: choose another"
    return None


@dataclass(frozen=True)
class KeyResultDefinition:
    """What a new OKR is, as an administrator defines it: the same whether it is
    added to a focus area or replaces an achieved OKR. `owner_role` is an
    ExecutiveRole or None."""

    code: str
    statement: str
    measure: str
    direction: str
    frequency: str
    target: Decimal | None
    target_from: datetime.date | None
    tolerance: Decimal = Decimal(0)
    tolerance_kind: str = "absolute"
    decimal_places: int = 1
    lowest_value: Decimal | None = None
    highest_value: Decimal | None = None
    owner_role: object = None
    calculation: str = ""
    data_source: str = ""
    target_rationale: str = ""


def _definition_problems(definition: KeyResultDefinition) -> dict[str, str]:
    """What is wrong with a new OKR's definition, per argument, in words a person can act on."""
    problems = {}
    if problem := key_result_code_problem(definition.code):
        problems["code"] = problem
    if not (definition.statement or "").strip():
        problems["statement"] = "Enter the OKR as the Trust wrote it"
    if definition.measure not in Measure.values:
        problems["measure"] = "Choose the unit of measure"
    if definition.direction not in Direction.values:
        problems["direction"] = "Choose whether higher or lower is better"
    if definition.frequency not in Frequency.values:
        problems["frequency"] = "Choose how often it is reported"
    if definition.target is None:
        problems["target"] = "Enter the target"
    if definition.target_from is None:
        problems["target_from"] = "Enter the date the target applies from"
    if definition.tolerance is None or definition.tolerance < 0:
        problems["tolerance"] = "Enter a tolerance of 0 or more"
    if definition.tolerance_kind not in ("absolute", "relative"):
        problems["tolerance_kind"] = "Choose how the tolerance is measured"
    if definition.decimal_places is None or not 0 <= definition.decimal_places <= 4:
        problems["decimal_places"] = "Enter a number of decimal places from 0 to 4"
    low, high = definition.lowest_value, definition.highest_value
    for name, bound in (("lowest_value", low), ("highest_value", high)):
        if bound is not None and abs(bound) > COLUMN_LIMIT:
            problems[name] = "Enter a number of no more than 10 digits before the point"
    if low is not None and high is not None and low >= high and "highest_value" not in problems:
        problems["highest_value"] = "Enter a highest value above the lowest"
    range_known = not {"measure", "lowest_value", "highest_value"} & set(problems)
    if definition.target is not None and range_known:
        problem = range_problem(definition.target, definition.measure, lowest=low, highest=high)
        if problem:
            problems["target"] = problem
    return problems


def _create_active_key_result(
    *,
    by,
    objective: StrategicObjective,
    focus_area: KeyFocusArea | None,
    order: int,
    definition: KeyResultDefinition,
    reason: str,
) -> KeyResult:
    problems = _definition_problems(definition)
    if problems:
        raise ValidationError(problems)
    key_result = create_key_result(
        by=by,
        objective=objective,
        code=definition.code,
        statement=definition.statement.strip(),
        reason=reason,
        focus_area=focus_area,
        status=KeyResult.Status.ACTIVE,
        measure=definition.measure,
        direction=definition.direction,
        frequency=definition.frequency,
        tolerance=definition.tolerance,
        tolerance_kind=definition.tolerance_kind,
        decimal_places=definition.decimal_places,
        lowest_value=definition.lowest_value,
        highest_value=definition.highest_value,
        owner_role=definition.owner_role,
        calculation=(definition.calculation or "").strip(),
        data_source=(definition.data_source or "").strip(),
        target_rationale=(definition.target_rationale or "").strip(),
        order=order,
    )
    set_target(
        by=by,
        key_result=key_result,
        value=definition.target,
        effective_from=definition.target_from,
        reason=reason,
    )
    return key_result


@transaction.atomic
def add_key_result_to_focus_area(
    *, by, focus_area: KeyFocusArea, definition: KeyResultDefinition, reason: str
) -> KeyResult:
    """Add an active OKR to a focus area of a strategy still in use, with its first
    target. Listed after the
    objective's other OKRs."""
    reason = _checked_reason(reason)
    strategy = focus_area.objective.strategy
    if strategy.status == strategy.Status.SUPERSEDED:
        raise ValidationError("This focus area belongs to a superseded strategy.")
    last = (
        KeyResult.objects.filter(objective=focus_area.objective)
        .order_by("-order")
        .values_list("order", flat=True)
        .first()
    )
    return _create_active_key_result(
        by=by,
        objective=focus_area.objective,
        focus_area=focus_area,
        order=(last or 0) + 1,
        definition=definition,
        reason=reason,
    )


@transaction.atomic
def change_target_from(
    *,
    by,
    key_result: KeyResult,
    value: Decimal,
    from_period: ReportingPeriod | periods.PeriodSpan,
    reason: str,
) -> Target:
    """The target from `from_period` on becomes `value`; earlier periods keep the
    target they had, and a later target already set still applies from its date.
    A coming period (a span with no row yet) is made, so targets can be set ahead."""
    reason = _checked_reason(reason)
    if isinstance(from_period, periods.PeriodSpan):
        from_period = ensure_period(from_period)
    key_result = _locked(key_result)
    if key_result.status not in _TARGETS_CAN_CHANGE:
        raise ValidationError(
            f"This OKR is {key_result.get_status_display().lower()}: it keeps the targets "
            "it was reported against."
        )
    if not key_result.frequency:
        raise ValidationError("Set how often this OKR is reported before giving it a target.")
    if from_period.frequency != key_result.frequency:
        raise ValidationError(
            {
                "from_period": f"Choose a {key_result.get_frequency_display().lower()} "
                f"period: this OKR is reported {key_result.get_frequency_display().lower()}"
            }
        )
    if value is None:
        raise ValidationError({"value": "Enter the target"})
    existing = Target.objects.filter(
        key_result=key_result, effective_from=from_period.starts_on
    ).first()
    if existing is not None and existing.value == value:
        raise ValidationError(
            {
                "value": f"The target from {from_period.label} is already "
                f"{format_value(value, key_result.measure)}: nothing to change"
            }
        )
    return set_target(
        by=by,
        key_result=key_result,
        value=value,
        effective_from=from_period.starts_on,
        reason=reason,
    )


@transaction.atomic
def mark_achieved_and_replace(
    *, by, key_result: KeyResult, definition: KeyResultDefinition, reason: str
) -> KeyResult:
    """Mark an active OKR achieved and replace it with a new active OKR in the same
    objective and focus area, in its place in the list. Returns the replacement."""
    reason = _checked_reason(reason)
    key_result = _locked(key_result)
    _refuse_status_change(key_result, KeyResult.Status.ACHIEVED)
    replacement = _create_active_key_result(
        by=by,
        objective=key_result.objective,
        focus_area=key_result.focus_area,
        order=key_result.order,
        definition=definition,
        reason=reason,
    )
    update_fields(
        key_result,
        {"status": KeyResult.Status.ACHIEVED, "replaced_by": replacement},
        by=by,
        reason=reason,
    )
    return replacement


@transaction.atomic
def retire_key_result(*, by, key_result: KeyResult, reason: str) -> KeyResult:
    """Stop using an OKR. Its results and targets stay, and stay readable."""
    reason = _checked_reason(reason)
    key_result = _locked(key_result)
    _refuse_status_change(key_result, KeyResult.Status.RETIRED)
    update_fields(key_result, {"status": KeyResult.Status.RETIRED}, by=by, reason=reason)
    return key_result
