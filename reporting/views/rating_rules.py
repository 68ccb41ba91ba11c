"""Trust administrators: the rules the current strategy's reports rate by (the run
of Ambers that makes an exception, each objective's overall-rating rule, each OKR's
tolerance), which are assumed and which the Trust's, and confirming or changing
one. Thin: check permission, read through selectors, write through actions, render."""

from collections.abc import Callable
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from objectives import selectors as strategy_selectors
from okrs.formatting import plain_number, tolerance_text
from okrs.trust_values import how_obtained
from reporting import actions, selectors
from reporting.exceptions import rule_in_words
from reporting.rag import combination_rule_in_words, objective_rule
from reporting.rating_rule_forms import (
    DefinitionForm,
    ExceptionRuleForm,
    RatingRuleForm,
    ToleranceForm,
)
from web.forms import add_action_errors

can_maintain_strategy = permission_required("portal.maintain_strategy", raise_exception=True)


def _current_strategy():
    strategy = strategy_selectors.current_strategy()
    if strategy is None:
        raise Http404("No strategy is marked as current yet.")
    return strategy


def _list_url() -> str:
    return reverse("reporting:rating_rules")


def _breadcrumbs() -> list[tuple[str, str]]:
    return [(_list_url(), "Rating rules")]


@can_maintain_strategy
@require_GET
def rating_rules(request: HttpRequest) -> HttpResponse:
    rules = selectors.rating_rules(_current_strategy())
    return render(
        request,
        "reporting/rating_rules/list.html",
        {
            "rules": rules,
            "exceptions_rule": rule_in_words(rules.strategy.exception_amber_periods),
            "objectives": [
                (
                    objective,
                    combination_rule_in_words(objective_rule(objective)),
                    [
                        (okr, _tolerance_in_words(okr), _definition_in_words(okr))
                        for okr in objective.key_results.all()
                    ],
                )
                for objective in rules.objectives
            ],
        },
    )


@can_maintain_strategy
def confirm_exception_rule(request: HttpRequest) -> HttpResponse:
    strategy = _current_strategy()
    form = ExceptionRuleForm(
        request.POST or None,
        initial={
            "seen": actions.exception_rule_seen(strategy),
            "amber_periods": strategy.exception_amber_periods,
        },
    )
    return _confirm_page(
        request,
        form,
        partial(actions.confirm_exception_rule, strategy=strategy),
        saved="The rule for the Board’s exceptions is now the Trust’s.",
        title="The Board’s exceptions",
        rule=rule_in_words(strategy.exception_amber_periods),
        provenance=strategy.get_exception_rule_provenance_display(),
        caption=strategy.title,
    )


@can_maintain_strategy
def confirm_rating_rule(request: HttpRequest, pk: int) -> HttpResponse:
    objective = selectors.objective_of(_current_strategy(), pk)
    form = RatingRuleForm(
        request.POST or None,
        initial={
            "seen": actions.rating_rule_seen(objective),
            "method": objective.rating_method,
            "green_from": plain_number(objective.rating_green_from),
            "amber_from": plain_number(objective.rating_amber_from),
        },
    )
    return _confirm_page(
        request,
        form,
        partial(actions.confirm_rating_rule, objective=objective),
        saved=f"The overall-rating rule of {objective} is now the Trust’s.",
        title="Overall rating",
        rule=combination_rule_in_words(objective_rule(objective)),
        provenance=objective.get_rating_rule_provenance_display(),
        caption=str(objective),
    )


@can_maintain_strategy
def confirm_tolerance(request: HttpRequest, code: str) -> HttpResponse:
    key_result = selectors.key_result_of(_current_strategy(), code)
    form = ToleranceForm(
        request.POST or None,
        initial={
            "seen": actions.tolerance_seen(key_result),
            "tolerance": plain_number(key_result.tolerance),
            "tolerance_kind": key_result.tolerance_kind,
        },
    )
    return _confirm_page(
        request,
        form,
        partial(actions.confirm_tolerance, key_result=key_result),
        saved=f"The tolerance of “{key_result.statement}” is now the Trust’s.",
        title="Tolerance",
        rule=_tolerance_in_words(key_result),
        provenance=key_result.get_tolerance_provenance_display(),
        caption=key_result.statement,
    )


@can_maintain_strategy
def confirm_definition(request: HttpRequest, code: str) -> HttpResponse:
    key_result = selectors.key_result_of(_current_strategy(), code)
    form = DefinitionForm(
        request.POST or None, initial={"seen": actions.definition_seen(key_result)}
    )
    return _confirm_page(
        request,
        form,
        partial(actions.confirm_definition, key_result=key_result),
        saved=f"The definition of “{key_result.statement}” is now the Trust’s.",
        title="Definition",
        rule=_definition_in_words(key_result),
        provenance=key_result.get_definition_provenance_display(),
        caption=key_result.statement,
        confirm_only=True,
    )


def _confirm_page(
    request: HttpRequest,
    form,
    confirm: Callable[..., object],
    *,
    saved: str,
    title: str,
    rule: str,
    provenance: str,
    caption: str,
    confirm_only: bool = False,
) -> HttpResponse:
    """A rule's page: on a valid post, `confirm` (an action, given its record) with
    what was typed, named as its arguments are, then back to the list saying
    `saved`; otherwise the rule as it is now and the form, with any refusal."""
    if request.method == "POST" and form.is_valid():
        try:
            confirm(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, saved)
            return redirect(_list_url())
    return render(
        request,
        "reporting/rating_rules/form.html",
        {
            "form": form,
            "title": title,
            "rule": rule,
            "provenance": provenance,
            "caption": caption,
            "confirm_only": confirm_only,
            "breadcrumbs": _breadcrumbs(),
        },
    )


def _tolerance_in_words(key_result) -> str:
    return tolerance_text(
        key_result.tolerance, kind=key_result.tolerance_kind, measure=key_result.measure
    )


def _definition_in_words(key_result) -> str:
    """'Percentage; higher is better; reported quarterly; 1 decimal place; Entered
    for the Trust', then how it is calculated, as written."""
    if not (key_result.measure and key_result.direction and key_result.frequency):
        return "Not defined yet: its unit of measure, direction or frequency is not set"
    places = key_result.decimal_places
    parts = [
        key_result.get_measure_display(),
        key_result.get_direction_display().lower(),
        f"reported {key_result.get_frequency_display().lower()}",
        f"{places} decimal place{'' if places == 1 else 's'}",
        how_obtained(key_result.trust_value),
    ]
    text = "; ".join(parts) + "."
    if key_result.calculation:
        text += f" Calculated: {key_result.calculation}"
    return text
