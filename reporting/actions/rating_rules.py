"""Writes to the rules that turn values into ratings and exceptions: an OKR's
tolerance, an objective's overall-rating rule and the run of Ambers that makes a
value one of the Board's exceptions; and to whether an OKR's definition (how it is
measured and calculated) is the Trust's.

Where the Trust's papers state no rule the product chose one, which is "assumed"
(objectives.models.RuleProvenance) and reads "Assumed: to confirm" in the IPR, the
Board pack and the JSON. A Trust administrator confirms it as it is, or sets the
Trust's own; either way it is then the Trust's. Each action takes a reason and is
audited (who, when, before and after, why) in the owner's history, and each takes
what the page showed of the rule (`seen`), so a rule someone else changed in the
meantime is a conflict, never silently overwritten.

A rule applies to every report assembled after it changes, including months not yet
published; a published edition keeps the rules it was published with.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from objectives.audit import EditConflict, checked_reason, update_fields
from objectives.models import RuleProvenance, StrategicObjective, Strategy
from okrs.models import KeyResult
from okrs.validation import tolerance_problem
from reporting.rag import CombinationMethod

# The run of Ambers that makes an exception, and the points-average thresholds
# (points run from Red 1 to Green 3), as the models bound them.
AMBER_PERIODS_BOUNDS = (2, 12)
THRESHOLD_BOUNDS = (Decimal(1), Decimal(3))


def exception_rule_seen(strategy: Strategy) -> str:
    """What a page shows of the exceptions rule, as the token it sends back."""
    return _seen(strategy.exception_amber_periods, strategy.exception_rule_provenance)


def rating_rule_seen(objective: StrategicObjective) -> str:
    return _seen(
        objective.rating_method,
        objective.rating_green_from,
        objective.rating_amber_from,
        objective.rating_rule_provenance,
    )


def tolerance_seen(key_result: KeyResult) -> str:
    return _seen(key_result.tolerance, key_result.tolerance_kind, key_result.tolerance_provenance)


# What an OKR's definition is, as confirmed.
DEFINITION_FIELDS = (
    "measure",
    "direction",
    "frequency",
    "decimal_places",
    "calculation",
    "trust_value",
    "ratio_scale",
    "numerator_label",
    "denominator_label",
)


def definition_seen(key_result: KeyResult) -> str:
    return _seen(
        *(getattr(key_result, name) for name in DEFINITION_FIELDS),
        key_result.definition_provenance,
    )


@transaction.atomic
def confirm_exception_rule(
    *, by, strategy: Strategy, amber_periods: int, reason: str, seen: str | None = None
) -> Strategy:
    """Make `amber_periods` (2 to 12) Ambers running the Trust's rule for the
    Board's exceptions under `strategy` (reporting/exceptions.py)."""
    _refuse_unless_administrator(by)
    reason = checked_reason(reason)
    strategy = Strategy.objects.select_for_update().get(pk=strategy.pk)
    _refuse_if_changed(seen, exception_rule_seen(strategy), strategy, "the exceptions rule")
    low, high = AMBER_PERIODS_BOUNDS
    if amber_periods is None or not low <= amber_periods <= high:
        raise ValidationError({"amber_periods": f"Enter a number of periods from {low} to {high}"})
    _confirm(
        strategy,
        {"exception_amber_periods": amber_periods},
        provenance_field="exception_rule_provenance",
        by=by,
        reason=reason,
    )
    return strategy


@transaction.atomic
def confirm_rating_rule(
    *,
    by,
    objective: StrategicObjective,
    method: str,
    green_from: Decimal | None,
    amber_from: Decimal | None,
    reason: str,
    seen: str | None = None,
) -> StrategicObjective:
    """Make the way `objective`'s OKR ratings combine into its overall rating per
    unit (reporting/rag.py) the Trust's: the worst of them, or the average of their
    points with the thresholds given (from 1 to 3; Amber's not above Green's). The
    worst-of rule keeps the thresholds it had, unused."""
    _refuse_unless_administrator(by)
    reason = checked_reason(reason)
    objective = StrategicObjective.objects.select_for_update().get(pk=objective.pk)
    _refuse_if_changed(seen, rating_rule_seen(objective), objective, "this overall-rating rule")
    if method not in CombinationMethod:
        raise ValidationError({"method": "Choose how the OKR ratings combine"})
    changes = {"rating_method": method}
    if method == CombinationMethod.POINTS_AVERAGE:
        changes |= _thresholds(green_from, amber_from)
    _confirm(objective, changes, provenance_field="rating_rule_provenance", by=by, reason=reason)
    return objective


@transaction.atomic
def confirm_tolerance(
    *,
    by,
    key_result: KeyResult,
    tolerance: Decimal | None,
    tolerance_kind: str,
    reason: str,
    seen: str | None = None,
) -> KeyResult:
    """Make `key_result`'s tolerance the Trust's: how far a value may miss its
    target and be Amber rather than Red (reporting/rag.py)."""
    _refuse_unless_administrator(by)
    reason = checked_reason(reason)
    key_result = KeyResult.objects.select_for_update().get(pk=key_result.pk)
    _refuse_if_changed(seen, tolerance_seen(key_result), key_result, "this tolerance")
    if key_result.status == KeyResult.Status.DRAFT:
        raise ValidationError(
            "This OKR is a draft: it is not rated yet, so has no tolerance to confirm."
        )
    if problems := tolerance_problem(tolerance, tolerance_kind):
        raise ValidationError(problems)
    _confirm(
        key_result,
        {"tolerance": tolerance, "tolerance_kind": tolerance_kind},
        provenance_field="tolerance_provenance",
        by=by,
        reason=reason,
    )
    return key_result


@transaction.atomic
def confirm_definition(
    *, by, key_result: KeyResult, reason: str, seen: str | None = None
) -> KeyResult:
    """Confirm `key_result`'s definition, as it is, as the Trust's: its measure,
    direction of good, frequency, decimal places, how it is calculated and how the
    Trust's value is obtained (each changes through its own actions, or by
    replacing the OKR)."""
    _refuse_unless_administrator(by)
    reason = checked_reason(reason)
    key_result = KeyResult.objects.select_for_update().get(pk=key_result.pk)
    _refuse_if_changed(seen, definition_seen(key_result), key_result, "this definition")
    if not (key_result.measure and key_result.direction and key_result.frequency):
        raise ValidationError(
            "This OKR's unit of measure, direction of good or frequency is not set yet: "
            "there is no definition to confirm."
        )
    _confirm(key_result, {}, provenance_field="definition_provenance", by=by, reason=reason)
    return key_result


def _thresholds(green_from: Decimal | None, amber_from: Decimal | None) -> dict[str, Decimal]:
    low, high = THRESHOLD_BOUNDS
    problems = {}
    for name, threshold in (("green_from", green_from), ("amber_from", amber_from)):
        if threshold is None or not low <= threshold <= high:
            problems[name] = "Enter a points average from 1 to 3, like 2.5"
        elif -threshold.normalize().as_tuple().exponent > 2:
            problems[name] = "Enter a points average with at most 2 decimal places"
    if not problems and amber_from > green_from:
        problems["amber_from"] = "Enter an Amber threshold no higher than the Green one"
    if problems:
        raise ValidationError(problems)
    return {"rating_green_from": green_from, "rating_amber_from": amber_from}


def _confirm(record, changes: dict, *, provenance_field: str, by, reason: str) -> None:
    """Save `changes` with the rule now the Trust's; a rule already the Trust's
    and unchanged is refused, so every save records a decision."""
    changes = changes | {provenance_field: RuleProvenance.CONFIRMED}
    if not update_fields(record, changes, by=by, reason=reason):
        raise ValidationError("This rule is already the Trust’s, as it is: nothing to change.")


def _refuse_unless_administrator(by) -> None:
    if by is None or not by.has_perm("portal.maintain_strategy"):
        raise PermissionDenied("Only a Trust administrator can confirm or change rating rules.")


def _refuse_if_changed(seen: str | None, now: str, record, what: str) -> None:
    if seen is None or seen == now:
        return
    latest = record.history.select_related("history_user").first()
    user = getattr(latest, "history_user", None)
    who = user.get_full_name() or user.get_username() if user is not None else ""
    raise EditConflict(
        f"{who or 'Someone else'} changed {what} while you were looking at it. Check it "
        "as it is now, then confirm again"
    )


def _seen(*parts: object) -> str:
    return "|".join(str(part) for part in parts)
