"""Statistical process control for the IPR, as NHS England's "Making Data Count".

This module implements docs/spc.md (the shared specification "Statistical process
control for the IPR"): XmR charts with a variation icon and an assurance icon per
measure. It is pure Python (pandas only for Series input) so charts, reports and
tests can use it without Django.

The one entry point is `compute_spc`; it returns an `SpcResult`.

Arithmetic is exact. Every value (and the target) is turned into a `Fraction` of
the decimal number it shows as (`0.1` is one tenth, a `Decimal` is taken as it
is), and the constants 2.66, 2/3 and 3.267 are exact too. So "exactly on the
mean" and "a target exactly on a limit" mean what they say, with no
floating-point noise deciding a side. Results are handed back as floats.

Decisions where the specification leaves room
---------------------------------------------
- **Missing values** (None, NaN, pd.NA) are skipped in the arithmetic: the series
  is read as if the gaps were not there. A moving range bridges a gap (it is taken
  between the values either side of it), shift, trend and two-of-three runs
  continue across a gap, and a trend compares a value with the previous value
  that exists. The missing period still has a point (``missing=True``, no value,
  no hits, ``point_type`` None) carrying its partition's lines, so a chart can
  draw the gap.
- **Point counts** (the 15 points for an XmR chart, the 12 points below which
  limits are trial, ``fix_after``) count values, not periods: gaps do not count.
- **Trend length** counts points: a trend of 7 is 7 points each (after the
  first) strictly higher, or lower, than the one before, i.e. 6 rises or falls.
  All 7 points, the first included, are flagged.
- **Trial limits**: limits that rest on fewer than 12 values are trial. That is a
  partition of fewer than 12 values (the specification) and also a baseline
  (``fix_after``) of fewer than 12 values.
- **A partition of fewer than 2 values** has a mean but no moving range, so no
  limits; rules 1 and 4 cannot apply there (shift and trend still can). A
  partition with no values has no mean either. Both are reported in the warnings.
- **Zero moving range** (AMR 0, also when screening leaves only zero ranges):
  the limits are reported as the mean itself, a warning says so plainly, and no
  point of that partition is flagged by any rule (a trend running across the
  recalculation point included). When the latest partition is like that, the
  icons are not shown (None): with no variation to measure they would mislead.
- **Run chart** (fewer than ``min_points`` values in the whole series): the mean
  of each partition is kept as the centre line, but there are no limits, no rule
  hits (every value point is ``common_cause``) and no icons.
- **Latest**: the icons describe the latest point that has a value, and the
  "latest partition" is the last partition with a value. A warning says so when
  the latest period itself has no value.
- **Conflicts**: ``point_type`` follows the ``conflict`` setting; ``direction``
  is the direction that won (for ``concern`` and ``improvement``, the direction
  that maps to that type). A neutral measure has no good or bad direction to
  prefer, so a point with hits both ways takes its direction from the priority
  order whatever the setting.
- **Partitions** are numbered from 1. ``rebase_at`` at the first position is
  allowed and changes nothing.
"""

from __future__ import annotations

import datetime
import math
import numbers
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Literal, get_args

import pandas as pd

Improvement = Literal["increase", "decrease", "neutral"]
Conflict = Literal["concern", "improvement", "priority"]
Rule = Literal["outside_limits", "shift", "trend", "two_of_three"]
Direction = Literal["high", "low"]
PointType = Literal["common_cause", "improvement", "concern", "neutral"]
Variation = Literal[
    "common_cause",
    "improvement_high",
    "improvement_low",
    "concern_high",
    "concern_low",
    "neutral_high",
    "neutral_low",
]
Assurance = Literal["pass", "fail", "inconsistent"]
ChartType = Literal["xmr", "run"]

#: Process limits sit this many average moving ranges from the centre line.
LIMIT_FACTOR = Fraction("2.66")
#: The near-limit ("two-sigma") lines sit at this fraction of the way to the limits.
NEAR_FRACTION = Fraction(2, 3)
#: Screening drops moving ranges at or above this multiple of the average.
SCREEN_FACTOR = Fraction("3.267")
#: Limits resting on fewer values than this are trial limits.
TRIAL_BELOW = 12

#: Rule order used for `rule_hits` tuples (the order the specification lists them).
RULES: tuple[Rule, ...] = ("outside_limits", "shift", "trend", "two_of_three")
#: NHSRplotthedots' priority when a point's hits disagree: first wins.
PRIORITY: tuple[Rule, ...] = ("outside_limits", "trend", "two_of_three", "shift")
_DIRECTIONS: tuple[Direction, ...] = ("high", "low")


@dataclass(frozen=True, slots=True)
class RuleHit:
    """One special-cause rule a point hits, and in which direction."""

    rule: Rule
    direction: Direction


@dataclass(frozen=True, slots=True)
class SpcPoint:
    """One period of the series, with the lines of its partition and its verdict."""

    #: The period: the position in the sequence, or the Series index label.
    index: Hashable
    #: The position in the input (0-based), whatever the index.
    position: int
    #: The value, or None for a period with no value.
    value: float | None
    missing: bool
    #: The partition (1-based) the period belongs to.
    partition: int
    #: The partition's centre line and lines; None where not shown.
    mean: float | None
    lpl: float | None
    upl: float | None
    lower_near: float | None
    upper_near: float | None
    special_cause: bool
    #: None for a missing period.
    point_type: PointType | None
    #: The direction that decided `point_type` (None for common cause or missing).
    direction: Direction | None
    #: Every rule hit, for the tooltip, in the order of `RULES`, high before low.
    rule_hits: tuple[RuleHit, ...]


@dataclass(frozen=True, slots=True)
class PartitionSummary:
    """One partition: from a recalculation point (or the start) to the next."""

    number: int
    #: Index (position or label) of the partition's first period.
    start: Hashable
    start_position: int
    #: Number of values (gaps not counted).
    n: int
    #: Number of values the mean and limits rest on (`fix_after`, or `n`).
    baseline_n: int
    mean: float | None
    #: Average moving range after any screening; None with fewer than 2 values.
    amr: float | None
    #: Moving ranges dropped by outlier screening.
    screened_out: int
    lpl: float | None
    upl: float | None
    lower_near: float | None
    upper_near: float | None
    #: Limits resting on fewer than 12 values.
    trial: bool
    #: AMR is zero: the limits collapse onto the mean and nothing is flagged.
    collapsed: bool


@dataclass(frozen=True, slots=True)
class SpcResult:
    """The SPC reading of one measure for one organisational unit."""

    chart_type: ChartType
    improvement: Improvement
    target: float | None
    #: Centre line and lines of the latest partition; None where not shown.
    mean: float | None
    lpl: float | None
    upl: float | None
    lower_near: float | None
    upper_near: float | None
    points: tuple[SpcPoint, ...]
    partitions: tuple[PartitionSummary, ...]
    #: The variation icon, from the latest point with a value; None where not shown.
    variation: Variation | None
    #: The assurance icon; None where not shown.
    assurance: Assurance | None
    #: The index of the point the variation icon describes (None if no value at all).
    latest_index: Hashable | None
    #: Plain-English notes for the chart: trial limits, too few points, zero range...
    warnings: tuple[str, ...]


# --- internal working records -------------------------------------------------


@dataclass(slots=True)
class _Part:
    number: int
    start: int  # position of the first period
    stop: int  # one past the last period
    present: list[int]  # positions with a value
    baseline_n: int = 0
    mean: Fraction | None = None
    amr: Fraction | None = None
    screened_out: int = 0
    lpl: Fraction | None = None
    upl: Fraction | None = None
    lower_near: Fraction | None = None
    upper_near: Fraction | None = None
    trial: bool = False
    collapsed: bool = False

    @property
    def has_limits(self) -> bool:
        return self.lpl is not None and not self.collapsed


def compute_spc(
    values: Sequence[object] | pd.Series,
    *,
    improvement: Improvement,
    target: float | Decimal | int | None = None,
    rebase_at: Iterable[Hashable] = (),
    fix_after: int | None = None,
    screen_outliers: bool = False,
    shift_len: int = 7,
    trend_len: int = 7,
    trend_across_rebase: bool = True,
    conflict: Conflict = "concern",
    inclusive_assurance: bool = True,
    min_points: int = 15,
) -> SpcResult:
    """Read a time-ordered series as an XmR chart (or a run chart) with its icons.

    `values` is a sequence of numbers, None standing for a period with no value,
    or a pandas Series indexed by period (NaN for no value). The order given is
    the time order. `rebase_at` holds the positions (or, for a Series, the index
    labels) where a new partition starts. The settings are those of docs/spc.md;
    with ``screen_outliers=True, trend_across_rebase=False, conflict="priority",
    inclusive_assurance=False`` the reading is NHSRplotthedots'. See the module
    docstring for how missing values and the edge cases are treated.
    """
    _check_settings(improvement, conflict, fix_after, shift_len, trend_len, min_points)
    labels, xs = _read_values(values)
    target_q = None if target is None else _to_fraction(target, what="target")
    if target is not None and target_q is None:
        raise ValueError("target must be a number or None, not NaN")
    starts = _partition_starts(values, labels, rebase_at)

    n_values = sum(x is not None for x in xs)
    chart_type: ChartType = "xmr" if n_values >= min_points else "run"
    warnings: list[str] = []
    if chart_type == "run":
        warnings.append(
            f"Only {n_values} {_plural(n_values, 'value')}: SPC limits need at least "
            f"{min_points}, so this is a run chart without limits or icons."
        )

    parts = _build_partitions(starts, len(xs), xs)
    for part in parts:
        _compute_limits(part, xs, fix_after=fix_after, screen=screen_outliers)
        if chart_type == "run":
            part.lpl = part.upl = part.lower_near = part.upper_near = None
            part.trial = part.collapsed = False
        else:
            warnings.extend(_partition_warnings(part, labels, fix_after))

    part_of = [0] * len(xs)
    for part in parts:
        for pos in range(part.start, part.stop):
            part_of[pos] = part.number - 1

    hits: list[set[RuleHit]] = [set() for _ in xs]
    trend_starts: dict[int, Direction] = {}
    if chart_type == "xmr":
        _apply_rules(
            parts,
            xs,
            hits,
            trend_starts,
            shift_len=shift_len,
            trend_len=trend_len,
            trend_across_rebase=trend_across_rebase,
        )
        for part in parts:
            if part.collapsed:
                for pos in part.present:
                    hits[pos].clear()

    points = []
    for pos, (label, x) in enumerate(zip(labels, xs, strict=True)):
        part = parts[part_of[pos]]
        point_hits = tuple(sorted(hits[pos], key=_hit_order))
        if x is None:
            point_type, direction = None, None
        else:
            point_type, direction = _resolve(
                point_hits, improvement, conflict, trend_starts.get(pos)
            )
        points.append(
            SpcPoint(
                index=label,
                position=pos,
                value=_f(x),
                missing=x is None,
                partition=part.number,
                mean=_f(part.mean),
                lpl=_f(part.lpl),
                upl=_f(part.upl),
                lower_near=_f(part.lower_near),
                upper_near=_f(part.upper_near),
                special_cause=bool(point_hits),
                point_type=point_type,
                direction=direction,
                rule_hits=point_hits,
            )
        )

    latest_pos = next((p for p in range(len(xs) - 1, -1, -1) if xs[p] is not None), None)
    latest = parts[part_of[latest_pos]] if latest_pos is not None else None
    if latest_pos is not None and latest_pos != len(xs) - 1:
        warnings.append(
            f"The latest period ({_label(labels[-1])}) has no value: the reading is "
            f"as at {_label(labels[latest_pos])}."
        )

    variation: Variation | None = None
    assurance: Assurance | None = None
    if chart_type == "xmr" and latest is not None and latest.has_limits:
        point = points[latest_pos]
        if point.point_type == "common_cause" or point.direction is None:
            variation = "common_cause"
        else:
            variation = f"{point.point_type}_{point.direction}"  # type: ignore[assignment]
        if target_q is not None and improvement != "neutral":
            assurance = _assurance(
                target_q, latest.lpl, latest.upl, improvement, inclusive_assurance
            )

    return SpcResult(
        chart_type=chart_type,
        improvement=improvement,
        target=_f(target_q),
        mean=_f(latest.mean) if latest else None,
        lpl=_f(latest.lpl) if latest else None,
        upl=_f(latest.upl) if latest else None,
        lower_near=_f(latest.lower_near) if latest else None,
        upper_near=_f(latest.upper_near) if latest else None,
        points=tuple(points),
        partitions=tuple(
            PartitionSummary(
                number=part.number,
                start=labels[part.start],
                start_position=part.start,
                n=len(part.present),
                baseline_n=part.baseline_n,
                mean=_f(part.mean),
                amr=_f(part.amr),
                screened_out=part.screened_out,
                lpl=_f(part.lpl),
                upl=_f(part.upl),
                lower_near=_f(part.lower_near),
                upper_near=_f(part.upper_near),
                trial=part.trial,
                collapsed=part.collapsed,
            )
            for part in parts
        ),
        variation=variation,
        assurance=assurance,
        latest_index=labels[latest_pos] if latest_pos is not None else None,
        warnings=tuple(warnings),
    )


# --- inputs ---------------------------------------------------------------------


def _check_settings(
    improvement: object,
    conflict: object,
    fix_after: int | None,
    shift_len: int,
    trend_len: int,
    min_points: int,
) -> None:
    if improvement not in get_args(Improvement):
        raise ValueError(f"improvement must be one of {get_args(Improvement)}, not {improvement!r}")
    if conflict not in get_args(Conflict):
        raise ValueError(f"conflict must be one of {get_args(Conflict)}, not {conflict!r}")
    if fix_after is not None and (not _is_int(fix_after) or fix_after < 2):
        raise ValueError("fix_after must be a whole number of at least 2 (or None)")
    for name, length in (("shift_len", shift_len), ("trend_len", trend_len)):
        if not _is_int(length) or length < 2:
            raise ValueError(f"{name} must be a whole number of at least 2")
    if not _is_int(min_points) or min_points < 0:
        raise ValueError("min_points must be a whole number, 0 or more")


def _is_int(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _read_values(values: object) -> tuple[list[Hashable], list[Fraction | None]]:
    if isinstance(values, pd.Series):
        if not values.index.is_unique:
            raise ValueError("the Series index has duplicate periods")
        labels = list(values.index)
        raw = list(values.array)
    elif isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise TypeError("values must be a sequence of numbers or a pandas Series")
    else:
        raw = list(values)
        labels = list(range(len(raw)))
    return labels, [
        _to_fraction(v, what=f"value at {_label(lab)}") for lab, v in zip(labels, raw, strict=True)
    ]


def _to_fraction(value: object, *, what: str) -> Fraction | None:
    """The exact decimal a number shows as; None for a missing value."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, bool):
        raise TypeError(f"{what} is a bool, not a number")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, numbers.Integral):
        return Fraction(int(value))
    if isinstance(value, Decimal):
        if value.is_nan():
            return None
        if not value.is_finite():
            raise ValueError(f"{what} is infinite")
        return Fraction(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        if math.isnan(number):
            return None
        if math.isinf(number):
            raise ValueError(f"{what} is infinite")
        return Fraction(repr(number))
    raise TypeError(f"{what} is not a number: {value!r}")


def _partition_starts(
    values: object, labels: list[Hashable], rebase_at: Iterable[Hashable]
) -> list[int]:
    if isinstance(rebase_at, str | bytes) or not isinstance(rebase_at, Iterable):
        raise TypeError("rebase_at must be a collection of positions (or index labels)")
    starts = {0}
    if isinstance(values, pd.Series):
        position_of = {label: pos for pos, label in enumerate(labels)}
        for label in rebase_at:
            if label not in position_of:
                raise ValueError(f"rebase_at: {label!r} is not in the Series index")
            starts.add(position_of[label])
    else:
        for pos in rebase_at:
            if not _is_int(pos) or not 0 <= pos < len(labels):
                raise ValueError(
                    f"rebase_at: {pos!r} is not a position in a series of {len(labels)} values"
                )
            starts.add(int(pos))
    return sorted(starts)


# --- limits ---------------------------------------------------------------------


def _build_partitions(starts: list[int], length: int, xs: list[Fraction | None]) -> list[_Part]:
    if length == 0:
        return []
    bounds = [*starts, length]
    return [
        _Part(
            number=i + 1,
            start=start,
            stop=stop,
            present=[p for p in range(start, stop) if xs[p] is not None],
        )
        for i, (start, stop) in enumerate(zip(bounds, bounds[1:], strict=False))
    ]


def _compute_limits(
    part: _Part, xs: list[Fraction | None], *, fix_after: int | None, screen: bool
) -> None:
    baseline = [xs[p] for p in part.present[:fix_after] if xs[p] is not None]
    part.baseline_n = len(baseline)
    if not baseline:
        return
    part.mean = sum(baseline, Fraction(0)) / len(baseline)
    if len(baseline) < 2:
        return
    # Moving ranges between consecutive values (a gap is bridged).
    ranges = [abs(b - a) for a, b in zip(baseline, baseline[1:], strict=False)]
    amr = sum(ranges, Fraction(0)) / len(ranges)
    if screen and amr > 0:
        kept = [r for r in ranges if r < SCREEN_FACTOR * amr]
        part.screened_out = len(ranges) - len(kept)
        amr = sum(kept, Fraction(0)) / len(kept)
    part.amr = amr
    half_width = LIMIT_FACTOR * amr
    part.lpl = part.mean - half_width
    part.upl = part.mean + half_width
    part.lower_near = part.mean - NEAR_FRACTION * half_width
    part.upper_near = part.mean + NEAR_FRACTION * half_width
    part.trial = len(baseline) < TRIAL_BELOW
    part.collapsed = amr == 0


def _partition_warnings(part: _Part, labels: list[Hashable], fix_after: int | None) -> list[str]:
    where = f"Partition {part.number} (from {_label(labels[part.start])})"
    n = len(part.present)
    if n == 0:
        return [f"{where} has no values: no mean or limits."]
    if part.baseline_n < 2:
        return [f"{where} has only 1 value: no limits can be calculated."]
    notes = []
    if part.trial:
        if part.baseline_n < n:
            basis = f"are fixed on its first {part.baseline_n} values"
        else:
            basis = f"rest on {n} {_plural(n, 'value')}"
        notes.append(f"{where} has trial limits: they {basis}, fewer than {TRIAL_BELOW}.")
    if part.collapsed:
        screened = " after screening out large ones" if part.screened_out else ""
        notes.append(
            f"{where}: every moving range{screened} is zero, so the limits collapse onto "
            f"the mean ({_number(part.mean)}); no point is flagged there."
        )
    return notes


# --- rules ----------------------------------------------------------------------


def _apply_rules(
    parts: list[_Part],
    xs: list[Fraction | None],
    hits: list[set[RuleHit]],
    trend_starts: dict[int, Direction],
    *,
    shift_len: int,
    trend_len: int,
    trend_across_rebase: bool,
) -> None:
    for part in parts:
        if part.mean is None:
            continue
        sides = {p: _sign(xs[p] - part.mean) for p in part.present}  # type: ignore[operator]

        # Rule 1: outside the limits (strictly).
        if part.has_limits:
            for p in part.present:
                if xs[p] > part.upl:  # type: ignore[operator]
                    hits[p].add(RuleHit("outside_limits", "high"))
                elif xs[p] < part.lpl:  # type: ignore[operator]
                    hits[p].add(RuleHit("outside_limits", "low"))

        # Rule 2: shift, a run of points strictly on one side; a point on the mean breaks it.
        run: list[int] = []
        for p in [*part.present, None]:
            if p is not None and run and sides[p] == sides[run[0]] and sides[p] != 0:
                run.append(p)
                continue
            if len(run) >= shift_len and sides[run[0]] != 0:
                direction: Direction = "high" if sides[run[0]] > 0 else "low"
                for q in run:
                    hits[q].add(RuleHit("shift", direction))
            run = [p] if p is not None else []

        # Rule 4: two of three close on one side, all three on that side.
        if part.has_limits:
            for window in zip(part.present, part.present[1:], part.present[2:], strict=False):
                for side, direction in ((1, "high"), (-1, "low")):
                    if any(sides[p] != side for p in window):
                        continue
                    close = [p for p in window if _close(xs[p], part, side)]  # type: ignore[arg-type]
                    if len(close) >= 2:
                        for p in close:
                            hits[p].add(RuleHit("two_of_three", direction))

    # Rule 3: trend, within a partition or across recalculation points.
    if trend_across_rebase:
        sequences = [[p for part in parts for p in part.present]]
    else:
        sequences = [part.present for part in parts]
    for sequence in sequences:
        for direction, step in (("high", 1), ("low", -1)):
            run = sequence[:1]
            for p in [*sequence[1:], None]:
                if p is not None and _sign(xs[p] - xs[run[-1]]) == step:  # type: ignore[operator]
                    run.append(p)
                    continue
                if len(run) >= trend_len:
                    for q in run:
                        hits[q].add(RuleHit("trend", direction))
                    trend_starts[run[0]] = direction
                run = [p] if p is not None else []


def _close(x: Fraction, part: _Part, side: int) -> bool:
    """Not outside the limits, and strictly beyond the two-sigma line on `side`."""
    if side > 0:
        return part.upper_near < x <= part.upl  # type: ignore[operator]
    return part.lpl <= x < part.lower_near  # type: ignore[operator]


def _sign(number: Fraction) -> int:
    return (number > 0) - (number < 0)


def _hit_order(hit: RuleHit) -> tuple[int, int]:
    return RULES.index(hit.rule), _DIRECTIONS.index(hit.direction)


# --- verdicts -------------------------------------------------------------------


def _type_of(direction: Direction, improvement: Improvement) -> PointType:
    if improvement == "neutral":
        return "neutral"
    good: Direction = "high" if improvement == "increase" else "low"
    return "improvement" if direction == good else "concern"


def _priority_direction(hits: tuple[RuleHit, ...], trend_start: Direction | None) -> Direction:
    for rule in PRIORITY:
        directions = {hit.direction for hit in hits if hit.rule == rule}
        if len(directions) == 1:
            return directions.pop()
        if directions:
            # Only a trend can point both ways: at a turning point, where one trend
            # ends and the opposite one starts. The trend it starts decides.
            assert rule == "trend" and trend_start is not None
            return trend_start
    raise AssertionError("no hits")


def _resolve(
    hits: tuple[RuleHit, ...],
    improvement: Improvement,
    conflict: Conflict,
    trend_start: Direction | None,
) -> tuple[PointType, Direction | None]:
    if not hits:
        return "common_cause", None
    directions = {hit.direction for hit in hits}
    if len(directions) == 1:
        direction = directions.pop()
        return _type_of(direction, improvement), direction
    if conflict == "priority" or improvement == "neutral":
        direction = _priority_direction(hits, trend_start)
        return _type_of(direction, improvement), direction
    wanted: PointType = conflict  # "concern" or "improvement"
    direction = next(d for d in _DIRECTIONS if _type_of(d, improvement) == wanted)
    return wanted, direction


def _assurance(
    target: Fraction,
    lpl: Fraction | None,
    upl: Fraction | None,
    improvement: Improvement,
    inclusive: bool,
) -> Assurance:
    assert lpl is not None and upl is not None
    if inclusive:
        at_or_below_lpl, at_or_above_upl = target <= lpl, target >= upl
    else:
        at_or_below_lpl, at_or_above_upl = target < lpl, target > upl
    if improvement == "increase":
        if at_or_below_lpl:
            return "pass"
        if at_or_above_upl:
            return "fail"
    else:
        if at_or_above_upl:
            return "pass"
        if at_or_below_lpl:
            return "fail"
    return "inconsistent"


# --- formatting -----------------------------------------------------------------


def _f(number: Fraction | None) -> float | None:
    return None if number is None else float(number)


def _number(number: Fraction | None) -> str:
    return "none" if number is None else f"{float(number):g}"


def _plural(n: int, word: str) -> str:
    return word if n == 1 else f"{word}s"


def _label(label: Hashable) -> str:
    if isinstance(label, pd.Timestamp | datetime.datetime):
        if label.hour == label.minute == label.second == label.microsecond == 0:
            return label.date().isoformat()
        return label.isoformat()
    if isinstance(label, datetime.date):
        return label.isoformat()
    return str(label)
