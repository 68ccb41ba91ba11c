"""RAG ratings against worked examples derived by hand from the rules in reporting/rag.py."""

from decimal import Decimal

import pytest

from okrs.ratings import Rag
from reporting.rag import CombinationMethod, CombinationRule, combine, rate_value

D = Decimal
POINTS = CombinationRule(CombinationMethod.POINTS_AVERAGE, D("2.5"), D("1.5"))
WORST = CombinationRule(CombinationMethod.WORST_OF)


def rate(value, target, direction="increase", tolerance=2, measure="percentage", **kwargs):
    return rate_value(
        None if value is None else D(value),
        target=None if target is None else D(target),
        direction=direction,
        measure=measure,
        tolerance=D(tolerance),
        **kwargs,
    )


def test_met_within_tolerance_and_beyond():
    assert rate(95, 95).rating is Rag.GREEN
    assert rate(97, 95).rating is Rag.GREEN
    assert rate(94, 95).rating is Rag.AMBER
    assert rate(93, 95).rating is Rag.AMBER  # exactly the tolerance: still Amber
    assert rate("92.9", 95).rating is Rag.RED
    # Lower is better: 4% sickness against ≤3.5% with 1 point tolerance is Amber.
    assert rate(4, "3.5", "decrease", 1).rating is Rag.AMBER
    assert rate(5, "3.5", "decrease", 1).rating is Rag.RED


def test_every_rating_explains_itself():
    assert rate(94, 95).explanation == (
        "94% against ≥95%, 1 point short, within the 2 points tolerance: Amber"
    )
    assert rate(-5, -10, "decrease", measure="percentage_change").explanation == (
        "−5% against ≤−10%, 5 points short, beyond the 2 points tolerance: Red"
    )
    assert rate(80, 90, tolerance=5, measure="score").explanation == (
        "80 against ≥90, 10 short, beyond the 5 tolerance: Red"
    )
    assert rate(90, 90, measure="score").explanation == "90 against ≥90, target met: Green"


def test_no_value_is_never_coloured_as_a_rating():
    assert rate(None, 95).rating is Rag.NO_DATA
    assert rate(None, 95).rating.label == "No data"
    assert rate(94, None).rating is Rag.NO_DATA
    assert rate(94, 95, "neutral").rating is Rag.NO_DATA


def test_an_achieved_okr_is_blue():
    assert rate(80, 95, achieved=True).rating is Rag.BLUE


def test_relative_tolerance():
    # 10% of a 90 target is 9: 82 is 8 short (Amber), 80 is 10 short (Red).
    assert rate(82, 90, tolerance=10, tolerance_kind="relative", measure="score").rating is (
        Rag.AMBER
    )
    assert rate(80, 90, tolerance=10, tolerance_kind="relative", measure="score").rating is (
        Rag.RED
    )


@pytest.mark.parametrize(
    ("ratings", "overall", "explanation"),
    [
        # Points: Red 1, Amber 2, Green 3; average ≥2.5 Green, ≥1.5 Amber, else Red.
        ("RARR", Rag.RED, "3 Red, 1 Amber: 5 points over 4 OKRs = 1.25"),
        ("GAGG", Rag.GREEN, "1 Amber, 3 Green: 11 points over 4 OKRs = 2.75"),
        ("ARAR", Rag.AMBER, "2 Red, 2 Amber: 6 points over 4 OKRs = 1.5"),
    ],
)
def test_points_average(ratings, overall, explanation):
    letters = {"R": Rag.RED, "A": Rag.AMBER, "G": Rag.GREEN}
    result = combine([letters[letter] for letter in ratings], POINTS)
    assert result.rating is overall
    assert result.explanation.startswith(explanation)
    assert result.explanation.endswith(f": {overall.label}")


def test_worst_of():
    assert combine([Rag.GREEN, Rag.AMBER], WORST).rating is Rag.AMBER
    assert combine([Rag.GREEN, Rag.RED, Rag.AMBER], WORST).rating is Rag.RED
    assert combine([Rag.BLUE, Rag.GREEN], WORST).rating is Rag.GREEN


def test_unrated_okrs_are_left_out_and_none_rated_gives_no_data():
    result = combine([Rag.GREEN, Rag.NO_DATA], POINTS)
    assert result.rating is Rag.GREEN and "1 without a rating left out" in result.explanation
    assert combine([Rag.NO_DATA], POINTS).rating is Rag.NO_DATA
    assert combine([], WORST).rating is Rag.NO_DATA


# The year-one Quality table (003), with the tolerances stored on the OKRs
# (harm 2, CCCS 2, sickness 1, satisfaction 5 points), rated by hand:
#
#                   Community  Oxon&BSW  Bucks  Specialised  Trust
# harm ≤−10%        −5 R       −11 G     −9 A   −10 G        −7 R
# CCCS ≥95%         94 A       94 A      92 R   97 G         94 A
# sickness ≤3.5%    8 R        3 G       4 A    4 A          5 R
# satisfaction ≥90  80 R       90 G      80 R   90 G         85 A
# points            5 → 1.25   11 → 2.75 6 → 1.5 11 → 2.75   6 → 1.5
# overall           Red        Green     Amber  Green        Amber   (the slide's row)
SLIDE = {
    "Community Services": ([-5, 94, 8, 80], "RARR", Rag.RED),
    "Oxon & BSW MH": ([-11, 94, 3, 90], "GAGG", Rag.GREEN),
    "Bucks MH": ([-9, 92, 4, 80], "ARAR", Rag.AMBER),
    "Specialised": ([-10, 97, 4, 90], "GGAG", Rag.GREEN),
    "Trust": ([-7, 94, 5, 85], "RARA", Rag.AMBER),
}
OKRS = [  # target, direction, tolerance, measure
    (-10, "decrease", 2, "percentage_change"),
    (95, "increase", 2, "percentage"),
    ("3.5", "decrease", 1, "percentage"),
    (90, "increase", 5, "score"),
]


@pytest.mark.parametrize("unit", list(SLIDE))
def test_the_slides_overall_row_from_the_stored_rules(unit):
    values, expected_letters, overall = SLIDE[unit]
    ratings = [
        rate(value, target, direction, tolerance, measure).rating
        for value, (target, direction, tolerance, measure) in zip(values, OKRS, strict=True)
    ]
    assert "".join(rating.value[0].upper() for rating in ratings) == expected_letters
    assert combine(ratings, POINTS).rating is overall
