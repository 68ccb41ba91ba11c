"""How a value reads on the page, by its unit of measure. Pure."""

from decimal import Decimal


def format_value(value: Decimal | float | None, measure: str) -> str:
    if value is None:
        return "No data"
    number = Decimal(str(value)).normalize()
    if number == number.to_integral():
        number = number.quantize(Decimal(1))
    # A true minus sign: screen readers say "minus" and it cannot wrap from its number.
    sign = "\u2212" if number < 0 else ""
    magnitude = abs(number)
    if measure == "currency":
        return f"{sign}£{magnitude:,}"
    if measure in ("percentage", "percentage_change"):
        return f"{sign}{magnitude}%"
    if measure == "count":
        return f"{sign}{magnitude:,}"
    return f"{sign}{magnitude}"


def measure_axis_label(measure: str) -> str:
    return {
        "percentage": "%",
        "percentage_change": "% change",
        "currency": "£",
        "count": "Count",
        "rate": "Rate",
        "score": "Score",
    }.get(measure, "Value")


def words(code: str | None) -> str:
    """A stored code as words: 'percentage_change' → 'percentage change'."""
    return (code or "").replace("_", " ")
