"""Reads of the strategy, shaped for the pages. Each returns everything a page
needs in a fixed number of queries, whatever the size of the strategy."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet, prefetch_related_objects
from django.shortcuts import get_object_or_404

from objectives.models import (
    Behaviour,
    ExecutiveRole,
    KeyFocusArea,
    OrganisationalUnit,
    Person,
    RoleAssignment,
    StrategicObjective,
    Strategy,
    Value,
)


def current_strategy() -> Strategy | None:
    return Strategy.objects.filter(is_current=True).first()


def strategy_by_slug(slug: str) -> Strategy:
    return get_object_or_404(Strategy, slug=slug)


def strategies_for_history() -> QuerySet[Strategy]:
    """Every strategy, current first then newest, with how much each holds."""
    return Strategy.objects.annotate(
        objective_count=Count("objectives", distinct=True),
        focus_area_count=Count("objectives__focus_areas", distinct=True),
    ).order_by("-is_current", "-starts_on")


def values_with_behaviours(strategy: Strategy) -> QuerySet[Value]:
    return strategy.values.prefetch_related(
        Prefetch("behaviours", queryset=Behaviour.objects.order_by("order"))
    )


def objectives_for_strategy(strategy: Strategy) -> QuerySet[StrategicObjective]:
    return (
        strategy.objectives.select_related("committee")
        .prefetch_related("lead_roles")
        .annotate(
            focus_area_count=Count("focus_areas", distinct=True),
            key_result_count=Count("key_results", distinct=True),
        )
    )


def objective_detail(pk: int) -> StrategicObjective:
    return get_object_or_404(
        StrategicObjective.objects.select_related("strategy", "committee").prefetch_related(
            "lead_roles",
            Prefetch(
                "focus_areas",
                queryset=KeyFocusArea.objects.select_related("theme").order_by("order"),
            ),
        ),
        pk=pk,
    )


def focus_area_detail(pk: int) -> KeyFocusArea:
    return get_object_or_404(
        KeyFocusArea.objects.select_related("objective__strategy", "theme"), pk=pk
    )


@dataclass(frozen=True)
class RoleHolding:
    role: ExecutiveRole
    holders: list[Person]


def holdings_for_roles(
    roles: list[ExecutiveRole], *, on: datetime.date | None = None
) -> list[RoleHolding]:
    """Who holds each role on a day (today by default). A role without a holder
    is returned too, so the page can show the gap rather than hide it."""
    day = on or datetime.date.today()
    assignments = RoleAssignment.objects.filter(role__in=roles).select_related("person")
    holders = defaultdict(list)
    for assignment in assignments:
        if assignment.is_active_on(day):
            holders[assignment.role_id].append(assignment.person)
    return [RoleHolding(role=role, holders=holders[role.pk]) for role in roles]


def attach_lead_holdings(objectives: list[StrategicObjective]) -> None:
    """Give each objective `lead_holdings`: its lead roles with their holders
    today (one query for all objectives; lead roles must be prefetched)."""
    roles = {role.pk: role for objective in objectives for role in objective.lead_roles.all()}
    holdings = {holding.role.pk: holding for holding in holdings_for_roles(list(roles.values()))}
    for objective in objectives:
        objective.lead_holdings = [holdings[role.pk] for role in objective.lead_roles.all()]


def all_role_holdings() -> list[RoleHolding]:
    return holdings_for_roles(list(ExecutiveRole.objects.all()))


def units_overview() -> QuerySet[OrganisationalUnit]:
    return OrganisationalUnit.objects.select_related("parent").prefetch_related("leads")


def unit_by_slug(slug: str) -> OrganisationalUnit:
    return get_object_or_404(OrganisationalUnit, slug=slug)


def people_overview() -> QuerySet[Person]:
    return Person.objects.prefetch_related("role_assignments__role", "lead_for_units")


def objectives_user_may_write(user, objective_ids: list[int]) -> set[int]:
    """Which of these objectives' narratives the user may write (asked of the one
    permission entry point, with every objective's lead roles read in one query)."""
    objectives = [StrategicObjective(pk=pk) for pk in objective_ids]
    prefetch_related_objects(objectives, "lead_roles")
    return {
        objective.pk
        for objective in objectives
        if user.has_perm("portal.write_narrative", objective)
    }
