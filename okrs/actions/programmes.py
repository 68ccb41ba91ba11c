"""Writes of the programmes and projects that deliver a focus area, and their
periodic updates (RAG, progress and Cost Improvement Programme figures)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from objectives.audit import (
    create_or_update,
    save_with_audit,
)
from objectives.models import KeyFocusArea
from okrs.models import (
    CostImprovementPosition,
    Programme,
    ProgrammeUpdate,
    ReportingPeriod,
)
from okrs.ratings import normalise_rag_word


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
