"""The Integrated Performance Report, assembled once as plain data.

`assemble_ipr` reads the database in a fixed number of queries and returns an
`Ipr`: objectives → OKRs → per-unit value, target, RAG (with its explanation)
and SPC (mean, limits, icons), the overall rating per unit, narratives and the
accountable executives, plus the report's summary. Every rendering — the web
page, the JSON export, and later the PDF, workbook and CSV — renders this one
structure; none re-queries or re-computes. `ipr_to_dict` gives its JSON form.
"""

import datetime
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from objectives.models import KeyFocusArea, OrganisationalUnit, StrategicObjective, Strategy
from objectives.selectors import attach_lead_holdings
from okrs import periods
from okrs.formatting import format_value
from okrs.models import KeyResult, ReportingPeriod, Result, Target
from okrs.selectors import target_in_force
from reporting.models import Narrative
from reporting.rag import (
    CombinationMethod,
    CombinationRule,
    Rating,
    combine,
    rate_value,
    rating_for,
)
from reporting.spc import compute_spc

VARIATIONS = [
    "improvement_high",
    "improvement_low",
    "common_cause",
    "neutral_high",
    "neutral_low",
    "concern_high",
    "concern_low",
]
ASSURANCES = ["pass", "inconsistent", "fail"]


@dataclass
class IprSpcPoint:
    period: str
    period_start: str
    value: float | None
    mean: float | None
    lpl: float | None
    upl: float | None
    point_type: str | None
    rules: list[str]


@dataclass
class IprHistoryPoint:
    """One period of a unit's series up to the report's period: the value, the
    target then in force and its rating, and the SPC fields at that point."""

    period: str
    period_start: str
    value: float | None
    value_text: str
    target: float | None
    rag: str
    mean: float | None
    lpl: float | None
    upl: float | None
    point_type: str | None
    rules: list[str]
    is_demo: bool = False


@dataclass
class IprCell:
    unit: str
    unit_slug: str
    period: str
    value: float | None
    value_text: str
    target: float | None
    target_text: str
    rag: str
    rag_label: str
    rag_explanation: str
    variation: str | None
    assurance: str | None
    spc_mean: float | None
    spc_lower_limit: float | None
    spc_upper_limit: float | None
    spc_notes: list[str]
    previous_value: float | None
    previous_rag: str | None
    is_demo: bool
    # Every period of this unit's series, oldest first (the flat data exports).
    history: list[IprHistoryPoint] = field(default_factory=list)


@dataclass
class IprCommentary:
    chart_shows: str
    issues: str
    actions: str
    risks: str
    expected_recovery: str
    author: str | None
    author_title: str
    signed_by: str | None
    signed_on: str | None

    @property
    def headed_sections(self) -> list[tuple[str, str]]:
        """The headings boards use for an exception, in order, with what was written."""
        return [
            ("What the chart shows", self.chart_shows),
            ("Issues", self.issues),
            ("Actions (owner, date)", self.actions),
            ("Risks", self.risks),
            ("Expected recovery", self.expected_recovery),
        ]


@dataclass
class IprOkr:
    code: str
    statement: str
    focus_area: str | None
    measure: str
    direction: str
    frequency: str
    status: str
    owner: str | None
    period: str
    tolerance: str
    cells: list[IprCell]
    chart_unit: str | None
    chart: list[IprSpcPoint]
    chart_target: float | None
    commentary: IprCommentary | None = None
    # The OKR's definition, for the pack's appendix.
    calculation: str = ""
    data_source: str = ""
    target_rationale: str = ""
    long_term_plan_metric: str = ""
    period_start: str = ""


@dataclass
class IprNarrative:
    kind: str
    text: str
    author: str | None
    author_title: str
    signed_by: str | None
    signed_on: str | None


@dataclass
class IprExecutive:
    role: str
    holders: list[str]


@dataclass
class IprOverall:
    unit: str
    rag: str
    rag_label: str
    explanation: str


@dataclass
class IprFocusArea:
    """A key focus area and the codes of its OKRs in this report (an OKR the source
    does not link to a focus area is listed under title None)."""

    title: str | None
    provenance: str | None
    okr_codes: list[str]


@dataclass
class IprObjective:
    id: int
    number: int
    short_name: str
    title: str
    executives: list[IprExecutive]
    committee: str | None
    rating_rule: str
    units: list[str]
    focus_areas: list[IprFocusArea]
    okrs: list[IprOkr]
    overall: list[IprOverall]
    narratives: list[IprNarrative]


@dataclass
class IprChange:
    objective: str
    okr: str
    unit: str
    detail: str


@dataclass
class IprSummary:
    improved: list[IprChange] = field(default_factory=list)
    deteriorated: list[IprChange] = field(default_factory=list)
    rating_changed: list[IprChange] = field(default_factory=list)
    missing: list[IprChange] = field(default_factory=list)
    exceptions: list[IprChange] = field(default_factory=list)
    # variation → assurance → number of OKR × unit cells
    matrix: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass
class Ipr:
    trust: str
    strategy: str
    data_month: str
    data_month_start: str
    assembled_at: str
    contains_demo_data: bool
    objectives: list[IprObjective]
    summary: IprSummary


def ipr_to_dict(ipr: Ipr) -> dict:
    return asdict(ipr)


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _report_period(key_result: KeyResult, month: periods.PeriodSpan) -> periods.PeriodSpan:
    """Monthly OKRs report the data month; quarterly ones their latest quarter that
    has ended by the end of the data month."""
    if key_result.frequency == periods.MONTHLY:
        return month
    quarter = periods.span_containing(periods.QUARTERLY, month.ends_on)
    return quarter if quarter.ends_on == month.ends_on else periods.previous_span(quarter)


def _rule_of(objective: StrategicObjective) -> CombinationRule:
    return CombinationRule(
        CombinationMethod(objective.rating_method),
        objective.rating_green_from,
        objective.rating_amber_from,
    )


def _rule_text(objective: StrategicObjective) -> str:
    if objective.rating_method == CombinationMethod.WORST_OF:
        return "Overall rating: the worst of the OKR ratings."
    return (
        "Overall rating: points (Green 3, Amber 2, Red 1) averaged over the rated OKRs; "
        f"Green from {objective.rating_green_from.normalize():f}, "
        f"Amber from {objective.rating_amber_from.normalize():f}, otherwise Red."
    )


def _tolerance_text(key_result: KeyResult) -> str:
    if not key_result.tolerance:
        return "none"
    amount = key_result.tolerance.normalize()
    if key_result.tolerance_kind == "relative":
        return f"{amount:f}% of the target"
    if key_result.measure in ("percentage", "percentage_change"):
        return f"{amount:f} percentage point{'' if amount == 1 else 's'}"
    return format_value(key_result.tolerance, key_result.measure)


@dataclass(frozen=True)
class _Value:
    """A submitted result as the assembly needs it."""

    period: ReportingPeriod
    unit: OrganisationalUnit
    value: Decimal
    is_demo: bool


def assemble_ipr(data_month: datetime.date, *, strategy: Strategy | None = None) -> Ipr:
    """The IPR for the month containing `data_month`, from the database."""
    month = periods.span_containing(periods.MONTHLY, data_month)
    strategy = strategy or Strategy.objects.get(is_current=True)
    objectives = list(
        strategy.objectives.filter(category=StrategicObjective.Category.OBJECTIVE)
        .select_related("committee")
        .prefetch_related(
            "lead_roles",
            Prefetch("focus_areas", queryset=KeyFocusArea.objects.order_by("order")),
            Prefetch(
                "key_results",
                queryset=KeyResult.objects.filter(
                    status__in=[KeyResult.Status.ACTIVE, KeyResult.Status.ACHIEVED]
                )
                .select_related("focus_area", "owner_role")
                .prefetch_related(
                    Prefetch("targets", queryset=Target.objects.order_by("effective_from"))
                )
                .order_by("order", "code"),
            ),
        )
        .order_by("number")
    )
    attach_lead_holdings(objectives)
    key_results = [kr for objective in objectives for kr in objective.key_results.all()]
    # Every submitted result up to the end of the month: the values and the SPC
    # history. Read as plain tuples (the report can hold tens of thousands), with
    # the few periods and units they refer to looked up once.
    all_units = {unit.pk: unit for unit in OrganisationalUnit.objects.all()}
    known_periods = {
        period.pk: period for period in ReportingPeriod.objects.filter(ends_on__lte=month.ends_on)
    }
    rows = (
        Result.objects.filter(
            key_result__in=key_results,
            status=Result.Status.SUBMITTED,
            period__ends_on__lte=month.ends_on,
        )
        .order_by("period__starts_on")
        .values_list("key_result_id", "unit_id", "period_id", "value", "is_demo")
    )
    series: dict[tuple[int, int], list[_Value]] = defaultdict(list)
    for key_result_id, unit_id, period_id, value, is_demo in rows:
        series[(key_result_id, unit_id)].append(
            _Value(known_periods[period_id], all_units[unit_id], value, is_demo)
        )
    reporting_units = {value.unit for values in series.values() for value in values}
    units = sorted(
        reporting_units | set(_active_units(month, all_units.values())),
        key=lambda unit: (unit.order, unit.name),
    )
    narratives = defaultdict(list)
    commentaries = {}
    for narrative in Narrative.objects.filter(
        objective__in=objectives,
        period__frequency=periods.MONTHLY,
        period__starts_on=month.starts_on,
    ).select_related("author", "signed_by"):
        if narrative.kind == Narrative.Kind.OKR_COMMENTARY:
            commentaries[narrative.key_result_id] = _commentary(narrative)
        else:
            narratives[narrative.objective_id].append(narrative)

    summary = IprSummary(
        matrix={variation: dict.fromkeys(ASSURANCES + ["none"], 0) for variation in VARIATIONS}
    )
    summary.matrix["none"] = dict.fromkeys(ASSURANCES + ["none"], 0)
    ipr_objectives = []
    for objective in objectives:
        okrs = []
        ratings_by_unit: dict[str, list[Rating]] = defaultdict(list)
        objective_units: list[OrganisationalUnit] = []
        for key_result in objective.key_results.all():
            span = _report_period(key_result, month)
            owing = [
                unit
                for unit in units
                if unit.is_active_on(span.starts_on)
                or unit.is_active_on(span.ends_on)
                or series.get((key_result.pk, unit.pk))
            ]
            okr = _assemble_okr(objective, key_result, span, owing, series, summary)
            okr.commentary = commentaries.get(key_result.pk)
            okrs.append(okr)
            for cell in okr.cells:
                ratings_by_unit[cell.unit].append(Rating(cell.rag))
            for unit in owing:
                if unit not in objective_units:
                    objective_units.append(unit)
        objective_units.sort(key=lambda unit: (unit.order, unit.name))
        rule = _rule_of(objective)
        overall = []
        for unit in objective_units:
            rated = combine(ratings_by_unit[unit.short_name], rule)
            overall.append(
                IprOverall(
                    unit.short_name, rated.rating.value, rated.rating.label, rated.explanation
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
                rating_rule=_rule_text(objective),
                units=[unit.short_name for unit in objective_units],
                focus_areas=_focus_areas(objective),
                okrs=okrs,
                overall=overall,
                narratives=[
                    IprNarrative(
                        kind=narrative.get_kind_display(),
                        text=narrative.text,
                        author=narrative.author.full_name if narrative.author else None,
                        author_title=narrative.author_title,
                        signed_by=narrative.signed_by.full_name if narrative.signed_by else None,
                        signed_on=narrative.signed_on.isoformat() if narrative.signed_on else None,
                    )
                    for narrative in narratives[objective.pk]
                ],
            )
        )
    return Ipr(
        trust=_trust_name(),
        strategy=strategy.title,
        data_month=periods.period_label(periods.MONTHLY, month.starts_on),
        data_month_start=month.starts_on.isoformat(),
        assembled_at=timezone.now().isoformat(timespec="seconds"),
        contains_demo_data=any(value.is_demo for values in series.values() for value in values)
        or any(kr.is_demo for kr in key_results),
        objectives=ipr_objectives,
        summary=summary,
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


def _trust_name() -> str:
    from django.conf import settings

    return settings.TRUST_NAME


def _active_units(month: periods.PeriodSpan, units) -> list[OrganisationalUnit]:
    return [
        unit
        for unit in units
        if unit.is_active_on(month.starts_on) or unit.is_active_on(month.ends_on)
    ]


def _assemble_okr(
    objective: StrategicObjective,
    key_result: KeyResult,
    span: periods.PeriodSpan,
    units: list[OrganisationalUnit],
    series: dict[tuple[int, int], list[_Value]],
    summary: IprSummary,
) -> IprOkr:
    targets = list(key_result.targets.all())
    target = target_in_force(targets, span.ends_on)
    label = periods.period_label(span.frequency, span.starts_on)
    achieved = key_result.status == KeyResult.Status.ACHIEVED
    cells = []
    chart_unit, chart_points = None, []
    for unit in units:
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
        rated = _rate(key_result, current.value if current else None, target, achieved=achieved)
        previous_rated = (
            _rate(key_result, previous.value, target_in_force(targets, previous.period.ends_on))
            if previous
            else None
        )
        spc = None
        if current is not None and key_result.direction:
            spc = compute_spc(
                [result.value for result in history],
                improvement=key_result.direction,
                target=target.value if target else None,
            )
        spc_points = spc.points if spc else [None] * len(history)
        cell_history = [
            _history_point(
                key_result, targets, result, point, achieved=achieved and result is current
            )
            for result, point in zip(history, spc_points, strict=True)
        ]
        cell = IprCell(
            unit=unit.short_name,
            unit_slug=unit.slug,
            period=label,
            value=_float(current.value) if current else None,
            value_text=format_value(current.value if current else None, key_result.measure),
            target=_float(target.value) if target else None,
            target_text=format_value(target.value, key_result.measure) if target else "No target",
            rag=rated.rating.value,
            rag_label=rated.rating.label,
            rag_explanation=rated.explanation,
            variation=spc.variation if spc else None,
            assurance=spc.assurance if spc else None,
            spc_mean=spc.mean if spc else None,
            spc_lower_limit=spc.lpl if spc else None,
            spc_upper_limit=spc.upl if spc else None,
            spc_notes=list(spc.warnings) if spc else [],
            previous_value=_float(previous.value) if previous else None,
            previous_rag=previous_rated.rating.value if previous_rated else None,
            is_demo=current.is_demo if current else False,
            history=cell_history,
        )
        cells.append(cell)
        _summarise(summary, objective, key_result, cell)
        # The chart shows the Trust's own series (the row the Board reads first),
        # or the first unit's where the Trust has none.
        if spc is not None and (chart_unit is None or unit.kind == OrganisationalUnit.Kind.TRUST):
            chart_unit = unit.short_name
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
                )
                for result, point in zip(history, spc.points, strict=True)
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
        tolerance=_tolerance_text(key_result),
        cells=cells,
        chart_unit=chart_unit,
        chart=chart_points,
        chart_target=_float(target.value) if target else None,
        calculation=key_result.calculation,
        data_source=key_result.data_source,
        target_rationale=key_result.target_rationale,
        long_term_plan_metric=key_result.long_term_plan_metric,
        period_start=span.starts_on.isoformat(),
    )


def _rate(key_result: KeyResult, value, target: Target | None, *, achieved: bool = False):
    return rate_value(
        value,
        target=target.value if target else None,
        direction=key_result.direction,
        measure=key_result.measure,
        tolerance=key_result.tolerance,
        tolerance_kind=key_result.tolerance_kind,
        achieved=achieved,
    )


def _history_point(
    key_result: KeyResult, targets: list[Target], result: _Value, point, *, achieved: bool
) -> IprHistoryPoint:
    """A period of a unit's series, rated against the target in force then (an
    achieved OKR is Blue in its report period only: earlier periods keep their
    rating, as `previous_rag` does)."""
    target = target_in_force(targets, result.period.ends_on)
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
        value_text=format_value(result.value, key_result.measure),
        target=_float(target.value) if target else None,
        rag=rating.value,
        mean=point.mean if point else None,
        lpl=point.lpl if point else None,
        upl=point.upl if point else None,
        point_type=point.point_type if point else None,
        rules=[f"{hit.rule} ({hit.direction})" for hit in point.rule_hits] if point else [],
        is_demo=result.is_demo,
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
        better = (cell.value > cell.previous_value) == (key_result.direction == "increase")
        if key_result.direction in ("increase", "decrease"):
            moved = (
                f"{format_value(Decimal(str(cell.previous_value)), key_result.measure)} → "
                f"{cell.value_text}"
            )
            (summary.improved if better else summary.deteriorated).append(change(moved))
    if cell.previous_rag and cell.previous_rag != cell.rag:
        summary.rating_changed.append(
            change(f"{Rating(cell.previous_rag).label} → {cell.rag_label}")
        )
    if (cell.variation or "").startswith("concern") or cell.assurance == "fail":
        reasons = []
        if (cell.variation or "").startswith("concern"):
            reasons.append("special cause of concern")
        if cell.assurance == "fail":
            reasons.append("will not meet its target without change")
        summary.exceptions.append(change(", ".join(reasons)))


def monthly_periods_with_results() -> list[ReportingPeriod]:
    """Months the IPR can be run for: every monthly period up to the latest month
    with any submitted result (quarterly data shows in its quarter's last month)."""
    latest = (
        Result.objects.filter(status=Result.Status.SUBMITTED)
        .order_by("-period__ends_on")
        .values_list("period__ends_on", flat=True)
        .first()
    )
    if latest is None:
        return []
    return list(
        ReportingPeriod.objects.filter(frequency=periods.MONTHLY, ends_on__lte=latest).order_by(
            "-starts_on"
        )
    )


# --- Published editions: the stored form and what changed between revisions ------


def _from_dict(cls, data):
    """Rebuild a report dataclass (and the ones nested in it) from its JSON form."""
    import dataclasses
    import types
    import typing

    hints = typing.get_type_hints(cls)
    with_defaults = {
        item.name
        for item in dataclasses.fields(cls)
        if item.default is not dataclasses.MISSING
        or item.default_factory is not dataclasses.MISSING
    }
    values = {}
    for name, hint in hints.items():
        if name not in data and name in with_defaults:
            # An edition published before this field existed: keep its default.
            continue
        value = data.get(name)
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        if origin is types.UnionType and value is not None:
            hint = next((arg for arg in args if arg is not type(None)), hint)
            origin, args = typing.get_origin(hint), typing.get_args(hint)
        if value is None:
            pass
        elif isinstance(hint, type) and hasattr(hint, "__dataclass_fields__"):
            value = _from_dict(hint, value)
        elif origin is list and args and hasattr(args[0], "__dataclass_fields__"):
            value = [_from_dict(args[0], item) for item in value]
        values[name] = value
    return cls(**values)


def ipr_from_dict(data: dict) -> Ipr:
    return _from_dict(Ipr, data)


def describe_changes(previous: dict, current: dict) -> list[str]:
    """What a Board member would notice between two editions, in words: values,
    targets, ratings, SPC icons, overall ratings and narratives."""
    changes = []
    old_cells = _cells_by_key(previous)
    for key, cell in _cells_by_key(current).items():
        old = old_cells.get(key)
        where = " · ".join(key)
        if old is None:
            changes.append(f"{where}: added")
            continue
        for field_name, label in [
            ("value_text", "value"),
            ("target_text", "target"),
            ("rag_label", "rating"),
            ("variation", "variation"),
            ("assurance", "assurance"),
        ]:
            if old[field_name] != cell[field_name]:
                changes.append(f"{where}: {label} {old[field_name]} → {cell[field_name]}")
    old_overall = _overall_by_key(previous)
    for key, overall in _overall_by_key(current).items():
        if key in old_overall and old_overall[key] != overall:
            changes.append(f"{' · '.join(key)}: overall rating {old_overall[key]} → {overall}")
    old_narratives = _narratives_by_key(previous)
    for key, narrative in _narratives_by_key(current).items():
        if old_narratives.get(key) != narrative:
            verb = "changed" if key in old_narratives else "added"
            changes.append(f"{' · '.join(key)}: {verb}")
    return changes


def _cells_by_key(report: dict) -> dict[tuple[str, ...], dict]:
    return {
        (objective["short_name"], okr["statement"], cell["unit"]): cell
        for objective in report["objectives"]
        for okr in objective["okrs"]
        for cell in okr["cells"]
    }


def _overall_by_key(report: dict) -> dict[tuple[str, ...], str]:
    return {
        (objective["short_name"], overall["unit"]): overall["rag_label"]
        for objective in report["objectives"]
        for overall in objective["overall"]
    }


def _narratives_by_key(report: dict) -> dict[tuple[str, ...], tuple]:
    words = {
        (objective["short_name"], narrative["kind"]): (
            narrative["text"],
            narrative["signed_by"],
            narrative["signed_on"],
        )
        for objective in report["objectives"]
        for narrative in objective["narratives"]
    }
    words |= {
        (objective["short_name"], okr["statement"], "commentary"): tuple(
            sorted(okr["commentary"].items())
        )
        for objective in report["objectives"]
        for okr in objective["okrs"]
        if okr.get("commentary")
    }
    return words
