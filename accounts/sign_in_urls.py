"""Logging in and out, single sign-on and an administrator's second factor. Included
at the root without a namespace: "login" and "logout" are Django's names for them,
and mozilla-django-oidc reverses its callback by its own name."""

from django.urls import path

from accounts import sign_in_views

urlpatterns = [
    path("accounts/login/", sign_in_views.LoginPage.as_view(), name="login"),
    path("accounts/logout/", sign_in_views.LogoutPage.as_view(), name="logout"),
    path("accounts/no-access/", sign_in_views.no_access, name="no_access"),
    path("accounts/verify/", sign_in_views.verify_code, name="mfa_verify"),
    path("accounts/verify/set-up/", sign_in_views.set_up_app, name="mfa_setup"),
    path(
        "oidc/authenticate/",
        sign_in_views.StartSignIn.as_view(),
        name="oidc_authentication_init",
    ),
    path(
        "oidc/callback/",
        sign_in_views.FinishSignIn.as_view(),
        name="oidc_authentication_callback",
    ),
]
