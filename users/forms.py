"""Forms of the users and roles pages, drawn in the NHS.UK style. They carry what
was typed, bounded as the actions bound it; the rules (who may, what an access must
keep, a stale page, the last administrator) live in users/actions.py."""

from django import forms
from django.core.exceptions import ValidationError

from objectives.audit import REASON_MAX_LENGTH
from objectives.roles import Role
from objectives.text import TextField, parse_id
from users import selectors
from users.access import Access, access_problems
from users.actions import EMAIL_MAX_LENGTH, NAME_MAX_LENGTH
from web.forms import NhsForm

ROLE_HINTS = {
    Role.TRUST_ADMINISTRATOR: "maintains the strategy, OKRs, programmes, users and roles",
    Role.EXECUTIVE: "reads everything, and writes and signs the narratives of the "
    "objectives their posts own",
    Role.DIRECTORATE_LEAD: "enters the results of the units ticked below",
    Role.BOARD_SECRETARY: "closes the month, publishes the IPR and exports the Board pack",
    Role.VIEWER: "reads the strategy and the published reports (governors)",
}


class IdsChoice(forms.ModelMultipleChoiceField):
    """Several records chosen by id: an id that cannot be one (not ASCII digits, or too
    long for an id column) is refused before the database is asked."""

    def clean(self, value):
        if isinstance(value, list | tuple):
            for pk in value:
                if parse_id(str(pk)) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": pk},
                    )
        return super().clean(value)


class PostChoice(IdsChoice):
    def label_from_instance(self, post) -> str:
        holders = ", ".join(a.person.full_name for a in post.holders) or "vacant"
        owns = "; ".join(o.short_name or o.title for o in post.objectives)
        return f"{post.title} (held by {holders}{f'; owns {owns}' if owns else ''})"


class ObjectiveChoice(IdsChoice):
    def label_from_instance(self, objective) -> str:
        return f"{objective.number}. {objective.short_name or objective.title}"


def _checkboxes(label: str, **kwargs) -> dict:
    return {"label": label, "required": False, "widget": forms.CheckboxSelectMultiple, **kwargs}


class AccessForm(NhsForm):
    """Who someone is and what they may do: the fields of an invitation and of an
    account's page."""

    first_name = TextField(
        label="First name",
        max_length=NAME_MAX_LENGTH,
        error_messages={"required": "Enter their first name"},
    )
    last_name = TextField(
        label="Last name",
        max_length=NAME_MAX_LENGTH,
        error_messages={"required": "Enter their last name"},
    )
    email = forms.EmailField(
        label="Work e-mail address",
        help_text="Their NHSmail or Trust address: they log in with it.",
        max_length=EMAIL_MAX_LENGTH,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": "Enter their work e-mail address",
            "invalid": "Enter an e-mail address in the right format, like name@nhs.net",
            "max_length": f"Enter an e-mail address of {EMAIL_MAX_LENGTH} characters or fewer",
        },
    )
    roles = forms.MultipleChoiceField(
        **_checkboxes(
            "Roles",
            choices=[(role.value, f"{role.label}: {ROLE_HINTS[role]}") for role in Role],
            error_messages={"invalid_choice": "Choose roles from the list"},
        )
    )
    units = IdsChoice(
        **_checkboxes(
            "Units they enter results for",
            help_text="For a directorate lead.",
            queryset=None,
            error_messages={
                "invalid_choice": "Choose units from the list",
                "invalid_pk_value": "Choose units from the list",
            },
        )
    )
    posts = PostChoice(
        **_checkboxes(
            "Executive posts they hold",
            help_text="For an executive: a post owns the objectives named beside it. Ticking "
            "one gives it from today; unticking ends it.",
            queryset=None,
            error_messages={
                "invalid_choice": "Choose posts from the list",
                "invalid_pk_value": "Choose posts from the list",
            },
        )
    )
    narratives = ObjectiveChoice(
        **_checkboxes(
            "Objectives whose narratives they draft",
            help_text="As a delegate of the executive who signs them.",
            queryset=None,
            error_messages={
                "invalid_choice": "Choose objectives from the list",
                "invalid_pk_value": "Choose objectives from the list",
            },
        )
    )
    drafts_summary = forms.BooleanField(
        label="They draft the month’s overall summary for the Chief Executive",
        required=False,
    )
    reason = TextField(
        label="Reason",
        help_text=f"Kept in the audit log ({REASON_MAX_LENGTH:,} characters or fewer), "
        "for example the request or ticket that asked for it.",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Give a reason for this change"},
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = selectors.unit_choices(today=today)
        self.fields["posts"].queryset = selectors.post_choices(today=today)
        self.fields["narratives"].queryset = selectors.objective_choices()

    def clean(self):
        """The rules an access must keep, beside their fields with the rest (the action
        checks them again, with what only the database knows)."""
        cleaned = super().clean()
        names = ("roles", "units", "posts", "narratives", "drafts_summary")
        if all(name in cleaned for name in names):
            access = self.access()
            if not access.roles and self.needs_a_role:
                self.add_error("roles", "Choose at least one role")
            for field, message in access_problems(access).items():
                self.add_error(field, message)
        return cleaned

    # An invitation gives at least one role; an account's page may take them all away.
    needs_a_role = True

    def access(self) -> Access:
        data = self.cleaned_data
        return Access(
            roles=frozenset(data["roles"]),
            units=frozenset(unit.pk for unit in data["units"]),
            posts=frozenset(post.pk for post in data["posts"]),
            narratives=frozenset(objective.pk for objective in data["narratives"]),
            drafts_summary=data["drafts_summary"],
        )


def access_initial(user, access: Access) -> dict:
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "roles": sorted(access.roles),
        "units": sorted(access.units),
        "posts": sorted(access.posts),
        "narratives": sorted(access.narratives),
        "drafts_summary": access.drafts_summary,
    }


class StateField(forms.CharField):
    """The state of the account the page showed (users.access.state_token)."""

    def __init__(self):
        super().__init__(max_length=64, required=False, widget=forms.HiddenInput)


class AccountForm(AccessForm):
    state = StateField()
    needs_a_role = False


class StatusForm(NhsForm):
    """Deactivating or reactivating an account: the reason, and the state seen."""

    state = StateField()
    reason = TextField(
        label="Reason",
        help_text=f"Kept in the audit log ({REASON_MAX_LENGTH:,} characters or fewer).",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Give a reason for this change"},
    )


class UserFiltersForm(NhsForm):
    """The list's filters, from the query string: anything not on the lists is ignored."""

    role = forms.ChoiceField(
        label="Role",
        required=False,
        choices=[("", "Any role"), *Role.choices, (selectors.NO_ROLE, "No role yet")],
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any"), *selectors.STATUSES.items()]
    )
    search = forms.CharField(
        label="Name or e-mail contains",
        required=False,
        max_length=selectors.SEARCH_MAX_LENGTH,
    )

    def filters(self) -> selectors.UserFilters:
        if not self.is_valid():
            return selectors.UserFilters()
        return selectors.UserFilters(**self.cleaned_data)
