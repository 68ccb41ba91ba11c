"""The base of every form drawn in the NHS.UK style, and the one way an action's
refusal is put back on a form: every message beside its field, every typed value kept."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField

_WIDGET_CLASSES = {
    "select": ("nhsuk-select", "nhsuk-select--error"),
    "textarea": ("nhsuk-textarea", "nhsuk-textarea--error"),
}
_INPUT_CLASSES = ("nhsuk-input", "nhsuk-input--error")


class NhsBoundField(BoundField):
    """Adds the NHS.UK classes to the widget, and the error modifier when the field
    has an error. Django already sets aria-invalid and aria-describedby (pointing at
    `<id>_helptext` and `<id>_error`, the ids `_field.html` gives the hint and error)."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        base, error = _WIDGET_CLASSES.get(self.widget_type, _INPUT_CLASSES)
        # These attrs replace the widget's own, so its classes (widths) are kept here.
        classes = [base, *widget.attrs.get("class", "").split(), *attrs.get("class", "").split()]
        if self.errors:
            classes.append(error)
        attrs["class"] = " ".join(classes)
        if getattr(self.field, "counted", False):
            # The character count's message (templates/okrs/maintenance/_field.html).
            described_by = attrs.get("aria-describedby", "").split()
            attrs["aria-describedby"] = " ".join([f"{self.auto_id}-info", *described_by])
        return attrs


class NhsForm(forms.Form):
    bound_field_class = NhsBoundField
    # The server checks everything and says what to fix; the browser's own bubbles
    # are neither accessible nor consistent (NHS.UK guidance).
    use_required_attribute = False

    def error_list(self) -> list[tuple[str, str]]:
        """(link target, message) for the error summary, in the order of the fields."""
        items = [("", str(message)) for message in self.non_field_errors()]
        for bound_field in self:
            # A set of radios or checkboxes has no element of its own id: the link
            # leads to its first option (NHS.UK error summary guidance).
            target = bound_field.auto_id
            if bound_field.widget_type in ("radioselect", "checkboxselectmultiple"):
                target = bound_field.subwidgets[0].id_for_label if bound_field.subwidgets else ""
            for message in bound_field.errors:
                items.append((target, str(message)))
        return items


def add_action_errors(form: forms.Form, error: ValidationError) -> None:
    """Put an action's refusal on the form: on the field it names, else at the top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def declared_body_size(request) -> int:
    """The size a request says its body is, read before the body itself, so a form
    with a file can refuse one too large without spooling it to memory or disk."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # Django then reads no body at all


class VersionField(forms.IntegerField):
    """The version of the record the page showed (none for a new one): a save based
    on an older version is refused rather than overwriting someone else's change."""

    def __init__(self):
        super().__init__(required=False, min_value=1, widget=forms.HiddenInput)
