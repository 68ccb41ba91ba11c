"""How a value reads on the page, by its unit of measure. Pure."""

from decimal import ROUND_HALF_UP, Decimal

from okrs.measures import PERCENTAGE_MEASURES, Measure
from okrs.targets import RELATIVE


def format_value(value: Decimal | float | None, measure: str, places: int | None = None) -> str:
    """`value` as the page reads it: '94.5%', '£1,200', '−3'. With `places` (an
    OKR's decimal places) a value shows exactly that many, '4.0%' as well as
    '4.5%', so a column of values lines up and reads at the measure's precision;
    without, as few as it needs (targets, tolerances). A count is always whole."""
    if value is None:
        return "No data"
    number = Decimal(str(value))
    if places is not None and measure != Measure.COUNT:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    else:
        number = number.normalize()
        if number == number.to_integral():
            number = number.quantize(Decimal(1))
    # A true minus sign: screen readers say "minus" and it cannot wrap from its number.
    sign = "\u2212" if number < 0 else ""
    magnitude = abs(number)
    if measure == Measure.CURRENCY:
        return f"{sign}£{magnitude:,}"
    if measure in PERCENTAGE_MEASURES:
        return f"{sign}{magnitude}%"
    if measure == Measure.COUNT:
        return f"{sign}{magnitude:,}"
    return f"{sign}{magnitude}"


def okr_value_text(key_result, value: Decimal | float | None) -> str:
    """A value of `key_result` (anything with its `measure` and `decimal_places`) as
    the page reads it, at the OKR's precision."""
    return format_value(value, key_result.measure, key_result.decimal_places)


def plain_number(number: Decimal | int | float) -> str:
    """A number as a person would type it, in every measure: 1200, 94.5, 0.00001 —
    no exponent, no trailing zeros, no "-0". A float reads as its shortest
    round-tripping form (repr), so 0.1 stays "0.1" and 1e-05 becomes "0.00001"."""
    exact = Decimal(repr(number)) if isinstance(number, float) else Decimal(number)
    text = format(exact.normalize(), "f")
    return "0" if text == "-0" else text


def tolerance_text(
    tolerance: Decimal, *, kind: str, measure: str, worked_out: Decimal | None = None
) -> str:
    """How an OKR's tolerance reads, wherever it is shown: '5% of the target' (with
    what that works out to when given: '5% of the target (4.5)'), '1 percentage
    point' or '2 percentage points' for a percentage, otherwise the amount as the
    measure reads ('£1,000'); 'none' when there is none."""
    if not tolerance:
        return "none"
    if kind == RELATIVE:
        text = f"{plain_number(tolerance)}% of the target"
        return text if worked_out is None else f"{text} ({plain_number(worked_out)})"
    if measure in PERCENTAGE_MEASURES:
        return f"{plain_number(tolerance)} percentage point{'' if tolerance == 1 else 's'}"
    return format_value(tolerance, measure)


def measure_axis_label(measure: str) -> str:
    return {
        Measure.PERCENTAGE: "%",
        Measure.PERCENTAGE_CHANGE: "% change",
        Measure.CURRENCY: "£",
        Measure.COUNT: "Count",
        Measure.RATE: "Rate",
        Measure.SCORE: "Score",
    }.get(measure, "Value")


def words(code: str | None) -> str:
    """A stored code as words: 'percentage_change' → 'percentage change'."""
    return (code or "").replace("_", " ")
