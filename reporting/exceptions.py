"""Which OKR × unit values are the Board's exceptions, and why: one rule for the
IPR's exceptions, the printed pack's exception pages and the dashboard's "Off
track" list (they all read the reasons the assembly gives each cell).

A value is an exception when it is:
- rated Red;
- rated Amber, and was rated Amber in each of the periods just before it, for a
  run of at least `amber_periods` periods one after another (the strategy's
  setting; 3 unless changed): Amber that does not recover is as much the Board's
  business as Red;
- a special cause of concern in its SPC chart;
- failing assurance: its process limits say it will not meet its target without
  a change (the target lies outside them, on the wrong side).

Pure functions: ratings and SPC readings in, reasons out.
"""

import datetime
from collections.abc import Iterable

from okrs.ratings import Rag

# Periods of Amber in a row that make an exception, unless the strategy says
# otherwise (Strategy.exception_amber_periods).
DEFAULT_AMBER_PERIODS = 3

RED = "Red"
CONCERN = "special cause of concern"
FAILING = "will not meet its target without change"


def rule_in_words(amber_periods: int) -> str:
    """The rule as the report states it above its exceptions."""
    return (
        f"Values that are Red, Amber for {amber_periods} periods running or more, a "
        "special cause of concern, or will not meet their target without change"
    )


# What the report said before the rule took in Red and Amber (form 1 editions).
FIRST_RULE_IN_WORDS = (
    "Values showing special cause of concern, or that will not meet their target without change"
)


def amber_run_reason(run: int) -> str:
    return f"Amber for {run} periods running"


def amber_run(newest_first: Iterable[tuple[datetime.date, datetime.date, str]]) -> int:
    """How many periods, counting back from the newest (each its first day, last
    day and rating, newest first), were rated Amber one after another: a period
    missing between two breaks the run. Reads no further than the run goes, so
    the ratings may be worked out as they are asked for."""
    run = 0
    following_start = None
    for starts_on, ends_on, rag in newest_first:
        if rag != Rag.AMBER.value:
            break
        if following_start is not None and ends_on + datetime.timedelta(days=1) != following_start:
            break
        run += 1
        following_start = starts_on
    return run


def exception_reasons(
    *,
    rag: str,
    amber_run: int,
    amber_periods: int,
    variation: str | None,
    assurance: str | None,
) -> list[str]:
    """Why a value is an exception, in the order above; empty if it is not one.
    `amber_run` is the run of Amber periods ending with this one (`amber_run`)."""
    reasons = []
    if rag == Rag.RED.value:
        reasons.append(RED)
    elif rag == Rag.AMBER.value and amber_run >= amber_periods:
        reasons.append(amber_run_reason(amber_run))
    if (variation or "").startswith("concern"):
        reasons.append(CONCERN)
    if assurance == "fail":
        reasons.append(FAILING)
    return reasons
