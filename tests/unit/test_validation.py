"""Value checks, with worked examples from the rules in okrs/validation.py."""

from decimal import Decimal

import pytest

from okrs.targets import misses_beyond_tolerance, shortfall, tolerance_amount
from okrs.validation import ValueRules, check_value, parse_number

CCCS = ValueRules(
    measure="percentage",
    direction="increase",
    decimal_places=1,
    target=Decimal(95),
    tolerance=Decimal(2),
    tolerance_kind="absolute",
)
SICKNESS = ValueRules(
    measure="percentage",
    direction="decrease",
    decimal_places=1,
    target=Decimal("3.5"),
    tolerance=Decimal(10),
    tolerance_kind="relative",
)


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("94", Decimal(94)),
        (" 94.5 ", Decimal("94.5")),
        ("94%", Decimal(94)),
        ("£1,200", Decimal(1200)),
        ("\u22125", Decimal(-5)),
        ("-5", Decimal(-5)),
        (".5", Decimal("0.5")),
        ("", None),
    ],
)
def test_numbers_are_read_as_people_type_them(raw, number):
    assert parse_number(raw) == number


@pytest.mark.parametrize("raw", ["abc", "9 4x", "1.2.3", "--5", "=A1"])
def test_text_that_is_not_a_number_is_refused(raw):
    checked = check_value(raw, "", CCCS)
    assert checked.errors == {"value": "Enter a number, like 94 or 94.5"}
    assert checked.value is None


def test_a_percentage_must_be_between_0_and_100():
    assert check_value("101", "", CCCS).errors == {"value": "Enter a percentage between 0 and 100"}
    assert check_value("-1", "", CCCS).errors["value"].startswith("Enter a percentage")
    allowed = ValueRules(**{**CCCS.__dict__, "allow_out_of_range": True})
    assert check_value("101", "", allowed).value == Decimal(101)


def test_too_many_decimal_places():
    assert check_value("94.55", "", CCCS).errors == {
        "value": "Enter a number with no more than 1 decimal place"
    }
    counts = ValueRules(measure="count", direction="decrease")
    assert check_value("3.5", "", counts).errors == {"value": "Enter a whole number"}
    assert check_value("-3", "", counts).errors == {"value": "Enter a number of 0 or more"}


def test_shortfall_by_direction():
    # Higher is better: 94 against a floor of 95 falls 1 short; 96 none.
    assert shortfall(Decimal(94), Decimal(95), "increase") == Decimal(1)
    assert shortfall(Decimal(96), Decimal(95), "increase") == Decimal(0)
    # Lower is better: sickness 8% against a ceiling of 3.5% falls 4.5 short.
    assert shortfall(Decimal(8), Decimal("3.5"), "decrease") == Decimal("4.5")
    assert shortfall(Decimal(-11), Decimal(-10), "decrease") == Decimal(0)
    assert shortfall(Decimal(-5), Decimal(-10), "decrease") == Decimal(5)
    assert shortfall(Decimal(1), Decimal(5), "neutral") == Decimal(0)


def test_tolerance_absolute_or_relative():
    assert tolerance_amount(Decimal(95), Decimal(2), "absolute") == Decimal(2)
    # 10% of a 3.5% target is 0.35 percentage points.
    assert tolerance_amount(Decimal("3.5"), Decimal(10), "relative") == Decimal("0.35")
    assert tolerance_amount(Decimal(-10), Decimal(20), "relative") == Decimal(2)


@pytest.mark.parametrize(
    ("value", "beyond"),
    [(Decimal(95), False), (Decimal(93), False), (Decimal("92.9"), True), (Decimal(92), True)],
)
def test_beyond_tolerance_is_strictly_more_than_it(value, beyond):
    # 95% target, 2 points tolerance: 93 is exactly 2 short (within); 92.9 is beyond.
    assert (
        misses_beyond_tolerance(
            value, Decimal(95), direction="increase", tolerance=Decimal(2), kind="absolute"
        )
        is beyond
    )


def test_a_comment_is_required_only_beyond_tolerance():
    assert check_value("93", "", CCCS).is_valid
    needs = check_value("92", "", CCCS)
    assert needs.value == Decimal(92)
    assert needs.errors == {
        "comment": "Explain in a comment why the value misses its target of 95% "
        "by more than the tolerance of 2 percentage points"
    }
    assert check_value("92", "Training backlog after Covid", CCCS).is_valid
    relative = check_value("3.9", "", SICKNESS)
    assert relative.errors["comment"].endswith("tolerance of 10% of the target (0.35)")
    assert check_value("3.8", "", SICKNESS).is_valid  # 0.3 short, within 0.35


def test_an_empty_value_is_not_an_error_by_itself():
    checked = check_value("", "", CCCS)
    assert checked.is_valid and checked.value is None


def test_with_no_tolerance_any_miss_needs_a_comment_and_the_message_says_only_the_target():
    strict = ValueRules(measure="percentage", direction="increase", target=Decimal(95))
    assert check_value("94.9", "", strict).errors == {
        "comment": "Explain in a comment why the value misses its target of 95%"
    }
    assert check_value("95", "", strict).is_valid
