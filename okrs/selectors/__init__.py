"""Every read of the OKRs app, in a fixed number of queries whatever the data size.

Here: the reads most pages share (OKRs, targets, results, programmes, reporting
periods). `submissions`: what units owe for a period and what they have submitted
(entry, upload, tracking, reminders). The reads of one family of pages each have a
module: `maintenance` (the OKR maintenance pages), `tracking` (tracking submissions)
and `audit_log` (the audit log).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, F, Max, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from objectives.models import KeyFocusArea, OrganisationalUnit, StrategicObjective, Strategy
from okrs import periods
from okrs.formatting import format_value
from okrs.models import (
    KeyResult,
    Programme,
    ProgrammeUpdate,
    ReportingPeriod,
    Result,
    ResultUpload,
    Target,
    Trajectory,
)
from okrs.targets_in_force import TargetInForce, target_for, target_in_force


def today() -> datetime.date:
    """The Trust's today (tests replace it with a fixed day)."""
    return timezone.localdate()


def reportable_months(day: datetime.date | None = None) -> periods.MonthRange:
    """The months a report, a narrative or a period can be about: from the first
    strategy's start to the end of the next financial year (or the last strategy's
    end, if later). Addresses naming a month outside it are not found; actions
    refuse it. One query."""
    dates = Strategy.objects.aggregate(earliest=Min("starts_on"), latest=Max("ends_on"))
    return periods.reportable_months(
        earliest_start=dates["earliest"], latest_end=dates["latest"], today=day or today()
    )


def reportable_periods(day: datetime.date | None = None) -> QuerySet[ReportingPeriod]:
    """The periods within the months the portal reports on (periods made for other
    months before those were bounded stay in the database, offered nowhere)."""
    months = reportable_months(day)
    return ReportingPeriod.objects.filter(starts_on__gte=months.first, starts_on__lte=months.last)


def reporting_period(span: periods.PeriodSpan) -> ReportingPeriod | None:
    """The period for a span if it has been made (pages only read: see
    `okrs.actions.ensure_period`)."""
    return ReportingPeriod.objects.filter(
        frequency=span.frequency, starts_on=span.starts_on
    ).first()


def demo_data_present() -> bool:
    """Whether any demo OKR or result is in the database (every page says so): one
    query (a result always belongs to an OKR, so asking of OKRs covers both)."""
    return KeyResult.objects.filter(
        Q(is_demo=True) | Exists(Result.objects.filter(is_demo=True))
    ).exists()


def key_results_for_objective(objective: StrategicObjective) -> QuerySet[KeyResult]:
    return (
        objective.key_results.select_related("focus_area", "owner_role")
        .prefetch_related(Prefetch("targets", queryset=Target.objects.order_by("effective_from")))
        .order_by("order", "code")
    )


def key_results_for_focus_area(focus_area: KeyFocusArea) -> QuerySet[KeyResult]:
    return (
        focus_area.key_results.select_related("owner_role")
        .prefetch_related(Prefetch("targets", queryset=Target.objects.order_by("effective_from")))
        .order_by("order", "code")
    )


def key_result_detail(code: str) -> KeyResult:
    return get_object_or_404(
        KeyResult.objects.select_related(
            "objective__strategy", "focus_area", "owner_role", "replaced_by"
        ).prefetch_related(
            Prefetch(
                "targets",
                queryset=Target.objects.select_related("unit").order_by("effective_from"),
            ),
            TRAJECTORIES,
            "replaces",
        ),
        code=code,
    )


# Prefetch an OKR's trajectories with their points (for `unit_target`).
TRAJECTORIES = Prefetch("trajectories", queryset=Trajectory.objects.prefetch_related("points"))


def unit_target(key_result: KeyResult, period, unit_id: int) -> TargetInForce | None:
    """What the unit's value of the OKR for `period` is rated against: its
    trajectory's point for the period, or its goal (okrs.targets_in_force)."""
    return target_for(
        key_result.targets.all(),
        key_result.trajectory_paths,
        period.starts_on,
        period.ends_on,
        unit_id,
    )


def latest_results(
    key_results: Iterable[KeyResult],
    *,
    units: Iterable[OrganisationalUnit] | None = None,
    before: datetime.date | None = None,
) -> dict[tuple[int, int], Result]:
    """The most recent result of each OKR for each unit (of `units`, or all), from
    before `before` if given, keyed by (OKR id, unit id).

    One query: a correlated subquery picks each OKR × unit's latest period.
    """
    earlier = {} if before is None else {"period__starts_on__lt": before}
    latest_start = (
        Result.objects.filter(key_result=OuterRef("key_result"), unit=OuterRef("unit"), **earlier)
        .order_by("-period__starts_on")
        .values("period__starts_on")[:1]
    )
    results = Result.objects.filter(key_result__in=list(key_results))
    if units is not None:
        results = results.filter(unit__in=list(units))
    results = (
        results.annotate(latest_start=Subquery(latest_start))
        .filter(period__starts_on=F("latest_start"))
        .select_related("period", "unit")
    )
    return {(result.key_result_id, result.unit_id): result for result in results}


def units_reporting(results: Iterable[Result]) -> list[OrganisationalUnit]:
    """The units that appear in `results`, in the Trust's usual column order."""
    units = {result.unit.pk: result.unit for result in results}
    return sorted(units.values(), key=lambda unit: (unit.order, unit.name))


def definition_last_changed(key_result: KeyResult) -> datetime.datetime | None:
    """When the OKR's definition was last changed (its latest history row)."""
    return (
        key_result.history.order_by("-history_date").values_list("history_date", flat=True).first()
    )


def submitted_results_by_period(key_result: KeyResult, unit) -> dict[datetime.date, Result]:
    """A unit's submitted values of an OKR, by the start of their period, with who
    entered each (one query)."""
    return {
        result.period.starts_on: result
        for result in key_result.results.filter(
            unit=unit, status=Result.Status.SUBMITTED
        ).select_related("period", "entered_by")
    }


def results_for_key_result(key_result: KeyResult) -> QuerySet[Result]:
    return key_result.results.select_related("period", "unit", "entered_by").order_by(
        "-period__starts_on", "unit__order"
    )


@dataclass(frozen=True)
class SeriesPoint:
    period_start: datetime.date
    period_label: str
    value: Decimal
    is_demo: bool


def result_series_by_unit(
    results: Iterable[Result],
) -> dict[OrganisationalUnit, list[SeriesPoint]]:
    """Results grouped per unit, oldest first, ready for a chart."""
    series: dict[OrganisationalUnit, list[SeriesPoint]] = defaultdict(list)
    for result in sorted(results, key=lambda result: result.period.starts_on):
        series[result.unit].append(
            SeriesPoint(result.period.starts_on, result.period.label, result.value, result.is_demo)
        )
    return dict(sorted(series.items(), key=lambda item: (item[0].order, item[0].name)))


def programmes_for_focus_area(focus_area: KeyFocusArea) -> list[Programme]:
    """Top-level programmes with their projects and every update (latest last)."""
    updates = Prefetch(
        "updates",
        queryset=ProgrammeUpdate.objects.select_related("period", "cost_improvement").order_by(
            "period__starts_on"
        ),
    )
    programmes = list(
        focus_area.programmes.select_related("unit").prefetch_related(updates).order_by("order")
    )
    projects = defaultdict(list)
    for programme in programmes:
        if programme.parent_id:
            projects[programme.parent_id].append(programme)
    top_level = [programme for programme in programmes if programme.parent_id is None]
    for programme in top_level:
        programme.project_list = projects[programme.pk]
    return top_level


@dataclass(frozen=True)
class LatestCell:
    unit: OrganisationalUnit
    result: Result | None
    text: str


@dataclass(frozen=True)
class LatestValueRow:
    key_result: KeyResult
    target_text: str
    cells: list[LatestCell]


def latest_value_rows(
    key_results: list[KeyResult],
    latest: dict[tuple[int, int], Result],
    units: list[OrganisationalUnit],
) -> list[LatestValueRow]:
    """An OKR × unit grid of each OKR's latest value, with the target in force then."""
    rows = []
    for key_result in key_results:
        cells = []
        newest_day = None
        for unit in units:
            result = latest.get((key_result.pk, unit.pk))
            text = format_value(
                result.value if result else None, key_result.measure, key_result.decimal_places
            )
            if result is not None:
                newest_day = max(filter(None, [newest_day, result.period.ends_on]))
            cells.append(LatestCell(unit=unit, result=result, text=text))
        target = target_in_force(key_result.targets.all(), newest_day or datetime.date.today())
        rows.append(
            LatestValueRow(
                key_result=key_result,
                target_text=format_value(target.value, key_result.measure) if target else "",
                cells=cells,
            )
        )
    return rows


def latest_value_grid(
    key_results: list[KeyResult],
) -> tuple[list[LatestValueRow], list[OrganisationalUnit]]:
    """The OKR × unit grid of latest values, and its unit columns (two queries)."""
    latest = latest_results(key_results)
    units = units_reporting(latest.values())
    return latest_value_rows(key_results, latest, units), units


def periods_open_on(day: datetime.date) -> list[ReportingPeriod]:
    return list(
        ReportingPeriod.objects.filter(opens_on__lte=day, closes_on__gte=day).order_by(
            "due_on", "frequency"
        )
    )


@dataclass(frozen=True)
class HistoryEntry:
    record: object  # a historical Result row
    action: str
    changes: list[tuple[str, str, str]]


_HISTORY_FIELDS = [("value", "Value"), ("comment", "Comment"), ("status", "Status")]


def result_history(result_id: int) -> list[HistoryEntry]:
    """The versions of one result, newest first, each with what changed from the one
    before (two queries however many versions)."""
    records = list(
        Result.history.filter(id=result_id)
        .select_related("history_user", "key_result", "unit", "period")
        .order_by("history_date", "history_id")
    )
    entries = []
    previous = None
    for record in records:
        action = {"+": "Created", "~": "Changed", "-": "Removed"}[record.history_type]
        changes = []
        for name, label in _HISTORY_FIELDS:
            new = getattr(record, name)
            old = getattr(previous, name) if previous is not None else None
            if previous is None or old != new:
                changes.append((label, _shown(old, record, name), _shown(new, record, name)))
        entries.append(HistoryEntry(record=record, action=action, changes=changes))
        previous = record
    return list(reversed(entries))


def _shown(value, record, name: str) -> str:
    if value is None or value == "":
        return "—"
    if name == "value":
        return format_value(value, record.key_result.measure, record.key_result.decimal_places)
    if name == "status":
        return Result.Status(value).label
    return str(value)


def unconfirmed_uploads(user) -> QuerySet[ResultUpload]:
    """The files this person uploaded and has not confirmed, newest first (without the
    files themselves)."""
    return ResultUpload.objects.filter(uploaded_by=user, committed_at__isnull=True).only(
        "pk", "filename", "uploaded_at", "row_count"
    )
