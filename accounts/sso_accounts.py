"""Who a single sign-on is, from the claims of a checked ID token (accounts/sso.py),
and whether they may come in.

1. Refused outright: a token from a tenant not allowed (`tid`), or an e-mail
   address outside the allowed domains.
2. The account already linked to this identity (issuer and `oid`, else `sub`).
3. Else the one account with the same e-mail address (case-insensitive) and no
   identity at this provider yet, linked now: how someone a Trust administrator
   added by e-mail address is recognised on their first sign-in. Only an address
   the provider vouches for (`email_verified`, or in an allowed domain) is used,
   and two or more accounts with the address are refused, never guessed between.
4. Else a new account, with no role: it sees the no-access page until a Trust
   administrator gives it one.

A deactivated account is refused at every step. Each refusal is a SignInRefused,
whose message is shown to the person, and is security-logged; so are links and
new accounts.
"""

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from accounts.models import SignInIdentity
from accounts.security_log import log_event

# What the portal's account fields hold (Django's User).
USERNAME_MAX = 150
NAME_MAX = 150
EMAIL_MAX = 254
IDENTITY_MAX = 255
_NOT_IN_A_USERNAME = re.compile(r"[^\w.@+-]")


class SignInRefused(Exception):
    """A sign-in the portal will not accept. `reason` is for the security log,
    the message for the person."""

    def __init__(self, reason: str, message: str, **details):
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.details = details


def _text(value, limit: int) -> str:
    return str(value or "").strip()[:limit]


def email_from(claims: dict) -> str:
    """The e-mail address the token gives: `email`, else Entra's `upn` (the sign-in
    name, an address in the Trust's domain); lower case, or "" if none fits."""
    for name in ("email", "upn"):
        value = str(claims.get(name) or "").strip().lower()
        if "@" in value and len(value) <= EMAIL_MAX:
            return value
    return ""


def _domain(email: str) -> str:
    return email.rpartition("@")[2]


def subject_from(claims: dict) -> str:
    """The person's stable id: Entra's `oid` (the same for every application), else
    `sub`."""
    return _text(claims.get("oid") or claims.get("sub"), IDENTITY_MAX)


def _refuse(request, reason: str, message: str, claims: dict, **details) -> SignInRefused:
    log_event(
        "sso_refused",
        request=request,
        by=None,
        reason=reason,
        email=_text(email_from(claims), EMAIL_MAX),
        subject=subject_from(claims),
        tenant=_text(claims.get("tid"), IDENTITY_MAX) or None,
        **details,
    )
    return SignInRefused(reason, message, **details)


def is_administrator(user) -> bool:
    """Who needs the stronger checks: Trust administrators, staff and superusers."""
    from objectives.permissions import is_trust_administrator

    return user.is_superuser or user.is_staff or is_trust_administrator(user)


def _check_allowed(claims: dict, request) -> None:
    tenants = settings.OIDC_ALLOWED_TENANT_IDS
    if tenants and str(claims.get("tid") or "") not in tenants:
        raise _refuse(
            request,
            "tenant_not_allowed",
            "Your account belongs to an organisation whose accounts the Strategy Portal "
            "does not accept.",
            claims,
        )
    domains = settings.OIDC_ALLOWED_EMAIL_DOMAINS
    email = email_from(claims)
    if domains and _domain(email) not in domains:
        raise _refuse(
            request,
            "domain_not_allowed",
            f"Your e-mail address ({email or 'none was given'}) is not one the Strategy "
            f"Portal accepts: it accepts addresses ending {', '.join('@' + d for d in domains)}.",
            claims,
        )


def _email_vouched_for(claims: dict) -> bool:
    """Whether the address can identify an existing account: the provider says it
    verified it, or it is in a domain the Trust controls (an allowed domain)."""
    email = email_from(claims)
    if not email:
        return False
    if claims.get("email_verified") is True:
        return True
    return _domain(email) in settings.OIDC_ALLOWED_EMAIL_DOMAINS


def _refuse_if_inactive(user, claims: dict, request) -> None:
    if not user.is_active:
        raise _refuse(
            request,
            "account_inactive",
            "Your account in the Strategy Portal has been deactivated.",
            claims,
            username=user.get_username(),
        )


def _names(claims: dict) -> tuple[str, str]:
    given, family = (
        _text(claims.get("given_name"), NAME_MAX),
        _text(claims.get("family_name"), NAME_MAX),
    )
    if given or family:
        return given, family
    # Only a display name (Entra's `name` unless given and family names are asked for).
    return _text(claims.get("name"), NAME_MAX), ""


def _new_username(email: str, subject: str) -> str:
    User = get_user_model()
    base = _NOT_IN_A_USERNAME.sub("", email or f"sso-{subject}")[: USERNAME_MAX - 4] or "sso"
    username, number = base, 1
    while User.objects.filter(username__iexact=username).exists():
        number += 1
        username = f"{base}-{number}"
    return username


def _update_from_claims(user, claims: dict) -> None:
    first, last = _names(claims)
    changed = []
    if first and (user.first_name, user.last_name) != (first, last):
        user.first_name, user.last_name = first, last
        changed += ["first_name", "last_name"]
    email = email_from(claims)
    if (
        email
        and email != user.email.lower()
        and _email_vouched_for(claims)
        and not get_user_model().objects.filter(email__iexact=email).exclude(pk=user.pk).exists()
    ):
        user.email = email
        changed.append("email")
    if changed:
        user.save(update_fields=changed)


def account_for_sign_in(claims: dict, *, request: HttpRequest | None = None):
    """The account this sign-in is, linked or created as the rules above say; or
    SignInRefused."""
    _check_allowed(claims, request)
    issuer = _text(claims.get("iss"), IDENTITY_MAX).rstrip("/")
    subject = subject_from(claims)
    if not subject:
        raise _refuse(
            request, "no_subject", "The NHS sign-in service did not say who you are.", claims
        )
    email = email_from(claims)

    with transaction.atomic():
        identity = (
            SignInIdentity.objects.select_related("user")
            .filter(issuer=issuer, subject=subject)
            .first()
        )
        if identity is not None:
            user = identity.user
            _refuse_if_inactive(user, claims, request)
        else:
            user = _link_or_create(claims, issuer, subject, email, request)
        _update_from_claims(user, claims)

    mfa_used = "mfa" in (claims.get("amr") or [])
    if settings.OIDC_ADMIN_REQUIRE_MFA_CLAIM and is_administrator(user) and not mfa_used:
        raise _refuse(
            request,
            "administrator_without_mfa",
            "Administrators must sign in with multi-factor authentication (a code or the "
            "Authenticator app as well as a password), and this login did not use it.",
            claims,
            username=user.get_username(),
        )
    return user


def _link_or_create(claims: dict, issuer: str, subject: str, email: str, request):
    User = get_user_model()
    same_email = list(User.objects.filter(email__iexact=email)[:2]) if email else []
    if same_email and not _email_vouched_for(claims):
        raise _refuse(
            request,
            "email_not_verified",
            "An account with your e-mail address exists already, but the NHS sign-in service "
            "has not confirmed that the address is yours, so the portal will not link them.",
            claims,
        )
    if len(same_email) > 1:
        raise _refuse(
            request,
            "email_ambiguous",
            "More than one account in the Strategy Portal has your e-mail address, so the "
            "portal cannot tell which is yours.",
            claims,
        )
    if same_email:
        user = same_email[0]
        _refuse_if_inactive(user, claims, request)
        if SignInIdentity.objects.filter(user=user, issuer=issuer).exists():
            raise _refuse(
                request,
                "account_linked_to_another_identity",
                "The Strategy Portal account with your e-mail address is already linked to "
                "someone else’s NHS account.",
                claims,
                username=user.get_username(),
            )
        event = "sso_account_linked"
    else:
        first, last = _names(claims)
        user = User(
            username=_new_username(email, subject),
            email=email,
            first_name=first,
            last_name=last,
        )
        # Single sign-on only: no password to guess, lock out or reset.
        user.set_unusable_password()
        user.save()
        event = "sso_account_created"
    try:
        with transaction.atomic():
            SignInIdentity.objects.create(user=user, issuer=issuer, subject=subject)
    except IntegrityError:
        # The same person signing in twice at once: the other request linked them.
        raise _refuse(request, "sign_in_in_progress", "Try logging in again.", claims) from None
    log_event(
        event,
        request=request,
        by=None,
        username=user.get_username(),
        issuer=issuer,
        subject=subject,
    )
    return user
