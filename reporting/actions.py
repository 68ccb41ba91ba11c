"""Writes to reporting data: narratives (and, with the IPR, sign-off and editions)."""

import datetime

from django.db import transaction

from objectives.audit import save_with_audit, update_fields
from objectives.models import Person, StrategicObjective
from okrs.models import ReportingPeriod
from reporting.models import Narrative


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
    narrative = Narrative.objects.filter(objective=objective, period=period, kind=kind).first()
    if narrative is None:
        narrative = Narrative(objective=objective, period=period, kind=kind, **fields)
        save_with_audit(narrative, by=by, reason=reason)
    else:
        update_fields(narrative, fields, by=by, reason=reason)
    return narrative
