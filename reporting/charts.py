"""SPC charts for the IPR, built from the assembled report (plain data) alone and
drawn in the browser (and the printed pack) by plotly.js."""

from reporting.ipr import IprOkr
from reporting.spc import PointType

# Making Data Count colours: common cause grey, improvement blue, concern orange,
# neutral purple; the target a red dashed line.
POINT_COLOURS: dict[PointType | None, str] = {
    "common_cause": "#a6a6a6",
    "improvement": "#005eb8",
    "concern": "#ed8b00",
    "neutral": "#7c2855",
    None: "#a6a6a6",
}
POINT_SYMBOLS: dict[PointType, str] = {
    "improvement": "diamond",
    "concern": "square",
    "neutral": "triangle-up",
}


def series_of(okr: IprOkr, unit: str | None) -> tuple[list, str | None]:
    """The points to draw: the OKR's chart series (the Trust's), or one unit's."""
    if unit is None:
        return okr.chart, okr.chart_unit
    cell = next((cell for cell in okr.cells if cell.unit == unit), None)
    return (cell.history if cell else []), unit


# A small multiple: one of an exception's units' charts, side by side on a page.
COMPACT_HEIGHT = 170


def spc_chart(
    okr: IprOkr, *, value_label: str, unit: str | None = None, compact: bool = False
) -> dict:
    """The figure for plotly.js, as the plain dict it reads ({"data", "layout"}).
    `compact`: a small multiple, shorter, with smaller type and no legend (the key
    is the section's full-size chart's).

    Written as a dict rather than through plotly's figure objects: those validate
    every property, which cost about 40 ms a chart, and a report of a hundred OKRs
    (or a pack with its exception pages) draws hundreds."""
    points, unit_name = series_of(okr, unit)
    dates = [point.period_start for point in points]
    traces = [
        {
            "type": "scatter",
            "x": dates,
            "y": [point.value for point in points],
            "mode": "lines+markers",
            "name": unit_name or "Value",
            "line": {"color": "#4c6272", "width": 1.5},
            "marker": {
                "size": 9,
                "color": [POINT_COLOURS[point.point_type] for point in points],
                "symbol": [POINT_SYMBOLS.get(point.point_type, "circle") for point in points],
                "line": {"width": 1, "color": "#212b32"},
            },
            "customdata": [
                [point.period, (point.point_type or "").replace("_", " "), "; ".join(point.rules)]
                for point in points
            ],
            "hovertemplate": "%{customdata[0]}: %{y}<br>%{customdata[1]}<br>%{customdata[2]}"
            "<extra></extra>",
        }
    ]
    for name, values, dash, colour in [
        ("Mean", [point.mean for point in points], "solid", "#212b32"),
        ("Upper process limit", [point.upl for point in points], "dot", "#768692"),
        ("Lower process limit", [point.lpl for point in points], "dot", "#768692"),
    ]:
        if any(value is not None for value in values):
            traces.append(
                {
                    "type": "scatter",
                    "x": dates,
                    "y": values,
                    "mode": "lines",
                    "name": name,
                    "line": {"color": colour, "dash": dash, "width": 1.5},
                    "hovertemplate": f"{name}: %{{y:.2f}}<extra></extra>",
                }
            )
    traces.extend(_target_traces(okr, points, dates, unit))
    # A recorded process change: a line where the limits were recalculated.
    changes = [point for point in points if point.recalculated]
    layout_marks = {
        "shapes": [
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": point.period_start,
                "x1": point.period_start,
                "y0": 0,
                "y1": 1,
                "line": {"color": "#425563", "dash": "dashdot", "width": 1.5},
            }
            for point in changes
        ],
        "annotations": [
            {
                "x": point.period_start,
                "y": 1,
                "xref": "x",
                "yref": "paper",
                "text": "Limits recalculated",
                "showarrow": False,
                "xanchor": "left",
                "yanchor": "top",
                "font": {"size": 11, "color": "#425563"},
            }
            for point in changes
        ],
    }
    layout = {
        **(layout_marks if changes else {}),
        "font": {"family": "Arial, sans-serif", "color": "#212b32", "size": 13},
        "yaxis": {"title": {"text": value_label}, "gridcolor": "#d8dde0", "zeroline": False},
        "xaxis": {"gridcolor": "#f0f4f5"},
        "legend": {"orientation": "h", "y": -0.25},
        "margin": {"l": 60, "r": 20, "t": 20, "b": 40},
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
        "height": 340,
    }
    if compact:
        layout |= {
            "font": {**layout["font"], "size": 10},
            "showlegend": False,
            "margin": {"l": 44, "r": 8, "t": 8, "b": 24},
            "height": COMPACT_HEIGHT,
        }
        for trace in traces:
            if "marker" in trace:
                trace["marker"] = {**trace["marker"], "size": 6}
    return {"data": traces, "layout": layout}


def chart_summary(okr: IprOkr, *, unit: str | None = None) -> str:
    """A text alternative: what the chart shows, for screen readers and print."""
    points, unit_name = series_of(okr, unit)
    if not points:
        return "No chart: no values yet."
    latest = points[-1]
    cell = next((cell for cell in okr.cells if cell.unit == unit_name), None)
    parts = [
        f"SPC chart of {unit_name}'s values, {points[0].period} to {latest.period}.",
        f"Latest {latest.period}: {cell.value_text if cell else latest.value}.",
    ]
    if latest.mean is not None:
        parts.append(f"Mean {latest.mean:.2f}.")
    if latest.upl is not None and latest.lpl is not None:
        parts.append(f"Process limits {latest.lpl:.2f} to {latest.upl:.2f}.")
    if cell and cell.variation:
        parts.append(f"Variation: {cell.variation.replace('_', ' ')}.")
    if cell and cell.assurance:
        parts.append(f"Assurance: {cell.assurance}.")
    # Where the limits were recalculated and why, and what the reader should know
    # about them (trial limits, no variation): said here, under the chart.
    notes = cell.spc_notes if cell else [point.recalculated for point in points]
    parts += [note if note.endswith(".") else f"{note}." for note in notes if note]
    return " ".join(parts)


# The lines of what a value is rated against: the target (or, with a trajectory,
# the goal) red and dashed, a step from period to period; the planned trajectory
# and the revised one as paths through their period targets, each with its own
# colour, dash and marker, so they read apart in print and without colour too.
_TARGET_LINES = [
    ("target", "Target", "#d5281b", "dash", None),
    ("goal", "Goal", "#d5281b", "dash", None),
    ("planned_trajectory", "Planned trajectory", "#330072", "dot", "circle-open"),
    ("revised_trajectory", "Revised trajectory", "#003087", "dashdot", "square-open"),
]


def _target_traces(okr: IprOkr, points: list, dates: list, unit: str | None) -> list[dict]:
    """Step lines (each period's value holds until the next period's) for the
    target, or for the goal and the trajectories where the unit has a trajectory."""
    if not dates:
        return []
    values = {
        field: [getattr(point, field, None) for point in points] for field, *_ in _TARGET_LINES
    }
    if all(value is None for value in values["target"]) and unit is None:
        # An edition published before charts drew the target period by period.
        values["target"] = [okr.chart_target] * len(points)
    with_trajectory = any(
        value is not None
        for field in ("planned_trajectory", "revised_trajectory")
        for value in values[field]
    )
    if with_trajectory:
        # Where no trajectory applies, the goal is the target.
        values["goal"] = [
            goal if goal is not None else target
            for goal, target in zip(values["goal"], values["target"], strict=True)
        ]
    shown = ["goal", "planned_trajectory", "revised_trajectory"] if with_trajectory else ["target"]
    traces = []
    for field, name, colour, dash, marker in _TARGET_LINES:
        if field not in shown or all(value is None for value in values[field]):
            continue
        trace = {
            "type": "scatter",
            "x": dates,
            "y": values[field],
            "mode": "lines",
            "name": name,
            "line": {"color": colour, "dash": dash, "width": 2, "shape": "hv"},
            "hovertemplate": f"{name}: %{{y}}<extra></extra>",
        }
        if marker:
            trace |= {
                "mode": "lines+markers",
                "line": {"color": colour, "dash": dash, "width": 2},
                "marker": {"symbol": marker, "size": 9, "color": colour},
            }
        traces.append(trace)
    return traces
