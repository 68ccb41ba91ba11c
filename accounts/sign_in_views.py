"""Logging in and out: the login page (password, and single sign-on when configured),
single sign-on's start and callback, the page for an account without a role, and an
administrator's second factor (setting up an authenticator app, entering its code)."""

import requests
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.views import View
from django.views.decorators.cache import never_cache
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from accounts import mfa, sso
from accounts.forms import CodeForm, LoginForm
from accounts.security_log import log_event
from accounts.sso_accounts import SignInRefused

# Bound what a provider's answers put in the security log.
_ERROR_MAX = 100
_DETAIL_MAX = 300


def _has_a_role(user) -> bool:
    return user.has_perm("portal.view_strategy")


def _after_sign_in(request: HttpRequest, wanted: str | None) -> str:
    """Where someone goes once signed in: the page for an account without a role,
    else where they were going (the dashboard by default)."""
    if not _has_a_role(request.user):
        return reverse("no_access")
    return wanted or reverse(settings.LOGIN_REDIRECT_URL)


class LoginPage(auth_views.LoginView):
    authentication_form = LoginForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        enabled = sso.sso_enabled()
        query = f"?{urlencode({'next': context['next']})}" if context.get("next") else ""
        context.update(
            sso_enabled=enabled,
            sso_url=f"{reverse('oidc_authentication_init')}{query}" if enabled else "",
            password_for_administrators_only=enabled
            and settings.PASSWORD_LOGIN_ADMINISTRATORS_ONLY,
        )
        return context

    def get_success_url(self) -> str:
        return _after_sign_in(self.request, self.get_redirect_url())


class LogoutPage(auth_views.LogoutView):
    """Ends the portal's session (POST only) and, after single sign-on, sends the
    browser to the provider's end-session page so that its session ends too."""

    def post(self, request, *args, **kwargs):
        provider_logout = sso.end_session_url(request)
        response = super().post(request, *args, **kwargs)
        if provider_logout:
            return HttpResponseRedirect(provider_logout)
        return response


@never_cache
def no_access(request: HttpRequest) -> HttpResponse:
    """Signed in, but no role yet: whom to ask, and nothing else."""
    if _has_a_role(request.user):
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/sign_in/no_access.html")


# Single sign-on ------------------------------------------------------------------


def _refused(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(
        request,
        "accounts/sign_in/refused.html",
        {"message": message},
        status=status,
    )


def _unavailable(request: HttpRequest, error: Exception) -> HttpResponse:
    log_event(
        "sso_failed",
        request=request,
        by=None,
        reason="provider_unavailable",
        detail=str(error)[:_DETAIL_MAX],
    )
    return _refused(
        request,
        "The NHS sign-in service did not answer. Try again in a few minutes.",
        status=503,
    )


@method_decorator([login_not_required, never_cache], name="dispatch")
class StartSignIn(OIDCAuthenticationRequestView):
    """Sends the browser to the provider to sign in (state, nonce and PKCE kept in the
    session by mozilla-django-oidc)."""

    def get(self, request):
        if not sso.sso_enabled():
            raise Http404("Single sign-on is not configured.")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = sso.provider().authorization_endpoint
        except sso.ProviderUnavailable as error:
            return _unavailable(request, error)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


@method_decorator([login_not_required, never_cache], name="dispatch")
class FinishSignIn(View):
    """The provider's redirect back (mozilla-django-oidc's callback, with refusals
    explained to the person rather than a silent redirect)."""

    http_method_names = ["get"]

    def get(self, request):
        if not sso.sso_enabled():
            raise Http404("Single sign-on is not configured.")
        states = request.session.get("oidc_states")
        state = request.GET.get("state", "")
        if request.GET.get("error"):
            if isinstance(states, dict) and state in states:
                del states[state]
                request.session.modified = True
            error = request.GET["error"][:_ERROR_MAX]
            log_event("sso_refused", request=request, by=None, reason="provider_error", error=error)
            return _refused(
                request,
                "You were not logged in: the NHS sign-in service did not confirm who you are, "
                "or the login was cancelled.",
                403,
            )
        if not (isinstance(states, dict) and state in states and request.GET.get("code")):
            log_event("sso_refused", request=request, by=None, reason="unknown_state")
            return _refused(request, "This login has expired or was used already. Try again.", 400)
        # Used once: a replayed response finds no state.
        started = states.pop(state)
        request.session.modified = True
        request.session.save()
        # Read the session afresh after talking to the provider (the library's way of
        # not losing what another tab wrote meanwhile).
        request.session = request.session.__class__(request.session.session_key)
        try:
            user = sso.SignInBackend().authenticate(
                request,
                oidc_callback=True,
                nonce=started.get("nonce"),
                code_verifier=started.get("code_verifier"),
            )
        except SignInRefused as refusal:
            return _refused(request, refusal.message, 403)
        except SuspiciousOperation as error:
            log_event(
                "sso_refused",
                request=request,
                by=None,
                reason="invalid_token",
                detail=str(error)[:_DETAIL_MAX],
            )
            return _refused(request, "Your login could not be checked. Try again.", 400)
        except requests.HTTPError as error:
            # The provider answered, refusing the code (used already, or for another client).
            log_event(
                "sso_refused",
                request=request,
                by=None,
                reason="code_refused",
                detail=str(error)[:_DETAIL_MAX],
            )
            return _refused(request, "Your login could not be checked. Try again.", 400)
        except (requests.RequestException, sso.ProviderUnavailable) as error:
            return _unavailable(request, error)
        if user is None or not user.is_active:
            log_event("sso_refused", request=request, by=None, reason="no_account")
            return _refused(request, "Your login could not be checked. Try again.", 400)
        wanted = request.session.get("oidc_login_next")
        id_token = request.session.get("oidc_id_token")
        user.backend = sso.BACKEND
        auth.login(request, user)
        if id_token:
            # Kept to end the provider's session at logout (login may start a new session).
            request.session["oidc_id_token"] = id_token
        return redirect(_after_sign_in(request, wanted))


# An administrator's second factor -------------------------------------------------


def _code_page(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    return render(
        request,
        template,
        {**context, "next": mfa.next_page(request), "hide_navigation": True},
        status=status,
    )


@never_cache
def verify_code(request: HttpRequest) -> HttpResponse:
    """Enter the code from the authenticator app (after logging in with a password)."""
    if not mfa.needs_second_factor(request):
        return redirect(mfa.next_page(request))
    device = mfa.confirmed_device(request.user)
    if device is None:
        return redirect(f"{reverse('mfa_setup')}?{urlencode({'next': mfa.next_page(request)})}")
    form = CodeForm(request.POST or None)
    locked_until = mfa.locked_until(device)
    if request.method == "POST" and locked_until is None and form.is_valid():
        if mfa.verify(request, device, form.cleaned_data["code"]):
            return redirect(mfa.next_page(request))
        form.add_error(
            "code",
            "The code is not right. Enter the code the app shows now (it changes every 30 seconds)",
        )
    elif request.method == "POST" and locked_until is not None:
        log_event(
            "mfa_throttled",
            request=request,
            username=request.user.get_username(),
            locked_until=locked_until,
        )
    return _code_page(
        request,
        "accounts/sign_in/verify.html",
        {"form": form, "locked_until": locked_until},
        status=200 if locked_until is None or request.method == "GET" else 429,
    )


@never_cache
def set_up_app(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: its key as a QR code and as text, then its first code."""
    if not mfa.needs_second_factor(request):
        return redirect(mfa.next_page(request))
    if mfa.confirmed_device(request.user) is not None:
        return redirect(f"{reverse('mfa_verify')}?{urlencode({'next': mfa.next_page(request)})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if mfa.confirm_setup(request, form.cleaned_data["code"]):
            messages.success(request, "Your authenticator app is set up.")
            return redirect(mfa.next_page(request))
        form.add_error(
            "code",
            "The code is not right. Check that the app shows the Strategy Portal, and "
            "enter the code it shows now",
        )
    key = mfa.setup_key(request)
    device = mfa.unsaved_device(request.user, key)
    return _code_page(
        request,
        "accounts/sign_in/set_up.html",
        {
            "form": form,
            "key_text": mfa.key_as_text(key),
            "qr_code": mfa.qr_code_data_uri(device.config_url),
            "account_name": f"{settings.OTP_TOTP_ISSUER}: {request.user.get_username()}",
        },
    )
