"""Strategy coverage: what the current strategy does not yet measure, so the Trust
can close its own gaps.

- objectives with no executive owner: no lead role, or none of its lead roles held
  by anyone today;
- key focus areas with no OKR in use (active or achieved) linked to them;
- OKRs in use (active) with no target in force today, and with no executive owner;
- units that have not submitted everything they owe for the latest period of each
  frequency whose due date has passed.

`coverage_inputs` reads what that needs in a fixed number of queries whatever the
size of the strategy or its history; `coverage` works the gaps out of those plain
facts with no database and no clock.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Min, OuterRef, Subquery

from objectives.models import (
    KeyFocusArea,
    OrganisationalUnit,
    RoleAssignment,
    StrategicObjective,
    Strategy,
)
from okrs.models import KeyResult, ReportingPeriod, Result
from okrs.selectors.submissions import units_owing
from okrs.trust_values import is_derived

# An OKR "in use" measures its focus area now (active) or did until it was met
# (achieved); a draft has not started and a retired one measures nothing.
IN_USE = (KeyResult.Status.ACTIVE, KeyResult.Status.ACHIEVED)


# --- The facts read from the database ----------------------------------------------


@dataclass(frozen=True)
class Tenure:
    """Someone's holding of an executive role, from and to (empty: not known, or
    still held)."""

    role_id: int
    starts_on: datetime.date | None
    ends_on: datetime.date | None

    def held_on(self, day: datetime.date) -> bool:
        started = self.starts_on is None or self.starts_on <= day
        not_ended = self.ends_on is None or self.ends_on >= day
        return started and not_ended


@dataclass(frozen=True)
class ObjectiveFacts:
    id: int
    label: str  # "1. Quality"
    lead_roles: tuple[tuple[int, str], ...]  # (role id, title)


@dataclass(frozen=True)
class FocusAreaFacts:
    id: int
    objective_id: int
    title: str


@dataclass(frozen=True)
class OkrFacts:
    code: str
    statement: str
    objective_id: int
    focus_area_id: int | None
    status: str
    frequency: str
    owner: str  # the executive role's title; empty when none
    first_target_from: datetime.date | None  # when its earliest target applies
    # How the Trust's value is obtained: a worked-out one is owed by no one.
    trust_value: str = "entered"

    def has_target_on(self, day: datetime.date) -> bool:
        return self.first_target_from is not None and self.first_target_from <= day


@dataclass(frozen=True)
class CoverageInputs:
    strategy: str
    today: datetime.date
    objectives: list[ObjectiveFacts]
    tenures: list[Tenure]
    focus_areas: list[FocusAreaFacts]
    okrs: list[OkrFacts]
    units: list[OrganisationalUnit]  # their active dates are all that is read
    periods: list[ReportingPeriod]  # the latest past its due date, per frequency owed
    submitted: frozenset[tuple[str, str, int]]  # (OKR code, unit slug, period id)


# --- The gaps ----------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectiveGap:
    id: int
    label: str
    detail: str


@dataclass(frozen=True)
class FocusAreaGap:
    id: int
    title: str
    objective: str
    detail: str


@dataclass(frozen=True)
class OkrGap:
    code: str
    statement: str
    objective: str
    detail: str


@dataclass(frozen=True)
class UnitGap:
    slug: str
    name: str
    outstanding: int
    owed: int


@dataclass(frozen=True)
class PeriodGaps:
    """The units still owing values for one period past its due date."""

    period: ReportingPeriod
    okrs_owed: int
    units_owing: int
    units: list[UnitGap]


@dataclass(frozen=True)
class Coverage:
    strategy: str
    today: datetime.date
    objectives_without_owner: list[ObjectiveGap]
    objective_count: int
    focus_areas_without_okr: list[FocusAreaGap]
    focus_area_count: int
    okrs_without_target: list[OkrGap]
    okrs_without_owner: list[OkrGap]
    okrs_in_use: int
    periods: list[PeriodGaps]

    @property
    def unit_gap_count(self) -> int:
        """How many units still owe values, counted once per period listed."""
        return sum(len(found.units) for found in self.periods)


def coverage(inputs: CoverageInputs) -> Coverage:
    """The gaps in the strategy's measurement on `inputs.today` (pure)."""
    today = inputs.today
    objective_labels = {objective.id: objective.label for objective in inputs.objectives}
    active = [okr for okr in inputs.okrs if okr.status == KeyResult.Status.ACTIVE]
    return Coverage(
        strategy=inputs.strategy,
        today=today,
        objectives_without_owner=_objectives_without_owner(
            inputs.objectives, inputs.tenures, today
        ),
        objective_count=len(inputs.objectives),
        focus_areas_without_okr=_focus_areas_without_okr(
            inputs.focus_areas, inputs.okrs, objective_labels
        ),
        focus_area_count=len(inputs.focus_areas),
        okrs_without_target=[
            OkrGap(
                code=okr.code,
                statement=okr.statement,
                objective=objective_labels.get(okr.objective_id, ""),
                detail=(
                    "No target set"
                    if okr.first_target_from is None
                    else f"Its first target applies from {_long(okr.first_target_from)}"
                ),
            )
            for okr in active
            if not okr.has_target_on(today)
        ],
        okrs_without_owner=[
            OkrGap(
                code=okr.code,
                statement=okr.statement,
                objective=objective_labels.get(okr.objective_id, ""),
                detail="No executive owner named",
            )
            for okr in active
            if not okr.owner
        ],
        okrs_in_use=len(active),
        periods=[
            _period_gaps(period, active, inputs.units, inputs.submitted)
            for period in inputs.periods
        ],
    )


def _objectives_without_owner(
    objectives: list[ObjectiveFacts], tenures: list[Tenure], today: datetime.date
) -> list[ObjectiveGap]:
    held = {tenure.role_id for tenure in tenures if tenure.held_on(today)}
    gaps = []
    for objective in objectives:
        if not objective.lead_roles:
            detail = "No executive director named"
        elif any(role_id in held for role_id, _ in objective.lead_roles):
            continue
        else:
            titles = _and([title for _, title in objective.lead_roles])
            these = "this role" if len(objective.lead_roles) == 1 else "these roles"
            detail = f"{titles}: nobody holds {these} today"
        gaps.append(ObjectiveGap(id=objective.id, label=objective.label, detail=detail))
    return gaps


def _focus_areas_without_okr(
    focus_areas: list[FocusAreaFacts], okrs: list[OkrFacts], objective_labels: dict[int, str]
) -> list[FocusAreaGap]:
    in_use = {okr.focus_area_id for okr in okrs if okr.status in IN_USE}
    drafts: dict[int | None, int] = defaultdict(int)
    for okr in okrs:
        if okr.status == KeyResult.Status.DRAFT:
            drafts[okr.focus_area_id] += 1
    gaps = []
    for focus_area in focus_areas:
        if focus_area.id in in_use:
            continue
        waiting = drafts[focus_area.id]
        detail = "No OKR yet"
        if waiting:
            detail = f"No OKR in use; {waiting} in draft"
        gaps.append(
            FocusAreaGap(
                id=focus_area.id,
                title=focus_area.title,
                objective=objective_labels.get(focus_area.objective_id, ""),
                detail=detail,
            )
        )
    return gaps


def _period_gaps(
    period: ReportingPeriod,
    active: list[OkrFacts],
    units: list[OrganisationalUnit],
    submitted: frozenset[tuple[str, str, int]],
) -> PeriodGaps:
    """What each unit active in `period` still owes for it: the rule of
    `okrs.selectors.submissions` (every active OKR at the period's frequency, from
    the period in which its first target applies; submitted values count)."""
    owed = [
        okr
        for okr in active
        if okr.frequency == period.frequency and okr.has_target_on(period.ends_on)
    ]
    owing = units_owing(period, units)
    gaps = []
    # The Trust last, as on the Tracking page and the slides.
    for unit in sorted(owing, key=lambda unit: unit.kind == OrganisationalUnit.Kind.TRUST):
        unit_owes = [
            okr
            for okr in owed
            if not (unit.kind == OrganisationalUnit.Kind.TRUST and is_derived(okr.trust_value))
        ]
        outstanding = sum(
            1 for okr in unit_owes if (okr.code, unit.slug, period.pk) not in submitted
        )
        if outstanding:
            gaps.append(
                UnitGap(
                    slug=unit.slug,
                    name=unit.short_name,
                    outstanding=outstanding,
                    owed=len(unit_owes),
                )
            )
    return PeriodGaps(period=period, okrs_owed=len(owed), units_owing=len(owing), units=gaps)


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _long(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


# --- The reads -----------------------------------------------------------------------


def coverage_inputs(strategy: Strategy, today: datetime.date) -> CoverageInputs:
    """What `coverage` needs for `strategy` on `today`: eight queries whatever the
    number of objectives, focus areas, OKRs, units, periods or results."""
    objectives = list(
        StrategicObjective.objects.filter(strategy=strategy)
        .prefetch_related("lead_roles")
        .order_by("number")
    )
    role_ids = {role.pk for objective in objectives for role in objective.lead_roles.all()}
    tenures = [
        Tenure(
            role_id=assignment.role_id,
            starts_on=assignment.starts_on,
            ends_on=assignment.ends_on,
        )
        for assignment in RoleAssignment.objects.filter(role__in=role_ids)
    ]
    focus_areas = [
        FocusAreaFacts(id=area.pk, objective_id=area.objective_id, title=area.title)
        for area in KeyFocusArea.objects.filter(objective__strategy=strategy).order_by(
            "objective__number", "order"
        )
    ]
    okrs = _okr_facts(strategy)
    frequencies = {okr.frequency for okr in okrs if okr.status == KeyResult.Status.ACTIVE}
    periods = _latest_periods_past_due(frequencies, today)
    submitted = frozenset(
        Result.objects.filter(
            period__in=periods,
            status=Result.Status.SUBMITTED,
            key_result__objective__strategy=strategy,
        ).values_list("key_result__code", "unit__slug", "period_id")
    )
    return CoverageInputs(
        strategy=strategy.title,
        today=today,
        objectives=[
            ObjectiveFacts(
                id=objective.pk,
                label=f"{objective.number}. {objective.short_name or objective.title}",
                lead_roles=tuple(
                    (role.pk, role.title)
                    for role in sorted(objective.lead_roles.all(), key=lambda role: role.title)
                ),
            )
            for objective in objectives
        ],
        tenures=tenures,
        focus_areas=focus_areas,
        okrs=okrs,
        units=list(OrganisationalUnit.objects.order_by("order", "name")) if periods else [],
        periods=periods,
        submitted=submitted,
    )


def _okr_facts(strategy: Strategy) -> list[OkrFacts]:
    key_results = (
        KeyResult.objects.filter(objective__strategy=strategy)
        .select_related("owner_role")
        .annotate(first_target_from=Min("targets__effective_from"))
        .order_by("objective__number", "order", "code")
    )
    return [
        OkrFacts(
            code=key_result.code,
            statement=key_result.statement,
            objective_id=key_result.objective_id,
            focus_area_id=key_result.focus_area_id,
            status=key_result.status,
            frequency=key_result.frequency,
            owner=key_result.owner_role.title if key_result.owner_role else "",
            first_target_from=key_result.first_target_from,
            trust_value=key_result.trust_value,
        )
        for key_result in key_results
    ]


def _latest_periods_past_due(frequencies: set[str], today: datetime.date) -> list[ReportingPeriod]:
    """For each frequency owed, the latest period whose values were due before
    `today` (late from the day after: `okrs.selectors.submissions`), one query."""
    if not frequencies:
        return []
    latest_start = (
        ReportingPeriod.objects.filter(frequency=OuterRef("frequency"), due_on__lt=today)
        .order_by("-starts_on")
        .values("starts_on")[:1]
    )
    return list(
        ReportingPeriod.objects.filter(frequency__in=frequencies, due_on__lt=today)
        .filter(starts_on=Subquery(latest_start))
        .order_by("-ends_on", "frequency")
    )
