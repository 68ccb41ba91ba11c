"""Template helpers for the IPR's formatting: SPC icons as a letter, a colour and words;
long dates. Named apart from the `reporting.ipr` package, which assembles the report."""

from django import template

from okrs.formatting import words
from reporting.spc.types import ASSURANCE_WORDS, ASSURANCES, VARIATION_WORDS, VARIATIONS

register = template.Library()

# An icon's colour (its CSS class) and letter, from the SPC vocabulary: the point
# type colours it; the side it broke out on, high or low, letters it.
_VARIATION = {
    variation: (
        "common" if variation == "common_cause" else variation.split("_")[0],
        "~" if variation == "common_cause" else variation.rpartition("_")[2][0].upper(),
        VARIATION_WORDS[variation],
    )
    for variation in VARIATIONS
}
_ASSURANCE_LETTERS = {"pass": "P", "fail": "F", "inconsistent": "?"}
_ASSURANCE = {
    assurance: (f"assurance-{assurance}", _ASSURANCE_LETTERS[assurance], ASSURANCE_WORDS[assurance])
    for assurance in ASSURANCES
}


@register.inclusion_tag("components/spc_icons.html")
def spc_icons(variation: str | None, assurance: str | None) -> dict:
    icons = []
    if variation in _VARIATION:
        css, letter, words = _VARIATION[variation]
        icons.append({"css": css, "letter": letter, "words": f"Variation: {words}"})
    if assurance in _ASSURANCE:
        css, letter, words = _ASSURANCE[assurance]
        icons.append({"css": css, "letter": letter, "words": f"Assurance: {words}"})
    return {"icons": icons}


@register.simple_tag
def variation_words(variation: str) -> str:
    return _VARIATION[variation][2].capitalize() if variation in _VARIATION else "No SPC"


@register.simple_tag
def assurance_words(assurance: str) -> str:
    return _ASSURANCE[assurance][2].capitalize() if assurance in _ASSURANCE else "No target"


@register.filter
def long_date(iso: str | None) -> str:
    """'2020-11-12' (as the assembled report stores dates) → '12 November 2020'."""
    if not iso:
        return ""
    import datetime

    day = datetime.date.fromisoformat(iso[:10])
    return f"{day.day} {day:%B %Y}"


register.filter("words", words)
