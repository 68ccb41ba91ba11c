"""What the IPR is made of, read from the database in a fixed number of queries.

`report_inputs` returns the objectives with their OKRs, targets, focus areas and
accountable executives, the units the report covers, every submitted value up to
the end of the month as plain series, the comments written with the values the
report shows, and the month's narratives. `assemble`
turns them into the report without touching the database.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch, Q, Subquery

from objectives.models import KeyFocusArea, OrganisationalUnit, StrategicObjective, Strategy
from objectives.selectors import attach_lead_holdings
from okrs import periods
from okrs.models import (
    KeyResult,
    Programme,
    ProgrammeUpdate,
    ReportingPeriod,
    Result,
    Target,
    TrajectoryPoint,
)
from okrs.targets_in_force import TrajectoryPath
from reporting.models import Narrative, ProcessChange
from reporting.process_changes import process_changes_by_series


@dataclass(frozen=True)
class SeriesValue:
    """One submitted result, as the assembly needs it."""

    period: ReportingPeriod
    unit: OrganisationalUnit
    value: Decimal
    is_demo: bool
    # What the value was worked out from, for an OKR of numerators and denominators.
    numerator: Decimal | None = None
    denominator: Decimal | None = None


# (key result id, unit id, period id) → (comment, who wrote it)
Comments = dict[tuple[int, int, int], tuple[str, str]]


@dataclass
class ReportInputs:
    """Everything the IPR for one month is made of.

    `objectives` have `key_results` (active and achieved, in order, each with its
    `targets` oldest first, `focus_area` and `owner_role`), `focus_areas` and
    `lead_holdings` loaded. `series` maps (key result id, unit id) to its values,
    oldest first. `narratives` maps an objective id to its summaries; `commentaries`
    a key result id to its exception commentary."""

    trust: str
    strategy: Strategy
    month: periods.PeriodSpan
    objectives: list[StrategicObjective]
    units: list[OrganisationalUnit]
    series: dict[tuple[int, int], list[SeriesValue]]
    narratives: dict[int, list[Narrative]]
    commentaries: dict[int, Narrative]
    # Recorded process changes per (key result id, unit id), oldest first: where a
    # series' SPC limits are recalculated.
    process_changes: dict[tuple[int, int], list[ProcessChange]]
    # What the person who entered a value said with it, per (key result id, unit
    # id, period id), for the values of the report's own periods: (comment, name).
    comments: Comments = field(default_factory=dict)
    # Each key result's trajectories (all units), as plain data.
    trajectories: dict[int, list[TrajectoryPath]] = field(default_factory=dict)
    # The Chief Executive's overall summary of the month, if written.
    overall_summary: Narrative | None = None
    # objective id → its programmes (not their projects), each with its updates up
    # to the month's end, oldest first.
    programmes: dict[int, list[Programme]] = field(default_factory=dict)


# How far back a value the report shows can end: a quarterly OKR reports the
# latest quarter ended by the month's end (see `assemble`), which ends within it.
_SHOWN_PERIODS_END_AFTER = datetime.timedelta(days=92)


def report_inputs(data_month: datetime.date, *, strategy: Strategy | None = None) -> ReportInputs:
    month = periods.span_containing(periods.MONTHLY, data_month)
    strategy = strategy or Strategy.objects.get(is_current=True)
    objectives = list(
        strategy.objectives.filter(category=StrategicObjective.Category.OBJECTIVE)
        .select_related("committee")
        .prefetch_related(
            "lead_roles",
            Prefetch("focus_areas", queryset=KeyFocusArea.objects.order_by("order")),
            Prefetch(
                "key_results",
                queryset=KeyResult.objects.filter(
                    status__in=[KeyResult.Status.ACTIVE, KeyResult.Status.ACHIEVED]
                )
                .select_related("focus_area", "owner_role")
                .prefetch_related(
                    Prefetch("targets", queryset=Target.objects.order_by("effective_from"))
                )
                .order_by("order", "code"),
            ),
        )
        .order_by("number")
    )
    attach_lead_holdings(objectives)
    key_results = [kr for objective in objectives for kr in objective.key_results.all()]
    # Every submitted result up to the end of the month: the values and the SPC
    # history. Read as plain tuples (the report can hold tens of thousands), with
    # the few periods and units they refer to looked up once.
    all_units = {unit.pk: unit for unit in OrganisationalUnit.objects.all()}
    known_periods = {
        period.pk: period for period in ReportingPeriod.objects.filter(ends_on__lte=month.ends_on)
    }
    rows = (
        Result.objects.filter(
            key_result__in=key_results,
            status=Result.Status.SUBMITTED,
            period__ends_on__lte=month.ends_on,
        )
        .order_by("period__starts_on")
        .values_list(
            "key_result_id",
            "unit_id",
            "period_id",
            "value",
            "is_demo",
            "numerator",
            "denominator",
        )
    )
    series: dict[tuple[int, int], list[SeriesValue]] = defaultdict(list)
    for key_result_id, unit_id, period_id, value, is_demo, numerator, denominator in rows:
        series[(key_result_id, unit_id)].append(
            SeriesValue(
                known_periods[period_id],
                all_units[unit_id],
                value,
                is_demo,
                numerator,
                denominator,
            )
        )
    reporting_units = {value.unit for values in series.values() for value in values}
    active_units = [
        unit
        for unit in all_units.values()
        if unit.is_active_on(month.starts_on) or unit.is_active_on(month.ends_on)
    ]
    units = sorted(reporting_units | set(active_units), key=lambda unit: (unit.order, unit.name))
    narratives = defaultdict(list)
    commentaries = {}
    overall_summary = None
    for narrative in Narrative.objects.filter(
        Q(objective__in=objectives) | Q(kind=Narrative.Kind.OVERALL_SUMMARY),
        period__frequency=periods.MONTHLY,
        period__starts_on=month.starts_on,
    ).select_related("author", "signed_by"):
        if narrative.kind == Narrative.Kind.OVERALL_SUMMARY:
            overall_summary = narrative
        elif narrative.kind == Narrative.Kind.OKR_COMMENTARY:
            commentaries[narrative.key_result_id] = narrative
        else:
            narratives[narrative.objective_id].append(narrative)
    return ReportInputs(
        trust=settings.TRUST_NAME,
        strategy=strategy,
        month=month,
        objectives=objectives,
        units=units,
        series=dict(series),
        narratives=dict(narratives),
        commentaries=commentaries,
        overall_summary=overall_summary,
        programmes=_programmes(objectives, month),
        process_changes=process_changes_by_series(kr.pk for kr in key_results),
        comments=_comments(key_results, month),
        trajectories=trajectory_paths(key_results),
    )


def trajectory_paths(key_results) -> dict[int, list[TrajectoryPath]]:
    """Each key result's trajectories with their points, as plain data: one query."""
    points = (
        TrajectoryPoint.objects.filter(trajectory__key_result__in=list(key_results))
        .order_by("trajectory_id", "period_start")
        .values_list(
            "trajectory__key_result_id",
            "trajectory__unit_id",
            "trajectory__revision",
            "trajectory__starts_on",
            "period_start",
            "value",
        )
    )
    paths: dict[tuple[int, int, int], TrajectoryPath] = {}
    for key_result_id, unit_id, revision, starts_on, period_start, value in points:
        path = paths.setdefault(
            (key_result_id, unit_id, revision), TrajectoryPath(unit_id, revision, starts_on, {})
        )
        path.points[period_start] = value
    by_key_result: dict[int, list[TrajectoryPath]] = defaultdict(list)
    for (key_result_id, _, _), path in paths.items():
        by_key_result[key_result_id].append(path)
    return dict(by_key_result)


def _programmes(objectives, month: periods.PeriodSpan) -> dict[int, list[Programme]]:
    """Each objective's programmes with their reports up to the month's end: two
    queries whatever the number of programmes."""
    updates = ProgrammeUpdate.objects.filter(period__ends_on__lte=month.ends_on).select_related(
        "period", "cost_improvement"
    )
    by_objective: dict[int, list[Programme]] = defaultdict(list)
    for programme in (
        Programme.objects.filter(focus_area__objective__in=objectives, parent__isnull=True)
        .select_related("focus_area", "lead", "unit")
        .prefetch_related(Prefetch("updates", queryset=updates.order_by("period__ends_on", "pk")))
        .order_by("focus_area__order", "order", "pk")
    ):
        by_objective[programme.focus_area.objective_id].append(programme)
    return dict(by_objective)


def _comments(key_results, month: periods.PeriodSpan) -> Comments:
    """The comments written with the submitted values of the periods the report
    shows (ending within the quarter up to the month's end), and who wrote them."""
    rows = (
        Result.objects.filter(
            key_result__in=key_results,
            status=Result.Status.SUBMITTED,
            period__ends_on__lte=month.ends_on,
            period__ends_on__gt=month.ends_on - _SHOWN_PERIODS_END_AFTER,
        )
        .exclude(comment="")
        .values_list(
            "key_result_id",
            "unit_id",
            "period_id",
            "comment",
            "entered_by__first_name",
            "entered_by__last_name",
            "entered_by__username",
        )
    )
    return {
        (key_result, unit, period): (comment, f"{first} {last}".strip() or username or "")
        for key_result, unit, period, comment, first, last, username in rows
    }


def monthly_periods_with_results() -> list[ReportingPeriod]:
    """Months the IPR can be run for: every monthly period up to the latest month
    with any submitted result (quarterly data shows in its quarter's last month).
    One query."""
    latest = (
        Result.objects.filter(status=Result.Status.SUBMITTED)
        .order_by("-period__ends_on")
        .values("period__ends_on")[:1]
    )
    return list(
        ReportingPeriod.objects.filter(
            frequency=periods.MONTHLY, ends_on__lte=Subquery(latest)
        ).order_by("-starts_on")
    )
