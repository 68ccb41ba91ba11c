"""A real OpenID Connect provider (oidc-provider-mock) on 127.0.0.1 for the single
sign-on tests, and the settings that point the portal at it.

The provider signs ID tokens with its own key, publishes its discovery document,
keys and end-session endpoint, and lets a test choose who signs in (a `sub`, whose
claims the test sets). It accepts any client id and secret.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

import oidc_provider_mock
import requests
import werkzeug.serving

CLIENT_ID = "strategy-portal"
CLIENT_SECRET = "a-test-client-secret"
TRUST_TENANT = "a2c4e6f8-0000-4000-8000-000000000001"
OTHER_TENANT = "b3d5f7a9-0000-4000-8000-000000000002"
TRUST_DOMAIN = "nhs.net"


@dataclass(frozen=True)
class Provider:
    url: str

    def add_person(self, sub: str, **claims) -> None:
        """Who signs in as `sub`, with these claims in their ID token (Entra's `oid`
        and `tid` are always sent; standard ones as the scopes allow)."""
        response = requests.put(f"{self.url}/users/{sub}", json=claims, timeout=10)
        response.raise_for_status()

    def nhs_person(self, sub: str, email: str, *, tenant: str = TRUST_TENANT, **claims) -> None:
        """Someone in the Trust's Entra tenant, as Entra describes them."""
        given, _, family = claims.pop("full_name", "Ann Example").partition(" ")
        self.add_person(
            sub,
            email=email,
            given_name=given,
            family_name=family,
            name=f"{given} {family}",
            oid=f"oid-{sub}",
            tid=tenant,
            **claims,
        )


@contextmanager
def running_provider() -> Iterator[Provider]:
    """The provider, serving on a free port of 127.0.0.1 until the block ends."""
    app = oidc_provider_mock.app(require_nonce=True)
    server = werkzeug.serving.make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield Provider(url=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


def use_provider(settings, provider: Provider) -> None:
    """Point the portal at the provider (pytest-django's `settings` fixture: undone
    after the test), allowing the Trust's tenant and e-mail domain."""
    from accounts.sso import forget_discovery

    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_ISSUER = provider.url
    settings.OIDC_ALLOWED_TENANT_IDS = [TRUST_TENANT]
    settings.OIDC_ALLOWED_EMAIL_DOMAINS = [TRUST_DOMAIN]
    # What settings.py adds when OIDC_ISSUER is set: logging out is a form whose
    # redirect goes to the provider.
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(provider.url))
    csp = {name: list(values) for name, values in settings.SECURE_CSP.items()}
    csp["form-action"].append(origin)
    settings.SECURE_CSP = csp
    forget_discovery()
