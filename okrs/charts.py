"""Plotly figures built from plain data: no database, no request, so they are
tested directly. The OKR page draws them; the IPR's SPC charts are
`reporting/charts.py`."""

import datetime
from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from okrs.selectors import SeriesPoint

# Colour-blind-safe palette (Okabe–Ito) in NHS-friendly order; each unit also
# gets its own marker shape so lines are told apart without colour.
_COLOURS = ["#005eb8", "#d55e00", "#009e73", "#cc79a7", "#212b32", "#e69f00", "#56b4e9"]
_MARKERS = ["circle", "square", "diamond", "triangle-up", "x", "star", "cross"]
TARGET_COLOUR = "#d5281b"


def results_line_chart(
    series: Mapping[str, Sequence[SeriesPoint]],
    *,
    targets: Sequence[tuple[datetime.date, float]] = (),
    value_label: str,
    title: str | None = None,
    emphasise: str | None = None,
) -> go.Figure:
    """One line per unit over time, with the target as a red dashed step line.

    `emphasise` names a series (the Trust) drawn thicker than the directorates'.
    The page's own heading names the measure, so the title is optional."""
    figure = go.Figure()
    all_dates = []
    for index, (unit_name, points) in enumerate(series.items()):
        dates = [point.period_start for point in points]
        all_dates.extend(dates)
        figure.add_trace(
            go.Scatter(
                x=dates,
                y=[float(point.value) for point in points],
                mode="lines+markers",
                name=unit_name,
                line={
                    "color": _COLOURS[index % len(_COLOURS)],
                    "width": 4 if unit_name == emphasise else 2,
                },
                marker={"symbol": _MARKERS[index % len(_MARKERS)], "size": 7},
                customdata=[point.period_label for point in points],
                hovertemplate=f"{unit_name}<br>%{{customdata}}: %{{y}}<extra></extra>",
            )
        )
    if targets and all_dates:
        figure.add_trace(_target_steps(targets, end=max(all_dates)))
    figure.update_layout(
        title={"text": title or "", "font": {"size": 16}},
        font={"family": "Arial, sans-serif", "color": "#212b32", "size": 14},
        yaxis={"title": {"text": value_label}, "gridcolor": "#d8dde0", "zeroline": False},
        xaxis={"gridcolor": "#f0f4f5"},
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 60, "r": 20, "t": 50 if title else 20, "b": 40},
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        height=420,
    )
    return figure


def _target_steps(
    targets: Sequence[tuple[datetime.date, float]], *, end: datetime.date
) -> go.Scatter:
    """Targets are in force from a date until the next one: draw them as steps."""
    ordered = sorted(targets)
    xs, ys = [], []
    for index, (start, value) in enumerate(ordered):
        stop = ordered[index + 1][0] if index + 1 < len(ordered) else end
        xs.extend([start, stop])
        ys.extend([value, value])
    return go.Scatter(
        x=xs,
        y=ys,
        mode="lines",
        name="Target",
        line={"color": TARGET_COLOUR, "dash": "dash", "width": 2},
        hovertemplate="Target: %{y}<extra></extra>",
    )
