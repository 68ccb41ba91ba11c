"""Assembling the IPR: a pure function from what `selectors.report_inputs` read
to the `Ipr` every rendering shows. No database access and no clock here: the
time of assembly is passed in, so the same inputs always give the same report.

Per OKR × unit: the value of the period the OKR reports this month (monthly: the
data month; quarterly: the latest quarter ended by the month's end; the Trust's
entered, or worked out from its directorates' by `trust_row`), the unit's target
then (its trajectory's point, its own goal or the Trust's), its RAG
(reporting.rag), and SPC over the unit's series up to that period (reporting.spc).
Per objective × unit: the overall rating by the objective's rule. Then the
summary the Board reads first: what improved,
deteriorated, changed rating, is missing, and the exceptions (each cell's
reasons by the one rule in `reporting.exceptions`).

SPC is the costliest part, and a series that did not change reads the same: the
reading of each series is remembered (`reporting.spc.remembered.series_spc`), so
a report assembled after one value changed computes one series again, not all of
them. Each objective's overall rating per unit is also traced back over the
latest months (`over_time`).

One module although over 500 lines: it is the one path from inputs to report
(cells, overall ratings, summary), each step feeding the next; what stands apart
from it already lives beside it (`over_time`, `trust_row`, `spc.remembered`,
`reporting.exceptions`, and which target applies in `okrs.targets_in_force`).
"""

from collections import defaultdict
from decimal import Decimal

from objectives.models import OrganisationalUnit, RuleProvenance, StrategicObjective
from okrs import periods
from okrs.formatting import format_value, okr_value_text, tolerance_text
from okrs.measures import RATED_DIRECTIONS, Direction
from okrs.models import KeyResult
from okrs.ratings import Rag
from okrs.targets_in_force import (
    REVISED_TRAJECTORY,
    SET_FOR_UNIT,
    TRAJECTORY,
    TargetInForce,
    UnitTargets,
)
from reporting.exceptions import amber_run, exception_reasons, rule_in_words
from reporting.ipr.over_time import TREND_MONTHS, overall_in, report_period
from reporting.ipr.selectors import ReportInputs, SeriesValue
from reporting.ipr.trust_row import TrustRow, trust_row
from reporting.ipr.types import (
    Ipr,
    IprCell,
    IprChange,
    IprCommentary,
    IprExecutive,
    IprFocusArea,
    IprHistoryPoint,
    IprNarrative,
    IprObjective,
    IprOkr,
    IprOverall,
    IprProgramme,
    IprSpcPoint,
    IprSummary,
    IprTrendPoint,
)
from reporting.models import Narrative
from reporting.rag import (
    combination_rule_in_words,
    combine,
    objective_rule,
    rate_value,
    rating_for,
)
from reporting.spc import ASSURANCES, VARIATIONS
from reporting.spc.process_changes import partitioning_for
from reporting.spc.remembered import series_spc


def assemble(inputs: ReportInputs, *, assembled_at: str, with_history: bool = True) -> Ipr:
    """The report for `inputs.month`. `with_history` adds each cell's full series,
    rated period by period (the flat data of the exports and published editions;
    the web page does not show it)."""
    month = inputs.month
    # Each OKR's Trust row as the report reads it (entered, or worked out from the
    # directorates'): the cells, the trends and the summary all read this series.
    trust_rows = {
        key_result.pk: row
        for objective in inputs.objectives
        for key_result in objective.key_results.all()
        if (row := trust_row(key_result, key_result.frequency, inputs.units, inputs.series))
    }
    series = dict(inputs.series)
    for key_result_id, row in trust_rows.items():
        series[(key_result_id, row.unit.pk)] = row.series
    summary = IprSummary(
        matrix={variation: dict.fromkeys([*ASSURANCES, "none"], 0) for variation in VARIATIONS}
    )
    summary.matrix["none"] = dict.fromkeys([*ASSURANCES, "none"], 0)
    summary.exceptions_rule = rule_in_words(inputs.strategy.exception_amber_periods)
    summary.exceptions_rule_assumed = (
        inputs.strategy.exception_rule_provenance == RuleProvenance.ASSUMED
    )
    trend_months = [month]
    while len(trend_months) < TREND_MONTHS:
        trend_months.insert(0, periods.previous_span(trend_months[0]))
    ipr_objectives = []
    for objective in inputs.objectives:
        okrs = []
        ratings_by_unit: dict[str, list[Rag]] = defaultdict(list)
        objective_units: list[OrganisationalUnit] = []
        for key_result in objective.key_results.all():
            span = report_period(key_result, month)
            # The units that owe this period a value: those open during it, and a
            # closed one only if it has a value for it (a unit that has closed is not
            # "missing" its values for ever after).
            owing = [
                unit
                for unit in inputs.units
                if unit.is_active_on(span.starts_on)
                or unit.is_active_on(span.ends_on)
                or _has_value_for(series.get((key_result.pk, unit.pk), []), span)
            ]
            okr = _assemble_okr(
                objective,
                key_result,
                span,
                owing,
                inputs,
                series,
                trust_rows.get(key_result.pk),
                summary,
                with_history=with_history,
            )
            commentary = inputs.commentaries.get(key_result.pk)
            okr.commentary = _commentary(commentary) if commentary else None
            okrs.append(okr)
            for cell in okr.cells:
                ratings_by_unit[cell.unit].append(Rag(cell.rag))
            for unit in owing:
                if unit not in objective_units:
                    objective_units.append(unit)
        objective_units.sort(key=lambda unit: (unit.order, unit.name))
        rule = objective_rule(objective)
        overall = []
        for unit in objective_units:
            rated = combine(ratings_by_unit[unit.short_name], rule)
            trend = [
                IprTrendPoint(
                    periods.period_label(periods.MONTHLY, earlier.starts_on),
                    earlier.starts_on.isoformat(),
                    overall_in(objective, unit, earlier, rule, series, inputs.trajectories).value,
                )
                for earlier in trend_months[:-1]
            ]
            # The report's own month: the rating just given (an achieved OKR is Blue).
            trend.append(
                IprTrendPoint(
                    periods.period_label(periods.MONTHLY, month.starts_on),
                    month.starts_on.isoformat(),
                    rated.rating.value,
                )
            )
            overall.append(
                IprOverall(
                    unit.short_name,
                    rated.rating.value,
                    rated.rating.label,
                    rated.explanation,
                    trend=trend,
                )
            )
        ipr_objectives.append(
            IprObjective(
                id=objective.pk,
                number=objective.number,
                short_name=objective.short_name,
                title=objective.title,
                executives=[
                    IprExecutive(
                        holding.role.title, [person.full_name for person in holding.holders]
                    )
                    for holding in objective.lead_holdings
                ],
                committee=objective.committee.name if objective.committee else None,
                rating_rule=combination_rule_in_words(rule),
                rating_rule_assumed=objective.rating_rule_provenance == RuleProvenance.ASSUMED,
                units=[unit.short_name for unit in objective_units],
                focus_areas=_focus_areas(objective),
                okrs=okrs,
                overall=overall,
                narratives=[
                    _narrative(narrative) for narrative in inputs.narratives.get(objective.pk, [])
                ],
                programmes=[
                    _programme(programme, month)
                    for programme in inputs.programmes.get(objective.pk, [])
                ],
            )
        )
    key_results = [kr for objective in inputs.objectives for kr in objective.key_results.all()]
    return Ipr(
        trust=inputs.trust,
        strategy=inputs.strategy.title,
        data_month=periods.period_label(periods.MONTHLY, month.starts_on),
        data_month_start=month.starts_on.isoformat(),
        assembled_at=assembled_at,
        contains_demo_data=any(value.is_demo for values in series.values() for value in values)
        or any(kr.is_demo for kr in key_results),
        objectives=ipr_objectives,
        summary=summary,
        overall_summary=_narrative(inputs.overall_summary) if inputs.overall_summary else None,
    )


def _programme(programme, month: periods.PeriodSpan) -> IprProgramme:
    """A programme with its latest report up to the month (its updates come
    oldest first): the month's own, or an earlier one, said so."""
    updates = list(programme.updates.all())
    latest = updates[-1] if updates else None
    rating = Rag(latest.rag) if latest else Rag.NO_DATA
    cip = getattr(latest, "cost_improvement", None) if latest else None
    return IprProgramme(
        title=programme.title,
        focus_area=programme.focus_area.title,
        lead=programme.lead.full_name if programme.lead else None,
        unit=programme.unit.short_name if programme.unit else None,
        rag=rating.value,
        rag_label=rating.label,
        rag_as_written=latest.rag_as_written if latest else "",
        progress=latest.progress if latest else "",
        updated_for=latest.period.label if latest else None,
        current=latest is not None and latest.period.ends_on == month.ends_on,
        assumed=programme.provenance == RuleProvenance.ASSUMED,
        cip_delivered=_float(cip.delivered_in_period) if cip else None,
        cip_planned=_float(cip.planned_in_period) if cip else None,
    )


def _narrative(narrative: Narrative) -> IprNarrative:
    return IprNarrative(
        kind=narrative.get_kind_display(),
        text=narrative.text,
        author=narrative.author.full_name if narrative.author else None,
        author_title=narrative.author_title,
        signed_by=narrative.signed_by.full_name if narrative.signed_by else None,
        signed_on=narrative.signed_on.isoformat() if narrative.signed_on else None,
    )


def _comment_fields(inputs: ReportInputs, key_result, unit, current) -> dict[str, str]:
    if current is None:
        return {}
    comment = inputs.comments.get((key_result.pk, unit.pk, current.period.pk))
    return {"comment": comment[0], "comment_by": comment[1]} if comment else {}


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _has_value_for(values: list[SeriesValue], span: periods.PeriodSpan) -> bool:
    return any(
        value.period.frequency == span.frequency and value.period.starts_on == span.starts_on
        for value in values
    )


def _focus_areas(objective: StrategicObjective) -> list[IprFocusArea]:
    """The objective's focus areas in order, each with its OKRs in the report."""
    areas = {
        area.pk: IprFocusArea(area.title, area.provenance, [])
        for area in objective.focus_areas.all()
    }
    unlinked = IprFocusArea(None, None, [])
    for key_result in objective.key_results.all():
        areas.get(key_result.focus_area_id, unlinked).okr_codes.append(key_result.code)
    return list(areas.values()) + ([unlinked] if unlinked.okr_codes else [])


def _commentary(narrative: Narrative) -> IprCommentary:
    return IprCommentary(
        chart_shows=narrative.chart_shows,
        issues=narrative.issues,
        actions=narrative.actions,
        risks=narrative.risks,
        expected_recovery=narrative.expected_recovery,
        author=narrative.author.full_name if narrative.author else None,
        author_title=narrative.author_title,
        signed_by=narrative.signed_by.full_name if narrative.signed_by else None,
        signed_on=narrative.signed_on.isoformat() if narrative.signed_on else None,
    )


def _assemble_okr(
    objective: StrategicObjective,
    key_result: KeyResult,
    span: periods.PeriodSpan,
    units: list[OrganisationalUnit],
    inputs: ReportInputs,
    series: dict,
    trust: TrustRow | None,
    summary: IprSummary,
    *,
    with_history: bool,
) -> IprOkr:
    """One OKR's row of the report: a cell per unit of `units`, each read from
    `series` (the Trust's as `trust` gives it), and the chart."""
    targets = list(key_result.targets.all())
    trajectories = inputs.trajectories.get(key_result.pk, [])
    label = periods.period_label(span.frequency, span.starts_on)
    achieved = key_result.status == KeyResult.Status.ACHIEVED
    cells = []
    chart_unit, chart_points, chart_target = None, [], None
    for unit in units:
        is_trust = trust is not None and unit.pk == trust.unit.pk

        unit_targets = UnitTargets(targets, trajectories, unit.pk)

        def target_of(period, unit_targets=unit_targets) -> TargetInForce | None:
            """The unit's target for `period`: its trajectory's point, or its goal."""
            return unit_targets.for_period(period.starts_on, period.ends_on)

        target = target_of(span)
        history = [
            result
            for result in series.get((key_result.pk, unit.pk), [])
            if result.period.frequency == span.frequency
            and result.period.starts_on <= span.starts_on
        ]
        current = None
        if history and history[-1].period.starts_on == span.starts_on:
            current = history[-1]
        earlier = history[:-1] if current else history
        previous = earlier[-1] if earlier else None
        rated = _rate(
            key_result, current.value if current else None, target, span, achieved=achieved
        )
        previous_rated = (
            _rate(key_result, previous.value, target_of(previous.period), previous.period)
            if previous
            else None
        )
        spc, partitioning = None, None
        if current is not None and key_result.direction:
            # Recorded process changes start new partitions (limits recalculated).
            partitioning = partitioning_for(
                [result.period.starts_on for result in history],
                inputs.process_changes.get((key_result.pk, unit.pk), []),
            )
            spc = series_spc(
                tuple(result.value for result in history),
                improvement=key_result.direction,
                target=target.value if target else None,
                rebase_at=partitioning.rebase_at,
                fix_after=partitioning.fix_after,
            )
        spc_points = spc.points if spc else [None] * len(history)
        cell_history = (
            [
                _history_point(
                    key_result,
                    target_of(result.period),
                    result,
                    point,
                    achieved=achieved and result is current,
                    recalculated=partitioning.note_at(position) if partitioning else None,
                )
                for position, (result, point) in enumerate(zip(history, spc_points, strict=True))
            ]
            if with_history
            else []
        )
        cell = IprCell(
            unit=unit.short_name,
            unit_slug=unit.slug,
            period=label,
            value=_float(current.value) if current else None,
            value_text=format_value(
                current.value if current else None,
                key_result.measure,
                key_result.decimal_places,
            ),
            target=_float(target.value) if target else None,
            target_text=format_value(target.value, key_result.measure) if target else "No target",
            target_set_for=target.set_for if target else None,
            target_kind=target.kind if target else None,
            rag=rated.rating.value,
            rag_label=rated.rating.label,
            rag_explanation=rated.explanation,
            variation=spc.variation if spc else None,
            assurance=spc.assurance if spc else None,
            spc_mean=spc.mean if spc else None,
            spc_lower_limit=spc.lpl if spc else None,
            spc_upper_limit=spc.upl if spc else None,
            spc_notes=(
                [item.note for item in partitioning.recalculations]
                + list(partitioning.warnings)
                + list(spc.warnings)
                if spc
                else []
            ),
            previous_value=_float(previous.value) if previous else None,
            previous_rag=previous_rated.rating.value if previous_rated else None,
            is_demo=current.is_demo if current else False,
            history=cell_history,
            exceptions=(
                exception_reasons(
                    rag=rated.rating.value,
                    amber_run=_amber_run(key_result, target_of, earlier, current, rated),
                    amber_periods=inputs.strategy.exception_amber_periods,
                    variation=spc.variation if spc else None,
                    assurance=spc.assurance if spc else None,
                )
                if current
                else []
            ),
            **_comment_fields(inputs, key_result, unit, current),
            numerator=_float(current.numerator) if current else None,
            denominator=_float(current.denominator) if current else None,
            value_method=key_result.trust_value if is_trust else None,
            value_note=trust.notes.get(span.starts_on, "") if is_trust else "",
        )
        cells.append(cell)
        _summarise(summary, objective, key_result, cell)
        # The chart shows the Trust's own series (the row the Board reads first),
        # or the first unit's where the Trust has none.
        if spc is not None and (chart_unit is None or unit.kind == OrganisationalUnit.Kind.TRUST):
            chart_unit = unit.short_name
            chart_target = _float(target.value) if target else None
            chart_points = [
                IprSpcPoint(
                    period=result.period.label,
                    period_start=result.period.starts_on.isoformat(),
                    value=point.value,
                    mean=point.mean,
                    lpl=point.lpl,
                    upl=point.upl,
                    point_type=point.point_type,
                    rules=[f"{hit.rule} ({hit.direction})" for hit in point.rule_hits],
                    recalculated=partitioning.note_at(position),
                    **_chart_targets(target_of(result.period)),
                )
                for position, (result, point) in enumerate(zip(history, spc.points, strict=True))
            ]
    return IprOkr(
        code=key_result.code,
        statement=key_result.statement,
        focus_area=key_result.focus_area.title if key_result.focus_area else None,
        measure=key_result.measure,
        direction=key_result.direction,
        frequency=key_result.frequency,
        status=key_result.status,
        owner=key_result.owner_role.title if key_result.owner_role else None,
        period=label,
        tolerance=tolerance_text(
            key_result.tolerance, kind=key_result.tolerance_kind, measure=key_result.measure
        ),
        tolerance_assumed=key_result.tolerance_provenance == RuleProvenance.ASSUMED,
        definition_assumed=key_result.definition_provenance == RuleProvenance.ASSUMED,
        cells=cells,
        chart_unit=chart_unit,
        chart=chart_points,
        chart_target=chart_target,
        calculation=key_result.calculation,
        data_source=key_result.data_source,
        target_rationale=key_result.target_rationale,
        long_term_plan_metric=key_result.long_term_plan_metric,
        period_start=span.starts_on.isoformat(),
        decimal_places=key_result.decimal_places,
    )


def _amber_run(key_result: KeyResult, target_of, earlier, current, rated) -> int:
    """The run of Amber periods ending with the report's (`current`, rated
    `rated`), counted back through the `earlier` values, each rated against the
    unit's target then (`target_of`; only as far back as the run goes)."""

    def newest_first():
        yield current.period.starts_on, current.period.ends_on, rated.rating.value
        for result in reversed(earlier):
            target = target_of(result.period)
            rating = _rate(key_result, result.value, target, result.period).rating.value
            yield result.period.starts_on, result.period.ends_on, rating

    return amber_run(newest_first())


def _chart_targets(target: TargetInForce | None) -> dict:
    """What a chart point draws of its target: the target rated against and, with
    a trajectory, the goal and the planned and revised trajectories apart."""
    if target is None:
        return {}
    fields = {"target": _float(target.value)}
    if target.is_trajectory:
        fields |= {
            "goal": _float(target.goal),
            "planned_trajectory": _float(target.planned),
            "revised_trajectory": _float(target.revised),
        }
    return fields


# How a rating's sentence names a target that is not the Trust's goal.
_TARGET_NAMES = {
    TRAJECTORY: "the trajectory",
    REVISED_TRAJECTORY: "the revised trajectory",
}


def _rate(
    key_result: KeyResult,
    value,
    target: TargetInForce | None,
    period,
    *,
    achieved: bool = False,
):
    """Rate `value` for `period` against `target`, saying which target where it is
    not the Trust's goal: "92.0% against the revised trajectory ≥91% for October
    2020 (goal 95% by March 2021), …"."""
    name, note = "", ""
    if target is not None and target.is_trajectory:
        name = _TARGET_NAMES[target.kind]
        note = f"for {periods.period_label(key_result.frequency, period.starts_on)}"
        if target.goal is not None:
            goal_by = periods.period_label(key_result.frequency, target.goal_by)
            note += f" (goal {format_value(target.goal, key_result.measure)} by {goal_by})"
    elif target is not None and target.set_for == SET_FOR_UNIT:
        name = "its own target"
    return rate_value(
        value,
        target=target.value if target else None,
        direction=key_result.direction,
        measure=key_result.measure,
        tolerance=key_result.tolerance,
        tolerance_kind=key_result.tolerance_kind,
        achieved=achieved,
        places=key_result.decimal_places,
        target_name=name,
        target_note=note,
    )


def _history_point(
    key_result: KeyResult,
    target: TargetInForce | None,
    result: SeriesValue,
    point,
    *,
    achieved: bool,
    recalculated: str | None,
) -> IprHistoryPoint:
    """A period of a unit's series, rated against `target`, the unit's target in
    force then (an achieved OKR is Blue in its report period only: earlier periods
    keep their rating, as `previous_rag` does)."""
    rating = rating_for(
        result.value,
        target=target.value if target else None,
        direction=key_result.direction,
        tolerance=key_result.tolerance,
        tolerance_kind=key_result.tolerance_kind,
        achieved=achieved,
    )
    return IprHistoryPoint(
        period=result.period.label,
        period_start=result.period.starts_on.isoformat(),
        value=_float(result.value),
        value_text=format_value(result.value, key_result.measure, key_result.decimal_places),
        target=_float(target.value) if target else None,
        rag=rating.value,
        mean=point.mean if point else None,
        lpl=point.lpl if point else None,
        upl=point.upl if point else None,
        point_type=point.point_type if point else None,
        rules=[f"{hit.rule} ({hit.direction})" for hit in point.rule_hits] if point else [],
        is_demo=result.is_demo,
        recalculated=recalculated,
        target_set_for=target.set_for if target else None,
        target_kind=target.kind if target else None,
        numerator=_float(result.numerator),
        denominator=_float(result.denominator),
        **{name: value for name, value in _chart_targets(target).items() if name != "target"},
    )


def _summarise(
    summary: IprSummary, objective: StrategicObjective, key_result: KeyResult, cell: IprCell
) -> None:
    def change(detail: str) -> IprChange:
        return IprChange(
            objective.short_name or objective.title, key_result.statement, cell.unit, detail
        )

    if cell.value is None:
        summary.missing.append(change(f"No value for {cell.period}"))
        return
    summary.matrix[cell.variation or "none"][cell.assurance or "none"] += 1
    if cell.previous_value is not None and cell.value != cell.previous_value:
        better = (cell.value > cell.previous_value) == (key_result.direction == Direction.INCREASE)
        if key_result.direction in RATED_DIRECTIONS:
            moved = f"{okr_value_text(key_result, cell.previous_value)} → {cell.value_text}"
            (summary.improved if better else summary.deteriorated).append(change(moved))
    if cell.previous_rag and cell.previous_rag != cell.rag:
        summary.rating_changed.append(change(f"{Rag(cell.previous_rag).label} → {cell.rag_label}"))
    if cell.exceptions:
        summary.exceptions.append(change(", ".join(cell.exceptions)))
