"""Accounts in the admin: shown read-only. People are invited, given roles and
deactivated in the portal (/manage/users/, the users app), with a reason and an
audit record; the server's operators use `manage.py add_administrator` for the
first administrator and in an emergency (docs/operations.md)."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from accounts.forms import AdminLoginForm
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
