"""Statistical process control for the IPR, as NHS England's "Making Data Count".

This package implements the specification "Statistical process control for the
IPR" (docs/spc.md states the rules and settings the product uses): XmR charts with
a variation icon and an assurance icon per measure. It is pure Python (pandas only
for Series input) so charts, reports and tests can use it without Django.

The one entry point is `compute_spc`; it returns an `SpcResult`.

Arithmetic is exact, in integers. Every value (and the target) is read as the
decimal number it shows as (`0.1` is one tenth, a `Decimal` is taken as it is)
and the series is scaled to integers; the constants 2.66, 2/3 and 3.267 are
exact too, and every comparison with a mean or a line is between integers (see
`arithmetic`). So "exactly on the mean" and "a target exactly on a limit" mean
what they say, with no floating-point noise deciding a side. Results are
handed back as floats.

The parts: `types` (the vocabulary and result records), `arithmetic` (exact
scaling, means and limits), `rules` (the special-cause rules and the icons),
and here `compute_spc`, which reads the inputs and puts the reading together.

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
import numbers
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from decimal import Decimal
from typing import get_args

import pandas as pd

from reporting.spc.arithmetic import (
    LIMIT_FACTOR,
    NEAR_FRACTION,
    SCREEN_FACTOR,
    partition_lines,
    scale_all,
    to_ratio,
)
from reporting.spc.rules import Part, apply_rules, assurance, ordered, resolve
from reporting.spc.types import (
    ASSURANCE_WORDS,
    ASSURANCES,
    POINT_TYPES,
    PRIORITY,
    RULES,
    TRIAL_BELOW,
    VARIATION_WORDS,
    VARIATIONS,
    Assurance,
    ChartType,
    Conflict,
    Direction,
    Improvement,
    PartitionSummary,
    PointType,
    Rule,
    RuleHit,
    SpcPoint,
    SpcResult,
    Variation,
    new_point,
)

__all__ = [
    "ASSURANCES",
    "ASSURANCE_WORDS",
    "POINT_TYPES",
    "VARIATIONS",
    "VARIATION_WORDS",
    "LIMIT_FACTOR",
    "NEAR_FRACTION",
    "PRIORITY",
    "RULES",
    "SCREEN_FACTOR",
    "TRIAL_BELOW",
    "Assurance",
    "ChartType",
    "Conflict",
    "Direction",
    "Improvement",
    "PartitionSummary",
    "PointType",
    "Rule",
    "RuleHit",
    "SpcPoint",
    "SpcResult",
    "Variation",
    "compute_spc",
]


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
    labels, ratios = _read_values(values)
    target_ratio = None if target is None else to_ratio(target, what="target")
    if target is not None and target_ratio is None:
        raise ValueError("target must be a number or None, not NaN")
    scale, xs, target_scaled = scale_all(ratios, target_ratio)
    starts = _partition_starts(values, labels, rebase_at)

    n_values = len(xs) - xs.count(None)
    chart_type: ChartType = "xmr" if n_values >= min_points else "run"
    warnings: list[str] = []
    if chart_type == "run":
        warnings.append(
            f"Only {n_values} {_plural(n_values, 'value')}: SPC limits need at least "
            f"{min_points}, so this is a run chart without limits or icons."
        )

    parts = _build_partitions(starts, len(xs), xs)
    for part in parts:
        _compute_limits(part, xs, scale=scale, fix_after=fix_after, screen=screen_outliers)
        if chart_type == "run":
            part.show_limits = False
            part.trial = False
        else:
            warnings.extend(_partition_warnings(part, labels))

    hits: dict[int, set[RuleHit]] = defaultdict(set)
    trend_starts: dict[int, Direction] = {}
    if chart_type == "xmr":
        apply_rules(
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
                    hits.pop(pos, None)

    points = []
    for part in parts:
        mean, lpl, upl, lower_near, upper_near = _shown_lines(part)
        for pos in range(part.start, part.stop):
            x = xs[pos]
            point_hits = ordered(hits.get(pos))
            if x is None:
                point_type, direction = None, None
            elif point_hits:
                point_type, direction = resolve(
                    point_hits, improvement, conflict, trend_starts.get(pos)
                )
            else:
                point_type, direction = "common_cause", None
            points.append(
                new_point(
                    labels[pos],  # index
                    pos,  # position
                    None if x is None else x / scale,  # value
                    x is None,  # missing
                    part.number,  # partition
                    mean,
                    lpl,
                    upl,
                    lower_near,
                    upper_near,
                    bool(point_hits),  # special_cause
                    point_type,
                    direction,
                    point_hits,  # rule_hits
                )
            )

    latest_pos = next((p for p in range(len(xs) - 1, -1, -1) if xs[p] is not None), None)
    latest = None
    if latest_pos is not None:
        latest = next(part for part in parts if part.start <= latest_pos < part.stop)
        if latest_pos != len(xs) - 1:
            warnings.append(
                f"The latest period ({_label(labels[-1])}) has no value: the reading is "
                f"as at {_label(labels[latest_pos])}."
            )

    variation: Variation | None = None
    assurance_icon: Assurance | None = None
    if chart_type == "xmr" and latest is not None and latest.has_limits:
        point = points[latest_pos]  # type: ignore[index]
        if point.point_type == "common_cause" or point.direction is None:
            variation = "common_cause"
        else:
            variation = f"{point.point_type}_{point.direction}"  # type: ignore[assignment]
        if target_scaled is not None and improvement != "neutral":
            assurance_icon = assurance(
                target_scaled,
                latest.lines,  # type: ignore[arg-type]
                improvement,
                inclusive_assurance,
            )

    latest_lines = _shown_lines(latest) if latest else (None,) * 5
    return SpcResult(
        chart_type=chart_type,
        improvement=improvement,
        target=None if target_scaled is None else target_scaled / scale,
        mean=latest_lines[0],
        lpl=latest_lines[1],
        upl=latest_lines[2],
        lower_near=latest_lines[3],
        upper_near=latest_lines[4],
        points=tuple(points),
        partitions=tuple(_summary(part, labels) for part in parts),
        variation=variation,
        assurance=assurance_icon,
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


def _read_values(values: object) -> tuple[list[Hashable], list[tuple[int, int] | None]]:
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
    try:
        return labels, [to_ratio(v) for v in raw]
    except (TypeError, ValueError):
        # Name the first value that is not a number (worked out only when one fails).
        for label, v in zip(labels, raw, strict=True):
            to_ratio(v, what=f"value at {_label(label)}")
        raise


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


def _build_partitions(starts: list[int], length: int, xs: list[int | None]) -> list[Part]:
    if length == 0:
        return []
    bounds = [*starts, length]
    return [
        Part(
            number=i + 1,
            start=start,
            stop=stop,
            present=[p for p in range(start, stop) if xs[p] is not None],
        )
        for i, (start, stop) in enumerate(zip(bounds, bounds[1:], strict=False))
    ]


def _compute_limits(
    part: Part, xs: list[int | None], *, scale: int, fix_after: int | None, screen: bool
) -> None:
    baseline = [xs[p] for p in part.present[:fix_after]]
    part.baseline_n = len(baseline)
    if not baseline:
        return
    part.lines = partition_lines(baseline, scale=scale, screen=screen)  # type: ignore[arg-type]
    part.trial = part.lines.lpl is not None and len(baseline) < TRIAL_BELOW


def _shown_lines(
    part: Part,
) -> tuple[float | None, float | None, float | None, float | None, float | None]:
    """The partition's centre line and lines as floats; None where not shown."""
    lines = part.lines
    if lines is None:
        return None, None, None, None, None
    if not part.show_limits:
        return lines.mean_f, None, None, None, None
    return lines.mean_f, lines.lpl_f, lines.upl_f, lines.lower_near_f, lines.upper_near_f


def _summary(part: Part, labels: list[Hashable]) -> PartitionSummary:
    mean, lpl, upl, lower_near, upper_near = _shown_lines(part)
    return PartitionSummary(
        number=part.number,
        start=labels[part.start],
        start_position=part.start,
        n=len(part.present),
        baseline_n=part.baseline_n,
        mean=mean,
        amr=part.lines.amr_f if part.lines else None,
        screened_out=part.lines.screened_out if part.lines else 0,
        lpl=lpl,
        upl=upl,
        lower_near=lower_near,
        upper_near=upper_near,
        trial=part.trial,
        collapsed=part.collapsed,
    )


def _partition_warnings(part: Part, labels: list[Hashable]) -> list[str]:
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
        assert part.lines is not None
        screened = " after screening out large ones" if part.lines.screened_out else ""
        notes.append(
            f"{where}: every moving range{screened} is zero, so the limits collapse onto "
            f"the mean ({part.lines.mean_f:g}); no point is flagged there."
        )
    return notes


# --- formatting -----------------------------------------------------------------


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
