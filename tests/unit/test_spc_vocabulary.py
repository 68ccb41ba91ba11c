"""The SPC vocabulary is defined once (reporting/spc/types.py); the IPR's icons, words,
summary matrix and chart colours all read it."""

import pytest

from reporting.charts import POINT_COLOURS
from reporting.spc import ASSURANCES, POINT_TYPES, VARIATIONS
from reporting.templatetags.ipr_format import assurance_words, spc_icons, variation_words


def test_the_matrix_lists_improvement_first_and_concern_last():
    assert VARIATIONS == (
        "improvement_high",
        "improvement_low",
        "common_cause",
        "neutral_high",
        "neutral_low",
        "concern_high",
        "concern_low",
    )
    assert ASSURANCES == ("pass", "inconsistent", "fail")


@pytest.mark.parametrize(
    ("variation", "css", "letter", "words"),
    [
        ("common_cause", "common", "~", "common cause variation"),
        ("improvement_high", "improvement", "H", "special cause improvement (high)"),
        ("improvement_low", "improvement", "L", "special cause improvement (low)"),
        ("concern_high", "concern", "H", "special cause concern (high)"),
        ("concern_low", "concern", "L", "special cause concern (low)"),
        ("neutral_high", "neutral", "H", "special cause, neither good nor bad (high)"),
        ("neutral_low", "neutral", "L", "special cause, neither good nor bad (low)"),
    ],
)
def test_each_variation_has_its_icon_and_words(variation, css, letter, words):
    icons = spc_icons(variation, None)["icons"]
    assert icons == [{"css": css, "letter": letter, "words": f"Variation: {words}"}]
    assert variation_words(variation) == words[0].upper() + words[1:]


@pytest.mark.parametrize(
    ("assurance", "letter", "words"),
    [
        ("pass", "P", "the target will be met (pass)"),
        ("inconsistent", "?", "the target will be hit and miss"),
        ("fail", "F", "the target will not be met without change (fail)"),
    ],
)
def test_each_assurance_has_its_icon_and_words(assurance, letter, words):
    icons = spc_icons(None, assurance)["icons"]
    assert icons == [
        {"css": f"assurance-{assurance}", "letter": letter, "words": f"Assurance: {words}"}
    ]
    assert assurance_words(assurance) == words[0].upper() + words[1:]


def test_no_icon_and_plain_words_without_spc_or_target():
    assert spc_icons(None, None)["icons"] == []
    assert variation_words(None) == "No SPC"
    assert assurance_words(None) == "No target"


def test_every_point_type_has_a_chart_colour():
    assert set(POINT_TYPES) <= set(POINT_COLOURS)
