"""How a strategy's state reads: its status, and for the current strategy whether
its period has ended. Pure (today is passed in), so the rule is tested with dates.

A strategy stays current after its end date until the Board approves the next one:
results are still entered and reported against it. Pages then say so, rather than
calling it plainly "Current"."""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class StrategyState:
    label: str  # "Current", or the status of a strategy that is not current
    note: str = ""  # for a current strategy past its end date: "ended 31 March 2026: …"

    def __str__(self) -> str:
        return f"{self.label} ({self.note})" if self.note else self.label


def strategy_state(
    *,
    is_current: bool,
    status_label: str,
    ends_on: datetime.date | None,
    today: datetime.date,
) -> StrategyState:
    """ "Current", "Current (ended 31 March 2026: results continue)" once the current
    strategy's last day is before `today`, or the status ("Superseded") of one that
    is not current. A strategy ending today has not ended; one with no end date never
    does."""
    if not is_current:
        return StrategyState(status_label)
    if ends_on is not None and ends_on < today:
        return StrategyState("Current", f"ended {ends_on.day} {ends_on:%B %Y}: results continue")
    return StrategyState("Current")
