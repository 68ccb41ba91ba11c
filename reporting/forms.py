"""Forms for narratives and the Board cover sheet. The rules (who may write, sign
or export) live in the actions."""

from django import forms

from objectives.audit import REASON_MAX_LENGTH
from objectives.text import PAGE, PARAGRAPH, SHORT_TEXT, TextField
from okrs.maintenance_forms import NhsForm
from reporting.models import BoardCover


class VersionField(forms.IntegerField):
    """The version of the words the page showed (none for new words): a save based on
    an older version is refused rather than overwriting someone else's change."""

    def __init__(self):
        super().__init__(required=False, min_value=1, widget=forms.HiddenInput)


class ExecutiveSummaryForm(forms.Form):
    version = VersionField()
    text = TextField(
        max_length=PAGE,
        label="Executive summary",
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={"required": "Write the executive summary"},
    )


class OkrCommentaryForm(forms.Form):
    version = VersionField()
    chart_shows = TextField(
        max_length=PARAGRAPH,
        label="What the chart shows",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    issues = TextField(
        max_length=PARAGRAPH,
        label="Issues",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    actions = TextField(
        max_length=PARAGRAPH,
        label="Actions",
        help_text="Each with its owner and date.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    risks = TextField(
        max_length=PARAGRAPH,
        label="Risks",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    expected_recovery = TextField(
        max_length=PARAGRAPH,
        label="Expected recovery",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if not any((data.get(name) or "").strip() for name in self.fields if name != "version"):
            raise forms.ValidationError("Write at least one of the headings")
        return data


class BoardCoverForm(NhsForm):
    """The Board cover sheet of an edition's pack, as the Trust's Board papers set it out."""

    version = VersionField()
    meeting = TextField(
        label="Meeting",
        max_length=SHORT_TEXT,
        help_text="Printed after 'Report to the Meeting of the'.",
        error_messages={"required": "Enter whose meeting the pack goes to"},
    )
    meeting_date = forms.DateField(
        label="Date of the meeting",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter the date of the meeting as a real date"},
    )
    reference = TextField(
        label="Reference",
        max_length=60,
        required=False,
        help_text="For example, BOD 68/2020.",
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10"}),
    )
    agenda_item = TextField(
        label="Agenda item",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-5"}),
    )
    title = TextField(
        label="Title", max_length=SHORT_TEXT, error_messages={"required": "Enter the paper's title"}
    )
    purpose = forms.ChoiceField(
        label="For", choices=BoardCover.Purpose.choices, widget=forms.Select()
    )
    summary = TextField(
        max_length=PAGE,
        label="Summary",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Write the summary the Board reads first"},
    )
    recommendation = TextField(
        max_length=PARAGRAPH,
        label="Recommendation",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write what the Board is asked to do"},
    )
    authors = TextField(
        max_length=PARAGRAPH,
        label="Authors",
        required=False,
        help_text="One per line, as 'Name – Title'.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    lead_executive = TextField(
        label="Lead executive director",
        max_length=SHORT_TEXT,
        required=False,
        help_text="As 'Name – Title'.",
    )
    governance_route = TextField(
        max_length=PARAGRAPH,
        label="Governance route / escalation process",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = TextField(
        label="Why are you changing it?",
        required=False,
        max_length=REASON_MAX_LENGTH,
        help_text="Kept in the record with your name and the time.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
