"""Where a chart's limits are recalculated, from the process changes recorded for it.

NHS England's "Making Data Count": the limits of an SPC chart are recalculated only
when there is a known, deliberate change in the process (a new pathway, a change in
how a measure is counted), recorded with its date and reason; a baseline may be
fixed so that later values are judged against it. A Trust administrator records
those changes per OKR × unit (`reporting.models.ProcessChange`); this module turns
them into `compute_spc`'s `rebase_at` and `fix_after` for one series, with a short
note per recalculation for the IPR, the pack and the JSON to show. Pure Python: it
reads dates, reasons and numbers, never the database.

The rules
---------
- A change starts a new partition at the first period of the series that starts on
  or after the change's date. A change dated on a period with no value still starts
  the partition there (the gap is in the new partition). A change after the
  series' last period is not on the chart yet: it is left out.
- A change on or before the first period starts no new partition (the chart begins
  with the changed process), but its note is kept at position 0, so the reader
  still learns why the limits start where they do.
- Several changes falling on the same position (the series has no period between
  them): the partition is the process after the latest of them, which gives its note.
- `compute_spc` has one `fix_after` for the whole chart, and it applies to every
  partition (each partition's limits rest on its own first values). The baseline
  is the one set by the change that starts the latest partition, the process the
  icons judge; a warning says so when it also shortens earlier partitions, and
  when an earlier change asked for another baseline, which cannot be kept.
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from okrs.periods import MONTHLY, period_label


class RecordedChange(Protocol):
    """What is read of a recorded process change (a `ProcessChange`, or any record
    with these attributes)."""

    starts_on: datetime.date
    reason: str
    baseline_values: int | None


@dataclass(frozen=True)
class Recalculation:
    """One partition start that a process change explains."""

    #: Position in the series of the partition's first period (0: the chart's start).
    position: int
    #: The change's own date (its first period), which may be before the series starts.
    starts_on: datetime.date
    reason: str
    #: The baseline the change asked for (number of values), if any.
    baseline_values: int | None
    #: "Limits recalculated from June 2021: <reason>", for the report to show.
    note: str


@dataclass(frozen=True)
class Partitioning:
    """What to pass to `compute_spc` for one series, and what to say about it."""

    #: Positions where a new partition starts (never 0), ascending.
    rebase_at: tuple[int, ...]
    #: Values the limits of each partition are fixed on; None for all of them.
    fix_after: int | None
    #: One per partition start that a change explains, oldest first.
    recalculations: tuple[Recalculation, ...]
    warnings: tuple[str, ...]

    def note_at(self, position: int) -> str | None:
        """The note for the partition starting at `position`, if a change explains it."""
        for recalculation in self.recalculations:
            if recalculation.position == position:
                return recalculation.note
        return None


def month_name(day: datetime.date) -> str:
    """'June 2021': how a note names the month a change starts in."""
    return period_label(MONTHLY, day)


def _note(starts_on: datetime.date, reason: str) -> str:
    return f"Limits recalculated from {month_name(starts_on)}: {' '.join(reason.split())}"


def partitioning_for(
    period_starts: Sequence[datetime.date], changes: Iterable[RecordedChange]
) -> Partitioning:
    """The partitions of a series whose periods start on `period_starts` (oldest
    first, one per point of the chart, gaps included), given the process changes
    recorded for it (in any order). See the module docstring for the rules."""
    starts = list(period_starts)
    if any(later <= earlier for earlier, later in zip(starts, starts[1:], strict=False)):
        raise ValueError("period_starts must be in time order, each after the one before")
    latest_at: dict[int, RecordedChange] = {}
    for change in changes:
        position = bisect.bisect_left(starts, change.starts_on)
        if position == len(starts):
            continue  # after the last period: not on the chart yet
        current = latest_at.get(position)
        if current is None or change.starts_on > current.starts_on:
            latest_at[position] = change
    recalculations = tuple(
        Recalculation(
            position=position,
            starts_on=change.starts_on,
            reason=change.reason,
            baseline_values=change.baseline_values,
            note=_note(change.starts_on, change.reason),
        )
        for position, change in sorted(latest_at.items())
    )
    rebase_at = tuple(r.position for r in recalculations if r.position > 0)
    fix_after = recalculations[-1].baseline_values if recalculations else None
    return Partitioning(
        rebase_at=rebase_at,
        fix_after=fix_after,
        recalculations=recalculations,
        warnings=_baseline_warnings(recalculations, fix_after, partitions=len(rebase_at) + 1),
    )


def _baseline_warnings(
    recalculations: tuple[Recalculation, ...], fix_after: int | None, *, partitions: int
) -> tuple[str, ...]:
    warnings = []
    for earlier in recalculations[:-1]:
        if earlier.baseline_values is not None and earlier.baseline_values != fix_after:
            warnings.append(
                f"The baseline set from {month_name(earlier.starts_on)} "
                f"({earlier.baseline_values} values) is not used: a chart has one baseline, "
                "set by its latest process change."
            )
    if fix_after is not None and partitions > 1:
        latest = recalculations[-1]
        warnings.append(
            f"The baseline set from {month_name(latest.starts_on)} applies to every "
            f"partition of the chart: the limits of each rest on its first {fix_after} values."
        )
    return tuple(warnings)
