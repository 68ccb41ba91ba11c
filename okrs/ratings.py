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


# Trusts' papers sometimes say 'Yellow' where their own key only knows Amber
# (the FY18 report does); the original word is kept beside the rating.
_SYNONYMS = {"yellow": Rag.AMBER, "complete": Rag.BLUE, "achieved": Rag.BLUE}


def normalise_rag_word(word: str) -> Rag:
    key = word.strip().lower()
    if key in Rag.values:
        return Rag(key)
    if key in _SYNONYMS:
        return _SYNONYMS[key]
    raise ValueError(f"{word!r} is not a RAG rating (Red, Amber, Green or Blue).")
