"""Writes of the programmes and projects that deliver a focus area, and their
periodic updates (RAG, progress and Cost Improvement Programme figures): as the
papers set them out (the seeds), and as administrators set them out and their
leads report on them month by month in the portal."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from objectives.audit import (
    checked_reason,
    create_or_update,
    refuse_stale,
    save_with_audit,
    update_fields,
)
from objectives.models import KeyFocusArea, OrganisationalUnit, Person, RuleProvenance
from objectives.text import PARAGRAPH, SHORT_TEXT, plain_text, too_long
from okrs import periods
from okrs.models import (
    CostImprovementPosition,
    Programme,
    ProgrammeUpdate,
    ReportingPeriod,
)
from okrs.ratings import Rag, normalise_rag_word


@transaction.atomic
def create_programme(
    *, by, focus_area: KeyFocusArea, title: str, order: int, reason: str, **fields
) -> Programme:
    programme = Programme(focus_area=focus_area, title=title, order=order, **fields)
    save_with_audit(programme, by=by, reason=reason)
    return programme


@dataclass(frozen=True)
class CostImprovementFigures:
    """In pounds: delivered and planned in the report's period; the year's forecast
    and target where the report gives them."""

    delivered_in_period: Decimal
    planned_in_period: Decimal
    forecast_for_year: Decimal | None = None
    target_for_year: Decimal | None = None
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


# --- Maintained in the portal: administrators set programmes out, leads report -------

# A programme's monthly rating: the words boards use, stored as the normalised RAG.
UPDATE_RATINGS = (Rag.GREEN, Rag.AMBER, Rag.RED, Rag.BLUE)
# Cost improvement amounts a report may give (the figures' columns hold 14 digits).
MAX_POUNDS = Decimal(1_000_000_000)


def _refuse_unless_maintainer(by) -> None:
    if not by.has_perm("portal.maintain_strategy"):
        raise PermissionDenied("Only a Trust administrator can set out programmes.")


def _checked_title(title: str, focus_area: KeyFocusArea, *, leaving: Programme | None) -> str:
    title = plain_text(title or "").strip()
    if not title:
        raise ValidationError({"title": "Enter the programme's name"})
    if problem := too_long(title, SHORT_TEXT):
        raise ValidationError({"title": f"Shorten the name. {problem}"})
    taken = Programme.objects.filter(focus_area=focus_area, parent=None, title=title)
    if leaving is not None:
        taken = taken.exclude(pk=leaving.pk)
    if taken.exists():
        raise ValidationError({"title": "This focus area already has a programme of that name"})
    return title


def _current_focus_area(focus_area: KeyFocusArea) -> KeyFocusArea:
    if not focus_area.objective.strategy.is_current:
        raise ValidationError({"focus_area": "Choose a focus area of the current strategy"})
    return focus_area


@transaction.atomic
def add_programme(
    *,
    by,
    focus_area: KeyFocusArea,
    title: str,
    lead: Person | None,
    reason: str,
    unit: OrganisationalUnit | None = None,
) -> Programme:
    """Set out a programme of the current strategy under one of its focus areas,
    with the person who reports on it each month: the Trust's from the start."""
    _refuse_unless_maintainer(by)
    reason = checked_reason(reason)
    focus_area = _current_focus_area(focus_area)
    title = _checked_title(title, focus_area, leaving=None)
    last = Programme.objects.filter(focus_area=focus_area, parent=None).order_by("-order").first()
    return create_programme(
        by=by,
        focus_area=focus_area,
        title=title,
        order=(last.order + 1) if last else 1,
        lead=lead,
        unit=unit,
        provenance=RuleProvenance.CONFIRMED,
        reason=reason,
    )


@transaction.atomic
def change_programme(
    *,
    by,
    programme: Programme,
    focus_area: KeyFocusArea,
    title: str,
    lead: Person | None,
    reason: str,
    seen_version: int | None,
    unit: OrganisationalUnit | None = None,
) -> Programme:
    """Change a programme's name, focus area, lead or directorate. Saving it confirms it, as it
    now stands, as the Trust's (a programme read from the papers is to confirm)."""
    _refuse_unless_maintainer(by)
    reason = checked_reason(reason)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    refuse_stale(programme, seen_version=seen_version, what="this programme")
    focus_area = _current_focus_area(focus_area)
    title = _checked_title(title, focus_area, leaving=programme)
    changes = {
        "focus_area": focus_area,
        "title": title,
        "lead": lead,
        "unit": unit,
        "provenance": RuleProvenance.CONFIRMED,
    }
    if not any(getattr(programme, name) != value for name, value in changes.items()):
        raise ValidationError("Nothing has changed: the programme is already as shown.")
    changes["version"] = programme.version + 1
    update_fields(programme, changes, by=by, reason=reason)
    return programme


@transaction.atomic
def update_programme(
    *,
    by,
    programme: Programme,
    period: ReportingPeriod,
    rag: str,
    progress: str,
    seen_version: int | None,
    cost_improvement: CostImprovementFigures | None = None,
) -> ProgrammeUpdate:
    """The programme lead's monthly report: its RAG and progress for the month and,
    for a cost improvement programme, what it delivered against plan (or a
    correction of them). A save based on an older version is refused."""
    if not by.has_perm("portal.update_programme", programme):
        raise PermissionDenied(
            "Only the programme's lead or a Trust administrator can report on it."
        )
    if period.frequency != periods.MONTHLY:
        raise ValidationError("A programme reports month by month.")
    problems = {}
    if rag not in UPDATE_RATINGS:
        problems["rag"] = "Choose the programme's rating"
    progress = plain_text(progress or "").strip()
    if not progress:
        problems["progress"] = "Say how the programme is progressing"
    elif problem := too_long(progress, PARAGRAPH):
        problems["progress"] = f"Shorten the update. {problem}"
    if cost_improvement is not None:
        for name in ("delivered_in_period", "planned_in_period"):
            amount = getattr(cost_improvement, name)
            if amount is None or not 0 <= amount < MAX_POUNDS:
                problems[name] = "Enter an amount in pounds from 0 to under £1,000,000,000"
    if problems:
        raise ValidationError(problems)
    existing = (
        ProgrammeUpdate.objects.select_for_update()
        .filter(programme=programme, period=period)
        .first()
    )
    refuse_stale(existing, seen_version=seen_version, what="this month's update")
    rating = Rag(rag)
    fields = {"rag": rating.value, "rag_as_written": rating.label, "progress": progress}
    cip = vars(cost_improvement) if cost_improvement is not None else None
    if existing is None:
        update = ProgrammeUpdate(programme=programme, period=period, **fields)
        save_with_audit(update, by=by, reason="Programme update")
    else:
        kept = getattr(existing, "cost_improvement", None)
        same_cip = cip is None or (
            kept is not None and all(getattr(kept, name) == value for name, value in cip.items())
        )
        if same_cip and all(getattr(existing, name) == value for name, value in fields.items()):
            raise ValidationError("Nothing has changed: the update is already as shown.")
        update = existing
        fields |= {"version": existing.version + 1}
        update_fields(existing, fields, by=by, reason="Update changed")
    if cip is not None:
        create_or_update(
            CostImprovementPosition,
            lookup={"update": update},
            fields=cip,
            by=by,
            reason="Cost improvement reported",
        )
    return update
