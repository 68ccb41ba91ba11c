"""Forms for narratives and the Board cover sheet. The rules (who may write, sign
or export) live in the actions."""

from django import forms

from objectives.audit import REASON_MAX_LENGTH
from okrs.maintenance_forms import NhsForm
from reporting.models import BoardCover


class ExecutiveSummaryForm(forms.Form):
    text = forms.CharField(
        label="Executive summary",
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={"required": "Write the executive summary"},
    )


class OkrCommentaryForm(forms.Form):
    chart_shows = forms.CharField(
        label="What the chart shows", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    issues = forms.CharField(
        label="Issues", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    actions = forms.CharField(
        label="Actions",
        help_text="Each with its owner and date.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    risks = forms.CharField(label="Risks", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    expected_recovery = forms.CharField(
        label="Expected recovery", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        if not any((data.get(name) or "").strip() for name in self.fields):
            raise forms.ValidationError("Write at least one of the headings")
        return data


class BoardCoverForm(NhsForm):
    """The Board cover sheet of an edition's pack, as the Trust's Board papers set it out."""

    meeting = forms.CharField(
        label="Meeting",
        max_length=300,
        help_text="Printed after 'Report to the Meeting of the'.",
        error_messages={"required": "Enter whose meeting the pack goes to"},
    )
    meeting_date = forms.DateField(
        label="Date of the meeting",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter the date of the meeting as a real date"},
    )
    reference = forms.CharField(
        label="Reference",
        max_length=60,
        required=False,
        help_text="For example, BOD 68/2020.",
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10"}),
    )
    agenda_item = forms.CharField(
        label="Agenda item",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-5"}),
    )
    title = forms.CharField(
        label="Title", max_length=300, error_messages={"required": "Enter the paper's title"}
    )
    purpose = forms.ChoiceField(
        label="For", choices=BoardCover.Purpose.choices, widget=forms.Select()
    )
    summary = forms.CharField(
        label="Summary",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Write the summary the Board reads first"},
    )
    recommendation = forms.CharField(
        label="Recommendation",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write what the Board is asked to do"},
    )
    authors = forms.CharField(
        label="Authors",
        required=False,
        help_text="One per line, as 'Name – Title'.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    lead_executive = forms.CharField(
        label="Lead executive director",
        max_length=300,
        required=False,
        help_text="As 'Name – Title'.",
    )
    governance_route = forms.CharField(
        label="Governance route / escalation process",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = forms.CharField(
        label="Why are you changing it?",
        required=False,
        max_length=REASON_MAX_LENGTH,
        help_text="Kept in the record with your name and the time.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
