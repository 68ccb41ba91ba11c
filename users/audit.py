"""Accounts, people and executive posts in the audit log, beside results and OKRs:
who gave whom which role, unit or post, who deactivated an account, and why."""

from django.contrib.auth import get_user_model

from objectives.models import Person, RoleAssignment


def _account(record) -> str:
    name = f"{record.first_name} {record.last_name}".strip()
    return f"{name} ({record.username})" if name else record.username


def add_audit_kinds() -> None:
    from okrs.selectors.audit_log import add_kind

    add_kind(
        name="account",
        label="Account",
        model=get_user_model(),
        fields=[
            ("first_name", "First name"),
            ("last_name", "Last name"),
            ("email", "E-mail"),
            ("is_active", "Can log in"),
            ("is_staff", "Opens the Django admin"),
            ("is_superuser", "Superuser"),
        ],
        related=(),
        okr_lookup=None,
        subject=_account,
        m2m=(("groups", "Roles"),),
    )
    add_kind(
        name="person",
        label="Person",
        model=Person,
        fields=[("full_name", "Name"), ("email", "E-mail"), ("user", "Account")],
        related=("user",),
        okr_lookup=None,
        subject=lambda record: record.full_name,
        m2m=(("lead_for_units", "Leads units"),),
    )
    add_kind(
        name="executive_post",
        label="Executive post",
        model=RoleAssignment,
        fields=[
            ("role", "Post"),
            ("person", "Held by"),
            ("starts_on", "From"),
            ("ends_on", "Until"),
        ],
        related=("role", "person"),
        okr_lookup=None,
        subject=lambda record: f"{record.person} – {record.role}",
    )
