"""Reading an uploaded file of results: a CSV or XLSX to the rows it holds, or a
`FileProblem` saying plainly what is wrong with the file and what to do.

Pure (no database). A file is what a person sends, so anything in it may be odd:
whatever fails while reading it is the file's problem, reported to them, never an
error of the portal. Limits are checked before the work they bound.
"""

import codecs
import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from objectives.text import PARAGRAPH
from okrs.formatting import plain_number

# Limits, stated to the person when a file goes over them.
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DATA_ROWS = 20_000
# An .xlsx is a zip: refuse one that would unpack to far more than 20,000 rows of
# results could need (a "zip bomb"), before openpyxl reads it. A template of 20,000
# rows unpacks to about 13 MB and reads in about 4 s; the slowest 30 MB sheet made by
# hand (every cell out of the columns read) takes 12–15 s.
MAX_UNPACKED_BYTES = 30 * 1024 * 1024
# Columns read from a workbook's header row; anything further right is ignored. A CSV
# whose header is wider is refused: it is not a file of results.
MAX_COLUMNS = 50
# Blank rows are not counted as data, but reading stops somewhere.
MAX_ROWS_READ = 5 * MAX_DATA_ROWS
# The longest comment a result may hold, as on the entry page.
COMMENT_MAX_LENGTH = PARAGRAPH

# Characters nobody types into a spreadsheet cell, which the database may refuse
# (PostgreSQL refuses NUL in any text): C0 controls but tab, line feed and return.
# Typed text has them removed (objectives/text.py); a file holding one is refused
# with the cell named, so what is saved is what the file says.
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

COLUMNS = (
    "okr_code",
    "okr_statement",
    "unit",
    "period",
    "target",
    "previous_value",
    "value",
    "comment",
    # For an OKR whose value is worked out from them (the value is then left empty).
    "numerator",
    "denominator",
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


@dataclass(frozen=True)
class FileRow:
    """One data row as written in the file, numbered as a spreadsheet shows it."""

    number: int
    okr_code: str
    unit: str
    period: str
    value: str
    comment: str
    numerator: str = ""
    denominator: str = ""
    # The version of the stored result the sender saw, when they say (the API's
    # rows may): a row based on an older one is refused, never overwrites it. None
    # with `check_version`: they saw no value, so one stored meanwhile is refused.
    seen_version: int | None = None
    check_version: bool = False


@dataclass(frozen=True)
class Layout:
    """The columns a kind of file is read by, and what its rows hold (for messages)."""

    columns: tuple[str, ...]
    required: tuple[str, ...]
    rows_of: str
    has_template: bool = True


RESULTS = Layout(COLUMNS, REQUIRED_COLUMNS, "results")


def read_result_file(filename: str, content: bytes) -> list[FileRow]:
    """The data rows of an uploaded CSV or XLSX, or a `FileProblem` saying why not."""
    return [_file_row(number, cells) for number, cells in read_table(filename, content, RESULTS)]


def read_table(filename: str, content: bytes, layout: Layout) -> list[tuple[int, dict]]:
    """The data rows of an uploaded CSV or XLSX read by `layout`: each row's number
    (as a spreadsheet shows it) and its cells by column name, stripped; or a
    `FileProblem` saying why not."""
    if len(content) > MAX_FILE_BYTES:
        raise FileProblem(too_large(f"The file is {size_text(len(content))}."))
    if not content.strip():
        raise FileProblem("The file is empty.")
    kind = file_kind(filename, content)
    rows = _xlsx_rows(content) if kind == "xlsx" else _csv_rows(content)
    return _data_rows(rows, layout)


def too_large(first_sentence: str) -> str:
    return (
        f"{first_sentence} The largest file you can upload is {size_text(MAX_FILE_BYTES)}: "
        "split it into smaller files."
    )


def size_text(size: int) -> str:
    """5242880 → '5 MB', 1572864 → '1.5 MB', 102400 → '100 KB', 100 → '100 bytes'."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f}".removesuffix(".0") + " MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


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
    if text.count("\x00") > len(text) // 10:
        # UTF-16 without a byte order mark decodes as UTF-8 full of NULs. (A stray NUL
        # is refused with the cell it is in, like any control character.)
        raise FileProblem(NOT_UTF8)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, [cell.strip() for cell in cells]
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise FileProblem(
                f"Line {reader.line_num} has a cell of more than {csv.field_size_limit():,} "
                "characters: a file of results holds values and short comments. "
                "Shorten it and upload again."
            ) from None
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
        sheet = workbook.worksheets[0]
        # The size a sheet declares is not trusted either way (rows below it would be
        # missed): the rows read are the rows it holds, up to MAX_ROWS_READ.
        sheet.reset_dimensions()
        yield from _sheet_rows(sheet)
    except FileProblem:
        raise
    except Exception:
        # The reader found something no spreadsheet program writes (a number cell
        # holding 'abc', a date in month 13, a shared text that does not exist, XML
        # cut short): the file is damaged or was made by hand. openpyxl raises many
        # kinds of error for these, so any error here is the file's problem.
        raise FileProblem(NOT_A_WORKBOOK) from None
    finally:
        workbook.close()


def _sheet_rows(sheet) -> Iterator[tuple[int, list[str]]]:
    """The first sheet's rows as text, header first. Refuses any formula: a file of
    results holds the values themselves, not how a spreadsheet worked them out."""
    width = MAX_COLUMNS
    formulas: list[str] = []
    for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
        if number > MAX_ROWS_READ:
            raise _rows_too_far_down()
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
            raise _rows_too_far_down()
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


def _data_rows(rows: Iterator[tuple[int, list[str]]], layout: Layout) -> list[tuple[int, dict]]:
    positions = None
    data: list[tuple[int, dict]] = []
    for number, cells in rows:
        if not any(cells):
            continue
        if positions is None:
            positions = _column_positions(cells, layout)
            continue
        if len(data) >= MAX_DATA_ROWS:
            raise _too_many_rows(layout)
        _refuse_control_characters(number, cells, positions)
        data.append(
            (
                number,
                {
                    name: cells[index].strip() if index < len(cells) else ""
                    for name, index in positions.items()
                },
            )
        )
    if positions is None:
        raise FileProblem("The file is empty.")
    if not data:
        raise FileProblem(f"The file has a header row but no rows of {layout.rows_of}.")
    return data


def _file_row(number: int, cells: dict) -> FileRow:
    return FileRow(
        number=number,
        okr_code=cells.get("okr_code", ""),
        unit=cells.get("unit", ""),
        period=cells.get("period", ""),
        value=cells.get("value", ""),
        comment=_unescape(cells.get("comment", "")),
        numerator=cells.get("numerator", ""),
        denominator=cells.get("denominator", ""),
    )


def _refuse_control_characters(number: int, cells: list[str], positions: dict[str, int]) -> None:
    for index in sorted(positions.values()):
        if index < len(cells) and (found := CONTROL_CHARACTER.search(cells[index])):
            raise FileProblem(
                f"Row {number}, column {column_letter(index)} contains a control character "
                f"(U+{ord(found.group()):04X}) that cannot be saved. Delete it (retyping the "
                "cell will do), save and upload again."
            )


def column_letter(index: int) -> str:
    """0 → 'A', 25 → 'Z', 26 → 'AA': the column as a spreadsheet names it."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _rows_too_far_down() -> FileProblem:
    return FileProblem(
        f"The worksheet goes on past row {MAX_ROWS_READ:,}. Delete the rows below your "
        f"results (at most {MAX_DATA_ROWS:,} rows at a time), save and upload again."
    )


def _too_many_rows(layout: Layout) -> FileProblem:
    return FileProblem(
        f"The file has more than {MAX_DATA_ROWS:,} rows of {layout.rows_of}. Upload at most "
        f"{MAX_DATA_ROWS:,} rows at a time: split it into smaller files."
    )


def normalise_header(text: str) -> str:
    """' OKR Code ' → 'okr_code'."""
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def _column_positions(header: list[str], layout: Layout) -> dict[str, int]:
    required = ", ".join(layout.required)
    template = " (the template has them)" if layout.has_template else ""
    width = max(index + 1 for index, text in enumerate(header) if text)
    if width > MAX_COLUMNS:
        raise FileProblem(
            f"The first row has {width:,} columns. A file of {layout.rows_of} has at most "
            f"{MAX_COLUMNS}: keep the columns {required}{template}, delete the others, "
            "save and upload again."
        )
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        raise FileProblem(
            "The columns are not separated by commas. Save the file as CSV UTF-8 "
            "(comma delimited) and upload it again."
        )
    positions: dict[str, int] = {}
    for index, text in enumerate(header):
        name = normalise_header(text)
        if name not in layout.columns:
            continue  # extra columns are allowed and ignored
        if name in positions:
            raise FileProblem(f"The column {name} appears twice. Keep one and upload again.")
        positions[name] = index
    missing = [name for name in layout.required if name not in positions]
    if missing:
        raise FileProblem(
            f"The file has no {_and_list(missing)} column{'s' if len(missing) > 1 else ''}. "
            f"The first row must name the columns {required}{template}."
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
