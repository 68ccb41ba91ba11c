from decimal import Decimal

import pytest

from okrs.formatting import format_value, plain_number, tolerance_text
from okrs.ratings import Rag, normalise_rag_word


@pytest.mark.parametrize(
    ("word", "rag"),
    [
        ("Red", Rag.RED),
        ("amber", Rag.AMBER),
        ("Yellow", Rag.AMBER),  # the FY18 report's word for Amber
        (" Green ", Rag.GREEN),
        ("Blue", Rag.BLUE),
        ("Complete", Rag.BLUE),
    ],
)
def test_rag_words_normalise(word, rag):
    assert normalise_rag_word(word) is rag


@pytest.mark.parametrize("word", ["Purple", "no_data"])
def test_an_unknown_rag_word_is_refused(word):
    # 'No data' is the engine's answer when there is nothing to rate, never a board's.
    with pytest.raises(ValueError, match="not a RAG rating"):
        normalise_rag_word(word)


@pytest.mark.parametrize(
    ("value", "measure", "text"),
    [
        (Decimal("94.0000"), "percentage", "94%"),
        (Decimal("-5.0000"), "percentage_change", "\u22125%"),
        (Decimal("-1250"), "currency", "\u2212£1,250"),
        (Decimal("3.5000"), "percentage", "3.5%"),
        (Decimal("1194817.00"), "currency", "£1,194,817"),
        (Decimal("85"), "score", "85"),
        (Decimal("3500"), "count", "3,500"),
        (None, "percentage", "No data"),
    ],
)
def test_values_read_as_the_measure_says(value, measure, text):
    assert format_value(value, measure) == text


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (Decimal("94.5000"), "94.5"),
        (Decimal("1E+3"), "1000"),
        (Decimal("-0.0"), "0"),
        (Decimal("0.00001"), "0.00001"),
        (Decimal("-2.50"), "-2.5"),
        (1200, "1200"),
        (0, "0"),
        (92.0, "92"),
        (0.1, "0.1"),  # a float as written, not its binary expansion
        (1e-05, "0.00001"),
        (-0.0, "0"),
        (1e20, "100000000000000000000"),
    ],
)
def test_a_plain_number_reads_as_typed(number, text):
    assert plain_number(number) == text


@pytest.mark.parametrize(
    ("tolerance", "kind", "measure", "worked_out", "text"),
    [
        (Decimal("5.00"), "relative", "count", None, "5% of the target"),
        # 5% of a target of 90 is 4.5.
        (Decimal("5.00"), "relative", "count", Decimal("4.500"), "5% of the target (4.5)"),
        (Decimal("1.00"), "absolute", "percentage", None, "1 percentage point"),
        (Decimal("2.00"), "absolute", "percentage", None, "2 percentage points"),
        (Decimal("0.5"), "absolute", "percentage_change", None, "0.5 percentage points"),
        (Decimal("1000"), "absolute", "currency", None, "£1,000"),
        (Decimal("3"), "absolute", "count", None, "3"),
        (Decimal("0"), "absolute", "percentage", None, "none"),
    ],
)
def test_a_tolerance_reads_one_way(tolerance, kind, measure, worked_out, text):
    assert tolerance_text(tolerance, kind=kind, measure=measure, worked_out=worked_out) == text


@pytest.mark.parametrize(
    ("value", "measure", "places", "expected"),
    [
        (Decimal("4"), "percentage", 1, "4.0%"),
        (Decimal("3.45"), "percentage", 1, "3.5%"),  # half up, as people round
        (Decimal("-0.04"), "percentage", 1, "0.0%"),  # no minus on a value shown as zero
        (Decimal("-2.5"), "rate", 2, "\u22122.50"),
        (Decimal("1200.5"), "currency", 2, "£1,200.50"),
        (Decimal("1200"), "count", 1, "1,200"),  # a count is whole whatever is declared
        (Decimal("95"), "percentage", None, "95%"),  # no places: as few as it needs
    ],
)
def test_a_value_is_shown_with_the_decimal_places_asked_for(value, measure, places, expected):
    assert format_value(value, measure, places) == expected
