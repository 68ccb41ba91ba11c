"""Strategy pages. Thin: check permission, read through selectors, render."""

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from objectives import selectors
from okrs import selectors as okr_selectors

can_view_strategy = permission_required("portal.view_strategy", raise_exception=True)


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
def objective(request: HttpRequest, pk: int) -> HttpResponse:
    objective = selectors.objective_detail(pk)
    key_results = list(okr_selectors.key_results_for_objective(objective))
    latest = okr_selectors.latest_results(key_results)
    units = okr_selectors.units_reporting(latest.values())
    return render(
        request,
        "objectives/objective.html",
        {
            "objective": objective,
            "breadcrumbs": [(objective.strategy.get_absolute_url(), objective.strategy.title)],
            "holdings": selectors.holdings_for_roles(list(objective.lead_roles.all())),
            "focus_areas": objective.focus_areas.all(),
            "okr_rows": okr_selectors.latest_value_rows(key_results, latest, units),
            "units": units,
        },
    )


@can_view_strategy
def focus_area(request: HttpRequest, pk: int) -> HttpResponse:
    focus_area = selectors.focus_area_detail(pk)
    key_results = list(okr_selectors.key_results_for_focus_area(focus_area))
    latest = okr_selectors.latest_results(key_results)
    units = okr_selectors.units_reporting(latest.values())
    return render(
        request,
        "objectives/focus_area.html",
        {
            "focus_area": focus_area,
            "breadcrumbs": [
                (
                    focus_area.objective.strategy.get_absolute_url(),
                    focus_area.objective.strategy.title,
                ),
                (focus_area.objective.get_absolute_url(), str(focus_area.objective)),
            ],
            "okr_rows": okr_selectors.latest_value_rows(key_results, latest, units),
            "units": units,
            "programmes": okr_selectors.programmes_for_focus_area(focus_area),
        },
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
