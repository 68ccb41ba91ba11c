"""Planning a set of result changes before anything is written.

The entry page, the spreadsheet import (preview and commit) and the command line
all describe what a person typed as `ResultChange`s and get back a `ChangePlan`
saying, for each, whether it is new, changed, unchanged, removed or in error, and
why. `okrs.actions.apply_result_changes` writes a plan only when it has no errors,
so a bad row or field never half-saves a page or a file.

What the portal loads by itself (the seeded papers, the demo history, the
benchmarks) goes through the same plan, as the portal's own account
(accounts/system_actor.py): it may add and change values in any period, always
with a reason, and never remove one.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum

from django.db.models import Q, QuerySet

from accounts.system_actor import is_system_actor
from objectives.models import OrganisationalUnit
from okrs.formatting import okr_value_text, plain_number
from okrs.models import KeyResult, ReportingPeriod, Result, TrustValue
from okrs.selectors import unit_target
from okrs.trust_values import is_derived, method_in_words, ratio_value
from okrs.validation import COLUMN_LIMIT, ValueRules, check_value, parse_number

# A person who is not the unit's lead (a board secretary or administrator) must
# give a reason for any change, as must anyone once the window has closed.
REASON_REQUIRED = "Give a reason for this correction"


@dataclass(frozen=True)
class ResultChange:
    """What someone typed for one OKR, unit and period."""

    key_result: KeyResult
    unit: OrganisationalUnit
    period: ReportingPeriod
    raw_value: str
    comment: str = ""
    # The version of the result the person saw (None: they saw no value). A save
    # based on an older version is refused rather than overwriting silently.
    seen_version: int | None = None
    # Forms check the version (two people editing one page); imports do not (the
    # preview shows what a file will change, and its confirmation re-plans).
    check_version: bool = False
    # Where it came from, for messages: e.g. "row 14".
    label: str = ""
    # Removing a stored value is asked for explicitly (a ticked box), never by
    # leaving its field empty.
    remove: bool = False
    # Where the value was published (a seeded paper): kept on the result; a value
    # typed on a page or in a file has none.
    source: str = ""
    # Invented by the demo set-up: marks a new result as demo.
    is_demo: bool = False
    # For an OKR whose value is numerator ÷ denominator × scale (TrustValue.RATIO):
    # what was typed for each; the value is worked out from them.
    raw_numerator: str = ""
    raw_denominator: str = ""


class Outcome(StrEnum):
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    REMOVED = "removed"
    EMPTY = "empty"
    ERROR = "error"


@dataclass
class PlannedChange:
    change: ResultChange
    outcome: Outcome = Outcome.UNCHANGED
    value: Decimal | None = None
    existing: Result | None = None
    errors: dict[str, str] = field(default_factory=dict)
    numerator: Decimal | None = None
    denominator: Decimal | None = None

    @property
    def message(self) -> str:
        return "; ".join(self.errors.values())


@dataclass
class ChangePlan:
    items: list[PlannedChange]
    submit: bool
    reason: str
    # Problems with the request as a whole (no permission, window closed, no reason).
    general_errors: list[str] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return bool(self.general_errors) or any(item.errors for item in self.items)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for item in self.items if item.outcome == outcome)

    @property
    def writes(self) -> list[PlannedChange]:
        return [
            item
            for item in self.items
            if item.outcome in (Outcome.NEW, Outcome.CHANGED, Outcome.REMOVED)
            or (self.submit and item.existing and item.existing.status == Result.Status.DRAFT)
        ]


def value_rules(
    key_result: KeyResult,
    period: ReportingPeriod,
    unit: OrganisationalUnit,
    *,
    explain_misses: bool = True,
) -> ValueRules:
    """The checks for a value of this OKR in this period for this unit (with the
    unit's target then: its trajectory's point or its goal; targets and
    trajectories best prefetched). Without
    `explain_misses` no comment is asked for a value that misses its target: see
    `plan_result_changes`."""
    target = unit_target(key_result, period, unit.pk) if explain_misses else None
    return ValueRules(
        measure=key_result.measure,
        direction=key_result.direction,
        decimal_places=key_result.decimal_places,
        lowest=key_result.lowest_value,
        highest=key_result.highest_value,
        target=target.value if target else None,
        tolerance=key_result.tolerance,
        tolerance_kind=key_result.tolerance_kind,
    )


def existing_results(changes: Iterable[ResultChange], *, lock: bool = False) -> dict:
    """The current results for the changes' OKR × unit × period keys, in one query.

    With `lock`, until the transaction ends, the units concerned first (a value not
    yet stored has no row to lock: two people entering it at once would otherwise
    both insert it, and the second fail on the unique constraint; now the second
    waits, then sees the first's value), then the results themselves: only their
    rows, in one order, so saves of other units' values never wait for each other
    on the OKRs they share, and two saves never lock in opposite orders.
    """
    keys = {(c.key_result.pk, c.unit.pk, c.period.pk) for c in changes}
    if not keys:
        return {}
    if lock:
        # FOR NO KEY UPDATE: results still reference the unit (their foreign-key
        # checks are not blocked); only other savers of its values wait.
        list(
            OrganisationalUnit.objects.filter(pk__in={key[1] for key in keys})
            .order_by("pk")
            .select_for_update(no_key=True)
            .values_list("pk", flat=True)
        )
    by_period = defaultdict(set)
    for key_result_id, unit_id, period_id in keys:
        by_period[period_id].add((key_result_id, unit_id))
    condition = Q()
    for period_id, pairs in by_period.items():
        condition |= Q(
            period_id=period_id,
            key_result_id__in={pair[0] for pair in pairs},
            unit_id__in={pair[1] for pair in pairs},
        )
    queryset: QuerySet[Result] = Result.objects.filter(condition)
    if lock:
        # Ordered by key, not by the model's ordering, which joins the OKR, period and
        # unit tables and would lock their rows too.
        queryset = queryset.order_by("pk").select_for_update(of=("self",))
    return {(result.key_result_id, result.unit_id, result.period_id): result for result in queryset}


def _who_may_change(user, unit, period, today: datetime.date) -> tuple[bool, bool, str | None]:
    """(allowed, needs a reason, refusal message) for this user, unit and period."""
    if is_system_actor(user):
        # The portal's own loads (seeds, demo, benchmarks): any unit and period,
        # with a reason. Named here, not given a role a person could be given.
        return True, True, None
    if not user.has_perm("portal.change_unit_results", unit):
        return False, False, f"You cannot enter results for {unit.short_name}."
    is_lead = user.has_perm("portal.enter_results_for_unit", unit)
    if user.has_perm("portal.correct_results"):
        # A corrector gives a reason, unless entering their own unit's open period.
        return True, not is_lead or period.is_closed_on(today), None
    if today < period.opens_on:
        return (
            False,
            False,
            (f"Results for {period.label} can be entered from {period.opens_on:%-d %B %Y}."),
        )
    if period.is_closed_on(today):
        return (
            False,
            False,
            (
                f"Entry for {period.label} closed on {period.closes_on:%-d %B %Y}. "
                "Ask a board secretary to correct it."
            ),
        )
    return True, False, None


def result_problem(
    key_result: KeyResult, unit: OrganisationalUnit, period: ReportingPeriod
) -> str | None:
    """Why this OKR cannot have a result for this unit and period, if it cannot.
    The one statement of these rules, for every way a result arrives."""
    if key_result.status == KeyResult.Status.DRAFT:
        return f"{key_result.code} is a draft OKR: it takes no results yet"
    if key_result.frequency != period.frequency:
        return (
            f"{key_result.code} is reported {key_result.get_frequency_display().lower()}, "
            f"not for {period.label}"
        )
    if not (unit.is_active_on(period.starts_on) or unit.is_active_on(period.ends_on)):
        return f"{unit.short_name} was not active in {period.label}"
    if unit.kind == OrganisationalUnit.Kind.TRUST and is_derived(key_result.trust_value):
        return (
            f"The Trust's value of {key_result.code} is {method_in_words(key_result.trust_value)}: "
            "it is worked out, not entered"
        )
    return None


def _same_as_stored(change: ResultChange, current: Result, item: PlannedChange) -> bool:
    try:
        value = parse_number(change.raw_value)
    except ValueError:
        return False
    return (
        value == current.value
        and (item.numerator, item.denominator) == (current.numerator, current.denominator)
        and change.comment.strip() == current.comment
    )


def _worked_out_value(
    change: ResultChange, item: PlannedChange
) -> tuple[dict[str, str], ResultChange]:
    """For an OKR of numerators and denominators: the two typed, checked, and the
    value worked out from them (numerator ÷ denominator × scale, at the OKR's
    places), as the change to plan. Both empty: no value, as an empty field."""
    key_result = change.key_result
    raw = {"numerator": change.raw_numerator, "denominator": change.raw_denominator}
    numbers: dict[str, Decimal | None] = {}
    for name, text in raw.items():
        try:
            numbers[name] = parse_number(text)
        except ValueError:
            return {name: f"Enter the {name} as a number, like 1,234"}, change
        number = numbers[name]
        if number is not None and (number < 0 or number > COLUMN_LIMIT):
            return {name: f"Enter a {name} from 0 to {COLUMN_LIMIT:,}"}, change
        if number is not None and -number.normalize().as_tuple().exponent > 4:
            return {name: f"Enter the {name} with no more than 4 decimal places"}, change
    numerator, denominator = numbers["numerator"], numbers["denominator"]
    if numerator is None and denominator is None:
        if (change.raw_value or "").strip():
            return {
                "numerator": "Enter the numerator and the denominator: the value is worked "
                "out from them"
            }, change
        return {}, change
    if numerator is None or denominator is None:
        missing = "numerator" if numerator is None else "denominator"
        return {missing: f"Enter the {missing} as well"}, change
    if denominator == 0:
        return {"denominator": "Enter a denominator above 0"}, change
    value = ratio_value(numerator, denominator, key_result.ratio_scale, key_result.decimal_places)
    try:
        typed = parse_number(change.raw_value)
    except ValueError:
        typed = None
    if (change.raw_value or "").strip() and typed != value:
        return {
            "value": f"The value does not match {plain_number(numerator)} ÷ "
            f"{plain_number(denominator)} ({okr_value_text(key_result, value)}): leave it "
            "empty, it is worked out"
        }, change
    item.numerator, item.denominator = numerator, denominator
    return {}, replace(change, raw_value=plain_number(value))


def plan_result_changes(
    *,
    by,
    changes: list[ResultChange],
    submit: bool,
    reason: str = "",
    today: datetime.date,
    existing: dict | None = None,
) -> ChangePlan:
    """Decide what each change would do, and every reason it cannot, writing nothing.

    A person explains in a comment a value that misses its target beyond tolerance;
    the portal's own account is not asked to: its figures were reported elsewhere
    already (the seeded papers, named in `source`) or are invented (demo,
    benchmarks), and no one could write the explanation. Every other rule holds."""
    plan = ChangePlan(items=[], submit=submit, reason=reason.strip())
    explain_misses = not is_system_actor(by)
    existing = existing if existing is not None else existing_results(changes)
    access: dict[tuple[int, int], tuple[bool, bool, str | None]] = {}
    reason_needed = False
    for change in changes:
        key = (change.unit.pk, change.period.pk)
        if key not in access:
            access[key] = _who_may_change(by, change.unit, change.period, today)
            allowed, needs_reason, refusal = access[key]
            if not allowed and refusal not in plan.general_errors:
                plan.general_errors.append(refusal)
        allowed, needs_reason, _ = access[key]
        item = _plan_one(change, existing, submit=submit, explain_misses=explain_misses)
        removes_submitted = (
            item.outcome == Outcome.REMOVED and item.existing.status == Result.Status.SUBMITTED
        )
        if removes_submitted and not by.has_perm("portal.correct_results"):
            item.outcome = Outcome.ERROR
            item.errors["value"] = (
                "A submitted value cannot be removed by its unit: enter the right value, "
                "or ask a board secretary to remove it"
            )
        elif removes_submitted and allowed:
            # Taking a reported value away is always a correction with a reason.
            reason_needed = True
        if (
            allowed
            and needs_reason
            and item.outcome
            in (
                Outcome.NEW,
                Outcome.CHANGED,
                Outcome.REMOVED,
            )
        ):
            reason_needed = True
        plan.items.append(item)
    if reason_needed and not plan.reason:
        plan.general_errors.append(REASON_REQUIRED)
    return plan


def _plan_removal(
    change: ResultChange, item: PlannedChange, current: Result | None
) -> PlannedChange:
    if current is None:
        item.outcome = Outcome.EMPTY  # nothing stored: nothing to remove
    elif change.check_version and current.version != change.seen_version:
        item.outcome = Outcome.ERROR
        item.errors["value"] = _changed_meanwhile(change, current)
    else:
        item.outcome = Outcome.REMOVED
    return item


def _changed_meanwhile(change: ResultChange, current: Result) -> str:
    who = current.entered_by.get_full_name() if current.entered_by else "someone else"
    return (
        f"{who} changed this value to "
        f"{okr_value_text(change.key_result, current.value)} while you were editing. "
        "Check it, then save again"
    )


def _plan_one(
    change: ResultChange, existing: dict, *, submit: bool, explain_misses: bool = True
) -> PlannedChange:
    key = (change.key_result.pk, change.unit.pk, change.period.pk)
    current = existing.get(key)
    item = PlannedChange(change=change, existing=current)
    problem = result_problem(change.key_result, change.unit, change.period)
    if problem:
        item.outcome, item.errors["value"] = Outcome.ERROR, problem
        return item
    if change.remove:
        return _plan_removal(change, item, current)
    if change.key_result.trust_value == TrustValue.RATIO:
        errors, change = _worked_out_value(change, item)
        if errors:
            item.outcome, item.errors = Outcome.ERROR, errors
            return item
        item.change = change
    if current is not None and _same_as_stored(change, current, item):
        # Re-sending what is stored (a re-uploaded template, an untouched field) is
        # no change, even where today's rules would ask more of a new value.
        item.value, item.outcome = current.value, Outcome.UNCHANGED
        return item
    rules = value_rules(
        change.key_result, change.period, change.unit, explain_misses=explain_misses
    )
    checked = check_value(change.raw_value, change.comment, rules)
    if checked.errors:
        item.outcome, item.errors = Outcome.ERROR, checked.errors
        return item
    item.value = checked.value
    seen = change.seen_version
    if change.check_version and current is not None and current.version != seen:
        item.outcome = Outcome.ERROR
        item.errors["value"] = _changed_meanwhile(change, current)
        return item
    if checked.value is None:
        if current is None:
            item.outcome = Outcome.EMPTY
            if submit:
                item.outcome = Outcome.ERROR
                item.errors["value"] = "Enter a value before submitting, or save as a draft"
        else:
            item.outcome = Outcome.ERROR
            item.errors["value"] = (
                f"Enter a value (it was {okr_value_text(change.key_result, current.value)})"
                ", or tick ‘Remove this value’ to remove it"
            )
        return item
    if current is None:
        item.outcome = Outcome.NEW
    elif current.value == checked.value and current.comment == change.comment.strip():
        item.outcome = Outcome.UNCHANGED
    else:
        item.outcome = Outcome.CHANGED
    return item
