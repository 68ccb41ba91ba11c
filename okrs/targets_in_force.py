"""Which target a unit's value is rated against in a period. Pure.

Two kinds of target (see `okrs.models.Target` and `okrs.models.Trajectory`):

- **the goal**: a target in force from a date, set for the Trust (every unit
  without its own follows it) or for one unit, whose own target in force
  overrides the Trust's;
- **a trajectory**: a planned path of targets, one per period, for one OKR in one
  unit, on the way to its goal. A revised trajectory (a later revision) replaces
  the earlier ones from its first period on; earlier periods keep theirs.

A period with a trajectory point in force is rated against that point, else
against the goal.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

# Whom a target was set for.
SET_FOR_TRUST = "trust"  # the Trust's goal, which every unit without its own follows
SET_FOR_UNIT = "unit"  # the unit's own goal, or its trajectory
# What kind of target it is.
GOAL = "goal"
TRAJECTORY = "trajectory"
REVISED_TRAJECTORY = "revised_trajectory"


@dataclass(frozen=True)
class TrajectoryPath:
    """A trajectory as plain data: its unit, revision (1: planned), first day, and
    its target per period, keyed by the day the period starts."""

    unit_id: int
    revision: int
    starts_on: datetime.date
    points: dict[datetime.date, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class TargetInForce:
    value: Decimal
    set_for: str
    kind: str
    # The goal in force (with a trajectory, the level it leads to), and the first
    # day of the trajectory's last period ("goal 95% by March 2021").
    goal: Decimal | None = None
    goal_by: datetime.date | None = None
    # The planned trajectory's target for the period, and the revised one's where
    # a revision is in force: the chart draws both.
    planned: Decimal | None = None
    revised: Decimal | None = None

    @property
    def is_trajectory(self) -> bool:
        return self.kind != GOAL


def target_in_force(targets: Iterable, day: datetime.date, unit_id: int | None = None):
    """The goal target in force on `day` for the unit `unit_id` (the Trust's when
    None): of `targets` (each with `unit_id`, `effective_from`, `ends_on`).

    Each applies from its start until the next target for the same unit starts, or
    until its last day where one is set; earlier periods keep theirs. A unit's own
    target in force overrides the Trust's for that unit; with none in force the
    unit follows the Trust's target.
    """
    targets = list(targets)
    if unit_id is not None:
        own = _latest_in_force([target for target in targets if target.unit_id == unit_id], day)
        if own is not None:
            return own
    return _latest_in_force([target for target in targets if target.unit_id is None], day)


def _latest_in_force(targets: list, day: datetime.date):
    started = [target for target in targets if target.effective_from <= day]
    if not started:
        return None
    latest = max(started, key=lambda target: target.effective_from)
    if latest.ends_on is not None and day > latest.ends_on:
        return None
    return latest


def target_for(
    targets: Iterable,
    trajectories: Iterable[TrajectoryPath],
    period_start: datetime.date,
    period_end: datetime.date,
    unit_id: int,
) -> TargetInForce | None:
    """What the unit's value for the period from `period_start` to `period_end` is
    rated against: the point of its trajectory in force for that period, where
    there is one, else its goal (see the module's docstring)."""
    return UnitTargets(targets, trajectories, unit_id).for_period(period_start, period_end)


class UnitTargets:
    """One unit's goals and trajectories for an OKR, sorted out once, then asked
    for period after period (a report asks for every period of every series)."""

    def __init__(self, targets: Iterable, trajectories: Iterable[TrajectoryPath], unit_id: int):
        targets = list(targets)
        self._own = [target for target in targets if target.unit_id == unit_id]
        self._trust = [target for target in targets if target.unit_id is None]
        self._paths = sorted(
            (path for path in trajectories if path.unit_id == unit_id),
            key=lambda path: path.revision,
        )
        self._planned = next((path for path in self._paths if path.revision == 1), None)
        self._known: dict[tuple[datetime.date, datetime.date], TargetInForce | None] = {}

    def goal(self, day: datetime.date):
        """The goal target in force on `day`: the unit's own, or else the Trust's."""
        return _latest_in_force(self._own, day) or _latest_in_force(self._trust, day)

    def for_period(
        self, period_start: datetime.date, period_end: datetime.date
    ) -> TargetInForce | None:
        key = (period_start, period_end)
        if key not in self._known:
            self._known[key] = self._work_out(period_start, period_end)
        return self._known[key]

    def _work_out(
        self, period_start: datetime.date, period_end: datetime.date
    ) -> TargetInForce | None:
        goal = self.goal(period_end)
        goal_value = goal.value if goal is not None else None
        started = [path for path in self._paths if path.starts_on <= period_start]
        in_force = started[-1] if started else None  # the latest revision started
        point = in_force.points.get(period_start) if in_force else None
        if point is not None:
            revised = in_force.revision > 1
            return TargetInForce(
                value=point,
                set_for=SET_FOR_UNIT,
                kind=REVISED_TRAJECTORY if revised else TRAJECTORY,
                goal=goal_value,
                goal_by=max(in_force.points),
                planned=self._planned.points.get(period_start) if self._planned else None,
                revised=point if revised else None,
            )
        if goal is None:
            return None
        return TargetInForce(
            value=goal.value,
            set_for=SET_FOR_TRUST if goal.unit_id is None else SET_FOR_UNIT,
            kind=GOAL,
            goal=goal_value,
        )
