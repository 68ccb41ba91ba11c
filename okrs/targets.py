"""How far a value falls short of its target, whether that is beyond the OKR's
tolerance, and so the value's rating. Pure: the entry form uses it to ask for a
comment, an upload's preview to show each value's rating, and the RAG engine
(reporting/rag.py, which explains each rating in words) the same rule."""

from decimal import Decimal

from okrs.measures import RATED_DIRECTIONS, Direction
from okrs.ratings import Rag

ABSOLUTE = "absolute"
RELATIVE = "relative"


def shortfall(value: Decimal, target: Decimal, direction: str) -> Decimal:
    """How far `value` is on the wrong side of `target` (0 when it meets it).

    'increase' means higher is better (the target is a floor); 'decrease' means
    lower is better (a ceiling). A neutral measure has no shortfall.
    """
    if direction == Direction.INCREASE:
        return max(Decimal(0), target - value)
    if direction == Direction.DECREASE:
        return max(Decimal(0), value - target)
    return Decimal(0)


def tolerance_amount(target: Decimal, tolerance: Decimal, kind: str) -> Decimal:
    """The tolerance in the measure's own units: absolute (e.g. 2 percentage
    points) or relative to the target (e.g. 10% of a target of 90 is 9)."""
    if kind == RELATIVE:
        return abs(target) * tolerance / Decimal(100)
    return tolerance


def misses_beyond_tolerance(
    value: Decimal, target: Decimal, *, direction: str, tolerance: Decimal, kind: str
) -> bool:
    return shortfall(value, target, direction) > tolerance_amount(target, tolerance, kind)


def rating_for(
    value: Decimal | None,
    *,
    target: Decimal | None,
    direction: str,
    tolerance: Decimal = Decimal(0),
    tolerance_kind: str = "absolute",
    achieved: bool = False,
) -> Rag:
    """A value's rating against its target: Green when it meets it, Amber when it
    misses by no more than the tolerance, Red beyond; Blue when the OKR is achieved;
    no rating without a value, a target or a direction of good."""
    if achieved:
        return Rag.BLUE
    if value is None or target is None or direction not in RATED_DIRECTIONS:
        return Rag.NO_DATA
    short = shortfall(value, target, direction)
    if short == 0:
        return Rag.GREEN
    if short <= tolerance_amount(target, tolerance, tolerance_kind):
        return Rag.AMBER
    return Rag.RED
