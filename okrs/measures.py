"""What an OKR measures and which way is good: the codes every part of the product
compares against (formatting, validation, RAG, the IPR, exports, imports).

Here, apart from the models, so pure modules use the enums rather than spelling the
codes: okrs.models stores them (the choices are these), reporting reads them.
"""

from django.db import models


class Measure(models.TextChoices):
    PERCENTAGE = "percentage", "Percentage"
    PERCENTAGE_CHANGE = "percentage_change", "Percentage change"
    COUNT = "count", "Count"
    RATE = "rate", "Rate"
    CURRENCY = "currency", "£"
    SCORE = "score", "Score"


# Measures whose values, targets and tolerances read in percentage points.
PERCENTAGE_MEASURES = (Measure.PERCENTAGE, Measure.PERCENTAGE_CHANGE)


class Direction(models.TextChoices):
    INCREASE = "increase", "Higher is better"
    DECREASE = "decrease", "Lower is better"
    NEUTRAL = "neutral", "Neither higher nor lower is better"


# Directions with a good side, so a target can be met or missed.
RATED_DIRECTIONS = (Direction.INCREASE, Direction.DECREASE)
