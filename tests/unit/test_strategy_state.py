"""How a strategy's state reads (objectives.strategy_state), with hand-picked dates."""

import datetime

from objectives.strategy_state import strategy_state

D = datetime.date
TODAY = D(2026, 4, 1)


def state(*, is_current=True, status_label="Approved", ends_on, today=TODAY) -> str:
    return str(
        strategy_state(
            is_current=is_current, status_label=status_label, ends_on=ends_on, today=today
        )
    )


def test_a_current_strategy_that_ended_yesterday_says_so():
    assert state(ends_on=D(2026, 3, 31)) == "Current (ended 31 March 2026: results continue)"


def test_a_current_strategy_ending_today_has_not_ended():
    assert state(ends_on=D(2026, 4, 1)) == "Current"


def test_a_current_strategy_with_no_end_date_never_ends():
    assert state(ends_on=None) == "Current"
    assert state(ends_on=None, today=D(2099, 12, 31)) == "Current"


def test_a_single_digit_day_has_no_leading_zero():
    assert state(ends_on=D(2025, 9, 5), today=D(2025, 9, 6)) == (
        "Current (ended 5 September 2025: results continue)"
    )


def test_a_strategy_not_current_reads_as_its_status_whatever_its_end():
    assert state(is_current=False, status_label="Superseded", ends_on=D(2018, 3, 31)) == (
        "Superseded"
    )
    assert state(is_current=False, status_label="Draft", ends_on=None) == "Draft"


def test_label_and_note_apart_for_a_caption():
    ended = strategy_state(
        is_current=True, status_label="Approved", ends_on=D(2026, 3, 31), today=TODAY
    )
    assert (ended.label, ended.note) == ("Current", "ended 31 March 2026: results continue")
    running = strategy_state(
        is_current=True, status_label="Approved", ends_on=D(2026, 3, 31), today=D(2026, 3, 31)
    )
    assert (running.label, running.note) == ("Current", "")
