"""The pack as an Excel workbook, for people who work with the figures.

Sheets: "Cover" (the Board cover sheet, field by field, as the PDF's first page),
"Summary" (the edition, the report's summary counts, the overall rating of
each objective by unit, the variation × assurance matrix and the lists of what
moved), one sheet per objective laid out like its page of the report, "Data" (the
flat rows shared with the CSV, as an Excel table for pivot tables) and
"Definitions" (each OKR's definition and the data columns' meaning).

Values are stored exactly as the report holds them (92 for 92%) with a number
format that shows them as the report does ("92%", "−5%", "£1,250"); ratings are
written as words with the portal's tag colours, so colour is never the only cue.
Like every rendering it lays out the one assembled report it is given.

One module although over 450 lines: it is one layout, sheet after sheet, sharing
its styles and the marks it writes; the cell-level writing stands apart already
(`sheet_writing`).
"""

import datetime
import io
import re

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from objectives.models import RuleProvenance
from okrs.formatting import words
from reporting.exports.sheet_writing import (
    BOLD,
    CAPTION,
    DRAFT_STYLE,
    HEADER_FILL,
    HEADING,
    PUBLISHED_STYLE,
    TOP,
    WRAP,
    Sheet,
    number_format_for,
    put_cell,
    rating_style,
    signature,
    when,
)
from reporting.ipr import IprChange, IprObjective, IprOkr
from reporting.pack import FLAT_COLUMNS, REPORT_TITLE, Pack, flat_rows
from reporting.programmes import programme_summary
from reporting.templatetags.ipr_format import assurance_words, long_date, variation_words

SHEET_NAME_LIMIT = 31
ASSUMED = RuleProvenance.ASSUMED.label.lower()
# Characters Excel refuses in a sheet name.
FORBIDDEN_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
# Our own sheets, and "History", which Excel keeps for itself.
RESERVED_SHEET_NAMES = {"cover", "summary", "data", "definitions", "history"}

# The objective sheets' OKR table: these columns, then a value and a rating per unit.
OKR_COLUMNS = [("OKR", 50), ("Code", 26), ("Focus area", 26), ("Period", 13), ("Target", 10)]
VALUE_WIDTH, RATING_WIDTH = 10, 11

DEFINITION_COLUMNS = [
    ("Code", 26),
    ("Objective", 18),
    ("Focus area", 26),
    ("OKR", 50),
    ("Measure", 14),
    ("Direction", 11),
    ("Frequency", 11),
    ("Owner", 22),
    ("Tolerance", 18),
    ("Calculation", 40),
    ("Data source", 30),
    ("Target rationale", 40),
    ("Long Term Plan metric", 30),
]


def render_workbook(pack: Pack) -> bytes:
    book = Workbook()
    _set_properties(book, pack)
    cover = book.active
    cover.title = "Cover"
    _write_cover(Sheet(cover, pack), pack)
    summary = book.create_sheet("Summary")
    sheet_names = _sheet_names(pack.report.objectives)
    _write_summary(Sheet(summary, pack), pack, sheet_names)
    for objective, name in zip(pack.report.objectives, sheet_names, strict=True):
        _write_objective(Sheet(book.create_sheet(name), pack), objective, pack)
    _write_data(book.create_sheet("Data"), pack)
    _write_definitions(Sheet(book.create_sheet("Definitions"), pack), pack)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _set_properties(book: Workbook, pack: Pack) -> None:
    properties = book.properties
    properties.title = pack.running_header
    properties.creator = properties.lastModifiedBy = pack.report.trust
    properties.subject = pack.report.strategy
    properties.contentStatus = "Draft" if pack.is_draft else "Published"
    # The workbook is as old as the report it shows, not the moment it was written.
    assembled = datetime.datetime.fromisoformat(pack.report.assembled_at)
    if timezone.is_aware(assembled):
        assembled = assembled.astimezone(datetime.UTC).replace(tzinfo=None)
    properties.created = assembled


def _sheet_names(objectives: list[IprObjective]) -> list[str]:
    """One valid, distinct sheet name per objective, from its short name."""
    taken = set(RESERVED_SHEET_NAMES)
    names = []
    for objective in objectives:
        wanted = FORBIDDEN_IN_SHEET_NAME.sub("-", objective.short_name or objective.title)
        # Excel also refuses a name that starts or ends with an apostrophe.
        wanted = " ".join(wanted.split())[:SHEET_NAME_LIMIT].strip(" '")
        base = wanted or f"Objective {objective.number}"
        name, copy = base, 1
        while name.casefold() in taken:  # Excel compares sheet names ignoring case
            copy += 1
            suffix = f" ({copy})"
            name = base[: SHEET_NAME_LIMIT - len(suffix)].rstrip(" '") + suffix
        taken.add(name.casefold())
        names.append(name)
    return names


# --- Cover -----------------------------------------------------------------------


def _write_cover(sheet: Sheet, pack: Pack) -> None:
    """The Board cover sheet in the order of the Trust's Board papers: what the
    PDF prints on its first page, one field per row."""
    cover, report = pack.cover, pack.report
    sheet.set_widths([34, 100])
    sheet.paragraph(report.trust, font=CAPTION)
    sheet.title(cover.title)
    fill, font = DRAFT_STYLE if pack.is_draft else PUBLISHED_STYLE
    sheet.put(1, pack.edition_label, fill=fill, font=font)
    sheet.skip()
    not_recorded = "Not recorded"
    fields = [
        ("Report to the Meeting of the", cover.meeting),
        ("Meeting date", long_date(cover.meeting_date) if cover.meeting_date else not_recorded),
        ("Reference", cover.reference or not_recorded),
        ("Agenda item", cover.agenda_item or not_recorded),
        ("For", cover.purpose),
        ("Summary", cover.summary),
        ("Governance Route/Escalation Process", cover.governance_route or not_recorded),
        ("Statutory or Regulatory responsibilities", cover.statutory or not_recorded),
        ("Recommendation", cover.recommendation),
        ("Authors", "\n".join(cover.authors) or not_recorded),
        ("Lead Executive Director", cover.lead_executive or not_recorded),
    ]
    for label, value in fields:
        sheet.put(1, label, font=BOLD, alignment=TOP)
        cell = sheet.put(2, value, alignment=WRAP)
        lines = sum(max(1, -(-len(part) // 100)) for part in str(value).splitlines() or [""])
        sheet.worksheet.row_dimensions[cell.row].height = min(max(lines, 1) * 15, 409)
        sheet.row += 1


# --- Summary ---------------------------------------------------------------------


def _write_summary(sheet: Sheet, pack: Pack, sheet_names: list[str]) -> None:
    report = pack.report
    units = _units_in_report_order(report.objectives)
    sheet.set_widths([50, *([18] * max(len(units), 4))])
    sheet.paragraph(f"{report.trust} · {report.strategy}", font=CAPTION)
    sheet.title(f"{REPORT_TITLE} — {report.data_month} data")
    fill, font = DRAFT_STYLE if pack.is_draft else PUBLISHED_STYLE
    sheet.put(1, pack.edition_label, fill=fill, font=font)
    sheet.skip()
    if pack.is_draft:
        sheet.paragraph(
            f"Assembled {when(report.assembled_at)} from the results submitted so far: "
            "figures may be provisional and can still change."
        )
    else:
        published = f"Published {when(pack.published_at)}" if pack.published_at else "Published"
        by = f" by {pack.published_by}" if pack.published_by else ""
        sheet.paragraph(
            f"{published}{by}. This edition does not change when figures are corrected later."
        )
    if pack.note:
        sheet.paragraph(f"Note: {pack.note}")
    if pack.open_items:
        sheet.paragraph(
            f"Published with {len(pack.open_items)} item(s) of the month's checklist open: "
            f"{'; '.join(pack.open_items)}. Why: {pack.open_items_reason}"
        )
    if report.contains_demo_data:
        sheet.line("Includes demo data", font=Font(bold=True, color="9A4A00"))
    if report.assumes_rules:
        sheet.paragraph(
            "Where the Trust's papers state no rule (a tolerance, how an objective's OKR "
            "ratings combine, how many Ambers running make an exception), this report applies "
            "one the portal chose; where they state an OKR only in words, its definition is the "
            f"portal's reading. Each is marked “{ASSUMED}” until a Trust administrator "
            "confirms it."
        )
    if pack.changes:
        sheet.skip()
        sheet.title(f"What changed from revision {pack.revision - 1}", font=HEADING)
        for change in pack.changes:
            sheet.paragraph(change)

    # The Chief Executive's summary opens the report, before the figures.
    sheet.skip()
    sheet.title("Executive summary", font=HEADING)
    if report.overall_summary is None:
        sheet.paragraph(f"Not written: the Chief Executive's summary of {report.data_month}.")
    else:
        sheet.paragraphs(report.overall_summary.text)
        sheet.paragraph(signature(report.overall_summary), font=CAPTION)

    summary = report.summary
    sheet.skip()
    sheet.title("The month in figures", font=HEADING)
    for label, items in [
        ("Values improved on the previous period", summary.improved),
        ("Values deteriorated", summary.deteriorated),
        ("Ratings changed since the previous period", summary.rating_changed),
        ("Values missing", summary.missing),
        ("Exceptions", summary.exceptions),
    ]:
        sheet.line(label, len(items))

    sheet.skip()
    sheet.title("Overall rating by objective and unit", font=HEADING)
    sheet.header("Objective", *units)
    for objective, sheet_name in zip(report.objectives, sheet_names, strict=True):
        name = sheet.put(1, objective.short_name or objective.title, alignment=WRAP)
        # A link to the objective's own sheet (an apostrophe in its name is doubled).
        quoted = sheet_name.replace("'", "''")
        name.hyperlink = Hyperlink(ref=name.coordinate, location=f"'{quoted}'!A1")
        name.font = Font(color="005EB8", underline="single")
        ratings = {overall.unit: overall for overall in objective.overall}
        if not ratings:
            sheet.put(2, "No OKRs in use")
        for column, unit in enumerate(units, start=2):
            if unit in ratings:
                rating = ratings[unit]
                sheet.put(column, rating.rag_label, **rating_style(rating.rag))
        sheet.skip()

    sheet.skip()
    sheet.title("Variation and assurance", font=HEADING)
    sheet.paragraph("Number of OKR values by SPC variation (rows) and assurance (columns)")
    assurances = list(dict.fromkeys(a for counts in summary.matrix.values() for a in counts))
    sheet.header("Variation", *(assurance_words(assurance) for assurance in assurances))
    for variation, counts in summary.matrix.items():
        sheet.put(1, variation_words(variation), font=BOLD, alignment=WRAP)
        for column, assurance in enumerate(assurances, start=2):
            sheet.put(column, counts.get(assurance, 0))
        sheet.skip()

    for title, items in [
        ("What improved", summary.improved),
        ("What deteriorated", summary.deteriorated),
        ("What changed rating", summary.rating_changed),
        ("What is missing", summary.missing),
        ("Exceptions", summary.exceptions),
    ]:
        sheet.skip()
        _write_changes(sheet, f"{title} ({len(items)})", items)
    sheet.paragraph(
        _marked(f"{summary.exceptions_rule}.", summary.exceptions_rule_assumed), font=CAPTION
    )


def _units_in_report_order(objectives: list[IprObjective]) -> list[str]:
    """Every objective's units in one list, each objective's own order kept (the
    assembly sorts them the same way), for the overall rating table's columns."""
    ordered: list[str] = []
    for objective in objectives:
        position = 0
        for unit in objective.units:
            if unit in ordered:
                position = ordered.index(unit) + 1
            else:
                ordered.insert(position, unit)
                position += 1
    return ordered


def _write_changes(sheet: Sheet, title: str, items: list[IprChange]) -> None:
    sheet.title(title, font=HEADING)
    if not items:
        sheet.line("None.")
        return
    sheet.header("OKR", "Objective", "Unit", "Detail")
    for item in items:
        sheet.line(item.okr, item.objective, item.unit, item.detail)


def _marked(rule: str, assumed: bool) -> str:
    """A rule as the workbook states it: marked where it is the portal's choice."""
    return f"{rule} ({ASSUMED})" if assumed else rule


# --- One sheet per objective -------------------------------------------------------


def _write_objective(sheet: Sheet, objective: IprObjective, pack: Pack) -> None:
    sheet.set_widths(
        [width for _, width in OKR_COLUMNS] + [VALUE_WIDTH, RATING_WIDTH] * len(objective.units)
    )
    sheet.paragraph(pack.running_header, font=CAPTION)
    sheet.title(
        f"{objective.short_name}: {objective.title}" if objective.short_name else objective.title
    )
    executives = "; ".join(
        f"{executive.role}: {', '.join(executive.holders)}"
        if executive.holders
        else f"{executive.role} (no holder recorded)"
        for executive in objective.executives
    )
    sheet.paragraph(f"Executive director: {executives or 'Not recorded'}")
    sheet.paragraph(f"Responsible committee: {objective.committee or 'Not recorded'}")
    sheet.skip()
    # The executive's summary opens the objective, as in the report.
    _write_narratives(sheet, objective, pack)
    sheet.skip()
    if objective.okrs:
        _write_okr_table(sheet, objective)
        _write_rating_explanations(sheet, objective)
    else:
        sheet.paragraph("No OKRs are in use for this objective.")
    for okr in objective.okrs:
        if okr.commentary:
            sheet.skip()
            _write_commentary(sheet, okr)
    if objective.programmes:
        sheet.skip()
        _write_programmes(sheet, objective, pack)


def _write_programmes(sheet: Sheet, objective: IprObjective, pack: Pack) -> None:
    """Each programme with its lead's report for the month, as the report lists them."""
    sheet.title("Programmes", font=HEADING)
    sheet.paragraph(programme_summary(objective.programmes).in_words(pack.report.data_month))
    sheet.header("Programme", "Focus area", "Lead", "Rating", "Report for", "Progress")
    for programme in objective.programmes:
        title = programme.title + (f" ({ASSUMED})" if programme.assumed else "")
        rating = programme.rag_label if programme.current else "No report"
        sheet.put(1, title, alignment=WRAP)
        sheet.put(2, programme.focus_area, alignment=WRAP)
        sheet.put(3, programme.lead or "Not recorded", alignment=WRAP)
        sheet.put(4, rating, **rating_style(programme.rag if programme.current else "no_data"))
        sheet.put(5, programme.updated_for or "None yet", alignment=WRAP)
        sheet.put(6, programme.progress, alignment=WRAP)
        sheet.row += 1


def _write_okr_table(sheet: Sheet, objective: IprObjective) -> None:
    first_unit_column = len(OKR_COLUMNS) + 1
    # Two header rows: each unit's name over its value and rating columns.
    for index, unit in enumerate(objective.units):
        column = first_unit_column + 2 * index
        sheet.put(column, unit, font=BOLD, fill=HEADER_FILL, alignment=WRAP)
        sheet.put(column + 1, None, fill=HEADER_FILL)
        sheet.merge(column, column + 1)
    for column in range(1, first_unit_column):
        sheet.put(column, None, fill=HEADER_FILL)
    sheet.skip()
    sheet.header(
        *(label for label, _ in OKR_COLUMNS), *(["Value", "Rating"] * len(objective.units))
    )
    for okr in objective.okrs:
        _write_okr_row(sheet, okr, objective.units, first_unit_column)
    sheet.put(1, "Overall rating", font=BOLD)
    overall = {rating.unit: rating for rating in objective.overall}
    for index, unit in enumerate(objective.units):
        if unit in overall:
            rating = overall[unit]
            sheet.put(
                first_unit_column + 2 * index + 1, rating.rag_label, **rating_style(rating.rag)
            )
    sheet.skip()
    sheet.paragraph(_marked(objective.rating_rule, objective.rating_rule_assumed), font=CAPTION)


def _write_okr_row(sheet: Sheet, okr: IprOkr, units: list[str], first_unit_column: int) -> None:
    period = okr.period + (" · Achieved" if okr.status == "achieved" else "")
    sheet.put(1, okr.statement, alignment=WRAP)
    sheet.put(2, okr.code, alignment=WRAP)
    sheet.put(3, okr.focus_area, alignment=WRAP)
    sheet.put(4, period, alignment=WRAP)
    # The Trust's target, which every unit without its own follows (a unit's own
    # target is written beside its value).
    target = next((cell.target for cell in okr.cells if cell.target_set_for != "unit"), None)
    if target is None:
        sheet.put(5, "No target", alignment=TOP)
    else:
        sheet.put(5, target, alignment=TOP, number_format=number_format_for(target, okr.measure))
    cells = {cell.unit: cell for cell in okr.cells}
    for index, unit in enumerate(units):
        column = first_unit_column + 2 * index
        cell = cells.get(unit)
        if cell is None:
            sheet.put(column, "Not reported", alignment=WRAP, font=CAPTION)
            continue
        if cell.value is not None:
            sheet.put(
                column,
                cell.value,
                alignment=TOP,
                number_format=number_format_for(cell.value, okr.measure, okr.decimal_places),
            )
        rating = cell.rag_label
        if cell.target_set_for == "unit":
            rating += f" (its own target {cell.target_text})"
        if cell.value_note:
            rating += f" ({cell.value_note})"
        sheet.put(column + 1, rating, alignment=TOP, **rating_style(cell.rag))
    sheet.skip()


def _write_rating_explanations(sheet: Sheet, objective: IprObjective) -> None:
    sheet.skip()
    sheet.title("How each rating was reached", font=HEADING)
    for okr in objective.okrs:
        tolerance = _marked(okr.tolerance, okr.tolerance_assumed)
        sheet.paragraph(f"{okr.statement} (tolerance {tolerance})", font=BOLD)
        for cell in okr.cells:
            spc = [
                f"Variation: {variation_words(cell.variation)}" if cell.variation else "",
                f"Assurance: {assurance_words(cell.assurance)}" if cell.assurance else "",
            ]
            sheet.paragraph(
                ". ".join(part for part in [f"{cell.unit}: {cell.rag_explanation}", *spc] if part)
            )
    sheet.line("Overall", font=BOLD)
    for overall in objective.overall:
        sheet.paragraph(f"{overall.unit}: {overall.explanation}")


def _write_commentary(sheet: Sheet, okr: IprOkr) -> None:
    commentary = okr.commentary
    sheet.title(f"Commentary: {okr.statement}", font=HEADING)
    for label, text in [
        ("What the chart shows", commentary.chart_shows),
        ("Issues", commentary.issues),
        ("Actions", commentary.actions),
        ("Risks", commentary.risks),
        ("Expected recovery", commentary.expected_recovery),
    ]:
        if text:
            sheet.line(label, font=BOLD)
            sheet.paragraphs(text)
    sheet.paragraph(signature(commentary), font=CAPTION)


def _write_narratives(sheet: Sheet, objective: IprObjective, pack: Pack) -> None:
    if not objective.narratives:
        sheet.title("Executive summary", font=HEADING)
        sheet.paragraph(f"Not written: no executive summary for {pack.report.data_month} yet.")
    for narrative in objective.narratives:
        sheet.title(narrative.kind, font=HEADING)
        sheet.paragraphs(narrative.text)
        sheet.paragraph(signature(narrative), font=CAPTION)


# --- Data and definitions ----------------------------------------------------------


def _write_data(worksheet: Worksheet, pack: Pack) -> None:
    """The flat rows as an Excel table: numbers as numbers, period_start as a date,
    an empty text as a blank cell, the header row frozen."""
    columns = [column for column, _ in FLAT_COLUMNS]
    for index, column in enumerate(columns, start=1):
        put_cell(worksheet, 1, index, column, font=BOLD)
    rows = flat_rows(pack)
    for row_number, row in enumerate(rows, start=2):
        for index, column in enumerate(columns, start=1):
            if column == "period_start" and row[column]:
                put_cell(
                    worksheet,
                    row_number,
                    index,
                    datetime.date.fromisoformat(row[column]),
                    number_format="yyyy-mm-dd",
                )
            else:
                put_cell(worksheet, row_number, index, row[column])
    for index, column in enumerate(columns, start=1):
        longest = max((len(str(row[column])) for row in rows), default=0)
        width = min(max(len(column), longest, 10) + 2, 60)
        worksheet.column_dimensions[get_column_letter(index)].width = width
    worksheet.freeze_panes = "A2"
    last = f"{get_column_letter(len(columns))}{len(rows) + 1}"
    if rows:
        # A table (with its own filter buttons) names the range for pivot tables.
        table = Table(displayName="IprData", ref=f"A1:{last}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        worksheet.add_table(table)
    else:
        worksheet.auto_filter.ref = f"A1:{last}"


def _write_definitions(sheet: Sheet, pack: Pack) -> None:
    sheet.set_widths(width for _, width in DEFINITION_COLUMNS)
    sheet.title("OKR definitions", font=HEADING)
    sheet.header(*(label for label, _ in DEFINITION_COLUMNS))
    for objective in pack.report.objectives:
        for okr in objective.okrs:
            sheet.line(
                okr.code,
                objective.short_name or objective.title,
                okr.focus_area,
                okr.statement,
                words(okr.measure),
                okr.direction,
                okr.frequency,
                okr.owner or "Not recorded",
                _marked(okr.tolerance, okr.tolerance_assumed),
                _marked(okr.calculation or "Not recorded", okr.definition_assumed),
                okr.data_source,
                okr.target_rationale,
                okr.long_term_plan_metric,
            )
    sheet.skip()
    sheet.title("Columns of the Data sheet", font=HEADING)
    # The descriptions are sentences: each spans the next three columns.
    sheet.header("Column", "What it holds", None, None)
    sheet.merge(2, 4, row=sheet.row - 1)
    for column, description in FLAT_COLUMNS:
        sheet.put(1, column, alignment=TOP)
        sheet.put(2, description, alignment=WRAP)
        sheet.merge(2, 4)
        sheet.skip()
