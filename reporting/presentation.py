"""What the IPR's templates need beyond the assembled report itself: the OKR ×
unit tables, the chart figures and their text alternatives, the exceptions with
their commentary and the variation × assurance matrix. Shared by the web page
and the printed pack, so both lay out the same report the same way."""

from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from okrs.formatting import measure_axis_label
from reporting import charts
from reporting.ipr import Ipr, IprOkr
from reporting.spc import ASSURANCES, VARIATIONS
from reporting.tables import okr_by_unit_table


def report_context(report: Ipr, *, exception_charts: bool = False) -> dict:
    """`exception_charts` adds each exception unit's own SPC chart (the printed
    pack's exception pages; the web page links to the section's chart instead).

    The sections (tables and chart figures) and exceptions are worked out when a
    template first reads them: a page whose report body is already rendered and
    kept (see the IPR view) never builds them."""
    return {
        "report": report,
        "sections": SimpleLazyObject(lambda: sections(report)),
        "exceptions": SimpleLazyObject(
            lambda: exceptions_with_commentary(report, charts=exception_charts)
        ),
        "variations": VARIATIONS,
        "assurances": [*ASSURANCES, "none"],
        "matrix_rows": SimpleLazyObject(
            lambda: [
                (variation, [counts[assurance] for assurance in [*ASSURANCES, "none"]])
                for variation, counts in report.summary.matrix.items()
            ]
        ),
    }


def exceptions_with_commentary(report: Ipr, *, charts: bool = False) -> list[tuple]:
    """Each exception (concern or failing) with the OKR's commentary, if written,
    and (with `charts`) the chart of that unit's series."""
    month = report.data_month_start[:7]
    okrs = {
        (objective.short_name or objective.title, okr.statement): okr
        for objective in report.objectives
        for okr in objective.okrs
    }
    result = []
    for number, item in enumerate(report.summary.exceptions, start=1):
        okr = okrs.get((item.objective, item.okr))
        chart = (
            chart_of(okr, f"exception-{number}", unit=item.unit, month=month)
            if charts and okr
            else None
        )
        result.append((item, okr.commentary if okr else None, chart))
    return result


def chart_of(okr: IprOkr, chart_id: str, *, unit: str | None = None, month: str = "") -> dict:
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
        "figure": charts.spc_chart(okr, value_label=measure_axis_label(okr.measure), unit=unit),
        "summary": charts.chart_summary(okr, unit=unit),
        "unit": unit_name,
        "data_url": data_url,
    }


def sections(report: Ipr) -> list[dict]:
    """Per objective: its OKR × unit table and its SPC charts (figure and summary)."""
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
            }
        )
    return result
