"""A month whose close checklist is put right, item by item, through the same
actions the pages use: for the tests of a clear checklist (integration and browser)."""

import datetime

from django.utils import timezone

from objectives import actions as strategy_actions
from objectives.models import RuleProvenance, StrategicObjective, Strategy
from okrs import actions as okr_actions
from okrs import periods
from okrs.models import KeyResult, Programme, Result, TrustValue
from okrs.result_planner import ResultChange
from reporting.actions import (
    confirm_definition,
    confirm_exception_rule,
    confirm_rating_rule,
    confirm_tolerance,
    write_narrative,
)
from reporting.ipr import assemble_ipr, forget_recent_reports
from reporting.selectors import month_submissions

REASON = "Confirmed by the Board for the test"


def _raw(value) -> tuple[str, str, str]:
    """What to enter for an owed value: its draft, else the last value, else its target."""
    key_result = value.key_result
    earlier = value.result or value.previous
    if key_result.trust_value == TrustValue.RATIO:
        if earlier is not None and earlier.denominator:
            return "", str(earlier.numerator), str(earlier.denominator)
        return "", "9", "10"
    if earlier is not None:
        return str(earlier.value), "", ""
    if value.target is not None:
        return str(value.target.value), "", ""
    return "1", "", ""


def submit_everything_owed(data_month: datetime.date, *, by) -> None:
    """Every value owed for the periods the month's report shows, submitted (by a
    board secretary or administrator, who may correct any unit's values)."""
    changes = []
    for submission in month_submissions(data_month, timezone.localdate()):
        for value in submission.values:
            if value.result is not None and value.result.status == Result.Status.SUBMITTED:
                continue
            raw, numerator, denominator = _raw(value)
            changes.append(
                ResultChange(
                    value.key_result,
                    submission.unit,
                    submission.period,
                    raw,
                    comment="Submitted for the month close",
                    raw_numerator=numerator,
                    raw_denominator=denominator,
                )
            )
    if changes:
        plan = okr_actions.apply_result_changes(
            by=by, changes=changes, submit=True, reason="Late values received"
        )
        assert not plan.has_errors, plan


def write_every_narrative(data_month: datetime.date, *, by) -> None:
    """The overall summary and each objective's executive summary written and
    signed, and a commentary on each OKR with exceptions (by someone who may write
    and sign them all)."""
    span = periods.month_span(data_month.year, data_month.month)
    period = okr_actions.ensure_reportable_period(span)
    forget_recent_reports()
    report = assemble_ipr(data_month)
    write_narrative(
        by=by,
        objective=None,
        period=period,
        content={"text": "A steady month: quality holds; the exceptions have their plans."},
        sign_off=True,
    )
    for section in report.objectives:
        objective = StrategicObjective.objects.get(pk=section.id)
        write_narrative(
            by=by,
            objective=objective,
            period=period,
            content={"text": f"{section.short_name}: on track overall; see the exceptions."},
            sign_off=True,
        )
        for okr in section.okrs:
            if any(cell.exceptions for cell in okr.cells) and okr.commentary is None:
                write_narrative(
                    by=by,
                    objective=objective,
                    period=period,
                    key_result=KeyResult.objects.get(code=okr.code),
                    content={"issues": "Staffing gaps", "actions": "Recovery plan — COO, March"},
                )


def confirm_every_rule(data_month: datetime.date, *, by) -> None:
    """Every rule and definition the month's report applies confirmed as the Trust's."""
    forget_recent_reports()
    report = assemble_ipr(data_month)
    strategy = Strategy.objects.get(is_current=True)
    if strategy.exception_rule_provenance == RuleProvenance.ASSUMED:
        confirm_exception_rule(
            by=by, strategy=strategy, amber_periods=strategy.exception_amber_periods, reason=REASON
        )
    for section in report.objectives:
        objective = StrategicObjective.objects.get(pk=section.id)
        if objective.rating_rule_provenance == RuleProvenance.ASSUMED:
            confirm_rating_rule(
                by=by,
                objective=objective,
                method=objective.rating_method,
                green_from=objective.rating_green_from,
                amber_from=objective.rating_amber_from,
                reason=REASON,
            )
        for okr in section.okrs:
            key_result = KeyResult.objects.get(code=okr.code)
            if key_result.tolerance_provenance == RuleProvenance.ASSUMED:
                confirm_tolerance(
                    by=by,
                    key_result=key_result,
                    tolerance=key_result.tolerance,
                    tolerance_kind=key_result.tolerance_kind,
                    reason=REASON,
                )
            if key_result.definition_provenance == RuleProvenance.ASSUMED:
                confirm_definition(by=by, key_result=key_result, reason=REASON)


def report_every_programme(data_month: datetime.date, *, by) -> None:
    """Each programme of the month's report without a report for the month gets one
    (as its lead would; here someone who may report on any)."""
    span = periods.month_span(data_month.year, data_month.month)
    period = okr_actions.ensure_reportable_period(span)
    forget_recent_reports()
    for section in assemble_ipr(data_month).objectives:
        for item in section.programmes:
            if not item.current:
                programme = Programme.objects.get(
                    focus_area__objective_id=section.id, parent=None, title=item.title
                )
                okr_actions.update_programme(
                    by=by,
                    programme=programme,
                    period=period,
                    rag="green",
                    progress="On plan for the quarter.",
                    seen_version=None,
                )


def superuser_with_person(make_user, username: str = "clerk"):
    """A superuser who is also a person, so may write and sign every narrative."""
    user = make_user(username, None, is_superuser=True)
    strategy_actions.create_person(
        by=None, slug=username, full_name="Clara Clerk", user=user, reason="test"
    )
    return user


def clear_the_checklist(data_month: datetime.date, *, by) -> None:
    submit_everything_owed(data_month, by=by)
    write_every_narrative(data_month, by=by)
    confirm_every_rule(data_month, by=by)
    report_every_programme(data_month, by=by)
    forget_recent_reports()
