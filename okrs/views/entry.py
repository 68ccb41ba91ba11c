"""Directorate leads: what their units owe, entering it, and each value's history."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from objectives.models import OrganisationalUnit
from okrs import actions, selectors
from okrs.formatting import okr_value_text
from okrs.forms.result_entry import ResultEntryForm
from okrs.models import ReportingPeriod
from okrs.result_planner import ChangePlan, Outcome
from okrs.selectors.submissions import submissions_for_period, units_led_by
from web.pages import requires_portal_role


@requires_portal_role
def my_submissions(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    # The periods open today are made by `open_periods` (daily): a GET never writes.
    units = units_led_by(request.user)
    periods = []
    if units:
        for period in selectors.periods_open_on(today):
            submissions = [
                submission
                for submission in submissions_for_period(period, units, today)
                if submission.values
            ]
            if submissions:
                periods.append((period, submissions))
    return render(
        request,
        "okrs/my_submissions.html",
        {"units": units, "periods": periods, "today": today},
    )


@requires_portal_role
def enter_results(request: HttpRequest, unit: str, period: int) -> HttpResponse:
    unit = get_object_or_404(OrganisationalUnit, slug=unit)
    period = get_object_or_404(ReportingPeriod, pk=period)
    if not request.user.has_perm("portal.change_unit_results", unit):
        raise PermissionDenied(f"You cannot enter results for {unit.short_name}.")
    # Which of the two it is decides whether a reason is asked for.
    is_lead = request.user.has_perm("portal.enter_results_for_unit", unit)
    can_correct = request.user.has_perm("portal.correct_results")
    today = timezone.localdate()
    submissions = submissions_for_period(period, [unit], today)
    owed = submissions[0].values if submissions else []
    form = ResultEntryForm(request.POST or None, owed=owed, can_correct=can_correct)
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        plan = actions.apply_result_changes(
            by=request.user,
            changes=form.changes(unit, period),
            submit=submit,
            reason=form.cleaned_data["reason"],
            today=today,
        )
        if not plan.has_errors:
            messages.success(request, _saved_message(unit, period, plan))
            return redirect("okrs:enter_results", unit=unit.slug, period=period.pk)
        form.add_plan_errors(plan)
    return render(
        request,
        "okrs/enter_results.html",
        {
            "unit": unit,
            "period": period,
            "form": form,
            "today": today,
            "is_lead": is_lead,
            "can_correct": can_correct,
            "is_open": period.is_open_on(today),
            "is_closed": period.is_closed_on(today),
            "not_yet_open": today < period.opens_on,
            "reason_needed": can_correct and (not is_lead or period.is_closed_on(today)),
            "submission": submissions[0] if submissions else None,
        },
    )


@requires_portal_role
def result_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Every version of one value: who, when, what it was and became, and why.
    Works for a value that has since been removed (its history remains)."""
    entries = selectors.result_history(pk)
    if not entries:
        raise Http404("No such value.")
    return render(
        request,
        "okrs/result_history.html",
        {"entries": entries, "latest": entries[0].record},
    )


def _saved_message(unit, period, plan: ChangePlan) -> str:
    """What was saved and, by name, what was removed (with the value it had)."""
    removed = [item for item in plan.writes if item.outcome == Outcome.REMOVED]
    saved = len(plan.writes) - len(removed)
    parts = []
    if saved:
        word = "submitted" if plan.submit else "saved as a draft"
        parts.append(f"{saved} value{'s' if saved != 1 else ''} {word}.")
    if removed:
        names = "; ".join(
            f"{item.change.key_result.statement} "
            f"(was {okr_value_text(item.change.key_result, item.existing.value)})"
            for item in removed
        )
        parts.append(f"Removed: {names}.")
    return f"{unit.short_name}, {period.label}: {' '.join(parts) or 'nothing changed.'}"
