"""Charts of the whole place: an indicator's ranked areas with confidence whiskers, the city scorecard's spine chart
and the sector mix. Plotly figures only (no Streamlit); the same figures go to the page, the images and the pack."""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from indicators.domain import formatting
from indicators.exports.figures import HIGHLIGHT, MUTED, PALETTE
from indicators.place import SIGNIFICANCE, TOTAL_UNITS, Benchmark

BENCHMARK_DASH = {
    "national": "solid",
    "nation": "dot",
    "region": "dash",
    "core-cities": "dashdot",
    "neighbours": "longdash",
}
ROW_PX = 26


def wrapped(text: str, width: int = 34) -> str:
    """A long label over several lines (Plotly breaks lines only at <br>)."""
    return "<br>".join(textwrap.wrap(str(text), width)) or str(text)


def ranked_with_limits(
    frame: pd.DataFrame, *, unit: str, chosen: str | None, benchmarks: list[Benchmark], verdicts: dict[str, str]
) -> go.Figure:
    """Areas as dots (best at the top) with their 95 % confidence whiskers, the chosen area in the highlight colour,
    each area's marker shaped by its significance against the national benchmark, and the benchmarks as lines.

    Args:
        frame: area_code, area_name, value, ci_lower, ci_upper (missing values are left out and listed by the caller).
        verdicts: area_code -> significance key (place.SIGNIFICANCE).
    """
    shown = frame[frame["value"].notna()].iloc[::-1]  # Plotly draws the first category at the bottom
    has_limits = shown["ci_lower"].notna() & shown["ci_upper"].notna()
    error = {
        "type": "data",
        "symmetric": False,
        "array": (shown["ci_upper"] - shown["value"]).where(has_limits),
        "arrayminus": (shown["value"] - shown["ci_lower"]).where(has_limits),
        "color": "#555555",
        "thickness": 1.2,
        "width": 4,
    }
    keys = [verdicts.get(code, "not tested") for code in shown["area_code"]]
    colours = [HIGHLIGHT if code == chosen else PALETTE[0] for code in shown["area_code"]]
    fig = go.Figure(
        go.Scatter(
            x=shown["value"],
            y=[wrapped(n, 30) for n in shown["area_name"]],
            mode="markers",
            error_x=error,
            marker={
                "size": 11,
                "color": colours,
                "symbol": [SIGNIFICANCE[k][1] for k in keys],
                "line": {"width": 1.5, "color": colours},
            },
            customdata=[
                [SIGNIFICANCE[k][0], formatting.value(lo, unit), formatting.value(hi, unit)]
                for k, lo, hi in zip(keys, shown["ci_lower"], shown["ci_upper"])
            ],
            hovertemplate="%{y}: "
            + formatting.hover(unit, "x")
            + "<br>95% limits %{customdata[1]} to %{customdata[2]}<br>%{customdata[0]}<extra></extra>",
            showlegend=False,
        )
    )
    for bench in benchmarks:  # a line across the chart, named in the legend with its value (labels on it collide)
        dash = BENCHMARK_DASH.get(bench.key, "dot")
        fig.add_vline(x=bench.value, line={"color": "#333333", "width": 1.2, "dash": dash})
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="lines",
                line={"color": "#333333", "width": 1.5, "dash": dash},
                name=f"{bench.label}: {formatting.value(bench.value, unit)}",
                hoverinfo="skip",
            )
        )
    fig.update_xaxes(title={"text": formatting.unit_label(unit)}, **formatting.axis(unit), automargin=True)
    fig.update_yaxes(automargin=True, tickfont={"size": 12})
    fig.update_layout(
        height=max(300, ROW_PX * len(shown) + 170 + 22 * len(benchmarks)),
        showlegend=bool(benchmarks),
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0, "font": {"size": 12}},
        margin={"t": 30 + 22 * len(benchmarks)},
    )
    return fig


SPINE_UNIT_PX = 30  # pixels per unit of the spine's y axis (a bar row is about one unit)


def spine(scorecard: pd.DataFrame, *, area_name: str) -> go.Figure:
    """The Fingertips spine chart: per indicator, the range of all councils (light), their middle half (darker), the
    benchmark at the centre line, the Core Cities median (diamond) and the area (shape = significance). Better is
    always to the right. Each indicator's name is written above its bar (so long names wrap on a phone instead of
    crowding the axis), under its theme's heading. Totals (counts, £ million), which say more about size than
    performance, are left to the table."""
    fig = go.Figure()
    y, marked, notes = 0.0, [], []
    shapes = [
        {
            "type": "line",
            "x0": 0.5,
            "x1": 0.5,
            "yref": "paper",
            "y0": 0,
            "y1": 1,
            "layer": "below",
            "line": {"color": "#111111", "width": 1.5},
        }
    ]
    for theme, group in scorecard[~scorecard["unit"].isin(TOTAL_UNITS)].groupby("theme", sort=True):
        notes.append(
            {"y": y, "text": f"<b>{theme}</b>", "font": {"size": 14, "color": "#111111"}, "bgcolor": "#FFFFFF"}
        )
        y -= 1.0
        for row in group.to_dict("records"):
            label = wrapped(f"{row['name']} ({row['period']})", 50)
            notes.append(
                {"y": y, "text": label, "font": {"size": 12, "color": "#111111"}, "bgcolor": "rgba(255,255,255,0.9)"}
            )
            y -= 0.6 * (label.count("<br>") + 1) + 0.3
            if not pd.isna(row.get("x_councils_min")):
                lo, hi = sorted((row["x_councils_min"], row["x_councils_max"]))
                q1, q3 = sorted((row["x_councils_q1"], row["x_councils_q3"]))
                shapes += [
                    {
                        "type": "rect",
                        "x0": left,
                        "x1": right,
                        "y0": y - 0.25,
                        "y1": y + 0.25,
                        "fillcolor": colour,
                        "line": {"width": 0},
                        "layer": "below",
                    }
                    for left, right, colour in ((lo, hi, "#E5E7EB"), (q1, q3, "#B8C0CC"))
                ]
                marked.append((y, row))
            y -= 0.8
    # set in one assignment: add_shape/add_annotation one by one took two seconds for a scorecard
    fig.layout.shapes = shapes
    fig.layout.annotations = [
        {"x": 0, "xref": "paper", "yanchor": "top", "xanchor": "left", "showarrow": False, "align": "left", **note}
        for note in notes
    ]
    core = [(at, r) for at, r in marked if not pd.isna(r.get("x_core_cities_median"))]
    fig.add_trace(
        go.Scatter(
            x=[r["x_core_cities_median"] for _, r in core],
            y=[at for at, _ in core],
            mode="markers",
            name="Core Cities median",
            marker={"symbol": "diamond-open", "size": 10, "color": "#111111", "line": {"width": 1.5}},
            customdata=[formatting.value(r["core_cities_median"], r["unit"]) for _, r in core],
            hovertemplate="Core Cities median: %{customdata}<extra></extra>",
        )
    )
    for key, (words, symbol, colour) in SIGNIFICANCE.items():
        these = [(at, r) for at, r in marked if r["significance"] == key and not pd.isna(r.get("x_value"))]
        if not these:
            continue
        fig.add_trace(
            go.Scatter(
                x=[r["x_value"] for _, r in these],
                y=[at for at, _ in these],
                mode="markers",
                name=f"{area_name}: {words}",
                marker={"symbol": symbol, "size": 13, "color": colour, "line": {"width": 1.5, "color": colour}},
                customdata=[
                    [
                        r["name"],
                        formatting.value(r["value"], r["unit"]),
                        r["benchmark_name"],
                        formatting.value(r["benchmark_value"], r["unit"]),
                    ]
                    for _, r in these
                ],
                hovertemplate=f"%{{customdata[0]}}<br>{area_name}: %{{customdata[1]}}<br>%{{customdata[2]}}: "
                f"%{{customdata[3]}}<br>{words}<extra></extra>",
            )
        )
    height = int(-y * SPINE_UNIT_PX) + 230
    fig.update_yaxes(range=[y, 0.3], visible=False)
    fig.update_xaxes(
        range=[-0.02, 1.02],
        tickvals=[0, 0.5, 1],
        ticktext=["← worse", "benchmark", "better →"],
        showgrid=False,
        zeroline=False,
        side="top",
    )
    fig.update_layout(
        height=height,
        margin={"t": 30, "b": 150, "l": 10, "r": 10},
        legend={"orientation": "h", "y": -10 / height, "yanchor": "top", "x": 0, "font": {"size": 12}},
    )
    return fig


def sector_bars(mix: pd.DataFrame, *, area_name: str, last_year: int) -> go.Figure:
    """Each section's share of GVA in the area and the UK in the last year (bars side by side, labelled), sections in
    SIC order from the top; the location quotient is in the hover and the table."""
    shown = mix.iloc[::-1]
    names = [wrapped(n, 36) for n in shown["industry_name"]]
    fig = go.Figure()
    for column, label, colour, pattern in (
        ("share_last", f"{area_name}, {last_year}", HIGHLIGHT, ""),
        ("uk_share_last", f"UK, {last_year}", MUTED, "/"),
    ):
        fig.add_trace(
            go.Bar(
                x=shown[column],
                y=names,
                orientation="h",
                name=label,
                marker={"color": colour, "pattern": {"shape": pattern}},
                text=[formatting.percent(v) for v in shown[column]],
                textposition="outside",
                cliponaxis=False,
                textfont={"color": "#111111", "size": 11},
                customdata=[f"{lq:.2f}" for lq in shown["lq_last"]],
                hovertemplate="%{y}: %{x:.1f}% of GVA<br>location quotient %{customdata}<extra>" + label + "</extra>",
            )
        )
    top = float(max(shown["share_last"].max(), shown["uk_share_last"].max()))
    fig.update_xaxes(title={"text": "% of GVA"}, ticksuffix="%", range=[0, top * 1.25])
    fig.update_yaxes(automargin=True, tickfont={"size": 12})
    fig.update_layout(
        barmode="group",
        height=ROW_PX * 2 * len(shown) + 140,
        bargap=0.25,
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0},
    )
    return fig
