"""Writes to OKRs, targets, results and programmes: one function per business
operation, keyword-only, the acting user first, atomic and audited."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from objectives.audit import create_or_update, save_with_audit, update_fields
from objectives.models import KeyFocusArea, OrganisationalUnit, StrategicObjective
from okrs import periods
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
    period, _ = ReportingPeriod.objects.get_or_create(
        frequency=span.frequency, starts_on=span.starts_on, defaults={"ends_on": span.ends_on}
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
    key_result = entry.key_result
    if key_result.status == KeyResult.Status.DRAFT:
        raise ValidationError(f"{key_result.code} is a draft OKR: it takes no results yet.")
    if entry.period.frequency != key_result.frequency:
        raise ValidationError(
            f"{key_result.code} is reported {key_result.get_frequency_display().lower()}, "
            f"not for the period {entry.period.label}."
        )
    unit = entry.unit
    if not (unit.is_active_on(entry.period.starts_on) or unit.is_active_on(entry.period.ends_on)):
        raise ValidationError(f"{unit.short_name} was not active in {entry.period.label}.")


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
