"""Accounts in the admin: shown read-only. People are invited, given roles and
deactivated in the portal (/manage/users/, the users app), with a reason and an
audit record; the server's operators use `manage.py add_administrator` for the
first administrator and in an emergency (docs/operations.md)."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.forms import AdminLoginForm
from accounts.models import SignInIdentity
from objectives.admin import AuditedAdmin, ReadOnlyMixin

User = get_user_model()

admin.site.unregister(User)
admin.site.unregister(Group)
# The admin's login refuses over-long names as the portal's does (accounts/forms.py).
admin.site.login_form = AdminLoginForm


@admin.register(User)
class AccountAdmin(ReadOnlyMixin, AuditedAdmin, UserAdmin):
    pass


@admin.register(Group)
class RoleGroupAdmin(ReadOnlyMixin, GroupAdmin):
    """The groups are the product's roles (objectives/roles.py), kept in step by
    every migrate: a role is given on the user's page, not by editing the group."""


# Single sign-on identities and authenticator apps: shown, never changed here. A lost
# app is reset with `manage.py reset_mfa`, which the security log records; a device's
# key is never shown (OTP_ADMIN_HIDE_SENSITIVE_DATA).
admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class AuthenticatorAppAdmin(ReadOnlyMixin, TOTPDeviceAdmin):
    pass


@admin.register(SignInIdentity)
class SignInIdentityAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["user", "issuer", "subject", "linked_at"]
    search_fields = ["user__username", "user__email", "subject"]
