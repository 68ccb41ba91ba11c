"""Security events, one JSON object a line on the `strategy_portal.security` logger,
for a Trust's security operations centre to collect (docs/operations.md).

Logged: logins (by password or single sign-on), failed logins (the username tried,
never the password), lockouts, logouts, single sign-ons refused and the accounts
they linked or created, administrators' second factor (codes wrong or throttled,
apps set up or reset), changes to a user's roles (groups), staff, superuser and
active flags, executive role assignments, and Board pack exports and downloads.
Each line says what happened, to whom, by whom and from which address.
"""

import json
import logging
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.client_address import client_address

logger = logging.getLogger("strategy_portal.security")

# A typed username is logged as given, but no longer than a real one can be.
_MAX_TEXT = 150
_WATCHED_FLAGS = ("is_active", "is_staff", "is_superuser")


def _text(value: Any) -> str:
    return str(value)[:_MAX_TEXT]


def _current_request() -> HttpRequest | None:
    """The request being served, if any (simple-history's middleware keeps it), so
    a change made through a page names who made it and from where."""
    return getattr(HistoricalRecords.context, "request", None)


def _actor(request: HttpRequest | None) -> str | None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user.get_username()
    return None


def log_event(event: str, *, request: HttpRequest | None = None, **details: Any) -> None:
    """Write one event. `by` and `address` come from the request when not given
    (None for a command or the background worker)."""
    request = request if request is not None else _current_request()
    record = {
        "time": timezone.now().isoformat(timespec="seconds"),
        "event": event,
        "by": details.pop("by", _actor(request)),
        "address": client_address(request) if request is not None else None,
        **details,
    }
    # ASCII only: a name with a line separator or a bidirectional control cannot
    # forge or disguise a line in the log a SOC collects.
    logger.info(json.dumps(record, default=str, ensure_ascii=True))


# Logging in and out ----------------------------------------------------------


@receiver(user_logged_in, dispatch_uid="security_log_login")
def _logged_in(sender, request, user, **kwargs) -> None:
    signed_in_by_sso = getattr(user, "backend", None) == "accounts.sso.SignInBackend"
    log_event(
        "login",
        request=request,
        by=user.get_username(),
        username=user.get_username(),
        method="single_sign_on" if signed_in_by_sso else "password",
    )


@receiver(user_login_failed, dispatch_uid="security_log_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Django has already masked the password in `credentials`; only the username is kept.
    username = credentials.get(get_user_model().USERNAME_FIELD, credentials.get("username"))
    log_event("login_failed", request=request, by=None, username=_text(username))


@receiver(user_logged_out, dispatch_uid="security_log_logout")
def _logged_out(sender, request, user, **kwargs) -> None:
    username = user.get_username() if user is not None else None
    log_event("logout", request=request, by=username, username=username)


@receiver(user_locked_out, dispatch_uid="security_log_lockout")
def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    """An account or address is locked out after repeated failures (accounts/lockout.py):
    logged when it happens and at each attempt refused while it lasts."""
    log_event("lockout", request=request, by=None, username=_text(username))


# Changes to accounts -----------------------------------------------------------


@receiver(pre_save, sender=get_user_model(), dispatch_uid="security_log_user_before")
def _remember_flags(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(_WATCHED_FLAGS):
        return
    instance._flags_before = (
        sender.objects.filter(pk=instance.pk).values(*_WATCHED_FLAGS).first() or {}
    )


@receiver(post_save, sender=get_user_model(), dispatch_uid="security_log_user_after")
def _flags_changed(sender, instance, created, raw=False, **kwargs) -> None:
    if raw:
        return
    if created:
        flags = {name: getattr(instance, name) for name in _WATCHED_FLAGS}
        log_event("user_created", username=instance.get_username(), **flags)
        return
    before = getattr(instance, "_flags_before", None)
    if before is None:
        return
    del instance._flags_before
    changes = {
        name: {"before": before[name], "after": getattr(instance, name)}
        for name in _WATCHED_FLAGS
        if name in before and before[name] != getattr(instance, name)
    }
    if changes:
        log_event("user_flags_changed", username=instance.get_username(), changes=changes)


def _group_names(user) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True))


@receiver(m2m_changed, sender=get_user_model().groups.through, dispatch_uid="security_log_groups")
def _groups_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """A user's roles (groups) changed, from the user's side (`user.groups.set(...)`,
    as the admin does) or the group's (`group.user_set.add(...)`)."""
    if action.startswith("pre_"):
        if not reverse:
            users = [instance]
        elif pk_set is not None:
            users = list(get_user_model().objects.filter(pk__in=pk_set))
        else:  # group.user_set.clear()
            users = list(instance.user_set.all())
        instance._groups_before = {user.pk: (user, _group_names(user)) for user in users}
        return
    for user, before in instance.__dict__.pop("_groups_before", {}).values():
        after = _group_names(user)
        if before != after:
            log_event("roles_changed", username=user.get_username(), before=before, after=after)


def _role_assignment_event(instance, event: str) -> None:
    log_event(
        event,
        person=_text(instance.person),
        username=instance.person.user.get_username() if instance.person.user_id else None,
        role=_text(instance.role),
        starts_on=instance.starts_on,
        ends_on=instance.ends_on,
    )


@receiver(post_save, sender="objectives.RoleAssignment", dispatch_uid="security_log_role_saved")
def _role_assignment_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if not raw:
        event = "role_assigned" if created else "role_assignment_changed"
        _role_assignment_event(instance, event)


@receiver(post_delete, sender="objectives.RoleAssignment", dispatch_uid="security_log_role_gone")
def _role_assignment_deleted(sender, instance, **kwargs) -> None:
    _role_assignment_event(instance, "role_assignment_removed")


# Board packs ------------------------------------------------------------------


def pack_exported(*, request: HttpRequest, export) -> None:
    """A Board pack export was requested (reporting/views/pack.py)."""
    log_event(
        "pack_export_requested",
        request=request,
        export=export.pk,
        edition=_text(export.edition) if export.edition_id else "draft",
    )


def pack_downloaded(*, request: HttpRequest, pack_file) -> None:
    """A stored Board pack file was downloaded (reporting/views/pack.py)."""
    log_event(
        "pack_downloaded",
        request=request,
        export=pack_file.export_id,
        file=_text(pack_file.filename),
        format=pack_file.format,
    )
