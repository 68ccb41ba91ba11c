"""The vocabulary and the result records of SPC (docs/spc.md)."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Literal, NamedTuple, get_args

# Which way is good: the codes of okrs.measures.Direction, spelled here so the SPC
# package stays free of Django (it is plain Python over plain values).
Improvement = Literal["increase", "decrease", "neutral"]
Conflict = Literal["concern", "improvement", "priority"]
Rule = Literal["outside_limits", "shift", "trend", "two_of_three"]
Direction = Literal["high", "low"]
PointType = Literal["common_cause", "improvement", "concern", "neutral"]
# The SPC vocabulary, defined once: the IPR's summary matrix, its icons and words,
# and the exports all read these. Listed in the order the matrix shows them.
Variation = Literal[
    "improvement_high",
    "improvement_low",
    "common_cause",
    "neutral_high",
    "neutral_low",
    "concern_high",
    "concern_low",
]
Assurance = Literal["pass", "inconsistent", "fail"]
ChartType = Literal["xmr", "run"]

#: Limits resting on fewer values than this are trial limits.
TRIAL_BELOW = 12

#: Rule order used for `rule_hits` tuples (the order the specification lists them).
RULES: tuple[Rule, ...] = ("outside_limits", "shift", "trend", "two_of_three")
#: NHSRplotthedots' priority when a point's hits disagree: first wins.
PRIORITY: tuple[Rule, ...] = ("outside_limits", "trend", "two_of_three", "shift")
DIRECTIONS: tuple[Direction, ...] = ("high", "low")
POINT_TYPES: tuple[PointType, ...] = get_args(PointType)
VARIATIONS: tuple[Variation, ...] = get_args(Variation)
ASSURANCES: tuple[Assurance, ...] = get_args(Assurance)

#: What each icon says, in words a board member reads (docs/spc.md).
VARIATION_WORDS: dict[Variation, str] = {
    "improvement_high": "special cause improvement (high)",
    "improvement_low": "special cause improvement (low)",
    "common_cause": "common cause variation",
    "neutral_high": "special cause, neither good nor bad (high)",
    "neutral_low": "special cause, neither good nor bad (low)",
    "concern_high": "special cause concern (high)",
    "concern_low": "special cause concern (low)",
}
ASSURANCE_WORDS: dict[Assurance, str] = {
    "pass": "the target will be met (pass)",
    "inconsistent": "the target will be hit and miss",
    "fail": "the target will not be met without change (fail)",
}


@dataclass(frozen=True, slots=True)
class RuleHit:
    """One special-cause rule a point hits, and in which direction."""

    rule: Rule
    direction: Direction


class SpcPoint(NamedTuple):
    """One period of the series, with the lines of its partition and its verdict.

    A named tuple rather than a frozen dataclass: a 60-month chart makes 60 of them
    and a trust's report thousands, and a frozen dataclass sets each field through
    `object.__setattr__`, which cost more than the rest of SPC put together."""

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


_make_point = tuple.__new__


def new_point(*fields_in_order) -> SpcPoint:
    """An `SpcPoint` from its fields in order, without `SpcPoint(...)`'s argument
    handling (the hot path of `compute_spc`)."""
    return _make_point(SpcPoint, fields_in_order)


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
