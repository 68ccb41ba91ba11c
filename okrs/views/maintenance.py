"""Trust administrators: adding OKRs, changing targets from a period on, marking an
OKR achieved and replacing it, retiring one, linking one to a key focus area. Thin:
check permission, read through selectors, write through actions, render."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from objectives import selectors as strategy_selectors
from objectives.text import parse_id
from okrs import actions, periods
from okrs.forms.maintenance import (
    AddKeyResultForm,
    ChangeTargetForm,
    FocusAreaLinkForm,
    ReasonForm,
    ReplaceKeyResultForm,
)
from okrs.forms.trajectories import TrajectoryForm
from okrs.imports.reading import MAX_FILE_BYTES, size_text, too_large
from okrs.selectors import maintenance as maintenance_selectors
from web.forms import add_action_errors, declared_body_size

can_maintain_okrs = permission_required("portal.maintain_okrs", raise_exception=True)


def current_strategy():
    strategy = strategy_selectors.current_strategy()
    if strategy is None:
        raise Http404("No strategy is marked as current yet.")
    return strategy


def _breadcrumbs(key_result=None) -> list[tuple[str, str]]:
    crumbs = [(reverse("okrs:manage_okrs"), "Manage OKRs")]
    if key_result is not None:
        crumbs.append((key_result.get_absolute_url(), key_result.statement))
    return crumbs


@can_maintain_okrs
def manage_okrs(request: HttpRequest) -> HttpResponse:
    strategy = current_strategy()
    return render(
        request,
        "okrs/maintenance/manage_okrs.html",
        {
            "strategy": strategy,
            "objectives": maintenance_selectors.okrs_to_maintain(strategy, timezone.localdate()),
        },
    )


@can_maintain_okrs
def add_key_result(request: HttpRequest) -> HttpResponse:
    focus_areas = maintenance_selectors.focus_areas_for_new_okrs(current_strategy())
    if request.method == "POST":
        form = AddKeyResultForm(request.POST, focus_areas=focus_areas)
        if form.is_valid():
            try:
                key_result = actions.add_key_result_to_focus_area(
                    by=request.user,
                    focus_area=form.cleaned_data["focus_area"],
                    definition=form.definition(),
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                messages.success(request, f"OKR added: {key_result.statement}")
                return redirect(key_result.get_absolute_url())
    else:
        initial = {}
        chosen = parse_id(request.GET.get("focus_area"))
        if chosen is not None and focus_areas.filter(pk=chosen).exists():
            initial["focus_area"] = chosen
        form = AddKeyResultForm(initial=initial, focus_areas=focus_areas)
    return render(
        request,
        "okrs/maintenance/add_key_result.html",
        {"form": form, "breadcrumbs": _breadcrumbs()},
    )


@can_maintain_okrs
def change_target(request: HttpRequest, code: str) -> HttpResponse:
    key_result = maintenance_selectors.key_result_to_maintain(code)
    spans = maintenance_selectors.periods_for_target_change(key_result, timezone.localdate())
    form = ChangeTargetForm(
        request.POST or None, spans=spans, units=maintenance_selectors.units_with_own_targets()
    )
    if request.method == "POST" and form.is_valid():
        span, unit = form.chosen_span(), form.chosen_unit()
        try:
            actions.change_target_from(
                by=request.user,
                key_result=key_result,
                value=form.cleaned_data["value"],
                from_period=span,
                unit=unit,
                until_period=form.chosen_until(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            whose = f"{unit.short_name}'s target" if unit else "The Trust's target"
            messages.success(
                request,
                f"{whose} changed from {periods.period_label(span.frequency, span.starts_on)} "
                "on. Earlier periods keep the target they had.",
            )
            return redirect(key_result.get_absolute_url())
    return render(
        request,
        "okrs/maintenance/change_target.html",
        {
            "key_result": key_result,
            "form": form,
            "can_change_target": actions.can_change_target(key_result),
            "has_periods": bool(spans),
            "targets": maintenance_selectors.targets_over_time(key_result),
            "breadcrumbs": _breadcrumbs(key_result),
        },
    )


# The form around an uploaded file (boundaries, other fields, the CSRF token).
_FORM_ALLOWANCE_BYTES = 64 * 1024


@csrf_exempt  # checked in _trajectories, once the size is known: checking reads the body
@can_maintain_okrs
def trajectories(request: HttpRequest, code: str) -> HttpResponse:
    """The OKR's trajectories per unit, and the form that sets a unit's planned
    trajectory or, where it has one, records a revised one: typed, or uploaded as a
    file of several units' targets. A request larger than the largest file allowed
    is refused from the size it declares, before its body is read."""
    if request.method == "POST" and declared_body_size(request) > (
        MAX_FILE_BYTES + _FORM_ALLOWANCE_BYTES
    ):
        message = too_large(f"The file is larger than {size_text(MAX_FILE_BYTES)}.")
        return _trajectories(request, code, too_large=message)
    return _trajectories(request, code)


@csrf_protect
def _trajectories(request: HttpRequest, code: str, too_large: str = "") -> HttpResponse:
    key_result = maintenance_selectors.key_result_to_maintain(code)
    spans = maintenance_selectors.periods_for_target_change(key_result, timezone.localdate())
    spans.reverse()  # oldest first: a trajectory is read forwards
    form = TrajectoryForm(
        None if too_large else (request.POST or None),
        None if too_large else (request.FILES or None),
        spans=spans,
        units=maintenance_selectors.units_with_trajectories(),
        frequency=key_result.frequency,
    )
    if too_large:
        # The body was never read: an unbound form, with the refusal on its file.
        form.cleaned_data = {}
        form.add_error("file", too_large)
    elif request.method == "POST" and form.is_valid():
        try:
            recorded = actions.record_trajectories(
                by=request.user,
                key_result=key_result,
                paths=form.paths,
                reason=form.cleaned_data["reason"],
                approved_by=form.cleaned_data["approved_by"],
                approved_on=form.cleaned_data["approved_on"],
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            for trajectory in recorded:
                what = (
                    f"Revised trajectory (revision {trajectory.revision})"
                    if trajectory.is_revised
                    else "Planned trajectory"
                )
                messages.success(request, f"{what} recorded for {trajectory.unit.short_name}.")
            return redirect(reverse("okrs:trajectories", args=[key_result.code]))
    return render(
        request,
        "okrs/maintenance/trajectories.html",
        {
            "key_result": key_result,
            "form": form,
            "can_change_target": actions.can_change_target(key_result),
            "has_periods": bool(spans),
            "trajectories": maintenance_selectors.trajectories_of(key_result),
            "breadcrumbs": _breadcrumbs(key_result),
        },
        status=413 if too_large else 200,
    )


@can_maintain_okrs
def achieve_and_replace(request: HttpRequest, code: str) -> HttpResponse:
    key_result = maintenance_selectors.key_result_to_maintain(code)
    if request.method == "POST":
        form = ReplaceKeyResultForm(request.POST)
        if form.is_valid():
            try:
                replacement = actions.mark_achieved_and_replace(
                    by=request.user,
                    key_result=key_result,
                    definition=form.definition(),
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                messages.success(
                    request,
                    f"Marked achieved and replaced by: {replacement.statement}",
                )
                return redirect(key_result.get_absolute_url())
    else:
        form = ReplaceKeyResultForm(initial=ReplaceKeyResultForm.initial_from(key_result))
    return render(
        request,
        "okrs/maintenance/achieve_and_replace.html",
        {
            "key_result": key_result,
            "form": form,
            "allowed": actions.can_change_status(key_result, "achieved"),
            "breadcrumbs": _breadcrumbs(key_result),
        },
    )


@can_maintain_okrs
def retire(request: HttpRequest, code: str) -> HttpResponse:
    key_result = maintenance_selectors.key_result_to_maintain(code)
    if request.method == "POST":
        form = ReasonForm(request.POST)
        if form.is_valid():
            try:
                actions.retire_key_result(
                    by=request.user, key_result=key_result, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                messages.success(request, f"OKR retired: {key_result.statement}")
                return redirect(key_result.get_absolute_url())
    else:
        form = ReasonForm()
    return render(
        request,
        "okrs/maintenance/retire.html",
        {
            "key_result": key_result,
            "form": form,
            "allowed": actions.can_change_status(key_result, "retired"),
            "breadcrumbs": _breadcrumbs(key_result),
        },
    )


@can_maintain_okrs
def link_focus_area(request: HttpRequest, code: str) -> HttpResponse:
    key_result = maintenance_selectors.key_result_to_maintain(code)
    focus_areas = list(key_result.objective.focus_areas.all())
    strategy = key_result.objective.strategy
    if request.method == "POST":
        form = FocusAreaLinkForm(request.POST, focus_areas=focus_areas)
        if form.is_valid():
            chosen = form.chosen_focus_area()
            try:
                actions.link_key_result_to_focus_area(
                    by=request.user,
                    key_result=key_result,
                    focus_area=chosen,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                messages.success(
                    request,
                    f"Linked to the key focus area ‘{chosen.title}’"
                    if chosen
                    else "No longer linked to a key focus area",
                )
                return redirect(key_result.get_absolute_url())
    else:
        form = FocusAreaLinkForm(
            initial={"focus_area": str(key_result.focus_area_id or "")},
            focus_areas=focus_areas,
        )
    return render(
        request,
        "okrs/maintenance/link_focus_area.html",
        {
            "key_result": key_result,
            "form": form,
            "superseded": strategy.status == strategy.Status.SUPERSEDED,
            "allowed": strategy.status != strategy.Status.SUPERSEDED
            and actions.can_link_focus_area(key_result),
            "breadcrumbs": _breadcrumbs(key_result),
        },
    )
