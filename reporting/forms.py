"""Forms for narratives and the Board cover sheet. The rules (who may write, sign
or export) live in the actions."""

from django import forms

from objectives.audit import REASON_MAX_LENGTH
from objectives.text import TextField
from reporting.actions import COVER_LIMITS, NARRATIVE_LIMITS
from reporting.models import BoardCover
from web.forms import NhsForm, VersionField


class ExecutiveSummaryForm(forms.Form):
    version = VersionField()
    text = TextField(
        max_length=NARRATIVE_LIMITS["text"],
        label="Executive summary",
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={"required": "Write the executive summary"},
    )


def _heading(name: str, label: str, *, rows: int = 3, help_text: str = "") -> TextField:
    """One heading of an OKR commentary, bounded as the action bounds it."""
    return TextField(
        max_length=NARRATIVE_LIMITS[name],
        label=label,
        help_text=help_text,
        required=False,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class OkrCommentaryForm(forms.Form):
    version = VersionField()
    chart_shows = _heading("chart_shows", "What the chart shows")
    issues = _heading("issues", "Issues")
    actions = _heading("actions", "Actions", help_text="Each with its owner and date.")
    risks = _heading("risks", "Risks")
    expected_recovery = _heading("expected_recovery", "Expected recovery", rows=2)

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
        max_length=COVER_LIMITS["meeting"],
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
        max_length=COVER_LIMITS["reference"],
        required=False,
        help_text="For example, BOD 68/2020.",
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10"}),
    )
    agenda_item = TextField(
        label="Agenda item",
        max_length=COVER_LIMITS["agenda_item"],
        required=False,
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-5"}),
    )
    title = TextField(
        label="Title",
        max_length=COVER_LIMITS["title"],
        error_messages={"required": "Enter the paper's title"},
    )
    purpose = forms.ChoiceField(
        label="For", choices=BoardCover.Purpose.choices, widget=forms.Select()
    )
    summary = TextField(
        max_length=COVER_LIMITS["summary"],
        label="Summary",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Write the summary the Board reads first"},
    )
    recommendation = TextField(
        max_length=COVER_LIMITS["recommendation"],
        label="Recommendation",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write what the Board is asked to do"},
    )
    authors = TextField(
        max_length=COVER_LIMITS["authors"],
        label="Authors",
        required=False,
        help_text="One per line, as 'Name – Title'.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    lead_executive = TextField(
        label="Lead executive director",
        max_length=COVER_LIMITS["lead_executive"],
        required=False,
        help_text="As 'Name – Title'.",
    )
    governance_route = TextField(
        max_length=COVER_LIMITS["governance_route"],
        label="Governance route / escalation process",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    statutory = TextField(
        max_length=COVER_LIMITS["statutory"],
        label="Statutory or regulatory responsibilities",
        required=False,
        help_text="What the report does for the Trust’s statutory or regulatory duties, as "
        "the Trust’s Board papers say it.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = TextField(
        label="Why are you changing it?",
        required=False,
        max_length=REASON_MAX_LENGTH,
        help_text="Kept in the record with your name and the time.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
