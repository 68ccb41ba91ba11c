"""Single sign-on in a real browser, against a real OpenID Connect provider that the
test starts on 127.0.0.1 (oidc-provider-mock): the login page's "Log in with your
NHS account", the provider's sign-in, and back at the portal on the dashboard with
the right role; an unknown person on the no-access page; a deactivated account and
another organisation's account refused; logging out ending the provider's session
too. And a break-glass administrator logging in with a password is asked for a
TOTP code (set up first if they have no app) and gets in only with the right one.

Every new page is read at desktop and phone widths and checked with axe-core."""

import base64
import binascii
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from objectives.roles import Role, group_name
from tests.functional.conftest import check_accessibility
from tests.oidc_provider import OTHER_TENANT, running_provider, use_provider

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
LOCAL_HOSTS = {"localhost", "127.0.0.1"}


@pytest.fixture(scope="module")
def provider():
    with running_provider() as running:
        yield running


@pytest.fixture
def sso_site(seeded_site, settings, provider, page: Page):
    """The seeded portal with single sign-on pointed at the provider. The browser
    reaches nothing but this machine (the provider's page links a stylesheet on a CDN)."""
    use_provider(settings, provider)
    page.context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if urlsplit(route.request.url).hostname in LOCAL_HOSTS
            else route.abort()
        ),
    )
    return provider


def check_at_both_widths(page: Page, name: str) -> None:
    check_accessibility(page, name)
    page.set_viewport_size(PHONE)
    check_accessibility(page, f"{name}-phone")
    page.set_viewport_size(DESKTOP)


def invite(username: str, email: str, role: Role | None, **fields):
    """An account as a Trust administrator makes it: an address, a role, no password."""
    user = get_user_model().objects.create_user(username, email=email, **fields)
    user.set_unusable_password()
    user.save()
    if role is not None:
        user.groups.add(Group.objects.get(name=group_name(role)))
    return user


def sign_in_with_nhs_account(page: Page, live_server, sub: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Log in with your NHS account").click()
    # At the provider: choose who signs in.
    page.get_by_label("Subject").fill(sub)
    page.get_by_role("button", name="Authorize", exact=True).click()


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def test_a_person_with_a_role_signs_in_and_lands_on_the_dashboard(
    page: Page, live_server, sso_site
):
    invite("erin.example@nhs.net", "Erin.Example@nhs.net", Role.EXECUTIVE)
    sso_site.nhs_person("erin", "erin.example@nhs.net", full_name="Erin Example")

    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_test_id("single-sign-on")).to_contain_text("NHSmail")
    # Break-glass administrators keep their username and password.
    expect(page.get_by_label("Username")).to_be_visible()
    check_at_both_widths(page, "login-with-sso")

    sign_in_with_nhs_account(page, live_server, "erin")
    expect(page).to_have_url(f"{live_server.url}/")
    account = page.get_by_role("navigation", name="Account")
    expect(account).to_contain_text("Erin Example (Executive)")
    expect(
        page.get_by_role("navigation", name="Menu").get_by_role("link", name="IPR")
    ).to_be_visible()

    # Logging out ends the provider's session too, then comes back to the login page.
    page.goto(f"{live_server.url}/strategy/")
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(re.escape(f"{sso_site.url}/oauth2/end_session?")))
    params = parse_qs(urlsplit(page.url).query)
    assert params["post_logout_redirect_uri"] == [f"{live_server.url}/accounts/login/"]
    assert params["id_token_hint"][0].count(".") == 2
    page.get_by_role("button", name="End session").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)


def test_someone_unknown_lands_on_the_no_access_page_and_sees_no_data(
    page: Page, live_server, sso_site, settings
):
    settings.ACCOUNT_HELP_CONTACT = "the Strategy Unit (strategy@example.nhs.uk)"
    sso_site.nhs_person("nina", "nina.new@nhs.net", full_name="Nina New")
    sign_in_with_nhs_account(page, live_server, "nina")

    expect(page).to_have_url(f"{live_server.url}/accounts/no-access/")
    expect(heading(page)).to_have_text("You do not have access yet")
    main = page.locator("main")
    expect(main).to_contain_text("You are logged in as Nina New (nina.new@nhs.net)")
    expect(main).to_contain_text("Contact the Strategy Unit (strategy@example.nhs.uk)")
    expect(page.get_by_role("navigation", name="Menu").get_by_role("link")).to_have_count(0)
    check_at_both_widths(page, "no-access")

    # Every portal page says the same, with 403, and shows nothing of the strategy.
    for address in ("/", "/strategy/", "/units/", "/ipr/", "/okrs/quality-cccs-training/"):
        response = page.goto(f"{live_server.url}{address}")
        assert response is not None and response.status == 403, address
        expect(heading(page)).to_have_text("You do not have access yet")

    main.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(re.escape(f"{sso_site.url}/oauth2/end_session?")))


def test_a_deactivated_account_is_refused(page: Page, live_server, sso_site):
    invite("dee@nhs.net", "dee@nhs.net", Role.VIEWER, is_active=False)
    sso_site.nhs_person("dee", "dee@nhs.net")
    sign_in_with_nhs_account(page, live_server, "dee")
    expect(heading(page)).to_have_text("You could not log in")
    expect(page.get_by_test_id("sign-in-refusal")).to_have_text(
        "Your account in the Strategy Portal has been deactivated."
    )
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    check_at_both_widths(page, "sign-in-refused")


def test_an_account_from_another_organisation_is_refused(page: Page, live_server, sso_site):
    sso_site.nhs_person("outsider", "outsider@nhs.net", tenant=OTHER_TENANT)
    sign_in_with_nhs_account(page, live_server, "outsider")
    expect(heading(page)).to_have_text("You could not log in")
    expect(page.get_by_test_id("sign-in-refusal")).to_contain_text(
        "an organisation whose accounts the Strategy Portal does not accept"
    )
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    assert not get_user_model().objects.filter(email="outsider@nhs.net").exists()


def log_in_with_a_password(page: Page, live_server, username: str, password: str) -> None:
    """The break-glass way in, below the single sign-on button."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()


def current_code(key_hex: str) -> str:
    return f"{totp(binascii.unhexlify(key_hex)):06d}"


def test_an_administrator_logging_in_with_a_password_is_asked_for_a_code(
    page: Page, live_server, sso_site, settings
):
    settings.ADMIN_MFA_REQUIRED = True
    admin = get_user_model().objects.get(username="admin")
    device = TOTPDevice.objects.create(user=admin, name="Authenticator app", confirmed=True)

    log_in_with_a_password(page, live_server, "admin", "admin-demo")
    expect(heading(page)).to_have_text("Enter the code from your authenticator app")
    expect(page.get_by_role("navigation", name="Menu")).to_have_count(0)
    check_at_both_widths(page, "mfa-verify")

    # A page opened by hand comes back here.
    page.goto(f"{live_server.url}/units/")
    expect(heading(page)).to_have_text("Enter the code from your authenticator app")

    wrong = f"{(int(current_code(device.key)) + 500_000) % 1_000_000:06d}"
    page.get_by_label("Code", exact=True).fill(wrong)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("The code is not right")
    check_at_both_widths(page, "mfa-verify-wrong-code")

    page.wait_for_timeout(1100)  # django-otp's wait after one wrong code: a second
    page.get_by_label("Code", exact=True).fill(current_code(device.key))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{live_server.url}/units/")
    expect(page.get_by_role("navigation", name="Account")).to_contain_text("(Trust administrator)")


def test_an_administrator_without_an_app_sets_one_up_first(
    page: Page, live_server, sso_site, settings
):
    settings.ADMIN_MFA_REQUIRED = True
    log_in_with_a_password(page, live_server, "admin", "admin-demo")
    expect(heading(page)).to_have_text("Set up an authenticator app")
    qr_code = page.get_by_role("img", name=re.compile("QR code"))
    expect(qr_code).to_be_visible()
    # Drawn, not blocked by the Content-Security-Policy.
    assert qr_code.evaluate("image => image.naturalWidth") > 0
    check_at_both_widths(page, "mfa-set-up")

    # What a person types into the app instead of scanning: the key as text.
    key_text = page.get_by_test_id("totp-key").inner_text().replace(" ", "")
    key_hex = base64.b32decode(key_text + "=" * (-len(key_text) % 8)).hex()
    page.get_by_label("Code from the app").fill(current_code(key_hex))
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("main")).to_contain_text("Your authenticator app is set up.")
    assert TOTPDevice.objects.get(user__username="admin").key == key_hex
