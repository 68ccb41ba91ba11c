"""Strategy pages. Thin: check permission, read through selectors, render."""

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from objectives import selectors

can_view_strategy = permission_required("portal.view_strategy", raise_exception=True)
"""Applied to every page that shows the strategy (here and in reporting.views)."""


@can_view_strategy
def home(request: HttpRequest) -> HttpResponse:
    strategy = selectors.current_strategy()
    if strategy is None:
        raise Http404("No strategy is marked as current yet.")
    return _strategy_page(request, strategy)


@can_view_strategy
def strategy(request: HttpRequest, slug: str) -> HttpResponse:
    return _strategy_page(request, selectors.strategy_by_slug(slug))


def _strategy_page(request: HttpRequest, strategy) -> HttpResponse:
    objectives = list(selectors.objectives_for_strategy(strategy))
    selectors.attach_lead_holdings(objectives)
    return render(
        request,
        "objectives/strategy.html",
        {
            "strategy": strategy,
            "values": selectors.values_with_behaviours(strategy),
            "objectives": objectives,
            "rag_key": strategy.rag_key.all(),
        },
    )


@can_view_strategy
def strategy_history(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "objectives/strategy_history.html",
        {"strategies": selectors.strategies_for_history()},
    )


@can_view_strategy
def units(request: HttpRequest) -> HttpResponse:
    return render(request, "objectives/units.html", {"units": selectors.units_overview()})


@can_view_strategy
def people(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "objectives/people.html",
        {"holdings": selectors.all_role_holdings(), "people": selectors.people_overview()},
    )
