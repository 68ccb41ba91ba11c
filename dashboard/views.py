"""The performance dashboard page. Thin: read the month's report (the published
edition if there is one, else the draft for those who read drafts), narrow it by
the filters in the address, and lay it out with `dashboard.board`."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dashboard import board
from dashboard.forms import DashboardFilters
from objectives import data_version
from objectives import selectors as strategy_selectors
from okrs import selectors as okr_selectors
from reporting import selectors as report_selectors
from reporting.ipr import assemble_ipr
from web.pages import requires_portal_role

# The filters that narrow the page (the month chooses it).
FILTERS = ("unit", "objective", "owner", "off_track")


@requires_portal_role
def home(request: HttpRequest) -> HttpResponse:
    version = data_version.current()
    months = report_selectors.months_offered(
        request.user, okr_selectors.reportable_months(), version
    )
    if not months:
        return render(request, "dashboard/no_report.html")
    chosen = request.GET.get("month")
    month = next(
        (m for m in months if m.starts_on.strftime("%Y-%m") == chosen), months[0]
    ).starts_on
    editions = report_selectors.editions_for_month(month)
    edition = editions[0] if editions else None
    if edition is not None:
        report = report_selectors.edition_report(edition)
    else:
        # Only a reader of drafts is offered a month with no edition.
        report = assemble_ipr(month, with_history=False, version=version)
    objective_ids = [objective.id for objective in report.objectives]
    owned = strategy_selectors.objectives_user_may_write(request.user, objective_ids)
    filters = DashboardFilters(
        request.GET,
        months=months,
        units=board.units(report),
        objectives=[(o.number, o.short_name or o.title) for o in report.objectives],
        owns_objectives=bool(owned),
    )
    filters.is_valid()  # a choice that is not offered is said, and left out
    wanted = filters.cleaned_data
    focus = board.Focus(
        unit=wanted.get("unit") or None,
        objective=wanted.get("objective"),
        objectives_owned=frozenset(owned) if wanted.get("owner") == "me" else None,
    )
    matrix = board.matrix(report, focus)
    off_track = board.off_track(report, focus)
    if wanted.get("off_track"):
        matrix = board.only_off_track(matrix, off_track)
    return render(
        request,
        "dashboard/home.html",
        {
            "report": report,
            "edition": edition,
            "month": month,
            "filters": filters,
            "focus": focus,
            "filtered": any(wanted.get(name) for name in FILTERS),
            "matrix": matrix,
            "totals": board.totals(matrix),
            "off_track": off_track,
            "changes": board.changes(report, focus),
        },
    )
