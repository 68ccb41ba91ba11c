"""Pages that bring the strategy and its measures together: an objective with its
OKRs' latest values, a focus area with its OKRs and programmes. They live here,
above `okrs` and `objectives`, so dependencies keep pointing one way."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from objectives import data_version
from objectives import selectors as strategy_selectors
from okrs import periods
from okrs import selectors as okr_selectors
from okrs.ratings import rating_marks
from okrs.selectors import programmes as programme_selectors
from reporting import selectors
from reporting.ipr import Ipr
from web.pages import requires_portal_role

# How many of its latest periods each rating over time shows.
PERIODS_SHOWN = 12


def _latest_report(user) -> Ipr | None:
    """The latest month's report the reader may see (published, or the draft for
    those who read drafts), with each cell's history (the same kept report as the
    dashboard's pages read), or None if there is none yet."""
    version = data_version.current()
    months = selectors.months_offered(user, okr_selectors.reportable_months(), version)
    if not months:
        return None
    report, _ = selectors.month_report(months[0].starts_on, version=version)
    return report


@requires_portal_role
def objective(request: HttpRequest, pk: int) -> HttpResponse:
    objective = strategy_selectors.objective_detail(pk)
    okr_rows, units = okr_selectors.latest_value_grid(
        list(okr_selectors.key_results_for_objective(objective))
    )
    # Each programme with its latest report, and whether this reader reports on it
    # (its lead, or an administrator): for the month just ended.
    report_month = periods.month_just_ended(timezone.localdate())
    programmes = [
        (programme, request.user.has_perm("portal.update_programme", programme))
        for programme in programme_selectors.objective_programmes(objective)
    ]
    return render(
        request,
        "reporting/objective.html",
        {
            "objective": objective,
            "programmes": programmes,
            "report_month": report_month.strftime("%Y-%m"),
            "report_month_label": periods.period_label(periods.MONTHLY, report_month),
            "breadcrumbs": [(objective.strategy.get_absolute_url(), objective.strategy.title)],
            "holdings": strategy_selectors.holdings_for_roles(list(objective.lead_roles.all())),
            "focus_areas": objective.focus_areas.all(),
            "okr_rows": okr_rows,
            "units": units,
            "recorded_ratings": selectors.recorded_ratings_by_period(objective),
            **_objective_over_time(request.user, objective.pk),
        },
    )


def _objective_over_time(user, objective_id: int) -> dict:
    """The objective's overall rating per unit over the latest months, from the
    latest report the reader may see."""
    report = _latest_report(user)
    found = next((o for o in report.objectives if o.id == objective_id), None) if report else None
    if found is None:
        return {}
    return {
        "over_time_month": report.data_month,
        "overall_over_time": [
            (overall, rating_marks([(point.month, point.rag) for point in overall.trend]))
            for overall in found.overall
        ],
    }


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
            **_focus_area_over_time(request.user, focus_area),
        },
    )


def _focus_area_over_time(user, focus_area) -> dict:
    """Each of the focus area's OKRs' rating per unit over its latest periods, from
    the latest report the reader may see."""
    report = _latest_report(user)
    if report is None:
        return {}
    rows = [
        (okr, cell, rating_marks([(p.period, p.rag) for p in cell.history[-PERIODS_SHOWN:]]))
        for objective in report.objectives
        if objective.id == focus_area.objective_id
        for okr in objective.okrs
        if okr.focus_area == focus_area.title
        for cell in okr.cells
        if cell.history
    ]
    return {"over_time_month": report.data_month, "okrs_over_time": rows}
