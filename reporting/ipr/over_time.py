"""The period each OKR reports in a month, and an objective's overall rating per
unit in earlier months (the dashboard's trend strip): pure functions over what
`selectors.report_inputs` read, used by `assemble`."""

from objectives.models import OrganisationalUnit, StrategicObjective
from okrs import periods
from okrs.models import KeyResult
from okrs.ratings import Rag
from okrs.targets_in_force import target_for
from reporting.rag import CombinationRule, combine, rating_for

# How many months each objective's overall rating per unit is traced back, the
# report's own month included (the dashboard's trend strip).
TREND_MONTHS = 12


def overall_in(
    objective: StrategicObjective,
    unit: OrganisationalUnit,
    month: periods.PeriodSpan,
    rule: CombinationRule,
    series: dict,
    trajectories: dict,
) -> Rag:
    """The objective's overall rating for the unit in an earlier month: each OKR's
    value for the period it reported that month, rated against the unit's target
    then (its trajectory's point, or its goal; `trajectories` by key result id),
    combined by the objective's rule (as the report of that month rated it, except
    that an OKR achieved since reads as it was then, not Blue)."""
    ratings = []
    for key_result in objective.key_results.all():
        span = report_period(key_result, month)
        value = next(
            (
                value.value
                for value in reversed(series.get((key_result.pk, unit.pk), []))
                if value.period.frequency == span.frequency
                and value.period.starts_on == span.starts_on
            ),
            None,
        )
        target = target_for(
            key_result.targets.all(),
            trajectories.get(key_result.pk, []),
            span.starts_on,
            span.ends_on,
            unit.pk,
        )
        ratings.append(
            rating_for(
                value,
                target=target.value if target else None,
                direction=key_result.direction,
                tolerance=key_result.tolerance,
                tolerance_kind=key_result.tolerance_kind,
            )
        )
    return combine(ratings, rule).rating


def report_period(key_result: KeyResult, month: periods.PeriodSpan) -> periods.PeriodSpan:
    """Monthly OKRs report the data month; quarterly ones their latest quarter that
    has ended by the end of the data month."""
    if key_result.frequency == periods.MONTHLY:
        return month
    return quarter_reported(month)


def quarter_reported(month: periods.PeriodSpan) -> periods.PeriodSpan:
    """The quarter a month's report shows: the latest that has ended by the month's end."""
    quarter = periods.span_containing(periods.QUARTERLY, month.ends_on)
    return quarter if quarter.ends_on == month.ends_on else periods.previous_span(quarter)
