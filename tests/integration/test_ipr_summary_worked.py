"""The IPR's executive summary against worked examples.

Each test builds a small world of its own, through the actions: a strategy that
is not the Trust's current one (the report is assembled for it alone), one
objective called "Worked", OKRs with targets and submitted results, and calls
`assemble_ipr`. The expected lists are written out by hand from the rules in
docs/domain.md (RAG), docs/spc.md (SPC) and the summary's rules:

- improved / deteriorated: a value that moved from the previous period's, read
  by the OKR's direction of good ("a → b" in the measure's format); a neutral
  OKR is neither (an OKR in use always has a direction);
- rating changed: the previous period's rating (against the target then in
  force) differs from this period's;
- missing: a unit that owes a value has none ("No value for <period>"); such a
  cell is left out of everything else, the matrix included;
- exceptions (reporting/exceptions.py): Red, or Amber for a run of periods one
  after another (3 unless the strategy says otherwise), or special cause of
  concern, or failing assurance; each with all its reasons;
- the matrix counts cells by SPC variation × assurance ("none" where there is
  no icon, e.g. on a run chart of fewer than 15 values).

The data months are in 2015 and 2016. Of the seeded units only the Trust is
active then (the directorates start in April 2017 and April 2020), so a world
holds the Trust and the units its test adds, nothing else.
"""

import datetime
from decimal import Decimal

import pytest

from objectives import actions as strategy_actions
from objectives.models import OrganisationalUnit
from objectives.roles import Role
from okrs import actions as okr_actions
from okrs import periods
from okrs.result_planner import ResultChange
from reporting.actions import confirm_exception_rule
from reporting.ipr import assemble_ipr

pytestmark = pytest.mark.usefixtures("seeded")

MARCH_2016 = datetime.date(2016, 3, 1)
APRIL_2016 = datetime.date(2016, 4, 1)
MAY_2016 = datetime.date(2016, 5, 1)
JUNE_2016 = datetime.date(2016, 6, 1)

VARIATIONS = [
    "improvement_high",
    "improvement_low",
    "common_cause",
    "neutral_high",
    "neutral_low",
    "concern_high",
    "concern_low",
    "none",
]

# Three series of 15 months, April 2015 to June 2016, worked by hand below.
# The first 14 values alternate 80, 82, 80, 82, … (7 of each): every moving range
# is 2, and no point sits 7 in a row on one side of the mean or in a trend.
ALTERNATING = [80, 82] * 7
# Ends with 70:
#   mean = (7×80 + 7×82 + 70) / 15 = 1204 / 15 = 80.27
#   moving ranges: 13 of 2, then |70 − 82| = 12; AMR = 38 / 14 = 2.714
#   2.66 × AMR = 7.22; UPL = 87.49, LPL = 73.05
#   two-sigma lines at the mean ± 2/3 × 7.22 = ± 4.81: 85.08 and 75.45 (80 and 82
#   are inside them), so the only special cause is 70 < LPL (rule 1, low).
ENDS_LOW = [*ALTERNATING, 70]
# Ends with 92:
#   mean = (1134 + 92) / 15 = 1226 / 15 = 81.73
#   moving ranges: 13 of 2, then |92 − 82| = 10; AMR = 36 / 14 = 2.571
#   2.66 × AMR = 6.84; UPL = 88.57, LPL = 74.89
#   two-sigma lines at ± 4.56: 86.29 and 77.17; the only special cause is
#   92 > UPL (rule 1, high).
ENDS_HIGH = [*ALTERNATING, 92]
# Ends with 80 (8 × 80, 7 × 82):
#   mean = 1214 / 15 = 80.93; AMR = 28 / 14 = 2; 2.66 × AMR = 5.32
#   UPL = 86.25, LPL = 75.61; two-sigma lines 84.48 and 77.39: common cause only.
FLAT = [*ALTERNATING, 80]


@pytest.fixture
def objective():
    strategy = strategy_actions.create_strategy(
        by=None, slug="worked-examples", title="Worked examples", reason="test"
    )
    return strategy_actions.add_objective(
        by=None,
        strategy=strategy,
        number=1,
        short_name="Worked",
        title="An objective for worked examples",
        reason="test",
    )


@pytest.fixture
def trust():
    return OrganisationalUnit.objects.get(slug="trust")


def add_okr(
    objective,
    code: str,
    statement: str,
    *,
    direction: str = "increase",
    measure: str = "percentage",
    frequency: str = "monthly",
    targets: tuple[tuple[datetime.date, str], ...] = (),
    tolerance: str = "0",
    tolerance_kind: str = "absolute",
):
    """An active OKR with its targets (effective from, value), as an administrator makes it."""
    key_result = okr_actions.create_key_result(
        by=None,
        objective=objective,
        code=code,
        statement=statement,
        status="active",
        measure=measure,
        direction=direction,
        frequency=frequency,
        tolerance=Decimal(tolerance),
        tolerance_kind=tolerance_kind,
        reason="test",
    )
    for effective_from, value in targets:
        okr_actions.set_target(
            by=None,
            key_result=key_result,
            value=Decimal(value),
            effective_from=effective_from,
            reason="test",
        )
    return key_result


@pytest.fixture
def submit(make_user):
    """Submit results by period label ('May 2016', 'Q1 2016/17') as a board secretary
    would, correcting past periods on the entry page: through the one planner,
    with a reason and a comment (every value here may miss its target)."""
    secretary = make_user("secretary", Role.BOARD_SECRETARY)

    def submit_values(key_result, unit, values: dict[str, str]) -> None:
        plan = okr_actions.apply_result_changes(
            by=secretary,
            changes=[
                ResultChange(
                    key_result=key_result,
                    unit=unit,
                    period=okr_actions.ensure_period(periods.parse_period_label(label)),
                    raw_value=value,
                    comment="Worked example",
                )
                for label, value in values.items()
            ],
            submit=True,
            reason="Worked example",
        )
        assert not plan.has_errors, plan.general_errors + [item.message for item in plan.items]

    return submit_values


def fifteen_months(values: list[int]) -> dict[str, str]:
    """April 2015 to June 2016, one value a month."""
    assert len(values) == 15
    span = periods.month_span(2015, 4)
    by_label = {}
    for value in values:
        by_label[periods.period_label(periods.MONTHLY, span.starts_on)] = str(value)
        span = periods.next_span(span)
    assert list(by_label)[-1] == "June 2016"
    return by_label


def listed(changes) -> list[tuple[str, str, str, str]]:
    return [(change.objective, change.okr, change.unit, change.detail) for change in changes]


def matrix_with(counts: dict[tuple[str, str], int]) -> dict[str, dict[str, int]]:
    """The whole matrix: zero everywhere except `counts` ((variation, assurance) → n)."""
    matrix = {
        variation: {"pass": 0, "inconsistent": 0, "fail": 0, "none": 0} for variation in VARIATIONS
    }
    for (variation, assurance), count in counts.items():
        matrix[variation][assurance] = count
    return matrix


def report(objective, data_month: datetime.date):
    return assemble_ipr(data_month, strategy=objective.strategy)


# --- Improved and deteriorated, by direction of good ------------------------------


def test_a_value_that_moved_is_improved_or_deteriorated_by_the_okrs_direction(
    objective, trust, submit
):
    """May → June 2016, the Trust, each OKR's target missed in both months (no
    tolerance), so no rating changes:

    - higher is better, 80% → 84.5%: up is better → improved
    - higher is better, 80% → 75%: down → deteriorated
    - lower is better (count), 1,200 → 1,150: down is better → improved
    - lower is better (rate), 3.5 → 4.2: up → deteriorated
    - higher is better, 80% → 80%: unchanged → neither
    - neutral (score), 50 → 60: no direction of good → neither

    Two values each: run charts, no icons, so every cell is counted under
    "none" × "none" (6). Every target missed with no tolerance: each rated OKR is
    Red in June, so the 5 rated ones are exceptions for that alone; the neutral
    one is not rated, so not an exception.
    """
    target = ((APRIL_2016, "90"),)
    cases = [
        ("a-up", "Higher is better, went up", "increase", "percentage", target, "80", "84.5"),
        ("b-down", "Higher is better, went down", "increase", "percentage", target, "80", "75"),
        (
            "c-down",
            "Lower is better, went down",
            "decrease",
            "count",
            ((APRIL_2016, "1000"),),
            "1200",
            "1150",
        ),
        (
            "d-up",
            "Lower is better, went up",
            "decrease",
            "rate",
            ((APRIL_2016, "2"),),
            "3.5",
            "4.2",
        ),
        ("e-same", "Higher is better, unchanged", "increase", "percentage", target, "80", "80"),
        ("f-neutral", "Neither is better", "neutral", "score", (), "50", "60"),
    ]
    for code, statement, direction, measure, targets, may, june in cases:
        key_result = add_okr(
            objective,
            f"worked-{code}",
            statement,
            direction=direction,
            measure=measure,
            targets=targets,
        )
        submit(key_result, trust, {"May 2016": may, "June 2016": june})

    summary = report(objective, JUNE_2016).summary

    assert listed(summary.improved) == [
        ("Worked", "Higher is better, went up", "Trust", "80.0% → 84.5%"),
        ("Worked", "Lower is better, went down", "Trust", "1,200 → 1,150"),
    ]
    assert listed(summary.deteriorated) == [
        ("Worked", "Higher is better, went down", "Trust", "80.0% → 75.0%"),
        ("Worked", "Lower is better, went up", "Trust", "3.5 → 4.2"),
    ]
    assert summary.rating_changed == []
    assert summary.missing == []
    assert listed(summary.exceptions) == [
        ("Worked", statement, "Trust", "Red")
        for statement in [
            "Higher is better, went up",
            "Higher is better, went down",
            "Lower is better, went down",
            "Lower is better, went up",
            "Higher is better, unchanged",
        ]
    ]
    assert summary.matrix == matrix_with({("none", "none"): 6})


# --- Rating changed -----------------------------------------------------------------


def test_a_rating_that_changed_since_the_previous_period_is_listed(objective, trust, submit):
    """May → June 2016, the Trust:

    - ≥95%, tolerance 2 points: May 94% is 1 point short, within 2 → Amber;
      June 96% meets it → Green. Listed "Amber → Green" (and improved 94% → 96%).
    - ≥95%, tolerance 2 points: May 90% is 5 short → Red; June 91% is 4 short →
      Red. Same rating: not listed (improved 90% → 91% all the same).
    - target ≥90% from April, ≥95% from June, tolerance 2 points: May 92% against
      90 → Green; June 92% against 95 is 3 short, beyond 2 → Red. Listed
      "Green → Red"; the value did not move, so neither improved nor deteriorated.
    - lower is better, ≤100, tolerance 10% of the target (10): May 108 is 8 over
      → Amber; June 115 is 15 over → Red. Listed "Amber → Red" (deteriorated
      108 → 115).
    """
    to_95 = ((APRIL_2016, "95"),)
    first = add_okr(objective, "worked-a-recovers", "Recovers", targets=to_95, tolerance="2")
    submit(first, trust, {"May 2016": "94", "June 2016": "96"})
    second = add_okr(objective, "worked-b-still-red", "Still red", targets=to_95, tolerance="2")
    submit(second, trust, {"May 2016": "90", "June 2016": "91"})
    third = add_okr(
        objective,
        "worked-c-target-raised",
        "Target raised",
        targets=((APRIL_2016, "90"), (JUNE_2016, "95")),
        tolerance="2",
    )
    submit(third, trust, {"May 2016": "92", "June 2016": "92"})
    fourth = add_okr(
        objective,
        "worked-d-worse",
        "Lower is better, worse",
        direction="decrease",
        measure="count",
        targets=((APRIL_2016, "100"),),
        tolerance="10",
        tolerance_kind="relative",
    )
    submit(fourth, trust, {"May 2016": "108", "June 2016": "115"})

    summary = report(objective, JUNE_2016).summary

    assert listed(summary.rating_changed) == [
        ("Worked", "Recovers", "Trust", "Amber → Green"),
        ("Worked", "Target raised", "Trust", "Green → Red"),
        ("Worked", "Lower is better, worse", "Trust", "Amber → Red"),
    ]
    assert listed(summary.improved) == [
        ("Worked", "Recovers", "Trust", "94.0% → 96.0%"),
        ("Worked", "Still red", "Trust", "90.0% → 91.0%"),
    ]
    assert listed(summary.deteriorated) == [
        ("Worked", "Lower is better, worse", "Trust", "108 → 115"),
    ]


# --- Missing ------------------------------------------------------------------------


def test_a_unit_owing_a_value_without_one_is_missing_and_not_counted(objective, trust, submit):
    """Units owing values in June 2016 / Q1 2016/17: North and South (new, active
    from April 2016) and the Trust.

    - a monthly OKR: the Trust has June; North has nothing; South has May only,
      which is not June's. Missing: North and South, "No value for June 2016"
      (South's May value is no reason to call it deteriorated or improved).
    - a quarterly OKR (reporting Q1 2016/17 in June): the Trust and North have a
      value, South none. Missing: South, "No value for Q1 2016/17".

    Three cells have a value (all run charts): the matrix counts 3, not 6.
    """
    north, south = (
        strategy_actions.create_unit(
            by=None,
            slug=name.lower(),
            name=f"{name} Directorate",
            short_name=name,
            kind="directorate",
            active_from=APRIL_2016,
            order=order,
            reason="test",
        )
        for order, name in ((1, "North"), (2, "South"))
    )
    target = ((APRIL_2016, "90"),)
    monthly = add_okr(objective, "worked-a-monthly", "Monthly measure", targets=target)
    submit(monthly, trust, {"June 2016": "91"})
    submit(monthly, south, {"May 2016": "88"})
    quarterly = add_okr(
        objective, "worked-b-quarterly", "Quarterly measure", frequency="quarterly", targets=target
    )
    submit(quarterly, trust, {"Q1 2016/17": "93"})
    submit(quarterly, north, {"Q1 2016/17": "89"})

    summary = report(objective, JUNE_2016).summary

    assert listed(summary.missing) == [
        ("Worked", "Monthly measure", "North", "No value for June 2016"),
        ("Worked", "Monthly measure", "South", "No value for June 2016"),
        ("Worked", "Quarterly measure", "South", "No value for Q1 2016/17"),
    ]
    assert summary.improved == summary.deteriorated == summary.rating_changed == []
    assert summary.matrix == matrix_with({("none", "none"): 3})


def test_a_unit_that_has_closed_owes_nothing_after_it_closed(objective, trust, submit):
    """West was open April 2015 to March 2016 and reported every month it was open.
    In June 2016 it owes nothing: it is not missing and has no cell (so no overall
    rating either), although it has a history. In March 2016, its last month, its
    value is reported as any other."""
    west = strategy_actions.create_unit(
        by=None,
        slug="west",
        name="West Directorate",
        short_name="West",
        kind="directorate",
        active_from=datetime.date(2015, 4, 1),
        active_to=datetime.date(2016, 3, 31),
        order=3,
        reason="test",
    )
    monthly = add_okr(
        objective,
        "worked-c-closing",
        "Closing measure",
        targets=((datetime.date(2015, 4, 1), "90"),),
    )
    months = fifteen_months([91] * 15)
    submit(monthly, trust, months)
    submit(monthly, west, dict(list(months.items())[:12]))  # April 2015 – March 2016

    june = report(objective, JUNE_2016)
    assert june.summary.missing == []
    assert [cell.unit for cell in june.objectives[0].okrs[0].cells] == ["Trust"]
    assert [overall.unit for overall in june.objectives[0].overall] == ["Trust"]
    march = report(objective, datetime.date(2016, 3, 1))
    assert [cell.value_text for cell in march.objectives[0].okrs[0].cells] == ["91.0%", "91.0%"]


# --- Exceptions ---------------------------------------------------------------------


def test_exceptions_are_red_special_cause_of_concern_failing_assurance_or_more(
    objective, trust, submit
):
    """Fifteen months to June 2016, the Trust, higher is better, no tolerance (the
    series are worked at the top of this file):

    - ends low (70 < LPL 73.05: concern, low), target 80: 70 < 80 is Red;
      73.05 < 80 < 87.49, so assurance is inconsistent → "Red, special cause of
      concern".
    - flat (common cause) ending 80, target 95: Red; 95 ≥ UPL 86.25 → fails →
      "Red, will not meet its target without change".
    - ends low, target 95: Red, concern, and 95 ≥ UPL 87.49 fails → all three, in
      that order, joined by commas.
    - ends high (92 > UPL 88.57): special cause of improvement; 92 ≥ 85 is Green;
      target 85 between the limits (74.89, 88.57): inconsistent → not an exception.
    - flat ending 80, target 70: Green; 70 ≤ LPL 75.61 passes → not an exception.
    """
    for code, statement, values, target in [
        ("a-concern", "Special cause of concern", ENDS_LOW, "80"),
        ("b-failing", "Failing its target", FLAT, "95"),
        ("c-both", "Concern and failing", ENDS_LOW, "95"),
        ("d-improving", "Improving", ENDS_HIGH, "85"),
        ("e-passing", "Passing", FLAT, "70"),
    ]:
        key_result = add_okr(
            objective,
            f"worked-{code}",
            statement,
            targets=((datetime.date(2015, 4, 1), target),),
        )
        submit(key_result, trust, fifteen_months(values))

    ipr = report(objective, JUNE_2016)

    assert listed(ipr.summary.exceptions) == [
        ("Worked", "Special cause of concern", "Trust", "Red, special cause of concern"),
        (
            "Worked",
            "Failing its target",
            "Trust",
            "Red, will not meet its target without change",
        ),
        (
            "Worked",
            "Concern and failing",
            "Trust",
            "Red, special cause of concern, will not meet its target without change",
        ),
    ]
    # The limits the reasons rest on, as worked above.
    cells = {okr.statement: okr.cells[0] for okr in ipr.objectives[0].okrs}
    concern = cells["Special cause of concern"]
    assert concern.spc_mean == pytest.approx(1204 / 15)
    assert concern.spc_upper_limit == pytest.approx(1204 / 15 + 7.22)
    assert concern.spc_lower_limit == pytest.approx(1204 / 15 - 7.22)
    assert (concern.variation, concern.assurance) == ("concern_low", "inconsistent")
    flat = cells["Failing its target"]
    assert flat.spc_upper_limit == pytest.approx(1214 / 15 + 5.32)
    assert (flat.variation, flat.assurance) == ("common_cause", "fail")


def test_amber_month_after_month_is_an_exception_from_the_strategy_s_run_length(
    objective, trust, submit, users_by_role
):
    """June 2016, the Trust, higher is better, target 95 with 2 points' tolerance:
    Green from 95, Amber from 93 up to 95, Red below 93. Fewer than 15 values each,
    so run charts: no SPC reason can apply, only the ratings.

    - 94, 94, 94 (April to June): Amber three months running → "Amber for 3
      periods running" (the default run is 3).
    - 96, 94, 94: Green in April, so a run of 2 → not an exception.
    - 94, 94, 93.5, 94 (March to June): Amber four months running → "Amber for 4
      periods running".
    - 94 in March, April and June, nothing in May: the missing month breaks the
      run, a run of 1 → not an exception.
    - 94, 92 (May, June): Red in June → "Red".

    Then the strategy's run length set to 2: the Green-then-Amber OKR's run of 2
    is an exception too, and the others are unchanged.
    """
    target = ((datetime.date(2016, 1, 1), "95"),)
    for code, statement, values in [
        ("a", "Three Amber", {"April 2016": "94", "May 2016": "94", "June 2016": "94"}),
        ("b", "Green then two Amber", {"April 2016": "96", "May 2016": "94", "June 2016": "94"}),
        (
            "c",
            "Four Amber",
            {"March 2016": "94", "April 2016": "94", "May 2016": "93.5", "June 2016": "94"},
        ),
        ("d", "Amber with a gap", {"March 2016": "94", "April 2016": "94", "June 2016": "94"}),
        ("e", "Red", {"May 2016": "94", "June 2016": "92"}),
    ]:
        key_result = add_okr(objective, f"worked-{code}", statement, targets=target, tolerance="2")
        submit(key_result, trust, values)

    assert listed(report(objective, JUNE_2016).summary.exceptions) == [
        ("Worked", "Three Amber", "Trust", "Amber for 3 periods running"),
        ("Worked", "Four Amber", "Trust", "Amber for 4 periods running"),
        ("Worked", "Red", "Trust", "Red"),
    ]

    confirm_exception_rule(
        by=users_by_role[Role.TRUST_ADMINISTRATOR],
        strategy=objective.strategy,
        amber_periods=2,
        reason="The Board's choice",
    )
    objective.strategy.refresh_from_db()
    assert listed(report(objective, JUNE_2016).summary.exceptions) == [
        ("Worked", "Three Amber", "Trust", "Amber for 3 periods running"),
        ("Worked", "Green then two Amber", "Trust", "Amber for 2 periods running"),
        ("Worked", "Four Amber", "Trust", "Amber for 4 periods running"),
        ("Worked", "Red", "Trust", "Red"),
    ]


# --- The variation × assurance matrix -----------------------------------------------


def test_the_matrix_counts_cells_by_variation_and_assurance(objective, trust, submit):
    """June 2016. Units owing: the Trust, and North and South (active from April
    2015). Fifteen-month series as worked at the top of this file:

    - A, higher is better, flat, target 70 ≤ LPL 75.61: common cause × pass, for
      the Trust and for North → 2
    - B, higher is better, ends high (92 > UPL 88.57), target 85 between the limits:
      improvement high × inconsistent → 1
    - C, lower is better, ends high: a high special cause is concern → concern
      high; target 85 neither ≥ UPL 88.57 nor ≤ LPL 74.89: inconsistent → 1
    - D, lower is better, flat, target 70 ≤ LPL 75.61: for lower-is-better a
      target below the process fails → common cause × fail → 1
    - E, neutral, ends low (70 < LPL 73.05): neutral low; no assurance for a
      neutral measure → neutral low × none → 1
    - F, higher is better, two values only: a run chart, no icons → none × none → 1

    North has no value for B to F and South none at all: those 11 cells are
    missing and not counted. 2 + 1 + 1 + 1 + 1 + 1 = 7 cells counted.
    """
    north, south = (
        strategy_actions.create_unit(
            by=None,
            slug=name.lower(),
            name=f"{name} Directorate",
            short_name=name,
            kind="directorate",
            active_from=datetime.date(2015, 4, 1),
            order=order,
            reason="test",
        )
        for order, name in ((1, "North"), (2, "South"))
    )
    since_2015 = datetime.date(2015, 4, 1)
    for code, direction, values, target, units in [
        ("a", "increase", FLAT, "70", [trust, north]),
        ("b", "increase", ENDS_HIGH, "85", [trust]),
        ("c", "decrease", ENDS_HIGH, "85", [trust]),
        ("d", "decrease", FLAT, "70", [trust]),
        ("e", "neutral", ENDS_LOW, "80", [trust]),
    ]:
        key_result = add_okr(
            objective,
            f"worked-{code}",
            f"Measure {code.upper()}",
            direction=direction,
            targets=((since_2015, target),),
        )
        for unit in units:
            submit(key_result, unit, fifteen_months(values))
    short = add_okr(objective, "worked-f", "Measure F", targets=((since_2015, "90"),))
    submit(short, trust, {"May 2016": "80", "June 2016": "81"})

    summary = report(objective, JUNE_2016).summary

    assert summary.matrix == matrix_with(
        {
            ("common_cause", "pass"): 2,
            ("improvement_high", "inconsistent"): 1,
            ("concern_high", "inconsistent"): 1,
            ("common_cause", "fail"): 1,
            ("neutral_low", "none"): 1,
            ("none", "none"): 1,
        }
    )
    assert len(summary.missing) == 11
    assert {change.unit for change in summary.missing} == {"North", "South"}


# --- Which period a quarterly OKR reports -------------------------------------------


@pytest.fixture
def quarterly_world(objective, trust, submit):
    """A quarterly OKR (higher is better, ≥90%) with three quarters of values, and a
    monthly OKR with values for February to June 2016, both for the Trust.

    Quarters of the financial year: Q3 2015/16 is October–December 2015, Q4
    2015/16 January–March 2016, Q1 2016/17 April–June 2016.
    """
    quarterly = add_okr(
        objective,
        "worked-a-quarterly",
        "Quarterly measure",
        frequency="quarterly",
        targets=((datetime.date(2015, 4, 1), "90"),),
    )
    submit(quarterly, trust, {"Q3 2015/16": "70", "Q4 2015/16": "75", "Q1 2016/17": "80"})
    monthly = add_okr(
        objective,
        "worked-b-monthly",
        "Monthly measure",
        targets=((datetime.date(2015, 4, 1), "90"),),
    )
    submit(
        monthly,
        trust,
        {
            "February 2016": "60",
            "March 2016": "61",
            "April 2016": "62",
            "May 2016": "63",
            "June 2016": "64",
        },
    )
    return objective


def test_a_quarterly_okr_in_the_last_month_of_a_quarter_reports_that_quarter(quarterly_world):
    """June 2016 ends Q1 2016/17: the quarterly OKR reports Q1 (80%), its previous
    value is Q4 2015/16's (75%): improved 75% → 80%."""
    ipr = report(quarterly_world, JUNE_2016)

    quarterly, monthly = ipr.objectives[0].okrs
    assert (quarterly.period, quarterly.cells[0].value, quarterly.cells[0].previous_value) == (
        "Q1 2016/17",
        80,
        75,
    )
    assert monthly.period == "June 2016"
    assert listed(ipr.summary.improved) == [
        ("Worked", "Quarterly measure", "Trust", "75.0% → 80.0%"),
        ("Worked", "Monthly measure", "Trust", "63.0% → 64.0%"),
    ]


@pytest.mark.parametrize(
    "data_month", [APRIL_2016, MAY_2016], ids=["first month of Q1", "middle of Q1"]
)
def test_a_quarterly_okr_before_its_quarter_ends_reports_the_previous_quarter(
    quarterly_world, data_month
):
    """April and May 2016 are in Q1 2016/17, which has not ended: the quarterly OKR
    reports Q4 2015/16 (75%, not Q1's 80%), its previous value Q3 2015/16's (70%):
    improved 70% → 75%. The monthly OKR reports the month itself."""
    ipr = report(quarterly_world, data_month)

    quarterly, monthly = ipr.objectives[0].okrs
    assert (quarterly.period, quarterly.cells[0].value, quarterly.cells[0].previous_value) == (
        "Q4 2015/16",
        75,
        70,
    )
    month = periods.period_label(periods.MONTHLY, data_month)
    moved = {"April 2016": "61.0% → 62.0%", "May 2016": "62.0% → 63.0%"}[month]
    assert monthly.period == month
    assert listed(ipr.summary.improved) == [
        ("Worked", "Quarterly measure", "Trust", "70.0% → 75.0%"),
        ("Worked", "Monthly measure", "Trust", moved),
    ]


def test_a_quarterly_okr_in_march_reports_the_quarter_march_ends(quarterly_world):
    """March 2016 ends Q4 2015/16: the quarterly OKR reports it (75%), its previous
    value Q3 2015/16's (70%): improved 70% → 75%; the monthly one 60% → 61%."""
    ipr = report(quarterly_world, MARCH_2016)

    quarterly = ipr.objectives[0].okrs[0]
    assert (quarterly.period, quarterly.cells[0].value, quarterly.cells[0].previous_value) == (
        "Q4 2015/16",
        75,
        70,
    )
    assert listed(ipr.summary.improved) == [
        ("Worked", "Quarterly measure", "Trust", "70.0% → 75.0%"),
        ("Worked", "Monthly measure", "Trust", "60.0% → 61.0%"),
    ]


# --- The overall rating month by month (the dashboard's trend strip) ----------------
# Each objective's overall rating per unit, month by month (the dashboard's trend
# strip), against an example worked by hand.
#
# The world (as in test_ipr_summary_worked: a strategy of its own, the Trust the
# only unit active in 2015–16), reported for June 2016, so the trend runs from
# July 2015 to June 2016. The objective combines by the default rule: the average
# of points (Green 3, Amber 2, Red 1), Green from 2.5, Amber from 1.5.
#
# - "Seen": monthly, higher is better, target 80, no tolerance (under 80 is Red).
#   Values: July 2015 85 (Green), August 2015 75 (Red), May 2016 80 (Green),
#   June 2016 79 (Red); none in the other months.
# - "Heard": quarterly, higher is better, target 50, 5 points' tolerance (45 to 50
#   Amber, under 45 Red). A month shows the latest quarter ended by its end.
#   Values: Q2 2015/16 (July–September) 47 (Amber), Q3 (October–December) 60
#   (Green), Q4 (January–March 2016) 40 (Red); none for Q1 of either year.
#
# Month by month, the ratings that count (no value: left out):
#
#     July 2015       Seen Green                    3 → Green
#     August 2015     Seen Red                      1 → Red
#     September 2015  Heard Q2 Amber                2 → Amber
#     October 2015    Heard Q2 Amber                2 → Amber
#     November 2015   Heard Q2 Amber                2 → Amber
#     December 2015   Heard Q3 Green                3 → Green
#     January 2016    Heard Q3 Green                3 → Green
#     February 2016   Heard Q3 Green                3 → Green
#     March 2016      Heard Q4 Red                  1 → Red
#     April 2016      Heard Q4 Red                  1 → Red
#     May 2016        Seen Green, Heard Q4 Red      (3 + 1) / 2 = 2 → Amber
#     June 2016       Seen Red (Q1 2016/17 none)    1 → Red

APRIL_2015 = datetime.date(2015, 4, 1)


def test_the_overall_rating_is_traced_back_twelve_months(objective, trust, submit):
    seen = add_okr(objective, "seen", "Seen", targets=((APRIL_2015, "80"),))
    heard = add_okr(
        objective,
        "heard",
        "Heard",
        frequency="quarterly",
        targets=((APRIL_2015, "50"),),
        tolerance="5",
    )
    submit(
        seen, trust, {"July 2015": "85", "August 2015": "75", "May 2016": "80", "June 2016": "79"}
    )
    submit(heard, trust, {"Q2 2015/16": "47", "Q3 2015/16": "60", "Q4 2015/16": "40"})

    report = assemble_ipr(datetime.date(2016, 6, 1), strategy=objective.strategy)

    (overall,) = report.objectives[0].overall
    assert overall.unit == "Trust"
    assert [(point.month, point.rag) for point in overall.trend] == [
        ("July 2015", "green"),
        ("August 2015", "red"),
        ("September 2015", "amber"),
        ("October 2015", "amber"),
        ("November 2015", "amber"),
        ("December 2015", "green"),
        ("January 2016", "green"),
        ("February 2016", "green"),
        ("March 2016", "red"),
        ("April 2016", "red"),
        ("May 2016", "amber"),
        ("June 2016", "red"),
    ]
    # The last point is the report's own rating.
    assert overall.trend[-1].rag == overall.rag
