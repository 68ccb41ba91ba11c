"""What the IPR's templates need beyond the assembled report itself: the OKR ×
unit tables, the chart figures and their text alternatives, the exceptions with
their commentary and the variation × assurance matrix. Shared by the web page
and the printed pack, so both lay out the same report the same way."""

import json

from okrs.formatting import measure_axis_label
from reporting import charts
from reporting.ipr import ASSURANCES, VARIATIONS, Ipr
from reporting.tables import okr_by_unit_table


def report_context(report: Ipr) -> dict:
    return {
        "report": report,
        "sections": sections(report),
        "exceptions": exceptions_with_commentary(report),
        "variations": VARIATIONS,
        "assurances": [*ASSURANCES, "none"],
        "matrix_rows": [
            (variation, [counts[assurance] for assurance in [*ASSURANCES, "none"]])
            for variation, counts in report.summary.matrix.items()
        ],
    }


def exceptions_with_commentary(report: Ipr) -> list[tuple]:
    """Each exception (concern or failing) with the OKR's commentary, if written."""
    commentary = {
        (objective.short_name or objective.title, okr.statement): okr.commentary
        for objective in report.objectives
        for okr in objective.okrs
    }
    return [
        (item, commentary.get((item.objective, item.okr))) for item in report.summary.exceptions
    ]


def sections(report: Ipr) -> list[dict]:
    """Per objective: its OKR × unit table and its SPC charts (figure and summary)."""
    result = []
    for objective in report.objectives:
        figures = []
        for index, okr in enumerate(objective.okrs):
            if okr.chart:
                figure = charts.spc_chart(okr, value_label=measure_axis_label(okr.measure))
                figures.append(
                    {
                        "id": f"chart-{objective.number}-{index}",
                        "data_id": f"chart-{objective.number}-{index}-data",
                        "okr": okr,
                        "figure": json.loads(figure.to_json()),
                        "summary": charts.chart_summary(okr),
                    }
                )
        result.append(
            {"objective": objective, "table": okr_by_unit_table(objective), "charts": figures}
        )
    return result
