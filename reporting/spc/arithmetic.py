"""Exact SPC arithmetic in integers.

Every value a measure records is a decimal with a fixed number of places (a
`Decimal` from the database, or a float read as the decimal it shows as: `0.1`
is one tenth). So the whole series, and its target, are scaled by one common
denominator (10**d for decimals with up to d places) into integers.

Within a partition, the mean is ``sum / n``, the average moving range is
``ranges / k``, and the limits add ``2.66 = 266/100`` times it, the two-sigma
lines ``2/3`` of that. Multiplying everything by ``300 · n · k`` makes every
line an integer too, so "above the mean", "on a limit" and "a target exactly on
a limit" are decided by comparing integers: no rounding can move a point to the
other side. Floats are made once per partition, for the outputs, by one
correctly rounded division.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import pandas as pd

#: Process limits sit 2.66 average moving ranges from the centre line.
LIMIT_FACTOR = Fraction(266, 100)
#: The near-limit ("two-sigma") lines sit at this fraction of the way to the limits.
NEAR_FRACTION = Fraction(2, 3)
#: Screening drops moving ranges at or above this multiple of the average.
SCREEN_FACTOR = Fraction(3267, 1000)

# The lines' common denominator per partition is _UNIT · n · k: it clears the
# hundredths of 2.66 and the thirds of 2/3 (n values, k moving ranges).
_UNIT = math.lcm(LIMIT_FACTOR.denominator, NEAR_FRACTION.denominator)
_HALF_WIDTH = LIMIT_FACTOR * _UNIT  # 2.66 · 300 = 798
_NEAR_WIDTH = NEAR_FRACTION * LIMIT_FACTOR * _UNIT  # 2/3 · 2.66 · 300 = 532
assert _HALF_WIDTH.denominator == 1 and _NEAR_WIDTH.denominator == 1
_HALF_WIDTH_INT = _HALF_WIDTH.numerator
_NEAR_WIDTH_INT = _NEAR_WIDTH.numerator


def to_ratio(value: object, *, what: str = "a value") -> tuple[int, int] | None:
    """The exact decimal a number shows as, as (numerator, denominator > 0);
    None for a missing value."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, bool):
        raise TypeError(f"{what} is a bool, not a number")
    if isinstance(value, Decimal):
        if value.is_finite():
            return value.as_integer_ratio()
        if value.is_nan():
            return None
        raise ValueError(f"{what} is infinite")
    if isinstance(value, int):
        return value, 1
    if isinstance(value, Fraction):
        return value.numerator, value.denominator
    if isinstance(value, numbers.Integral):
        return int(value), 1
    if isinstance(value, numbers.Real):
        number = float(value)
        if math.isnan(number):
            return None
        if math.isinf(number):
            raise ValueError(f"{what} is infinite")
        shown = repr(number)
        if "e" in shown:
            exact = Fraction(shown)
            return exact.numerator, exact.denominator
        whole, _, places = shown.partition(".")
        return int(whole + places), 10 ** len(places)
    raise TypeError(f"{what} is not a number: {value!r}")


def scale_all(
    ratios: list[tuple[int, int] | None], target: tuple[int, int] | None
) -> tuple[int, list[int | None], int | None]:
    """One common denominator for the series and the target, and each as an integer
    count of it: (scale, values, target)."""
    denominators = {r[1] for r in ratios if r is not None}
    if target is not None:
        denominators.add(target[1])
    scale = math.lcm(*denominators) if denominators else 1
    xs = [None if r is None else r[0] * (scale // r[1]) for r in ratios]
    scaled_target = None if target is None else target[0] * (scale // target[1])
    return scale, xs, scaled_target


@dataclass(slots=True)
class Lines:
    """A partition's centre line and lines as integers over a common `unit`
    (in the series' scaled values), and the same as floats for the outputs."""

    unit: int
    mean: int
    mean_f: float
    #: None (with the rest) when fewer than 2 values.
    amr_f: float | None = None
    screened_out: int = 0
    lpl: int | None = None
    upl: int | None = None
    lower_near: int | None = None
    upper_near: int | None = None
    lpl_f: float | None = None
    upl_f: float | None = None
    lower_near_f: float | None = None
    upper_near_f: float | None = None
    #: Every (kept) moving range is zero.
    collapsed: bool = False


def partition_lines(baseline: list[int], *, scale: int, screen: bool) -> Lines:
    """Mean, average moving range and limits of a non-empty list of scaled values."""
    n = len(baseline)
    total = sum(baseline)
    if n < 2:
        return Lines(unit=n, mean=total, mean_f=total / (n * scale))
    # Moving ranges between consecutive values (a gap is bridged).
    ranges = [abs(b - a) for a, b in zip(baseline, baseline[1:], strict=False)]
    k, range_sum = len(ranges), sum(ranges)
    screened_out = 0
    if screen and range_sum > 0:
        # r >= 3.267 × (range_sum / k)  <=>  r · 1000 · k >= 3267 · range_sum
        bound = SCREEN_FACTOR.numerator * range_sum
        per = SCREEN_FACTOR.denominator * k
        kept = [r for r in ranges if r * per < bound]
        screened_out = k - len(kept)
        k, range_sum = len(kept), sum(kept)
    unit = _UNIT * n * k
    mean = total * _UNIT * k
    half_width = _HALF_WIDTH_INT * n * range_sum
    near_width = _NEAR_WIDTH_INT * n * range_sum
    lines = Lines(
        unit=unit,
        mean=mean,
        mean_f=mean / (unit * scale),
        amr_f=range_sum / (k * scale),
        screened_out=screened_out,
        lpl=mean - half_width,
        upl=mean + half_width,
        lower_near=mean - near_width,
        upper_near=mean + near_width,
        collapsed=range_sum == 0,
    )
    whole = unit * scale
    lines.lpl_f = lines.lpl / whole
    lines.upl_f = lines.upl / whole
    lines.lower_near_f = lines.lower_near / whole
    lines.upper_near_f = lines.upper_near / whole
    return lines
