"""The API's writes: results, through the one planner, exactly as an upload's rows
(okrs/imports/), and the administrators' making and revoking of API clients.

A batch of rows is read as an upload's file would be: the same names for OKRs,
units and periods, the same checks, windows and reasons, all or nothing. So an API
batch and a spreadsheet with the same rows leave the same results, history and
ratings (tests/integration/test_api_results.py shows it). A row may also carry the
version of the result it corrects, and is refused if the result changed since.
"""

import datetime
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import security_log
from api import keys
from api.models import ApiClient
from objectives.audit import checked_reason, refuse_stale, save_with_audit
from objectives.models import OrganisationalUnit
from objectives.text import plain_text
from okrs import imports
from okrs.imports import UploadPreview
from okrs.imports.reading import FileRow
from okrs.models import Result

User = get_user_model()


def result_rows(rows: Iterable[dict]) -> list[FileRow]:
    """A batch's rows (already checked field by field: api/serializers.py) as an
    upload's rows, numbered from 1 in the order sent."""
    return [
        FileRow(
            number=number,
            okr_code=row["okr_code"],
            unit=row["unit"],
            period=row["period"],
            value=row.get("value", ""),
            comment=row.get("comment", ""),
            numerator=row.get("numerator", ""),
            denominator=row.get("denominator", ""),
            seen_version=row.get("version"),
            check_version="version" in row,
        )
        for number, row in enumerate(rows, start=1)
    ]


@transaction.atomic
def save_result_rows(
    *,
    by,
    rows: list[FileRow],
    submit: bool,
    reason: str,
    today: datetime.date,
    dry_run: bool = False,
) -> UploadPreview:
    """Plan the rows and, unless it is a dry run or any row is refused, save every
    one: as submitted, or as drafts for the unit's lead to check. The results
    concerned are locked from planning to saving, so what is saved is what was
    planned. The preview says, row by row, what happened or why not."""
    reason = plain_text(reason).strip()
    preview = imports.preview_rows(
        by=by, rows=rows, reason=reason, today=today, lock=not dry_run, submit=submit
    )
    if dry_run or preview.has_errors:
        return preview
    return imports.commit_preview(by=by, preview=preview, today=today)


def result_as_row(result: Result, fields: dict, *, seen_version: int) -> FileRow:
    """A change to one stored result as a batch's row naming it, based on the
    version the caller read."""
    return FileRow(
        number=1,
        okr_code=result.key_result.code,
        unit=result.unit.slug,
        period=result.period.label,
        value=fields.get("value", ""),
        comment=fields.get("comment", ""),
        numerator=fields.get("numerator", ""),
        denominator=fields.get("denominator", ""),
        seen_version=seen_version,
        check_version=True,
    )


def locked_version(result_id: int) -> int | None:
    """The stored version of a result, locked until the transaction ends, or None
    if it is gone."""
    return (
        Result.objects.select_for_update()
        .filter(pk=result_id)
        .values_list("version", flat=True)
        .first()
    )


# --- API clients -------------------------------------------------------------------


def _refuse_unless_manager(by) -> None:
    if not by.has_perm("portal.manage_users"):
        raise PermissionDenied("Only a Trust administrator can manage API clients.")


@transaction.atomic
def create_client(
    *,
    by,
    name: str,
    purpose: str,
    responsible,
    units: list[OrganisationalUnit],
    all_units: bool,
    can_write: bool,
    reason: str,
) -> tuple[ApiClient, str]:
    """Make a client and its key; the key is returned to be shown once, and only its
    hash is kept. The client acts through an account of its own that no one can log
    in as (no password; not offered to single sign-on, having no e-mail address)."""
    _refuse_unless_manager(by)
    reason = checked_reason(reason)
    name = plain_text(name).strip()
    if not name:
        raise ValidationError({"name": "Enter a name for the client"})
    if ApiClient.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": f"There is already a client called {name}"})
    if not all_units and not units:
        raise ValidationError({"units": "Choose the units the client is for, or all units"})
    if not responsible.is_active or getattr(responsible, "api_client", None) is not None:
        raise ValidationError({"responsible": "Choose a person with an active account"})
    new_key = keys.new_key()
    account = User(username=f"api-client-{new_key.prefix}", first_name=name[:150])
    account.set_unusable_password()
    save_with_audit(account, by=by, reason=f"Account for the API client {name}: {reason}")
    client = ApiClient(
        name=name,
        purpose=plain_text(purpose).strip(),
        account=account,
        responsible=responsible,
        all_units=all_units,
        can_write=can_write,
        prefix=new_key.prefix,
        hashed_key=new_key.hashed,
        created_at=timezone.now(),
        created_by=by,
    )
    save_with_audit(client, by=by, reason=reason)
    client.units.set([] if all_units else units)
    security_log.log_event(
        "api_client_created",
        client=name,
        prefix=new_key.prefix,
        write=can_write,
        units="all" if all_units else sorted(unit.slug for unit in units),
        responsible=responsible.get_username(),
    )
    return client, new_key.key


@transaction.atomic
def revoke_client(*, by, client: ApiClient, reason: str, seen_version: int) -> ApiClient:
    """Revoke a client: its key is refused from the next call on, for good (a client
    is never restored: make a new one)."""
    _refuse_unless_manager(by)
    reason = checked_reason(reason)
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    refuse_stale(client, seen_version=seen_version, what="this client")
    if client.is_revoked:
        raise ValidationError("This client is already revoked.")
    client.revoked_at = timezone.now()
    client.revoked_by = by
    client.version += 1
    save_with_audit(client, by=by, reason=reason)
    account = client.account
    account.is_active = False
    save_with_audit(account, by=by, reason=f"API client {client.name} revoked: {reason}")
    security_log.log_event("api_client_revoked", client=client.name, prefix=client.prefix)
    return client
