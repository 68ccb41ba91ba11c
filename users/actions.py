"""Writes of users and roles, by a Trust administrator (or a superuser): inviting
someone, changing what they may do, deactivating and reactivating their account.

Every change asks for a reason and is recorded in the audit history with who made
it and the values before and after: the account (name, e-mail, whether it can sign
in, its roles), the person the strategy knows (the units they lead), the executive
posts they hold, and the objectives and strategy they draft narratives for. One
change leaves one record per thing changed, not one per row added or removed:
many-to-many changes are made with history paused, then the record is saved once
with the final state. The security log records every change of roles and flags
(accounts/security_log.py).

No one can lock the Trust out: an administrator cannot remove their own
administrator role or deactivate themselves, and the last active administrator
keeps theirs. Superusers are the server operators' break-glass accounts and are
not managed here.

One module although over 450 lines: every write of who may do what, sharing one
set of checks (the manager, the names and e-mail, the access rules, the last
administrator, the stale page) and one way of recording a change once; split, each
part would import the others' private checks.
"""

import datetime
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, mailers
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import capfirst, slugify

from accounts import security_log
from accounts.sso import sso_enabled
from accounts.system_actor import is_system_actor, system_actor
from objectives.audit import EditConflict, checked_reason
from objectives.models import Person, RoleAssignment, StrategicObjective
from objectives.roles import Role, group_name
from objectives.text import plain_text
from users import selectors
from users.access import Access, access_problems, state_token

User = get_user_model()

# The account's own columns (django.contrib.auth): names and the username (the
# e-mail address, which is how a local account signs in) hold up to 150 characters.
NAME_MAX_LENGTH = 150
EMAIL_MAX_LENGTH = 150


def _refuse_unless_manager(by) -> None:
    if not by.has_perm("portal.manage_users"):
        raise PermissionDenied("Only a Trust administrator can manage users and roles.")


def refuse_unmanageable(user) -> None:
    """Accounts this page does not change: the portal's own, and superusers (the
    server operators' break-glass accounts, managed on the server)."""
    if is_system_actor(user):
        raise PermissionDenied("This is the portal’s own account: no one signs in as it.")
    if user.is_superuser:
        raise PermissionDenied(
            "This is a superuser account, kept by the server’s operators for emergencies: "
            "it is managed on the server, not here."
        )


def _save_recorded(instance, *, by, reason: str) -> None:
    """Save with an audit record naming who and why (no model validation: the
    fields changed here are checked by the action itself)."""
    instance._history_user = by
    instance._change_reason = reason
    instance.save()


@contextmanager
def _history_paused(*instances):
    """Make many-to-many changes without a record for each; the caller then saves
    once, and that record carries the final state."""
    for instance in instances:
        instance.skip_history_when_saving = True
    try:
        yield
    finally:
        for instance in instances:
            del instance.skip_history_when_saving


def _checked_names(first_name: str, last_name: str) -> tuple[str, str]:
    first_name = plain_text(first_name or "").strip()
    last_name = plain_text(last_name or "").strip()
    problems = {}
    for field, value, what in (
        ("first_name", first_name, "first name"),
        ("last_name", last_name, "last name"),
    ):
        if not value:
            problems[field] = f"Enter their {what}"
        elif len(value) > NAME_MAX_LENGTH:
            problems[field] = f"Enter a {what} of {NAME_MAX_LENGTH} characters or fewer"
    if problems:
        raise ValidationError(problems)
    return first_name, last_name


def _checked_email(email: str, *, leaving=None) -> str:
    email = (email or "").strip().lower()
    if not email:
        raise ValidationError({"email": "Enter their work e-mail address"})
    if len(email) > EMAIL_MAX_LENGTH:
        raise ValidationError(
            {"email": f"Enter an e-mail address of {EMAIL_MAX_LENGTH} characters or fewer"}
        )
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": "Enter an e-mail address in the right format, like name@nhs.net"}
        ) from None
    taken = selectors.account_by_email(email)
    if taken is not None and taken != leaving:
        raise ValidationError({"email": "Another account already has this e-mail address"})
    return email


def _checked_access(access: Access) -> Access:
    unknown = set(access.roles) - set(Role.values)
    if unknown:
        raise ValidationError({"roles": "Choose roles from the list"})
    problems = access_problems(access)
    if problems:
        raise ValidationError(problems)
    return access


def _unique_slug(first_name: str, last_name: str) -> str:
    base = slugify(f"{first_name} {last_name}")[:40] or "person"
    slug, number = base, 1
    while Person.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def _keeps_an_administrator(user, *, by, losing: str) -> None:
    """Refuse a change that would leave the Trust without an administrator, or an
    administrator without their own access."""
    if user.pk == by.pk:
        raise ValidationError(
            f"You cannot {losing} yourself: ask another Trust administrator to do it."
        )
    others = selectors.active_administrators().exclude(pk=user.pk)
    if not others.exists():
        raise ValidationError(
            f"You cannot {losing} the last active Trust administrator: give another "
            "person the Trust administrator role first."
        )


def _is_administrator(user) -> bool:
    return user.groups.filter(name=group_name(Role.TRUST_ADMINISTRATOR)).exists()


def _locked(user):
    """The account, locked for the rest of the transaction: two administrators
    saving the same account at once are served one after the other."""
    return User.objects.select_for_update().get(pk=user.pk)


def _refuse_stale(user, *, seen_state: str, today: datetime.date) -> Access:
    access = selectors.current_access(user, today=today)
    if seen_state != current_state(user, access):
        raise EditConflict(
            "Someone else changed this account while you were looking at it. Check what "
            "it holds now, then make your change again"
        )
    return access


def current_state(user, access: Access) -> str:
    return state_token(
        access, is_active=user.is_active, full_name=user.get_full_name(), email=user.email
    )


def _apply_access(*, by, user, person: Person, before: Access, after: Access, reason, today):
    """Bring the account's roles, the person's units, posts and delegations from
    `before` to `after`, each thing changed audited once."""
    if after.roles != before.roles:
        groups = Group.objects.filter(name__in=[group_name(Role(r)) for r in after.roles])
        with _history_paused(user):
            user.groups.set(groups)
        # The Django admin (read-only, for looking records up) opens to administrators.
        user.is_staff = Role.TRUST_ADMINISTRATOR.value in after.roles
        _save_recorded(user, by=by, reason=reason)
    if after.units != before.units:
        with _history_paused(person):
            person.lead_for_units.set(after.units)
        _save_recorded(person, by=by, reason=reason)
    _apply_posts(by=by, person=person, before=before, after=after, reason=reason, today=today)
    _apply_delegations(by=by, person=person, before=before, after=after, reason=reason)


def _apply_posts(*, by, person, before: Access, after: Access, reason: str, today) -> None:
    for role_id in sorted(after.posts - before.posts):
        # Held again from today: one given and taken away today is given back.
        assignment = RoleAssignment.objects.filter(
            role_id=role_id, person=person, starts_on=today
        ).first() or RoleAssignment(role_id=role_id, person=person, starts_on=today)
        assignment.ends_on = None
        _save_recorded(assignment, by=by, reason=reason)
    ended = before.posts - after.posts
    held = RoleAssignment.objects.filter(person=person, role_id__in=ended).filter(
        selectors._held_on(today)
    )
    for assignment in held:
        assignment._history_user = by
        assignment._change_reason = reason
        if assignment.starts_on == today:
            assignment.delete()  # given in error today: it never took effect
        else:
            assignment.ends_on = today - datetime.timedelta(days=1)
            assignment.save()


def _apply_delegations(*, by, person, before: Access, after: Access, reason: str) -> None:
    changed = before.narratives ^ after.narratives
    for objective in StrategicObjective.objects.filter(pk__in=changed, strategy__is_current=True):
        with _history_paused(objective):
            if objective.pk in after.narratives:
                objective.narrative_delegates.add(person)
            else:
                objective.narrative_delegates.remove(person)
        _save_recorded(objective, by=by, reason=reason)
    if after.drafts_summary != before.drafts_summary:
        strategy = selectors.current_strategy()
        if strategy is None:
            raise ValidationError({"drafts_summary": "No strategy is current yet"})
        with _history_paused(strategy):
            if after.drafts_summary:
                strategy.summary_delegates.add(person)
            else:
                strategy.summary_delegates.remove(person)
        _save_recorded(strategy, by=by, reason=reason)


def _joining(person: Person, before: Access, wanted: Access, *, today) -> tuple[Access, Access]:
    """An account taking a person the strategy already names: what the person holds
    (a post or units from the Trust's papers) is kept, and what was ticked is added,
    never given a second time or taken away unseen."""
    held = selectors.person_access(person, roles=before.roles, today=today)
    joined = Access(
        roles=wanted.roles,
        units=held.units | wanted.units,
        posts=held.posts | wanted.posts,
        narratives=held.narratives | wanted.narratives,
        drafts_summary=held.drafts_summary or wanted.drafts_summary,
    )
    problems = access_problems(joined)
    if problems:
        what_to_tick = {
            "posts": "executive posts: tick Executive",
            "units": "units to enter results for: tick Directorate lead",
            "narratives": "narratives to draft: give a role that reads drafts",
            "drafts_summary": "the overall summary to draft: give a role that reads drafts",
        }
        raise ValidationError(
            {field: f"{person.full_name} already has {what_to_tick[field]}" for field in problems}
        )
    return held, joined


def _checked_objectives(access: Access) -> None:
    current = set(
        StrategicObjective.objects.filter(
            pk__in=access.narratives, strategy__is_current=True
        ).values_list("pk", flat=True)
    )
    if current != set(access.narratives):
        raise ValidationError({"narratives": "Choose objectives of the current strategy"})


@transaction.atomic
def invite_user(
    *,
    by,
    first_name: str,
    last_name: str,
    email: str,
    access: Access,
    reason: str,
    today: datetime.date,
):
    """Make an account for someone, with what they may do from the start (the
    caller then sends the invitation, `send_invitation`). The person the strategy
    already names with this e-mail (an executive from the Trust's papers, say)
    becomes theirs."""
    _refuse_unless_manager(by)
    reason = checked_reason(reason)
    first_name, last_name = _checked_names(first_name, last_name)
    email = _checked_email(email)
    access = _checked_access(access)
    if not access.roles:
        raise ValidationError({"roles": "Choose at least one role"})
    _checked_objectives(access)
    user = User(username=email, email=email, first_name=first_name, last_name=last_name)
    # Until they set a password from the invitation, or sign in with their NHS
    # account, nothing signs in as it.
    user.set_unusable_password()
    _save_recorded(user, by=by, reason=reason)
    person = selectors.person_without_account(email)
    if person is None:
        person = Person(
            slug=_unique_slug(first_name, last_name),
            full_name=f"{first_name} {last_name}",
            email=email,
        )
    person.user = user
    _save_recorded(person, by=by, reason=reason)
    before, access = _joining(person, Access(), access, today=today)
    _apply_access(
        by=by, user=user, person=person, before=before, after=access, reason=reason, today=today
    )
    return user


@transaction.atomic
def change_access(
    *,
    by,
    user,
    first_name: str,
    last_name: str,
    email: str,
    access: Access,
    reason: str,
    seen_state: str,
    today: datetime.date,
) -> None:
    """Change an account's name, e-mail and what it may do."""
    _refuse_unless_manager(by)
    refuse_unmanageable(user)
    reason = checked_reason(reason)
    user = _locked(user)
    before = _refuse_stale(user, seen_state=seen_state, today=today)
    first_name, last_name = _checked_names(first_name, last_name)
    email = _checked_email(email, leaving=user)
    access = _checked_access(access)
    _checked_objectives(access)
    administrator = Role.TRUST_ADMINISTRATOR.value
    if administrator in before.roles and administrator not in access.roles:
        _keeps_an_administrator(user, by=by, losing="remove the Trust administrator role from")
    details = {"first_name": first_name, "last_name": last_name, "email": email}
    details_changed = any(getattr(user, name) != value for name, value in details.items())
    if not details_changed and access == before:
        raise ValidationError("Nothing has changed: the account is already as shown.")
    person = getattr(user, "person", None)
    newly_linked = person is None
    if newly_linked:
        # An account made by a first single sign-on has no person yet: the one the
        # strategy already names with its e-mail (an executive from the papers)
        # becomes its own, as at an invitation; else a new one.
        person = selectors.person_without_account(email) or Person(
            slug=_unique_slug(first_name, last_name)
        )
        person.user = user
    if details_changed:
        for name, value in details.items():
            setattr(user, name, value)
        if access.roles == before.roles:
            _save_recorded(user, by=by, reason=reason)
    person_details = {"full_name": f"{first_name} {last_name}", "email": email}
    if newly_linked or any(getattr(person, k) != v for k, v in person_details.items()):
        for name, value in person_details.items():
            setattr(person, name, value)
        _save_recorded(person, by=by, reason=reason)
    if newly_linked:
        before, access = _joining(person, before, access, today=today)
    _apply_access(
        by=by, user=user, person=person, before=before, after=access, reason=reason, today=today
    )


@transaction.atomic
def deactivate_user(*, by, user, reason: str, seen_state: str, today: datetime.date) -> None:
    """Stop an account signing in, at once: its open sessions end at their next
    request. What it may do is kept, for if it is reactivated."""
    _refuse_unless_manager(by)
    refuse_unmanageable(user)
    reason = checked_reason(reason)
    user = _locked(user)
    _refuse_stale(user, seen_state=seen_state, today=today)
    if not user.is_active:
        raise ValidationError("This account is already deactivated.")
    if _is_administrator(user) or user.pk == by.pk:
        _keeps_an_administrator(user, by=by, losing="deactivate")
    user.is_active = False
    _save_recorded(user, by=by, reason=reason)


@transaction.atomic
def reactivate_user(*, by, user, reason: str, seen_state: str, today: datetime.date) -> None:
    _refuse_unless_manager(by)
    refuse_unmanageable(user)
    reason = checked_reason(reason)
    user = _locked(user)
    _refuse_stale(user, seen_state=seen_state, today=today)
    if user.is_active:
        raise ValidationError("This account can already log in.")
    user.is_active = True
    _save_recorded(user, by=by, reason=reason)


def send_invitation(*, by, user) -> tuple[bool, str]:
    """E-mail the person how to sign in: with their NHS account where the portal
    uses single sign-on, else with a link to choose a password (valid for
    PASSWORD_RESET_TIMEOUT, and once). Whether the mail server took it, and if not why.
    `by` is None when the server's operators send it (`manage.py add_administrator`)."""
    if by is not None:
        _refuse_unless_manager(by)
    refuse_unmanageable(user)
    if not user.is_active:
        raise ValidationError("This account is deactivated: reactivate it first.")
    if user.last_login is not None:
        raise ValidationError("They have logged in already: there is nothing to invite them to.")
    inviter = (by.get_full_name() or by.get_username()) if by else "the portal’s operators"
    lines = [
        f"Dear {user.get_full_name() or user.get_username()},",
        "",
        f"{capfirst(inviter)} has given you access to the Strategy Portal of "
        f"{settings.TRUST_NAME}.",
        "",
    ]
    if sso_enabled():
        lines += [
            "Log in with your NHS account (the one you use for NHSmail) at:",
            f"{settings.SITE_URL}{reverse('login')}",
        ]
    else:
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
        lines += [
            "Choose your password here (the link works once, for "
            f"{days} day{'s' if days != 1 else ''}):",
            f"{settings.SITE_URL}{reverse('users:set_password', args=[uid, token])}",
            "",
            f"Then log in with your e-mail address, {user.get_username()}.",
        ]
    lines += ["", f"If you did not expect this, tell {inviter} or {settings.ACCOUNT_HELP_CONTACT}."]
    message = EmailMessage(
        subject=f"Your access to the Strategy Portal of {settings.TRUST_NAME}",
        body="\n".join(lines),
        to=[user.email],
        reply_to=[by.email] if by is not None and by.email else [],
    )
    try:
        sent = mailers.default.send_messages([message]) == 1
    except OSError as error:
        sent, problem = False, f"The mail server did not take it: {error or 'no reason given'}"
    else:
        problem = "" if sent else "The mail server did not take it."
    security_log.log_event(
        "invitation_sent", username=user.get_username(), to=user.email, taken=sent
    )
    return sent, problem


@transaction.atomic
def add_administrator(*, email: str, first_name: str, last_name: str, reason: str):
    """The first Trust administrator of a new installation, or one put back when no
    administrator can sign in: run on the server by its operators
    (`manage.py add_administrator`), as the portal's own account. An existing
    account with this e-mail is given the role (and reactivated); otherwise one is
    made and the caller sends the invitation."""
    by = system_actor()
    reason = checked_reason(reason)
    email = (email or "").strip().lower()
    user = selectors.account_by_email(email)
    if user is None:
        first_name, last_name = _checked_names(first_name, last_name)
        email = _checked_email(email)
        user = User(username=email, email=email, first_name=first_name, last_name=last_name)
        user.set_unusable_password()
        _save_recorded(user, by=by, reason=reason)
        person = selectors.person_without_account(email) or Person(
            slug=_unique_slug(first_name, last_name),
            full_name=f"{first_name} {last_name}",
            email=email,
        )
        person.user = user
        _save_recorded(person, by=by, reason=reason)
    refuse_unmanageable(user)
    administrators = Group.objects.get(name=group_name(Role.TRUST_ADMINISTRATOR))
    with _history_paused(user):
        user.groups.add(administrators)
    user.is_active = True
    user.is_staff = True
    _save_recorded(user, by=by, reason=reason)
    return user
