"""Writes to reporting data: narratives and their sign-off, published editions,
their Board cover sheets, and the Board pack exports."""

import datetime
import hashlib
import logging
import threading
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connections, transaction
from django.utils import timezone

from objectives.audit import create_or_update, save_with_audit, update_fields
from objectives.models import OrganisationalUnit, Person, StrategicObjective
from objectives.text import PAGE, PARAGRAPH, SHORT_TEXT, plain_text, too_long
from okrs import actions as okr_actions
from okrs import periods
from okrs import selectors as okr_selectors
from okrs.models import ReportingPeriod
from okrs.ratings import normalise_rag_word
from reporting.exports import render
from reporting.exports.failures import failure_message
from reporting.ipr import assemble_ipr, describe_changes, ipr_from_dict, ipr_to_dict
from reporting.models import (
    STOPPED_MESSAGE,
    BoardCover,
    IprEdition,
    Narrative,
    PackExport,
    PackFile,
    RecordedOverallRating,
    stale_after,
)
from reporting.pack import Pack, default_cover, draft_pack, latest_cover, pack_for_edition

logger = logging.getLogger(__name__)


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


@transaction.atomic
def publish_ipr(*, by, data_month: datetime.date, note: str = "") -> IprEdition:
    """Freeze the IPR for a month as a new edition. The first is revision 1; a later
    one, after corrections, is the next revision with the list of what changed."""
    if not by.has_perm("portal.publish_ipr"):
        raise PermissionDenied("Only a board secretary or administrator can publish the IPR.")
    note = plain_text(note).strip()
    if problem := too_long(note, SHORT_TEXT):
        raise ValidationError(f"Shorten the note for the record. {problem}.")
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
    span = periods.month_span(month.year, month.month)
    ReportingPeriod.objects.select_for_update().get(pk=okr_actions.ensure_period(span).pk)
    previous = IprEdition.objects.filter(data_month=month).order_by("-revision").first()
    report = ipr_to_dict(assemble_ipr(month))
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


class EditConflict(ValidationError):
    """Someone else saved the same words after this person opened them."""


def _check_version(current, *, seen_version: int | None, what: str) -> None:
    """Refuse a save based on an older version than the stored one (optimistic
    locking, as for results), with the same words as a result's conflict."""
    current_version = current.version if current is not None else None
    if current_version == seen_version:
        return
    record = current.history.first() if current is not None else None
    who = getattr(getattr(record, "history_user", None), "get_full_name", lambda: "")()
    raise EditConflict(
        f"{who or 'Someone else'} changed {what} while you were editing. Check it, then save again"
    )


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
    objective: StrategicObjective,
    period: ReportingPeriod,
    key_result=None,
    content: dict[str, str],
    sign_off: bool = False,
    today: datetime.date | None = None,
    seen_version: int | None = None,
    check_version: bool = False,
) -> Narrative:
    """Write (or rewrite) an executive summary, or an OKR commentary when
    `key_result` is given. Changing signed-off words withdraws the sign-off;
    `sign_off=True` signs as the executive director. A page passes the version it
    showed (`check_version`), so a later save never silently replaces words it has
    not seen."""
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
    if check_version:
        _check_version(narrative, seen_version=seen_version, what="these words")
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


# --- The Board cover sheet and pack exports ------------------------------------------


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
        _check_version(cover, seen_version=seen_version, what="the cover sheet")
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


@transaction.atomic
def request_pack_export(*, by, data_month: datetime.date, edition: IprEdition | None) -> PackExport:
    """Queue the Board pack of a published edition (or, with none, of today's
    draft) for the background worker; the files are stored with the export."""
    if not by.has_perm("portal.export_pack"):
        raise PermissionDenied("Only a board secretary or administrator can export the pack.")
    export = PackExport.objects.create(
        data_month=periods.span_containing(periods.MONTHLY, data_month).starts_on,
        edition=edition,
        requested_by=by,
        requested_at=timezone.now(),
        stage="Waiting for the worker to start",
        steps_total=len(PACK_FORMATS) + 1,
    )
    transaction.on_commit(lambda: _enqueue(export.pk))
    return export


def _enqueue(export_id: int) -> None:
    from reporting.tasks import export_pack

    result = export_pack.enqueue(export_id)
    PackExport.objects.filter(pk=export_id).update(task_id=str(result.id))


# (format, what the progress says), in the order they are made.
PACK_FORMATS = [
    (PackFile.Format.PDF, "Printing the PDF"),
    (PackFile.Format.XLSX, "Writing the Excel workbook"),
    (PackFile.Format.CSV, "Writing the CSV"),
]


def produce_pack(export_id: int) -> PackExport:
    """Run a queued export: assemble (or load) the report once, render every
    format from it, store each file. On failure the export says why, in words for
    people (the detail goes to the log), and keeps nothing half-made. Exports
    whose worker died are marked as stopped first."""
    fail_stopped_exports(by=None)
    export = PackExport.objects.select_related("edition__published_by").get(pk=export_id)
    if export.is_finished:
        return export
    _progress(export, "Assembling the report", status=PackExport.Status.RUNNING)
    try:
        with _heartbeat(export.pk):
            if export.edition:
                pack = pack_for_edition(export.edition)
            else:
                pack = draft_pack(export.data_month)
            _progress(export, "Report assembled", steps_done=1)
            rendered = []
            for number, (file_format, stage) in enumerate(PACK_FORMATS, start=2):
                _progress(export, stage)
                made = render(pack, file_format, progress=lambda words: _progress(export, words))
                rendered.append((file_format, made.content, made.page_count))
                _progress(export, f"{stage}: done", steps_done=number)
            _store_all(export, pack, rendered)
    except ExportAbandoned:
        logger.warning("Board pack export %s was marked stopped; nothing kept", export.pk)
        raise
    except Exception as error:
        logger.exception("Board pack export %s failed", export.pk)
        _progress(
            export,
            "Failed",
            status=PackExport.Status.FAILED,
            finished=True,
            error=failure_message(error),
        )
        raise
    return export


def fail_stopped_exports(*, by) -> list[PackExport]:
    """Mark failed, with a plain reason, every export whose worker has not been
    heard of for PACK_EXPORT_STALE_AFTER_SECONDS (killed, or its machine lost), so
    it stops showing as in progress. Run by each worker before an export and by
    `manage.py recover_exports`; `by` is who asked (None for the system)."""
    limit = timezone.now() - stale_after()
    stopped = []
    for export in PackExport.objects.filter(status=PackExport.Status.RUNNING):
        if (export.heartbeat_at or export.requested_at) >= limit:
            continue
        # Only if it is still as it was read: a worker that was merely slow and has
        # just finished keeps its result.
        marked = PackExport.objects.filter(
            pk=export.pk, status=PackExport.Status.RUNNING, heartbeat_at=export.heartbeat_at
        ).update(
            status=PackExport.Status.FAILED,
            stage="Stopped",
            error=STOPPED_MESSAGE,
            finished_at=timezone.now(),
        )
        if marked:
            logger.warning(
                "Board pack export %s stopped: its worker was last heard of at %s; marked "
                "failed (by %s)",
                export.pk,
                export.heartbeat_at or export.requested_at,
                by or "the system",
            )
            stopped.append(export)
    return stopped


@contextmanager
def _heartbeat(export_id: int):
    """While the export is made, say every PACK_EXPORT_HEARTBEAT_SECONDS that its
    worker is alive, from a thread of its own: the main thread cannot write while
    Chromium prints, and a dead worker stops beating, which is how a stopped export
    is told from a slow one."""
    if transaction.get_connection().in_atomic_block:
        # Another connection could not see an export not yet committed (only tests
        # run the worker inside a transaction); the stages still beat.
        yield
        return
    done = threading.Event()

    def beat() -> None:
        try:
            while not done.wait(settings.PACK_EXPORT_HEARTBEAT_SECONDS):
                try:
                    PackExport.objects.filter(
                        pk=export_id, status=PackExport.Status.RUNNING
                    ).update(heartbeat_at=timezone.now())
                except Exception:
                    logger.exception("Board pack export %s: heartbeat not recorded", export_id)
        finally:
            connections.close_all()  # this thread's own

    thread = threading.Thread(target=beat, name=f"pack-export-{export_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join(timeout=5)


def _progress(export: PackExport, stage: str, *, finished: bool = False, **fields) -> None:
    """Record how far the export has got, which also says its worker is alive.
    Written at once (the export runs in autocommit, not one long transaction), so
    the page that watches it sees each step."""
    fields = {"stage": stage[:200], "heartbeat_at": timezone.now()} | fields
    if finished:
        fields["finished_at"] = timezone.now()
    for name, value in fields.items():
        setattr(export, name, value)
    PackExport.objects.filter(pk=export.pk).update(**fields)


class ExportAbandoned(RuntimeError):
    """The export was marked stopped while its worker was still at it."""


def _store_all(export: PackExport, pack: Pack, rendered: list[tuple]) -> None:
    """Store every file and mark the export done, all or nothing: if any file
    cannot be stored, the rows roll back and the files already written go too."""
    written: list[PackFile] = []
    try:
        with transaction.atomic():
            # Locked, so a sweep cannot mark it stopped between this check and done.
            current = PackExport.objects.select_for_update().get(pk=export.pk)
            if current.status != PackExport.Status.RUNNING:
                raise ExportAbandoned(f"Export {export.pk} is {current.status}, not running")
            for file_format, content, page_count in rendered:
                written.append(_store(export, pack, file_format, content, page_count))
            _progress(export, "Ready to download", status=PackExport.Status.DONE, finished=True)
    except Exception:
        for stored in written:
            stored.file.delete(save=False)
        raise


def _store(
    export: PackExport, pack: Pack, file_format: str, content: bytes, page_count
) -> PackFile:
    filename = pack.filename(file_format)
    stored = PackFile(
        export=export,
        format=file_format,
        filename=filename,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        page_count=page_count,
    )
    stored.file.save(filename, ContentFile(content), save=False)
    try:
        stored.save()
    except Exception:
        stored.file.delete(save=False)
        raise
    return stored
