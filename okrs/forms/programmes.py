"""Forms for setting out a programme and for its lead's monthly report, drawn in
the NHS.UK style. They carry what was typed, bounded as the actions bound it; the
rules (who may, what is unique, a stale page) live in okrs/actions/programmes.py."""

from django import forms

from objectives.audit import REASON_MAX_LENGTH
from objectives.text import PARAGRAPH, SHORT_TEXT, TextField
from okrs.actions.programmes import MAX_POUNDS, UPDATE_RATINGS
from okrs.forms.maintenance import NumberField
from web.forms import NhsForm, VersionField


class FocusAreaChoice(forms.ModelChoiceField):
    def label_from_instance(self, focus_area) -> str:
        objective = focus_area.objective
        return f"{objective.short_name or objective.title}: {focus_area.title}"


class ProgrammeForm(NhsForm):
    version = VersionField()
    title = TextField(
        label="Programme",
        max_length=SHORT_TEXT,
        error_messages={"required": "Enter the programme's name"},
    )
    focus_area = FocusAreaChoice(
        label="Key focus area it delivers",
        queryset=None,
        empty_label="Choose…",
        widget=forms.Select(attrs={"class": "nhsuk-u-width-full"}),
        error_messages={
            "required": "Choose the focus area it delivers",
            "invalid_choice": "Choose a focus area from the list",
        },
    )
    unit = forms.ModelChoiceField(
        label="Directorate",
        help_text="For a programme one directorate delivers, such as its cost improvement "
        "programme.",
        queryset=None,
        required=False,
        empty_label="The whole Trust",
        error_messages={"invalid_choice": "Choose a directorate from the list"},
    )
    lead = forms.ModelChoiceField(
        label="Programme lead",
        help_text="Reports its rating and progress each month.",
        queryset=None,
        required=False,
        empty_label="Not recorded",
        error_messages={"invalid_choice": "Choose a person from the list"},
    )
    reason = TextField(
        label="Reason for the change",
        help_text=f"Kept in the audit log ({REASON_MAX_LENGTH} characters or fewer).",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Give a reason for this change"},
    )

    def __init__(self, *args, focus_areas, people, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["focus_area"].queryset = focus_areas
        self.fields["lead"].queryset = people
        self.fields["unit"].queryset = units


def _pounds(label: str) -> NumberField:
    message = "Enter an amount in pounds from 0 to under £1,000,000,000, like 125000"
    return NumberField(
        label=label,
        help_text="In pounds, for a cost improvement programme; leave empty otherwise.",
        required=False,
        min_value=0,
        max_value=MAX_POUNDS - 1,
        max_digits=14,
        decimal_places=2,
        error_messages={
            "invalid": message,
            "min_value": message,
            "max_value": message,
            "max_digits": message,
            "max_whole_digits": message,
            "max_decimal_places": "Enter pounds and pence with at most 2 decimal places",
        },
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10", "inputmode": "decimal"}),
    )


class ProgrammeReportForm(NhsForm):
    version = VersionField()
    rag = forms.ChoiceField(
        label="Rating for the month",
        help_text="Green: on track. Amber: at risk, with a recovery plan. Red: off track. "
        "Blue: delivered.",
        choices=[(rag.value, rag.label) for rag in UPDATE_RATINGS],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the programme's rating",
            "invalid_choice": "Choose the programme's rating",
        },
    )
    progress = TextField(
        label="Progress",
        help_text="What was done this month, what is next, and any risk to delivery.",
        max_length=PARAGRAPH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Say how the programme is progressing"},
    )
    cip_planned = _pounds("Cost improvement planned for the month")
    cip_delivered = _pounds("Cost improvement delivered in the month")

    def clean(self):
        data = super().clean()
        planned, delivered = data.get("cip_planned"), data.get("cip_delivered")
        if (planned is None) != (delivered is None) and not self.errors:
            missing = "cip_planned" if planned is None else "cip_delivered"
            self.add_error(missing, "Give both what was planned and what was delivered, or neither")
        return data
