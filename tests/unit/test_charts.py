import datetime
from decimal import Decimal

from okrs.charts import TARGET_COLOUR, results_line_chart
from okrs.selectors import SeriesPoint

D = datetime.date


def _points(*values):
    return [
        SeriesPoint(D(2020, month, 1), f"Month {month}", Decimal(value), False)
        for month, value in enumerate(values, start=1)
    ]


def test_one_line_per_unit_and_the_target_as_steps():
    figure = results_line_chart(
        {"Bucks MH": _points(92, 93, 94), "Trust": _points(94, 94, 95)},
        targets=[(D(2020, 1, 1), 95.0), (D(2020, 2, 15), 96.0)],
        value_label="%",
        title="CCCS training",
    )
    names = [trace.name for trace in figure.data]
    assert names == ["Bucks MH", "Trust", "Target"]
    assert list(figure.data[0].y) == [92.0, 93.0, 94.0]
    target = figure.data[2]
    # 95 from 1 January until the new target on 15 February, then 96 to the last point.
    assert list(target.x) == [D(2020, 1, 1), D(2020, 2, 15), D(2020, 2, 15), D(2020, 3, 1)]
    assert list(target.y) == [95.0, 95.0, 96.0, 96.0]
    assert target.line.color == TARGET_COLOUR and target.line.dash == "dash"


def test_units_are_told_apart_without_colour():
    figure = results_line_chart(
        {"A": _points(1, 2), "B": _points(2, 3)}, value_label="Count", title="t"
    )
    assert figure.data[0].marker.symbol != figure.data[1].marker.symbol
    assert len(figure.data) == 2  # no target trace when there is no target


def test_a_chart_s_data_element_is_what_json_script_writes_and_cannot_close_its_script():
    from django.utils.html import json_script

    from reporting.templatetags.ipr_format import chart_data

    figure = {
        "data": [{"x": [D(2020, 9, 1)], "y": [Decimal("93.5")], "name": "A & B <Unit>"}],
        "layout": {"hovertemplate": "%{y}<br></script><!--"},
    }
    written = chart_data(figure, "chart-1-data")

    assert written == json_script(figure, "chart-1-data")
    body = written.removeprefix('<script id="chart-1-data" type="application/json">')
    assert "<" not in body.removesuffix("</script>") and "&" not in body
    assert "\\u003C/script\\u003E" in body and "A \\u0026 B" in body


def test_a_sparkline_puts_the_highest_value_at_the_top_and_leaves_gaps_out():
    from reporting.templatetags.ipr_format import sparkline_points

    # 5 values over a 120-pixel box: 30 pixels apart; 2 to 26 pixels high.
    assert sparkline_points([10, 20, None, 30, 20]) == [
        (0.0, 26.0),
        (30.0, 14.0),
        (90.0, 2.0),
        (120.0, 14.0),
    ]
    assert sparkline_points([5, 5]) == [(0.0, 14.0), (120.0, 14.0)]
    assert sparkline_points([None, None]) == []


def test_a_sparkline_says_in_words_what_it_draws():
    from reporting.ipr import IprHistoryPoint
    from reporting.templatetags.ipr_format import sparkline

    def point(period, value):
        return IprHistoryPoint(
            period,
            "",
            value,
            "No data" if value is None else f"{value:g}%",
            None,
            "",
            None,
            None,
            None,
            None,
            [],
        )

    svg = sparkline([point("July 2026", 90), point("August 2026", 84), point("September 2026", 88)])
    assert 'role="img"' in svg
    assert (
        'aria-label="Values July 2026 to September 2026: from 90% to 88%; lowest 84% '
        '(August 2026), highest 90% (July 2026)"'
    ) in svg
    assert sparkline([point("July 2026", 90)]) == ""
