"""The dashboard's filters: plain GET forms, so they live in the address (shared,
bookmarked, kept by the back button) and work without JavaScript."""

from django import forms

from web.forms import NhsForm

NOT_OFFERED = "There is no such choice: choose one from the list."


class MonthFilter(NhsForm):
    month = forms.ChoiceField(label="Month", required=False)

    def __init__(self, data, *, months):
        """`months`: `ReportMonth`s, newest first."""
        super().__init__(data)
        self.fields["month"].choices = [
            (month.starts_on.strftime("%Y-%m"), month.label) for month in months
        ]
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                field.error_messages["invalid_choice"] = NOT_OFFERED


class DashboardFilters(MonthFilter):
    unit = forms.ChoiceField(label="Unit", required=False)
    objective = forms.TypedChoiceField(
        label="Objective", required=False, coerce=int, empty_value=None
    )
    owner = forms.ChoiceField(
        label="Objectives",
        required=False,
        choices=[("", "All objectives"), ("me", "Only those I own")],
    )
    # A checkbox (drawn by the template): "1" when ticked, and nothing else.
    off_track = forms.ChoiceField(
        label="Only what is off track", required=False, choices=[("", "No"), ("1", "Yes")]
    )

    def __init__(self, data, *, months, units, objectives, owns_objectives: bool):
        """`units`: (name, slug); `objectives`: (number, name)."""
        super().__init__(data, months=months)
        self.fields["unit"].choices = [("", "All units")] + [(slug, name) for name, slug in units]
        self.fields["objective"].choices = [("", "All objectives")] + [
            (str(number), f"{number}. {name}") for number, name in objectives
        ]
        if not owns_objectives:
            del self.fields["owner"]
