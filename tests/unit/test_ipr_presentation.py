from reporting.ipr import Ipr, IprChange, IprCommentary, IprObjective, IprOkr, IprSummary
from reporting.presentation import exceptions_with_commentary


def _okr(statement, commentary=None):
    return IprOkr(
        code=statement.lower(),
        statement=statement,
        focus_area=None,
        measure="percentage",
        direction="increase",
        frequency="monthly",
        status="active",
        owner=None,
        period="October 2026",
        tolerance="none",
        cells=[],
        chart_unit=None,
        chart=[],
        chart_target=None,
        commentary=commentary,
    )


def test_each_exception_comes_with_its_okrs_commentary():
    words = IprCommentary(
        "",
        "Backlog",
        "Extra clinics — COO, 30 Nov",
        "",
        "December",
        "Erin",
        "Medical Director",
        None,
        None,
    )
    report = Ipr(
        trust="T",
        strategy="S",
        data_month="October 2026",
        data_month_start="2026-10-01",
        assembled_at="",
        contains_demo_data=False,
        objectives=[
            IprObjective(
                id=1,
                number=1,
                short_name="Quality",
                title="Q",
                executives=[],
                committee=None,
                rating_rule="",
                units=[],
                focus_areas=[],
                okrs=[_okr("Waits", words), _okr("Falls")],
                overall=[],
                narratives=[],
            )
        ],
        summary=IprSummary(
            exceptions=[
                IprChange("Quality", "Waits", "Trust", "special cause of concern"),
                IprChange("Quality", "Falls", "Trust", "will not meet its target"),
            ]
        ),
    )
    pairs = exceptions_with_commentary(report)
    assert [(item.okr, commentary) for item, commentary, _chart in pairs] == [
        ("Waits", words),
        ("Falls", None),
    ]
