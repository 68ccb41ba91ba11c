"""Text a person types: how long each kind may be, and the characters it may hold.

One place for the limits, so a form, an upload and an action refuse the same text
with the same words. A form field counts characters as it is typed (the NHS.UK
character count) and the server says plainly what is too long.
"""

import re

from django import forms

# A title, a name or a one-line field.
SHORT_TEXT = 300
# A comment on a value, a reason for a change, one heading of an OKR's commentary,
# how a measure is calculated: a paragraph or two.
PARAGRAPH = 2000
# An executive summary or the Board cover sheet's summary: about a page.
PAGE = 6000

# C0 control characters other than tab, line feed and carriage return, and DEL.
# PostgreSQL cannot store NUL at all; the others are invisible and only ever arrive
# by accident (pasted from another program) or on purpose (to break an export).
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# Word's line and page breaks paste as vertical tab and form feed.
_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})


def plain_text(value: str) -> str:
    """`value` with line breaks made plain ('\\r\\n' → '\\n', Word's breaks → '\\n') and
    invisible control characters removed."""
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n").translate(_BREAKS)
    return _CONTROL_CHARACTERS.sub("", text)


def too_long(value: str, limit: int) -> str | None:
    """The message for text over `limit` characters, if it is."""
    if len(value) <= limit:
        return None
    return f"Enter {limit:,} characters or fewer (you have {len(value):,})"


class TextField(forms.CharField):
    """A text field with a length limit and plain characters. A multi-line one shows
    the NHS.UK character count as it is typed (see templates/components/text_field.html)."""

    def __init__(self, *, max_length: int, **kwargs):
        kwargs.setdefault("strip", True)
        super().__init__(max_length=max_length, **kwargs)
        self.error_messages["max_length"] = f"Enter {max_length:,} characters or fewer"

    def to_python(self, value):
        return super().to_python(plain_text(value) if isinstance(value, str) else value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.Textarea):
            # The counter tells the person while typing; a hard maxlength would cut a
            # pasted paragraph short without saying so.
            attrs.pop("maxlength", None)
            attrs["class"] = f"{widget.attrs.get('class', '')} nhsuk-js-character-count".strip()
        return attrs

    @property
    def counted(self) -> bool:
        return isinstance(self.widget, forms.Textarea)


def parse_id(value: str | None) -> int | None:
    """An id sent in a query string or form field, or None if it is not one: ASCII
    digits only ('²' and '２' are digits to Python's isdigit), short enough for an
    id column."""
    text = value or ""
    if text.isascii() and text.isdigit() and len(text) < 10:
        return int(text)
    return None
