"""Uploading results in a file: the template, reading a CSV or XLSX, and turning
its rows into `ResultChange`s for the one planner (okrs/entry.py).

The rules are not here. Whether a value is a number, needs a comment, may be
entered by this person in this window or needs a reason is decided by
`plan_result_changes`, and the writing by `apply_result_changes`, exactly as for
the entry form. This module only reads files (pure, no database), finds the OKR,
unit and period each row names (a fixed number of queries, whatever the number
of rows), and reports back per row: new, changed, unchanged, skipped or error.

An upload is all or nothing: one row in error and nothing is saved. An empty value
leaves the result as it is (an upload never deletes), and rows with neither a value
nor a comment are skipped, so a template can go back with only some values filled.
"""

import codecs
import csv
import datetime
import hashlib
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from objectives.models import OrganisationalUnit
from okrs import periods
from okrs.actions import apply_result_changes
from okrs.entry import (
    REASON_REQUIRED,
    ChangePlan,
    Outcome,
    ResultChange,
    existing_results,
    plan_result_changes,
)
from okrs.models import KeyResult, ReportingPeriod, ResultUpload, Target
from okrs.selectors import UnitSubmission
from okrs.validation import parse_number

# Limits, stated to the person when a file goes over them.
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DATA_ROWS = 20_000
# An .xlsx is a zip: refuse one that would unpack to far more than 5 MB of results
# could need (a "zip bomb"), before openpyxl reads it.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# Columns read from a workbook's header row; anything further right is ignored.
MAX_COLUMNS = 50
# Blank rows are not counted as data, but reading stops somewhere.
MAX_ROWS_READ = 5 * MAX_DATA_ROWS

COLUMNS = (
    "okr_code",
    "okr_statement",
    "unit",
    "period",
    "target",
    "previous_value",
    "value",
    "comment",
)
REQUIRED_COLUMNS = ("okr_code", "unit", "period", "value", "comment")

NOT_UTF8 = (
    "The file is not in UTF-8, so its text cannot be read reliably. Save the file as "
    "CSV UTF-8 (in Excel: File, Save As, 'CSV UTF-8 (Comma delimited)') and upload it again."
)
NOT_A_WORKBOOK = (
    "The file could not be read as an Excel workbook (.xlsx). Open it in Excel, "
    "save it as .xlsx or as CSV UTF-8, and upload it again."
)
# Spreadsheet programs run text starting with these as a formula ("CSV injection").
# The template prefixes such text with an apostrophe, and reading removes it again.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class FileProblem(ValueError):
    """The file as a whole cannot be read; the message says what to do."""


# --- Reading a file (pure) -----------------------------------------------------


@dataclass(frozen=True)
class FileRow:
    """One data row as written in the file, numbered as a spreadsheet shows it."""

    number: int
    okr_code: str
    unit: str
    period: str
    value: str
    comment: str


def read_result_file(filename: str, content: bytes) -> list[FileRow]:
    """The data rows of an uploaded CSV or XLSX, or a `FileProblem` saying why not."""
    if len(content) > MAX_FILE_BYTES:
        raise FileProblem(
            f"The file is {len(content) / 1024 / 1024:.1f} MB. The largest file you can "
            f"upload is {MAX_FILE_BYTES // 1024 // 1024} MB: split it into smaller files."
        )
    if not content.strip():
        raise FileProblem("The file is empty.")
    kind = file_kind(filename, content)
    rows = _xlsx_rows(content) if kind == "xlsx" else _csv_rows(content)
    return _data_rows(rows)


def file_kind(filename: str, content: bytes) -> str:
    """'csv' or 'xlsx', from the name and checked against the content."""
    suffix = Path(filename or "").suffix.lower()
    is_zip = content.startswith(b"PK\x03\x04")
    is_old_excel = content.startswith(b"\xd0\xcf\x11\xe0")
    if suffix == ".xls" or (is_old_excel and suffix != ".xlsx"):
        raise FileProblem(
            "Excel 97–2003 workbooks (.xls) cannot be read. "
            "Save the file as .xlsx or as CSV UTF-8 and upload it again."
        )
    if suffix == ".xlsx":
        if is_old_excel:
            # Excel saves a password-protected workbook in its old container format.
            raise FileProblem(
                f"{NOT_A_WORKBOOK} If the workbook is protected by a password, remove it first."
            )
        if not is_zip:
            raise FileProblem(NOT_A_WORKBOOK)
        return "xlsx"
    if suffix == ".csv":
        if is_zip or is_old_excel:
            raise FileProblem(
                "The file is named .csv but is a spreadsheet workbook. Save it as .xlsx, "
                "or as CSV UTF-8, and upload it again."
            )
        return "csv"
    raise FileProblem(
        "Upload a CSV (.csv) or Excel (.xlsx) file. You can download a template "
        "with the right columns for each unit and period."
    )


def _csv_rows(content: bytes) -> Iterator[tuple[int, list[str]]]:
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileProblem(NOT_UTF8)
    try:
        # Excel's "CSV UTF-8" starts with a byte order mark; utf-8-sig drops it.
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem(NOT_UTF8) from None
    if "\x00" in text:
        # UTF-16 without a byte order mark decodes as UTF-8 full of NULs.
        raise FileProblem(NOT_UTF8)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, [cell.strip() for cell in cells]
    except csv.Error as error:
        raise FileProblem(
            f"Line {reader.line_num} could not be read as CSV ({error}). "
            "Check the file was saved as CSV UTF-8."
        ) from None


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list[str]]]:
    import openpyxl  # only needed for workbooks

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise FileProblem(NOT_A_WORKBOOK) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise FileProblem(
            "The workbook is too large once unpacked. Copy the results into a new "
            "workbook (paste values only), save it and upload it again."
        )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds of error for a broken workbook
        raise FileProblem(NOT_A_WORKBOOK) from None
    try:
        if not workbook.worksheets:
            raise FileProblem("The workbook has no worksheet.")
        yield from _sheet_rows(workbook.worksheets[0])
    finally:
        workbook.close()


def _sheet_rows(sheet) -> Iterator[tuple[int, list[str]]]:
    """The first sheet's rows as text, header first. Refuses any formula: a file of
    results holds the values themselves, not how a spreadsheet worked them out."""
    width = MAX_COLUMNS
    formulas: list[str] = []
    for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
        if number > MAX_ROWS_READ:
            raise _too_many_rows()
        _note_formulas(number, cells, formulas)
        texts = [_cell_text(cell) for cell in cells]
        if any(texts):
            # The header row sets the width; columns right of it are never read.
            width = max(index + 1 for index, text in enumerate(texts) if text)
            yield number, texts[:width]
            header_row = number
            break
    else:
        if formulas:
            raise _formula_problem(formulas)
        return
    for number, cells in enumerate(
        sheet.iter_rows(min_row=header_row + 1, max_col=width), start=header_row + 1
    ):
        if number > MAX_ROWS_READ:
            raise _too_many_rows()
        _note_formulas(number, cells, formulas)
        yield number, [_cell_text(cell) for cell in cells]
    if formulas:
        raise _formula_problem(formulas)


def _note_formulas(number: int, cells: Iterable, formulas: list[str]) -> None:
    from openpyxl.utils import get_column_letter

    for index, cell in enumerate(cells, start=1):
        if cell.data_type == "f":
            formulas.append(f"Row {number}, column {get_column_letter(index)}")


def _formula_problem(formulas: list[str]) -> FileProblem:
    more = len(formulas) - 1
    also = f" (and {more} other cell{'s' if more > 1 else ''})" if more else ""
    return FileProblem(
        f"{formulas[0]} contains a formula{also}: paste values only "
        "(in Excel: copy, then Paste Special, Values), save and upload again."
    )


def _cell_text(cell) -> str:
    """A workbook cell as the text a person would have typed."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
        if "%" in (cell.number_format or ""):
            # Typing 94% in Excel stores 0.94 formatted as a percentage.
            return f"{plain_number(number * 100)}%"
        return plain_number(number)
    if isinstance(value, datetime.datetime | datetime.date):
        # Excel turns a typed 'September 2020' into a date; read it back as that month.
        return f"{value:%Y-%m}"
    return str(value).strip()


def plain_number(number: Decimal) -> str:
    """1200, 94.5, 0.00001: no exponent, no trailing zeros."""
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _data_rows(rows: Iterator[tuple[int, list[str]]]) -> list[FileRow]:
    positions = None
    data: list[FileRow] = []
    for number, cells in rows:
        if not any(cells):
            continue
        if positions is None:
            positions = _column_positions(cells)
            continue
        if len(data) >= MAX_DATA_ROWS:
            raise _too_many_rows()
        data.append(_file_row(number, cells, positions))
    if positions is None:
        raise FileProblem("The file is empty.")
    if not data:
        raise FileProblem("The file has a header row but no rows of results.")
    return data


def _file_row(number: int, cells: list[str], positions: dict[str, int]) -> FileRow:
    def cell(name: str) -> str:
        index = positions[name]
        return cells[index].strip() if index < len(cells) else ""

    return FileRow(
        number=number,
        okr_code=cell("okr_code"),
        unit=cell("unit"),
        period=cell("period"),
        value=cell("value"),
        comment=_unescape(cell("comment")),
    )


def _too_many_rows() -> FileProblem:
    return FileProblem(
        f"The file has more than {MAX_DATA_ROWS:,} rows of results. Upload at most "
        f"{MAX_DATA_ROWS:,} rows at a time: split it into smaller files."
    )


def normalise_header(text: str) -> str:
    """' OKR Code ' → 'okr_code'."""
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def _column_positions(header: list[str]) -> dict[str, int]:
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        raise FileProblem(
            "The columns are not separated by commas. Save the file as CSV UTF-8 "
            "(comma delimited) and upload it again."
        )
    positions: dict[str, int] = {}
    for index, text in enumerate(header):
        name = normalise_header(text)
        if name not in COLUMNS:
            continue  # extra columns are allowed and ignored
        if name in positions:
            raise FileProblem(f"The column {name} appears twice. Keep one and upload again.")
        positions[name] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    if missing:
        raise FileProblem(
            f"The file has no {_and_list(missing)} column{'s' if len(missing) > 1 else ''}. "
            f"The first row must name the columns {', '.join(REQUIRED_COLUMNS)} "
            "(the template has them)."
        )
    return positions


def _and_list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def _unescape(text: str) -> str:
    if text.startswith("'") and text[1:2] and text[1] in _FORMULA_START:
        return text[1:]
    return text


def escape_text(text: str) -> str:
    """Text for a CSV cell that a spreadsheet will show, not run as a formula."""
    return f"'{text}" if text.startswith(_FORMULA_START) else text


# --- Rows to changes -------------------------------------------------------------


class RowOutcome:
    """What a row of a file does. The planner's words, plus 'skipped'."""

    NEW = Outcome.NEW.value
    CHANGED = Outcome.CHANGED.value
    UNCHANGED = Outcome.UNCHANGED.value
    ERROR = Outcome.ERROR.value
    SKIPPED = "skipped"

    ORDER = (NEW, CHANGED, UNCHANGED, ERROR, SKIPPED)


@dataclass
class UploadRow:
    row: FileRow
    change: ResultChange | None = None
    outcome: str = ""
    messages: list[str] = field(default_factory=list)
    # Saving would write it (new, changed, or a draft now submitted).
    writes: bool = False
    # The version of the result it would change, as the preview saw it.
    existing_version: int | None = None

    @property
    def message(self) -> str:
        return "; ".join(self.messages)

    def refuse(self, message: str) -> None:
        self.outcome = RowOutcome.ERROR
        self.messages.append(message)


@dataclass
class Lookups:
    """What a file's rows name, found in a fixed number of queries."""

    key_results: dict[str, KeyResult]
    units: dict[str, list[OrganisationalUnit]]
    periods: dict[tuple[str, datetime.date], ReportingPeriod]


def load_lookups(rows: list[FileRow]) -> Lookups:
    """The OKRs (with their targets), units and periods the rows name: four queries."""
    codes = {row.okr_code for row in rows if row.okr_code}
    key_results = KeyResult.objects.filter(
        code__in=codes | {code.lower() for code in codes}
    ).prefetch_related(Prefetch("targets", queryset=Target.objects.order_by("effective_from")))
    units: dict[str, list[OrganisationalUnit]] = defaultdict(list)
    for unit in OrganisationalUnit.objects.all():
        for name in {_name_key(unit.slug), _name_key(unit.short_name)}:
            units[name].append(unit)
    spans = {span for row in rows if (span := _span(row.period)) is not None}
    found = ReportingPeriod.objects.filter(starts_on__in={span.starts_on for span in spans})
    return Lookups(
        key_results={key_result.code: key_result for key_result in key_results},
        units=dict(units),
        periods={(period.frequency, period.starts_on): period for period in found},
    )


def _name_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _span(label: str) -> periods.PeriodSpan | None:
    """The period a label names, tolerating case ('september 2020', 'q2 2020/21')."""
    text = " ".join(label.split())
    for candidate in (text, text.title(), text.upper()):
        try:
            return periods.parse_period_label(candidate)
        except ValueError:
            continue
    return None


def _is_empty_value(raw: str) -> bool:
    """Empty as the planner reads it ('' or only '£', '%', commas or spaces)."""
    try:
        return parse_number(raw) is None
    except ValueError:
        return False


def build_changes(rows: list[FileRow], lookups: Lookups) -> list[UploadRow]:
    """Each row as a `ResultChange`, or why it cannot be one. Pure given the lookups."""
    built = []
    for row in rows:
        item = UploadRow(row=row)
        built.append(item)
        if _is_empty_value(row.value):
            if row.comment:
                item.refuse(
                    "Enter a value. An empty value leaves the result as it is, "
                    "so a comment cannot be saved without one"
                )
            else:
                item.outcome = RowOutcome.SKIPPED
                item.messages.append("No value: left as it is")
            continue
        key_result = _find_key_result(item, lookups)
        unit = _find_unit(item, lookups)
        period = _find_period(item, lookups)
        if item.outcome == RowOutcome.ERROR:
            continue
        item.change = ResultChange(
            key_result=key_result,
            unit=unit,
            period=period,
            raw_value=row.value,
            comment=row.comment,
            check_version=False,
            label=f"row {row.number}",
        )
    _refuse_duplicates(built)
    return built


def _find_key_result(item: UploadRow, lookups: Lookups) -> KeyResult | None:
    code = item.row.okr_code
    if not code:
        item.refuse("Enter the OKR code")
        return None
    found = lookups.key_results.get(code) or lookups.key_results.get(code.lower())
    if found is None:
        item.refuse(f"There is no OKR with the code {code}")
    return found


def _find_unit(item: UploadRow, lookups: Lookups) -> OrganisationalUnit | None:
    name = item.row.unit
    if not name:
        item.refuse("Enter the unit")
        return None
    found = lookups.units.get(_name_key(name), [])
    if not found:
        item.refuse(f"There is no unit called {name}: use its short name or slug, e.g. Bucks MH")
        return None
    if len(found) > 1:
        item.refuse(f"More than one unit is called {name}: use its slug")
        return None
    return found[0]


def _find_period(item: UploadRow, lookups: Lookups) -> ReportingPeriod | None:
    label = item.row.period
    if not label:
        item.refuse("Enter the period, e.g. Q2 2020/21 or September 2020")
        return None
    span = _span(label)
    if span is None:
        item.refuse(f"{label} is not a period: write Q2 2020/21 or September 2020")
        return None
    found = lookups.periods.get((span.frequency, span.starts_on))
    if found is None:
        item.refuse(
            f"{periods.period_label(span.frequency, span.starts_on)} is not a reporting "
            "period yet: results can be entered only for periods that have been set up"
        )
    return found


def _refuse_duplicates(rows: list[UploadRow]) -> None:
    """Two rows for one OKR, unit and period: which should win is not ours to guess."""
    by_key: dict[tuple[int, int, int], list[UploadRow]] = defaultdict(list)
    for item in rows:
        if item.change is not None:
            change = item.change
            by_key[(change.key_result.pk, change.unit.pk, change.period.pk)].append(item)
    for same in by_key.values():
        if len(same) < 2:
            continue
        for item in same:
            others = ", ".join(str(other.row.number) for other in same if other is not item)
            item.change = None
            rows_give = f"Rows {others} also give" if len(same) > 2 else f"Row {others} also gives"
            item.refuse(f"{rows_give} this OKR, unit and period: keep one row")


# --- Preview and commit ----------------------------------------------------------


@dataclass
class UploadPreview:
    rows: list[UploadRow]
    reason: str = ""
    general_errors: list[str] = field(default_factory=list)
    # After a commit: how many values were written.
    saved: int | None = None
    # A confirmation was refused because results changed since the preview was shown.
    stale: bool = False

    @property
    def has_errors(self) -> bool:
        return bool(self.general_errors) or any(
            row.outcome == RowOutcome.ERROR for row in self.rows
        )

    @property
    def changes(self) -> list[ResultChange]:
        return [row.change for row in self.rows if row.change is not None]

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(RowOutcome.ORDER, 0)
        for row in self.rows:
            counts[row.outcome] += 1
        return counts

    @property
    def writes(self) -> int:
        return sum(1 for row in self.rows if row.writes)

    @property
    def error_rows(self) -> list[UploadRow]:
        return [row for row in self.rows if row.outcome == RowOutcome.ERROR]

    @property
    def needs_reason_only(self) -> bool:
        return self.general_errors == [REASON_REQUIRED] and not self.error_rows

    @property
    def fingerprint(self) -> str:
        """What the preview showed, so a confirmation can tell it is still true."""
        shown = "\n".join(
            f"{row.row.number}:{row.outcome}:{row.existing_version}:{row.writes}"
            for row in self.rows
        )
        return hashlib.sha256(f"{self.reason}\n{shown}".encode()).hexdigest()


def preview_rows(
    *, by, rows: list[FileRow], reason: str, today: datetime.date, lock: bool = False
) -> UploadPreview:
    """What saving these rows would do, row by row, writing nothing.

    The planner sees the rows a unit and period at a time, so a refusal (not this
    person's unit, window closed) marks the rows it concerns. The existing results
    are read once for all of them (and locked until the transaction ends, with
    `lock`, so a commit that follows saves exactly what this preview says).
    """
    built = build_changes(rows, load_lookups(rows))
    preview = UploadPreview(rows=built, reason=reason.strip())
    planned = [row for row in built if row.change is not None]
    existing = existing_results([row.change for row in planned], lock=lock)
    groups: dict[tuple[int, int], list[UploadRow]] = defaultdict(list)
    for row in planned:
        groups[(row.change.unit.pk, row.change.period.pk)].append(row)
    for group in groups.values():
        plan = plan_result_changes(
            by=by,
            changes=[row.change for row in group],
            submit=True,
            reason=reason,
            today=today,
            existing=existing,
        )
        _record_plan(preview, group, plan)
        for problem in plan.general_errors:
            if problem != REASON_REQUIRED:
                for row in group:
                    row.refuse(problem)
    return preview


def _record_plan(preview: UploadPreview, rows: list[UploadRow], plan: ChangePlan) -> None:
    writes = {id(item) for item in plan.writes}
    for row, item in zip(rows, plan.items, strict=True):
        row.writes = id(item) in writes
        row.existing_version = item.existing.version if item.existing else None
        if item.errors:
            row.refuse(item.message)
        elif item.outcome in (Outcome.EMPTY, Outcome.REMOVED):  # pragma: no cover - see below
            # Rows with an empty value never reach the planner (build_changes), so an
            # upload cannot empty a value; refuse rather than trust that silently.
            row.refuse("An upload cannot remove a value")
        else:
            row.outcome = item.outcome.value
            if row.writes and item.outcome == Outcome.UNCHANGED:
                row.messages.append("Draft: will be submitted")
    for problem in plan.general_errors:
        if problem not in preview.general_errors:
            preview.general_errors.append(problem)


@transaction.atomic
def import_file(
    *,
    by,
    filename: str,
    content: bytes,
    reason: str,
    today: datetime.date,
    dry_run: bool = False,
) -> UploadPreview:
    """Read a file, preview it and, unless it is a dry run or has errors, save it:
    the command line's import. Raises `FileProblem` if the file cannot be read."""
    rows = read_result_file(filename, content)
    preview = preview_rows(by=by, rows=rows, reason=reason, today=today, lock=not dry_run)
    if dry_run:
        return preview
    return commit_preview(by=by, preview=preview, today=today)


@transaction.atomic
def commit_preview(*, by, preview: UploadPreview, today: datetime.date) -> UploadPreview:
    """Save every change in the preview, or none.

    `apply_result_changes` plans again with the rows locked, so a value someone
    changed since the preview is compared afresh, never overwritten blindly. If that
    plan finds a problem, the returned preview shows it and nothing is saved.
    """
    if preview.has_errors:
        return preview
    changes = [row for row in preview.rows if row.change is not None]
    plan = apply_result_changes(
        by=by,
        changes=[row.change for row in changes],
        submit=True,
        reason=preview.reason,
        today=today,
    )
    if plan.has_errors:
        fresh = UploadPreview(rows=preview.rows, reason=preview.reason)
        for row in changes:
            row.messages, row.writes = [], False
        _record_plan(fresh, changes, plan)
        return fresh
    preview.saved = len(plan.writes)
    return preview


# --- Uploads kept between preview and confirmation -------------------------------
# Writes to ResultUpload (a staging record, not a result): atomic, by the uploader.


@transaction.atomic
def store_upload(*, by, filename: str, content: bytes, reason: str) -> ResultUpload:
    """Keep a readable file for its preview; a `FileProblem` if it cannot be read."""
    rows = read_result_file(filename, content)
    name = Path(filename).name
    if len(name) > 255:
        # Keep the extension: the stored file is read again by it.
        suffix = Path(name).suffix
        name = name[: 255 - len(suffix)] + suffix
    return ResultUpload.objects.create(
        uploaded_by=by,
        filename=name,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        row_count=len(rows),
        reason=reason.strip(),
    )


def preview_upload(
    *, by, upload: ResultUpload, today: datetime.date, lock: bool = False
) -> UploadPreview:
    """A stored upload, read again and planned against the results as they are now."""
    return preview_rows(
        by=by,
        rows=read_result_file(upload.filename, bytes(upload.content)),
        reason=upload.reason,
        today=today,
        lock=lock,
    )


@transaction.atomic
def set_upload_reason(*, by, upload: ResultUpload, reason: str) -> None:
    upload.reason = reason.strip()
    upload.save(update_fields=["reason"])


@transaction.atomic
def commit_upload(*, by, upload: ResultUpload, today: datetime.date, seen: str) -> UploadPreview:
    """Save a stored upload, all or nothing, from its stored content (re-read and
    re-planned now, with the results concerned locked).

    `seen` is the fingerprint of the preview the person confirmed: if anything has
    changed since (someone saved one of these values), nothing is saved and the
    returned preview, marked stale, shows the rows as they now are. Marks the
    upload committed when saved; a second confirmation saves nothing.
    """
    upload = ResultUpload.objects.select_for_update().get(pk=upload.pk)
    preview = preview_upload(by=by, upload=upload, today=today, lock=True)
    if upload.committed_at is not None:
        preview.general_errors.append("This file has already been saved.")
        return preview
    if preview.fingerprint != seen:
        preview.stale = True
        return preview
    preview = commit_preview(by=by, preview=preview, today=today)
    if preview.saved is not None:
        upload.committed_at = timezone.now()
        upload.committed_by = by
        upload.save(update_fields=["committed_at", "committed_by"])
    return preview


# Unconfirmed uploads are kept this long, then removed: long enough to come back to
# a preview after a weekend or a holiday, short enough that files nobody saved (which
# may hold unpublished figures) do not pile up. Confirmed ones are kept: they are the
# record of where the saved values came from.
UNCONFIRMED_UPLOAD_DAYS = 30


@transaction.atomic
def prune_unconfirmed_uploads(*, older_than_days: int, now: datetime.datetime) -> int:
    """Delete the uploads never confirmed and older than the given number of days;
    the number deleted."""
    cutoff = now - datetime.timedelta(days=older_than_days)
    deleted, _ = ResultUpload.objects.filter(
        committed_at__isnull=True, uploaded_at__lt=cutoff
    ).delete()
    return deleted


# --- Templates -------------------------------------------------------------------


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
                        0 if key_result.measure == "count" else key_result.decimal_places
                    ),
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
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=number, column=column, value=value)
            if isinstance(value, str):
                # A string starting with '=' would otherwise be stored as a formula.
                cell.data_type = "s"
            if column in (5, 6, 7):
                cell.number_format = number_format
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGH", (28, 60, 18, 16, 10, 14, 10, 50), strict=True):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_filename(unit: OrganisationalUnit, period: ReportingPeriod, fmt: str) -> str:
    label = re.sub(r"[^a-z0-9]+", "-", period.label.lower()).strip("-")
    return f"results-{unit.slug}-{label}.{fmt}"
