"""Reads for tracking submissions: which period to show first, and the units ×
OKRs grid of submission statuses with its summary.

Built on the selectors for what units owe (`okrs.selectors.submissions`)
and, like them, in a fixed number of queries whatever the number of OKRs or units.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Prefetch

from objectives.models import OrganisationalUnit, Person
from okrs import selectors
from okrs.formatting import format_value
from okrs.models import Frequency, KeyResult, ReportingPeriod, Result
from okrs.selectors.submissions import (
    OwedValue,
    SubmissionStatus,
    UnitSubmission,
    submissions_for_period,
)

# The order statuses are counted and explained in, from done to most urgent.
STATUSES = (
    SubmissionStatus.SUBMITTED,
    SubmissionStatus.DRAFT,
    SubmissionStatus.MISSING,
    SubmissionStatus.LATE,
)


def default_period(today: datetime.date) -> ReportingPeriod | None:
    """The period most worth looking at on `today`: of the open periods that owe
    any OKR, the one due soonest; else the latest period that has any results;
    else any open period; else the newest period. (The periods open today are
    made daily by `manage.py open_periods`.)"""
    open_periods = selectors.periods_open_on(today)
    frequencies_owed = set(
        KeyResult.objects.filter(
            objective__strategy__is_current=True, status=KeyResult.Status.ACTIVE
        ).values_list("frequency", flat=True)
    )
    for period in open_periods:
        if period.frequency in frequencies_owed:
            return period
    with_results = (
        ReportingPeriod.objects.filter(pk__in=Result.objects.values("period").order_by().distinct())
        .order_by("-ends_on", "frequency")
        .first()
    )
    if with_results is not None:
        return with_results
    if open_periods:
        return open_periods[0]
    return ReportingPeriod.objects.order_by("-ends_on", "frequency").first()


@dataclass(frozen=True)
class PeriodChoice:
    period: ReportingPeriod
    is_open: bool


@dataclass(frozen=True)
class PeriodGroup:
    label: str
    choices: list[PeriodChoice]


def period_choices(today: datetime.date) -> list[PeriodGroup]:
    """Every period, newest first, in a group per frequency (one query)."""
    groups: dict[str, list[PeriodChoice]] = {value: [] for value in Frequency.values}
    for period in selectors.reportable_periods(today).order_by("-starts_on", "frequency"):
        groups.setdefault(period.frequency, []).append(
            PeriodChoice(period=period, is_open=period.is_open_on(today))
        )
    labels = dict(Frequency.choices)
    return [
        PeriodGroup(label=labels.get(frequency, frequency), choices=choices)
        for frequency, choices in groups.items()
        if choices
    ]


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


def _status_counts(counts: dict[str, int]) -> list[StatusCount]:
    return [
        StatusCount(status=status, label=SubmissionStatus.LABELS[status], count=counts[status])
        for status in STATUSES
    ]


@dataclass(frozen=True)
class TrackingCell:
    owed: OwedValue
    value_text: str

    @property
    def status(self) -> str:
        return self.owed.status

    @property
    def status_label(self) -> str:
        return self.owed.status_label

    @property
    def has_draft_value(self) -> bool:
        """A value saved but not submitted (shown beside a Late status)."""
        return self.owed.result is not None and self.owed.result.status == Result.Status.DRAFT


@dataclass(frozen=True)
class KeyResultRow:
    key_result: KeyResult
    # One a unit, in the units' order; None where the unit owes no value (the
    # Trust's worked-out value).
    cells: list[TrackingCell | None]


@dataclass(frozen=True)
class UnitRow:
    unit: OrganisationalUnit
    leads: list[Person]
    counts: dict[str, int]
    outstanding: int

    @property
    def status_counts(self) -> list[StatusCount]:
        return _status_counts(self.counts)


@dataclass(frozen=True)
class Summary:
    units: int
    key_results: int
    values: int
    counts: dict[str, int]
    outstanding: int
    days_overdue: int | None
    days_until_due: int | None
    is_open: bool
    is_closed: bool

    @property
    def status_counts(self) -> list[StatusCount]:
        return _status_counts(self.counts)


@dataclass(frozen=True)
class SubmissionTracking:
    period: ReportingPeriod
    today: datetime.date
    summary: Summary
    unit_rows: list[UnitRow]
    key_result_rows: list[KeyResultRow]


def _trust_last(submissions: list[UnitSubmission]) -> list[UnitSubmission]:
    # `units_owing` sorts by the units' order, which puts the Trust after today's
    # directorates but before the retired ones; the slides always end with the Trust.
    return sorted(
        submissions, key=lambda submission: submission.unit.kind == OrganisationalUnit.Kind.TRUST
    )


def submission_tracking(period: ReportingPeriod, today: datetime.date) -> SubmissionTracking:
    """Every unit × OKR owed for `period` with its status on `today`, the units'
    leads, and counts per unit and overall."""
    units = OrganisationalUnit.objects.prefetch_related(
        Prefetch("leads", queryset=Person.objects.order_by("full_name"))
    )
    submissions = _trust_last(submissions_for_period(period, units, today))
    # Every OKR owed by any unit, in order: the Trust owes none whose value is worked
    # out from its directorates' (okrs.trust_values), so its column has a gap there.
    key_results = list(
        {
            value.key_result.pk: value.key_result
            for submission in submissions
            for value in submission.values
        }.values()
    )
    owed = [
        {value.key_result.pk: value for value in submission.values} for submission in submissions
    ]

    unit_rows = []
    for submission in submissions:
        counts = {status: submission.count(status) for status in STATUSES}
        unit_rows.append(
            UnitRow(
                unit=submission.unit,
                leads=list(submission.unit.leads.all()),
                counts=counts,
                outstanding=submission.outstanding,
            )
        )

    key_result_rows = [
        KeyResultRow(
            key_result=key_result,
            cells=[
                _cell(values[key_result.pk], key_result) if key_result.pk in values else None
                for values in owed
            ],
        )
        for key_result in key_results
    ]

    totals = Counter(value.status for submission in submissions for value in submission.values)
    counts = {status: totals[status] for status in STATUSES}
    values = sum(counts.values())
    outstanding = values - counts[SubmissionStatus.SUBMITTED]
    is_open = period.is_open_on(today)
    summary = Summary(
        units=len(submissions),
        key_results=len(key_results),
        values=values,
        counts=counts,
        outstanding=outstanding,
        days_overdue=(
            (today - period.due_on).days
            if is_open and outstanding and today > period.due_on
            else None
        ),
        days_until_due=(
            (period.due_on - today).days if period.opens_on <= today <= period.due_on else None
        ),
        is_open=is_open,
        is_closed=period.is_closed_on(today),
    )
    return SubmissionTracking(
        period=period,
        today=today,
        summary=summary,
        unit_rows=unit_rows,
        key_result_rows=key_result_rows,
    )


def _cell(owed: OwedValue, key_result: KeyResult) -> TrackingCell:
    text = (
        format_value(owed.result.value, key_result.measure, key_result.decimal_places)
        if owed.result
        else ""
    )
    return TrackingCell(owed=owed, value_text=text)
