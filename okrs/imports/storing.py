"""Uploads kept between their preview and their confirmation (`ResultUpload`, a
staging record, not a result): stored, previewed, confirmed, discarded and pruned.
Writes are atomic and by the uploader."""

import datetime
import hashlib
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from objectives.audit import REASON_MAX_LENGTH
from okrs.imports.planning import UploadPreview, commit_preview, preview_rows
from okrs.imports.reading import control_character_problem, read_result_file
from okrs.models import ResultUpload


def reason_problem(reason: str) -> str | None:
    """Why a typed reason cannot be kept, or None. The form, the preview page and the
    command line check with this before storing."""
    if len(reason.strip()) > REASON_MAX_LENGTH:
        return f"Give a reason of {REASON_MAX_LENGTH} characters or fewer"
    return control_character_problem(reason, "reason")


def _checked_reason(reason: str) -> str:
    if problem := reason_problem(reason):
        raise ValueError(problem)
    return reason.strip()


@transaction.atomic
def store_upload(*, by, filename: str, content: bytes, reason: str) -> ResultUpload:
    """Keep a readable file for its preview; a `FileProblem` if it cannot be read."""
    rows = read_result_file(filename, content)
    name = Path(filename).name
    if len(name) > 255:
        # Keep the extension: the stored file is read again by it.
        suffix = Path(name).suffix
        name = name[: 255 - len(suffix)] + suffix
    return ResultUpload.objects.create(
        uploaded_by=by,
        filename=name,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        row_count=len(rows),
        reason=_checked_reason(reason),
    )


def preview_upload(
    *, by, upload: ResultUpload, today: datetime.date, lock: bool = False
) -> UploadPreview:
    """A stored upload, read again and planned against the results as they are now."""
    return preview_rows(
        by=by,
        rows=read_result_file(upload.filename, bytes(upload.content)),
        reason=upload.reason,
        today=today,
        lock=lock,
    )


@transaction.atomic
def set_upload_reason(*, by, upload: ResultUpload, reason: str) -> None:
    upload.reason = _checked_reason(reason)
    upload.save(update_fields=["reason"])


@transaction.atomic
def commit_upload(*, by, upload: ResultUpload, today: datetime.date, seen: str) -> UploadPreview:
    """Save a stored upload, all or nothing, from its stored content (re-read and
    re-planned now, with the results concerned locked).

    `seen` is the fingerprint of the preview the person confirmed: if anything has
    changed since (someone saved one of these values), nothing is saved and the
    returned preview, marked stale, shows the rows as they now are. Marks the
    upload committed when saved; a second confirmation saves nothing.
    """
    upload = ResultUpload.objects.select_for_update().get(pk=upload.pk)
    preview = preview_upload(by=by, upload=upload, today=today, lock=True)
    if upload.committed_at is not None:
        preview.general_errors.append("This file has already been saved.")
        return preview
    if preview.fingerprint != seen:
        preview.stale = True
        return preview
    preview = commit_preview(by=by, preview=preview, today=today)
    if preview.saved is not None:
        upload.committed_at = timezone.now()
        upload.committed_by = by
        upload.save(update_fields=["committed_at", "committed_by"])
    return preview


# Unconfirmed uploads are kept this long, then removed: long enough to come back to
# a preview after a weekend or a holiday, short enough that files nobody saved (which
# may hold unpublished figures) do not pile up. Confirmed ones are kept: they are the
# record of where the saved values came from.
UNCONFIRMED_UPLOAD_DAYS = 30


@transaction.atomic
def prune_unconfirmed_uploads(*, older_than_days: int, now: datetime.datetime) -> int:
    """Delete the uploads never confirmed and older than the given number of days;
    the number deleted."""
    cutoff = now - datetime.timedelta(days=older_than_days)
    deleted, _ = ResultUpload.objects.filter(
        committed_at__isnull=True, uploaded_at__lt=cutoff
    ).delete()
    return deleted
