"""The API's reads: the portal's own selectors where a page already reads the same
thing, and the querysets the API pages through, each in a fixed number of queries
whatever the number of rows."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import F, Prefetch, Q, QuerySet

from accounts.system_actor import SYSTEM_USERNAME
from api.models import ApiClient
from objectives.models import KeyFocusArea, OrganisationalUnit, StrategicObjective, Strategy
from objectives.permissions import api_client_of
from okrs.models import KeyResult, ReportingPeriod, Result, Target
from reporting.models import IprEdition

User = get_user_model()


def strategies() -> QuerySet[Strategy]:
    return Strategy.objects.order_by("-is_current", "-starts_on", "slug")


def objectives(strategy: Strategy) -> QuerySet[StrategicObjective]:
    return (
        strategy.objectives.select_related("committee")
        .prefetch_related("lead_roles", "focus_areas")
        .order_by("number")
    )


def focus_areas(strategy: Strategy) -> QuerySet[KeyFocusArea]:
    return (
        KeyFocusArea.objects.filter(objective__strategy=strategy)
        .select_related("objective", "theme")
        .order_by("objective__number", "order")
    )


def key_results(strategy: Strategy | None = None) -> QuerySet[KeyResult]:
    """OKRs with what their definitions name and their targets (with the units they
    were set for), a strategy's, or every strategy's when none is given."""
    found = (
        KeyResult.objects.all()
        if strategy is None
        else KeyResult.objects.filter(objective__strategy=strategy)
    )
    return (
        found.select_related("objective", "focus_area", "owner_role")
        .prefetch_related(
            Prefetch(
                "targets",
                queryset=Target.objects.select_related("unit").order_by("effective_from", "pk"),
            )
        )
        .order_by("objective__number", "order", "code")
    )


def units() -> QuerySet[OrganisationalUnit]:
    return OrganisationalUnit.objects.select_related("parent").order_by("order", "name")


def key_result_coded(code: str) -> KeyResult | None:
    return KeyResult.objects.filter(code=code).first()


def unit_with_slug(slug: str) -> OrganisationalUnit | None:
    return OrganisationalUnit.objects.filter(slug=slug).first()


def reporting_periods() -> QuerySet[ReportingPeriod]:
    return ReportingPeriod.objects.order_by("starts_on", "frequency")


@dataclass(frozen=True)
class ResultFilters:
    key_result: KeyResult | None = None
    unit: OrganisationalUnit | None = None
    frequency: str = ""
    period_from: datetime.date | None = None
    period_to: datetime.date | None = None
    status: str = ""


def results_for(user, filters: ResultFilters) -> QuerySet[Result]:
    """The results this caller may read, narrowed by `filters`, in a stable order.

    Submitted values are everyone's who reads the strategy; a draft only theirs who
    may change it (its unit's lead, a corrector). An API client reads the results of
    the units it was made for, drafts included, and no others."""
    results = Result.objects.select_related("key_result", "unit", "period", "entered_by")
    client = api_client_of(user)
    if client is not None:
        if not client.all_units:
            results = results.filter(unit_id__in=client.unit_ids)
    elif not user.has_perm("portal.correct_results"):
        draft_units = [
            unit.pk
            for unit in OrganisationalUnit.objects.only("pk")
            if user.has_perm("portal.read_unit_drafts", unit)
        ]
        results = results.filter(Q(status=Result.Status.SUBMITTED) | Q(unit_id__in=draft_units))
    if filters.key_result is not None:
        results = results.filter(key_result=filters.key_result)
    if filters.unit is not None:
        results = results.filter(unit=filters.unit)
    if filters.frequency:
        results = results.filter(period__frequency=filters.frequency)
    if filters.period_from is not None:
        results = results.filter(period__starts_on__gte=filters.period_from)
    if filters.period_to is not None:
        results = results.filter(period__starts_on__lte=filters.period_to)
    if filters.status:
        results = results.filter(status=filters.status)
    return results.order_by("period__starts_on", "key_result__code", "unit__order", "unit_id")


def readable_result(user, pk: int) -> Result | None:
    """One result, if this caller may read it."""
    return results_for(user, ResultFilters()).filter(pk=pk).first()


def published_editions() -> QuerySet[IprEdition]:
    return (
        IprEdition.objects.select_related("published_by")
        .defer("report")
        .order_by("-data_month", "-revision")
    )


def clients() -> QuerySet[ApiClient]:
    """Every API client, live ones first, with whom and what each was made for."""
    return (
        ApiClient.objects.select_related("responsible", "created_by", "revoked_by")
        .prefetch_related(Prefetch("units", queryset=OrganisationalUnit.objects.order_by("order")))
        .order_by(F("revoked_at").desc(nulls_first=True), "name")
    )


def responsible_people() -> QuerySet:
    """Who can be responsible for a client: people with an active account, not the
    portal's own account nor another client's (as users.selectors lists accounts)."""
    return (
        User.objects.filter(is_active=True, api_client__isnull=True)
        .exclude(username=SYSTEM_USERNAME)
        .order_by("first_name", "last_name", "username")
    )


def client_units() -> QuerySet[OrganisationalUnit]:
    """Every unit, those no longer active too: a client may load their past results."""
    return OrganisationalUnit.objects.order_by("order", "name")


# The latest changes to a client shown on its page (it has two or three: made, revoked).
CHANGES_SHOWN = 20


@dataclass(frozen=True)
class Change:
    when: datetime.datetime
    what: str  # "created", "revoked" or "changed"
    by: object  # the account that made it, or None
    reason: str


# What a client is made with; the units are saved just after it (a history row of
# their own, with the same reason), which is part of its creation, not a change.
_MADE_WITH = ("name", "purpose", "responsible_id", "all_units", "can_write", "revoked_at")


def client_changes(client: ApiClient) -> list[Change]:
    """The latest changes to the client, newest first, in words: who created or
    revoked it, when, and why."""
    rows = list(
        client.history.select_related("history_user").order_by("-history_date", "-history_id")[
            :CHANGES_SHOWN
        ]
    )
    changes, previous = [], None
    for row in reversed(rows):
        if row.history_type == "+":
            what = "created"
        elif row.revoked_at and (previous is None or previous.revoked_at is None):
            what = "revoked"
        elif (
            previous is not None
            and previous.history_type == "+"
            and all(getattr(row, name) == getattr(previous, name) for name in _MADE_WITH)
        ):
            what = ""  # the units it was created for
        else:
            what = "changed"
        if what:
            changes.append(
                Change(row.history_date, what, row.history_user, row.history_change_reason or "")
            )
        previous = row
    return changes[::-1]
