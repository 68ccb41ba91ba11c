"""Reads for the OKR maintenance pages (Trust administrators), in a fixed number of
queries whatever the number of OKRs."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from objectives.models import KeyFocusArea, StrategicObjective, Strategy
from okrs import periods, selectors
from okrs.formatting import format_value
from okrs.models import KeyResult, Target
from okrs.periods import PeriodSpan
from okrs.selectors import target_in_force


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
        ).prefetch_related(Prefetch("targets", queryset=Target.objects.order_by("effective_from"))),
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


@dataclass(frozen=True)
class TargetSpan:
    target: Target
    text: str
    until: datetime.date | None  # the last day it applies; None while it still applies


def targets_over_time(key_result: KeyResult) -> list[TargetSpan]:
    """Each target with the day before the next one starts (targets prefetched)."""
    targets = sorted(key_result.targets.all(), key=lambda target: target.effective_from)
    spans = []
    for target, following in zip(targets, [*targets[1:], None], strict=True):
        until = following.effective_from - datetime.timedelta(days=1) if following else None
        spans.append(TargetSpan(target, format_value(target.value, key_result.measure), until))
    return spans
