"""The rules a typed value must meet, with a message per field a person can act on.

Pure: the entry form, the spreadsheet import and the command line share these, so
a value refused on one is refused on all, with the same words.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from okrs.formatting import format_value, tolerance_text
from okrs.measures import PERCENTAGE_MEASURES, Measure
from okrs.targets import misses_beyond_tolerance, tolerance_amount

# A number as a UK user types it: an optional sign (a hyphen, minus or en dash), an
# optional pound sign on either side of it, digits (ASCII only) with commas only as
# thousands separators, an optional decimal part, an optional percent sign. Anything
# else ('9,4', '1e15', '１２', 'NaN') is refused rather than guessed at.
_NUMBER = re.compile(
    r"""
    (?P<sign1>[+-])? £? (?P<sign2>[+-])?
    (?P<digits>\d{1,3}(?:,\d{3})+|\d+)? (?P<fraction>\.\d+)? \.?
    \s*%?
    """,
    re.ASCII | re.VERBOSE,
)
_DASHES = str.maketrans({"\u2212": "-", "\u2013": "-"})

# The Result and Target columns hold 14 digits, 4 of them after the point.
COLUMN_LIMIT = Decimal("9999999999.9999")

# What a value of each measure can plausibly be, unless its OKR says otherwise.
PLAUSIBLE_RANGE: dict[str, tuple[Decimal, Decimal]] = {
    Measure.PERCENTAGE: (Decimal(0), Decimal(100)),
    Measure.PERCENTAGE_CHANGE: (Decimal(-100), Decimal(1000)),
    Measure.COUNT: (Decimal(0), Decimal(1_000_000_000)),
    Measure.RATE: (Decimal(0), Decimal(1_000_000)),
    Measure.CURRENCY: (Decimal(-1_000_000_000), Decimal(1_000_000_000)),
    Measure.SCORE: (Decimal(0), Decimal(1000)),
}
_WHAT_TO_ENTER = {
    Measure.PERCENTAGE: "a percentage",
    Measure.PERCENTAGE_CHANGE: "a percentage change",
    Measure.COUNT: "a number",
    Measure.RATE: "a rate",
    Measure.CURRENCY: "an amount",
    Measure.SCORE: "a score",
}


@dataclass(frozen=True)
class ValueRules:
    measure: str
    direction: str
    decimal_places: int = 1
    # The OKR's own plausible range, where it differs from its measure's.
    lowest: Decimal | None = None
    highest: Decimal | None = None
    target: Decimal | None = None
    tolerance: Decimal = Decimal(0)
    tolerance_kind: str = "absolute"


@dataclass
class CheckedValue:
    value: Decimal | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.errors


def parse_number(raw: str) -> Decimal | None:
    """'1,234.5', '£1,200', '94%', '−5' → a Decimal; '' → None; not a number → ValueError."""
    text = (raw or "").translate(_DASHES).strip()
    if text.strip("£% ") == "":
        # Nothing typed, or only the symbol a formatted cell shows when empty.
        return None
    match = _NUMBER.fullmatch(text)
    if (
        not match
        or not (match["digits"] or match["fraction"])
        or (match["sign1"] and match["sign2"])
    ):
        raise ValueError(raw)
    sign = "-" if "-" in (match["sign1"] or "", match["sign2"] or "") else ""
    digits = (match["digits"] or "0").replace(",", "")
    return Decimal(f"{sign}{digits}{match['fraction'] or ''}")


# A tolerance's column holds 6 digits before the point and 4 after; a tolerance
# relative to the target is a percentage of it.
TOLERANCE_LIMIT = Decimal("999999.9999")


def tolerance_problem(tolerance: Decimal | None, kind: str) -> dict[str, str]:
    """What is wrong with a tolerance and its kind, per field, in words a person
    can act on: empty when nothing is."""
    if kind not in ("absolute", "relative"):
        return {"tolerance_kind": "Choose how the tolerance is measured"}
    if tolerance is None or tolerance < 0:
        return {"tolerance": "Enter a tolerance of 0 or more"}
    if kind == "relative" and tolerance > 100:
        return {"tolerance": "Enter a tolerance of at most 100% of the target"}
    if tolerance > TOLERANCE_LIMIT:
        return {"tolerance": "Enter a tolerance below 1,000,000"}
    if -tolerance.normalize().as_tuple().exponent > 4:
        return {"tolerance": "Enter a tolerance with at most 4 decimal places"}
    return {}


def plausible_range(
    measure: str, *, lowest: Decimal | None = None, highest: Decimal | None = None
) -> tuple[Decimal, Decimal]:
    """The lowest and highest value an OKR of this measure may take: its own range
    where it sets one, else its measure's, and never beyond what the column holds."""
    default_low, default_high = PLAUSIBLE_RANGE.get(measure, (-COLUMN_LIMIT, COLUMN_LIMIT))
    low = default_low if lowest is None else lowest
    high = default_high if highest is None else highest
    return max(low, -COLUMN_LIMIT), min(high, COLUMN_LIMIT)


def range_problem(
    value: Decimal, measure: str, *, lowest: Decimal | None = None, highest: Decimal | None = None
) -> str | None:
    """Why `value` cannot be a value of this measure, if it cannot (shared by entry,
    upload, command line, seeds and targets)."""
    low, high = plausible_range(measure, lowest=lowest, highest=highest)
    if low <= value <= high:
        return None
    if measure == Measure.PERCENTAGE and lowest is None and highest is None:
        return "Enter a percentage between 0 and 100"
    what = _WHAT_TO_ENTER.get(measure, "a number")
    return f"Enter {what} from {_bound_text(low, measure)} to {_bound_text(high, measure)}"


def _bound_text(value: Decimal, measure: str) -> str:
    sign = "\u2212" if value < 0 else ""
    magnitude = f"{abs(value).to_integral_value(rounding='ROUND_DOWN'):,}"
    if measure == Measure.CURRENCY:
        return f"{sign}£{magnitude}"
    if measure in PERCENTAGE_MEASURES:
        return f"{sign}{magnitude}%"
    return f"{sign}{magnitude}"


def check_value(raw_value: str, raw_comment: str, rules: ValueRules) -> CheckedValue:
    """Check one typed value and its comment. An empty value is not an error here:
    whether it may be left empty depends on saving a draft or submitting."""
    checked = CheckedValue()
    try:
        value = parse_number(raw_value)
    except ValueError:
        checked.errors["value"] = "Enter a number, like 94 or 94.5"
        return checked
    if value is None:
        return checked
    # "4.10" is 4.1: trailing zeros add no precision.
    places = max(0, -value.normalize().as_tuple().exponent)
    allowed_places = 0 if rules.measure == Measure.COUNT else rules.decimal_places
    if places > allowed_places:
        checked.errors["value"] = (
            "Enter a whole number"
            if allowed_places == 0
            else f"Enter a number with no more than {allowed_places} decimal "
            f"place{'s' if allowed_places > 1 else ''}"
        )
        return checked
    problem = range_problem(value, rules.measure, lowest=rules.lowest, highest=rules.highest)
    if problem:
        checked.errors["value"] = problem
        return checked
    checked.value = value
    if (
        rules.target is not None
        and not (raw_comment or "").strip()
        and misses_beyond_tolerance(
            value,
            rules.target,
            direction=rules.direction,
            tolerance=rules.tolerance,
            kind=rules.tolerance_kind,
        )
    ):
        target = format_value(rules.target, rules.measure)
        if rules.tolerance:
            checked.errors["comment"] = (
                f"Explain in a comment why the value misses its target of {target} "
                f"by more than the tolerance of {_tolerance_text(rules)}"
            )
        else:
            checked.errors["comment"] = (
                f"Explain in a comment why the value misses its target of {target}"
            )
    return checked


def _tolerance_text(rules: ValueRules) -> str:
    """The tolerance with what it works out to for this target: '5% of the target (4.5)'."""
    return tolerance_text(
        rules.tolerance,
        kind=rules.tolerance_kind,
        measure=rules.measure,
        worked_out=tolerance_amount(rules.target, rules.tolerance, rules.tolerance_kind),
    )
