"""Template helpers for the IPR's formatting: SPC icons as a letter, a colour and words;
long dates. Named apart from the `reporting.ipr` package, which assembles the report."""

from django import template

from okrs.formatting import words

register = template.Library()

_VARIATION = {
    "common_cause": ("common", "~", "common cause variation"),
    "improvement_high": ("improvement", "H", "special cause improvement (high)"),
    "improvement_low": ("improvement", "L", "special cause improvement (low)"),
    "concern_high": ("concern", "H", "special cause concern (high)"),
    "concern_low": ("concern", "L", "special cause concern (low)"),
    "neutral_high": ("neutral", "H", "special cause, neither good nor bad (high)"),
    "neutral_low": ("neutral", "L", "special cause, neither good nor bad (low)"),
}
_ASSURANCE = {
    "pass": ("assurance-pass", "P", "the target will be met (pass)"),
    "fail": ("assurance-fail", "F", "the target will not be met without change (fail)"),
    "inconsistent": ("assurance-inconsistent", "?", "the target will be hit and miss"),
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
