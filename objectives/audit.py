"""How actions record who changed what and why.

django-simple-history writes a historical row (with before/after values) on
every save; actions tell it the acting user and the reason here, so the record
is complete whether the change came from a form, an import, a command or a test.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from objectives.text import PARAGRAPH

# Reasons are kept whole in the history (a text column); this keeps one to a paragraph.
REASON_MAX_LENGTH = PARAGRAPH


def checked_reason(reason: str) -> str:
    """The reason an action was given, trimmed, or a ValidationError if there is
    none or it is too long to keep."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give a reason for this change"})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": f"Give a reason of {REASON_MAX_LENGTH} characters or fewer"}
        )
    return reason


def save_with_audit(instance: models.Model, *, by, reason: str) -> None:
    instance._history_user = by
    instance._change_reason = reason
    instance.full_clean()
    instance.save()


def update_fields(instance: models.Model, changes: dict[str, Any], *, by, reason: str) -> bool:
    """Apply `changes` and save with an audit entry, only if something differs.

    Returns whether anything changed, so repeatable loads (the seeds) write nothing
    and leave no history when the data is already as described.
    """
    differing = {name: value for name, value in changes.items() if getattr(instance, name) != value}
    if not differing:
        return False
    for name, value in differing.items():
        setattr(instance, name, value)
    save_with_audit(instance, by=by, reason=reason)
    return True


def create_or_update(
    model: type[models.Model], *, lookup: dict[str, Any], fields: dict[str, Any], by, reason: str
) -> models.Model:
    """The record identified by `lookup`, created with `fields` or brought up to
    date with them; audited either way, and untouched when nothing differs."""
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **fields)
        save_with_audit(instance, by=by, reason=reason)
    else:
        update_fields(instance, fields, by=by, reason=reason)
    return instance


class EditConflict(ValidationError):
    """Someone else saved the same record after this person opened it."""


def refuse_stale(current, *, seen_version: int | None, what: str) -> None:
    """Refuse a save based on an older version than the stored one (optimistic
    locking, as for results), naming who changed it: `current` is the stored
    record with a `version` and a history (None when there is none yet), and
    `seen_version` the version the page showed (None when it showed none)."""
    current_version = current.version if current is not None else None
    if current_version == seen_version:
        return
    record = current.history.first() if current is not None else None
    who = getattr(getattr(record, "history_user", None), "get_full_name", lambda: "")()
    raise EditConflict(
        f"{who or 'Someone else'} changed {what} while you were editing. Check it, then save again"
    )
