"""Pages that bring the strategy and its measures together: an objective with its
OKRs' latest values, a focus area with its OKRs and programmes. They live here,
above `okrs` and `objectives`, so dependencies keep pointing one way."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from objectives import selectors as strategy_selectors
from okrs import selectors as okr_selectors
from reporting import selectors
from web.pages import requires_portal_role


@requires_portal_role
def objective(request: HttpRequest, pk: int) -> HttpResponse:
    objective = strategy_selectors.objective_detail(pk)
    okr_rows, units = okr_selectors.latest_value_grid(
        list(okr_selectors.key_results_for_objective(objective))
    )
    return render(
        request,
        "reporting/objective.html",
        {
            "objective": objective,
            "breadcrumbs": [(objective.strategy.get_absolute_url(), objective.strategy.title)],
            "holdings": strategy_selectors.holdings_for_roles(list(objective.lead_roles.all())),
            "focus_areas": objective.focus_areas.all(),
            "okr_rows": okr_rows,
            "units": units,
            "recorded_ratings": selectors.recorded_ratings_by_period(objective),
        },
    )


@requires_portal_role
def focus_area(request: HttpRequest, pk: int) -> HttpResponse:
    focus_area = strategy_selectors.focus_area_detail(pk)
    okr_rows, units = okr_selectors.latest_value_grid(
        list(okr_selectors.key_results_for_focus_area(focus_area))
    )
    return render(
        request,
        "reporting/focus_area.html",
        {
            "focus_area": focus_area,
            "breadcrumbs": [
                (
                    focus_area.objective.strategy.get_absolute_url(),
                    focus_area.objective.strategy.title,
                ),
                (focus_area.objective.get_absolute_url(), str(focus_area.objective)),
            ],
            "okr_rows": okr_rows,
            "units": units,
            "programmes": okr_selectors.programmes_for_focus_area(focus_area),
        },
    )
