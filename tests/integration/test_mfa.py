"""Administrators who log in with a password enter a TOTP code from an authenticator
app (ADMIN_MFA_REQUIRED, on in production): set it up the first time, then a code
at each login; wrong codes are throttled and logged; a lost app is reset by command."""

import binascii
import json
import logging
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import mfa
from accounts.sso import BACKEND
from objectives.roles import Role

PASSWORD = "correct horse battery"
pytestmark = pytest.mark.usefixtures("mfa_required")


@pytest.fixture
def mfa_required(settings):
    settings.ADMIN_MFA_REQUIRED = True


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


def code_for(key_hex: str) -> str:
    """The code an authenticator app shows for this key now."""
    return f"{totp(binascii.unhexlify(key_hex)):06d}"


def log_in(client, username: str):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


@pytest.fixture
def administrator(make_user):
    return make_user("trust-admin", Role.TRUST_ADMINISTRATOR, is_staff=True)


@pytest.fixture
def device(administrator):
    return TOTPDevice.objects.create(user=administrator, name=mfa.DEVICE_NAME, confirmed=True)


def test_an_administrator_with_an_app_is_asked_for_a_code_before_any_page(client, seeded, device):
    response = log_in(client, "trust-admin")
    assert response["Location"] == reverse("dashboard:home")
    for page in ("/", "/strategy/", "/units/", "/admin/"):
        refused = client.get(page)
        assert refused.status_code == 302, page
        assert refused["Location"] == f"{reverse('mfa_verify')}?next={page.replace('/', '%2F')}"
    page = client.get(reverse("mfa_verify") + "?next=/units/")
    assert page.status_code == 200
    content = page.content.decode()
    assert "Enter the code from your authenticator app" in content
    assert 'aria-label="Menu"' not in content  # no menu of pages that cannot be opened yet
    response = client.post(reverse("mfa_verify"), {"code": code_for(device.key), "next": "/units/"})
    assert response["Location"] == "/units/"
    assert client.get("/units/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_is_refused_logged_and_throttled(client, device, security_events):
    log_in(client, "trust-admin")
    wrong = f"{(int(code_for(device.key)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("mfa_verify"), {"code": wrong})
    assert response.status_code == 200
    assert "The code is not right" in response.content.decode()
    [failed] = security_events("mfa_failed")
    assert (failed["username"], failed["failures"], failed["stage"]) == ("trust-admin", 1, "verify")
    # Each wrong code doubles the wait: straight after a few, even the right one waits.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=5)
    device.refresh_from_db()
    device.throttle_increment()
    response = client.post(reverse("mfa_verify"), {"code": code_for(device.key)})
    assert response.status_code == 429
    assert "Too many wrong codes" in response.content.decode()
    assert security_events("mfa_throttled")
    assert client.get("/strategy/").status_code == 302


def test_a_code_is_not_accepted_twice(client, device):
    code = code_for(device.key)
    log_in(client, "trust-admin")
    assert client.post(reverse("mfa_verify"), {"code": code}).status_code == 302
    client.post(reverse("logout"))
    log_in(client, "trust-admin")
    response = client.post(reverse("mfa_verify"), {"code": code})
    assert "The code is not right" in response.content.decode()


def test_codes_are_six_digits(client, device):
    log_in(client, "trust-admin")
    response = client.post(reverse("mfa_verify"), {"code": "12345a"})
    assert "Enter the code as 6 digits" in response.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 0  # a typing slip is not a guess


def test_without_an_app_an_administrator_sets_one_up_first(
    client, seeded, administrator, security_events
):
    log_in(client, "trust-admin")
    assert client.get("/strategy/")["Location"].startswith(reverse("mfa_verify"))
    response = client.get(reverse("mfa_verify") + "?next=/strategy/")
    assert response["Location"] == f"{reverse('mfa_setup')}?next=%2Fstrategy%2F"
    page = client.get(response["Location"])
    content = page.content.decode()
    assert "Set up an authenticator app" in content
    # The QR code is an image in the page itself (allowed by the CSP's img-src data:).
    assert re.search(r'<img class="portal-qr-code" src="data:image/svg\+xml', content)
    key_text = re.search(r'data-testid="totp-key">([A-Z2-7 ]+)<', content).group(1)
    key = client.session[mfa.SETUP_KEY]
    assert key_text.replace(" ", "") == mfa.key_as_text(key).replace(" ", "")
    # Reloading the page shows the same key (nothing is saved until the code is right).
    assert key_text in client.get(response["Location"]).content.decode()
    assert not TOTPDevice.objects.exists()

    wrong = client.post(reverse("mfa_setup"), {"code": "000000", "next": "/strategy/"})
    assert "The code is not right" in wrong.content.decode()
    done = client.post(reverse("mfa_setup"), {"code": code_for(key), "next": "/strategy/"})
    assert done["Location"] == "/strategy/"
    assert client.get("/strategy/").status_code == 200
    device = TOTPDevice.objects.get(user=administrator)
    assert device.confirmed and device.key == key
    assert security_events("mfa_device_added")[0]["username"] == "trust-admin"
    # The next login asks for a code from that app, and offers no new set-up.
    client.post(reverse("logout"))
    log_in(client, "trust-admin")
    assert client.get(reverse("mfa_setup"))["Location"].startswith(reverse("mfa_verify"))


def test_superusers_and_staff_are_asked_too_but_not_other_roles(client, make_user):
    make_user("root", is_superuser=True, is_staff=True)
    make_user("staff-only", is_staff=True)
    make_user("lead", Role.DIRECTORATE_LEAD)
    for username, asked in (("root", True), ("staff-only", True), ("lead", False)):
        client.post(reverse("logout"))
        log_in(client, username)
        response = client.get(reverse("objectives:units"))
        assert (response.status_code == 302) == asked, username


def test_single_sign_on_relies_on_the_providers_second_factor(client, seeded, administrator):
    client.force_login(administrator, backend=BACKEND)
    assert client.get("/strategy/").status_code == 200


def test_off_when_not_required(client, seeded, settings, administrator):
    settings.ADMIN_MFA_REQUIRED = False
    log_in(client, "trust-admin")
    assert client.get("/strategy/").status_code == 200
    assert client.get(reverse("mfa_verify"))["Location"] == reverse("dashboard:home")


def test_a_lost_app_is_reset_by_command_and_logged(client, device, security_events):
    call_command("reset_mfa", "trust-admin", "--by", "Sam Sysadmin")
    assert not TOTPDevice.objects.exists()
    [reset] = security_events("mfa_reset")
    assert (reset["username"], reset["by"], reset["devices_removed"]) == (
        "trust-admin",
        "Sam Sysadmin",
        1,
    )
    log_in(client, "trust-admin")
    assert client.get(reverse("mfa_verify"))["Location"].startswith(reverse("mfa_setup"))
    with pytest.raises(CommandError, match="No account"):
        call_command("reset_mfa", "nobody")


def test_the_demo_administrator_gets_an_app_only_when_mfa_is_on(seeded, settings):
    from accounts.system_actor import system_actor
    from datasets.demo import ensure_demo_users

    settings.ADMIN_MFA_REQUIRED = False
    ensure_demo_users(by=system_actor())
    assert not TOTPDevice.objects.exists()
    settings.ADMIN_MFA_REQUIRED = True
    ensure_demo_users(by=system_actor())
    device = TOTPDevice.objects.get()
    assert device.user == get_user_model().objects.get(username="admin")
    assert (device.key, device.confirmed) == (mfa.DEMO_KEY, True)


def test_the_code_helper_matches_the_app(device):
    # Guards the tests' own arithmetic: the device accepts the code computed above.
    assert device.verify_token(code_for(device.key))
