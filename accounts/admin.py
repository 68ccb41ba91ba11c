"""Accounts in the admin. They stay editable until the portal manages users itself,
and every change (roles, staff and superuser flags included) is recorded in the
account's history with who and before/after, and in the security log."""

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
class AccountAdmin(AuditedAdmin, UserAdmin):
    pass


@admin.register(Group)
class RoleGroupAdmin(ReadOnlyMixin, GroupAdmin):
    """The groups are the product's roles (objectives/roles.py), kept in step by
    every migrate: a role is given on the user's page, not by editing the group."""
