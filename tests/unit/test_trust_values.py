"""The Trust's value from its directorates', worked by hand (okrs.trust_values)."""

from decimal import Decimal as D

from okrs.trust_values import derived_value, range_note


def test_a_sum_adds_every_directorate_s_value():
    figure = derived_value("sum", [D(12), D(30), D(25), D(8)], 4, 0)
    assert (figure.value, figure.note) == (D(75), "Sum of 4 directorates")


def test_a_mean_and_a_median_are_rounded_half_up_to_the_places():
    # (1 + 2 + 2) / 3 = 1.666… → 1.7; median of 1, 2, 2, 4 is (2 + 2) / 2 = 2.
    assert derived_value("mean", [D(1), D(2), D(2)], 3, 1).value == D("1.7")
    assert derived_value("median", [D(1), D(2), D(2), D(4)], 4, 0).value == D(2)
    # 0.125 to 2 places: half up, 0.13 (not the banker's 0.12).
    assert derived_value("mean", [D("0.125")], 1, 2).value == D("0.13")


def test_nothing_is_worked_out_until_every_directorate_owing_one_has_a_value():
    figure = derived_value("sum", [D(12), D(30)], 4, 0)
    assert figure.value is None
    assert figure.note == "Not worked out yet: 2 of 4 directorates have no value"
    assert derived_value("sum", [], 0, 0).note == "Not worked out: no directorate owes a value"


def test_an_entered_value_is_flagged_only_outside_the_directorates_range():
    assert range_note(D(86), [D(78), D(81)], "percentage", 0) == (
        "Entered; outside the range of its directorates (78% to 81%): check it"
    )
    assert range_note(D(81), [D(78), D(81)], "percentage", 0) == ""
    assert range_note(D(86), [D(78)], "percentage", 0) == ""  # one value: nothing to compare


def test_a_ratio_is_the_sum_of_numerators_over_the_sum_of_denominators():
    """47/50, 90/100, 30/40, 120/125: Σ 287 ÷ Σ 315 × 100 = 91.111… → 91.1 (the mean
    of the four rates, 88.75, would be wrong)."""
    fractions = [(D(47), D(50)), (D(90), D(100)), (D(30), D(40)), (D(120), D(125))]
    figure = derived_value("ratio", [D(94), D(90), D(75), D(96)], 4, 1, fractions=fractions)
    assert (figure.value, figure.numerator, figure.denominator) == (D("91.1"), D(287), D(315))
    assert figure.note == "Σ numerators ÷ Σ denominators of 4 directorates: 287 ÷ 315"


def test_a_ratio_needs_every_numerator_and_denominator():
    fractions = [(D(47), D(50)), (None, None)]
    figure = derived_value("ratio", [D(94), D(90)], 2, 1, fractions=fractions)
    assert figure.value is None
    assert figure.note == "Not worked out: a directorate's value has no numerator and denominator"
