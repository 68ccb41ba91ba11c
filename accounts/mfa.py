"""A second factor for administrators who log in with a password: a TOTP code from an
authenticator app (django-otp), when ADMIN_MFA_REQUIRED is on (production's default).

Who: Trust administrators, staff and superusers. Single sign-on relies on the
Trust's identity provider for its second factor (docs/operations.md), so a session
signed in that way is not asked. Until the code is entered, every page but the
set-up, code and log-out pages sends the administrator to enter it.
"""

import base64
import binascii
import time

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import login as otp_login
from django_otp import verify_token as otp_verify_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from accounts import sso
from accounts.security_log import log_event
from accounts.sso_accounts import is_administrator

DEVICE_NAME = "Authenticator app"
# The key of a device being set up, kept in the session until its first code is right.
SETUP_KEY = "mfa_setup_key"
# Pages an administrator may open before entering a code (view names).
OPEN_BEFORE_VERIFYING = {
    "mfa_verify",
    "mfa_setup",
    "logout",
    "admin:logout",
    "login",
    "oidc_authentication_init",
    "oidc_authentication_callback",
}
# The demo administrator's key when `make run` runs with ADMIN_MFA_REQUIRED on
# (datasets/demo.py): published, so demo only (the demo loader refuses production).
DEMO_KEY = "3132333435363738393031323334353637383930"


def needs_second_factor(request: HttpRequest) -> bool:
    """Whether this session's user must enter a TOTP code before anything else."""
    user = request.user
    return (
        settings.ADMIN_MFA_REQUIRED
        and user.is_authenticated
        and not user.is_verified()
        and request.session.get(BACKEND_SESSION_KEY) != sso.BACKEND
        and is_administrator(user)
    )


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def next_page(request: HttpRequest) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


class SecondFactorRequiredMiddleware:
    """After django-otp's OTPMiddleware: an administrator who has not entered a code
    is sent to enter one (or to set up an app first), then back where they were going."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.ADMIN_MFA_REQUIRED:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_BEFORE_VERIFYING:
            return None
        if not needs_second_factor(request):
            return None
        going_to = request.get_full_path() if request.method == "GET" else ""
        query = f"?{urlencode({'next': going_to})}" if going_to else ""
        return redirect(f"{reverse('mfa_verify')}{query}")


# Setting up -----------------------------------------------------------------


def setup_key(request: HttpRequest) -> str:
    """The hex key of the device being set up, made once and kept in the session (a
    page showing it writes nothing else)."""
    key = request.session.get(SETUP_KEY)
    if not key:
        key = random_hex(20)
        request.session[SETUP_KEY] = key
    return key


def unsaved_device(user, key: str) -> TOTPDevice:
    return TOTPDevice(user=user, name=DEVICE_NAME, key=key)


def key_as_text(key: str) -> str:
    """The key as an authenticator app takes it typed in: base32, in groups of four."""
    encoded = base64.b32encode(binascii.unhexlify(key)).decode().rstrip("=")
    return " ".join(encoded[i : i + 4] for i in range(0, len(encoded), 4))


def qr_code_data_uri(text: str) -> str:
    """A QR code as an SVG data: URI, which the Content-Security-Policy's img-src allows."""
    import segno

    return segno.make(text, error="m").svg_data_uri(scale=5, border=4, dark="#000", light="#fff")


def _matching_step(key: str, code: str) -> int | None:
    """The time step a code is right for (this one, or one either side), or None."""
    totp = TOTP(binascii.unhexlify(key))
    totp.time = time.time()
    if totp.verify(int(code), tolerance=1):
        return totp.t()
    return None


def confirm_setup(request: HttpRequest, code: str) -> TOTPDevice | None:
    """The new device if the code is right for the key being set up (then it is
    saved, confirmed, and this session counts as verified); else None."""
    user = request.user
    key = setup_key(request)
    step = _matching_step(key, code)
    if step is None:
        log_event("mfa_failed", request=request, username=user.get_username(), stage="set-up")
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        # The code just used cannot be used again.
        device = TOTPDevice.objects.create(
            user=user, name=DEVICE_NAME, key=key, confirmed=True, last_t=step
        )
    del request.session[SETUP_KEY]
    _verified(request, device)
    log_event("mfa_device_added", request=request, username=user.get_username())
    return device


# Entering a code ---------------------------------------------------------------


def locked_until(device: TOTPDevice):
    """When the device takes a code again after too many wrong ones, or None."""
    allowed, details = device.verify_is_allowed()
    return None if allowed else details.get("locked_until")


def verify(request: HttpRequest, device: TOTPDevice, code: str) -> bool:
    """Check a code (django-otp throttles: each wrong code doubles the wait)."""
    username = request.user.get_username()
    # django-otp's check locks the device's row, so two guesses at once count as two.
    verified = otp_verify_token(request.user, device.persistent_id, code)
    if verified is not None:
        _verified(request, verified)
        log_event("mfa_verified", request=request, username=username)
        return True
    device.refresh_from_db(fields=["throttling_failure_count", "throttling_failure_timestamp"])
    log_event(
        "mfa_failed",
        request=request,
        username=username,
        stage="verify",
        failures=device.throttling_failure_count,
    )
    return False


def _verified(request: HttpRequest, device: TOTPDevice) -> None:
    # A new session key for the stronger session, as for any login.
    request.session.cycle_key()
    otp_login(request, device)


def reset(user, *, by: str | None = None) -> int:
    """Remove the user's TOTP devices (a lost phone): they set up a new one at their
    next login. Returns how many were removed."""
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    log_event("mfa_reset", by=by, username=user.get_username(), devices_removed=removed)
    return removed


def ensure_demo_device(user) -> TOTPDevice:
    """The demo administrator's device, with the published DEMO_KEY (demo data only)."""
    device, _ = TOTPDevice.objects.update_or_create(
        user=user, name=DEVICE_NAME, defaults={"key": DEMO_KEY, "confirmed": True}
    )
    return device
