"""The rules a typed value must meet, with a message per field a person can act on.

Pure: the entry form, the spreadsheet import and the command line share these, so
a value refused on one is refused on all, with the same words.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from okrs.formatting import format_value
from okrs.targets import RELATIVE, misses_beyond_tolerance, tolerance_amount

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
# Typing '£1,200' or '94%' is natural; the symbols and thousands commas are dropped.
_DECORATION = re.compile(r"[£%,\s]")
_DASHES = str.maketrans({"\u2212": "-", "\u2013": "-"})


@dataclass(frozen=True)
class ValueRules:
    measure: str
    direction: str
    decimal_places: int = 1
    allow_out_of_range: bool = False
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
    text = _DECORATION.sub("", (raw or "").translate(_DASHES))
    if text == "":
        return None
    if not _NUMBER.match(text):
        raise ValueError(raw)
    try:
        return Decimal(text)
    except InvalidOperation as error:  # pragma: no cover - the pattern admits only numbers
        raise ValueError(raw) from error


def _range_problem(value: Decimal, rules: ValueRules) -> str | None:
    if rules.allow_out_of_range:
        return None
    if rules.measure == "percentage" and not (0 <= value <= 100):
        return "Enter a percentage between 0 and 100"
    if rules.measure == "percentage_change" and value < -100:
        return "A percentage change cannot be less than −100%"
    if rules.measure in ("count", "rate", "score") and value < 0:
        return "Enter a number of 0 or more"
    return None


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
    places = max(0, -value.as_tuple().exponent)
    allowed_places = 0 if rules.measure == "count" else rules.decimal_places
    if places > allowed_places:
        checked.errors["value"] = (
            "Enter a whole number"
            if allowed_places == 0
            else f"Enter a number with no more than {allowed_places} decimal "
            f"place{'s' if allowed_places > 1 else ''}"
        )
        return checked
    problem = _range_problem(value, rules)
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
    amount = tolerance_amount(rules.target, rules.tolerance, rules.tolerance_kind)
    if rules.tolerance_kind == RELATIVE:
        return f"{rules.tolerance.normalize():f}% of the target ({amount.normalize():f})"
    if rules.measure in ("percentage", "percentage_change"):
        return f"{amount.normalize():f} percentage points"
    return format_value(amount, rules.measure)
