"""Hand-made upload files, odd in the ways a damaged or deliberately crafted file can
be: a workbook's XML written out by hand, CSVs with what a spreadsheet never writes.

Each case is (file name, content, words the person is shown). Shared by the reading
tests (tests/unit/test_imports.py) and the upload page tests
(tests/integration/test_upload.py).
"""

import io
import zipfile

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_PACKAGE_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_RELS}">'
    f'<Relationship Id="rId1" Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_DOC}">'
    '<sheets><sheet name="Results" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_RELS}">'
    f'<Relationship Id="rId1" Type="{_DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_DOC}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
HEADER = ("okr_code", "unit", "period", "value", "comment")
GOOD_ROW = ("quality-cccs-training", "trust", "Q2 2020/21")


def text_cell(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


def sheet_xml(rows: str, *, dimension: str = "A1:E2") -> str:
    header = "".join(
        text_cell(f"{column}1", name) for column, name in zip("ABCDE", HEADER, strict=True)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}">'
        f'<dimension ref="{dimension}"/><sheetData><row r="1">{header}</row>{rows}'
        "</sheetData></worksheet>"
    )


def data_row(value_cell: str, number: int = 2) -> str:
    """A row naming a real OKR, unit and period, with the given XML for its value cell."""
    cells = "".join(
        text_cell(f"{column}{number}", text) for column, text in zip("ABC", GOOD_ROW, strict=True)
    )
    return f'<row r="{number}">{cells}{value_cell}</row>'


def workbook(sheet: str, *, shared_strings: tuple[str, ...] = ("Ahead",)) -> bytes:
    """An .xlsx made of the given sheet XML, as a spreadsheet program would zip it."""
    strings = "".join(f"<si><t>{text}</t></si>" for text in shared_strings)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr(
            "xl/sharedStrings.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}">{strings}</sst>',
        )
    return out.getvalue()


def value_cell_workbook(cell: str) -> bytes:
    return workbook(sheet_xml(data_row(cell)))


def csv_of(*lines: str) -> bytes:
    return ("\r\n".join([",".join(HEADER), *lines]) + "\r\n").encode()


def zip_bomb(unpacked_megabytes: int) -> bytes:
    """A small workbook whose sheet unpacks to this many megabytes of blank space."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(sheet_xml("").encode()[: -len("</sheetData></worksheet>")])
            for _ in range(unpacked_megabytes):
                sheet.write(b" " * 1024 * 1024)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


UNREADABLE_WORKBOOK = "could not be read as an Excel workbook"

# (file name, content, words the person is shown)
CRAFTED = {
    "a number cell holding abc": (
        "results.xlsx",
        value_cell_workbook('<c r="D2" t="n"><v>abc</v></c>'),
        UNREADABLE_WORKBOOK,
    ),
    "a number cell holding NaN": (
        "results.xlsx",
        value_cell_workbook('<c r="D2"><v>NaN</v></c>'),
        UNREADABLE_WORKBOOK,
    ),
    "a true/false cell holding maybe": (
        "results.xlsx",
        value_cell_workbook('<c r="D2" t="b"><v>maybe</v></c>'),
        UNREADABLE_WORKBOOK,
    ),
    "an invalid date": (
        "results.xlsx",
        value_cell_workbook('<c r="D2" t="d"><v>2020-13-45</v></c>'),
        UNREADABLE_WORKBOOK,
    ),
    "a cell reference ZZZZZZ": (
        "results.xlsx",
        value_cell_workbook('<c r="ZZZZZZ2"><v>5</v></c>'),
        UNREADABLE_WORKBOOK,
    ),
    "a row numbered x": (
        "results.xlsx",
        workbook(sheet_xml('<row r="x"><c r="A2"><v>5</v></c></row>')),
        UNREADABLE_WORKBOOK,
    ),
    "a shared text out of range": (
        "results.xlsx",
        value_cell_workbook('<c r="D2" t="s"><v>99</v></c>'),
        UNREADABLE_WORKBOOK,
    ),
    "a style out of range": (
        "results.xlsx",
        value_cell_workbook('<c r="D2" s="999"><v>5</v></c>'),
        UNREADABLE_WORKBOOK,
    ),
    "a truncated sheet1.xml": (
        "results.xlsx",
        workbook(sheet_xml(data_row('<c r="D2"><v>5</v></c>'))[:-60]),
        UNREADABLE_WORKBOOK,
    ),
    "not a zip": ("results.xlsx", b"PK\x03\x04" + b"\x00" * 200, UNREADABLE_WORKBOOK),
    "a row far below the declared size": (
        # The declared size says two rows; a row a million rows down is still found.
        "results.xlsx",
        workbook(sheet_xml(data_row('<c r="D1048576"><v>5</v></c>', number=1_048_576))),
        "The worksheet goes on past row 100,000",
    ),
    "a zip bomb": ("results.xlsx", zip_bomb(40), "too large once unpacked"),
    "a formula": (
        "results.xlsx",
        value_cell_workbook('<c r="D2"><f>SUM(1,2)</f><v>3</v></c>'),
        "Row 2, column D contains a formula",
    ),
    "a NUL in a workbook cell": (
        # XML cannot hold a NUL, so the reader refuses the sheet.
        "results.xlsx",
        workbook(sheet_xml(data_row(text_cell("D2", "5") + text_cell("E2", "a&#0;b")))),
        UNREADABLE_WORKBOOK,
    ),
    "a control character in a workbook cell": (
        "results.xlsx",
        workbook(sheet_xml(data_row(text_cell("D2", "5") + text_cell("E2", "a\x7fb")))),
        "Row 2, column E contains a control character (U+007F)",
    ),
    "an encrypted workbook": (
        # Excel keeps a workbook protected by a password in its old binary container.
        "results.xlsx",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504,
        "remove it first",
    ),
    "another binary": ("results.xlsx", bytes(range(256)) * 8, UNREADABLE_WORKBOOK),
    "a CSV with invalid UTF-8": (
        "results.csv",
        csv_of("quality-cccs-training,trust,Q2 2020/21,95,caf\xe9").replace(b"\xc3\xa9", b"\xe9"),
        "Save the file as CSV UTF-8",
    ),
    "a CSV with a NUL byte": (
        "results.csv",
        csv_of("quality-cccs-training,trust,Q2 2020/21,95,a\x00b"),
        "Row 2, column E contains a control character (U+0000)",
    ),
    "a CSV with 10,000 columns": (
        "results.csv",
        (",".join([*HEADER, *(f"extra_{n}" for n in range(9_995))]) + "\r\n").encode()
        + b"quality-cccs-training,trust,Q2 2020/21,95,\r\n",
        "The first row has 10,000 columns",
    ),
    "a CSV cell of 200,000 characters": (
        "results.csv",
        csv_of("quality-cccs-training,trust,Q2 2020/21,95," + "x" * 200_000),
        "Line 2 has a cell of more than 131,072 characters",
    ),
}
