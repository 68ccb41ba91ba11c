"""The pack's workbook and CSV, read back as a spreadsheet or a script would read
them, against the seeded September 2020 report."""

import csv
import dataclasses
import datetime
import io
import zipfile

import pytest
from openpyxl import load_workbook

from reporting.exports.csv_file import render_csv
from reporting.exports.workbook import render_workbook
from reporting.ipr import IprChange, IprCommentary
from reporting.pack import FLAT_COLUMNS, draft_pack, flat_rows

pytestmark = pytest.mark.usefixtures("seeded")
SEPTEMBER_2020 = datetime.date(2020, 9, 1)
COLUMNS = [column for column, _ in FLAT_COLUMNS]
NUMERIC_COLUMNS = {
    "objective_number",
    "is_report_period",
    "tolerance_assumed",
    "value",
    "numerator",
    "denominator",
    "target",
    "spc_mean",
    "spc_lower_limit",
    "spc_upper_limit",
    "is_demo",
}
QUALITY_UNITS = ["Community Services", "Oxon & BSW MH", "Bucks MH", "Specialised", "Trust"]
# The overall ratings on the Trust's own slide for the period.
QUALITY_OVERALL = {
    "Community Services": "Red",
    "Oxon & BSW MH": "Green",
    "Bucks MH": "Amber",
    "Specialised": "Green",
    "Trust": "Amber",
}
RED_FILL, GREEN_FILL, AMBER_FILL = "F7D4D1", "CCE5D8", "FFDC8E"
PERCENT, PERCENT_ONE_PLACE = '0"%";"\u2212"0"%"', '0.0"%";"\u2212"0.0"%"'
TRICKY_STATEMENT = 'Staff, "quoted"\nnew line'


@pytest.fixture
def pack():
    return draft_pack(SEPTEMBER_2020)


def read_workbook(pack):
    return load_workbook(io.BytesIO(render_workbook(pack)))


def read_csv(pack) -> list[list[str]]:
    return list(csv.reader(io.StringIO(render_csv(pack).decode("utf-8-sig"), newline="")))


def parse_csv_row(header: list[str], fields: list[str]) -> dict:
    """A CSV row as flat_rows gives it: numbers as numbers, empty numbers as None."""
    row = {}
    for column, text in zip(header, fields, strict=True):
        if column in NUMERIC_COLUMNS:
            row[column] = None if text == "" else float(text) if "." in text else int(text)
        else:
            row[column] = text
    return row


def with_okr(pack, code: str, **changes):
    """The pack with one OKR's fields changed (the report's dataclasses replaced)."""
    objectives = [
        dataclasses.replace(
            objective,
            okrs=[
                dataclasses.replace(okr, **changes) if okr.code == code else okr
                for okr in objective.okrs
            ],
        )
        for objective in pack.report.objectives
    ]
    return dataclasses.replace(pack, report=dataclasses.replace(pack.report, objectives=objectives))


def all_text(sheet) -> list[str]:
    return [cell for row in sheet.iter_rows(values_only=True) for cell in row if type(cell) is str]


def row_starting(sheet, first: str) -> int:
    return next(row[0].row for row in sheet.iter_rows() if row[0].value == first)


def index_of_row_starting(rows: list[tuple], first: str) -> int:
    return next(index for index, row in enumerate(rows) if row[0] == first)


def okr_table(sheet):
    """The objective sheet's OKR × unit table: {(code, unit): (value cell, rating
    cell)} and {unit: overall rating cell}, found by its headers."""
    header = row_starting(sheet, "OKR")
    unit_columns = {
        cell.value: cell.column for cell in sheet[header - 1] if cell.value in QUALITY_UNITS
    }
    cells, row = {}, header + 1
    while sheet.cell(row, 2).value:  # the Code column
        code = sheet.cell(row, 2).value
        for unit, column in unit_columns.items():
            cells[code, unit] = (sheet.cell(row, column), sheet.cell(row, column + 1))
        row += 1
    assert sheet.cell(row, 1).value == "Overall rating"
    overall = {unit: sheet.cell(row, column + 1) for unit, column in unit_columns.items()}
    return cells, overall


# --- The workbook -----------------------------------------------------------------


def test_the_cover_sheet_comes_first_in_the_order_of_the_trusts_board_papers(pack):
    cover = dataclasses.replace(
        pack.cover,
        statutory="Supports the Board's oversight of quality (CQC well-led).",
        authors=[],
    )
    sheet = read_workbook(dataclasses.replace(pack, cover=cover))["Cover"]
    labels = [sheet.cell(row, 1).value for row in range(4, 15)]
    assert labels == [
        "Report to the Meeting of the",
        "Meeting date",
        "Reference",
        "Agenda item",
        "For",
        "Summary",
        "Governance Route/Escalation Process",
        "Statutory or Regulatory responsibilities",
        "Recommendation",
        "Authors",
        "Lead Executive Director",
    ]
    values = {sheet.cell(row, 1).value: sheet.cell(row, 2).value for row in range(4, 15)}
    assert values["Statutory or Regulatory responsibilities"] == (
        "Supports the Board's oversight of quality (CQC well-led)."
    )
    assert values["Authors"] == "Not recorded"
    assert values["Report to the Meeting of the"] == pack.cover.meeting
    assert sheet["B3"].value is None and sheet["A3"].value == "DRAFT — not published"


def test_one_sheet_per_objective_between_the_summary_and_the_data(pack):
    book = read_workbook(pack)
    assert book.sheetnames == [
        "Cover",
        "Summary",
        "Quality",
        "People",
        "Sustainability",
        "Research & Education",
        "Data",
        "Definitions",
    ]
    assert book.sheetnames[2:-2] == [objective.short_name for objective in pack.report.objectives]
    assert book.properties.title == (
        "Integrated Performance Report — September 2020 data — DRAFT — not published"
    )
    assert book.properties.creator == "Oxford Health NHS Foundation Trust"


def test_the_quality_sheet_holds_values_as_numbers_shown_as_the_report_shows_them(pack):
    sheet = read_workbook(pack)["Quality"]
    cells, overall = okr_table(sheet)

    value, rating = cells["quality-cccs-training", "Bucks MH"]
    assert value.value == 92 and value.data_type == "n"
    # Shown with the OKR's one decimal place, as on the page ("92.0%").
    assert value.number_format == PERCENT_ONE_PLACE
    assert rating.value == "Red" and rating.fill.fgColor.rgb.endswith(RED_FILL)
    # A negative percentage change shows with the true minus, as on the page.
    harm, _ = cells["quality-reduce-harm", "Bucks MH"]
    assert harm.value == -9 and harm.number_format == PERCENT_ONE_PLACE
    score, _ = cells["quality-patient-satisfaction", "Trust"]
    assert score.value == 85 and score.number_format == '0;"\u2212"0'

    # Every value and rating is the assembled report's own.
    (quality,) = [objective for objective in pack.report.objectives if objective.number == 1]
    expected = {
        (okr.code, cell.unit): (cell.value, cell.rag_label)
        for okr in quality.okrs
        for cell in okr.cells
    }
    assert len(expected) == 20
    assert {key: (value.value, rating.value) for key, (value, rating) in cells.items()} == expected
    assert {unit: cell.value for unit, cell in overall.items()} == QUALITY_OVERALL

    sickness = row_starting(sheet, "Staff sickness levels will remain below 3.5%")
    target = sheet.cell(sickness, 5)
    assert target.value == 3.5 and target.number_format == PERCENT_ONE_PLACE


def test_the_quality_sheet_reads_like_the_report_page(pack):
    text = all_text(read_workbook(pack)["Quality"])
    assert "Quality: Deliver the best possible care and health outcomes" in text
    assert (
        "Executive director: Chief Nurse: Marie Crofts; Medical Director (no holder recorded)"
        in text
    )
    assert "Responsible committee: Quality & Safety Committee" in text
    assert (
        "Bucks MH: 92.0% against ≥95%, 3 points short, beyond the 2 points tolerance: Red" in text
    )
    (narrative,) = pack.report.objectives[0].narratives
    heading = text.index("Executive summary")
    signature = text.index(
        "Marie Crofts, Chief Nurse — signed off by Marie Crofts on 12 November 2020"
    )
    # The narrative between them, a row per paragraph (three in the Trust's text).
    assert len(text[heading + 1 : signature]) == 3
    assert " ".join(text[heading + 1 : signature]).split() == narrative.text.split()
    assert text[heading + 1].startswith("Following the refinement of the People and OD")
    # An objective without OKRs says so rather than showing an empty table.
    assert "No OKRs are in use for this objective." in all_text(read_workbook(pack)["People"])


def test_an_okr_commentary_is_laid_out_under_the_table(pack):
    commentary = IprCommentary(
        chart_shows="",
        issues="Two teams are short of trainers.",
        actions="Extra sessions booked for October.",
        risks="",
        expected_recovery="December 2020",
        author="Marie Crofts",
        author_title="Chief Nurse",
        signed_by=None,
        signed_on=None,
    )
    pack = with_okr(pack, "quality-cccs-training", commentary=commentary)
    text = all_text(read_workbook(pack)["Quality"])
    heading = text.index("Commentary: We will achieve 95% compliance in CCCS training")
    assert text[heading + 1 : heading + 8] == [
        "Issues",
        "Two teams are short of trainers.",
        "Actions",
        "Extra sessions booked for October.",
        "Expected recovery",
        "December 2020",
        "Marie Crofts, Chief Nurse — not yet signed off",
    ]


def test_the_summary_sheet_gives_the_edition_counts_overall_ratings_and_matrix(pack):
    sheet = read_workbook(pack)["Summary"]
    text = all_text(sheet)
    assert text[:3] == [
        "Oxford Health NHS Foundation Trust · Trust Strategy 2021–2026",
        "Integrated Performance Report — September 2020 data",
        "DRAFT — not published",
    ]
    assert "Revision 1" not in text

    counts = {
        row[0]: row[1]
        for row in sheet.iter_rows(values_only=True)
        if row[0] and isinstance(row[1], int)
    }
    summary = pack.report.summary
    assert counts["Values improved on the previous period"] == len(summary.improved) == 0
    assert counts["Values missing"] == len(summary.missing) == 0
    # Seven values of the seeded quarter are Red (CCCS training at Bucks MH, 92%
    # against 95%, among them: see test_exceptions); nothing else is listed.
    assert counts["Exceptions"] == len(summary.exceptions) == 7
    assert {item.detail for item in summary.exceptions} == {"Red"}

    header = row_starting(sheet, "Objective")
    units = [cell.value for cell in sheet[header][1:6]]
    assert units == QUALITY_UNITS
    quality = row_starting(sheet, "Quality")
    ratings = {unit: sheet.cell(quality, column) for column, unit in enumerate(units, start=2)}
    assert {unit: cell.value for unit, cell in ratings.items()} == QUALITY_OVERALL
    # The word and the colour both.
    assert ratings["Community Services"].fill.fgColor.rgb.endswith(RED_FILL)
    assert ratings["Oxon & BSW MH"].fill.fgColor.rgb.endswith(GREEN_FILL)
    assert ratings["Trust"].fill.fgColor.rgb.endswith(AMBER_FILL)
    assert sheet.cell(quality, 1).hyperlink.location == "'Quality'!A1"

    # Twenty values, each the only one of its series: no SPC and no assurance.
    matrix = row_starting(sheet, "Variation")
    assert [cell.value for cell in sheet[matrix][:5]] == [
        "Variation",
        "The target will be met (pass)",
        "The target will be hit and miss",
        "The target will not be met without change (fail)",
        "No target",
    ]
    no_spc = row_starting(sheet, "No SPC")
    assert [cell.value for cell in sheet[no_spc][1:5]] == [0, 0, 0, 20]
    assert summary.matrix["none"] == {"pass": 0, "inconsistent": 0, "fail": 0, "none": 20}
    common = row_starting(sheet, "Common cause variation")
    assert [cell.value for cell in sheet[common][1:5]] == [0, 0, 0, 0]


def test_the_summary_lists_what_moved(pack):
    improved = IprChange(
        "Quality", "We will achieve 95% compliance in CCCS training", "Trust", "92% → 94%"
    )
    exception = IprChange(
        "Quality", "Staff sickness levels will remain below 3.5%", "Trust", "special cause"
    )
    summary = dataclasses.replace(pack.report.summary, improved=[improved], exceptions=[exception])
    pack = dataclasses.replace(pack, report=dataclasses.replace(pack.report, summary=summary))
    sheet = read_workbook(pack)["Summary"]
    rows = list(sheet.iter_rows(values_only=True))
    heading = index_of_row_starting(rows, "What improved (1)")
    assert rows[heading + 1][:4] == ("OKR", "Objective", "Unit", "Detail")
    assert rows[heading + 2][:4] == (
        "We will achieve 95% compliance in CCCS training",
        "Quality",
        "Trust",
        "92% → 94%",
    )
    assert rows[heading + 4][0] == "What deteriorated (0)" and rows[heading + 5][0] == "None."
    heading = index_of_row_starting(rows, "Exceptions (1)")
    assert rows[heading + 2][:4] == (
        "Staff sickness levels will remain below 3.5%",
        "Quality",
        "Trust",
        "special cause",
    )


def test_a_published_revision_says_so_instead_of_draft(pack):
    revision = dataclasses.replace(pack, revision=1)
    text = all_text(read_workbook(revision)["Summary"])
    assert "Revision 1" in text
    assert not any("DRAFT" in line for line in text)

    published = dataclasses.replace(
        pack, revision=2, published_at="2020-11-12T10:30+00:00", published_by="Marie Crofts"
    )
    book = read_workbook(published)
    text = all_text(book["Summary"])
    assert text[2] == "Revision 2"
    assert (
        "Published 12 November 2020, 10:30 by Marie Crofts. "
        "This edition does not change when figures are corrected later."
    ) in text
    assert book.properties.title.endswith("— Revision 2")
    assert book["Quality"].oddHeader.center.text.endswith("— Revision 2")


def test_the_data_sheet_is_the_flat_rows_as_a_table(pack):
    sheet = read_workbook(pack)["Data"]
    rows = list(sheet.iter_rows())
    assert [cell.value for cell in rows[0]] == COLUMNS
    expected = flat_rows(pack)
    assert len(rows) - 1 == len(expected) == 20  # 4 OKRs × 5 units × 1 quarter
    for cells, row in zip(rows[1:], expected, strict=True):
        for cell, column in zip(cells, COLUMNS, strict=True):
            wanted = row[column]
            if column == "period_start":
                assert cell.is_date and cell.number_format == "yyyy-mm-dd"
                assert cell.value.date() == datetime.date.fromisoformat(wanted)
            elif column in NUMERIC_COLUMNS and wanted is not None:
                assert cell.data_type == "n" and cell.value == wanted, column
            else:
                # An empty text is a blank cell.
                assert cell.value == (wanted if wanted != "" else None), column

    bucks = next(
        [cell.value for cell in cells]
        for cells in rows[1:]
        if cells[COLUMNS.index("okr_code")].value == "quality-cccs-training"
        and cells[COLUMNS.index("unit")].value == "Bucks MH"
    )
    assert bucks[COLUMNS.index("value") : COLUMNS.index("rag") + 1] == [
        92,
        None,
        None,
        95,
        "trust",
        "goal",
        "Red",
    ]
    assert bucks[COLUMNS.index("period_start")] == datetime.datetime(2020, 7, 1)

    assert sheet.freeze_panes == "A2"
    assert bucks[COLUMNS.index("exception")] == "Red"
    assert sheet.tables["IprData"].ref == "A1:AF21"


def test_the_definitions_sheet_defines_each_okr_and_each_data_column(pack):
    sheet = read_workbook(pack)["Definitions"]
    rows = list(sheet.iter_rows(values_only=True))
    header = index_of_row_starting(rows, "Code")
    assert rows[header][:5] == ("Code", "Objective", "Focus area", "OKR", "Measure")
    definitions = {row[0]: row for row in rows[header + 1 : header + 5]}
    assert list(definitions) == [
        "quality-reduce-harm",
        "quality-cccs-training",
        "quality-staff-sickness",
        "quality-patient-satisfaction",
    ]
    assert list(definitions) == [okr.code for okr in pack.report.objectives[0].okrs]
    harm = definitions["quality-reduce-harm"]
    assert harm[1] == "Quality" and harm[4] == "percentage change" and harm[5] == "decrease"
    assert harm[8] == "2 percentage points (assumed: to confirm)"
    assert harm[9].startswith("Change in the number of incidents of harm")

    columns = index_of_row_starting(rows, "Column")
    assert [row[:2] for row in rows[columns + 1 :]] == [tuple(pair) for pair in FLAT_COLUMNS]
    assert rows[columns + 1][:2] == ("data_month", "The report's data month, YYYY-MM.")


def test_sheet_names_are_made_valid_and_distinct(pack):
    names = [
        "Finance: [estates]/IT*? and a very long name indeed",
        "FINANCE: [ESTATES]/IT*? AND A VERY LONG NAME, AGAIN",  # the same in 31 characters
        "data",  # the data sheet's name, whatever the case
    ]
    objectives = [
        dataclasses.replace(objective, short_name=name)
        for objective, name in zip(pack.report.objectives, names, strict=False)
    ]
    objectives.append(pack.report.objectives[3])
    pack = dataclasses.replace(pack, report=dataclasses.replace(pack.report, objectives=objectives))
    book = read_workbook(pack)
    assert book.sheetnames == [
        "Cover",
        "Summary",
        "Finance- -estates--IT-- and a v",
        "FINANCE- -ESTATES--IT-- AND (2)",
        "data (2)",
        "Research & Education",
        "Data",
        "Definitions",
    ]
    assert all(len(name) <= 31 for name in book.sheetnames)
    assert book[book.sheetnames[2]]["A2"].value.startswith("Finance: [estates]/IT*?")


def test_text_that_looks_like_a_formula_stays_text(pack):
    pack = with_okr(pack, "quality-cccs-training", statement="=1+1 staff trained")
    book = read_workbook(pack)
    okr_cells = [
        cells[COLUMNS.index("okr")]
        for cells in book["Data"].iter_rows(min_row=2)
        if cells[COLUMNS.index("okr_code")].value == "quality-cccs-training"
    ]
    assert len(okr_cells) == 5
    assert all(cell.value == "=1+1 staff trained" and cell.data_type == "s" for cell in okr_cells)


def test_the_workbook_is_the_same_every_time_but_for_its_timestamps(pack):
    first, second = (zipfile.ZipFile(io.BytesIO(render_workbook(pack))) for _ in range(2))
    assert first.namelist() == second.namelist()
    for name in first.namelist():
        if name != "docProps/core.xml":  # when it was written
            assert first.read(name) == second.read(name), name


# --- The CSV ------------------------------------------------------------------------


def test_the_csv_is_the_flat_rows_in_utf8_with_a_byte_order_mark(pack):
    data = render_csv(pack)
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") == 21 and data.count(b"\n") == 21  # header + 20 rows
    header, *rows = read_csv(pack)
    assert header == COLUMNS
    assert [parse_csv_row(header, fields) for fields in rows] == flat_rows(pack)

    bucks = next(
        dict(zip(header, fields, strict=True))
        for fields in rows
        if fields[COLUMNS.index("okr_code")] == "quality-cccs-training"
        and fields[COLUMNS.index("unit")] == "Bucks MH"
    )
    assert (bucks["value"], bucks["target"], bucks["rag"]) == ("92", "95", "Red")
    assert bucks["period_start"] == "2020-07-01" and bucks["spc_lower_limit"] == ""
    sickness = next(fields for fields in rows if "quality-staff-sickness" in fields)
    assert sickness[COLUMNS.index("target")] == "3.5"
    harm = next(fields for fields in rows if "quality-reduce-harm" in fields)
    assert harm[COLUMNS.index("value")] == "-5"  # a plain hyphen-minus: a number to parse


def test_csv_numbers_are_written_plainly(pack):
    """No thousands separators, no exponent, no trailing .0."""
    (quality,) = [objective for objective in pack.report.objectives if objective.number == 1]
    okr = quality.okrs[0]
    cell = okr.cells[0]
    point = dataclasses.replace(
        cell.history[-1], value=1234567.0, target=0.5, mean=-0.25, lpl=0.00001
    )
    cells = [dataclasses.replace(cell, history=[point]), *okr.cells[1:]]
    pack = with_okr(pack, okr.code, cells=cells)
    header, *rows = read_csv(pack)
    row = dict(zip(header, rows[0], strict=True))
    assert (row["value"], row["target"], row["spc_mean"], row["spc_lower_limit"]) == (
        "1234567",
        "0.5",
        "-0.25",
        "0.00001",
    )


def test_commas_quotes_line_breaks_and_symbols_survive_the_round_trip(pack):
    pack = with_okr(pack, "quality-cccs-training", statement=TRICKY_STATEMENT)
    pack = with_okr(pack, "quality-reduce-harm", statement="Harm ≥10% lower — A&E −5%")
    data = render_csv(pack)
    # RFC 4180: quoted, quotes doubled, the line break kept inside the field.
    assert b'"Staff, ""quoted""\nnew line"' in data
    header, *rows = read_csv(pack)
    statements = {fields[COLUMNS.index("okr")] for fields in rows}
    assert TRICKY_STATEMENT in statements and "Harm ≥10% lower — A&E −5%" in statements
    assert [parse_csv_row(header, fields) for fields in rows] == flat_rows(pack)

    # And in the workbook: one cell, as written.
    book = read_workbook(pack)
    data_statements = {
        cells[COLUMNS.index("okr")] for cells in book["Data"].iter_rows(values_only=True)
    }
    assert {TRICKY_STATEMENT, "Harm ≥10% lower — A&E −5%"} <= data_statements
    definitions = {row[3] for row in book["Definitions"].iter_rows(values_only=True)}
    assert TRICKY_STATEMENT in definitions


@pytest.mark.parametrize(
    "statement",
    ['=HYPERLINK("http://x","y")', "+1 staff", "-1 staff", "@SUM(A1)", "\tTabbed", "\rReturn"],
    ids=["equals", "plus", "minus", "at", "tab", "carriage-return"],
)
def test_csv_text_a_spreadsheet_would_run_as_a_formula_is_written_as_text(pack, statement):
    """A text cell starting with = + - @, tab or CR is prefixed with a single quote
    (OWASP's advice for CSV), so a spreadsheet shows it instead of running it;
    numbers, negative ones included, stay numbers."""
    pack = with_okr(pack, "quality-cccs-training", statement=statement)
    header, *rows = read_csv(pack)
    okr_column, code_column = COLUMNS.index("okr"), COLUMNS.index("okr_code")
    statements = {
        fields[okr_column] for fields in rows if fields[code_column] == "quality-cccs-training"
    }
    assert statements == {"'" + statement}
    harm = next(fields for fields in rows if "quality-reduce-harm" in fields)
    assert harm[COLUMNS.index("value")] == "-5"
    # The workbook keeps the text (XML reads a carriage return back as a line feed) in
    # a text cell, which a spreadsheet never runs.
    book = read_workbook(pack)
    cells = [
        cells[okr_column]
        for cells in book["Data"].iter_rows(min_row=2)
        if cells[code_column].value == "quality-cccs-training"
    ]
    assert all(cell.value.strip() == statement.strip() and cell.data_type == "s" for cell in cells)


def test_the_workbook_opens_with_the_chief_executives_summary_and_lists_programmes(pack):
    from reporting.ipr import IprNarrative, IprProgramme

    overall = IprNarrative(
        "Overall executive summary",
        "A steady month.",
        "Chris Chief",
        "Chief Executive",
        "Chris Chief",
        "2020-10-20",
    )
    programme = IprProgramme(
        title="Oxford Healthcare Improvement (OHI)",
        focus_area="Collective learning",
        lead="Olive Improver",
        unit=None,
        rag="amber",
        rag_label="Amber",
        rag_as_written="Amber",
        progress="Coaches on four of six wards.",
        updated_for="September 2020",
        current=True,
        assumed=True,
    )
    quality = dataclasses.replace(pack.report.objectives[0], programmes=[programme])
    report = dataclasses.replace(
        pack.report, overall_summary=overall, objectives=[quality, *pack.report.objectives[1:]]
    )
    book = read_workbook(dataclasses.replace(pack, report=report))
    summary = all_text(book["Summary"])
    assert summary.index("Executive summary") < summary.index("A steady month.")
    assert summary.index("A steady month.") < summary.index("The month in figures")
    sheet = book["Quality"]
    text = all_text(sheet)
    # The executive's summary opens the objective's sheet, before its OKR table.
    assert text.index("Executive summary") < text.index("OKR")
    row = row_starting(sheet, "Oxford Healthcare Improvement (OHI) (assumed: to confirm)")
    assert [cell.value for cell in sheet[row][1:6]] == [
        "Collective learning",
        "Olive Improver",
        "Amber",
        "September 2020",
        "Coaches on four of six wards.",
    ]
    assert "1 programme: 1 Amber." in text
