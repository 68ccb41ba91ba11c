"""Single sign-on by OpenID Connect: who a sign-in is (the matching rules, worked by
hand), and the whole round trip against a real provider on 127.0.0.1 (discovery,
the code flow, the ID token's signature, issuer, audience and nonce, logging out of
the provider too).

Hand-worked cases for the matching rules, with the Trust's tenant T and its domain
nhs.net allowed:
- an identity (issuer, oid) linked to Ann's account → Ann, whatever the e-mail says;
- no identity, Ann's account invited as ann@nhs.net → linked to Ann (ANN@NHS.NET too);
- two accounts with the address → refused, neither linked;
- the account with the address linked to another person already → refused;
- nobody with the address → a new account with no role, username the address;
- tenant other than T, or an address outside nhs.net → refused, no account made;
- a deactivated account, matched by identity or by e-mail → refused.
"""

import json
import logging
import socket
import time
from unittest.mock import patch
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.core.exceptions import SuspiciousOperation
from django.urls import reverse

from accounts.models import SignInIdentity
from accounts.sso import BACKEND, Provider, SignInBackend, expected_issuer, forget_discovery
from accounts.sso_accounts import SignInRefused, account_for_sign_in
from objectives.roles import Role
from tests.oidc_provider import (
    CLIENT_ID,
    OTHER_TENANT,
    TRUST_TENANT,
    running_provider,
    use_provider,
)

ISSUER = "https://login.example.test/trust/v2.0"


@pytest.fixture
def security_events(caplog):
    caplog.set_level(logging.INFO, logger="strategy_portal.security")

    def events(name: str) -> list[dict]:
        found = [
            json.loads(record.getMessage())
            for record in caplog.records
            if record.name == "strategy_portal.security"
        ]
        return [event for event in found if event["event"] == name]

    return events


@pytest.fixture
def trust_rules(settings):
    """The Trust's tenant and domain allowed (the matching rules need no provider)."""
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_ALLOWED_TENANT_IDS = [TRUST_TENANT]
    settings.OIDC_ALLOWED_EMAIL_DOMAINS = ["nhs.net"]
    settings.OIDC_ADMIN_REQUIRE_MFA_CLAIM = False


def claims(sub="ann-sub", email="ann@nhs.net", *, tenant=TRUST_TENANT, **more) -> dict:
    return {
        "iss": ISSUER,
        "sub": sub,
        "oid": f"oid-{sub}",
        "tid": tenant,
        "email": email,
        "given_name": "Ann",
        "family_name": "Example",
        **more,
    }


def refusal(reason: str, token: dict) -> SignInRefused:
    with pytest.raises(SignInRefused) as refused:
        account_for_sign_in(token)
    assert refused.value.reason == reason
    return refused.value


# The matching rules, by hand --------------------------------------------------------


def test_a_linked_identity_is_the_account_whatever_the_address_says(
    trust_rules, make_user, security_events
):
    ann = make_user("ann", Role.VIEWER, email="ann.old@nhs.net")
    SignInIdentity.objects.create(user=ann, issuer=ISSUER, subject="oid-ann-sub")
    user = account_for_sign_in(claims(email="ann.new@nhs.net", given_name="Annie"))
    assert user == ann
    ann.refresh_from_db()
    # Names and a vouched-for address follow the provider.
    assert (ann.first_name, ann.last_name, ann.email) == ("Annie", "Example", "ann.new@nhs.net")
    assert not security_events("sso_account_created")


def test_the_stable_oid_is_the_identity_not_the_per_application_sub(trust_rules, make_user):
    ann = make_user("ann", Role.VIEWER, email="ann@nhs.net")
    account_for_sign_in(claims(sub="first-app-sub", oid="entra-object-id"))
    assert SignInIdentity.objects.get(user=ann).subject == "entra-object-id"
    # Another application's `sub`, the same `oid`: the same person.
    assert account_for_sign_in(claims(sub="other-sub", oid="entra-object-id")) == ann


def test_an_invited_account_is_linked_by_its_address_on_first_sign_in(
    trust_rules, make_user, security_events
):
    ann = make_user("ann", Role.EXECUTIVE, email="Ann@NHS.net")
    user = account_for_sign_in(claims(email="ANN@nhs.net"))
    assert user == ann
    identity = SignInIdentity.objects.get(user=ann)
    assert (identity.issuer, identity.subject) == (ISSUER, "oid-ann-sub")
    [linked] = security_events("sso_account_linked")
    assert (linked["username"], linked["subject"]) == ("ann", "oid-ann-sub")
    # Next time the identity matches, even with another address.
    assert account_for_sign_in(claims(email="a.example@nhs.net")) == ann


def test_two_accounts_with_the_address_are_refused_never_guessed_between(
    trust_rules, make_user, security_events
):
    make_user("ann", Role.VIEWER, email="ann@nhs.net")
    make_user("ann-2", Role.TRUST_ADMINISTRATOR, email="ANN@nhs.net")
    refused = refusal("email_ambiguous", claims())
    assert "More than one account" in refused.message
    assert not SignInIdentity.objects.exists()
    [logged] = security_events("sso_refused")
    assert (logged["reason"], logged["email"]) == ("email_ambiguous", "ann@nhs.net")


def test_an_account_linked_to_someone_else_is_not_linked_again(trust_rules, make_user):
    ann = make_user("ann", Role.VIEWER, email="ann@nhs.net")
    SignInIdentity.objects.create(user=ann, issuer=ISSUER, subject="oid-the-real-ann")
    refusal("account_linked_to_another_identity", claims(sub="impostor"))
    assert SignInIdentity.objects.filter(user=ann).count() == 1


def test_someone_unknown_gets_a_new_account_with_no_role(trust_rules, db, security_events):
    user = account_for_sign_in(claims(sub="new", email="New.Starter@nhs.net", given_name="New"))
    assert user.username == "new.starter@nhs.net"
    assert (user.email, user.first_name, user.last_name) == (
        "new.starter@nhs.net",
        "New",
        "Example",
    )
    assert not user.has_usable_password()
    assert not user.groups.exists()
    assert not user.has_perm("portal.view_strategy")
    assert SignInIdentity.objects.get(user=user).subject == "oid-new"
    [created] = security_events("sso_account_created")
    assert created["username"] == "new.starter@nhs.net"


def test_a_new_account_never_takes_an_existing_username(trust_rules, make_user):
    make_user("new@nhs.net", Role.VIEWER, email="")
    user = account_for_sign_in(claims(sub="new", email="new@nhs.net"))
    assert user.username == "new@nhs.net-2"


def test_another_tenant_is_refused_and_nothing_is_made(trust_rules, db, security_events):
    refused = refusal("tenant_not_allowed", claims(tenant=OTHER_TENANT))
    assert "organisation" in refused.message
    assert not SignInIdentity.objects.exists()
    assert not get_user_model().objects.filter(email="ann@nhs.net").exists()
    [logged] = security_events("sso_refused")
    assert (logged["reason"], logged["tenant"]) == ("tenant_not_allowed", OTHER_TENANT)


def test_an_address_outside_the_allowed_domains_is_refused(trust_rules, make_user):
    ann = make_user("ann", Role.VIEWER, email="ann@gmail.example")
    refused = refusal("domain_not_allowed", claims(email="ann@gmail.example"))
    assert "@nhs.net" in refused.message
    assert not SignInIdentity.objects.filter(user=ann).exists()


def test_a_deactivated_account_is_refused_by_identity_and_by_address(trust_rules, make_user):
    ann = make_user("ann", Role.VIEWER, email="ann@nhs.net", is_active=False)
    refusal("account_inactive", claims())
    assert not SignInIdentity.objects.exists()
    SignInIdentity.objects.create(user=ann, issuer=ISSUER, subject="oid-ann-sub")
    refusal("account_inactive", claims())


def test_an_address_nobody_vouches_for_never_links_an_account(settings, make_user):
    # Only the tenant restricted: an address outside the allowed domains, not verified.
    settings.OIDC_ALLOWED_TENANT_IDS = [TRUST_TENANT]
    settings.OIDC_ALLOWED_EMAIL_DOMAINS = []
    ann = make_user("ann", Role.VIEWER, email="ann@partner.example")
    refusal("email_not_verified", claims(email="ann@partner.example"))
    # The provider saying it verified the address is enough.
    assert account_for_sign_in(claims(email="ann@partner.example", email_verified=True)) == ann


def test_administrators_can_be_required_to_have_used_mfa(trust_rules, settings, make_user):
    settings.OIDC_ADMIN_REQUIRE_MFA_CLAIM = True
    admin = make_user("ann", Role.TRUST_ADMINISTRATOR, email="ann@nhs.net")
    refusal("administrator_without_mfa", claims(amr=["pwd"]))
    assert account_for_sign_in(claims(amr=["pwd", "mfa"])) == admin
    # Others are not asked.
    make_user("bob", Role.VIEWER, email="bob@nhs.net")
    assert (
        account_for_sign_in(claims(sub="bob", email="bob@nhs.net", amr=["pwd"])).username == "bob"
    )


def test_an_id_token_must_be_for_this_portal_from_the_issuer_and_unexpired(settings, db):
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_ISSUER = ISSUER
    # Endpoints given, so no discovery document is read.
    for name in ("AUTHORIZATION", "TOKEN", "USER", "JWKS", "LOGOUT"):
        setattr(settings, f"OIDC_OP_{name}_ENDPOINT", f"{ISSUER}/{name.lower()}")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    good = {"iss": ISSUER, "sub": "ann", "aud": CLIENT_ID, "iat": now, "exp": now + 300}
    backend = SignInBackend()

    def check(payload: dict, algorithm: str = "RS256", signing_key=key):
        token = jwt.encode(payload, signing_key, algorithm=algorithm)
        return backend.get_payload_data(token, key.public_key())

    assert check(good)["sub"] == "ann"
    for bad in ({"aud": "another-portal"}, {"iss": "https://elsewhere.test"}, {"exp": now - 600}):
        with pytest.raises(SuspiciousOperation):
            check({**good, **bad})
    with pytest.raises(SuspiciousOperation):
        check({key: value for key, value in good.items() if key != "exp"})
    # A token signed with the client secret as an HMAC key, not the provider's key.
    with pytest.raises(SuspiciousOperation):
        check(good, algorithm="HS256", signing_key="a-guessable-secret-of-32-bytes!!")


def test_a_multi_tenant_issuer_takes_the_tokens_tenant_and_needs_a_tenant_restriction(settings, db):
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_ISSUER = "https://login.example.test/organizations/v2.0"
    for name in ("AUTHORIZATION", "TOKEN", "USER", "JWKS", "LOGOUT"):
        setattr(settings, f"OIDC_OP_{name}_ENDPOINT", f"https://login.example.test/{name}")
    multi_tenant = Provider(
        issuer="https://login.example.test/{tenantid}/v2.0",
        authorization_endpoint="a",
        token_endpoint="t",
        userinfo_endpoint="u",
        jwks_uri="j",
        end_session_endpoint="e",
    )
    with patch("accounts.sso.provider", return_value=multi_tenant):
        settings.OIDC_ALLOWED_TENANT_IDS = [TRUST_TENANT]
        assert expected_issuer({"tid": TRUST_TENANT}) == (
            f"https://login.example.test/{TRUST_TENANT}/v2.0"
        )
        settings.OIDC_ALLOWED_TENANT_IDS = []
        with pytest.raises(SuspiciousOperation):
            expected_issuer({"tid": TRUST_TENANT})


# The round trip against a real provider ------------------------------------------------


@pytest.fixture(scope="module")
def provider():
    with running_provider() as running:
        yield running


@pytest.fixture
def sso(settings, provider, db):
    use_provider(settings, provider)
    yield provider
    forget_discovery()


def start(client, next_page: str | None = None) -> str:
    """Press the button: the portal sends the browser to the provider."""
    query = f"?next={next_page}" if next_page else ""
    response = client.get(f"{reverse('oidc_authentication_init')}{query}")
    assert response.status_code == 302, response.content
    return response["Location"]


def choose(authorize_url: str, sub: str) -> str:
    """At the provider, sign in as `sub`: the provider redirects back to the portal."""
    answer = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def come_back(client, callback_url: str):
    parts = urlsplit(callback_url)
    return client.get(f"{parts.path}?{parts.query}")


def sign_in(client, sub: str, next_page: str | None = None):
    return come_back(client, choose(start(client, next_page), sub))


def test_the_button_sends_the_browser_to_the_provider_with_state_nonce_and_pkce(client, sso):
    parts = urlsplit(start(client))
    params = {name: values[0] for name, values in parse_qs(parts.query).items()}
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{sso.url}/oauth2/authorize"
    assert params["client_id"] == CLIENT_ID
    assert params["redirect_uri"] == "http://testserver/oidc/callback/"
    assert params["scope"] == "openid email profile"
    assert params["code_challenge_method"] == "S256"
    assert params["state"] and params["nonce"]


def test_a_person_with_a_role_signs_in_and_lands_where_they_were_going(
    client, sso, make_user, security_events
):
    make_user("erin", Role.EXECUTIVE, email="erin@nhs.net")
    sso.nhs_person("erin-sub", "erin@nhs.net", full_name="Erin Example")
    response = sign_in(client, "erin-sub", next_page="/strategy/")
    assert response.status_code == 302
    assert response["Location"] == "/strategy/"
    assert client.session[BACKEND_SESSION_KEY] == BACKEND
    page = client.get("/strategy/")
    assert page.status_code == 200
    assert "Erin Example (Executive)" in page.content.decode()
    [login] = security_events("login")
    assert (login["username"], login["method"]) == ("erin", "single_sign_on")


def test_someone_without_a_role_lands_on_the_no_access_page(client, sso):
    sso.nhs_person("nina-sub", "nina@nhs.net", full_name="Nina New")
    response = sign_in(client, "nina-sub")
    assert response["Location"] == reverse("no_access")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "You do not have access yet" in page.content.decode()
    assert client.get(reverse("dashboard:home")).status_code == 403


def test_a_deactivated_account_is_refused_with_a_plain_page(client, sso, make_user):
    make_user("dee", Role.VIEWER, email="dee@nhs.net", is_active=False)
    sso.nhs_person("dee-sub", "dee@nhs.net")
    response = sign_in(client, "dee-sub")
    assert response.status_code == 403
    assert "Your account in the Strategy Portal has been deactivated" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_token_from_another_tenant_is_refused(client, sso, security_events):
    sso.nhs_person("outsider", "outsider@nhs.net", tenant=OTHER_TENANT)
    response = sign_in(client, "outsider")
    assert response.status_code == 403
    assert "does not accept" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert security_events("sso_refused")[0]["reason"] == "tenant_not_allowed"


def test_a_sign_in_response_cannot_be_used_twice(client, sso, make_user):
    make_user("erin", Role.EXECUTIVE, email="erin@nhs.net")
    sso.nhs_person("erin-sub", "erin@nhs.net")
    callback = choose(start(client), "erin-sub")
    assert come_back(client, callback).status_code == 302
    client.logout()
    again = come_back(client, callback)
    assert again.status_code == 400
    assert "expired or was used already" in again.content.decode()


def test_a_token_for_another_portal_is_refused(client, sso, settings):
    sso.nhs_person("erin-sub", "erin@nhs.net")
    callback = choose(start(client), "erin-sub")
    # The code was issued to our client id; exchanged by another, the provider refuses it.
    settings.OIDC_RP_CLIENT_ID = "another-portal"
    response = come_back(client, callback)
    assert response.status_code == 400
    assert "could not be checked" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logging_out_ends_the_providers_session_too(client, sso, make_user):
    make_user("erin", Role.EXECUTIVE, email="erin@nhs.net")
    sso.nhs_person("erin-sub", "erin@nhs.net")
    sign_in(client, "erin-sub")
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    parts = urlsplit(response["Location"])
    params = parse_qs(parts.query)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{sso.url}/oauth2/end_session"
    assert params["post_logout_redirect_uri"] == ["http://testserver/accounts/login/"]
    assert params["client_id"] == [CLIENT_ID]
    assert params["id_token_hint"][0].count(".") == 2  # the ID token the provider issued
    assert "_auth_user_id" not in client.session


def test_a_password_login_logs_out_of_the_portal_only(client, sso, make_user):
    make_user("local-admin", Role.TRUST_ADMINISTRATOR)
    client.post(reverse("login"), {"username": "local-admin", "password": "correct horse battery"})
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")


def test_a_provider_that_does_not_answer_is_said_so(client, settings, db):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_ISSUER = f"http://127.0.0.1:{port}"
    settings.OIDC_TIMEOUT = 2
    forget_discovery()
    response = client.get(reverse("oidc_authentication_init"))
    assert response.status_code == 503
    assert "did not answer" in response.content.decode()


def test_the_login_page_offers_single_sign_on_only_when_configured(client, settings, db):
    assert "Log in with your NHS account" not in client.get(reverse("login")).content.decode()
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    page = client.get(reverse("login") + "?next=/units/").content.decode()
    assert "Log in with your NHS account" in page
    assert 'href="/oidc/authenticate/?next=%2Funits%2F"' in page
    assert 'name="password"' in page  # break-glass administrators keep their password


def test_passwords_can_be_kept_for_administrators_only(client, settings, make_user):
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.PASSWORD_LOGIN_ADMINISTRATORS_ONLY = True
    make_user("lead", Role.DIRECTORATE_LEAD)
    make_user("break-glass", Role.TRUST_ADMINISTRATOR)
    refused = client.post(
        reverse("login"), {"username": "lead", "password": "correct horse battery"}
    )
    assert refused.status_code == 200
    assert "usernames and passwords are for administrators only" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    allowed = client.post(
        reverse("login"), {"username": "break-glass", "password": "correct horse battery"}
    )
    assert allowed.status_code == 302


# Settings ---------------------------------------------------------------------------


def test_single_sign_on_half_configured_refuses_to_start():
    from tests.integration.test_settings import PRODUCTION, _manage

    only_client = _manage("check", env={**PRODUCTION, "OIDC_RP_CLIENT_ID": CLIENT_ID})
    assert only_client.returncode != 0
    assert "set OIDC_ISSUER and OIDC_RP_CLIENT_SECRET too" in only_client.stderr
    configured = {
        **PRODUCTION,
        "OIDC_RP_CLIENT_ID": CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": "secret",
        "OIDC_ISSUER": f"https://login.microsoftonline.com/{TRUST_TENANT}/v2.0",
    }
    unrestricted = _manage("check", env=configured)
    assert unrestricted.returncode != 0
    assert "OIDC_ALLOWED_TENANT_IDS" in unrestricted.stderr


def test_single_sign_on_configured_for_production_passes_the_deploy_checks():
    from tests.integration.test_settings import PRODUCTION, _manage

    configured = {
        **PRODUCTION,
        "OIDC_RP_CLIENT_ID": CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": "secret",
        "OIDC_ISSUER": f"https://login.microsoftonline.com/{TRUST_TENANT}/v2.0",
        "OIDC_ALLOWED_TENANT_IDS": TRUST_TENANT,
        "OIDC_ALLOWED_EMAIL_DOMAINS": "nhs.net, @oxfordhealth.nhs.uk",
    }
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=configured)
    assert result.returncode == 0, result.stdout + result.stderr
    shown = _manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings as s; "
        "print(s.ADMIN_MFA_REQUIRED, s.OIDC_ALLOWED_EMAIL_DOMAINS, s.SECURE_CSP['form-action'])",
        env=configured,
    )
    assert shown.stdout.split("\n")[0] == (
        "True ['nhs.net', 'oxfordhealth.nhs.uk'] ["
        "<CSP.SELF: \"'self'\">, 'https://login.microsoftonline.com']"
    ), shown.stderr
