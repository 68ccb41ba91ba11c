"""Reads for the programmes of the current strategy: the administrators' list, a
programme to change or report on, and its report for a month. A fixed number of
queries whatever the number of programmes."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from objectives.models import KeyFocusArea, OrganisationalUnit, Person, Strategy
from okrs.models import Programme, ProgrammeUpdate, ReportingPeriod


def _latest_first():
    return Prefetch(
        "updates",
        queryset=ProgrammeUpdate.objects.select_related("period", "cost_improvement").order_by(
            "-period__ends_on", "-pk"
        ),
    )


def _top_level(**filters):
    """Programmes (not their projects) matching `filters`, each with its focus area
    (and objective), lead and directorate, and its reports latest first."""
    return (
        Programme.objects.filter(parent__isnull=True, **filters)
        .select_related("focus_area__objective", "lead", "unit")
        .prefetch_related(_latest_first())
    )


def strategy_programmes(strategy: Strategy) -> list[Programme]:
    """The strategy's programmes, in the order of its objectives and focus areas."""
    return list(
        _top_level(focus_area__objective__strategy=strategy).order_by(
            "focus_area__objective__number", "focus_area__order", "order", "pk"
        )
    )


def objective_programmes(objective) -> list[Programme]:
    """An objective's programmes, in the order of its focus areas."""
    return list(
        _top_level(focus_area__objective=objective).order_by("focus_area__order", "order", "pk")
    )


def current_programme(pk: int) -> Programme:
    """A programme of the current strategy, or not found."""
    return get_object_or_404(
        Programme.objects.select_related("focus_area__objective", "lead"),
        pk=pk,
        parent__isnull=True,
        focus_area__objective__strategy__is_current=True,
    )


def focus_area_choices(strategy: Strategy):
    return (
        KeyFocusArea.objects.filter(objective__strategy=strategy)
        .select_related("objective")
        .order_by("objective__number", "order")
    )


def unit_choices():
    """The directorates a programme may belong to (not the Trust as a whole)."""
    return OrganisationalUnit.objects.exclude(kind=OrganisationalUnit.Kind.TRUST).order_by(
        "order", "name"
    )


def lead_choices():
    return Person.objects.order_by("full_name")


def programme_report(programme: Programme, period: ReportingPeriod | None):
    if period is None:
        return None
    return ProgrammeUpdate.objects.filter(programme=programme, period=period).first()


def recent_reports(programme: Programme, count: int = 6) -> list[ProgrammeUpdate]:
    """The programme's latest reports, newest first."""
    return list(
        programme.updates.select_related("period").order_by("-period__ends_on", "-pk")[:count]
    )
