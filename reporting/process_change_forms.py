"""Forms for recording, changing and withdrawing a process change, drawn in the
NHS.UK style. They only carry what was typed, bounded as the actions bound it; the
rules live in reporting/actions/process_changes.py."""

import datetime

from django import forms

from objectives.audit import REASON_MAX_LENGTH
from objectives.text import PARAGRAPH, TextField
from okrs import periods
from reporting.models import BASELINE_VALUES_MAX, BASELINE_VALUES_MIN
from web.forms import NhsForm, VersionField

_BASELINE_MESSAGE = (
    f"Enter a number of values from {BASELINE_VALUES_MIN} to {BASELINE_VALUES_MAX}, "
    "or leave it empty"
)


class WholeNumberField(forms.IntegerField):
    """A whole number typed in ASCII digits only: Python would read '１２' or '١٢' as
    12, and a person would not know what was stored."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip() and not value.strip().isascii():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


def _audit_reason(label: str, help_text: str, missing: str) -> TextField:
    return TextField(
        label=label,
        help_text=f"{help_text} It is kept in the audit log "
        f"({REASON_MAX_LENGTH:,} characters or fewer).",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": missing},
    )


class ProcessChangeForm(NhsForm):
    """A process change: from which period, what changed, and any fixed baseline.
    Recording one also names the unit (`units`); a change to one keeps its unit and
    asks why it is changed (`changing=True`)."""

    version = VersionField()
    unit = forms.ModelChoiceField(
        label="Unit",
        queryset=None,
        empty_label="Choose…",
        help_text="Whose chart of this OKR the change applies to.",
        error_messages={
            "required": "Choose the unit whose process changed",
            "invalid_choice": "Choose a unit from the list",
        },
    )
    starts_on = forms.TypedChoiceField(
        label="First period of the changed process",
        coerce=datetime.date.fromisoformat,
        help_text="The limits are recalculated from this period on. Earlier periods keep "
        "the limits they had.",
        error_messages={
            "required": "Choose the period the changed process starts in",
            "invalid_choice": "Choose a period from the list",
        },
    )
    reason = TextField(
        label="What changed in the process",
        max_length=PARAGRAPH,
        help_text="Like ‘New triage pathway opened’ or ‘Counted by episode, not by "
        "patient’. It is shown with the chart in the IPR and the pack.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what changed in the process"},
    )
    baseline_values = WholeNumberField(
        label="Fix the limits on the first values after the change",
        required=False,
        min_value=BASELINE_VALUES_MIN,
        max_value=BASELINE_VALUES_MAX,
        help_text="How many values, from "
        f"{BASELINE_VALUES_MIN} to {BASELINE_VALUES_MAX}. Later values are then judged "
        "against the limits of those first values. Leave empty to recalculate the limits on "
        "every value. Fewer than 12 values give trial limits.",
        error_messages={
            "invalid": _BASELINE_MESSAGE,
            "min_value": _BASELINE_MESSAGE,
            "max_value": _BASELINE_MESSAGE,
        },
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-3", "inputmode": "numeric"}),
    )
    change_reason = _audit_reason(
        "Reason for the change",
        "Why this record is corrected, like ‘The pathway opened a month later’.",
        "Give a reason for this change",
    )

    def __init__(
        self,
        *args,
        spans: list[periods.PeriodSpan],
        units=None,
        changing: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["starts_on"].choices = [
            ("", "Choose…"),
            *((span.starts_on.isoformat(), _span_label(span)) for span in spans),
        ]
        if changing:
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = units
            del self.fields["change_reason"]


def _span_label(span: periods.PeriodSpan) -> str:
    label = periods.period_label(span.frequency, span.starts_on)
    if span.frequency == periods.QUARTERLY:
        return f"{label} (from {span.starts_on:%-d %B %Y})"
    return label


class WithdrawProcessChangeForm(NhsForm):
    version = VersionField()
    reason = _audit_reason(
        "Reason for withdrawing it",
        "Like ‘Recorded for the wrong unit’.",
        "Give a reason for withdrawing it",
    )
