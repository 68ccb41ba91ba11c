"""Writes that set an OKR's trajectory in a unit: the planned path of targets, one
per period on the way to the goal, and later revised (recovery) trajectories,
each with a reason and who agreed it. Atomic and audited; a revision never
changes the periods before it starts (okrs.targets_in_force)."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from objectives.audit import checked_reason, save_with_audit
from objectives.models import OrganisationalUnit
from okrs import periods
from okrs.actions.key_results import can_change_target, locked_key_result
from okrs.actions.results import value_problem
from okrs.models import KeyResult, Trajectory, TrajectoryPoint

# A trajectory runs at most three years of periods ahead: monthly, 36 targets.
MOST_POINTS = 36
APPROVED_BY_MAX_LENGTH = 200


@transaction.atomic
def set_planned_trajectory(
    *,
    by,
    key_result: KeyResult,
    unit: OrganisationalUnit,
    first_period: periods.PeriodSpan,
    values: list[Decimal],
    reason: str,
    approved_by: str = "",
    approved_on: datetime.date | None = None,
) -> Trajectory:
    """The OKR's planned trajectory in `unit`: `values` are the targets of
    `first_period` and the periods after it, in order. Refused where the unit
    already has one: a trajectory is revised, never overwritten."""
    key_result = locked_key_result(key_result)
    if Trajectory.objects.filter(key_result=key_result, unit=unit).exists():
        raise ValidationError(
            f"{unit.short_name} already has a trajectory for this OKR: revise it instead, "
            "with the reason, so the one the Board saw is kept"
        )
    return _record(
        by=by,
        key_result=key_result,
        unit=unit,
        revision=1,
        first_period=first_period,
        values=values,
        reason=reason,
        approved_by=approved_by,
        approved_on=approved_on,
    )


@transaction.atomic
def revise_trajectory(
    *,
    by,
    key_result: KeyResult,
    unit: OrganisationalUnit,
    first_period: periods.PeriodSpan,
    values: list[Decimal],
    reason: str,
    approved_by: str,
    approved_on: datetime.date,
) -> Trajectory:
    """A revised trajectory for the OKR in `unit`, from `first_period` on (the
    next revision): periods before it keep the trajectory they had. Who agreed it
    and when are required, as a recovery trajectory is agreed, not just typed."""
    key_result = locked_key_result(key_result)
    earlier = list(Trajectory.objects.filter(key_result=key_result, unit=unit))
    if not earlier:
        raise ValidationError(
            f"{unit.short_name} has no trajectory for this OKR yet: set the planned one first"
        )
    planned_start = min(trajectory.starts_on for trajectory in earlier)
    if first_period.starts_on < planned_start:
        raise ValidationError(
            {"first_period": "Choose a first period on or after the planned trajectory's first"}
        )
    if not (approved_by or "").strip():
        raise ValidationError({"approved_by": "Say who agreed the revised trajectory"})
    if approved_on is None:
        raise ValidationError({"approved_on": "Enter the date the revised trajectory was agreed"})
    return _record(
        by=by,
        key_result=key_result,
        unit=unit,
        revision=max(trajectory.revision for trajectory in earlier) + 1,
        first_period=first_period,
        values=values,
        reason=reason,
        approved_by=approved_by,
        approved_on=approved_on,
    )


def _record(
    *,
    by,
    key_result: KeyResult,
    unit: OrganisationalUnit,
    revision: int,
    first_period: periods.PeriodSpan,
    values: list[Decimal],
    reason: str,
    approved_by: str,
    approved_on: datetime.date | None,
) -> Trajectory:
    reason = checked_reason(reason)
    if not can_change_target(key_result):
        raise ValidationError(
            "Only a draft or active OKR with a reporting frequency can be given a trajectory"
        )
    if first_period.frequency != key_result.frequency:
        raise ValidationError(
            {"first_period": f"Choose a {key_result.get_frequency_display().lower()} period"}
        )
    if not values:
        raise ValidationError({"values": "Enter at least one target"})
    if len(values) > MOST_POINTS:
        raise ValidationError({"values": f"Enter at most {MOST_POINTS} targets"})
    for position, value in enumerate(values, start=1):
        if problem := value_problem(key_result, value):
            raise ValidationError({"values": f"Target {position}: {problem}"})
    approved_by = (approved_by or "").strip()
    if len(approved_by) > APPROVED_BY_MAX_LENGTH:
        raise ValidationError(
            {"approved_by": f"Give who agreed it in {APPROVED_BY_MAX_LENGTH} characters or fewer"}
        )
    trajectory = Trajectory(
        key_result=key_result,
        unit=unit,
        revision=revision,
        starts_on=first_period.starts_on,
        reason=reason,
        approved_by=approved_by,
        approved_on=approved_on,
    )
    save_with_audit(trajectory, by=by, reason=reason)
    span = first_period
    for value in values:
        point = TrajectoryPoint(trajectory=trajectory, period_start=span.starts_on, value=value)
        save_with_audit(point, by=by, reason=reason)
        span = periods.next_span(span)
    return trajectory


@transaction.atomic
def record_trajectories(
    *,
    by,
    key_result: KeyResult,
    paths: list,
    reason: str,
    approved_by: str = "",
    approved_on: datetime.date | None = None,
) -> list[Trajectory]:
    """Several units' trajectories at once (from an uploaded file: `paths` of
    `okrs.imports.trajectory_file.UnitPath`), all or none: each unit's planned
    trajectory, or a revised one where it has one (which then needs who agreed it
    and when)."""
    recorded = []
    for path in paths:
        fields = {
            "by": by,
            "key_result": key_result,
            "unit": path.unit,
            "first_period": path.first_period,
            "values": path.values,
            "reason": reason,
            "approved_by": approved_by,
            "approved_on": approved_on,
        }
        try:
            if Trajectory.objects.filter(key_result=key_result, unit=path.unit).exists():
                recorded.append(revise_trajectory(**fields))
            else:
                recorded.append(set_planned_trajectory(**fields))
        except ValidationError as error:
            raise ValidationError(
                {
                    name: [f"{path.unit.short_name}: {message}" for message in messages]
                    for name, messages in _messages(error).items()
                }
            ) from error
    return recorded


def _messages(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
