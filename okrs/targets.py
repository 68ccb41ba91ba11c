"""How far a value falls short of its target, and whether that is beyond the OKR's
tolerance. Pure: the entry form uses it to ask for a comment, and the RAG engine
uses the same rule to tell Amber from Red."""

from decimal import Decimal

from okrs.measures import Direction

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
