"""Guessing passwords is throttled: an account is locked after 5 failed logins, an
address after 20, for 15 minutes, on the login page and the admin's alike."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command

from objectives.roles import Role

PASSWORD = "correct horse battery"
LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"


def log_in(client, username, password, *, address="10.0.0.1", url=LOGIN):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def lead(make_user):
    return make_user("lead-person", Role.DIRECTORATE_LEAD)


def test_wrong_passwords_are_answered_normally_until_the_fifth(client, lead):
    for _ in range(4):
        response = log_in(client, lead.username, "wrong password")
        assert response.status_code == 200
        assert b"enter a correct username and password" in response.content
    assert log_in(client, lead.username, PASSWORD).status_code == 302
    assert logged_in(client)


def test_an_account_is_locked_after_five_failures_even_from_different_addresses(
    client, lead, make_user
):
    for attempt in range(5):
        log_in(client, lead.username, "wrong password", address=f"10.0.1.{attempt}")
    # The right password does not get in while the account is locked ...
    response = log_in(client, lead.username, PASSWORD, address="10.0.2.1")
    assert response.status_code == 429
    assert b"Too many attempts to log in" in response.content
    assert b"15 minutes" in response.content
    assert "the Trust’s IT service desk" in response.content.decode()
    assert not logged_in(client)
    # ... but someone else at the same address logs in as usual.
    make_user("colleague", Role.VIEWER)
    assert log_in(client, "colleague", PASSWORD, address="10.0.1.0").status_code == 302


def test_an_address_is_locked_after_twenty_failures_across_accounts(client, lead):
    for attempt in range(20):
        assert log_in(client, f"guess-{attempt}", "wrong", address="10.9.9.9").status_code in (
            200,
            429,
        )
    assert log_in(client, lead.username, PASSWORD, address="10.9.9.9").status_code == 429
    assert not logged_in(client)
    assert log_in(client, lead.username, PASSWORD, address="10.9.9.10").status_code == 302


def test_the_admin_login_is_throttled_too(client, make_user):
    make_user("administrator", Role.TRUST_ADMINISTRATOR, is_staff=True)
    for _ in range(5):
        log_in(client, "administrator", "wrong password", url=ADMIN_LOGIN)
    response = log_in(client, "administrator", PASSWORD, url=ADMIN_LOGIN)
    assert response.status_code == 429
    assert not logged_in(client)


def test_the_lock_ends_after_fifteen_minutes(client, lead):
    for _ in range(5):
        log_in(client, lead.username, "wrong password")
    assert log_in(client, lead.username, PASSWORD).status_code == 429
    # Trying again while locked does not extend the lock.
    assert log_in(client, lead.username, "wrong password").status_code == 429
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - datetime.timedelta(minutes=16)
    )
    assert log_in(client, lead.username, PASSWORD).status_code == 302


def test_an_administrator_can_unlock_an_account(client, lead):
    for _ in range(5):
        log_in(client, lead.username, "wrong password")
    assert log_in(client, lead.username, PASSWORD).status_code == 429
    call_command("axes_reset_username", lead.username)
    assert log_in(client, lead.username, PASSWORD).status_code == 302


def test_behind_a_proxy_the_client_address_comes_from_x_forwarded_for(client, lead, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for attempt in range(20):
        client.post(
            LOGIN,
            {"username": f"guess-{attempt}", "password": "wrong"},
            REMOTE_ADDR="10.0.0.254",  # the proxy
            HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}, 198.51.100.7",
        )
    # The address locked is the client's as the proxy saw it, not the proxy's, and
    # not the part of the header the client wrote itself.
    blocked = client.post(
        LOGIN,
        {"username": lead.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.254",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert blocked.status_code == 429
    other = client.post(
        LOGIN,
        {"username": lead.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.254",
        HTTP_X_FORWARDED_FOR="198.51.100.8",
    )
    assert other.status_code == 302


def test_passwords_need_twelve_characters():
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Tr0ub4dor&3")
    validate_password("a much longer passphrase")


@pytest.mark.parametrize("url", [LOGIN, ADMIN_LOGIN])
def test_an_over_long_username_is_refused_before_it_reaches_the_lockout_records(client, db, url):
    """Django's login form sets only the box's maxlength, so a 300-character name
    went on to authentication and to axes' 255-character column: on PostgreSQL a
    server error. It is now refused by the form, and counts against nobody."""
    response = log_in(client, "u" * 300, "whatever", url=url)
    assert response.status_code == 200
    assert b"Enter a username of 150 characters or fewer" in response.content
    assert not AccessAttempt.objects.exists()
