"""Writes for the Board pack exports: queueing one, producing it in the background
worker (with a heartbeat, so a killed worker's export is seen to have stopped),
and keeping its files."""

import datetime
import hashlib
import logging
import threading
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import connections, transaction
from django.utils import timezone

from okrs import periods
from reporting.exports import render
from reporting.exports.failures import failure_message
from reporting.models import (
    STOPPED_MESSAGE,
    IprEdition,
    PackExport,
    PackFile,
    stale_after,
)
from reporting.pack import Pack, draft_pack, pack_for_edition

logger = logging.getLogger(__name__)


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
