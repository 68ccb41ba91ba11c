"""OKR pages. Thin: check permission, read through selectors, render."""

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csp import csp_override
from django_tables2 import RequestConfig

from okrs import charts, selectors
from okrs.formatting import format_value, measure_axis_label
from okrs.tables import ResultTable
from web.pages import CHART_PAGE_CSP, requires_portal_role


@requires_portal_role
@csp_override(CHART_PAGE_CSP)
def key_result(request: HttpRequest, code: str) -> HttpResponse:
    key_result = selectors.key_result_detail(code)
    targets = list(key_result.targets.all())
    results = list(selectors.results_for_key_result(key_result))

    def value_format(value):
        return format_value(value, key_result.measure, key_result.decimal_places)

    table = ResultTable(
        results,
        target_of=lambda record: selectors.unit_target(key_result, record.period, record.unit_id),
        value_format=value_format,
        target_format=lambda value: format_value(value, key_result.measure),
    )
    RequestConfig(request, paginate=False).configure(table)  # sorting from the address
    _paginate(table, request)
    series = {
        unit.short_name: points for unit, points in selectors.result_series_by_unit(results).items()
    }
    figure = None
    if series:
        figure = charts.results_line_chart(
            series,
            targets=[
                (target.effective_from, float(target.value))
                for target in targets
                if target.is_trust_wide
            ],
            value_label=measure_axis_label(key_result.measure),
            emphasise="Trust",
        )
        figure = json.loads(figure.to_json())
    return render(
        request,
        "okrs/key_result.html",
        {
            "key_result": key_result,
            "breadcrumbs": [
                (
                    key_result.objective.strategy.get_absolute_url(),
                    key_result.objective.strategy.title,
                ),
                (key_result.objective.get_absolute_url(), str(key_result.objective)),
            ],
            "targets": [
                (target, format_value(target.value, key_result.measure))
                for target in sorted(
                    targets, key=lambda target: (not target.is_trust_wide, target.effective_from)
                )
            ],
            "table": table,
            "figure": figure,
            "chart_summary": _chart_summary(key_result, series),
            "has_demo_results": any(result.is_demo for result in results),
        },
    )


PER_PAGE = 25
MAX_PER_PAGE = 100


def _paginate(table, request: HttpRequest) -> None:
    """Rows per page from `?per_page=` within 1 to 100 (else 25); a page past the
    end shows the last, one that is not a number the first."""
    try:
        per_page = int(request.GET.get("per_page", PER_PAGE))
    except ValueError:
        per_page = PER_PAGE
    if not 1 <= per_page <= MAX_PER_PAGE:
        per_page = PER_PAGE
    table.paginate(per_page=per_page)
    table.page = table.paginator.get_page(request.GET.get("page"))


def _chart_summary(key_result, series) -> str:
    """A text alternative for the chart: what it plots and the latest values."""
    if not series:
        return "No results yet."
    latest = "; ".join(
        f"{unit} {format_value(points[-1].value, key_result.measure, key_result.decimal_places)} "
        f"in {points[-1].period_label}"
        for unit, points in series.items()
    )
    first = min((points[0].period_start, points[0].period_label) for points in series.values())[1]
    return f"Line chart of results per unit. Latest values: {latest}. Data from {first}."
