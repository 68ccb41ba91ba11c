"""The RAG engine: pure functions over plain values, no database.

Per OKR: Green when the target is met, Amber when it is missed by no more than
the OKR's tolerance, Red beyond it; Blue when the OKR is achieved; no rating
('No data') when there is no value, no target or no direction of good. Per
objective and unit: the OKRs' ratings combined by the rule stored on the
objective. Every rating explains itself in words a board member can check.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from okrs.formatting import format_value, plain_number
from okrs.measures import PERCENTAGE_MEASURES, Direction
from okrs.ratings import Rag
from okrs.targets import rating_for, shortfall, tolerance_amount


@dataclass(frozen=True)
class Rated:
    rating: Rag
    explanation: str


def _bound(target: Decimal, direction: str, measure: str) -> str:
    sign = {Direction.INCREASE: "≥", Direction.DECREASE: "≤"}.get(direction, "")
    return f"{sign}{format_value(target, measure)}"


def _amount(amount: Decimal, measure: str) -> str:
    if measure in PERCENTAGE_MEASURES:
        return f"{plain_number(amount)} point{'' if amount == 1 else 's'}"
    return format_value(amount, measure)


def rate_value(
    value: Decimal | None,
    *,
    target: Decimal | None,
    direction: str,
    measure: str,
    tolerance: Decimal = Decimal(0),
    tolerance_kind: str = "absolute",
    achieved: bool = False,
    target_name: str = "",
    target_note: str = "",
    places: int | None = None,
) -> Rated:
    """Rate one value against its target, with the reason in words, e.g. '94%
    against ≥95%, 1 point short, within the 2 points tolerance: Amber'.
    `target_name` says which target where it is not the usual one, e.g. 'its own
    target' ('94% against its own target ≥95%, …'), and `target_note` follows it
    ('… ≥91% for October 2020 (goal 95% by March 2021), …'). `places`: the OKR's
    decimal places, at which the value is shown."""
    rating = rating_for(
        value,
        target=target,
        direction=direction,
        tolerance=tolerance,
        tolerance_kind=tolerance_kind,
        achieved=achieved,
    )
    if rating is Rag.BLUE:
        return Rated(rating, "The OKR is achieved: Blue")
    if value is None:
        return Rated(rating, "No value for this period: no rating")
    shown = format_value(value, measure, places)
    if target is None:
        return Rated(rating, f"{shown}, but no target is set: no rating")
    if rating is Rag.NO_DATA:
        return Rated(rating, f"{shown}: the OKR has no direction of good, so no rating")
    named = f"{target_name} " if target_name else ""
    noted = f" {target_note}" if target_note else ""
    against = f"{shown} against {named}{_bound(target, direction, measure)}{noted}"
    if rating is Rag.GREEN:
        return Rated(rating, f"{against}, target met: Green")
    allowed = tolerance_amount(target, tolerance, tolerance_kind)
    gap = f"{_amount(shortfall(value, target, direction), measure)} short"
    if rating is Rag.AMBER:
        return Rated(
            rating, f"{against}, {gap}, within the {_amount(allowed, measure)} tolerance: Amber"
        )
    if allowed == 0:
        return Rated(rating, f"{against}, {gap}, no tolerance: Red")
    return Rated(rating, f"{against}, {gap}, beyond the {_amount(allowed, measure)} tolerance: Red")


class CombinationMethod(StrEnum):
    WORST_OF = "worst_of"
    POINTS_AVERAGE = "points_average"


# Points per rating for the points-average rule. An achieved OKR (Blue) counts as met.
POINTS = {Rag.GREEN: 3, Rag.BLUE: 3, Rag.AMBER: 2, Rag.RED: 1}
_SEVERITY = [Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BLUE]


@dataclass(frozen=True)
class CombinationRule:
    method: CombinationMethod
    green_from: Decimal = Decimal("2.5")
    amber_from: Decimal = Decimal("1.5")


def objective_rule(objective) -> CombinationRule:
    """The rule an objective stores (StrategicObjective.rating_method and thresholds)."""
    return CombinationRule(
        CombinationMethod(objective.rating_method),
        objective.rating_green_from,
        objective.rating_amber_from,
    )


def combination_rule_in_words(rule: CombinationRule) -> str:
    """The rule as the IPR states it above a section's overall ratings."""
    if rule.method == CombinationMethod.WORST_OF:
        return "Overall rating: the worst of the OKR ratings."
    return (
        "Overall rating: points (Green 3, Amber 2, Red 1) averaged over the rated OKRs; "
        f"Green from {plain_number(rule.green_from)}, "
        f"Amber from {plain_number(rule.amber_from)}, otherwise Red."
    )


def combine(ratings: Sequence[Rag], rule: CombinationRule) -> Rated:
    """An overall rating from OKR ratings; OKRs without a rating are left out."""
    rated = [rating for rating in ratings if rating is not Rag.NO_DATA]
    left_out = len(ratings) - len(rated)
    note = f" ({left_out} without a rating left out)" if left_out else ""
    if not rated:
        return Rated(Rag.NO_DATA, "No OKR has a rating: no overall rating")
    if rule.method == CombinationMethod.WORST_OF:
        worst = min(rated, key=_SEVERITY.index)
        if worst is Rag.BLUE:
            worst = Rag.GREEN
        return Rated(worst, f"Worst of {len(rated)} OKR ratings{note}: {worst.label}")
    total = sum(POINTS[rating] for rating in rated)
    average = Decimal(total) / Decimal(len(rated))
    if average >= rule.green_from:
        overall = Rag.GREEN
    elif average >= rule.amber_from:
        overall = Rag.AMBER
    else:
        overall = Rag.RED
    counts = ", ".join(
        f"{sum(1 for rating in rated if rating is kind)} {kind.label}"
        for kind in _SEVERITY
        if kind in rated
    )
    return Rated(
        overall,
        f"{counts}{note}: {total} points over {len(rated)} OKRs = "
        f"{_trim(average)} (Green from {_trim(rule.green_from)}, Amber from "
        f"{_trim(rule.amber_from)}): {overall.label}",
    )


def _trim(number: Decimal) -> str:
    return plain_number(number.quantize(Decimal("0.01")))
