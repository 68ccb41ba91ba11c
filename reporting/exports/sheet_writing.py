"""Writing report-like sheets with openpyxl: the styles the workbook shares with
the portal's pages (rating tag colours, the draft and published markers), a
`Sheet` that writes top to bottom a row at a time (titles, headers, paragraphs in
merged cells tall enough to show them), and how values, times and signatures are
shown. `workbook` lays the pack out with these; they know nothing of its sheets.
"""

import datetime
import math
import re
from collections.abc import Iterable
from decimal import Decimal

from django.utils import timezone
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from okrs.measures import PERCENTAGE_MEASURES, Measure
from okrs.ratings import Rag
from reporting.exports.formulas import looks_like_formula
from reporting.ipr import IprCommentary, IprNarrative
from reporting.pack import Pack
from reporting.templatetags.ipr_format import long_date

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=16)
HEADING = Font(bold=True, size=13)
CAPTION = Font(italic=True, color="4C6272")
HEADER_FILL = PatternFill("solid", fgColor="D8DDE0")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")

# The rating tags' colours on the portal (static/css): fill and text.
RATING_COLOURS = {
    Rag.RED: ("F7D4D1", "6B140E"),
    Rag.AMBER: ("FFDC8E", "5E3A00"),
    Rag.GREEN: ("CCE5D8", "00401E"),
    Rag.BLUE: ("D2E2F1", "002F5C"),
    Rag.NO_DATA: ("F0F4F5", "212B32"),
}
# The page's draft warning (yellow) and published edition (blue) markers.
DRAFT_STYLE = (PatternFill("solid", fgColor="FFF9C4"), Font(bold=True, size=13, color="212B32"))
PUBLISHED_STYLE = (PatternFill("solid", fgColor="D2E2F1"), Font(bold=True, size=13))


# Points per line of 11-point text: merged cells never grow to fit their text, so
# the rows holding paragraphs are given their height, up to Excel's highest row.
LINE_HEIGHT, MAX_ROW_HEIGHT = 15, 409
BLANK_LINE = re.compile(r"\n\s*\n")


class Sheet:
    """Writes a report-like sheet top to bottom, a row at a time."""

    def __init__(self, worksheet: Worksheet, pack: Pack):
        self.worksheet = worksheet
        self.row = 1
        self.width_in_columns = 1
        worksheet.sheet_view.showGridLines = False
        # Printed: landscape, as wide as the page, the edition on every page.
        worksheet.page_setup.orientation = "landscape"
        worksheet.page_setup.fitToWidth = 1
        worksheet.page_setup.fitToHeight = 0
        worksheet.sheet_properties.pageSetUpPr.fitToPage = True
        # "&" starts a code in Excel's headers and footers; "&&" prints one.
        worksheet.oddHeader.center.text = pack.running_header.replace("&", "&&")
        worksheet.oddFooter.center.text = "Page &P of &N"

    def set_widths(self, widths: Iterable[float]) -> None:
        widths = list(widths)
        for column, width in enumerate(widths, start=1):
            self.worksheet.column_dimensions[get_column_letter(column)].width = width
        self.width_in_columns = len(widths)

    def put(self, column: int, value, **style) -> Cell:
        return put_cell(self.worksheet, self.row, column, value, **style)

    def line(self, *values, font: Font | None = None, fill: PatternFill | None = None) -> None:
        for column, value in enumerate(values, start=1):
            self.put(column, value, font=font, fill=fill, alignment=WRAP)
        self.row += 1

    def title(self, text: str, font: Font = TITLE) -> None:
        self.put(1, text, font=font)
        self.row += 1

    def header(self, *labels: str | None) -> None:
        for column, label in enumerate(labels, start=1):
            self.put(column, label, font=BOLD, fill=HEADER_FILL, alignment=WRAP)
        self.row += 1

    def paragraph(self, text: str, *, font: Font | None = None) -> None:
        """Text across the sheet's width, in one merged cell tall enough to show it."""
        self.put(1, text, font=font, alignment=WRAP)
        last = max(self.width_in_columns, 1)
        self.merge(1, last)
        characters_per_line = max(
            sum(
                self.worksheet.column_dimensions[get_column_letter(column)].width or 10
                for column in range(1, last + 1)
            ),
            1,
        )
        lines = sum(
            max(1, math.ceil(len(part) / characters_per_line)) for part in text.splitlines()
        )
        height = min(max(lines, 1) * LINE_HEIGHT, MAX_ROW_HEIGHT)
        self.worksheet.row_dimensions[self.row].height = height
        self.row += 1

    def paragraphs(self, text: str) -> None:
        """Text written in paragraphs (a narrative), a row each as the page shows
        them, so a long narrative never needs a row higher than Excel allows."""
        for part in BLANK_LINE.split(text.strip()):
            self.paragraph(part)

    def merge(self, first_column: int, last_column: int, *, row: int | None = None) -> None:
        """One cell across columns of the current row (or `row`)."""
        row = row or self.row
        if last_column > first_column:
            self.worksheet.merge_cells(
                start_row=row, start_column=first_column, end_row=row, end_column=last_column
            )

    def skip(self, rows: int = 1) -> None:
        self.row += rows


def put_cell(
    worksheet: Worksheet,
    row: int,
    column: int,
    value,
    *,
    font: Font | None = None,
    fill: PatternFill | None = None,
    alignment: Alignment | None = None,
    number_format: str | None = None,
) -> Cell:
    if isinstance(value, str):
        # Control characters pasted into a narrative would make the file invalid.
        value = ILLEGAL_CHARACTERS_RE.sub("", value) or None  # an empty text: a blank cell
    cell = worksheet.cell(row=row, column=column, value=value)
    if isinstance(value, str) and looks_like_formula(value):
        # openpyxl takes a text starting with "=" for a formula; the report has none:
        # a text cell shows it as written and never runs it.
        cell.data_type = "s"
    if font:
        cell.font = font
    if fill:
        cell.fill = fill
    if alignment:
        cell.alignment = alignment
    if number_format:
        cell.number_format = number_format
    return cell


def rating_style(rating: str) -> dict:
    fill, text = RATING_COLOURS[Rag(rating)]
    return {"fill": PatternFill("solid", fgColor=fill), "font": Font(bold=True, color=text)}


def number_format_for(value: float, measure: str, places: int | None = None) -> str:
    """The Excel format that shows a value as the report does: the OKR's decimal
    places where given (else the value's own decimals), "%" after a percentage,
    "£" and thousands separators on money, the true minus."""
    if places is None or measure == Measure.COUNT:
        places = max(0, -Decimal(repr(value)).normalize().as_tuple().exponent)
    digits = ("#,##0" if measure in (Measure.COUNT, Measure.CURRENCY) else "0") + (
        "." + "0" * places if places else ""
    )
    prefix = "£" if measure == Measure.CURRENCY else ""
    suffix = '"%"' if measure in PERCENTAGE_MEASURES else ""
    positive = f'"{prefix}"{digits}{suffix}' if prefix else f"{digits}{suffix}"
    # The second section is for negative numbers, shown without their own sign.
    return f'{positive};"\u2212{prefix}"{digits}{suffix}'


def when(iso: str | None) -> str:
    """'2020-11-12T10:30+00:00' → '12 November 2020, 10:30' (UK time, as the page)."""
    if not iso:
        return ""
    moment = datetime.datetime.fromisoformat(iso)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return f"{long_date(moment.date().isoformat())}, {moment:%H:%M}"


def signature(text: IprNarrative | IprCommentary) -> str:
    who = (text.author or "Author not recorded") + (
        f", {text.author_title}" if text.author_title else ""
    )
    if text.signed_by:
        return f"{who} — signed off by {text.signed_by} on {long_date(text.signed_on)}"
    return f"{who} — not yet signed off"
