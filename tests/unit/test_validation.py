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
    allowed = ValueRules(**{**CCCS.__dict__, "highest": Decimal(150)})
    assert check_value("101", "", allowed).value == Decimal(101)


def test_too_many_decimal_places():
    assert check_value("94.55", "", CCCS).errors == {
        "value": "Enter a number with no more than 1 decimal place"
    }
    counts = ValueRules(measure="count", direction="decrease")
    assert check_value("3.5", "", counts).errors == {"value": "Enter a whole number"}
    assert check_value("-3", "", counts).errors == {
        "value": "Enter a number from 0 to 1,000,000,000"
    }


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


# Issue 9: every value is bounded by its measure's plausible range (an OKR may set
# its own) and by the column's capacity, so one oversized value cannot be stored.
@pytest.mark.parametrize(
    ("measure", "raw", "message"),
    [
        ("count", "99999999999", "Enter a number from 0 to 1,000,000,000"),
        ("percentage_change", "9999999999", "Enter a percentage change from −100% to 1,000%"),
        ("percentage_change", "-101", "Enter a percentage change from −100% to 1,000%"),
        ("score", "9999999999", "Enter a score from 0 to 1,000"),
        ("rate", "-1", "Enter a rate from 0 to 1,000,000"),
        ("currency", "2000000000", "Enter an amount from −£1,000,000,000 to £1,000,000,000"),
    ],
)
def test_a_value_outside_its_measures_plausible_range_is_refused(measure, raw, message):
    checked = check_value(raw, "", ValueRules(measure=measure, direction="increase"))
    assert checked.errors == {"value": message}
    assert checked.value is None


@pytest.mark.parametrize(
    ("measure", "raw"),
    [
        ("count", "1000000000"),
        ("percentage_change", "-100"),
        ("percentage_change", "1000"),
        ("score", "0"),
        ("currency", "-1000000000"),
    ],
)
def test_the_ends_of_a_plausible_range_are_allowed(measure, raw):
    assert check_value(raw, "", ValueRules(measure=measure, direction="increase")).is_valid


def test_an_okr_may_set_its_own_range_within_the_columns_capacity():
    # A ratio of staff in post to establishment, allowed to run over 100%.
    ratio = ValueRules(measure="percentage", direction="increase", highest=Decimal(200))
    assert check_value("150", "", ratio).value == Decimal(150)
    assert check_value("201", "", ratio).errors == {"value": "Enter a percentage from 0% to 200%"}
    # A net promoter score runs from −100 to 100.
    nps = ValueRules(
        measure="score", direction="increase", lowest=Decimal(-100), highest=Decimal(100)
    )
    assert check_value("-40", "", nps).value == Decimal(-40)
    # Whatever an OKR says, a value must fit the column (14 digits, 4 after the point).
    huge = ValueRules(measure="count", direction="increase", highest=Decimal("1e15"))
    assert check_value("10000000000", "", huge).errors == {
        "value": "Enter a number from 0 to 9,999,999,999"
    }


def test_the_percentage_message_is_unchanged():
    assert check_value("100.5", "", CCCS).errors == {
        "value": "Enter a percentage between 0 and 100"
    }


@pytest.mark.parametrize(
    "raw",
    [
        "١٢",  # Arabic-Indic digits
        "１２",  # full-width digits
        "𝟗𝟗",  # mathematical bold digits
        "9,4",  # a decimal comma, or a slip: not a thousands separator
        "1,,,2",
        "1\r\n2",
        "1 2",
        "12,34",
        "1,2345",
        ",123",
        "1e15",
        "1E3",
        "NaN",
        "Infinity",
        "%94",
        "94%%",
        "£-",
        "-",
        "+-5",
        "5-",
        "0x1F",
        "1_000",
    ],
)
def test_only_numbers_as_a_uk_user_types_them_are_read(raw):
    with pytest.raises(ValueError):
        parse_number(raw)


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("94", Decimal(94)),
        ("94.5", Decimal("94.5")),
        ("94%", Decimal(94)),
        ("94 %", Decimal(94)),
        ("1,234", Decimal(1234)),
        ("1,234,567.25", Decimal("1234567.25")),
        ("\u22125", Decimal(-5)),
        ("-5%", Decimal(-5)),
        ("+5", Decimal(5)),
        ("-£1,200", Decimal(-1200)),
        ("£-1,200", Decimal(-1200)),
        ("\u00a094\u00a0", Decimal(94)),
    ],
)
def test_the_formats_a_uk_user_types_are_read(raw, number):
    assert parse_number(raw) == number
