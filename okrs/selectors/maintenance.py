"""Reads for the OKR maintenance pages (Trust administrators), in a fixed number of
queries whatever the number of OKRs."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from objectives.models import KeyFocusArea, OrganisationalUnit, StrategicObjective, Strategy
from okrs import periods, selectors
from okrs.formatting import format_value
from okrs.models import KeyResult, Target, Trajectory
from okrs.periods import PeriodSpan
from okrs.targets_in_force import target_in_force


@dataclass(frozen=True)
class OkrToMaintain:
    key_result: KeyResult
    target_text: str


@dataclass(frozen=True)
class ObjectiveOkrs:
    objective: StrategicObjective
    okrs: list[OkrToMaintain]
    focus_areas: list[KeyFocusArea]


def okrs_to_maintain(strategy: Strategy, today: datetime.date) -> list[ObjectiveOkrs]:
    """Every OKR of `strategy`, whatever its status, grouped by objective, with the
    target in force `today` and the focus areas an OKR can be added to (four queries)."""
    key_results = (
        KeyResult.objects.filter(objective__strategy=strategy)
        .select_related("focus_area", "owner_role", "replaced_by")
        .prefetch_related(Prefetch("targets", queryset=Target.objects.order_by("effective_from")))
        .order_by("order", "code")
    )
    by_objective: dict[int, list[OkrToMaintain]] = {}
    for key_result in key_results:
        target = target_in_force(key_result.targets.all(), today)
        by_objective.setdefault(key_result.objective_id, []).append(
            OkrToMaintain(
                key_result=key_result,
                target_text=format_value(target.value, key_result.measure) if target else "",
            )
        )
    areas: dict[int, list[KeyFocusArea]] = {}
    for area in KeyFocusArea.objects.filter(objective__strategy=strategy).order_by("order"):
        areas.setdefault(area.objective_id, []).append(area)
    return [
        ObjectiveOkrs(
            objective=objective,
            okrs=by_objective.get(objective.pk, []),
            focus_areas=areas.get(objective.pk, []),
        )
        for objective in strategy.objectives.order_by("number")
    ]


def focus_areas_for_new_okrs(strategy: Strategy) -> QuerySet[KeyFocusArea]:
    return (
        KeyFocusArea.objects.filter(objective__strategy=strategy)
        .select_related("objective")
        .order_by("objective__number", "order")
    )


def key_result_to_maintain(code: str) -> KeyResult:
    return get_object_or_404(
        KeyResult.objects.select_related(
            "objective__strategy", "focus_area", "owner_role", "replaced_by"
        ).prefetch_related(
            Prefetch(
                "targets",
                queryset=Target.objects.select_related("unit").order_by("effective_from"),
            )
        ),
        code=code,
    )


def periods_for_target_change(key_result: KeyResult, today: datetime.date) -> list[PeriodSpan]:
    """The periods a new target can start from, newest first: every reporting
    period at the OKR's frequency so far, and the coming ones up to the end of
    the next financial year (made when chosen): the Board usually agrees next
    year's targets during this one."""
    if key_result.frequency not in (periods.MONTHLY, periods.QUARTERLY):
        return []
    spans = {
        period.starts_on: periods.span_containing(period.frequency, period.starts_on)
        for period in selectors.reportable_periods(today).filter(frequency=key_result.frequency)
    }
    last_day = datetime.date(periods.financial_year_start(today) + 2, 3, 31)
    span = periods.span_containing(key_result.frequency, today)
    while span.starts_on <= last_day:
        spans.setdefault(span.starts_on, span)
        span = periods.next_span(span)
    return sorted(spans.values(), key=lambda span: span.starts_on, reverse=True)


def units_with_own_targets() -> list[OrganisationalUnit]:
    """The units a target of their own can be set for: the directorates (the Trust's
    target is the one set for the Trust)."""
    return list(
        OrganisationalUnit.objects.filter(kind=OrganisationalUnit.Kind.DIRECTORATE).order_by(
            "order", "name"
        )
    )


@dataclass(frozen=True)
class TargetSpan:
    target: Target
    text: str
    until: datetime.date | None  # the last day it applies; None while it still applies


@dataclass(frozen=True)
class TargetsFor:
    """The targets set for the Trust, or for one unit, over time."""

    unit: OrganisationalUnit | None
    spans: list[TargetSpan]


def targets_over_time(key_result: KeyResult) -> list[TargetsFor]:
    """The Trust's targets, then each unit's own, each with the last day it applies:
    its own last day, or the day before the next target for the same unit starts
    (targets and their units prefetched)."""
    by_unit: dict[int | None, list[Target]] = {}
    for target in sorted(key_result.targets.all(), key=lambda target: target.effective_from):
        by_unit.setdefault(target.unit_id, []).append(target)
    groups = []
    for unit_id, targets in sorted(
        by_unit.items(),
        key=lambda item: (item[0] is not None, item[1][0].unit.order if item[0] else 0),
    ):
        spans = []
        for target, following in zip(targets, [*targets[1:], None], strict=True):
            until = following.effective_from - datetime.timedelta(days=1) if following else None
            if target.ends_on is not None and (until is None or target.ends_on < until):
                until = target.ends_on
            spans.append(TargetSpan(target, format_value(target.value, key_result.measure), until))
        groups.append(TargetsFor(unit=targets[0].unit if unit_id else None, spans=spans))
    return groups


def units_with_trajectories() -> list[OrganisationalUnit]:
    """The units a trajectory can be set for: the Trust and every directorate."""
    return list(OrganisationalUnit.objects.order_by("order", "name"))


@dataclass(frozen=True)
class TrajectoryRow:
    label: str
    # Each revision's target for the period, as text ("" where it has none).
    texts: list[str]


@dataclass(frozen=True)
class UnitTrajectories:
    """One unit's trajectories for an OKR: each revision, and a row per period."""

    unit: OrganisationalUnit
    revisions: list[Trajectory]
    rows: list[TrajectoryRow]


def trajectories_of(key_result: KeyResult) -> list[UnitTrajectories]:
    """The OKR's trajectories, unit by unit, oldest revision first (two queries)."""
    by_unit: dict[int, list[Trajectory]] = {}
    for trajectory in (
        Trajectory.objects.filter(key_result=key_result)
        .select_related("unit")
        .prefetch_related("points")
        .order_by("unit__order", "unit__name", "revision")
    ):
        by_unit.setdefault(trajectory.unit_id, []).append(trajectory)
    groups = []
    for revisions in by_unit.values():
        values = [
            {point.period_start: point.value for point in trajectory.points.all()}
            for trajectory in revisions
        ]
        starts = sorted({start for points in values for start in points})
        rows = [
            TrajectoryRow(
                label=periods.period_label(key_result.frequency, start),
                texts=[
                    format_value(points[start], key_result.measure) if start in points else ""
                    for points in values
                ],
            )
            for start in starts
        ]
        groups.append(UnitTrajectories(unit=revisions[0].unit, revisions=revisions, rows=rows))
    return groups
