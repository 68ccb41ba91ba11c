"""What the IPR's templates need beyond the assembled report itself: the OKR ×
unit tables, the chart figures and their text alternatives, the exceptions with
their commentary and the variation × assurance matrix. Shared by the web page
and the printed pack, so both lay out the same report the same way."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from okrs.formatting import measure_axis_label
from reporting import charts
from reporting.ipr import Ipr, IprCell, IprCommentary, IprOkr
from reporting.programmes import programme_summary
from reporting.spc import ASSURANCES, VARIATIONS
from reporting.tables import okr_by_unit_table


def report_context(report: Ipr, *, exception_charts: bool = False) -> dict:
    """`exception_charts` adds each exception unit's own SPC chart, as a small
    multiple (the printed pack's exception pages; the web page has the section's
    chart).

    The sections (tables and chart figures) and exceptions are worked out when a
    template first reads them: a page whose report body is already rendered and
    kept (see the IPR view) never builds them."""
    return {
        "report": report,
        "sections": SimpleLazyObject(lambda: sections(report)),
        "exceptions": SimpleLazyObject(lambda: exceptions_by_okr(report, charts=exception_charts)),
        "variations": VARIATIONS,
        "assurances": [*ASSURANCES, "none"],
        "matrix_rows": SimpleLazyObject(
            lambda: [
                (variation, [counts[assurance] for assurance in [*ASSURANCES, "none"]])
                for variation, counts in report.summary.matrix.items()
            ]
        ),
    }


@dataclass(frozen=True)
class ExceptionUnit:
    """One listed value of an exception: its unit, why it is listed, its cell
    (value, target, rating, and what the lead said with it) and, in the pack, its
    unit's chart as a small multiple."""

    unit: str
    detail: str
    cell: IprCell | None
    chart: dict | None


@dataclass(frozen=True)
class ExceptionEntry:
    """An OKR with exceptions: once, with every unit listed and one commentary."""

    objective: str
    statement: str
    okr: IprOkr | None
    units: list[ExceptionUnit]
    commentary: IprCommentary | None


def exceptions_by_okr(report: Ipr, *, charts: bool = False) -> list[ExceptionEntry]:
    """The report's exceptions, one entry per OKR in the order they are listed, each
    with its units (and with `charts`, each unit's chart as a small multiple) and
    the OKR's commentary, if written."""
    month = report.data_month_start[:7]
    okrs = {
        (objective.short_name or objective.title, okr.statement): okr
        for objective in report.objectives
        for okr in objective.okrs
    }
    grouped: dict[tuple[str, str], list] = {}
    for item in report.summary.exceptions:
        grouped.setdefault((item.objective, item.okr), []).append(item)
    entries = []
    for number, ((objective, statement), items) in enumerate(grouped.items(), start=1):
        okr = okrs.get((objective, statement))
        cells = {cell.unit: cell for cell in okr.cells} if okr else {}
        units = [
            ExceptionUnit(
                unit=item.unit,
                detail=item.detail,
                cell=cells.get(item.unit),
                chart=(
                    chart_of(
                        okr,
                        f"exception-{number}-{index}",
                        unit=item.unit,
                        month=month,
                        compact=True,
                    )
                    if charts and okr and okr.chart
                    else None
                ),
            )
            for index, item in enumerate(items, start=1)
        ]
        entries.append(
            ExceptionEntry(
                objective=objective,
                statement=statement,
                okr=okr,
                units=units,
                commentary=okr.commentary if okr else None,
            )
        )
    return entries


def chart_of(
    okr: IprOkr, chart_id: str, *, unit: str | None = None, month: str = "", compact: bool = False
) -> dict:
    """An OKR's SPC chart (the Trust's series, or `unit`'s) as the chart template
    draws it: its element id, its figure, its text alternative, and the address of
    its data as a table (the page of the OKR for that unit, for `month`, YYYY-MM)."""
    _, unit_name = charts.series_of(okr, unit)
    slug = next((cell.unit_slug for cell in okr.cells if cell.unit == unit_name), None)
    data_url = ""
    if slug:
        data_url = reverse("dashboard:okr_unit", kwargs={"code": okr.code, "slug": slug})
        data_url += f"?month={month}" if month else ""
    return {
        "id": chart_id,
        "data_id": f"{chart_id}-data",
        "okr": okr,
        "figure": charts.spc_chart(
            okr, value_label=measure_axis_label(okr.measure), unit=unit, compact=compact
        ),
        "compact": compact,
        "summary": charts.chart_summary(okr, unit=unit),
        "unit": unit_name,
        "data_url": data_url,
    }


def sections(report: Ipr) -> list[dict]:
    """Per objective: its OKR × unit table, its SPC charts (figure and summary) and
    its programmes summed up in words."""
    result = []
    for objective in report.objectives:
        figures = [
            chart_of(okr, f"chart-{objective.number}-{index}", month=report.data_month_start[:7])
            for index, okr in enumerate(objective.okrs)
            if okr.chart
        ]
        result.append(
            {
                "objective": objective,
                "table": okr_by_unit_table(objective, report.data_month_start[:7]),
                "charts": figures,
                "programme_summary": programme_summary(objective.programmes).in_words(
                    report.data_month
                ),
            }
        )
    return result
