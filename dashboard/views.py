"""The performance dashboard's pages. Thin: read the month's report (the published
edition if there is one, else the draft for those who read drafts), narrow it by
the filters in the address, and lay it out with `dashboard.board`."""

import datetime
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csp import csp_override

from dashboard import board
from dashboard.forms import DashboardFilters, MonthFilter
from objectives import data_version
from objectives import selectors as strategy_selectors
from okrs import selectors as okr_selectors
from okrs.formatting import format_value
from okrs.selectors.submissions import units_led_by
from reporting import actions as report_actions
from reporting import selectors as report_selectors
from reporting.ipr import Ipr, ReportMonth
from reporting.models import IprEdition
from reporting.presentation import chart_of
from web.pages import CHART_PAGE_CSP, requires_portal_role

# The filters that narrow the page (the month chooses it).
FILTERS = ("unit", "objective", "owner", "off_track")


@dataclass(frozen=True)
class MonthsReport:
    """The months the reader may choose from, the month shown and its report."""

    months: list[ReportMonth]
    report: Ipr
    edition: IprEdition | None


def _months_report(request: HttpRequest) -> MonthsReport | None:
    """The report for `?month=` (if it is one the reader may choose; else the
    latest): the published edition where there is one, else the draft, with each
    cell's history (the sparklines and histories need it: one kept report serves
    every page here). None when the reader has no month to choose (nothing
    submitted, or nothing published)."""
    version = data_version.current()
    months = report_selectors.months_offered(
        request.user, okr_selectors.reportable_months(), version
    )
    if not months:
        return None
    chosen = request.GET.get("month")
    month = next(
        (m for m in months if m.starts_on.strftime("%Y-%m") == chosen), months[0]
    ).starts_on
    report, edition = report_selectors.month_report(month, version=version)
    return MonthsReport(months, report, edition)


@requires_portal_role
def home(request: HttpRequest) -> HttpResponse:
    found = _months_report(request)
    if found is None:
        return render(request, "dashboard/no_report.html")
    report = found.report
    objective_ids = [objective.id for objective in report.objectives]
    owned = strategy_selectors.objectives_user_may_write(request.user, objective_ids)
    filters = DashboardFilters(
        request.GET,
        months=found.months,
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
            "edition": found.edition,
            "month": _month_of(report),
            "filters": filters,
            "focus": focus,
            "filtered": any(wanted.get(name) for name in FILTERS),
            "matrix": matrix,
            "totals": board.totals(matrix),
            "off_track": off_track,
            "changes": board.changes(report, focus),
            **_for_the_reader(request, found, owned),
        },
    )


def _for_the_reader(request: HttpRequest, found: MonthsReport, owned: set[int]) -> dict:
    """What this reader is shown first, by what they do: the objectives they own
    (and their executive summaries), the units they lead (their position and the
    values still missing), and for those who publish, the month's readiness."""
    user, report = request.user, found.report
    month = _month_of(report)
    context = {
        "owned": (
            board.owned_objectives(board.matrix(report, board.Focus(objectives_owned=owned)))
            if owned
            else []
        ),
        "led": [
            page
            for unit in units_led_by(user)
            if (page := board.unit_page(report, unit.slug)) is not None
        ],
    }
    if user.has_perm("portal.publish_ipr"):
        context["readiness"] = board.readiness(
            report, found.edition.revision if found.edition else None
        )
        context["month_ended"] = report_actions.month_has_ended(month)
        context["exports"] = report_selectors.pack_exports(month, found.edition)
    return context


@requires_portal_role
def unit(request: HttpRequest, slug: str) -> HttpResponse:
    """A unit's page: its OKRs for the month with rating, trend and SPC icons, and
    each OKR's rating over its latest periods."""
    found_unit = strategy_selectors.unit_by_slug(slug)
    found = _months_report(request)
    page = board.unit_page(found.report, slug) if found else None
    month = _month_of(found.report) if found else None
    dashboard_url = _for_month(reverse("dashboard:home"), month)
    filters = MonthFilter(request.GET, months=found.months if found else [])
    filters.is_valid()
    return render(
        request,
        "dashboard/unit.html",
        {
            "unit": found_unit,
            "report": found.report if found else None,
            "edition": found.edition if found else None,
            "month": month,
            "filters": filters,
            "page": page,
            "breadcrumbs": [
                (dashboard_url, "Dashboard"),
                (reverse("objectives:units"), "Units"),
            ],
        },
    )


def _for_month(url: str, month: datetime.date | None) -> str:
    return f"{url}?month={month:%Y-%m}" if month else url


# How the values table names a target that is a trajectory's.
_TARGET_KINDS = {"trajectory": "trajectory", "revised_trajectory": "revised trajectory"}


def _rated_against(point, measure: str) -> str:
    """What a period's value was rated against, in words: '95%', or '91% (revised
    trajectory; goal 95%)'."""
    if point.target is None:
        return "No target"
    text = format_value(point.target, measure)
    if point.target_kind in _TARGET_KINDS:
        goal = f"; goal {format_value(point.goal, measure)}" if point.goal is not None else ""
        text += f" ({_TARGET_KINDS[point.target_kind]}{goal})"
    elif point.target_set_for == "unit":
        text += " (its own target)"
    return text


def _month_of(report: Ipr) -> datetime.date:
    return datetime.date.fromisoformat(report.data_month_start)


@requires_portal_role
@csp_override(CHART_PAGE_CSP)
def okr_unit(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    """One OKR for one unit: its SPC chart, its values with who entered each and
    what they said, its rating and commentary, and the indicator's passport."""
    key_result = okr_selectors.key_result_detail(code)
    found_unit = strategy_selectors.unit_by_slug(slug)
    found = _months_report(request)
    item = board.okr_in_unit(found.report, code, slug) if found else None
    entered = okr_selectors.submitted_results_by_period(key_result, found_unit)
    rows = []
    if item is not None:
        for point in reversed(item.cell.history):
            result = entered.get(datetime.date.fromisoformat(point.period_start))
            rows.append((point, result, _rated_against(point, key_result.measure)))
    month = _month_of(found.report) if found else None
    filters = MonthFilter(request.GET, months=found.months if found else [])
    filters.is_valid()
    last_change = (
        key_result.history.order_by("-history_date").values_list("history_date", flat=True).first()
    )
    latest_value = max((result.entered_at for result in entered.values()), default=None)
    return render(
        request,
        "dashboard/okr_unit.html",
        {
            "key_result": key_result,
            "unit": found_unit,
            "report": found.report if found else None,
            "edition": found.edition if found else None,
            "month": month,
            "filters": filters,
            "item": item,
            "chart": (
                chart_of(item.okr, "okr-unit-chart", unit=item.cell.unit, month=f"{month:%Y-%m}")
                if item
                else None
            ),
            "rows": rows,
            # The Trust's targets and the unit's own (which override them).
            "targets": [
                (target, format_value(target.value, key_result.measure))
                for target in key_result.targets.all()
                if target.unit_id in (None, found_unit.pk)
            ],
            "last_updated": max(filter(None, [last_change, latest_value]), default=None),
            "breadcrumbs": [
                (
                    reverse("dashboard:home") + (f"?month={month:%Y-%m}" if month else ""),
                    "Dashboard",
                ),
                (
                    reverse("dashboard:unit", kwargs={"slug": slug})
                    + (f"?month={month:%Y-%m}" if month else ""),
                    found_unit.short_name,
                ),
                (key_result.get_absolute_url(), key_result.statement),
            ],
        },
    )
