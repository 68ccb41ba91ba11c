"""Where recorded process changes recalculate a chart's limits, with cases worked
out by hand from the rules in reporting/spc/process_changes.py: a change starts a
partition at the first period starting on or after its date."""

import datetime
from dataclasses import dataclass

import pytest

from reporting.spc import compute_spc
from reporting.spc.process_changes import partitioning_for


@dataclass
class Change:
    starts_on: datetime.date
    reason: str
    baseline_values: int | None = None


def months(first: datetime.date, count: int) -> list[datetime.date]:
    """First days of `count` months from `first`."""
    days, year, month = [], first.year, first.month
    for _ in range(count):
        days.append(datetime.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return days


# April 2021 to March 2022: positions 0 (April) to 11 (March).
YEAR = months(datetime.date(2021, 4, 1), 12)


def test_no_changes_leave_one_partition_and_no_baseline():
    result = partitioning_for(YEAR, [])
    assert (result.rebase_at, result.fix_after, result.recalculations) == ((), None, ())
    assert result.warnings == ()


def test_a_change_starts_a_partition_at_its_period_with_its_note():
    # 1 July 2021 is position 3 (April 0, May 1, June 2, July 3).
    result = partitioning_for(YEAR, [Change(datetime.date(2021, 7, 1), "New triage pathway")])
    assert result.rebase_at == (3,)
    assert result.fix_after is None
    assert result.note_at(3) == "Limits recalculated from July 2021: New triage pathway"
    assert result.note_at(0) is None
    assert result.warnings == ()


def test_a_change_before_the_first_period_starts_no_partition_but_is_noted():
    # The chart starts in April 2021, after the change of January 2021: one partition,
    # whose limits rest on the changed process; the note says why, at position 0.
    result = partitioning_for(YEAR, [Change(datetime.date(2021, 1, 1), "Counted by episode")])
    assert result.rebase_at == ()
    assert [r.position for r in result.recalculations] == [0]
    assert result.note_at(0) == "Limits recalculated from January 2021: Counted by episode"


def test_of_two_changes_before_the_first_period_the_later_explains_the_chart():
    result = partitioning_for(
        YEAR,
        [Change(datetime.date(2021, 2, 1), "Second"), Change(datetime.date(2020, 6, 1), "First")],
    )
    assert result.rebase_at == ()
    assert result.note_at(0) == "Limits recalculated from February 2021: Second"
    assert len(result.recalculations) == 1


def test_a_change_on_a_period_with_no_value_starts_the_partition_at_that_gap():
    # The series has a point for every month, September 2021 (position 5) without a
    # value: the partition starts at the gap, not at October.
    values = [10, 11, 9, 10, 11, None, 20, 21, 19, 20, 21, 20]
    result = partitioning_for(YEAR, [Change(datetime.date(2021, 9, 1), "Ward reopened")])
    assert result.rebase_at == (5,)
    spc = compute_spc(values, improvement="increase", rebase_at=result.rebase_at, min_points=10)
    assert [(p.start_position, p.n) for p in spc.partitions] == [(0, 5), (5, 6)]


def test_a_change_between_the_periods_of_a_series_without_gaps_starts_at_the_next_one():
    # A series listing only the months with a value (August, September missing):
    # a change from August starts the partition at October, the next point.
    starts = [*YEAR[:4], *YEAR[6:]]  # April–July, then October–March: positions 0–3, 4–9
    result = partitioning_for(starts, [Change(datetime.date(2021, 8, 1), "New system")])
    assert result.rebase_at == (4,)
    assert result.note_at(4) == "Limits recalculated from August 2021: New system"


def test_two_changes_make_three_partitions_in_order_whatever_order_they_come_in():
    # November 2021 is position 7; June 2021 is position 2.
    result = partitioning_for(
        YEAR,
        [
            Change(datetime.date(2021, 11, 1), "Counting changed to episodes"),
            Change(datetime.date(2021, 6, 1), "New pathway"),
        ],
    )
    assert result.rebase_at == (2, 7)
    assert [r.note for r in result.recalculations] == [
        "Limits recalculated from June 2021: New pathway",
        "Limits recalculated from November 2021: Counting changed to episodes",
    ]


def test_a_change_after_the_last_period_is_not_on_the_chart_yet():
    result = partitioning_for(YEAR, [Change(datetime.date(2022, 4, 1), "From next year")])
    assert (result.rebase_at, result.recalculations) == ((), ())


def test_a_quarterly_series_takes_the_quarter_the_change_starts():
    # Quarters starting April, July, October 2021 and January 2022: October is position 2.
    quarters = [datetime.date(2021, m, 1) for m in (4, 7, 10)] + [datetime.date(2022, 1, 1)]
    result = partitioning_for(quarters, [Change(datetime.date(2021, 10, 1), "Pathway")])
    assert result.rebase_at == (2,)


def test_a_note_keeps_the_reason_on_one_line():
    result = partitioning_for(YEAR, [Change(YEAR[3], "New pathway.\n\nAgreed at the Board")])
    assert result.note_at(3) == (
        "Limits recalculated from July 2021: New pathway. Agreed at the Board"
    )


def test_a_baseline_fixes_the_limits_on_the_first_values_after_the_change():
    # July 2021 (position 3) on, the limits are fixed on the first 4 values from then.
    result = partitioning_for(YEAR, [Change(YEAR[3], "New pathway", baseline_values=4)])
    assert (result.rebase_at, result.fix_after) == ((3,), 4)
    # It also applies to the partition before (compute_spc has one fix_after): said so.
    assert result.warnings == (
        "The baseline set from July 2021 applies to every partition of the chart: the "
        "limits of each rest on its first 4 values.",
    )
    # Worked by hand. Before: [8, 12, 8] -> first 4 = all 3, mean 28/3 = 9.333…, MRs 4, 4,
    # AMR 4. After: [18, 22, 18, 22, 40, 40, 40, 40, 40] -> baseline [18, 22, 18, 22]:
    # mean 20, MRs 4, 4, 4 -> AMR 4; limits 20 ± 2.66 × 4 = 9.36 and 30.64. The later
    # 40s lie above the fixed upper limit (with every value, the mean would be 31.11…).
    values = [8, 12, 8, 18, 22, 18, 22, 40, 40, 40, 40, 40]
    spc = compute_spc(
        values,
        improvement="increase",
        rebase_at=result.rebase_at,
        fix_after=result.fix_after,
        min_points=10,
    )
    before, after = spc.partitions
    assert (before.n, before.baseline_n) == (3, 3)
    assert before.mean == pytest.approx(28 / 3)
    assert (after.n, after.baseline_n) == (9, 4)
    assert (after.mean, after.lpl, after.upl) == pytest.approx((20, 9.36, 30.64))
    flagged = [p.position for p in spc.points if p.special_cause and p.value == 40]
    assert flagged == [7, 8, 9, 10, 11]


def test_the_latest_change_sets_the_baseline_and_an_earlier_different_one_is_said_unused():
    result = partitioning_for(
        YEAR,
        [
            Change(YEAR[2], "First pathway", baseline_values=12),
            Change(YEAR[8], "Second pathway", baseline_values=6),
        ],
    )
    assert (result.rebase_at, result.fix_after) == ((2, 8), 6)
    assert result.warnings == (
        "The baseline set from June 2021 (12 values) is not used: a chart has one baseline, "
        "set by its latest process change.",
        "The baseline set from December 2021 applies to every partition of the chart: the "
        "limits of each rest on its first 6 values.",
    )


def test_no_baseline_on_the_latest_change_means_none_for_the_chart():
    result = partitioning_for(
        YEAR, [Change(YEAR[2], "First", baseline_values=5), Change(YEAR[8], "Second")]
    )
    assert result.fix_after is None
    assert result.warnings == (
        "The baseline set from June 2021 (5 values) is not used: a chart has one baseline, "
        "set by its latest process change.",
    )


def test_a_baseline_on_a_chart_of_one_partition_warns_of_nothing():
    result = partitioning_for(YEAR, [Change(datetime.date(2021, 1, 1), "Before", 12)])
    assert (result.rebase_at, result.fix_after, result.warnings) == ((), 12, ())


def test_period_starts_out_of_order_are_refused():
    with pytest.raises(ValueError, match="time order"):
        partitioning_for([YEAR[1], YEAR[0]], [])
    with pytest.raises(ValueError, match="time order"):
        partitioning_for([YEAR[0], YEAR[0]], [])


def test_an_empty_series_has_nothing_to_partition():
    result = partitioning_for([], [Change(YEAR[0], "Anything", 4)])
    assert (result.rebase_at, result.fix_after, result.recalculations) == ((), None, ())
