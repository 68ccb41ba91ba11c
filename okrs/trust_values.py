"""How the Trust row's value of an OKR is obtained from its directorates'. Pure.

Each OKR says (`KeyResult.trust_value`, `okrs.models.TrustValue`):

- **entered**: the Trust's value is typed, like a directorate's (a measure only
  the Trust holds, or a figure from the Trust's own papers). One outside the range
  of its directorates' values for the same period is flagged beside the value.
- **ratio**: every unit submits a numerator and a denominator, its value is
  numerator ÷ denominator × the OKR's scale, and the Trust's is Σ numerators ÷
  Σ denominators × scale (not the mean of the directorates' rates).
- **sum**, **mean**, **median** or **ratio** of the directorates: worked out,
  never typed, and only once every directorate that owes a value for the period has given it
  (a total of three directorates out of four would mislead the Board); until then
  there is none, and the note says how many are still to come.
"""

import statistics
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from okrs.formatting import format_value

ENTERED, SUM, MEAN, MEDIAN, RATIO = "entered", "sum", "mean", "median", "ratio"
_DERIVED_WORDS = {
    SUM: "Sum",
    MEAN: "Mean",
    MEDIAN: "Median",
    RATIO: "Σ numerators ÷ Σ denominators",
}


@dataclass(frozen=True)
class TrustFigure:
    value: Decimal | None
    note: str
    # With RATIO: the sums the value was worked out from.
    numerator: Decimal | None = None
    denominator: Decimal | None = None


def ratio_value(numerator: Decimal, denominator: Decimal, scale: Decimal, places: int) -> Decimal:
    """numerator ÷ denominator × scale, rounded half up to `places` (as stored)."""
    return (numerator / denominator * scale).quantize(
        Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP
    )


def is_derived(method: str) -> bool:
    return method in _DERIVED_WORDS


def how_obtained(method: str) -> str:
    """How the Trust's value is obtained, for a reader: 'Entered for the Trust' or
    'Worked out: the sum of its directorates' values, once every directorate has
    given one'."""
    if not is_derived(method):
        return "Entered for the Trust"
    return f"Worked out: {method_in_words(method)}, once every directorate has given one"


def method_in_words(method: str) -> str:
    """'the sum of its directorates' values', … or 'entered'."""
    if not is_derived(method):
        return "entered"
    if method == RATIO:
        return "the sum of its directorates' numerators over the sum of their denominators"
    return f"the {_DERIVED_WORDS[method].lower()} of its directorates' values"


def derived_value(
    method: str,
    values: list[Decimal],
    owing: int,
    places: int,
    *,
    fractions: list[tuple[Decimal | None, Decimal | None]] = (),
    scale: Decimal = Decimal(100),
) -> TrustFigure:
    """The Trust's value worked out by `method` from the directorates' `values`,
    of the `owing` directorates that owe one; a mean, median or ratio is rounded
    half up to the OKR's decimal `places`, as a typed value would be stored. For
    RATIO, `fractions` are the directorates' (numerator, denominator)."""
    directorates = f"{owing} directorate{'s' if owing != 1 else ''}"
    if owing == 0:
        return TrustFigure(None, "Not worked out: no directorate owes a value")
    if len(values) < owing:
        missing = owing - len(values)
        return TrustFigure(
            None,
            f"Not worked out yet: {missing} of {directorates} "
            f"{'has' if missing == 1 else 'have'} no value",
        )
    if method == RATIO:
        if any(numerator is None or denominator is None for numerator, denominator in fractions):
            return TrustFigure(
                None, "Not worked out: a directorate's value has no numerator and denominator"
            )
        numerator = sum((pair[0] for pair in fractions), Decimal(0))
        denominator = sum((pair[1] for pair in fractions), Decimal(0))
        if denominator <= 0:
            return TrustFigure(None, "Not worked out: the denominators add up to nothing")
        return TrustFigure(
            ratio_value(numerator, denominator, scale, places),
            f"Σ numerators ÷ Σ denominators of {directorates}: "
            f"{format_value(numerator, 'count')} ÷ {format_value(denominator, 'count')}",
            numerator,
            denominator,
        )
    if method == SUM:
        value = sum(values, Decimal(0))
    else:
        # Decimal arithmetic (28 significant digits), then rounded as stored.
        exact = (
            sum(values, Decimal(0)) / len(values) if method == MEAN else statistics.median(values)
        )
        value = Decimal(exact).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return TrustFigure(value, f"{_DERIVED_WORDS[method]} of {directorates}")


def range_note(
    trust_value: Decimal, directorate_values: list[Decimal], measure: str, places: int
) -> str:
    """A flag for an entered Trust value outside the range of its directorates'
    values for the same period ('' when within, or with fewer than two to compare)."""
    if len(directorate_values) < 2:
        return ""
    lowest, highest = min(directorate_values), max(directorate_values)
    if lowest <= trust_value <= highest:
        return ""
    return (
        "Entered; outside the range of its directorates "
        f"({format_value(lowest, measure, places)} to {format_value(highest, measure, places)}): "
        "check it"
    )
