"""The month-close checklist, worked out by hand for a small month.

October 2026; entry for the month is due on 10 November. Three units owe values:

- West owes three: one submitted, one saved as a draft, one not entered;
- East owes two, both submitted;
- the Trust owes one, not entered.

So 2 units (West, Trust) still owe 3 values (West 1 + 1, Trust 1), and 1 value is a
draft. The report has three objectives and no overall summary from the Chief
Executive: Quality's summary is written and signed, People's written but not
signed, Money's not written; with the overall one, 2 not written and 1 not signed
of 4. Its OKRs: Waits has exceptions for West and the Trust and no commentary;
Falls has an exception for East and a commentary; Sickness has an exception for
West and a commentary with every heading empty, which is none. So 2 OKRs with
exceptions (2 + 1 = 3 values) have no commentary. Assumed: the exceptions rule,
People's rating rule, and Waits's tolerance and definition: 4 rules. Quality has
two programmes: OHI reported for October, the agency programme last for
September: 1 programme has no report for the month.
"""

import datetime

from objectives.models import OrganisationalUnit, Person
from okrs.models import KeyResult, ReportingPeriod, Result
from okrs.selectors.submissions import OwedValue, SubmissionStatus, UnitSubmission
from reporting.ipr import (
    Ipr,
    IprCell,
    IprCommentary,
    IprExecutive,
    IprNarrative,
    IprObjective,
    IprOkr,
    IprProgramme,
    IprSummary,
)
from reporting.month_close import checklist

OCTOBER = datetime.date(2026, 10, 1)
ENDS = datetime.date(2026, 10, 31)
PERIOD = ReportingPeriod(
    pk=7,
    frequency="monthly",
    starts_on=OCTOBER,
    ends_on=ENDS,
    due_on=datetime.date(2026, 11, 10),
    closes_on=datetime.date(2026, 11, 30),
)
WEST = OrganisationalUnit(pk=1, name="West", short_name="West")
EAST = OrganisationalUnit(pk=2, name="East", short_name="East")
TRUST = OrganisationalUnit(pk=3, name="Trust", short_name="Trust")
WEST_LEAD = Person(pk=11, full_name="Wendy West")
OKRS = [KeyResult(pk=n, code=f"okr-{n}", statement=f"OKR {n}") for n in (1, 2, 3)]


def owed(unit, key_result, status):
    result = None if status is None else Result(status=status)
    return OwedValue(key_result, unit, result, None, None, SubmissionStatus.MISSING)


SUBMISSIONS = [
    UnitSubmission(
        WEST,
        PERIOD,
        [
            owed(WEST, OKRS[0], Result.Status.SUBMITTED),
            owed(WEST, OKRS[1], Result.Status.DRAFT),
            owed(WEST, OKRS[2], None),
        ],
    ),
    UnitSubmission(
        EAST,
        PERIOD,
        [
            owed(EAST, OKRS[0], Result.Status.SUBMITTED),
            owed(EAST, OKRS[1], Result.Status.SUBMITTED),
        ],
    ),
    UnitSubmission(TRUST, PERIOD, [owed(TRUST, OKRS[0], None)]),
]


def cell(unit, exceptions=()):
    return IprCell(
        unit=unit,
        unit_slug=unit.lower(),
        period="October 2026",
        value=1.0,
        value_text="1",
        target=None,
        target_text="",
        rag="green",
        rag_label="Green",
        rag_explanation="",
        variation=None,
        assurance=None,
        spc_mean=None,
        spc_lower_limit=None,
        spc_upper_limit=None,
        spc_notes=[],
        previous_value=None,
        previous_rag=None,
        is_demo=False,
        exceptions=list(exceptions),
    )


def okr(code, cells, commentary=None, *, assumed=False):
    return IprOkr(
        code=code,
        statement=code.title(),
        focus_area=None,
        measure="percentage",
        direction="increase",
        frequency="monthly",
        status="active",
        owner=None,
        period="October 2026",
        tolerance="none",
        cells=cells,
        chart_unit=None,
        chart=[],
        chart_target=None,
        commentary=commentary,
        tolerance_assumed=assumed,
        definition_assumed=assumed,
    )


def commentary(**headings):
    texts = {name: "" for name in ("chart_shows", "issues", "actions", "risks")}
    return IprCommentary(
        **(texts | headings),
        expected_recovery="",
        author=None,
        author_title="",
        signed_by=None,
        signed_on=None,
    )


def summary(signed_by=None):
    return IprNarrative("Executive summary", "Words", "Erin", "Medical Director", signed_by, None)


def programme(title, updated_for):
    return IprProgramme(
        title=title,
        focus_area="F",
        lead="Olive",
        unit=None,
        rag="amber",
        rag_label="Amber",
        rag_as_written="Amber",
        progress="",
        updated_for=updated_for,
        current=updated_for == "October 2026",
    )


def objective(number, name, okrs, narratives, *, assumed=False, programmes=()):
    return IprObjective(
        id=number * 10,
        number=number,
        short_name=name,
        title=name,
        executives=[IprExecutive("Medical Director", ["Erin"])],
        committee=None,
        rating_rule="",
        units=[],
        focus_areas=[],
        okrs=okrs,
        overall=[],
        narratives=narratives,
        rating_rule_assumed=assumed,
        programmes=list(programmes),
    )


REPORT = Ipr(
    trust="T",
    strategy="S",
    data_month="October 2026",
    data_month_start="2026-10-01",
    assembled_at="",
    contains_demo_data=False,
    objectives=[
        objective(
            1,
            "Quality",
            [
                okr(
                    "waits",
                    [
                        cell("West", ["will not meet its target"]),
                        cell("East"),
                        cell("Trust", ["special cause of concern"]),
                    ],
                    assumed=True,
                ),
                okr(
                    "falls",
                    [cell("East", ["will not meet its target"])],
                    commentary(issues="Staffing"),
                ),
            ],
            [summary(signed_by="Erin")],
            programmes=[
                programme("OHI", "October 2026"),
                programme("Agency", "September 2026"),
            ],
        ),
        objective(
            2,
            "People",
            [okr("sickness", [cell("West", ["3 Ambers running"])], commentary())],
            [summary()],
            assumed=True,
        ),
        objective(3, "Money", [okr("spend", [cell("West")])], []),
    ],
    summary=IprSummary(exceptions_rule_assumed=True),
)


def close(today, submissions=SUBMISSIONS, report=REPORT):
    return checklist(
        data_month=OCTOBER,
        month_ends_on=ENDS,
        today=today,
        submissions=submissions,
        leads={WEST.pk: [WEST_LEAD]},
        report=report,
        last_reminded={(WEST.pk, PERIOD.pk): datetime.datetime(2026, 11, 11, 9, 30)},
    )


def test_the_worked_example():
    result = close(datetime.date(2026, 11, 12))
    assert result.month_ended
    assert [(row.unit.name, row.not_entered, row.drafts) for row in result.outstanding] == [
        ("West", 1, 1),
        ("Trust", 1, 0),
    ]
    assert (result.units_outstanding, result.values_outstanding) == (2, 3)
    west, trust = result.outstanding
    assert west.leads == (WEST_LEAD,) and trust.leads == ()
    assert west.is_late and west.last_reminded == datetime.datetime(2026, 11, 11, 9, 30)
    assert not west.entry_closed  # entry closes on 30 November
    assert trust.last_reminded is None
    assert [(d.unit.name, d.key_result.code) for d in result.drafts] == [("West", "okr-2")]
    assert [(s.name, s.written) for s in result.summaries] == [
        ("The overall summary", False),
        ("People", True),
        ("Money", False),
    ]
    assert [(c.code, c.units) for c in result.commentaries] == [
        ("waits", ("West", "Trust")),
        ("sickness", ("West",)),
    ]
    assert result.exceptions_without_commentary == 3
    assert result.assumed_rules == 4
    assert result.open_items == [
        "2 units still owe 3 values",
        "1 value saved as a draft, not submitted",
        "2 not written and 1 not signed of 4 executive summaries",
        "2 OKRs with exceptions (3 values) have no commentary",
        "4 rules the ratings follow are assumed, not yet confirmed",
        "1 programme has no report for the month",
    ]
    assert [(p.title, p.last_report) for p in result.programmes] == [("Agency", "September 2026")]
    assert not result.is_clear


def test_before_the_due_date_nothing_is_late_and_before_the_month_ends_it_is_not_clear():
    on_due_date = close(datetime.date(2026, 11, 10))
    assert not any(row.is_late for row in on_due_date.outstanding)
    last_day = close(ENDS)
    assert not last_day.month_ended
    after_entry_closed = close(datetime.date(2026, 12, 1))
    assert all(row.entry_closed for row in after_entry_closed.outstanding)


def test_a_month_with_everything_done_is_clear_once_it_has_ended():
    done = [
        UnitSubmission(EAST, PERIOD, [owed(EAST, OKRS[0], Result.Status.SUBMITTED)]),
    ]
    clean = Ipr(
        trust="T",
        strategy="S",
        data_month="October 2026",
        data_month_start="2026-10-01",
        assembled_at="",
        contains_demo_data=False,
        objectives=[
            objective(
                1,
                "Quality",
                [
                    okr(
                        "falls",
                        [cell("East", ["will not meet its target"])],
                        commentary(actions="Extra clinics"),
                    )
                ],
                [summary(signed_by="Erin")],
            )
        ],
        summary=IprSummary(),
        overall_summary=summary(signed_by="Chris Chief"),
    )
    assert close(ENDS, done, clean).open_items == []
    assert not close(ENDS, done, clean).is_clear  # the month has not ended yet
    assert close(datetime.date(2026, 11, 1), done, clean).is_clear


def test_one_of_each_is_said_in_the_singular():
    report = Ipr(
        trust="T",
        strategy="S",
        data_month="October 2026",
        data_month_start="2026-10-01",
        assembled_at="",
        contains_demo_data=False,
        objectives=[
            objective(1, "Quality", [okr("waits", [cell("West", ["x"])])], [summary()]),
        ],
        summary=IprSummary(exceptions_rule_assumed=True),
    )
    one = [UnitSubmission(WEST, PERIOD, [owed(WEST, OKRS[1], Result.Status.DRAFT)])]
    assert close(datetime.date(2026, 11, 1), one, report).open_items == [
        "1 unit still owes 1 value",
        "1 value saved as a draft, not submitted",
        "1 not written and 1 not signed of 2 executive summaries",
        "1 OKR with exceptions (1 value) has no commentary",
        "1 rule the ratings follow is assumed, not yet confirmed",
    ]
