"""Forms of the Trust administrator's pages for API clients, drawn in the NHS.UK
style. They carry what was typed, bounded as the action bounds it; the rules (who
may, a name used once, a person with an active account, a stale page) live in
api/actions.py."""

from django import forms
from django.core.exceptions import ValidationError

from api import selectors
from api.models import NAME_MAX_LENGTH
from objectives.audit import REASON_MAX_LENGTH
from objectives.text import PARAGRAPH, TextField, parse_id
from users.forms import IdsChoice
from web.forms import NhsForm, VersionField

READ = "read"
READ_AND_WRITE = "write"
ACCESS_CHOICES = [
    (READ, "Read only: the strategy, OKRs, units, periods, results and published reports"),
    (
        READ_AND_WRITE,
        "Read and write: also enters its units’ results, in each period’s entry window, "
        "as their lead would",
    ),
]


class PersonChoice(forms.ModelChoiceField):
    """One account chosen by id: an id that cannot be one is refused before the
    database is asked."""

    def to_python(self, value):
        if value not in self.empty_values and parse_id(str(value)) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)

    def label_from_instance(self, user) -> str:
        name = user.get_full_name() or user.username
        contact = user.email or user.username
        return name if contact == name else f"{name} ({contact})"


class UnitChoice(IdsChoice):
    def label_from_instance(self, unit) -> str:
        if unit.active_to is not None:
            ended = unit.active_to
            return f"{unit.short_name} (until {ended.day} {ended:%B %Y})"
        return unit.short_name


class ReasonField(TextField):
    def __init__(self):
        super().__init__(
            label="Reason",
            help_text=f"Kept in the audit log ({REASON_MAX_LENGTH:,} characters or fewer), "
            "for example the request or ticket that asked for it.",
            max_length=REASON_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 2}),
            error_messages={"required": "Give a reason for this change"},
        )


class ClientForm(NhsForm):
    """A new client: what it is, who answers for it, and what it may do."""

    name = TextField(
        label="Name",
        help_text="The system that will call the API, as people here know it, for "
        "example “Data warehouse loader”.",
        max_length=NAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": "Enter a name for the client"},
    )
    purpose = TextField(
        label="What it is for",
        help_text="What the system does with the portal’s data, and for whom.",
        max_length=PARAGRAPH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what the client is for"},
    )
    responsible = PersonChoice(
        label="Person responsible for it",
        help_text="Answers for what the client does: whoever runs the system.",
        queryset=None,
        empty_label="Choose a person",
        error_messages={
            "required": "Choose the person responsible for the client",
            "invalid_choice": "Choose a person from the list",
        },
    )
    units = UnitChoice(
        label="Units whose results it reads (or writes)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        queryset=None,
        error_messages={
            "invalid_choice": "Choose units from the list",
            "invalid_pk_value": "Choose units from the list",
        },
    )
    all_units = forms.BooleanField(
        label="All units, and any added later",
        help_text="Instead of the units ticked above.",
        required=False,
    )
    access = forms.ChoiceField(
        label="What it may do",
        choices=ACCESS_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what the client may do",
            "invalid_choice": "Choose what the client may do",
        },
    )
    reason = ReasonField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = selectors.responsible_people()
        self.fields["units"].queryset = selectors.client_units()

    def clean(self):
        cleaned = super().clean()
        if "units" in cleaned and not cleaned["units"] and not cleaned.get("all_units"):
            self.add_error("units", "Choose the units the client is for, or all units")
        return cleaned

    @property
    def can_write(self) -> bool:
        return self.cleaned_data["access"] == READ_AND_WRITE


class RevokeForm(NhsForm):
    """Revoking a client: the reason, and the version the page showed."""

    version = VersionField()
    reason = ReasonField()
