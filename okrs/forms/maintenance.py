"""Forms for maintaining OKRs and filtering the audit log, drawn in the NHS.UK style.

They only carry what was typed. The rules live in the actions (okrs/actions/);
a refusal comes back as a ValidationError keyed by argument name, which
`web.forms.add_action_errors` puts back on the field of the same name, so the page shows
every message beside its field and keeps every value the person typed.

One module although over 450 lines: the maintenance pages' forms share the OKR's
definition fields (adding and replacing an OKR), the number field and the reason
field; the trajectory form, which stands apart, has its own module.
"""

import datetime
from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from objectives.models import ExecutiveRole, KeyFocusArea, OrganisationalUnit
from objectives.text import PARAGRAPH, SHORT_TEXT, TextField
from okrs import periods
from okrs.actions import REASON_MAX_LENGTH, KeyResultDefinition, key_result_code_problem
from okrs.formatting import plain_number
from okrs.models import Direction, Frequency, KeyResult, Measure, TrustValue
from okrs.validation import parse_number
from web.forms import NhsForm


class NumberField(forms.DecimalField):
    """A number as people type it: '95', '95%', '£1,200' or '−10' (okrs.validation)."""

    def to_python(self, value):
        if isinstance(value, str):
            try:
                parsed = parse_number(value)
            except ValueError as error:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from error
            value = "" if parsed is None else str(parsed)
        return super().to_python(value)


def reason_field(help_text: str) -> forms.CharField:
    return TextField(
        label="Reason for the change",
        help_text=f"{help_text} It is kept in the audit log ({REASON_MAX_LENGTH} characters or "
        "fewer).",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "Give a reason for this change",
            "max_length": f"Give a reason of {REASON_MAX_LENGTH} characters or fewer",
        },
    )


def _choices_with_blank(choices) -> list[tuple[str, str]]:
    return [("", "Choose…"), *choices]


class KeyResultDefinitionForm(NhsForm):
    """What a new OKR needs: its definition and first target. Shared by adding an
    OKR and by replacing an achieved one."""

    code = forms.CharField(
        max_length=50,
        help_text="A short name for links, in lower-case letters, numbers and hyphens, "
        "like quality-cccs-training. It cannot be changed later.",
        error_messages={"required": "Enter a code"},
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-20", "spellcheck": "false"}),
    )
    statement = TextField(
        label="OKR",
        max_length=400,
        help_text="As the Trust wrote it, like ‘We will achieve 95% compliance in CCCS training’.",
        error_messages={"required": "Enter the OKR as the Trust wrote it"},
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    measure = forms.ChoiceField(
        label="Unit of measure",
        choices=_choices_with_blank(Measure.choices),
        error_messages={"required": "Choose the unit of measure"},
    )
    direction = forms.ChoiceField(
        label="Direction of good",
        choices=_choices_with_blank(Direction.choices),
        error_messages={"required": "Choose whether higher or lower is better"},
    )
    frequency = forms.ChoiceField(
        label="Reported",
        choices=_choices_with_blank(Frequency.choices),
        error_messages={"required": "Choose how often it is reported"},
    )
    target = NumberField(
        max_digits=14,
        decimal_places=4,
        help_text="A number, like 95 for 95% or −10 for a 10% reduction.",
        error_messages={"required": "Enter the target", "invalid": "Enter the target as a number"},
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10", "inputmode": "decimal"}),
    )
    target_from = forms.DateField(
        label="Target applies from",
        help_text="Usually the first day of a reporting period, like 1 April 2025.",
        error_messages={
            "required": "Enter the date the target applies from",
            "invalid": "Enter a real date",
        },
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    tolerance = NumberField(
        max_digits=10,
        decimal_places=4,
        min_value=0,
        initial=0,
        help_text="How far a value may miss the target before it needs a comment and is "
        "rated Red rather than Amber.",
        error_messages={
            "required": "Enter a tolerance of 0 or more",
            "invalid": "Enter the tolerance as a number",
            "min_value": "Enter a tolerance of 0 or more",
        },
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-5", "inputmode": "decimal"}),
    )
    tolerance_kind = forms.ChoiceField(
        label="Tolerance is",
        choices=KeyResult._meta.get_field("tolerance_kind").choices,
        initial="absolute",
        error_messages={"required": "Choose how the tolerance is measured"},
    )
    decimal_places = forms.IntegerField(
        min_value=0,
        max_value=4,
        initial=1,
        help_text="How many decimal places a value may have (0 to 4).",
        error_messages={
            "required": "Enter a number of decimal places from 0 to 4",
            "invalid": "Enter a number of decimal places from 0 to 4",
            "min_value": "Enter a number of decimal places from 0 to 4",
            "max_value": "Enter a number of decimal places from 0 to 4",
        },
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-2", "inputmode": "numeric"}),
    )
    trust_value = forms.ChoiceField(
        label="The Trust's value",
        choices=TrustValue.choices,
        initial=TrustValue.ENTERED,
        help_text="Entered for the Trust like a directorate's value, or worked out from the "
        "directorates' values once every directorate has given one, and then never typed.",
        # Left out, it is entered (as before the Trust's value could be worked out).
        required=False,
    )
    ratio_scale = NumberField(
        label="Scale",
        required=False,
        max_digits=10,
        decimal_places=2,
        help_text="With numerators and denominators: the value is numerator ÷ denominator × "
        "this, like 100 for a percentage or 1,000 for a rate per 1,000.",
        error_messages={"invalid": "Enter the scale as a number, like 100"},
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10", "inputmode": "decimal"}),
    )
    numerator_label = forms.CharField(
        label="What the numerator counts",
        required=False,
        max_length=100,
        help_text="With numerators and denominators, like ‘Staff trained’.",
        error_messages={"max_length": "Keep it to 100 characters or fewer"},
    )
    denominator_label = forms.CharField(
        label="What the denominator counts",
        required=False,
        max_length=100,
        help_text="Like ‘Staff required to train’.",
        error_messages={"max_length": "Keep it to 100 characters or fewer"},
    )
    lowest_value = NumberField(
        label="Lowest plausible value (optional)",
        required=False,
        max_digits=14,
        decimal_places=4,
        help_text="Only if values can go below the measure's usual lowest "
        "(0, or −100% for a percentage change), like −100 for a net promoter score.",
        error_messages={"invalid": "Enter the lowest value as a number"},
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10", "inputmode": "decimal"}),
    )
    highest_value = NumberField(
        label="Highest plausible value (optional)",
        required=False,
        max_digits=14,
        decimal_places=4,
        help_text="Only if values can go above the measure's usual highest "
        "(100 for a percentage), like 150 for a ratio that can pass 100%.",
        error_messages={"invalid": "Enter the highest value as a number"},
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10", "inputmode": "decimal"}),
    )
    owner_role = forms.ModelChoiceField(
        label="Executive owner",
        queryset=ExecutiveRole.objects.order_by("title"),
        required=False,
        empty_label="No owner yet",
        help_text="The executive role that owns it. Leave empty if not decided: it shows as a gap.",
    )
    calculation = TextField(
        max_length=PARAGRAPH,
        label="How it is calculated",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    data_source = TextField(label="Data source", required=False, max_length=SHORT_TEXT)
    target_rationale = TextField(
        max_length=PARAGRAPH,
        label="Where the target comes from",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_code(self) -> str:
        # The action checks this too; asking here puts it beside the other problems.
        code = self.cleaned_data["code"]
        if problem := key_result_code_problem(code):
            raise ValidationError(problem)
        return code

    DEFINITION_FIELDS = [
        "code",
        "statement",
        "measure",
        "direction",
        "frequency",
        "target",
        "target_from",
        "tolerance",
        "tolerance_kind",
        "decimal_places",
        "trust_value",
        "ratio_scale",
        "numerator_label",
        "denominator_label",
        "lowest_value",
        "highest_value",
        "owner_role",
        "calculation",
        "data_source",
        "target_rationale",
    ]

    def clean_trust_value(self) -> str:
        return self.cleaned_data["trust_value"] or TrustValue.ENTERED

    def clean_ratio_scale(self):
        scale = self.cleaned_data["ratio_scale"]
        return Decimal(100) if scale is None else scale

    def definition(self) -> KeyResultDefinition:
        """The new OKR's definition, for the action."""
        return KeyResultDefinition(
            **{name: self.cleaned_data[name] for name in self.DEFINITION_FIELDS}
        )


class AddKeyResultForm(KeyResultDefinitionForm):
    focus_area = forms.ModelChoiceField(
        label="Key focus area",
        queryset=KeyFocusArea.objects.none(),
        empty_label="Choose…",
        error_messages={"required": "Choose the key focus area it measures"},
    )
    reason = reason_field("Why it is added, like ‘Agreed at the Board on 3 June’.")

    field_order = ["focus_area", *KeyResultDefinitionForm.DEFINITION_FIELDS, "reason"]

    def __init__(self, *args, focus_areas, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["focus_area"]
        field.queryset = focus_areas
        field.label_from_instance = lambda area: (
            f"{area.objective.short_name or area.objective}: {area.title}"
        )


class ReplaceKeyResultForm(KeyResultDefinitionForm):
    reason = reason_field("Why it is achieved and what replaces it.")

    field_order = [*KeyResultDefinitionForm.DEFINITION_FIELDS, "reason"]

    @classmethod
    def initial_from(cls, key_result: KeyResult) -> dict:
        """The replacement starts as a copy of what it replaces, except its code,
        statement and target, which are the point of replacing it."""
        return {
            "measure": key_result.measure,
            "direction": key_result.direction,
            "frequency": key_result.frequency,
            "tolerance": plain_number(key_result.tolerance),
            "tolerance_kind": key_result.tolerance_kind,
            "decimal_places": key_result.decimal_places,
            "trust_value": key_result.trust_value,
            "ratio_scale": plain_number(key_result.ratio_scale),
            "numerator_label": key_result.numerator_label,
            "denominator_label": key_result.denominator_label,
            "lowest_value": key_result.lowest_value,
            "highest_value": key_result.highest_value,
            "owner_role": key_result.owner_role_id,
            "calculation": key_result.calculation,
            "data_source": key_result.data_source,
        }


TRUST_CHOICE = "trust"


class ChangeTargetForm(NhsForm):
    unit = forms.ChoiceField(
        label="Target for",
        help_text="The Trust's target applies to the Trust and to every directorate without "
        "a target of its own. A directorate's own target applies to it alone.",
        # Left out, it is the Trust's target (as before directorates had their own).
        required=False,
    )
    from_period = forms.TypedChoiceField(
        label="Applies from",
        coerce=datetime.date.fromisoformat,
        help_text="The new target applies to this period and every later one. Earlier periods "
        "keep the target they had. Coming periods, to the end of next financial year, can be "
        "chosen to set a target in advance.",
        error_messages={"required": "Choose the period from which the new target applies"},
    )
    until_period = forms.TypedChoiceField(
        label="Applies until",
        coerce=datetime.date.fromisoformat,
        required=False,
        empty_value=None,
        help_text="Leave empty for a target that applies until the next one is set. After "
        "its last period a directorate follows the Trust's target again.",
    )
    value = NumberField(
        label="New target",
        max_digits=14,
        decimal_places=4,
        help_text="A number, like 95 for 95%.",
        error_messages={
            "required": "Enter the new target",
            "invalid": "Enter the new target as a number",
        },
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10", "inputmode": "decimal"}),
    )
    reason = reason_field("Why the target changes, like ‘Raised for 2025/26 by the Board’.")

    def __init__(
        self,
        *args,
        spans: list[periods.PeriodSpan],
        units: list[OrganisationalUnit],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.spans = {span.starts_on: span for span in spans}
        self.units = {unit.slug: unit for unit in units}
        self.fields["unit"].choices = [
            (TRUST_CHOICE, "The Trust (and every directorate without its own target)")
        ] + [(unit.slug, unit.name) for unit in units]
        self.fields["unit"].initial = TRUST_CHOICE
        self.fields["from_period"].choices = [("", "Choose a period…")] + [
            (
                span.starts_on.isoformat(),
                f"{periods.period_label(span.frequency, span.starts_on)} "
                f"(from {span.starts_on:%-d %B %Y})",
            )
            for span in spans
        ]
        self.fields["until_period"].choices = [("", "No end: until the next target")] + [
            (
                span.starts_on.isoformat(),
                f"{periods.period_label(span.frequency, span.starts_on)} "
                f"(to {span.ends_on:%-d %B %Y})",
            )
            for span in spans
        ]

    def chosen_span(self) -> periods.PeriodSpan:
        return self.spans[self.cleaned_data["from_period"]]

    def chosen_unit(self) -> OrganisationalUnit | None:
        """The directorate chosen, or None for the Trust's target."""
        return self.units.get(self.cleaned_data["unit"])

    def chosen_until(self) -> periods.PeriodSpan | None:
        starts_on = self.cleaned_data.get("until_period")
        return self.spans[starts_on] if starts_on else None


class ReasonForm(NhsForm):
    reason = reason_field("Why it is retired, like ‘Measure replaced by national data’.")


class FocusAreaLinkForm(NhsForm):
    """The key focus area an OKR measures: one of its own objective's, or none.
    Offered by id from that list alone, so any other id (another objective's, an
    unknown one, not a number) is refused here with a plain message."""

    NONE = ""

    focus_area = forms.ChoiceField(
        label="Key focus area",
        required=False,
        help_text="The focus area of this OKR's objective that it measures. Choose ‘Not "
        "linked’ if none fits.",
        error_messages={"invalid_choice": "Choose one of this objective's key focus areas"},
    )
    reason = reason_field("Why, like ‘Confirmed by the Quality & Safety Committee’.")

    def __init__(self, *args, focus_areas: list[KeyFocusArea], **kwargs):
        super().__init__(*args, **kwargs)
        self.focus_areas = {str(area.pk): area for area in focus_areas}
        self.fields["focus_area"].choices = [
            (self.NONE, "Not linked to a key focus area"),
            *((key, f"{area.order}. {area.title}") for key, area in self.focus_areas.items()),
        ]

    def chosen_focus_area(self) -> KeyFocusArea | None:
        return self.focus_areas.get(self.cleaned_data["focus_area"])


class AuditLogFilterForm(NhsForm):
    """Filters for the audit log, from the query string. Every field is optional."""

    unit = forms.ModelChoiceField(
        queryset=OrganisationalUnit.objects.order_by("order", "name"),
        required=False,
        empty_label="Any unit",
        help_text="Only results and process changes carry a unit.",
    )
    key_result = forms.ModelChoiceField(
        label="OKR",
        queryset=KeyResult.objects.select_related("objective__strategy").order_by(
            "-objective__strategy__is_current", "objective__number", "order", "code"
        ),
        required=False,
        empty_label="Any OKR",
        to_field_name="code",
    )
    person = forms.ModelChoiceField(
        queryset=get_user_model().objects.order_by("first_name", "last_name", "username"),
        required=False,
        empty_label="Anyone",
    )
    date_from = forms.DateField(
        label="From",
        required=False,
        error_messages={"invalid": "Enter a real date"},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label="To",
        required=False,
        error_messages={"invalid": "Enter a real date"},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key_result"].label_from_instance = lambda okr: f"{okr.code}: {okr.statement}"
        self.fields["person"].label_from_instance = lambda user: (
            user.get_full_name() or user.username
        )

    # The log starts with the portal; a date far outside these is a typing slip.
    EARLIEST = datetime.date(2000, 1, 1)
    LATEST = datetime.date(2099, 12, 31)

    def clean(self):
        cleaned = super().clean()
        for name in ("date_from", "date_to"):
            day = cleaned.get(name)
            if day is not None and not self.EARLIEST <= day <= self.LATEST:
                self.add_error(name, "Enter a date between 1 January 2000 and 31 December 2099")
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The ‘to’ date must be the same as or after the ‘from’ date")
        return cleaned
