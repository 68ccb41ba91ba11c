"""SPC readings remembered per series, for the IPR's assembly: SPC is a pure
function of a series, and a report assembled after one value changed reads every
other series unchanged."""

import functools
from decimal import Decimal

from reporting.spc import Improvement, SpcResult, compute_spc

# How many series' SPC readings a process remembers: a 10× trust's month is 500
# series; a reading of 60 points is ~10 KB, so this holds at most ~20 MB.
SERIES_REMEMBERED = 2048


@functools.lru_cache(maxsize=SERIES_REMEMBERED)
def series_spc(
    values: tuple[Decimal, ...],
    *,
    improvement: Improvement,
    target: Decimal | None,
    rebase_at: tuple[int, ...],
    fix_after: int | None,
) -> SpcResult:
    """`compute_spc` over a series, remembered by the series itself: a pure function
    of its arguments whose result cannot be changed (frozen, of tuples), so the
    reading remembered for the same values is the reading; nothing to invalidate."""
    return compute_spc(
        values, improvement=improvement, target=target, rebase_at=rebase_at, fix_after=fix_after
    )
