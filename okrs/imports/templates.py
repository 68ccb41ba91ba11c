"""The pre-filled template a unit fills in: its OKRs for a period with the values
saved so far, as CSV UTF-8 or an XLSX of values only."""

import codecs
import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal

from objectives.models import OrganisationalUnit
from okrs.formatting import plain_number
from okrs.imports.reading import COLUMNS, escape_text
from okrs.measures import Measure
from okrs.models import ReportingPeriod
from okrs.selectors.submissions import UnitSubmission


@dataclass(frozen=True)
class TemplateRow:
    okr_code: str
    okr_statement: str
    unit: str
    period: str
    target: Decimal | None
    previous_value: Decimal | None
    value: Decimal | None
    comment: str
    decimal_places: int
    numerator: Decimal | None = None
    denominator: Decimal | None = None


def template_rows(submissions: list[UnitSubmission]) -> list[TemplateRow]:
    """One row per OKR a unit owes in a period, with what is saved so far."""
    rows = []
    for submission in submissions:
        for owed in submission.values:
            key_result = owed.key_result
            rows.append(
                TemplateRow(
                    okr_code=key_result.code,
                    okr_statement=key_result.statement,
                    unit=owed.unit.slug,
                    period=submission.period.label,
                    target=owed.target.value if owed.target else None,
                    previous_value=owed.previous.value if owed.previous else None,
                    value=owed.result.value if owed.result else None,
                    comment=owed.result.comment if owed.result else "",
                    decimal_places=(
                        0 if key_result.measure == Measure.COUNT else key_result.decimal_places
                    ),
                    numerator=owed.result.numerator if owed.result else None,
                    denominator=owed.result.denominator if owed.result else None,
                )
            )
    return rows


def _number_text(number: Decimal | None) -> str:
    return "" if number is None else plain_number(number)


def template_csv(rows: list[TemplateRow]) -> bytes:
    """CSV UTF-8 with a byte order mark, so Excel shows '£' and '–' correctly."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row.okr_code,
                escape_text(row.okr_statement),
                row.unit,
                row.period,
                _number_text(row.target),
                _number_text(row.previous_value),
                _number_text(row.value),
                escape_text(row.comment),
                _number_text(row.numerator),
                _number_text(row.denominator),
            ]
        )
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


def template_xlsx(rows: list[TemplateRow]) -> bytes:
    """A workbook of values only: bold header, numbers formatted, no formulas."""
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Results"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, row in enumerate(rows, start=2):
        places = row.decimal_places
        number_format = "0" if places == 0 else "0." + "0" * places
        values = [
            row.okr_code,
            row.okr_statement,
            row.unit,
            row.period,
            row.target,
            row.previous_value,
            row.value,
            row.comment,
            row.numerator,
            row.denominator,
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=number, column=column, value=value)
            if isinstance(value, str):
                # A string starting with '=' would otherwise be stored as a formula.
                cell.data_type = "s"
            if column in (5, 6, 7):
                cell.number_format = number_format
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHIJ", (28, 60, 18, 16, 10, 14, 10, 50, 12, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_filename(unit: OrganisationalUnit, period: ReportingPeriod, fmt: str) -> str:
    label = re.sub(r"[^a-z0-9]+", "-", period.label.lower()).strip("-")
    return f"results-{unit.slug}-{label}.{fmt}"
