"""Forms for confirming or changing a rating rule, drawn in the NHS.UK style. They
only carry what was typed, bounded as the actions bound it; the rules live in
reporting/actions/rating_rules.py. Each carries what its page showed of the rule
(`seen`), so the action can tell whether someone changed it in the meantime."""

from django import forms

from objectives.models import StrategicObjective
from okrs.forms.maintenance import NumberField, reason_field
from okrs.models import KeyResult
from reporting.actions.rating_rules import AMBER_PERIODS_BOUNDS
from reporting.process_change_forms import WholeNumberField
from reporting.rag import CombinationMethod
from web.forms import NhsForm

_LOW, _HIGH = AMBER_PERIODS_BOUNDS
_OUT_OF_DATE = "This page is out of date: open the rule again, then confirm it"
_REASON_HINT = "Why, like ‘Agreed by the Board on 3 December 2026’."


class _RuleForm(NhsForm):
    seen = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)

    def clean_seen(self) -> str:
        seen = self.cleaned_data.get("seen") or ""
        if not seen:
            raise forms.ValidationError(_OUT_OF_DATE)
        return seen


def _threshold(label: str, help_text: str) -> NumberField:
    message = "Enter a points average from 1 to 3, like 2.5"
    return NumberField(
        label=label,
        required=False,
        max_digits=3,
        decimal_places=2,
        min_value=1,
        max_value=3,
        help_text=help_text,
        error_messages={
            "invalid": message,
            "min_value": message,
            "max_value": message,
            "max_digits": message,
            "max_whole_digits": message,
            "max_decimal_places": "Enter a points average with at most 2 decimal places",
        },
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-4", "inputmode": "decimal"}),
    )


class ExceptionRuleForm(_RuleForm):
    amber_periods = WholeNumberField(
        label="Periods rated Amber running",
        min_value=_LOW,
        max_value=_HIGH,
        help_text=f"A value rated Amber this many periods one after another ({_LOW} to {_HIGH}) "
        "is one of the Board's exceptions, as every Red is.",
        error_messages={
            "required": f"Enter a number of periods from {_LOW} to {_HIGH}",
            "invalid": f"Enter a whole number of periods from {_LOW} to {_HIGH}",
            "min_value": f"Enter a number of periods from {_LOW} to {_HIGH}",
            "max_value": f"Enter a number of periods from {_LOW} to {_HIGH}",
        },
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-2", "inputmode": "numeric"}),
    )
    reason = reason_field(_REASON_HINT)


class RatingRuleForm(_RuleForm):
    method = forms.ChoiceField(
        label="How the OKR ratings combine",
        choices=StrategicObjective._meta.get_field("rating_method").choices,
        error_messages={
            "required": "Choose how the OKR ratings combine",
            "invalid_choice": "Choose how the OKR ratings combine from the list",
        },
    )
    green_from = _threshold(
        "Green from", "With the average of points: the average from which a unit is Green."
    )
    amber_from = _threshold(
        "Amber from", "With the average of points: the average from which it is Amber (below: Red)."
    )
    reason = reason_field(_REASON_HINT)

    def clean(self):
        data = super().clean()
        if data.get("method") == CombinationMethod.POINTS_AVERAGE:
            for name in ("green_from", "amber_from"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, "Enter a points average from 1 to 3, like 2.5")
        return data


class ToleranceForm(_RuleForm):
    tolerance = NumberField(
        max_digits=10,
        decimal_places=4,
        min_value=0,
        help_text="How far a value may miss its target and be Amber (and need a comment) "
        "rather than Red. 0 means any miss is Red.",
        error_messages={
            "required": "Enter a tolerance of 0 or more",
            "invalid": "Enter the tolerance as a number",
            "min_value": "Enter a tolerance of 0 or more",
            "max_digits": "Enter a tolerance below 1,000,000",
            "max_whole_digits": "Enter a tolerance below 1,000,000",
            "max_decimal_places": "Enter a tolerance with at most 4 decimal places",
        },
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-5", "inputmode": "decimal"}),
    )
    tolerance_kind = forms.ChoiceField(
        label="Tolerance is",
        choices=KeyResult._meta.get_field("tolerance_kind").choices,
        error_messages={
            "required": "Choose how the tolerance is measured",
            "invalid_choice": "Choose how the tolerance is measured from the list",
        },
    )
    reason = reason_field(_REASON_HINT)


class DefinitionForm(_RuleForm):
    """Confirming an OKR's definition as it is: only the reason is typed."""

    reason = reason_field(_REASON_HINT)
