"""Forms of the month close: publishing with its confirmation, and sending the
pack. They carry what was typed, bounded as the actions bound it; the rules (a
reason when items are open, who may send) live in the actions."""

from django import forms

from objectives.text import PARAGRAPH, SHORT_TEXT, TextField
from reporting.actions.month_close import MAX_RECIPIENTS, parse_recipients
from web.forms import NhsForm


class PublishForm(NhsForm):
    confirmed = forms.BooleanField(
        label="I have read the checklist and the report, and it can go to the Board",
        error_messages={"required": "Confirm that the report can go to the Board"},
    )
    reason = TextField(
        label="Why publish with these items open",
        help_text="Printed in the edition’s “About this edition”, like ‘Board papers go out "
        "today; Bucks MH’s October values follow in revision 2’.",
        max_length=PARAGRAPH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note = TextField(
        label="Note for the record",
        help_text=f"Shown with the edition. Up to {SHORT_TEXT} characters.",
        max_length=SHORT_TEXT,
        required=False,
    )

    def __init__(self, *args, open_items: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.open_items = open_items
        if not open_items:
            del self.fields["reason"]

    def clean_reason(self) -> str:
        reason = self.cleaned_data.get("reason") or ""
        if self.open_items and not reason:
            raise forms.ValidationError("Say why the report is published with items open")
        return reason


class DistributeForm(NhsForm):
    recipients = forms.CharField(
        label="Send to",
        help_text=f"E-mail addresses, one per line (at most {MAX_RECIPIENTS}).",
        max_length=MAX_RECIPIENTS * 255,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
        error_messages={"required": "Enter at least one e-mail address"},
    )
    message = TextField(
        label="Message",
        help_text="Printed above the pack’s details.",
        max_length=PARAGRAPH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    delivery = forms.ChoiceField(
        label="How the pack goes",
        choices=[
            ("attach", "Attach the PDF"),
            ("link", "Send a link (readers sign in to download it)"),
        ],
        initial="attach",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how the pack goes",
            "invalid_choice": "Choose how the pack goes",
        },
    )

    def clean_recipients(self) -> str:
        recipients = self.cleaned_data["recipients"]
        parse_recipients(recipients)  # says what is wrong, before anything is sent
        return recipients
