"""Writes to reporting data: narratives (and, with the IPR, sign-off and editions)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from objectives.audit import create_or_update
from objectives.models import OrganisationalUnit, Person, StrategicObjective
from okrs import periods
from okrs.models import ReportingPeriod
from okrs.ratings import normalise_rag_word
from reporting.ipr import assemble_ipr, describe_changes, ipr_to_dict
from reporting.models import IprEdition, Narrative, RecordedOverallRating


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


class NothingToPublish(ValidationError):
    pass


@transaction.atomic
def publish_ipr(*, by, data_month: datetime.date, note: str = "") -> IprEdition:
    """Freeze the IPR for a month as a new edition. The first is revision 1; a later
    one, after corrections, is the next revision with the list of what changed."""
    if not by.has_perm("portal.publish_ipr"):
        raise PermissionDenied("Only a board secretary or administrator can publish the IPR.")
    month = periods.span_containing(periods.MONTHLY, data_month).starts_on
    # Lock the month's editions so two secretaries cannot both publish revision n.
    previous = (
        IprEdition.objects.select_for_update()
        .filter(data_month=month)
        .order_by("-revision")
        .first()
    )
    report = ipr_to_dict(assemble_ipr(month))
    changes = []
    if previous is not None:
        changes = describe_changes(previous.report, report)
        if not changes:
            raise NothingToPublish(
                f"Nothing has changed since revision {previous.revision}: it stays the edition."
            )
    return IprEdition.objects.create(
        data_month=month,
        revision=previous.revision + 1 if previous else 1,
        published_at=timezone.now(),
        published_by=by,
        report=report,
        changes=changes,
        note=note.strip(),
    )
