"""Forms for narratives. The rules (who may write or sign) live in the actions."""

from django import forms


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
