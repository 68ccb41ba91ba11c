"""How a value reads on the page, by its unit of measure. Pure."""

from decimal import Decimal


def format_value(value: Decimal | float | None, measure: str) -> str:
    if value is None:
        return "No data"
    number = Decimal(str(value)).normalize()
    if number == number.to_integral():
        number = number.quantize(Decimal(1))
    if measure == "currency":
        return f"£{number:,}"
    if measure in ("percentage", "percentage_change"):
        return f"{number}%"
    if measure == "count":
        return f"{number:,}"
    return f"{number}"


def measure_axis_label(measure: str) -> str:
    return {
        "percentage": "%",
        "percentage_change": "% change",
        "currency": "£",
        "count": "Count",
        "rate": "Rate",
        "score": "Score",
    }.get(measure, "Value")
