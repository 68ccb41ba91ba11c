"""The current strategy's programmes: Trust administrators set them out (name,
focus area, lead) and confirm those read from the papers; each programme's lead
reports its rating and progress month by month. Thin: check permission, read
through selectors, write through actions, render."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from okrs import actions, periods
from okrs import selectors as okr_selectors
from okrs.forms.programmes import ProgrammeForm, ProgrammeReportForm
from okrs.selectors import programmes as selectors
from okrs.views.maintenance import current_strategy
from web.forms import add_action_errors

can_maintain_strategy = permission_required("portal.maintain_strategy", raise_exception=True)


def _breadcrumbs() -> list[tuple[str, str]]:
    return [(reverse("okrs:manage_programmes"), "Programmes")]


@can_maintain_strategy
@require_GET
def manage_programmes(request: HttpRequest) -> HttpResponse:
    strategy = current_strategy()
    programmes = selectors.strategy_programmes(strategy)
    return render(
        request,
        "okrs/programmes/list.html",
        {
            "strategy": strategy,
            "programmes": programmes,
            "to_confirm": sum(1 for programme in programmes if programme.provenance == "assumed"),
        },
    )


def _form(request, strategy, initial=None) -> ProgrammeForm:
    return ProgrammeForm(
        request.POST or None,
        initial=initial,
        focus_areas=selectors.focus_area_choices(strategy),
        people=selectors.lead_choices(),
        units=selectors.unit_choices(),
    )


@can_maintain_strategy
def add_programme(request: HttpRequest) -> HttpResponse:
    strategy = current_strategy()
    form = _form(request, strategy)
    if request.method == "POST" and form.is_valid():
        try:
            programme = actions.add_programme(
                by=request.user,
                focus_area=form.cleaned_data["focus_area"],
                title=form.cleaned_data["title"],
                lead=form.cleaned_data["lead"],
                unit=form.cleaned_data["unit"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as refusal:
            add_action_errors(form, refusal)
        else:
            messages.success(request, f"{programme.title} added.")
            return redirect("okrs:manage_programmes")
    return render(
        request,
        "okrs/programmes/form.html",
        {"form": form, "title": "Add a programme", "breadcrumbs": _breadcrumbs()},
    )


@can_maintain_strategy
def change_programme(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = current_strategy()
    programme = selectors.current_programme(pk)
    form = _form(
        request,
        strategy,
        initial={
            "title": programme.title,
            "focus_area": programme.focus_area_id,
            "lead": programme.lead_id,
            "unit": programme.unit_id,
            "version": programme.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_programme(
                by=request.user,
                programme=programme,
                focus_area=form.cleaned_data["focus_area"],
                title=form.cleaned_data["title"],
                lead=form.cleaned_data["lead"],
                unit=form.cleaned_data["unit"],
                reason=form.cleaned_data["reason"],
                seen_version=form.cleaned_data["version"],
            )
        except ValidationError as refusal:
            add_action_errors(form, refusal)
        else:
            messages.success(request, f"{form.cleaned_data['title']} saved as the Trust’s.")
            return redirect("okrs:manage_programmes")
    return render(
        request,
        "okrs/programmes/form.html",
        {
            "form": form,
            "title": f"Change {programme.title}",
            "programme": programme,
            "breadcrumbs": _breadcrumbs(),
        },
    )


def report_programme(request: HttpRequest, pk: int, month: str) -> HttpResponse:
    """A programme lead's report for a month: its rating and progress."""
    programme = selectors.current_programme(pk)
    if not request.user.has_perm("portal.update_programme", programme):
        raise PermissionDenied("Only the programme's lead or a Trust administrator can report.")
    try:
        data_month = periods.parse_month(month)
        refusal = okr_selectors.reportable_months().refusal(data_month)
    except ValueError as error:
        raise Http404(str(error)) from error
    if refusal:
        raise Http404(refusal)
    span = periods.month_span(data_month.year, data_month.month)
    label = periods.period_label(periods.MONTHLY, data_month)
    period = okr_selectors.reporting_period(span)
    existing = selectors.programme_report(programme, period)
    initial = {}
    if existing is not None:
        initial = {"rag": existing.rag, "progress": existing.progress, "version": existing.version}
        cip = getattr(existing, "cost_improvement", None)
        if cip is not None:
            initial |= {
                "cip_planned": cip.planned_in_period,
                "cip_delivered": cip.delivered_in_period,
            }
    form = ProgrammeReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_programme(
                by=request.user,
                programme=programme,
                period=period or actions.ensure_reportable_period(span),
                rag=form.cleaned_data["rag"],
                progress=form.cleaned_data["progress"],
                seen_version=form.cleaned_data["version"],
                cost_improvement=_cost_improvement(form.cleaned_data),
            )
        except ValidationError as refusal:
            add_action_errors(form, refusal)
        else:
            messages.success(request, f"{programme.title}: {label} report saved.")
            objective = programme.focus_area.objective
            page = reverse("reporting:objective", args=[objective.pk])
            return redirect(f"{page}#programmes")
    return render(
        request,
        "okrs/programmes/report.html",
        {
            "form": form,
            "programme": programme,
            "month_label": label,
            "existing": existing,
            "reports": selectors.recent_reports(programme),
        },
    )


def _cost_improvement(data: dict) -> actions.CostImprovementFigures | None:
    if data.get("cip_planned") is None or data.get("cip_delivered") is None:
        return None
    return actions.CostImprovementFigures(
        delivered_in_period=data["cip_delivered"], planned_in_period=data["cip_planned"]
    )
