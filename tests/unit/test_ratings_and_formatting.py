from decimal import Decimal

import pytest

from okrs.formatting import format_value
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
