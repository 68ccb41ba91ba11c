"""RAG words as boards write them, normalised to the product's ratings.

Pure: used by the fixtures loader for programme updates and by reporting.
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
