"""The Integrated Performance Report as plain data: what every rendering reads.

`Ipr` holds objectives → OKRs → one cell per unit (value, target, RAG with its
explanation, SPC mean, limits and icons), the overall rating per unit, the
narratives, the accountable executives and the report's summary. The web page,
the JSON, the PDF, the workbook and the CSV all render this one structure and
none re-queries or re-computes. A published edition keeps it as JSON (see
`editions`): a field added here needs a default, and a field renamed or removed
needs `editions.SCHEMA_VERSION` raised with an upgrade step.
"""

import datetime
from dataclasses import dataclass, field

from okrs import periods


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
    # Where a recorded process change starts a new partition: its note
    # ("Limits recalculated from July 2021: <reason>").
    recalculated: str | None = None
    # The target the chart's unit was rated against in this period (None in
    # editions published before charts drew the target period by period) and,
    # where that is a trajectory's, the goal and the planned and revised
    # trajectories, which the chart draws apart.
    target: float | None = None
    goal: float | None = None
    planned_trajectory: float | None = None
    revised_trajectory: float | None = None


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
    recalculated: str | None = None
    # Whom the target was set for and its kind, as `IprCell`'s; with a trajectory,
    # the goal and the planned and revised trajectories, as `IprSpcPoint`'s.
    target_set_for: str | None = None
    target_kind: str | None = None
    goal: float | None = None
    planned_trajectory: float | None = None
    revised_trajectory: float | None = None
    # What the value was worked out from, as `IprCell`'s (None otherwise, and in
    # editions published before the report said so).
    numerator: float | None = None
    denominator: float | None = None


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
    # What the person who entered the value said with it, and their name.
    comment: str = ""
    comment_by: str = ""
    # Why the value is one of the Board's exceptions (reporting/exceptions.py);
    # empty when it is not one.
    exceptions: list[str] = field(default_factory=list)
    # Whom the target rated against was set for: "trust" (the Trust's goal, which
    # every unit without its own follows) or "unit" (the unit's own goal or
    # trajectory); and its kind: "goal", "trajectory" or "revised_trajectory"
    # (okrs.targets_in_force). None with no target.
    target_set_for: str | None = None
    target_kind: str | None = None
    # The Trust row only: how its value was obtained ("entered", "sum", "mean" or
    # "median": okrs.trust_values), and a note on it ("Sum of 4 directorates";
    # "Not worked out yet: 1 of 4 directorates has no value"; an entered value
    # outside its directorates' range, flagged). None and "" for a directorate,
    # and in editions published before the report said so.
    value_method: str | None = None
    value_note: str = ""
    # For an OKR of numerators and denominators: what the value was worked out
    # from (for the Trust, the sums of its directorates'); None otherwise.
    numerator: float | None = None
    denominator: float | None = None


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
    # How many decimal places its values are shown with (None in editions
    # published before the report said so: each value then shows its own).
    decimal_places: int | None = None
    # Whether its tolerance is the product's choice, not yet confirmed as the
    # Trust's (objectives.models.RuleProvenance; False in editions published
    # before the report said so, which printed it as the Trust's).
    tolerance_assumed: bool = False
    # Whether its definition (measure, direction, frequency, places, calculation,
    # how the Trust's value is obtained) is the product's reading, as above.
    definition_assumed: bool = False


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
    # The overall rating in each of the latest months, oldest first, ending with
    # the report's own month (see `over_time.TREND_MONTHS`).
    trend: list["IprTrendPoint"] = field(default_factory=list)


@dataclass
class IprTrendPoint:
    month: str
    month_start: str
    rag: str


@dataclass
class IprFocusArea:
    """A key focus area and the codes of its OKRs in this report (an OKR the source
    does not link to a focus area is listed under title None)."""

    title: str | None
    provenance: str | None
    okr_codes: list[str]


@dataclass
class IprProgramme:
    """A strategic programme delivering one of the objective's focus areas, with
    its lead's latest report up to the report's month."""

    title: str
    focus_area: str
    lead: str | None
    unit: str | None
    # The latest report's rating (red, amber, green, blue), or no_data with none yet.
    rag: str
    rag_label: str
    rag_as_written: str
    progress: str
    # The period the latest report is for, and whether that is the report's month.
    updated_for: str | None
    current: bool
    # Whether the programme is the portal's reading of the papers, to confirm.
    assumed: bool = False
    # Cost Improvement Programme delivery against plan, where the Trust records it.
    cip_delivered: float | None = None
    cip_planned: float | None = None


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
    # Whether the overall-rating rule is assumed, as `IprOkr.tolerance_assumed`.
    rating_rule_assumed: bool = False
    # The programmes delivering its focus areas (none in editions published before
    # the report carried them).
    programmes: list[IprProgramme] = field(default_factory=list)


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
    # Which values the exceptions are, in words (the rule the report was made by).
    exceptions_rule: str = ""
    # Whether that rule's run of Ambers is assumed, as `IprOkr.tolerance_assumed`.
    exceptions_rule_assumed: bool = False
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
    # The Chief Executive's (or a delegate's) overall summary of the month, which
    # opens the report; None until written, and in editions published before the
    # report had one.
    overall_summary: IprNarrative | None = None

    @property
    def assumes_rules(self) -> bool:
        """Whether any rule the report applies is assumed, not yet the Trust's."""
        return self.summary.exceptions_rule_assumed or any(
            objective.rating_rule_assumed
            or any(okr.tolerance_assumed or okr.definition_assumed for okr in objective.okrs)
            for objective in self.objectives
        )


@dataclass(frozen=True)
class ReportHeading:
    """What a report page says above the report itself, and which objectives it
    covers: all a reader needs whose page body is already rendered and kept."""

    trust: str
    strategy: str
    data_month: str
    assembled_at: str
    contains_demo_data: bool
    objective_ids: tuple[int, ...]


def heading_of(report: Ipr) -> ReportHeading:
    return ReportHeading(
        report.trust,
        report.strategy,
        report.data_month,
        report.assembled_at,
        report.contains_demo_data,
        tuple(objective.id for objective in report.objectives),
    )


@dataclass(frozen=True)
class ReportMonth:
    """A month a reader can choose a report for (the month chooser's options)."""

    starts_on: datetime.date

    @property
    def label(self) -> str:
        return periods.period_label(periods.MONTHLY, self.starts_on)
