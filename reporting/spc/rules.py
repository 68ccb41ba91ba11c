"""The four special-cause rules, the point types and the assurance icon
(docs/spc.md), over a series of scaled integers (see `arithmetic`)."""

from __future__ import annotations

from dataclasses import dataclass

from reporting.spc.arithmetic import Lines
from reporting.spc.types import (
    DIRECTIONS,
    PRIORITY,
    RULES,
    Assurance,
    Conflict,
    Direction,
    Improvement,
    PointType,
    RuleHit,
)

_HITS = {(rule, direction): RuleHit(rule, direction) for rule in RULES for direction in DIRECTIONS}
_ORDER = {hit: i for i, hit in enumerate(_HITS.values())}


@dataclass(slots=True)
class Part:
    """A partition being worked on: from a recalculation point (or the start) to
    the next."""

    number: int
    start: int  # position of the first period
    stop: int  # one past the last period
    present: list[int]  # positions with a value
    baseline_n: int = 0
    lines: Lines | None = None
    #: Lines shown (None on a run chart, where only the mean is kept).
    show_limits: bool = True
    trial: bool = False

    @property
    def has_limits(self) -> bool:
        return (
            self.show_limits
            and self.lines is not None
            and self.lines.lpl is not None
            and not self.lines.collapsed
        )

    @property
    def collapsed(self) -> bool:
        return self.show_limits and self.lines is not None and self.lines.collapsed


def apply_rules(
    parts: list[Part],
    xs: list[int | None],
    hits: dict[int, set[RuleHit]],
    trend_starts: dict[int, Direction],
    *,
    shift_len: int,
    trend_len: int,
    trend_across_rebase: bool,
) -> None:
    """Add every rule hit to `hits` (a set per position, a `defaultdict`); `trend_starts` maps the
    first point of each trend to its direction."""
    for part in parts:
        lines = part.lines
        if lines is None:
            continue
        unit, mean = lines.unit, lines.mean
        present = part.present
        scaled = {p: xs[p] * unit for p in present}  # type: ignore[operator]
        sides = {p: (x > mean) - (x < mean) for p, x in scaled.items()}

        if part.has_limits:
            lpl, upl = lines.lpl, lines.upl
            lower_near, upper_near = lines.lower_near, lines.upper_near
            close: dict[int, int] = {}
            for p, x in scaled.items():
                # Rule 1: outside the limits (strictly).
                if x > upl:
                    hits[p].add(_HITS["outside_limits", "high"])
                    close[p] = 0
                elif x < lpl:
                    hits[p].add(_HITS["outside_limits", "low"])
                    close[p] = 0
                # Not outside, and strictly beyond a two-sigma line.
                elif x > upper_near:
                    close[p] = 1
                elif x < lower_near:
                    close[p] = -1
                else:
                    close[p] = 0
            # Rule 4: two of three close on one side, all three on that side.
            for window in zip(present, present[1:], present[2:], strict=False):
                side = sides[window[0]]
                if side == 0 or sides[window[1]] != side or sides[window[2]] != side:
                    continue
                near = [p for p in window if close[p] == side]
                if len(near) >= 2:
                    hit = _HITS["two_of_three", "high" if side > 0 else "low"]
                    for p in near:
                        hits[p].add(hit)

        # Rule 2: shift, a run of points strictly on one side; a point on the mean breaks it.
        run: list[int] = []
        for p in [*present, None]:
            if p is not None and run and sides[p] == sides[run[0]] and sides[p] != 0:
                run.append(p)
                continue
            if len(run) >= shift_len and sides[run[0]] != 0:
                hit = _HITS["shift", "high" if sides[run[0]] > 0 else "low"]
                for q in run:
                    hits[q].add(hit)
            run = [p] if p is not None else []

    # Rule 3: trend, within a partition or across recalculation points.
    if trend_across_rebase:
        sequences = [[p for part in parts for p in part.present]]
    else:
        sequences = [part.present for part in parts]
    for sequence in sequences:
        for direction, step in (("high", 1), ("low", -1)):
            run = sequence[:1]
            for p in [*sequence[1:], None]:
                if p is not None:
                    rise = xs[p] - xs[run[-1]]  # type: ignore[operator]
                    if (rise > 0) - (rise < 0) == step:
                        run.append(p)
                        continue
                if len(run) >= trend_len:
                    hit = _HITS["trend", direction]
                    for q in run:
                        hits[q].add(hit)
                    trend_starts[run[0]] = direction  # type: ignore[assignment]
                run = [p] if p is not None else []


def ordered(hits: set[RuleHit] | None) -> tuple[RuleHit, ...]:
    """The hits in the order of `RULES`, high before low."""
    if not hits:
        return ()
    return tuple(sorted(hits, key=_ORDER.__getitem__))


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


def resolve(
    hits: tuple[RuleHit, ...],
    improvement: Improvement,
    conflict: Conflict,
    trend_start: Direction | None,
) -> tuple[PointType, Direction | None]:
    """A point's type and the direction that decided it, under the conflict setting."""
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
    direction = next(d for d in DIRECTIONS if _type_of(d, improvement) == wanted)
    return wanted, direction


def assurance(target: int, lines: Lines, improvement: Improvement, inclusive: bool) -> Assurance:
    """Will the process meet its target? `target` is scaled like the values."""
    assert lines.lpl is not None and lines.upl is not None
    scaled = target * lines.unit
    if inclusive:
        at_or_below_lpl, at_or_above_upl = scaled <= lines.lpl, scaled >= lines.upl
    else:
        at_or_below_lpl, at_or_above_upl = scaled < lines.lpl, scaled > lines.upl
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
