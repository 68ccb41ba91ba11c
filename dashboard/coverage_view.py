"""Strategy coverage (/coverage/): what the current strategy does not yet measure.
Thin: read the facts, work out the gaps (`dashboard.coverage`), render."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from dashboard import coverage as strategy_coverage
from objectives import selectors as strategy_selectors
from okrs import selectors as okr_selectors
from web.pages import requires_portal_role


@requires_portal_role
def coverage(request: HttpRequest) -> HttpResponse:
    strategy = strategy_selectors.current_strategy()
    found = None
    if strategy is not None:
        inputs = strategy_coverage.coverage_inputs(strategy, okr_selectors.today())
        found = strategy_coverage.coverage(inputs)
    return render(
        request,
        "dashboard/coverage.html",
        {
            "strategy": strategy,
            "coverage": found,
            "breadcrumbs": [(reverse("dashboard:home"), "Dashboard")],
        },
    )
