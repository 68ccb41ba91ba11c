"""Reads for the Trust administrator's pages of users and roles: a page of accounts
with what each may do (a fixed number of queries however many there are), one
account's access as it stands today, and the choices the access form offers."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.system_actor import SYSTEM_USERNAME
from objectives.models import (
    ExecutiveRole,
    OrganisationalUnit,
    Person,
    RoleAssignment,
    StrategicObjective,
    Strategy,
)
from objectives.roles import Role, group_name
from users.access import Access

User = get_user_model()

PAGE_SIZE = 50
# What the list can be narrowed to; anything else in the query string is ignored.
STATUSES = {
    "active": "Signed in at least once",
    "invited": "Not yet logged in",
    "deactivated": "Deactivated",
}
NO_ROLE = "none"
SEARCH_MAX_LENGTH = 100


@dataclass(frozen=True)
class UserFilters:
    role: str = ""  # a Role value, NO_ROLE, or "" for any
    status: str = ""  # a key of STATUSES, or "" for any
    search: str = ""


def status_of(user) -> str:
    if not user.is_active:
        return "deactivated"
    return "invited" if user.last_login is None else "active"


def _held_on(day: datetime.date) -> Q:
    return (Q(starts_on__isnull=True) | Q(starts_on__lte=day)) & (
        Q(ends_on__isnull=True) | Q(ends_on__gte=day)
    )


def _accounts() -> QuerySet:
    """Every account but those no one signs in as: the portal's own, and API
    clients' (managed on their own page, /manage/api-clients/)."""
    return User.objects.exclude(username=SYSTEM_USERNAME).filter(api_client__isnull=True)


def users_page(filters: UserFilters, page_number, *, today: datetime.date) -> Page:
    """One page of accounts, by name, each with its roles, the units its person leads
    and the executive posts held today (`current_posts`): five queries a page."""
    accounts = _accounts().select_related("person")
    if filters.role == NO_ROLE:
        accounts = accounts.filter(groups__isnull=True)
    elif filters.role in Role.values:
        accounts = accounts.filter(groups__name=group_name(Role(filters.role)))
    if filters.status == "deactivated":
        accounts = accounts.filter(is_active=False)
    elif filters.status == "invited":
        accounts = accounts.filter(is_active=True, last_login__isnull=True)
    elif filters.status == "active":
        accounts = accounts.filter(is_active=True, last_login__isnull=False)
    if filters.search:
        text = filters.search
        accounts = accounts.filter(
            Q(first_name__icontains=text)
            | Q(last_name__icontains=text)
            | Q(email__icontains=text)
            | Q(username__icontains=text)
            | Q(person__full_name__icontains=text)
        )
    accounts = accounts.order_by("last_name", "first_name", "username").prefetch_related(
        "groups",
        "person__lead_for_units",
        Prefetch(
            "person__role_assignments",
            queryset=RoleAssignment.objects.filter(_held_on(today)).select_related("role"),
            to_attr="current_posts",
        ),
    )
    return Paginator(accounts, PAGE_SIZE).get_page(page_number)


def account(pk: int):
    return get_object_or_404(
        _accounts().select_related("person").prefetch_related("sign_in_identities"), pk=pk
    )


def account_by_email(email: str):
    """The account whose e-mail or username is this address (either way round), if any."""
    email = email.strip()
    return _accounts().filter(Q(email__iexact=email) | Q(username__iexact=email)).first()


def person_without_account(email: str) -> Person | None:
    """The person the strategy already names with this e-mail and no account, if one."""
    return Person.objects.filter(email__iexact=email.strip(), user__isnull=True).first()


def current_strategy() -> Strategy | None:
    return Strategy.objects.filter(is_current=True).first()


def current_access(user, *, today: datetime.date) -> Access:
    """What the account may do today, as its page shows it."""
    roles = {role.value for role in Role if role.label in {g.name for g in user.groups.all()}}
    person = getattr(user, "person", None)
    if person is None:
        return Access(roles=frozenset(roles))
    return person_access(person, roles=frozenset(roles), today=today)


def person_access(person: Person, *, roles: frozenset[str], today: datetime.date) -> Access:
    """What a person holds today (units, posts, delegations), with these roles."""
    strategy = current_strategy()
    narratives = set()
    drafts_summary = False
    if strategy is not None:
        narratives = set(
            StrategicObjective.objects.filter(
                strategy=strategy, narrative_delegates=person
            ).values_list("pk", flat=True)
        )
        drafts_summary = strategy.summary_delegates.filter(pk=person.pk).exists()
    return Access(
        roles=roles,
        units=frozenset(person.lead_for_units.values_list("pk", flat=True)),
        posts=frozenset(
            person.role_assignments.filter(_held_on(today)).values_list("role_id", flat=True)
        ),
        narratives=frozenset(narratives),
        drafts_summary=drafts_summary,
    )


def unit_choices(*, today: datetime.date) -> QuerySet[OrganisationalUnit]:
    """Units a directorate lead can be given: those active today."""
    return OrganisationalUnit.objects.filter(
        Q(active_from__isnull=True) | Q(active_from__lte=today),
        Q(active_to__isnull=True) | Q(active_to__gte=today),
    ).order_by("order", "name")


def post_choices(*, today: datetime.date) -> QuerySet[ExecutiveRole]:
    """The executive posts, each with who holds it today (`holders`) and the
    objectives of the current strategy it leads (`objectives`)."""
    strategy = current_strategy()
    return ExecutiveRole.objects.order_by("title").prefetch_related(
        Prefetch(
            "assignments",
            queryset=RoleAssignment.objects.filter(_held_on(today)).select_related("person"),
            to_attr="holders",
        ),
        Prefetch(
            "led_objectives",
            queryset=StrategicObjective.objects.filter(strategy=strategy).order_by("number"),
            to_attr="objectives",
        ),
    )


def objective_choices() -> QuerySet[StrategicObjective]:
    """The current strategy's objectives, whose narratives a delegate may draft."""
    return StrategicObjective.objects.filter(strategy__is_current=True).order_by("number")


def account_changes(user, *, limit: int = 20) -> list:
    """The latest changes to the account itself (roles, name, e-mail, whether it can
    sign in), newest first, with who made them and why."""
    return list(
        User.history.filter(id=user.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )


def active_administrators() -> QuerySet:
    return _accounts().filter(is_active=True, groups__name=group_name(Role.TRUST_ADMINISTRATOR))
