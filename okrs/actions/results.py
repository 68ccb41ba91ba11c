"""Writes of results and the periods they belong to. Every result is written by
`apply_result_changes`, from a plan (okrs/result_planner.py), all or nothing, under row
locks: what a person typed (a form, an upload, the command line), and what the
portal loads by itself (`record_results_as_system`: seeds, demo, benchmarks)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.system_actor import system_actor
from objectives import data_version
from objectives.models import OrganisationalUnit
from okrs import periods, selectors
from okrs.models import (
    KeyResult,
    ReportingPeriod,
    Result,
)
from okrs.result_planner import (
    ChangePlan,
    Outcome,
    ResultChange,
    existing_results,
    plan_result_changes,
)
from okrs.validation import range_problem


def ensure_period(span: periods.PeriodSpan) -> ReportingPeriod:
    """Reporting periods are calendar facts, not decisions: created on first use."""
    window = periods.default_entry_window(span)
    period, _ = ReportingPeriod.objects.get_or_create(
        frequency=span.frequency,
        starts_on=span.starts_on,
        defaults={
            "ends_on": span.ends_on,
            "opens_on": window.opens_on,
            "due_on": window.due_on,
            "closes_on": window.closes_on,
        },
    )
    return period


def ensure_reportable_period(span: periods.PeriodSpan) -> ReportingPeriod:
    """A period someone asked for through a page (e.g. by saving a narrative for
    its month): made only within the months the portal reports on."""
    reportable = selectors.reportable_months()
    refusal = reportable.refusal(span.starts_on) or reportable.refusal(span.ends_on)
    if refusal:
        raise ValidationError(refusal)
    return ensure_period(span)


def value_problem(key_result: KeyResult, value: Decimal) -> str | None:
    """Why `value` cannot be a value (or target) of this OKR, if it cannot."""
    return range_problem(
        value,
        key_result.measure,
        lowest=key_result.lowest_value,
        highest=key_result.highest_value,
    )


@transaction.atomic
def apply_result_changes(
    *,
    by,
    changes: list[ResultChange],
    submit: bool,
    reason: str = "",
    today: datetime.date | None = None,
) -> ChangePlan:
    """Plan the changes (see okrs.result_planner) and, only if none is in error, write them
    all in one transaction, each with its audit entry. Returns the plan either way.

    The rows concerned are locked while planning, so two people saving the same
    value one after the other cannot both win: the second is refused with the
    newer value (forms pass the version they saw).
    """
    today = today or timezone.localdate()
    existing = existing_results(changes, lock=True)
    plan = plan_result_changes(
        by=by, changes=changes, submit=submit, reason=reason, today=today, existing=existing
    )
    if plan.has_errors:
        return plan
    now = timezone.now()
    status = Result.Status.SUBMITTED if submit else Result.Status.DRAFT
    why = plan.reason or ("Submitted" if submit else "Saved as draft")
    created, updated, removed = [], [], []
    for item in plan.writes:
        change = item.change
        if item.outcome == Outcome.REMOVED:
            removed.append(item.existing)
            continue
        if item.existing is None:
            created.append(
                Result(
                    key_result=change.key_result,
                    period=change.period,
                    unit=change.unit,
                    value=item.value,
                    numerator=item.numerator,
                    denominator=item.denominator,
                    comment=change.comment.strip(),
                    entered_by=by,
                    entered_at=now,
                    status=status,
                    submitted_at=now if submit else None,
                    source=change.source,
                    is_demo=change.is_demo,
                )
            )
            continue
        result = item.existing
        if item.outcome == Outcome.CHANGED:
            result.value = item.value
            result.numerator, result.denominator = item.numerator, item.denominator
            result.comment = change.comment.strip()
            result.entered_by = by
            result.entered_at = now
            # The value now comes from this change: its paper, or none if typed.
            result.source = change.source
        if submit or result.status == Result.Status.DRAFT:
            # A value once submitted stays submitted; a draft is submitted with the page.
            result.status = status
            result.submitted_at = now if submit else result.submitted_at
        result.version += 1
        updated.append(result)
    if created:
        bulk_create_with_history(
            created, Result, batch_size=500, default_user=by, default_change_reason=why
        )
    if updated:
        _update_results(updated, by=by, reason=why)
    if created or updated:
        # Bulk history rows are written without the signal that counts a change.
        data_version.bump()
    for result in removed:
        result._history_user = by
        result._change_reason = why
        result.delete()
    return plan


def _update_results(results: list[Result], *, by, reason: str) -> None:
    """Save changed results with their history. Only value and comment differ row by
    row; the others (who, when, status, source) are shared by groups of rows, so each
    group is one plain UPDATE instead of a CASE expression per row and field (ten
    times faster for a 10,000-row upload). The history rows are written from the
    objects as saved."""
    bulk_update_with_history(
        results,
        Result,
        ["value", "numerator", "denominator", "comment"],
        batch_size=1000,
        default_user=by,
        default_change_reason=reason,
    )
    groups: dict[tuple, list[int]] = defaultdict(list)
    for result in results:
        key = (
            result.entered_by_id,
            result.entered_at,
            result.status,
            result.submitted_at,
            result.source,
        )
        groups[key].append(result.pk)
    for (entered_by_id, entered_at, status, submitted_at, source), pks in groups.items():
        for start in range(0, len(pks), 1000):
            Result.objects.filter(pk__in=pks[start : start + 1000]).update(
                entered_by_id=entered_by_id,
                entered_at=entered_at,
                status=status,
                submitted_at=submitted_at,
                source=source,
                version=F("version") + 1,
            )


@dataclass(frozen=True)
class ResultEntry:
    """A figure the portal loads by itself (a seeded paper's, the demo's, a
    benchmark's), for `record_results_as_system`."""

    key_result: KeyResult
    period: ReportingPeriod
    unit: OrganisationalUnit
    value: Decimal | None
    comment: str = ""
    # For an OKR of numerators and denominators (TrustValue.RATIO): both, with no
    # value, which is worked out from them as for a person's entry.
    numerator: Decimal | None = None
    denominator: Decimal | None = None


@transaction.atomic
def record_results_as_system(
    *, entries: list[ResultEntry], reason: str, source: str = "", is_demo: bool = False
) -> ChangePlan:
    """Write figures the portal loads by itself through the one planner, as the
    portal's own account (accounts/system_actor.py): the checks, version bump and
    history of any change, all or nothing. A missing result is created, a differing
    one changed, an identical one left alone. Raises ValidationError naming every
    entry that breaks a rule, having written nothing."""
    changes = [
        ResultChange(
            key_result=entry.key_result,
            unit=entry.unit,
            period=entry.period,
            raw_value=_as_typed(entry.value),
            raw_numerator=_as_typed(entry.numerator),
            raw_denominator=_as_typed(entry.denominator),
            comment=entry.comment,
            source=source,
            is_demo=is_demo,
        )
        for entry in entries
    ]
    plan = apply_result_changes(by=system_actor(), changes=changes, submit=True, reason=reason)
    if plan.has_errors:
        problems = plan.general_errors + [
            f"{item.change.key_result.code}, {item.change.unit.short_name}, "
            f"{item.change.period.label}: {item.message}."
            for item in plan.items
            if item.errors
        ]
        raise ValidationError(problems)
    return plan


def _as_typed(value: Decimal | None) -> str:
    """A figure as a person would type it: 94.5, not 94.5000 or 9.45E+1; none empty."""
    if value is None:
        return ""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def ensure_recent_periods(today: datetime.date) -> list[ReportingPeriod]:
    """Make sure the periods whose usual entry window includes `today` exist, so
    leads see what they owe without anyone creating periods by hand."""
    made = []
    for frequency in (periods.MONTHLY, periods.QUARTERLY):
        span = periods.span_containing(frequency, today)
        for _ in range(3):
            span = periods.previous_span(span)
            window = periods.default_entry_window(span)
            if window.opens_on <= today <= window.closes_on:
                made.append(ensure_period(span))
    return made
