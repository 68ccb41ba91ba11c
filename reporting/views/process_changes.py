"""Trust administrators: the process changes of an OKR, per unit, and recording,
changing or withdrawing one (each recalculates the limits of that unit's SPC chart
from its first period). Thin: check permission, read through selectors, write
through actions, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from okrs import periods
from okrs.selectors import maintenance as maintenance_selectors
from okrs.views.maintenance import can_maintain_okrs
from reporting import actions
from reporting import process_changes as selectors
from reporting.process_change_forms import ProcessChangeForm, WithdrawProcessChangeForm
from web.forms import add_action_errors


def _list_url(key_result) -> str:
    return reverse("reporting:process_changes", args=[key_result.code])


def _breadcrumbs(key_result, *, listing: bool = True) -> list[tuple[str, str]]:
    crumbs = [
        (reverse("okrs:manage_okrs"), "Manage OKRs"),
        (key_result.get_absolute_url(), key_result.statement),
    ]
    if listing:
        crumbs.append((_list_url(key_result), "Process changes"))
    return crumbs


def _period(key_result, change) -> str:
    return periods.period_label(key_result.frequency, change.starts_on)


@can_maintain_okrs
@require_GET
def process_changes(request: HttpRequest, code: str) -> HttpResponse:
    key_result = maintenance_selectors.key_result_to_maintain(code)
    return render(
        request,
        "reporting/process_changes/list.html",
        {
            "key_result": key_result,
            "changes": selectors.process_changes_of(key_result),
            "allowed": actions.can_record_process_change(key_result),
            "breadcrumbs": _breadcrumbs(key_result, listing=False),
        },
    )


@can_maintain_okrs
def record_process_change(request: HttpRequest, code: str) -> HttpResponse:
    key_result = maintenance_selectors.key_result_to_maintain(code)
    form = ProcessChangeForm(
        request.POST or None,
        spans=selectors.periods_for_process_change(key_result),
        units=selectors.units_for_process_changes(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            change = actions.record_process_change(
                by=request.user,
                key_result=key_result,
                unit=form.cleaned_data["unit"],
                starts_on=form.cleaned_data["starts_on"],
                reason=form.cleaned_data["reason"],
                baseline_values=form.cleaned_data["baseline_values"],
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(
                request,
                f"Process change recorded for {change.unit} from {_period(key_result, change)}. "
                "The limits of that chart are recalculated from then.",
            )
            return redirect(_list_url(key_result))
    return render(
        request,
        "reporting/process_changes/form.html",
        {
            "key_result": key_result,
            "form": form,
            "allowed": actions.can_record_process_change(key_result),
            "breadcrumbs": _breadcrumbs(key_result),
        },
    )


@can_maintain_okrs
def change_process_change(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    key_result = maintenance_selectors.key_result_to_maintain(code)
    change = selectors.process_change_of(key_result, pk)
    initial = {
        "version": change.version,
        "starts_on": change.starts_on.isoformat(),
        "reason": change.reason,
        "baseline_values": change.baseline_values,
    }
    form = ProcessChangeForm(
        request.POST or None,
        initial=initial,
        spans=selectors.periods_for_process_change(key_result),
        changing=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = actions.change_process_change(
                by=request.user,
                process_change=change,
                starts_on=form.cleaned_data["starts_on"],
                reason=form.cleaned_data["reason"],
                baseline_values=form.cleaned_data["baseline_values"],
                change_reason=form.cleaned_data["change_reason"],
                seen_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(
                request,
                f"Process change for {changed.unit} saved: the limits are recalculated from "
                f"{_period(key_result, changed)}.",
            )
            return redirect(_list_url(key_result))
    return render(
        request,
        "reporting/process_changes/form.html",
        {
            "key_result": key_result,
            "change": change,
            "form": form,
            "allowed": actions.can_record_process_change(key_result),
            "breadcrumbs": _breadcrumbs(key_result),
        },
    )


@can_maintain_okrs
def withdraw_process_change(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    key_result = maintenance_selectors.key_result_to_maintain(code)
    change = selectors.process_change_of(key_result, pk)
    form = WithdrawProcessChangeForm(request.POST or None, initial={"version": change.version})
    if request.method == "POST" and form.is_valid():
        try:
            actions.withdraw_process_change(
                by=request.user,
                process_change=change,
                reason=form.cleaned_data["reason"],
                seen_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(
                request,
                f"Process change for {change.unit} from {_period(key_result, change)} "
                "withdrawn: the limits are no longer recalculated there.",
            )
            return redirect(_list_url(key_result))
    return render(
        request,
        "reporting/process_changes/withdraw.html",
        {
            "key_result": key_result,
            "change": change,
            "period": _period(key_result, change),
            "form": form,
            "allowed": actions.can_record_process_change(key_result),
            "breadcrumbs": _breadcrumbs(key_result),
        },
    )
