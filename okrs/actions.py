"""Writes to OKRs, targets, results and programmes: one function per business
operation, keyword-only, the acting user first, atomic and audited."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from objectives.audit import create_or_update, save_with_audit, update_fields
from objectives.models import KeyFocusArea, OrganisationalUnit, StrategicObjective
from okrs import periods
from okrs.entry import (
    ChangePlan,
    Outcome,
    ResultChange,
    existing_results,
    plan_result_changes,
    result_problem,
)
from okrs.models import (
    CostImprovementPosition,
    KeyResult,
    Programme,
    ProgrammeUpdate,
    ReportingPeriod,
    Result,
    Target,
)
from okrs.ratings import normalise_rag_word


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
    problem = result_problem(entry.key_result, entry.unit, entry.period)
    if problem:
        raise ValidationError(f"{problem}.")


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
        bulk_update_with_history(
            updated,
            Result,
            [
                "value",
                "comment",
                "entered_by",
                "entered_at",
                "status",
                "submitted_at",
                "version",
            ],
            batch_size=500,
            default_user=by,
            default_change_reason=why,
        )
    for result in removed:
        result._history_user = by
        result._change_reason = why
        result.delete()
    return plan


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
