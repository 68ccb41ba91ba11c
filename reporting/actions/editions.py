"""Writes to the report's words and editions: narratives and their sign-off,
published editions, and their Board cover sheets."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from objectives.audit import (
    create_or_update,
    refuse_stale,
    save_with_audit,
    update_fields,
)
from objectives.models import OrganisationalUnit, Person, StrategicObjective
from objectives.text import PAGE, PARAGRAPH, SHORT_TEXT, plain_text, too_long
from okrs import actions as okr_actions
from okrs import periods
from okrs import selectors as okr_selectors
from okrs.models import ReportingPeriod
from okrs.ratings import normalise_rag_word
from reporting import selectors
from reporting.ipr import assemble_ipr, describe_changes, ipr_from_dict, ipr_to_dict
from reporting.models import (
    BoardCover,
    IprEdition,
    Narrative,
    RecordedOverallRating,
)
from reporting.pack import default_cover, latest_cover


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


def month_has_ended(month: datetime.date, today: datetime.date | None = None) -> bool:
    """A month's report can be published only once its data month is over."""
    return periods.month_span(month.year, month.month).ends_on < (today or timezone.localdate())


class ReasonNeeded(ValidationError):
    """The month-close checklist has open items and no reason was given."""


@transaction.atomic
def publish_ipr(*, by, data_month: datetime.date, note: str = "", reason: str = "") -> IprEdition:
    """Freeze the IPR for a month as a new edition. The first is revision 1; a later
    one, after corrections, is the next revision with the list of what changed.

    The month-close checklist (`reporting.month_close`) is worked out as it
    publishes: with items still open, `reason` says why it goes to the Board all the
    same, and is recorded with the items in the edition."""
    if not by.has_perm("portal.publish_ipr"):
        raise PermissionDenied("Only a board secretary or administrator can publish the IPR.")
    note = plain_text(note).strip()
    if problem := too_long(note, SHORT_TEXT):
        raise ValidationError(f"Shorten the note for the record. {problem}.")
    reason = plain_text(reason).strip()
    if problem := too_long(reason, PARAGRAPH):
        raise ValidationError(f"Shorten the reason. {problem}.")
    month = periods.span_containing(periods.MONTHLY, data_month).starts_on
    refusal = okr_selectors.reportable_months().refusal(month)
    if refusal:
        raise ValidationError(refusal)
    if not month_has_ended(month):
        ends = periods.month_span(month.year, month.month).ends_on
        raise ValidationError(
            f"{periods.period_label(periods.MONTHLY, month)} can be published once the month "
            f"has ended (from {ends + datetime.timedelta(days=1):%-d %B %Y})."
        )
    # Two secretaries publishing the same month one after the other: the month's
    # period row is locked first (it exists even before the first edition, when
    # there is no edition row to lock), so the second waits and then sees the first.
    # FOR NO KEY UPDATE: a value of the month being saved meanwhile still refers to
    # the period (its foreign-key check is not held up, which would deadlock with
    # the data version both transactions move on).
    span = periods.month_span(month.year, month.month)
    ReportingPeriod.objects.select_for_update(no_key=True).get(
        pk=okr_actions.ensure_period(span).pk
    )
    previous = IprEdition.objects.filter(data_month=month).order_by("-revision").first()
    assembled = assemble_ipr(month)
    report = ipr_to_dict(assembled)
    open_items = selectors.month_close(month, timezone.localdate(), assembled).open_items
    if open_items and not reason:
        raise ReasonNeeded(
            "Say why the report is published with items open: "
            + "; ".join(open_items)
            + ". The reason is recorded with the edition and printed in it."
        )
    changes = []
    if previous is not None:
        changes = describe_changes(previous.report, report)
        if not changes:
            raise NothingToPublish(
                f"Nothing has changed since revision {previous.revision}: it stays the edition."
            )
    edition = IprEdition.objects.create(
        data_month=month,
        revision=previous.revision + 1 if previous else 1,
        published_at=timezone.now(),
        published_by=by,
        report=report,
        changes=changes,
        note=note,
        open_items=open_items,
        open_items_reason=reason if open_items else "",
    )
    # The cover sheet starts as the last one (a revision keeps its meeting and
    # reference), with this month's title and summary; the secretary edits it.
    like = getattr(previous, "cover", None) or latest_cover()
    starting = default_cover(ipr_from_dict(report), like=like)
    if previous is not None and like is not None:
        starting |= {"meeting_date": like.meeting_date, "reference": like.reference}
        starting |= {"agenda_item": like.agenda_item}
    save_with_audit(BoardCover(edition=edition, **starting), by=by, reason=f"Published {edition}")
    return edition


NARRATIVE_FIELDS = ("text", "chart_shows", "issues", "actions", "risks", "expected_recovery")
# An executive summary is about a page; each heading of a commentary a paragraph.
NARRATIVE_LIMITS = {name: PARAGRAPH for name in NARRATIVE_FIELDS} | {"text": PAGE}


def _bounded(words: dict[str, str], limits: dict[str, int]) -> dict[str, str]:
    """Words made plain, or a ValidationError naming each field that is too long."""
    words = {name: plain_text(value) for name, value in words.items()}
    problems = {
        name: message
        for name, value in words.items()
        if name in limits and (message := too_long(value, limits[name]))
    }
    if problems:
        raise ValidationError(problems)
    return words


@transaction.atomic
def write_narrative(
    *,
    by,
    objective: StrategicObjective | None,
    period: ReportingPeriod,
    key_result=None,
    content: dict[str, str],
    sign_off: bool = False,
    today: datetime.date | None = None,
    seen_version: int | None = None,
    check_version: bool = False,
) -> Narrative:
    """Write (or rewrite) an objective's executive summary, an OKR commentary when
    `key_result` is given, or (no `objective`) the month's overall summary, which the
    Chief Executive signs. Changing signed-off words withdraws the sign-off;
    `sign_off=True` signs as the executive director. A page passes the version it
    showed (`check_version`), so a later save never silently replaces words it has
    not seen."""
    if objective is None:
        if key_result is not None:
            raise ValidationError("A commentary is about an objective's OKR.")
        if not by.has_perm("portal.write_overall_summary"):
            raise PermissionDenied(
                "Only the Chief Executive or a named delegate can write the overall summary."
            )
        if sign_off and not by.has_perm("portal.sign_overall_summary"):
            raise PermissionDenied("Only the Chief Executive can sign the overall summary off.")
    else:
        if not by.has_perm("portal.write_narrative", objective):
            raise PermissionDenied(
                "Only the objective's executive director or a named delegate can write this."
            )
        if sign_off and not by.has_perm("portal.sign_narrative", objective):
            raise PermissionDenied("Only the objective's executive director can sign it off.")
    today = today or timezone.localdate()
    if objective is None:
        kind = Narrative.Kind.OVERALL_SUMMARY
    elif key_result is not None:
        kind = Narrative.Kind.OKR_COMMENTARY
    else:
        kind = Narrative.Kind.EXECUTIVE_SUMMARY
    lookup = {"period": period, "kind": kind}
    lookup |= {"key_result": key_result} if key_result else {"objective": objective}
    narrative = Narrative.objects.select_for_update().filter(**lookup).first()
    if check_version:
        refuse_stale(narrative, seen_version=seen_version, what="these words")
    words = _bounded(
        {name: (content.get(name) or "").strip() for name in NARRATIVE_FIELDS}, NARRATIVE_LIMITS
    )
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
    if narrative.pk:
        narrative.version += 1
    save_with_audit(narrative, by=by, reason=reason)
    return narrative


# --- The Board cover sheet --------------------------------------------------------------


COVER_FIELDS = (
    "meeting",
    "meeting_date",
    "reference",
    "agenda_item",
    "title",
    "purpose",
    "summary",
    "recommendation",
    "authors",
    "lead_executive",
    "governance_route",
    "statutory",
)


# The cover's summary is about a page; its other texts a paragraph or a line.
COVER_LIMITS = {
    "meeting": SHORT_TEXT,
    "reference": 60,
    "agenda_item": 20,
    "title": SHORT_TEXT,
    "summary": PAGE,
    "recommendation": PARAGRAPH,
    "authors": PARAGRAPH,
    "lead_executive": SHORT_TEXT,
    "governance_route": PARAGRAPH,
    "statutory": PARAGRAPH,
}


@transaction.atomic
def update_cover(
    *,
    by,
    edition: IprEdition,
    fields: dict,
    reason: str = "",
    seen_version: int | None = None,
    check_version: bool = False,
) -> BoardCover:
    """Edit an edition's Board cover sheet (recorded with who, when, before, after).
    A page passes the version it showed (`check_version`): a save based on an older
    version is refused, as for results."""
    if not by.has_perm("portal.export_pack"):
        raise PermissionDenied("Only a board secretary or administrator can edit the cover.")
    cover = BoardCover.objects.select_for_update().filter(edition=edition).first()
    if check_version:
        refuse_stale(cover, seen_version=seen_version, what="the cover sheet")
    changes = {name: fields[name] for name in COVER_FIELDS if name in fields}
    texts = _bounded({n: v for n, v in changes.items() if isinstance(v, str)}, COVER_LIMITS)
    changes |= texts
    reason = plain_text(reason).strip() or "Cover sheet edited"
    if cover is None:
        cover = BoardCover(
            edition=edition, **default_cover(ipr_from_dict(edition.report), like=latest_cover())
        )
        for name, value in changes.items():
            setattr(cover, name, value)
        save_with_audit(cover, by=by, reason=reason)
        return cover
    if any(getattr(cover, name) != value for name, value in changes.items()):
        cover.version += 1
    update_fields(cover, changes, by=by, reason=reason)
    return cover
