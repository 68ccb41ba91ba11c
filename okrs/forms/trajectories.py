"""The form that sets or revises a unit's trajectory (okrs.actions.trajectories):
typed for one unit, or a file of several units' targets (okrs.imports.trajectory_file).
Like the other maintenance forms it only carries what was typed; the rules are the
actions'."""

import datetime

from django import forms
from django.core.exceptions import ValidationError

from objectives.models import OrganisationalUnit
from objectives.text import TextField
from okrs import periods
from okrs.forms.maintenance import reason_field
from okrs.imports.reading import MAX_FILE_BYTES, FileProblem, size_text, too_large
from okrs.imports.trajectory_file import UnitPath, read_trajectory_file
from okrs.validation import parse_number
from web.forms import NhsForm


class TrajectoryForm(NhsForm):
    """A planned trajectory for a unit, or (where it has one) a revised one: typed
    for one unit, or uploaded as a file of several units' targets."""

    unit = forms.ChoiceField(
        label="Unit",
        required=False,
        help_text="If the unit already has a trajectory for this OKR, this records a revised "
        "one: the earlier one is kept, and periods before the revision keep it.",
    )
    first_period = forms.TypedChoiceField(
        label="First period",
        coerce=datetime.date.fromisoformat,
        required=False,
        empty_value=None,
        help_text="The period of the first target below.",
    )
    values = TextField(
        label="Targets, one per period",
        required=False,
        help_text="One target a line, in period order from the first period, up to the goal, "
        "like 92 then 93 then 94.",
        max_length=36 * 20,
        widget=forms.Textarea(attrs={"rows": 6, "class": "nhsuk-input--width-10"}),
        error_messages={"max_length": "Enter at most 36 targets"},
    )
    file = forms.FileField(
        label="Or upload a file of targets",
        required=False,
        help_text="A CSV or XLSX file with the columns unit, period and target, one row a "
        "period, for one unit or several: for example ‘Bucks MH, Q2 2020/21, 91’. Each unit's "
        "periods must follow one another. Instead of the unit, period and targets above.",
        error_messages={"empty": "The file is empty."},
        widget=forms.FileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
    approved_by = forms.CharField(
        label="Agreed by",
        required=False,
        max_length=200,
        help_text="Who agreed it, like ‘Quality Committee’. Needed for a revised trajectory.",
        error_messages={"max_length": "Give who agreed it in 200 characters or fewer"},
    )
    approved_on = forms.DateField(
        label="Agreed on",
        required=False,
        help_text="Needed for a revised trajectory.",
        error_messages={"invalid": "Enter a real date"},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = reason_field("Why, like ‘Recovery moved back two quarters: staffing gaps’.")

    def __init__(
        self,
        *args,
        spans: list[periods.PeriodSpan],
        units: list[OrganisationalUnit],
        frequency: str,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.spans = {span.starts_on: span for span in spans}
        self.units = units
        self.frequency = frequency
        self.fields["unit"].choices = [("", "Choose a unit…")] + [
            (unit.slug, unit.name) for unit in units
        ]
        self.fields["first_period"].choices = [("", "Choose a period…")] + [
            (
                span.starts_on.isoformat(),
                f"{periods.period_label(span.frequency, span.starts_on)} "
                f"(from {span.starts_on:%-d %B %Y})",
            )
            for span in spans
        ]

    def clean_values(self) -> list:
        numbers = []
        lines = [line.strip() for line in self.cleaned_data["values"].splitlines()]
        for position, line in enumerate((line for line in lines if line), start=1):
            try:
                number = parse_number(line)
            except ValueError:
                number = None
            if number is None:
                raise ValidationError(f"Target {position} (‘{line[:20]}’) is not a number")
            numbers.append(number)
        return numbers

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload and upload.size > MAX_FILE_BYTES:
            raise ValidationError(too_large(f"The file is {size_text(upload.size)}."))
        return upload

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if cleaned.get("file"):
            upload = cleaned["file"]
            try:
                self.paths = read_trajectory_file(
                    upload.name, upload.read(), units=self.units, frequency=self.frequency
                )
            except FileProblem as problem:
                self.add_error("file", str(problem))
            return cleaned
        if not cleaned.get("unit"):
            self.add_error("unit", "Choose the unit, or upload a file of targets")
        if not cleaned.get("first_period"):
            self.add_error("first_period", "Choose the period of the first target")
        if not cleaned.get("values"):
            self.add_error("values", "Enter at least one target")
        if not self.errors:
            unit = next(unit for unit in self.units if unit.slug == cleaned["unit"])
            span = self.spans[cleaned["first_period"]]
            self.paths = [UnitPath(unit, span, cleaned["values"])]
        return cleaned
