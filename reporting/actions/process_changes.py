"""Writes to the process changes of an OKR × unit: recording one, changing it and
withdrawing it. Trust administrators only; each with a reason, audited (who, when,
before and after, why) in the change's history. A change starts a new partition of
the OKR's SPC chart for that unit from its first period (reporting/spc/process_changes.py).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from objectives.audit import REASON_MAX_LENGTH, EditConflict, save_with_audit
from objectives.models import OrganisationalUnit
from objectives.text import PARAGRAPH, plain_text, too_long
from okrs import periods
from okrs import selectors as okr_selectors
from okrs.models import KeyResult
from reporting.models import BASELINE_VALUES_MAX, BASELINE_VALUES_MIN, ProcessChange
from reporting.spc.process_changes import month_name

# The OKRs whose charts may still be given process changes: an achieved or retired
# OKR keeps the charts it was reported with, as it keeps its targets.
_IN_USE = {KeyResult.Status.DRAFT, KeyResult.Status.ACTIVE}


def can_record_process_change(key_result: KeyResult) -> bool:
    return key_result.status in _IN_USE and bool(key_result.frequency)


def _refuse_unless_allowed(by, key_result: KeyResult) -> None:
    if by is None or not by.has_perm("portal.maintain_okrs"):
        raise PermissionDenied("Only a Trust administrator can record process changes.")
    if key_result.status not in _IN_USE:
        raise ValidationError(
            f"This OKR is {key_result.get_status_display().lower()}: it keeps the charts it "
            "was reported with."
        )
    if not key_result.frequency:
        raise ValidationError("Set how often this OKR is reported before recording a change.")


def _checked_text(value: str, *, name: str, missing: str, limit: int) -> str:
    text = plain_text(value or "").strip()
    if not text:
        raise ValidationError({name: missing})
    if problem := too_long(text, limit):
        raise ValidationError({name: problem})
    return text


def _checked_start(key_result: KeyResult, starts_on: datetime.date | None) -> datetime.date:
    """The first day of a period of the OKR's frequency, in the months the portal
    reports on."""
    frequency = key_result.get_frequency_display().lower()
    if not isinstance(starts_on, datetime.date):
        raise ValidationError({"starts_on": "Choose the period the changed process starts in"})
    if periods.span_containing(key_result.frequency, starts_on).starts_on != starts_on:
        raise ValidationError(
            {
                "starts_on": f"Choose the first day of a {frequency} period: this OKR is "
                f"reported {frequency}"
            }
        )
    if refusal := okr_selectors.reportable_months().refusal(starts_on):
        raise ValidationError({"starts_on": refusal})
    return starts_on


def _checked_baseline(baseline_values: int | None) -> int | None:
    if baseline_values is None:
        return None
    is_whole = isinstance(baseline_values, int) and not isinstance(baseline_values, bool)
    if not is_whole or not BASELINE_VALUES_MIN <= baseline_values <= BASELINE_VALUES_MAX:
        raise ValidationError(
            {
                "baseline_values": f"Enter a number of values from {BASELINE_VALUES_MIN} to "
                f"{BASELINE_VALUES_MAX}, or leave it empty"
            }
        )
    return baseline_values


def _refuse_duplicate(
    key_result: KeyResult, unit: OrganisationalUnit, starts_on: datetime.date, *, other_than=None
) -> None:
    existing = ProcessChange.objects.filter(key_result=key_result, unit=unit, starts_on=starts_on)
    if other_than is not None:
        existing = existing.exclude(pk=other_than.pk)
    if existing.exists():
        raise ValidationError(
            {
                "starts_on": f"A process change from {month_name(starts_on)} is already "
                f"recorded for {unit}: change that one instead"
            }
        )


def _locked_key_result(key_result: KeyResult) -> KeyResult:
    """The OKR as it is now, locked until the transaction ends, so two administrators
    recording changes to it at once are taken one after the other."""
    return KeyResult.objects.select_for_update().get(pk=key_result.pk)


def _current(process_change: ProcessChange, seen_version: int | None) -> ProcessChange:
    """The change as stored now, locked; refused if it is gone or has changed since
    the page showed version `seen_version`."""
    current = ProcessChange.objects.select_for_update().filter(pk=process_change.pk).first()
    if current is None:
        raise EditConflict("Someone else withdrew this process change while you were editing")
    if current.version != seen_version:
        record = current.history.select_related("history_user").first()
        user = getattr(record, "history_user", None)
        who = (user.get_full_name() or user.username) if user is not None else ""
        raise EditConflict(
            f"{who or 'Someone else'} changed this process change while you were editing. "
            "Check it, then save again"
        )
    return current


@transaction.atomic
def record_process_change(
    *,
    by,
    key_result: KeyResult,
    unit: OrganisationalUnit,
    starts_on: datetime.date,
    reason: str,
    baseline_values: int | None = None,
) -> ProcessChange:
    """Record that the process behind `key_result`'s values for `unit` changed from
    the period starting `starts_on`, and why: the SPC limits of that chart are
    recalculated from there (and fixed on the first `baseline_values` values, if
    given). The reason is also the reason in the audit log."""
    key_result = _locked_key_result(key_result)
    _refuse_unless_allowed(by, key_result)
    reason = _checked_text(
        reason, name="reason", missing="Say what changed in the process", limit=PARAGRAPH
    )
    starts_on = _checked_start(key_result, starts_on)
    baseline_values = _checked_baseline(baseline_values)
    _refuse_duplicate(key_result, unit, starts_on)
    process_change = ProcessChange(
        key_result=key_result,
        unit=unit,
        starts_on=starts_on,
        reason=reason,
        baseline_values=baseline_values,
        recorded_by=by,
        recorded_at=timezone.now(),
    )
    save_with_audit(process_change, by=by, reason=f"Process change recorded: {reason}")
    return process_change


@transaction.atomic
def change_process_change(
    *,
    by,
    process_change: ProcessChange,
    starts_on: datetime.date,
    reason: str,
    baseline_values: int | None,
    change_reason: str,
    seen_version: int | None,
) -> ProcessChange:
    """Correct a recorded process change (its first period, what changed, its
    baseline), saying why. A page passes the version it showed: a save based on an
    older version is refused rather than overwriting someone else's correction."""
    key_result = _locked_key_result(process_change.key_result)
    _refuse_unless_allowed(by, key_result)
    current = _current(process_change, seen_version)
    change_reason = _checked_text(
        change_reason,
        name="change_reason",
        missing="Give a reason for this change",
        limit=REASON_MAX_LENGTH,
    )
    reason = _checked_text(
        reason, name="reason", missing="Say what changed in the process", limit=PARAGRAPH
    )
    starts_on = _checked_start(key_result, starts_on)
    baseline_values = _checked_baseline(baseline_values)
    changes = {"starts_on": starts_on, "reason": reason, "baseline_values": baseline_values}
    if all(getattr(current, name) == value for name, value in changes.items()):
        raise ValidationError("Nothing has changed: change the period, the words or the baseline")
    _refuse_duplicate(key_result, current.unit, starts_on, other_than=current)
    for name, value in changes.items():
        setattr(current, name, value)
    current.version += 1
    save_with_audit(current, by=by, reason=change_reason)
    return current


@transaction.atomic
def withdraw_process_change(
    *, by, process_change: ProcessChange, reason: str, seen_version: int | None
) -> None:
    """Withdraw a process change recorded in error: the chart's limits are no longer
    recalculated there. Its history keeps what it was, who withdrew it and why."""
    key_result = _locked_key_result(process_change.key_result)
    _refuse_unless_allowed(by, key_result)
    current = _current(process_change, seen_version)
    reason = _checked_text(
        reason, name="reason", missing="Give a reason for withdrawing it", limit=REASON_MAX_LENGTH
    )
    current._history_user = by
    current._change_reason = reason
    current.delete()
