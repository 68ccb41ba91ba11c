"""Reading uploaded files of results and turning rows into changes (no database)."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from objectives.models import OrganisationalUnit
from okrs import imports
from okrs.imports import FileProblem, FileRow, Lookups, RowOutcome, read_result_file
from okrs.models import KeyResult, ReportingPeriod
from tests.crafted_files import CRAFTED

HEADER = "okr_code,okr_statement,unit,period,target,previous_value,value,comment"


def csv_bytes(*lines: str, encoding: str = "utf-8") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def problem(filename: str, content: bytes) -> str:
    with pytest.raises(FileProblem) as raised:
        read_result_file(filename, content)
    return str(raised.value)


# --- Reading ---------------------------------------------------------------------


def test_a_csv_is_read_with_spreadsheet_row_numbers():
    rows = read_result_file(
        "results.csv",
        csv_bytes(
            HEADER,
            "quality-cccs-training,Training,bucks-mh,Q2 2020/21,95,93,94.5,",
            "",
            'quality-staff-sickness,"Sickness, all staff",Bucks MH,Q2 2020/21,3.5,,4,"Winter, flu"',
        ),
    )
    assert rows == [
        FileRow(2, "quality-cccs-training", "bucks-mh", "Q2 2020/21", "94.5", ""),
        FileRow(4, "quality-staff-sickness", "Bucks MH", "Q2 2020/21", "4", "Winter, flu"),
    ]


def test_utf8_with_a_byte_order_mark_is_read():
    content = b"\xef\xbb\xbf" + csv_bytes(
        "okr_code,unit,period,value,comment", "a,trust,Q2 2020/21,£1,200,Café"
    )
    # '£1' and '200' are two cells here: the comma is the separator.
    assert read_result_file("r.csv", content)[0].comment == "200"
    content = b"\xef\xbb\xbf" + csv_bytes(
        "okr_code,unit,period,value,comment", 'a,trust,Q2 2020/21,"£1,200",Café – ok'
    )
    row = read_result_file("r.csv", content)[0]
    assert (row.value, row.comment) == ("£1,200", "Café – ok")


def test_columns_in_any_order_any_case_extra_ones_ignored():
    rows = read_result_file(
        "r.CSV",
        csv_bytes(" Comment , VALUE,Period,notes,Unit,OKR code", "why,94,Q2 2020/21,x,trust,abc"),
    )
    assert rows == [FileRow(2, "abc", "trust", "Q2 2020/21", "94", "why")]


@pytest.mark.parametrize("content", [b"", b"   \r\n"])
def test_an_empty_file_is_refused(content):
    assert problem("r.csv", content) == "The file is empty."


def test_a_header_without_rows_is_refused():
    assert problem("r.csv", csv_bytes(HEADER, ",,,,,,,")) == (
        "The file has a header row but no rows of results."
    )


def test_missing_columns_are_named():
    message = problem("r.csv", csv_bytes("okr_code,unit,period", "a,b,c"))
    assert message.startswith("The file has no value or comment columns.")
    assert "okr_code, unit, period, value, comment" in message
    assert problem("r.csv", csv_bytes("code,unit,period,value,comment", "a,b,c,d,e")).startswith(
        "The file has no okr_code column."
    )


def test_a_column_given_twice_is_refused():
    assert "The column value appears twice" in problem(
        "r.csv", csv_bytes("okr_code,unit,period,value,comment,Value", "a,b,c,1,,2")
    )


def test_semicolon_separated_files_get_a_clear_message():
    assert "not separated by commas" in problem(
        "r.csv", csv_bytes("okr_code;unit;period;value;comment", "a;b;c;1;")
    )


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16"])
def test_a_csv_not_in_utf8_is_refused(encoding):
    content = csv_bytes(
        "okr_code,unit,period,value,comment", "a,trust,Q2 2020/21,£5,Café", encoding=encoding
    )
    assert "Save the file as CSV UTF-8" in problem("r.csv", content)


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("results.txt", b"okr_code,unit", "Upload a CSV (.csv) or Excel (.xlsx) file"),
        ("results.pdf", b"%PDF-1.4", "Upload a CSV (.csv) or Excel (.xlsx) file"),
        ("results", b"okr_code,unit", "Upload a CSV (.csv) or Excel (.xlsx) file"),
        ("results.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "(.xls) cannot be read"),
        ("results.xlsx", b"okr_code,unit,period,value,comment\r\n", "as an Excel workbook"),
        ("results.xlsx", b"PK\x03\x04not really a zip", "as an Excel workbook"),
        ("results.csv", xlsx_bytes([["okr_code"]]), "is named .csv but is a spreadsheet"),
    ],
)
def test_files_that_are_not_csv_or_xlsx_are_refused(filename, content, message):
    assert message in problem(filename, content)


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hello")
    assert "as an Excel workbook" in problem("r.xlsx", out.getvalue())


def test_a_file_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(imports.reading, "MAX_FILE_BYTES", 100)
    content = csv_bytes(HEADER, *["a,b,trust,Q2 2020/21,1,2,3,"] * 10)
    assert problem("r.csv", content) == (
        "The file is 362 bytes. The largest file you can upload is 100 bytes: "
        "split it into smaller files."
    )
    assert imports.reading.size_text(5 * 1024 * 1024) == "5 MB"
    assert imports.reading.size_text(1536 * 1024) == "1.5 MB"


def test_the_size_limit_is_five_megabytes_and_twenty_thousand_rows():
    assert imports.MAX_FILE_BYTES == 5 * 1024 * 1024
    assert imports.MAX_DATA_ROWS == 20_000


def test_too_many_rows_are_refused_up_front(monkeypatch):
    monkeypatch.setattr(imports.reading, "MAX_DATA_ROWS", 3)
    content = csv_bytes(HEADER, *["a,b,trust,Q2 2020/21,,,3,"] * 4)
    assert problem("r.csv", content) == (
        "The file has more than 3 rows of results. Upload at most 3 rows at a time: "
        "split it into smaller files."
    )
    assert len(read_result_file("r.csv", csv_bytes(HEADER, *["a,b,trust,Q2 2020/21,,,3,"] * 3)))


def test_a_broken_csv_gets_a_message_not_a_traceback():
    content = csv_bytes("okr_code,unit,period,value,comment", 'a,b,c,"1' + "x" * 200_000)
    assert "Line 2 has a cell of more than 131,072 characters" in problem("r.csv", content)


def test_an_xlsx_is_read_as_typed():
    content = xlsx_bytes(
        [
            ["OKR_code", "unit", "period", "value", "comment"],
            ["quality-cccs-training", "bucks-mh", "Q2 2020/21", 94.5, None],
            [None, None, None, None, None],
            ["quality-staff-sickness", "Bucks MH", "Q2 2020/21", 4, "Winter"],
            ["quality-cccs-training", "trust", datetime.datetime(2020, 9, 1), 1200.0, ""],
        ]
    )
    rows = read_result_file("r.xlsx", content)
    assert rows == [
        FileRow(2, "quality-cccs-training", "bucks-mh", "Q2 2020/21", "94.5", ""),
        FileRow(4, "quality-staff-sickness", "Bucks MH", "Q2 2020/21", "4", "Winter"),
        # Excel turns a typed 'September 2020' into a date: it reads back as that month.
        FileRow(5, "quality-cccs-training", "trust", "2020-09", "1200", ""),
    ]


def test_an_xlsx_percentage_cell_reads_as_the_percentage_typed():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["okr_code", "unit", "period", "value", "comment"])
    sheet.append(["a", "trust", "Q2 2020/21", 0.945, ""])
    sheet["D2"].number_format = "0.0%"
    out = io.BytesIO()
    workbook.save(out)
    assert read_result_file("r.xlsx", out.getvalue())[0].value == "94.5%"


def test_an_xlsx_with_a_formula_is_refused():
    content = xlsx_bytes(
        [
            ["okr_code", "unit", "period", "value", "comment"],
            ["a", "trust", "Q2 2020/21", 94, ""],
            ["b", "trust", "Q2 2020/21", "=A1*2", ""],
            ["c", "trust", "Q2 2020/21", "=SUM(D2:D3)", ""],
        ]
    )
    assert problem("r.xlsx", content) == (
        "Row 3, column D contains a formula (and 1 other cell): paste values only "
        "(in Excel: copy, then Paste Special, Values), save and upload again."
    )


def test_an_empty_workbook_is_refused():
    assert problem("r.xlsx", xlsx_bytes([])) == "The file is empty."


def test_a_workbook_too_big_once_unpacked_is_refused(monkeypatch):
    monkeypatch.setattr(imports.reading, "MAX_UNPACKED_BYTES", 1000)
    content = xlsx_bytes([["okr_code", "unit", "period", "value", "comment"], ["a"] * 5])
    assert "too large once unpacked" in problem("r.xlsx", content)


@pytest.mark.parametrize("case", list(CRAFTED))
def test_a_crafted_or_damaged_file_is_the_files_problem_never_a_crash(case):
    """Whatever goes wrong reading a file is reported to the person as a problem
    with their file, in words they can act on."""
    filename, content, message = CRAFTED[case]
    assert message in problem(filename, content)


def test_a_declared_sheet_size_is_not_trusted():
    """A workbook may claim any size: the rows read are the rows it holds."""
    from tests.crafted_files import data_row, sheet_xml, text_cell, workbook

    content = workbook(
        sheet_xml(
            data_row(text_cell("D2", "95")) + data_row(text_cell("D3", "96"), number=3),
            dimension="A1:XFD1048576",
        )
    )
    assert [row.value for row in read_result_file("r.xlsx", content)] == ["95", "96"]
    content = workbook(sheet_xml(data_row(text_cell("D9", "97"), number=9), dimension="A1:E2"))
    assert [(row.number, row.value) for row in read_result_file("r.xlsx", content)] == [(9, "97")]


# --- Templates -------------------------------------------------------------------


def template_row(**fields) -> imports.TemplateRow:
    values = {
        "okr_code": "quality-cccs-training",
        "okr_statement": "We will achieve 95% compliance in CCCS training",
        "unit": "bucks-mh",
        "period": "Q2 2020/21",
        "target": Decimal("95.0000"),
        "previous_value": Decimal("93.0000"),
        "value": Decimal("94.5000"),
        "comment": "On track",
        "decimal_places": 1,
    }
    return imports.TemplateRow(**{**values, **fields})


def test_a_csv_template_reads_back_as_it_was_written():
    rows = [
        template_row(),
        template_row(okr_code="b", value=None, comment=""),
        # A comment a spreadsheet would run as a formula is written safely, read back as is.
        template_row(okr_code="c", value=Decimal("-5"), comment="=1+2 – and “quotes”"),
    ]
    content = imports.template_csv(rows)
    assert content.startswith(b"\xef\xbb\xbf" + HEADER.encode())
    assert b"'=1+2" in content
    read = read_result_file("template.csv", content)
    assert [(row.okr_code, row.value, row.comment) for row in read] == [
        ("quality-cccs-training", "94.5", "On track"),
        ("b", "", ""),
        ("c", "-5", "=1+2 – and “quotes”"),
    ]


def test_an_xlsx_template_has_values_only_a_bold_header_and_number_formats():
    rows = [template_row(), template_row(okr_code="c", comment="=HYPERLINK(1)", decimal_places=0)]
    content = imports.template_xlsx(rows)
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.active
    assert [cell.value for cell in sheet[1]] == list(imports.COLUMNS)
    assert all(cell.font.bold for cell in sheet[1])
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert sheet["G2"].number_format == "0.0" and sheet["G3"].number_format == "0"
    assert sheet["G2"].value == Decimal("94.5") or sheet["G2"].value == 94.5
    read = read_result_file("template.xlsx", content)
    assert [(row.value, row.comment) for row in read] == [
        ("94.5", "On track"),
        ("94.5", "=HYPERLINK(1)"),
    ]


def test_helpers():
    assert imports.normalise_header("  OKR Code ") == "okr_code"
    assert imports.normalise_header("previous-value") == "previous_value"
    assert imports.escape_text("-5 on last month") == "'-5 on last month"
    assert imports.escape_text("fine") == "fine"


# --- Rows to changes -------------------------------------------------------------


def lookups() -> Lookups:
    cccs = KeyResult(pk=1, code="quality-cccs-training", frequency="quarterly")
    sickness = KeyResult(pk=2, code="quality-staff-sickness", frequency="quarterly")
    bucks = OrganisationalUnit(pk=1, slug="bucks-mh", short_name="Bucks MH")
    trust = OrganisationalUnit(pk=2, slug="trust", short_name="Trust")
    twin_a = OrganisationalUnit(pk=3, slug="twin-a", short_name="Twin")
    twin_b = OrganisationalUnit(pk=4, slug="twin-b", short_name="Twin")
    q2 = ReportingPeriod(pk=1, frequency="quarterly", starts_on=datetime.date(2020, 7, 1))
    return Lookups(
        key_results={kr.code: kr for kr in (cccs, sickness)},
        units={
            "bucks-mh": [bucks],
            "bucks mh": [bucks],
            "trust": [trust],
            "twin-a": [twin_a],
            "twin-b": [twin_b],
            "twin": [twin_a, twin_b],
        },
        periods={("quarterly", datetime.date(2020, 7, 1)): q2},
    )


def built(*rows: tuple[str, str, str, str, str]):
    file_rows = [FileRow(number, *row) for number, row in enumerate(rows, start=2)]
    return imports.build_changes(file_rows, lookups())


def test_rows_become_changes_labelled_with_their_row():
    (row,) = built(("QUALITY-CCCS-TRAINING", "bucks mh", "q2 2020/21", "94%", " ok "))
    assert row.outcome == "" and row.messages == []
    change = row.change
    assert (change.key_result.pk, change.unit.pk, change.period.pk) == (1, 1, 1)
    assert (change.raw_value, change.comment, change.label) == ("94%", " ok ", "row 2")
    assert change.check_version is False


def test_rows_without_a_value_or_comment_are_skipped_never_emptied():
    rows = built(
        ("quality-cccs-training", "bucks-mh", "Q2 2020/21", "", ""),
        ("unknown", "nowhere", "never", " % ", ""),
        ("quality-cccs-training", "trust", "Q2 2020/21", "", "Comment alone"),
    )
    assert [row.outcome for row in rows] == [RowOutcome.SKIPPED, RowOutcome.SKIPPED, "error"]
    assert rows[2].message.startswith("Enter a value. An empty value leaves the result as it is")
    assert all(row.change is None for row in rows)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (("nope", "trust", "Q2 2020/21", "1", ""), "There is no OKR with the code nope"),
        (("", "trust", "Q2 2020/21", "1", ""), "Enter the OKR code"),
        (
            ("quality-cccs-training", "Mars", "Q2 2020/21", "1", ""),
            "There is no unit called Mars: use its short name or slug, e.g. Bucks MH",
        ),
        (("quality-cccs-training", "", "Q2 2020/21", "1", ""), "Enter the unit"),
        (
            ("quality-cccs-training", "Twin", "Q2 2020/21", "1", ""),
            "More than one unit is called Twin: use its slug",
        ),
        (
            ("quality-cccs-training", "trust", "Q5 2020", "1", ""),
            "Q5 2020 is not a period: write Q2 2020/21 or September 2020",
        ),
        (
            ("quality-cccs-training", "trust", "", "1", ""),
            "Enter the period, e.g. Q2 2020/21 or September 2020",
        ),
        (
            ("quality-cccs-training", "trust", "Q3 2031/32", "1", ""),
            "Q3 2031/32 is not a reporting period yet: results can be entered only for "
            "periods that have been set up",
        ),
    ],
)
def test_rows_naming_what_does_not_exist_are_errors(row, message):
    (result,) = built(row)
    assert result.outcome == RowOutcome.ERROR and result.message == message
    assert result.change is None


def test_every_problem_of_a_row_is_given():
    (row,) = built(("nope", "Mars", "Q9", "1", ""))
    assert len(row.messages) == 3


def test_duplicate_rows_are_all_errors_however_the_unit_is_written():
    rows = built(
        ("quality-cccs-training", "bucks-mh", "Q2 2020/21", "94", ""),
        ("quality-staff-sickness", "bucks-mh", "Q2 2020/21", "4", ""),
        ("quality-cccs-training", "Bucks MH", "Q2 2020/21", "95", ""),
    )
    assert [row.outcome for row in rows] == ["error", "", "error"]
    assert rows[0].message == "Row 4 also gives this OKR, unit and period: keep one row"
    assert rows[2].message == "Row 2 also gives this OKR, unit and period: keep one row"
    assert rows[0].change is None and rows[1].change is not None


def test_many_copies_of_a_row_name_a_few_of_the_others():
    rows = built(*[("quality-cccs-training", "trust", "Q2 2020/21", "94", "")] * 40)
    assert rows[0].message == (
        "Rows 3, 4, 5, 6, 7 and 34 more also give this OKR, unit and period: keep one row"
    )
    assert {row.message for row in rows[1:]} == {
        "Row 2 also gives this OKR, unit and period: keep one row"
    }
    three = built(*[("quality-cccs-training", "trust", "Q2 2020/21", "94", "")] * 3)
    assert three[0].message.startswith("Rows 3 and 4 also give this OKR")
