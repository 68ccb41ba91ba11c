"""What units owe for a period, and what they have submitted: the OKRs owed, the
units owing, and per unit each owed value with its status, the last value before it
and the target then in force. Read by the entry and upload pages, submission
tracking and the reminders, in a fixed number of queries whatever the number of OKRs
or units."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch

from objectives.models import OrganisationalUnit
from okrs.formatting import format_value
from okrs.measures import Direction
from okrs.models import KeyResult, ReportingPeriod, Result, Target
from okrs.selectors import TRAJECTORIES, latest_results, unit_target
from okrs.targets_in_force import REVISED_TRAJECTORY, TRAJECTORY, TargetInForce, target_in_force
from okrs.trust_values import is_derived


def owed_key_results(period: ReportingPeriod) -> list[KeyResult]:
    """The OKRs every active unit owes a value for in `period`: the current
    strategy's active OKRs reported at the period's frequency."""
    return list(
        KeyResult.objects.filter(
            objective__strategy__is_current=True,
            status=KeyResult.Status.ACTIVE,
            frequency=period.frequency,
        )
        .select_related("objective")
        .prefetch_related(
            Prefetch("targets", queryset=Target.objects.order_by("effective_from")), TRAJECTORIES
        )
        .order_by("objective__number", "order", "code")
    )


def units_owing(period: ReportingPeriod, units: Iterable[OrganisationalUnit] | None = None):
    """The units active during `period` (of `units`, or all), Trust last as on the slides."""
    candidates = units if units is not None else OrganisationalUnit.objects.all()
    return sorted(
        (
            unit
            for unit in candidates
            if unit.is_active_on(period.starts_on) or unit.is_active_on(period.ends_on)
        ),
        key=lambda unit: (unit.order, unit.name),
    )


class SubmissionStatus:
    MISSING = "missing"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    LATE = "late"

    LABELS = {MISSING: "Missing", DRAFT: "Draft", SUBMITTED: "Submitted", LATE: "Late"}


def submission_status(result: Result | None, period: ReportingPeriod, today: datetime.date) -> str:
    """Submitted once submitted; otherwise late after the due date, else draft or missing."""
    if result is not None and result.status == Result.Status.SUBMITTED:
        return SubmissionStatus.SUBMITTED
    if today > period.due_on:
        return SubmissionStatus.LATE
    return SubmissionStatus.DRAFT if result is not None else SubmissionStatus.MISSING


def target_in_words(key_result: KeyResult, target: TargetInForce | None) -> str:
    """'at least 95%' / 'at most 3.5%': the target with the direction of good, and
    where it is a trajectory's point, the goal it leads to."""
    if target is None:
        return "No target"
    value = format_value(target.value, key_result.measure)
    bound = {Direction.INCREASE: "at least ", Direction.DECREASE: "at most "}.get(
        key_result.direction, ""
    )
    kind = {TRAJECTORY: "trajectory", REVISED_TRAJECTORY: "revised trajectory"}.get(target.kind)
    if kind and target.goal is not None:
        goal = format_value(target.goal, key_result.measure)
        return f"{bound}{value} (the {kind} for this period; goal {goal})"
    return f"{bound}{value}"


@dataclass(frozen=True)
class OwedValue:
    key_result: KeyResult
    unit: OrganisationalUnit
    result: Result | None
    previous: Result | None
    target: TargetInForce | None  # its trajectory's point, or its goal
    status: str

    @property
    def status_label(self) -> str:
        return SubmissionStatus.LABELS[self.status]

    @property
    def target_text(self) -> str:
        """'at least 95%' / 'at most 3.5%': the target with the direction of good."""
        return target_in_words(self.key_result, self.target)

    @property
    def value_text(self) -> str:
        if self.result is None:
            return "—"
        return format_value(
            self.result.value, self.key_result.measure, self.key_result.decimal_places
        )

    @property
    def previous_text(self) -> str:
        if self.previous is None:
            return "None yet"
        value = format_value(
            self.previous.value, self.key_result.measure, self.key_result.decimal_places
        )
        return f"{value} ({self.previous.period.label})"


@dataclass(frozen=True)
class UnitSubmission:
    unit: OrganisationalUnit
    period: ReportingPeriod
    values: list[OwedValue]

    def count(self, status: str) -> int:
        return sum(1 for value in self.values if value.status == status)

    @property
    def submitted_count(self) -> int:
        return self.count(SubmissionStatus.SUBMITTED)

    @property
    def outstanding(self) -> int:
        return len(self.values) - self.submitted_count


def submissions_for_period(
    period: ReportingPeriod,
    units: Iterable[OrganisationalUnit] | None,
    today: datetime.date,
) -> list[UnitSubmission]:
    """For each unit (all active ones if `units` is None), every OKR it owes for
    `period`, with its value so far, the last value before it and the target then
    in force. A fixed number of queries whatever the number of OKRs or units."""
    # An OKR is owed from the period in which its first target applies.
    key_results = [
        key_result
        for key_result in owed_key_results(period)
        if target_in_force(key_result.targets.all(), period.ends_on) is not None
    ]
    owing = units_owing(period, units)
    results = {
        (result.key_result_id, result.unit_id): result
        for result in Result.objects.filter(
            period=period, key_result__in=key_results, unit__in=owing
        ).select_related("entered_by")
    }
    previous = latest_results(key_results, units=owing, before=period.starts_on)
    submissions = []
    for unit in owing:
        values = []
        for key_result in key_results:
            if unit.kind == OrganisationalUnit.Kind.TRUST and is_derived(key_result.trust_value):
                continue  # worked out from the directorates' values, not entered
            result = results.get((key_result.pk, unit.pk))
            values.append(
                OwedValue(
                    key_result=key_result,
                    unit=unit,
                    result=result,
                    previous=previous.get((key_result.pk, unit.pk)),
                    target=unit_target(key_result, period, unit.pk),
                    status=submission_status(result, period, today),
                )
            )
        submissions.append(UnitSubmission(unit=unit, period=period, values=values))
    return submissions


def units_led_by(user) -> list[OrganisationalUnit]:
    person = getattr(user, "person", None)
    if person is None:
        return []
    return sorted(person.lead_for_units.all(), key=lambda unit: (unit.order, unit.name))
