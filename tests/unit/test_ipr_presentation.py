from reporting.ipr import Ipr, IprChange, IprCommentary, IprObjective, IprOkr, IprSummary
from reporting.presentation import exceptions_by_okr


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


def test_exceptions_are_one_entry_per_okr_with_its_units_and_one_commentary():
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
                IprChange("Quality", "Waits", "West", "will not meet its target"),
            ]
        ),
    )
    entries = exceptions_by_okr(report)
    assert [(entry.statement, entry.commentary) for entry in entries] == [
        ("Waits", words),
        ("Falls", None),
    ]
    assert [(unit.unit, unit.detail) for unit in entries[0].units] == [
        ("Trust", "special cause of concern"),
        ("West", "will not meet its target"),
    ]


def test_the_spc_chart_draws_values_limits_and_target_with_signals_coloured():
    from reporting.charts import chart_summary, spc_chart
    from reporting.ipr import IprSpcPoint

    points = [
        IprSpcPoint("June 2020", "2020-06-01", 90.0, 91.0, 85.0, 97.0, "common_cause", []),
        IprSpcPoint("July 2020", "2020-07-01", 98.0, 91.0, 85.0, 97.0, "improvement", ["1 (high)"]),
    ]
    okr = _okr("Compliance")
    okr.chart, okr.chart_unit, okr.chart_target = points, "Trust", 95.0
    figure = spc_chart(okr, value_label="%")
    assert [trace["name"] for trace in figure["data"]] == [
        "Trust",
        "Mean",
        "Upper process limit",
        "Lower process limit",
        "Target",
    ]
    values = figure["data"][0]
    assert values["x"] == ["2020-06-01", "2020-07-01"] and values["y"] == [90.0, 98.0]
    # Making Data Count: common cause grey circle, improvement blue diamond.
    assert values["marker"]["color"] == ["#a6a6a6", "#005eb8"]
    assert values["marker"]["symbol"] == ["circle", "diamond"]
    assert figure["data"][4]["y"] == [95.0, 95.0]
    assert figure["layout"]["yaxis"]["title"]["text"] == "%"
    assert chart_summary(okr) == (
        "SPC chart of Trust's values, June 2020 to July 2020. Latest July 2020: 98.0. "
        "Mean 91.00. Process limits 85.00 to 97.00."
    )
