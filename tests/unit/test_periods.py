import datetime

import pytest

from okrs import periods

D = datetime.date


@pytest.mark.parametrize(
    ("label", "frequency", "starts_on", "ends_on"),
    [
        # The NHS financial year runs April to March: Q1 is April–June.
        ("Q1 2020/21", "quarterly", D(2020, 4, 1), D(2020, 6, 30)),
        ("Q2 2020/21", "quarterly", D(2020, 7, 1), D(2020, 9, 30)),
        ("Q3 2020/21", "quarterly", D(2020, 10, 1), D(2020, 12, 31)),
        ("Q4 2020/21", "quarterly", D(2021, 1, 1), D(2021, 3, 31)),
        ("Q4 1999/00", "quarterly", D(2000, 1, 1), D(2000, 3, 31)),
        ("June 2021", "monthly", D(2021, 6, 1), D(2021, 6, 30)),
        ("February 2024", "monthly", D(2024, 2, 1), D(2024, 2, 29)),
        ("2020-09", "monthly", D(2020, 9, 1), D(2020, 9, 30)),
    ],
)
def test_labels_name_the_periods_nhs_papers_mean(label, frequency, starts_on, ends_on):
    span = periods.parse_period_label(label)
    assert (span.frequency, span.starts_on, span.ends_on) == (frequency, starts_on, ends_on)


def test_labels_round_trip():
    assert periods.period_label("quarterly", D(2021, 7, 1)) == "Q2 2021/22"
    assert periods.period_label("quarterly", D(2022, 2, 1)) == "Q4 2021/22"
    assert periods.period_label("monthly", D(2021, 6, 1)) == "June 2021"


@pytest.mark.parametrize("label", ["Q5 2020/21", "Q2 2020/22", "Sept 2020", "2020", ""])
def test_a_bad_label_is_refused_with_an_example(label):
    with pytest.raises(ValueError, match="Q2 2020/21|quarter|financial year"):
        periods.parse_period_label(label)


def test_next_and_previous_cross_the_financial_year():
    q4 = periods.parse_period_label("Q4 2020/21")
    assert periods.next_span(q4) == periods.parse_period_label("Q1 2021/22")
    assert periods.previous_span(periods.parse_period_label("Q1 2021/22")) == q4
    december = periods.parse_period_label("December 2020")
    assert periods.next_span(december) == periods.parse_period_label("January 2021")


def test_the_quarter_containing_a_day():
    span = periods.span_containing("quarterly", D(2020, 9, 30))
    assert periods.period_label(span.frequency, span.starts_on) == "Q2 2020/21"
    span = periods.span_containing("quarterly", D(2021, 3, 1))
    assert periods.period_label(span.frequency, span.starts_on) == "Q4 2020/21"


def test_default_entry_windows():
    # September 2020: opens 1 Oct, due 15 Oct, closes at the end of October.
    window = periods.default_entry_window(periods.parse_period_label("September 2020"))
    assert (window.opens_on, window.due_on, window.closes_on) == (
        D(2020, 10, 1),
        D(2020, 10, 15),
        D(2020, 10, 31),
    )
    # Q2 2020/21 ends 30 September: opens 1 Oct, due 20 Oct, closes 30 November.
    window = periods.default_entry_window(periods.parse_period_label("Q2 2020/21"))
    assert (window.opens_on, window.due_on, window.closes_on) == (
        D(2020, 10, 1),
        D(2020, 10, 20),
        D(2020, 11, 30),
    )
    # December: the window crosses into the new year.
    window = periods.default_entry_window(periods.parse_period_label("December 2020"))
    assert window.closes_on == D(2021, 1, 31)


def test_the_calendar_edges_are_refused_plainly_not_overflowed():
    """Stepping before 1 January 0001 or after 31 December 9999 is a ValueError
    callers can report, not an OverflowError."""
    with pytest.raises(ValueError, match="calendar"):
        periods.previous_span(periods.month_span(1, 1))
    with pytest.raises(ValueError, match="calendar"):
        periods.next_span(periods.month_span(9999, 12))
    with pytest.raises(ValueError, match="calendar"):
        periods.previous_span(periods.span_containing("quarterly", D(1, 2, 3)))
    with pytest.raises(ValueError, match="calendar"):
        periods.default_entry_window(periods.month_span(9999, 12))
    assert periods.next_span(periods.month_span(9999, 11)).starts_on == D(9999, 12, 1)


@pytest.mark.parametrize(
    ("text", "month"),
    [("2026-10", D(2026, 10, 1)), ("2012-01", D(2012, 1, 1)), ("0001-01", D(1, 1, 1))],
)
def test_a_month_in_an_address_is_year_dash_month(text, month):
    assert periods.parse_month(text) == month


@pytest.mark.parametrize(
    "text",
    ["2026/10", "<script>", "2026-13", "2026-00", "2026-1", "26-10", "2026-10-01", "", " 2026-10"],
)
def test_anything_else_is_not_a_month(text):
    with pytest.raises(ValueError, match="such as 2020-09"):
        periods.parse_month(text)


def test_the_reportable_months_run_from_the_first_strategy_to_the_next_financial_year():
    months = periods.reportable_months(
        earliest_start=D(2012, 1, 31), latest_end=D(2026, 3, 31), today=D(2026, 11, 30)
    )
    assert (months.first, months.last) == (D(2012, 1, 1), D(2028, 3, 1))
    assert D(2012, 1, 1) in months and D(2028, 3, 31) in months
    assert D(2011, 12, 31) not in months and D(2028, 4, 1) not in months
    # A strategy agreed further ahead extends the range to its end.
    later = periods.reportable_months(
        earliest_start=D(2012, 1, 31), latest_end=D(2031, 3, 31), today=D(2026, 11, 30)
    )
    assert later.last == D(2031, 3, 1)
    # With no dated strategy, the current and next financial years.
    empty = periods.reportable_months(earliest_start=None, latest_end=None, today=D(2026, 5, 2))
    assert (empty.first, empty.last) == (D(2026, 4, 1), D(2028, 3, 1))


@pytest.mark.parametrize(
    "label", ["２０２０-09", "September ２０２０", "Q2 ２０２０/21", "Q2 2020/²¹"]
)
def test_period_labels_take_ascii_digits_only(label):
    with pytest.raises(ValueError):
        periods.parse_period_label(label)
