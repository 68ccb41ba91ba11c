"""Writes to the strategy. Every change to domain data goes through one of these:
keyword-only arguments, the acting user first, atomic, audited."""

import datetime
from collections.abc import Iterable

from django.db import transaction

from objectives.audit import save_with_audit
from objectives.models import (
    Behaviour,
    Committee,
    ExecutiveRole,
    KeyFocusArea,
    OrganisationalUnit,
    Person,
    RagKeyEntry,
    RoleAssignment,
    StrategicObjective,
    Strategy,
    Value,
)


@transaction.atomic
def create_strategy(*, by, slug: str, title: str, reason: str, **fields) -> Strategy:
    strategy = Strategy(slug=slug, title=title, **fields)
    save_with_audit(strategy, by=by, reason=reason)
    return strategy


@transaction.atomic
def make_strategy_current(*, by, strategy: Strategy, reason: str) -> Strategy:
    """Approve `strategy` as the one the Trust works to; the one it replaces is
    kept, readable, as superseded history."""
    for previous in (
        Strategy.objects.select_for_update().filter(is_current=True).exclude(pk=strategy.pk)
    ):
        previous.is_current = False
        previous.status = Strategy.Status.SUPERSEDED
        save_with_audit(previous, by=by, reason=f"Superseded by {strategy.title}. {reason}")
    if not strategy.is_current or strategy.status != Strategy.Status.APPROVED:
        strategy.is_current = True
        strategy.status = Strategy.Status.APPROVED
        save_with_audit(strategy, by=by, reason=reason)
    return strategy


@transaction.atomic
def add_value(
    *, by, strategy: Strategy, name: str, order: int, behaviours: Iterable[str], reason: str
) -> Value:
    value = Value(strategy=strategy, name=name, order=order)
    save_with_audit(value, by=by, reason=reason)
    for position, text in enumerate(behaviours, start=1):
        save_with_audit(Behaviour(value=value, text=text, order=position), by=by, reason=reason)
    return value


@transaction.atomic
def create_committee(*, by, slug: str, name: str, reason: str, **fields) -> Committee:
    committee = Committee(slug=slug, name=name, **fields)
    save_with_audit(committee, by=by, reason=reason)
    return committee


@transaction.atomic
def create_person(*, by, slug: str, full_name: str, reason: str, **fields) -> Person:
    person = Person(slug=slug, full_name=full_name, **fields)
    save_with_audit(person, by=by, reason=reason)
    return person


@transaction.atomic
def set_units_led(*, by, person: Person, units: Iterable[OrganisationalUnit], reason: str) -> None:
    person._history_user = by
    person._change_reason = reason
    person.lead_for_units.set(units)


@transaction.atomic
def create_executive_role(*, by, slug: str, title: str, reason: str) -> ExecutiveRole:
    role = ExecutiveRole(slug=slug, title=title)
    save_with_audit(role, by=by, reason=reason)
    return role


@transaction.atomic
def assign_role(
    *,
    by,
    role: ExecutiveRole,
    person: Person,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    source: str = "",
    reason: str,
) -> RoleAssignment:
    assignment = RoleAssignment(
        role=role, person=person, starts_on=starts_on, ends_on=ends_on, source=source
    )
    save_with_audit(assignment, by=by, reason=reason)
    return assignment


@transaction.atomic
def create_unit(
    *, by, slug: str, name: str, short_name: str, kind: str, reason: str, **fields
) -> OrganisationalUnit:
    unit = OrganisationalUnit(slug=slug, name=name, short_name=short_name, kind=kind, **fields)
    save_with_audit(unit, by=by, reason=reason)
    return unit


@transaction.atomic
def add_objective(
    *,
    by,
    strategy: Strategy,
    number: int,
    title: str,
    lead_roles: Iterable[ExecutiveRole] = (),
    reason: str,
    **fields,
) -> StrategicObjective:
    objective = StrategicObjective(strategy=strategy, number=number, title=title, **fields)
    save_with_audit(objective, by=by, reason=reason)
    set_objective_leads(by=by, objective=objective, lead_roles=lead_roles, reason=reason)
    return objective


@transaction.atomic
def set_objective_leads(
    *, by, objective: StrategicObjective, lead_roles: Iterable[ExecutiveRole], reason: str
) -> None:
    objective._history_user = by
    objective._change_reason = reason
    objective.lead_roles.set(lead_roles)


@transaction.atomic
def add_focus_area(
    *,
    by,
    objective: StrategicObjective,
    order: int,
    title: str,
    provenance: str,
    reason: str,
    **fields,
) -> KeyFocusArea:
    focus_area = KeyFocusArea(
        objective=objective, order=order, title=title, provenance=provenance, **fields
    )
    save_with_audit(focus_area, by=by, reason=reason)
    return focus_area


@transaction.atomic
def define_rag_word(
    *, by, strategy: Strategy, word: str, meaning: str, order: int, reason: str
) -> RagKeyEntry:
    entry = RagKeyEntry(strategy=strategy, word=word, meaning=meaning, order=order)
    save_with_audit(entry, by=by, reason=reason)
    return entry


@transaction.atomic
def add_behaviour(*, by, value: Value, text: str, order: int, reason: str) -> Behaviour:
    behaviour = Behaviour(value=value, text=text, order=order)
    save_with_audit(behaviour, by=by, reason=reason)
    return behaviour


# What each role may do in the Django admin (the permission predicates in
# permissions.py decide everything else). Only administrators use the admin.
_ADMIN_APPS = ("objectives", "okrs", "reporting")


@transaction.atomic
def sync_role_groups() -> None:
    """Create a group per role, and give Trust administrators the admin model
    permissions. Runs after every migrate, so a new install has its roles."""
    from django.contrib.auth.models import Group, Permission

    from objectives.roles import Role, group_name

    for role in Role:
        Group.objects.get_or_create(name=group_name(role))
    administrators = Group.objects.get(name=group_name(Role.TRUST_ADMINISTRATOR))
    administrators.permissions.set(
        permission
        for permission in Permission.objects.filter(
            content_type__app_label__in=_ADMIN_APPS
        ).select_related("content_type")
        if _admin_allows(permission)
    )


def _admin_allows(permission) -> bool:
    """Viewing anything; adding, changing and deleting only what the admin edits (its
    read-only classes say which), so the model permissions tell the same story."""
    return permission.codename.startswith("view_") or (
        permission.content_type.model_class() in _models_edited_in_the_admin()
    )


def _models_edited_in_the_admin() -> set:
    from django.contrib import admin

    from objectives.admin import ReadOnlyMixin

    edited = set()
    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, ReadOnlyMixin):
            continue
        edited.add(model)
        edited.update(
            inline.model for inline in model_admin.inlines if not issubclass(inline, ReadOnlyMixin)
        )
    return edited
