"""Strategy pages. Thin: check permission, read through selectors, render."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from objectives import selectors
from web.pages import requires_portal_role


@requires_portal_role
def home(request: HttpRequest) -> HttpResponse:
    strategy = selectors.current_strategy()
    if strategy is None:
        raise Http404("No strategy is marked as current yet.")
    return _strategy_page(request, strategy)


@requires_portal_role
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


@requires_portal_role
def strategy_history(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "objectives/strategy_history.html",
        {"strategies": selectors.strategies_for_history()},
    )


@requires_portal_role
def units(request: HttpRequest) -> HttpResponse:
    return render(request, "objectives/units.html", {"units": selectors.units_overview()})


@requires_portal_role
def people(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "objectives/people.html",
        {"holdings": selectors.all_role_holdings(), "people": selectors.people_overview()},
    )
