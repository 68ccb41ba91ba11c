"""The demo's governance: an accountable executive for each objective whose papers
name none (a demo role held by a demo person), and trajectories in Specialised,
one of them revised. Written through the actions, marked demo, made once; called by
`datasets.demo.load_demo`."""

import datetime
from decimal import Decimal

from objectives import actions as strategy_actions
from objectives.models import (
    ExecutiveRole,
    OrganisationalUnit,
    Person,
    StrategicObjective,
    Strategy,
)
from okrs import actions as okr_actions
from okrs import periods
from okrs.models import KeyResult, Trajectory

# Objectives whose papers name no accountable executive get a demo one (a demo role
# held by a demo person, both marked demo), so no IPR section reads "Not recorded".
DEMO_EXECUTIVES = {
    "People": ("demo-chief-people-officer", "Chief People Officer (demo)", "Pat People (demo)"),
    "Sustainability": (
        "demo-chief-finance-officer",
        "Chief Finance Officer (demo)",
        "Fran Finance (demo)",
    ),
    "Research & Education": (
        "demo-director-of-research",
        "Director of Research & Education (demo)",
        "Rory Research (demo)",
    ),
}


def ensure_demo_executives(strategy: Strategy, *, by, reason: str) -> None:
    for objective in StrategicObjective.objects.filter(strategy=strategy):
        if objective.short_name not in DEMO_EXECUTIVES or objective.lead_roles.exists():
            continue
        slug, title, holder = DEMO_EXECUTIVES[objective.short_name]
        role = ExecutiveRole.objects.filter(slug=slug).first() or (
            strategy_actions.create_executive_role(by=by, slug=slug, title=title, reason=reason)
        )
        person = Person.objects.filter(slug=f"{slug}-holder").first() or (
            strategy_actions.create_person(
                by=by, slug=f"{slug}-holder", full_name=holder, is_demo=True, reason=reason
            )
        )
        if not person.role_assignments.filter(role=role).exists():
            strategy_actions.assign_role(
                by=by, role=role, person=person, source="Demo", reason=reason
            )
        strategy_actions.set_objective_leads(
            by=by, objective=objective, lead_roles=[role], reason=reason
        )


# Trajectories the demo sets, in Specialised: a recovery plan for appraisals,
# revised a year on, and one for agency spend (targets a quarter apart, monthly).
def ensure_demo_trajectories(*, by, reason: str, first_day: datetime.date) -> None:
    specialised = OrganisationalUnit.objects.filter(slug="specialised").first()
    appraisals = KeyResult.objects.filter(code="demo-appraisals").first()
    agency = KeyResult.objects.filter(code="demo-agency-spend").first()
    if not (specialised and appraisals and agency):
        return
    if Trajectory.objects.filter(unit=specialised).exists():
        return
    start = periods.span_containing(periods.MONTHLY, first_day.replace(year=2022))
    okr_actions.set_planned_trajectory(
        by=by,
        key_result=appraisals,
        unit=specialised,
        first_period=start,
        values=[Decimal(value) for value in _steps(86, 95, 12)],
        reason="Demo: appraisal recovery plan over 2022/23",
        approved_by="People Committee (demo)",
        approved_on=start.starts_on,
    )
    revised = periods.span_containing(periods.MONTHLY, start.starts_on.replace(year=2023))
    okr_actions.revise_trajectory(
        by=by,
        key_result=appraisals,
        unit=specialised,
        first_period=revised,
        values=[Decimal(value) for value in _steps(88, 95, 12)],
        reason="Demo: recovery slower than planned; goal moved back a year",
        approved_by="People Committee (demo)",
        approved_on=revised.starts_on,
    )
    okr_actions.set_planned_trajectory(
        by=by,
        key_result=agency,
        unit=specialised,
        first_period=start,
        values=[Decimal(value) for value in _steps(7.5, 5, 12)],
        reason="Demo: agency spend reduction plan over 2022/23",
        approved_by="Finance Committee (demo)",
        approved_on=start.starts_on,
    )


def _steps(first: float, last: float, count: int) -> list[str]:
    """`count` targets from `first` to `last` in equal steps, to one decimal."""
    step = (last - first) / (count - 1)
    return [f"{first + step * index:.1f}" for index in range(count)]
