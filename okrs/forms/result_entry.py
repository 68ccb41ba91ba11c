"""Forms for entering results. They only carry what was typed: the rules are
checked once, by the planner in okrs/result_planner.py, and its messages are put back on
the fields here, so the page keeps every value the person typed."""

from django import forms

from objectives.audit import REASON_MAX_LENGTH
from objectives.models import OrganisationalUnit
from objectives.text import PARAGRAPH, TextField
from okrs.formatting import plain_number
from okrs.models import ReportingPeriod, TrustValue
from okrs.result_planner import REASON_REQUIRED, ChangePlan, ResultChange
from okrs.selectors.submissions import OwedValue


class ResultEntryForm(forms.Form):
    reason = TextField(
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"Give a reason of {REASON_MAX_LENGTH} characters or fewer"},
    )

    def __init__(self, *args, owed: list[OwedValue], can_correct: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.owed = owed
        for item in owed:
            pk = item.key_result.pk
            result = item.result
            # A stored value is removed by ticking a box, never by emptying its field:
            # any value by a board secretary or administrator, a draft by its unit.
            if result and (can_correct or result.status == result.Status.DRAFT):
                self.fields[f"remove_{pk}"] = forms.BooleanField(required=False)
            self.fields[f"value_{pk}"] = forms.CharField(
                required=False,
                max_length=40,
                initial=plain_number(result.value) if result else "",
            )
            if item.key_result.trust_value == TrustValue.RATIO:
                # The value is worked out from these two (okrs.result_planner).
                for part in ("numerator", "denominator"):
                    stored = getattr(result, part) if result else None
                    self.fields[f"{part}_{pk}"] = forms.CharField(
                        required=False,
                        max_length=40,
                        initial=plain_number(stored) if stored is not None else "",
                    )
            self.fields[f"comment_{pk}"] = TextField(
                required=False,
                max_length=PARAGRAPH,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=result.comment if result else "",
            )
            self.fields[f"version_{pk}"] = forms.IntegerField(
                required=False,
                widget=forms.HiddenInput,
                initial=result.version if result else None,
            )

    def rows(self):
        """(owed value, value field, comment field, version field, remove box or None,
        the (label, field) of the numerator and the denominator where the value is
        worked out from them, else none) per OKR, for the page."""
        for item in self.owed:
            pk = item.key_result.pk
            remove = self[f"remove_{pk}"] if f"remove_{pk}" in self.fields else None
            key_result = item.key_result
            fraction = (
                [
                    (key_result.numerator_label or "Numerator", self[f"numerator_{pk}"]),
                    (key_result.denominator_label or "Denominator", self[f"denominator_{pk}"]),
                ]
                if f"numerator_{pk}" in self.fields
                else []
            )
            yield (
                item,
                self[f"value_{pk}"],
                self[f"comment_{pk}"],
                self[f"version_{pk}"],
                remove,
                fraction,
            )

    def changes(self, unit: OrganisationalUnit, period: ReportingPeriod) -> list[ResultChange]:
        data = self.cleaned_data
        return [
            ResultChange(
                key_result=item.key_result,
                unit=unit,
                period=period,
                raw_value=data.get(f"value_{item.key_result.pk}") or "",
                raw_numerator=data.get(f"numerator_{item.key_result.pk}") or "",
                raw_denominator=data.get(f"denominator_{item.key_result.pk}") or "",
                comment=data.get(f"comment_{item.key_result.pk}") or "",
                seen_version=data.get(f"version_{item.key_result.pk}"),
                check_version=True,
                label=item.key_result.statement,
                remove=bool(data.get(f"remove_{item.key_result.pk}")),
            )
            for item in self.owed
        ]

    def add_plan_errors(self, plan: ChangePlan) -> None:
        for planned in plan.items:
            pk = planned.change.key_result.pk
            for field_name, message in planned.errors.items():
                if field_name == "value" and f"numerator_{pk}" in self.fields:
                    field_name = "numerator"  # the value is worked out from it: no box
                self.add_error(f"{field_name}_{pk}", message)
        for message in plan.general_errors:
            self.add_error("reason" if message == REASON_REQUIRED else None, message)
