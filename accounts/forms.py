"""The login forms (the portal's and the admin's), with the username's length
enforced. Django sets only the box's maxlength attribute, so a longer name typed
by hand or sent by a script reached authentication and the lockout records, whose
column holds 255 characters: on PostgreSQL a server error instead of a refusal.
And the code from an administrator's authenticator app (accounts/mfa.py)."""

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator


class _BoundedUsername:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))
        username.error_messages["max_length"] = (
            f"Enter a username of {username.max_length} characters or fewer"
        )


class LoginForm(_BoundedUsername, AuthenticationForm):
    def confirm_login_allowed(self, user) -> None:
        """With single sign-on on and PASSWORD_LOGIN_ADMINISTRATORS_ONLY, a password
        logs in administrators only (break-glass accounts); others use single sign-on."""
        super().confirm_login_allowed(user)
        from accounts.security_log import log_event
        from accounts.sso import sso_enabled
        from accounts.sso_accounts import is_administrator

        if (
            settings.PASSWORD_LOGIN_ADMINISTRATORS_ONLY
            and sso_enabled()
            and not is_administrator(user)
        ):
            log_event(
                "login_refused",
                request=self.request,
                by=None,
                username=user.get_username(),
                reason="password_login_for_administrators_only",
            )
            raise ValidationError(
                "Log in with your NHS account: usernames and passwords are for administrators only",
                code="single_sign_on_only",
            )


class AdminLoginForm(_BoundedUsername, AdminAuthenticationForm):
    pass


class CodeForm(forms.Form):
    """The 6-digit code an authenticator app shows (spaces allowed, as apps show it)."""

    code = forms.CharField(
        max_length=20,
        error_messages={
            "required": "Enter the 6-digit code from your authenticator app",
            "max_length": "Enter the 6-digit code from your authenticator app",
        },
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (len(code) == 6 and code.isascii() and code.isdigit()):
            raise ValidationError("Enter the code as 6 digits, like 123456")
        return code
