"""The rule for the Board's exceptions (reporting/exceptions.py), against cases
worked by hand from it."""

import datetime

import pytest

from reporting.exceptions import amber_run, exception_reasons


def month(year: int, number: int) -> tuple[datetime.date, datetime.date]:
    starts_on = datetime.date(year, number, 1)
    following = datetime.date(year + number // 12, number % 12 + 1, 1)
    return starts_on, following - datetime.timedelta(days=1)


def rated(*ratings: tuple[tuple[datetime.date, datetime.date], str]):
    """Newest first, as the rule reads them."""
    return [(*span, rag) for span, rag in ratings]


def test_three_amber_months_one_after_another_are_a_run_of_three():
    assert (
        amber_run(
            rated(
                (month(2016, 6), "amber"),
                (month(2016, 5), "amber"),
                (month(2016, 4), "amber"),
                (month(2016, 3), "green"),
            )
        )
        == 3
    )


def test_a_run_stops_at_the_first_period_not_amber():
    assert (
        amber_run(
            rated((month(2016, 6), "amber"), (month(2016, 5), "red"), (month(2016, 4), "amber"))
        )
        == 1
    )


def test_a_missing_month_breaks_the_run():
    """June and April were Amber, but May has no value: a run of 1."""
    assert amber_run(rated((month(2016, 6), "amber"), (month(2016, 4), "amber"))) == 1


def test_quarters_one_after_another_count_like_months():
    q1 = (datetime.date(2020, 4, 1), datetime.date(2020, 6, 30))
    q2 = (datetime.date(2020, 7, 1), datetime.date(2020, 9, 30))
    assert amber_run(rated((q2, "amber"), (q1, "amber"))) == 2


def test_a_value_not_amber_has_no_run():
    assert amber_run(rated((month(2016, 6), "green"), (month(2016, 5), "amber"))) == 0
    assert amber_run([]) == 0


def test_the_rule_reads_no_further_back_than_the_run_goes():
    def ratings():
        yield (*month(2016, 6), "amber")
        yield (*month(2016, 5), "green")
        raise AssertionError("read past the end of the run")

    assert amber_run(ratings()) == 1


@pytest.mark.parametrize(
    ("rag", "run", "variation", "assurance", "reasons"),
    [
        # Red with common cause and no assurance reading: Red alone is enough.
        ("red", 0, "common_cause", None, ["Red"]),
        (
            "red",
            0,
            "concern_low",
            "fail",
            ["Red", "special cause of concern", "will not meet its target without change"],
        ),
        # Amber: listed from a run of 3 (the default), with the run's length.
        ("amber", 2, "common_cause", "inconsistent", []),
        ("amber", 3, "common_cause", "inconsistent", ["Amber for 3 periods running"]),
        ("amber", 5, None, None, ["Amber for 5 periods running"]),
        # Green with a concern, or failing assurance, is still an exception.
        ("green", 0, "concern_high", "pass", ["special cause of concern"]),
        ("green", 0, "common_cause", "fail", ["will not meet its target without change"]),
        # An improvement is not a concern; passing or inconsistent is not failing.
        ("green", 0, "improvement_high", "inconsistent", []),
        ("blue", 0, None, None, []),
        ("no_data", 0, None, None, []),
    ],
)
def test_why_a_value_is_an_exception(rag, run, variation, assurance, reasons):
    assert (
        exception_reasons(
            rag=rag, amber_run=run, amber_periods=3, variation=variation, assurance=assurance
        )
        == reasons
    )


def test_the_strategy_s_own_run_length_is_the_one_used():
    assert exception_reasons(
        rag="amber", amber_run=2, amber_periods=2, variation=None, assurance=None
    ) == ["Amber for 2 periods running"]
