"""Writes that define OKRs and their targets: creating one, setting a target, and
the Trust administrators' maintenance (adding, changing a target from a period,
marking achieved and replacing, retiring, linking to a key focus area), each with a
reason and audited.

One module although over 450 lines: an OKR's definition and its targets change
together (adding or replacing an OKR sets its first target, and one rule says which
statuses may still change either), so their checks and their locking are shared;
trajectories, which stand apart, have their own module (`trajectories`)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from objectives.audit import (
    checked_reason,
    create_or_update,
    save_with_audit,
    update_fields,
)
from objectives.models import (
    KeyFocusArea,
    OrganisationalUnit,
    RuleProvenance,
    StrategicObjective,
)
from okrs import periods
from okrs.actions.results import ensure_period, value_problem
from okrs.formatting import format_value
from okrs.measures import PERCENTAGE_MEASURES
from okrs.models import (
    Direction,
    Frequency,
    KeyResult,
    Measure,
    ReportingPeriod,
    Target,
    TrustValue,
)
from okrs.validation import COLUMN_LIMIT, range_problem, tolerance_problem


@transaction.atomic
def create_key_result(
    *, by, objective: StrategicObjective, code: str, statement: str, reason: str, **fields
) -> KeyResult:
    focus_area = fields.get("focus_area")
    if focus_area is not None and focus_area.objective_id != objective.pk:
        raise ValidationError("An OKR's focus area must belong to the same objective.")
    if focus_area is not None:
        # Unless said otherwise (the seeds say where a link came from), whoever
        # creates an OKR in a focus area chose that focus area.
        fields.setdefault("focus_area_provenance", KeyResult.FocusAreaProvenance.SET_BY_PERSON)
    key_result = KeyResult(objective=objective, code=code, statement=statement, **fields)
    save_with_audit(key_result, by=by, reason=reason)
    return key_result


@transaction.atomic
def set_target(
    *,
    by,
    key_result: KeyResult,
    value: Decimal,
    effective_from: datetime.date,
    unit: OrganisationalUnit | None = None,
    ends_on: datetime.date | None = None,
    source: str = "",
    reason: str,
) -> Target:
    """Set the target in force from `effective_from` (to `ends_on` where given) for
    the Trust (`unit` None: every unit without its own follows it) or for one unit;
    earlier periods keep theirs."""
    if problem := value_problem(key_result, value):
        raise ValidationError({"value": problem})
    if unit is not None and unit.kind == OrganisationalUnit.Kind.TRUST:
        raise ValidationError(
            {"unit": "The Trust's target is the one set for the Trust: leave the unit empty"}
        )
    if ends_on is not None and ends_on < effective_from:
        raise ValidationError({"until_period": "Choose a last period on or after the first"})
    return create_or_update(
        Target,
        lookup={"key_result": key_result, "unit": unit, "effective_from": effective_from},
        fields={"value": value, "ends_on": ends_on, "source": source},
        by=by,
        reason=reason,
    )


# --- Maintaining OKRs (Trust administrators) ------------------------------------
#
# The life of an OKR: draft → active (added through the maintenance pages, or by
# the seeds) → achieved (and replaced by a new active OKR) or retired. A draft that
# will never be used can be retired; nothing comes back from achieved or retired,
# because board reports already show it so. Results and targets are always kept.

_STATUS_CHANGES = {
    (KeyResult.Status.ACTIVE, KeyResult.Status.ACHIEVED),
    (KeyResult.Status.ACTIVE, KeyResult.Status.RETIRED),
    (KeyResult.Status.DRAFT, KeyResult.Status.RETIRED),
}
# Statuses whose targets may still change: an achieved or retired OKR keeps the
# targets it was reported against.
_TARGETS_CAN_CHANGE = {KeyResult.Status.DRAFT, KeyResult.Status.ACTIVE}
_CODE_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def can_change_status(key_result: KeyResult, to: str) -> bool:
    return (key_result.status, to) in _STATUS_CHANGES


def can_link_focus_area(key_result: KeyResult) -> bool:
    """Whether an OKR's key focus area may be set: as with its targets, an achieved or
    retired OKR keeps what it was reported under."""
    return key_result.status in _TARGETS_CAN_CHANGE


def can_change_target(key_result: KeyResult) -> bool:
    return key_result.status in _TARGETS_CAN_CHANGE and bool(key_result.frequency)


def locked_key_result(key_result: KeyResult) -> KeyResult:
    """The OKR as it is now, locked until the transaction ends, so two administrators
    acting on it at once cannot both win."""
    return KeyResult.objects.select_for_update().get(pk=key_result.pk)


def _refuse_status_change(key_result: KeyResult, to: str) -> None:
    if (key_result.status, to) not in _STATUS_CHANGES:
        current = KeyResult.Status(key_result.status).label.lower()
        wanted = KeyResult.Status(to).label.lower()
        raise ValidationError(
            f"This OKR is {current}, so it cannot be marked {wanted}. Only an active OKR "
            "can be achieved; only a draft or active OKR can be retired."
        )


def key_result_code_problem(code: str) -> str | None:
    """What is wrong with `code` for a new OKR, if anything (forms ask early, too)."""
    if not code:
        return "Enter a code"
    if (
        not set(code) <= _CODE_CHARACTERS
        or code.startswith("-")
        or code.endswith("-")
        or "--" in code
    ):
        return (
            "A code can only contain lower-case letters, numbers and single hyphens, "
            "like quality-cccs-training"
        )
    if KeyResult.objects.filter(code=code).exists():
        return f"An OKR with the code {code} already exists: choose another"
    return None


@dataclass(frozen=True)
class KeyResultDefinition:
    """What a new OKR is, as an administrator defines it: the same whether it is
    added to a focus area or replaces an achieved OKR. `owner_role` is an
    ExecutiveRole or None."""

    code: str
    statement: str
    measure: str
    direction: str
    frequency: str
    target: Decimal | None
    target_from: datetime.date | None
    tolerance: Decimal = Decimal(0)
    tolerance_kind: str = "absolute"
    decimal_places: int = 1
    trust_value: str = TrustValue.ENTERED
    # With TrustValue.RATIO: value = numerator ÷ denominator × ratio_scale.
    ratio_scale: Decimal = Decimal(100)
    numerator_label: str = ""
    denominator_label: str = ""
    lowest_value: Decimal | None = None
    highest_value: Decimal | None = None
    owner_role: object = None
    calculation: str = ""
    data_source: str = ""
    target_rationale: str = ""


def _definition_problems(definition: KeyResultDefinition) -> dict[str, str]:
    """What is wrong with a new OKR's definition, per argument, in words a person can act on."""
    problems = {}
    if problem := key_result_code_problem(definition.code):
        problems["code"] = problem
    if not (definition.statement or "").strip():
        problems["statement"] = "Enter the OKR as the Trust wrote it"
    if definition.measure not in Measure.values:
        problems["measure"] = "Choose the unit of measure"
    if definition.direction not in Direction.values:
        problems["direction"] = "Choose whether higher or lower is better"
    if definition.frequency not in Frequency.values:
        problems["frequency"] = "Choose how often it is reported"
    if definition.target is None:
        problems["target"] = "Enter the target"
    if definition.target_from is None:
        problems["target_from"] = "Enter the date the target applies from"
    problems |= tolerance_problem(definition.tolerance, definition.tolerance_kind)
    if definition.decimal_places is None or not 0 <= definition.decimal_places <= 4:
        problems["decimal_places"] = "Enter a number of decimal places from 0 to 4"
    if definition.trust_value not in TrustValue.values:
        problems["trust_value"] = "Choose how the Trust's value is obtained"
    elif definition.trust_value == TrustValue.RATIO and definition.measure not in (
        Measure.PERCENTAGE,
        Measure.RATE,
    ):
        problems["trust_value"] = (
            "Only a percentage or a rate is worked out from numerators and denominators"
        )
    elif definition.trust_value == TrustValue.RATIO and not (
        definition.ratio_scale is not None and 0 < definition.ratio_scale <= 1_000_000
    ):
        problems["ratio_scale"] = "Enter a scale above 0 and at most 1,000,000, like 100"
    elif definition.trust_value == TrustValue.SUM and definition.measure in PERCENTAGE_MEASURES:
        problems["trust_value"] = (
            "Percentages cannot be added up across directorates: choose the mean or the "
            "median, or enter the Trust's value"
        )
    low, high = definition.lowest_value, definition.highest_value
    for name, bound in (("lowest_value", low), ("highest_value", high)):
        if bound is not None and abs(bound) > COLUMN_LIMIT:
            problems[name] = "Enter a number of no more than 10 digits before the point"
    if low is not None and high is not None and low >= high and "highest_value" not in problems:
        problems["highest_value"] = "Enter a highest value above the lowest"
    range_known = not {"measure", "lowest_value", "highest_value"} & set(problems)
    if definition.target is not None and range_known:
        problem = range_problem(definition.target, definition.measure, lowest=low, highest=high)
        if problem:
            problems["target"] = problem
    return problems


def _create_active_key_result(
    *,
    by,
    objective: StrategicObjective,
    focus_area: KeyFocusArea | None,
    focus_area_provenance: str,
    order: int,
    definition: KeyResultDefinition,
    reason: str,
) -> KeyResult:
    problems = _definition_problems(definition)
    if problems:
        raise ValidationError(problems)
    key_result = create_key_result(
        by=by,
        objective=objective,
        code=definition.code,
        statement=definition.statement.strip(),
        reason=reason,
        focus_area=focus_area,
        focus_area_provenance=focus_area_provenance,
        status=KeyResult.Status.ACTIVE,
        measure=definition.measure,
        direction=definition.direction,
        frequency=definition.frequency,
        tolerance=definition.tolerance,
        tolerance_kind=definition.tolerance_kind,
        # Whoever defines an OKR here chose its tolerance and its definition: they
        # are the Trust's.
        tolerance_provenance=RuleProvenance.CONFIRMED,
        definition_provenance=RuleProvenance.CONFIRMED,
        decimal_places=definition.decimal_places,
        trust_value=definition.trust_value,
        ratio_scale=definition.ratio_scale,
        numerator_label=(definition.numerator_label or "").strip(),
        denominator_label=(definition.denominator_label or "").strip(),
        lowest_value=definition.lowest_value,
        highest_value=definition.highest_value,
        owner_role=definition.owner_role,
        calculation=(definition.calculation or "").strip(),
        data_source=(definition.data_source or "").strip(),
        target_rationale=(definition.target_rationale or "").strip(),
        order=order,
    )
    set_target(
        by=by,
        key_result=key_result,
        value=definition.target,
        effective_from=definition.target_from,
        reason=reason,
    )
    return key_result


@transaction.atomic
def add_key_result_to_focus_area(
    *, by, focus_area: KeyFocusArea, definition: KeyResultDefinition, reason: str
) -> KeyResult:
    """Add an active OKR to a focus area of a strategy still in use, with its first
    target. Listed after the
    objective's other OKRs."""
    reason = checked_reason(reason)
    strategy = focus_area.objective.strategy
    if strategy.status == strategy.Status.SUPERSEDED:
        raise ValidationError("This focus area belongs to a superseded strategy.")
    last = (
        KeyResult.objects.filter(objective=focus_area.objective)
        .order_by("-order")
        .values_list("order", flat=True)
        .first()
    )
    return _create_active_key_result(
        by=by,
        objective=focus_area.objective,
        focus_area=focus_area,
        focus_area_provenance=KeyResult.FocusAreaProvenance.SET_BY_PERSON,
        order=(last or 0) + 1,
        definition=definition,
        reason=reason,
    )


@transaction.atomic
def change_target_from(
    *,
    by,
    key_result: KeyResult,
    value: Decimal,
    from_period: ReportingPeriod | periods.PeriodSpan,
    reason: str,
    unit: OrganisationalUnit | None = None,
    until_period: ReportingPeriod | periods.PeriodSpan | None = None,
) -> Target:
    """The target from `from_period` on becomes `value`, for the Trust (`unit`
    None) or for one unit, whose own target then overrides the Trust's. Earlier
    periods keep the target they had, and a later target already set for the same
    unit still applies from its date. With `until_period` the target applies up to
    the end of that period only; after it the unit follows the Trust's target
    again (or, for the Trust, there is no target until the next one set). A coming
    period (a span with no row yet) is made, so targets can be set ahead."""
    reason = checked_reason(reason)
    if isinstance(from_period, periods.PeriodSpan):
        from_period = ensure_period(from_period)
    key_result = locked_key_result(key_result)
    if key_result.status not in _TARGETS_CAN_CHANGE:
        raise ValidationError(
            f"This OKR is {key_result.get_status_display().lower()}: it keeps the targets "
            "it was reported against."
        )
    if not key_result.frequency:
        raise ValidationError("Set how often this OKR is reported before giving it a target.")
    if from_period.frequency != key_result.frequency:
        raise ValidationError(
            {
                "from_period": f"Choose a {key_result.get_frequency_display().lower()} "
                f"period: this OKR is reported {key_result.get_frequency_display().lower()}"
            }
        )
    if value is None:
        raise ValidationError({"value": "Enter the target"})
    ends_on = None
    if until_period is not None:
        if until_period.frequency != key_result.frequency:
            raise ValidationError({"until_period": "Choose a period at the OKR's frequency"})
        ends_on = until_period.ends_on
    existing = Target.objects.filter(
        key_result=key_result, unit=unit, effective_from=from_period.starts_on
    ).first()
    if existing is not None and existing.value == value and existing.ends_on == ends_on:
        whose = f"{unit.short_name}'s target" if unit else "The target"
        raise ValidationError(
            {
                "value": f"{whose} from {from_period.label} is already "
                f"{format_value(value, key_result.measure)}: nothing to change"
            }
        )
    return set_target(
        by=by,
        key_result=key_result,
        value=value,
        effective_from=from_period.starts_on,
        unit=unit,
        ends_on=ends_on,
        reason=reason,
    )


@transaction.atomic
def mark_achieved_and_replace(
    *, by, key_result: KeyResult, definition: KeyResultDefinition, reason: str
) -> KeyResult:
    """Mark an active OKR achieved and replace it with a new active OKR in the same
    objective and focus area, in its place in the list. Returns the replacement."""
    reason = checked_reason(reason)
    key_result = locked_key_result(key_result)
    _refuse_status_change(key_result, KeyResult.Status.ACHIEVED)
    replacement = _create_active_key_result(
        by=by,
        objective=key_result.objective,
        # The replacement measures what the achieved OKR did: its link is as sure.
        focus_area=key_result.focus_area,
        focus_area_provenance=key_result.focus_area_provenance,
        order=key_result.order,
        definition=definition,
        reason=reason,
    )
    update_fields(
        key_result,
        {"status": KeyResult.Status.ACHIEVED, "replaced_by": replacement},
        by=by,
        reason=reason,
    )
    return replacement


@transaction.atomic
def retire_key_result(*, by, key_result: KeyResult, reason: str) -> KeyResult:
    """Stop using an OKR. Its results and targets stay, and stay readable."""
    reason = checked_reason(reason)
    key_result = locked_key_result(key_result)
    _refuse_status_change(key_result, KeyResult.Status.RETIRED)
    update_fields(key_result, {"status": KeyResult.Status.RETIRED}, by=by, reason=reason)
    return key_result


@transaction.atomic
def link_key_result_to_focus_area(
    *, by, key_result: KeyResult, focus_area: KeyFocusArea | None, reason: str
) -> KeyResult:
    """Set (or, with None, clear) the key focus area an OKR measures: one of its own
    objective's, in a strategy still in use. The link is then a person's decision,
    no longer "derived: to confirm", and loading the seeds again leaves it alone.
    Confirming a derived link as it is counts as a change; anything else that
    changes nothing is refused."""
    reason = checked_reason(reason)
    key_result = locked_key_result(key_result)
    strategy = key_result.objective.strategy
    if strategy.status == strategy.Status.SUPERSEDED:
        raise ValidationError(
            "This OKR belongs to a superseded strategy: its key focus area stays as it was."
        )
    if not can_link_focus_area(key_result):
        raise ValidationError(
            f"This OKR is {key_result.get_status_display().lower()}: it keeps the key focus "
            "area it was reported under."
        )
    if focus_area is not None and focus_area.objective_id != key_result.objective_id:
        raise ValidationError({"focus_area": "Choose a key focus area of this OKR's own objective"})
    by_person = KeyResult.FocusAreaProvenance.SET_BY_PERSON
    if key_result.focus_area_id == (focus_area.pk if focus_area else None) and (
        key_result.focus_area_provenance == by_person
    ):
        already = (
            f"This OKR is already linked to ‘{focus_area.title}’"
            if focus_area
            else "This OKR is already not linked to a key focus area"
        )
        raise ValidationError({"focus_area": f"{already}: nothing to change"})
    update_fields(
        key_result,
        {"focus_area": focus_area, "focus_area_provenance": by_person},
        by=by,
        reason=reason,
    )
    return key_result
