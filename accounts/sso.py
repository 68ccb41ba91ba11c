"""Single sign-on by OpenID Connect (mozilla-django-oidc), e.g. Microsoft Entra ID or
NHSmail: where the provider's endpoints are, and the authentication backend that
checks its ID token. Who a checked sign-in is, and whether they may come in, is
decided in accounts/sso_accounts.py.

Off unless `OIDC_RP_CLIENT_ID` is set (settings.py refuses a half configuration).
The endpoints are read from the issuer's discovery document the first time they
are needed, and again after an hour, unless the settings give them.
"""

import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.backends import BaseBackend, ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

BACKEND = "accounts.sso.SignInBackend"
DISCOVERY_KEPT_SECONDS = 60 * 60
# Clocks differ a little between the provider and the portal.
CLOCK_LEEWAY_SECONDS = 60


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read, or lacks an endpoint."""


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str
    end_session_endpoint: str


def sso_enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


_discovered: dict[str, tuple[float, dict]] = {}
_discovery_lock = threading.Lock()


def _discovery_document(issuer: str) -> dict:
    with _discovery_lock:
        kept = _discovered.get(issuer)
        if kept is not None and time.monotonic() - kept[0] < DISCOVERY_KEPT_SECONDS:
            return kept[1]
    try:
        response = requests.get(
            f"{issuer}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT
        )
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(
            f"Could not read {issuer}'s discovery document: {error}"
        ) from error
    if not isinstance(document, dict):
        raise ProviderUnavailable(f"{issuer}'s discovery document is not a JSON object")
    with _discovery_lock:
        _discovered[issuer] = (time.monotonic(), document)
    return document


def forget_discovery() -> None:
    """Read the discovery document afresh next time (tests, or a provider's change)."""
    with _discovery_lock:
        _discovered.clear()


def provider() -> Provider:
    """The provider's issuer and endpoints: each from the settings when given, else
    from the discovery document."""
    issuer = settings.OIDC_ISSUER.rstrip("/")
    given = {
        "authorization_endpoint": settings.OIDC_OP_AUTHORIZATION_ENDPOINT,
        "token_endpoint": settings.OIDC_OP_TOKEN_ENDPOINT,
        "userinfo_endpoint": settings.OIDC_OP_USER_ENDPOINT,
        "jwks_uri": settings.OIDC_OP_JWKS_ENDPOINT,
        "end_session_endpoint": settings.OIDC_OP_LOGOUT_ENDPOINT,
    }
    required = ("authorization_endpoint", "token_endpoint", "jwks_uri")
    document = {}
    if not all(given[name] for name in (*required, "end_session_endpoint")):
        try:
            document = _discovery_document(issuer)
        except ProviderUnavailable:
            if not all(given[name] for name in required):
                raise
    values = {name: given[name] or str(document.get(name) or "") for name in given}
    missing = [name for name in required if not values[name]]
    if missing:
        raise ProviderUnavailable(f"The provider names no {', '.join(missing)}")
    # The issuer its tokens carry: the discovery document's (Entra's multi-tenant ones
    # hold a {tenantid} placeholder), else the one configured.
    return Provider(issuer=str(document.get("issuer") or issuer).rstrip("/"), **values)


def expected_issuer(claims: dict) -> str:
    """The `iss` a token must carry: the provider's issuer, with Entra's {tenantid}
    placeholder (multi-tenant endpoints) filled from the token's own `tid`."""
    issuer = provider().issuer
    if "{tenantid}" in issuer:
        if not settings.OIDC_ALLOWED_TENANT_IDS:
            # Any organisation's users could sign in, with addresses it chooses.
            raise SuspiciousOperation(
                "A multi-tenant issuer needs OIDC_ALLOWED_TENANT_IDS to be set"
            )
        issuer = issuer.replace("{tenantid}", str(claims.get("tid") or "?"))
    return issuer


def end_session_url(request: HttpRequest) -> str | None:
    """Where to send someone logging out after single sign-on so that the provider's
    session ends too (OpenID Connect RP-initiated logout), or None. Read before the
    portal's session is ended: it holds the ID token."""
    if request.session.get(BACKEND_SESSION_KEY) != BACKEND or not sso_enabled():
        return None
    try:
        endpoint = provider().end_session_endpoint
    except ProviderUnavailable:
        return None
    if not endpoint:
        return None
    params = {
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
    }
    id_token = request.session.get("oidc_id_token")
    if id_token:
        params["id_token_hint"] = id_token
    separator = "&" if "?" in endpoint else "?"
    return f"{endpoint}{separator}{urlencode(params)}"


class SignInBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, with the provider's endpoints read when used
    (from discovery), the ID token's issuer and audience checked, its claims (not
    only the userinfo endpoint's) used, and accounts matched by sso_accounts.

    Django asks every backend to authenticate a username and password: this one
    answers only its own callback (`oidc_callback=True`). It answers no permission
    question (the rules and AdminModelBackend do)."""

    def __init__(self, *args, **kwargs):
        # The library reads every setting here; they are read when used instead, so
        # that the backend can be listed while single sign-on is off.
        from django.contrib.auth import get_user_model

        self.UserModel = get_user_model()

    OIDC_RP_IDP_SIGN_KEY = None

    @property
    def OIDC_RP_CLIENT_ID(self) -> str:  # noqa: N802 (the library's name)
        return settings.OIDC_RP_CLIENT_ID

    @property
    def OIDC_RP_CLIENT_SECRET(self) -> str:  # noqa: N802
        return settings.OIDC_RP_CLIENT_SECRET

    @property
    def OIDC_RP_SIGN_ALGO(self) -> str:  # noqa: N802
        return settings.OIDC_RP_SIGN_ALGO

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self) -> str:  # noqa: N802
        return provider().token_endpoint

    @property
    def OIDC_OP_USER_ENDPOINT(self) -> str:  # noqa: N802
        return provider().userinfo_endpoint

    @property
    def OIDC_OP_JWKS_ENDPOINT(self) -> str:  # noqa: N802
        return provider().jwks_uri

    def authenticate(self, request, oidc_callback: bool = False, **kwargs):
        if not oidc_callback or not sso_enabled():
            return None
        return super().authenticate(request, **kwargs)

    def get_payload_data(self, token, key):
        """The ID token's claims, once its signature, audience (this portal), expiry and
        issuer are checked (the library checks the signature only)."""
        try:
            algorithm = jwt.get_unverified_header(token).get("alg")
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"The ID token is not a JWT: {error}") from error
        if algorithm != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"The ID token is signed with {algorithm!r}")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=self.OIDC_RP_CLIENT_ID,
                leeway=CLOCK_LEEWAY_SECONDS,
                options={"require": ["iss", "sub", "aud", "exp", "iat"]},
            )
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"The ID token is not valid: {error}") from error
        if str(claims["iss"]).rstrip("/") != expected_issuer(claims):
            raise SuspiciousOperation(f"The ID token comes from another issuer: {claims['iss']}")
        return claims

    def get_or_create_user(self, access_token, id_token, payload):
        from accounts.sso_accounts import account_for_sign_in

        claims = dict(payload)
        if not claims.get("email") and self.OIDC_OP_USER_ENDPOINT:
            # Some providers put the e-mail address only in the userinfo response; it
            # must describe the same person as the ID token.
            userinfo = self.get_userinfo(access_token, id_token, payload)
            if userinfo.get("sub") == claims["sub"]:
                claims = {**userinfo, **claims}
        return account_for_sign_in(claims, request=self.request)

    def get_user(self, user_id):
        # Django's, which also refuses an account deactivated since it signed in.
        return ModelBackend.get_user(self, user_id)

    # Permissions are the rules' and AdminModelBackend's business, not this backend's.
    has_perm = BaseBackend.has_perm
    get_user_permissions = BaseBackend.get_user_permissions
    get_group_permissions = BaseBackend.get_group_permissions
    get_all_permissions = BaseBackend.get_all_permissions

    def has_module_perms(self, user_obj, app_label) -> bool:
        return False
