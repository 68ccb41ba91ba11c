"""The RAG vocabulary: the product's one rating enum (`Rag`), and the words boards
write, normalised to it.

Words, not the engine: what a rating is. How a value is rated is reporting/rag.py,
which rates in this enum. It sits here, below reporting, because the OKRs app stores
ratings too (programme updates, and the fixtures loader reads them from the
papers); reporting may import okrs, never the reverse. Pure.
"""

from django.db import models


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    BLUE = "blue", "Blue"
    # The engine's answer when there is nothing to rate (no value, no target or no
    # direction of good). A rating given, not stored: rows store STORED_RAG_CHOICES.
    NO_DATA = "no_data", "No data"


# What a stored rating may be: one a board or the engine gave, never 'No data'.
STORED_RAG_CHOICES = [(rag.value, rag.label) for rag in Rag if rag is not Rag.NO_DATA]

# Trusts' papers sometimes say 'Yellow' where their own key only knows Amber
# (the FY18 report does); the original word is kept beside the rating.
_SYNONYMS = {"yellow": Rag.AMBER, "complete": Rag.BLUE, "achieved": Rag.BLUE}


def normalise_rag_word(word: str) -> Rag:
    key = word.strip().lower()
    if key in _SYNONYMS:
        return _SYNONYMS[key]
    if key in Rag.values and key != Rag.NO_DATA:
        return Rag(key)
    raise ValueError(f"{word!r} is not a RAG rating (Red, Amber, Green or Blue).")


# A rating as one letter, beside its colour where space is short (a trend strip).
RAG_MARKS = {Rag.RED: "R", Rag.AMBER: "A", Rag.GREEN: "G", Rag.BLUE: "B", Rag.NO_DATA: "–"}


def rating_marks(ratings: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(period, rating) pairs as a trend strip draws them: (rating, its letter,
    "period: Rating" in words for the strip's text alternative)."""
    return [(rag, RAG_MARKS[rag], f"{period}: {Rag(rag).label}") for period, rag in ratings]
