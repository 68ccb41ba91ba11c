"""Who is calling the API: an API client by its key, or a person by their session
(for the documentation page's "Try it out", with the CSRF check that brings).

A client's key is checked against its stored hash on every call, and a revoked
client is refused at once: nothing about a client is kept between calls. The
client's account comes back as the request's user, marked as acting for the
client (objectives.permissions.api_client_of), so every permission question and
every history row names it.
"""

import datetime

from django.db.models import Q
from django.utils import timezone
from rest_framework import authentication, exceptions

from accounts import security_log
from api import keys
from api.models import ApiClient

# How often a client's "last used" is written: once a minute is enough to tell an
# administrator whether it still calls, without a write on every read.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)
KEYWORD = "Bearer"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <prefix>.<secret>`."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request)
        if not header:
            return None
        try:
            keyword, _, key = header.decode("ascii").partition(" ")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(
                "The Authorization header is not ASCII."
            ) from None
        if keyword.lower() != KEYWORD.lower():
            return None  # another scheme (names of schemes ignore case): not ours to refuse
        key = key.strip()
        client = _client_for(key)
        if client is None:
            security_log.log_event(
                "api_key_refused", request=request._request, prefix=keys.prefix_of(key)
            )
            raise exceptions.AuthenticationFailed(
                "The API key is not valid, or its client has been revoked."
            )
        _note_use(client)
        # Every call a client makes is attributable: one line each in the security log
        # (what it changed is also in the audit log, as the client).
        security_log.log_event(
            "api_call",
            request=request._request,
            by=client.account.get_username(),
            client=client.name,
            method=request.method,
            path=request._request.get_full_path()[:300],
        )
        account = client.account
        account._portal_api_client = client
        return account, client

    def authenticate_header(self, request) -> str:
        return f'{KEYWORD} realm="api"'


def _client_for(key: str) -> ApiClient | None:
    if len(key) > keys.KEY_MAX_LENGTH or (prefix := keys.prefix_of(key)) is None:
        return None
    client = (
        ApiClient.objects.filter(prefix=prefix, revoked_at__isnull=True)
        .select_related("account")
        .first()
    )
    if (
        client is None
        or not client.account.is_active
        or not keys.key_matches(key, client.hashed_key)
    ):
        return None
    client.unit_ids = set(client.units.values_list("pk", flat=True))
    return client


def _note_use(client: ApiClient) -> None:
    """Record that the client called, at most once a minute (an UPDATE of its own
    row only; the one write a read makes, like a person's last login)."""
    now = timezone.now()
    if client.last_used_at is None or now - client.last_used_at >= LAST_USED_RESOLUTION:
        ApiClient.objects.filter(pk=client.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_RESOLUTION)
        ).update(last_used_at=now)
