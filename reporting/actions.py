"""Writes to reporting data: narratives (and, with the IPR, sign-off and editions)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from objectives.audit import create_or_update, save_with_audit
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


NARRATIVE_FIELDS = ("text", "chart_shows", "issues", "actions", "risks", "expected_recovery")


@transaction.atomic
def write_narrative(
    *,
    by,
    objective: StrategicObjective,
    period: ReportingPeriod,
    key_result=None,
    content: dict[str, str],
    sign_off: bool = False,
    today: datetime.date | None = None,
) -> Narrative:
    """Write (or rewrite) an executive summary, or an OKR commentary when
    `key_result` is given. Changing signed-off words withdraws the sign-off;
    `sign_off=True` signs as the executive director."""
    if not by.has_perm("portal.write_narrative", objective):
        raise PermissionDenied(
            "Only the objective's executive director or a named delegate can write this."
        )
    if sign_off and not by.has_perm("portal.sign_narrative", objective):
        raise PermissionDenied("Only the objective's executive director can sign it off.")
    today = today or timezone.localdate()
    kind = Narrative.Kind.OKR_COMMENTARY if key_result else Narrative.Kind.EXECUTIVE_SUMMARY
    lookup = {"period": period, "kind": kind}
    lookup |= {"key_result": key_result} if key_result else {"objective": objective}
    narrative = Narrative.objects.select_for_update().filter(**lookup).first()
    words = {name: (content.get(name) or "").strip() for name in NARRATIVE_FIELDS}
    if not any(words.values()):
        raise ValidationError("Write something before saving.")
    person = by.person
    changed = narrative is None or any(
        getattr(narrative, name) != value for name, value in words.items()
    )
    if narrative is None:
        narrative = Narrative(objective=objective, key_result=key_result, period=period, kind=kind)
    if changed:
        for name, value in words.items():
            setattr(narrative, name, value)
        narrative.author = person
        narrative.author_title = ", ".join(
            assignment.role.title
            for assignment in person.role_assignments.select_related("role")
            if assignment.is_active_on(today)
        )
        if narrative.signed_by_id and not sign_off:
            narrative.signed_by, narrative.signed_on = None, None
    if sign_off:
        narrative.signed_by, narrative.signed_on = person, today
    reason = "Signed off" if sign_off else "Narrative written"
    if changed and narrative.pk and not sign_off:
        reason = "Narrative changed; any sign-off withdrawn"
    save_with_audit(narrative, by=by, reason=reason)
    return narrative
