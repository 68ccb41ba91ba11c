"""Writes to reporting data: narratives (and, with the IPR, sign-off and editions)."""

import datetime

from django.db import transaction

from objectives.audit import create_or_update
from objectives.models import OrganisationalUnit, Person, StrategicObjective
from okrs.models import ReportingPeriod
from okrs.ratings import normalise_rag_word
from reporting.models import Narrative, RecordedOverallRating


@transaction.atomic
def record_narrative(
    *,
    by,
    objective: StrategicObjective,
    period: ReportingPeriod,
    kind: str,
    text: str,
    author: Person | None,
    author_title: str = "",
    signed_by: Person | None = None,
    signed_on: datetime.date | None = None,
    source: str = "",
    reason: str,
) -> Narrative:
    fields = {
        "text": text,
        "author": author,
        "author_title": author_title,
        "signed_by": signed_by,
        "signed_on": signed_on,
        "source": source,
    }
    return create_or_update(
        Narrative,
        lookup={"objective": objective, "period": period, "kind": kind},
        fields=fields,
        by=by,
        reason=reason,
    )


@transaction.atomic
def record_overall_rating_as_published(
    *,
    by,
    objective: StrategicObjective,
    period: ReportingPeriod,
    unit: OrganisationalUnit,
    rag_as_written: str,
    source: str = "",
    reason: str,
) -> RecordedOverallRating:
    fields = {
        "rag": normalise_rag_word(rag_as_written).value,
        "rag_as_written": rag_as_written,
        "source": source,
    }
    return create_or_update(
        RecordedOverallRating,
        lookup={"objective": objective, "period": period, "unit": unit},
        fields=fields,
        by=by,
        reason=reason,
    )
