"""Uploads kept between their preview and their confirmation (`ResultUpload`, a
staging record, not a result): stored, previewed, confirmed, discarded and pruned.
Writes are atomic and by the uploader."""

import datetime
import hashlib
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from objectives.audit import REASON_MAX_LENGTH
from objectives.text import plain_text
from okrs.imports.planning import UploadPreview, commit_preview, preview_rows
from okrs.imports.reading import FileRow, read_result_file
from okrs.models import ResultUpload

# Files one person may keep uploaded but not yet confirmed: more than anyone needs to
# compare a few versions of a file, few enough that a person cannot fill the database.
MAX_UNCONFIRMED_UPLOADS = 10


class UploadRefused(ValueError):
    """The upload cannot be kept or changed now; the message says what to do."""


def reason_problem(reason: str) -> str | None:
    """Why a typed reason cannot be kept, or None (control characters are removed, as
    from any typed text). The forms and the command line check before storing."""
    if len(plain_text(reason).strip()) > REASON_MAX_LENGTH:
        return f"Give a reason of {REASON_MAX_LENGTH} characters or fewer"
    return None


def _checked_reason(reason: str) -> str:
    if problem := reason_problem(reason):
        raise ValueError(problem)
    return plain_text(reason).strip()


@transaction.atomic
def store_upload(*, by, filename: str, content: bytes, reason: str) -> ResultUpload:
    """Keep a readable file, and the rows read from it, for its preview. A `FileProblem`
    if it cannot be read; `UploadRefused` if this person already keeps as many
    unconfirmed uploads as they may."""
    # One upload at a time per person, so two at once cannot both pass the count.
    list(get_user_model().objects.select_for_update().filter(pk=by.pk).values_list("pk"))
    if (
        ResultUpload.objects.filter(uploaded_by=by, committed_at__isnull=True).count()
        >= MAX_UNCONFIRMED_UPLOADS
    ):
        raise UploadRefused(
            f"You have {MAX_UNCONFIRMED_UPLOADS} uploaded files not yet confirmed. Confirm "
            "or discard one of them (listed below) before uploading another."
        )
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
        rows=[_as_kept(row) for row in rows],
        reason=_checked_reason(reason),
    )


def _as_kept(row: FileRow) -> list:
    """A file's row as kept with its upload: the cells the file gave (a file carries
    no version of the result a row changes: only the API's rows may)."""
    return [
        row.number,
        row.okr_code,
        row.unit,
        row.period,
        row.value,
        row.comment,
        row.numerator,
        row.denominator,
    ]


def preview_upload(
    *, by, upload: ResultUpload, today: datetime.date, lock: bool = False
) -> UploadPreview:
    """A stored upload's rows (read when it was uploaded), planned against the results
    as they are now."""
    if upload.rows is None:  # stored before rows were kept: read the file again
        rows = read_result_file(upload.filename, bytes(upload.content))
    else:
        rows = [FileRow(*row) for row in upload.rows]
    return preview_rows(
        by=by,
        rows=rows,
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
    """Save a stored upload, all or nothing, from its stored rows (planned again now,
    with the results concerned locked).

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


@transaction.atomic
def discard_upload(*, by, upload: ResultUpload) -> None:
    """Delete an upload its uploader no longer wants. A confirmed one is kept: it is
    the record of where saved values came from."""
    upload = ResultUpload.objects.select_for_update().get(pk=upload.pk)
    if upload.uploaded_by_id != by.pk:
        raise UploadRefused("Only the person who uploaded a file can discard it.")
    if upload.committed_at is not None:
        raise UploadRefused(
            f"{upload.filename} has been saved, so it is kept as the record of its values."
        )
    upload.delete()


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
