"""Productivity gap: the chosen area's gap on every definition, its decomposition, scenarios and history."""

import plotly.graph_objects as go
import streamlit as st

from indicators import measures, productivity
from indicators.domain import formatting
from ui import render, state

d = state.current()
name = measures.city_name(d.area)
chosen = productivity.BASES[d.basis]
st.title(f"Productivity gap: {name}")
st.caption(f"Definition: {d.label}.")

try:
    result = measures.gap(d.area, d.basis, d.geography, d.benchmark, d.year)
except ValueError as problem:
    st.warning(f"The gap can't be computed on this definition: {problem}")
    st.stop()

a, b, c = st.columns(3)
a.metric(
    f"{name}, {result['year']}",
    formatting.headline(result["value"], chosen.unit),
    border=True,
    help=f"{chosen.label} ({chosen.unit}), {result['area_name']}: {result['method']}.",
)
b.metric(
    result["benchmark_name"],
    formatting.headline(result["benchmark_value"], chosen.unit),
    delta=f"{formatting.percent(result['gap_pct'], signed=True)} gap",
    border=True,
    **render.delta_style(result["gap_pct"], "higher_is_better"),
    help=f"{result['benchmark_name']}: {result['benchmark_method']}.",
)
c.metric(
    "Shortfall, £ a year" if result["gap_gbp_bn"] >= 0 else "Surplus, £ a year",
    formatting.gbp_bn(abs(result["gap_gbp_bn"])),
    border=True,
    help="(benchmark − value) × the area's hours, jobs or residents: what closing the gap would add a year.",
)
if result["coverage_note"]:
    st.caption(f"Coverage: {result['coverage_note']}.")
render.how_calculated(result["provenance"], "gap-how")

st.header("The gap on every definition")
grid = measures.definitions_grid(d.area, d.year)
if not grid.empty:

    def grid_figure() -> go.Figure:
        pivot = measures.definitions_matrix(d.area, d.year)
        # two-line labels so the six columns' labels never overlap at laptop widths
        x_labels = [f"{g.replace('-', ' ')}<br>{bm.replace(' (', '<br>(')}" for g, bm in pivot.columns]
        fig = go.Figure(
            go.Heatmap(
                z=pivot.values,
                x=x_labels,
                y=list(pivot.index),
                colorscale=render.DIVERGING,
                zmid=0,
                text=[[formatting.percent(v, signed=True) for v in row] for row in pivot.values],
                texttemplate="%{text}",
                colorbar={"title": {"text": "Gap (%)"}, "ticksuffix": "%"},
                hovertemplate="%{y}<br>%{x}<br>gap %{text}<extra></extra>",
            )
        )
        fig.update_layout(height=380)
        fig.update_xaxes(tickangle=0)
        return fig

    render.chart(
        grid_figure,
        cache=(d.area, d.year),
        title=f"{name}: productivity gap (%) on 3 bases × 2 geographies × 3 benchmarks",
        subtitle="negative (red) = below the benchmark; each basis in its chosen year or latest",
        source=measures.source("gva_per_hour", "gva_per_job", "gva_per_head"),
        key="gap-grid",
        table=grid,
    )

st.header("Where the GVA-per-head gap comes from")
render.decomposition_section(
    d.area,
    d.geography,
    d.benchmark,
    d.year,
    name=name,
    benchmark_label=state.benchmark_label(d.benchmark),
    key="gap-waterfall",
)

st.header("What if the gap closed?")
left, right = st.columns(2)
years_allowed = list(range(result["year"] + 1, 2051))
state.page_param("target", years_allowed, 2035 if 2035 in years_allowed else years_allowed[-1], widget_key="gap_target")
state.page_param("window", [3, 5, 7, 10, 15], 10, widget_key="gap_window")
target = left.slider("Target year", min_value=years_allowed[0], max_value=years_allowed[-1], key="gap_target")
window = right.select_slider("Trend window (years)", options=[3, 5, 7, 10, 15], key="gap_window")
render.sync_param("target", target)
render.sync_param("window", window)
try:
    plan = productivity.scenario(d.area, d.basis, d.geography, d.benchmark, d.year, target, window)
except ValueError as problem:
    st.warning(str(problem))
else:
    a, b, c = st.columns(3)
    a.metric("Added if the gap closed", formatting.gbp_bn(plan["gbp_bn_added_per_year"]) + " a year", border=True)
    b.metric(
        f"Extra growth to close by {target}",
        f"{formatting.number(plan['growth_premium_pct_points'], 1)} points a year",
        border=True,
        help="Percentage points of annual growth above the benchmark's own growth.",
    )
    c.metric(
        f"Trend {plan['trend_window']}",
        formatting.percent(plan["annual_change_pct"], signed=True) + " a year",
        border=True,
        help="Average annual change of the value relative to the benchmark.",
    )
    st.markdown(plan["verdict"])
    st.caption(plan["assumptions"])

st.header("The gap over time")
history = productivity.gap_series(d.area, d.basis, d.geography, d.benchmark)
series_definition = (d.area, d.basis, d.geography, d.benchmark)


def series_figure() -> go.Figure:
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=history["year"],
            y=history["value"],
            name=result["area_name"],
            mode="lines+markers",
            line={"color": render.PALETTE[0]},
            hovertemplate="%{x}: " + formatting.hover(chosen.unit, "y") + "<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=history["year"],
            y=history["benchmark_value"],
            name=result["benchmark_name"],
            mode="lines+markers",
            line={"color": render.PALETTE[1], "dash": "dash"},
            marker={"symbol": "square"},
            hovertemplate="%{x}: " + formatting.hover(chosen.unit, "y") + "<extra></extra>",
        )
    )
    fig.update_xaxes(title_text="Year")
    fig.update_yaxes(**formatting.axis(chosen.unit))
    return fig


def gap_bars_figure() -> go.Figure:
    fig = go.Figure(
        go.Bar(
            x=history["year"],
            y=history["gap_pct"],
            text=[formatting.percent(v, signed=True) for v in history["gap_pct"]],
            textposition="outside",
            cliponaxis=False,
            textfont={"color": "#111111"},
            marker={"color": [render.PALETTE[5] if v < 0 else render.PALETTE[0] for v in history["gap_pct"]]},
        )
    )
    fig.update_xaxes(title_text="Year")
    fig.update_yaxes(ticksuffix="%")
    return fig


render.chart(
    series_figure,
    cache=series_definition,
    title=f"{chosen.label}: {result['area_name']} and {result['benchmark_name']}",
    subtitle=f"{chosen.unit}, current prices · {d.geography.replace('-', ' ')} areas",
    y_title=chosen.unit,
    source=measures.source(measures.BASIS_MEASURE[d.basis]),
    key="gap-series",
    table=history,
)
render.chart(
    gap_bars_figure,
    cache=series_definition,
    title=f"{result['area_name']}: gap (%) against {result['benchmark_name']}",
    subtitle=d.label,
    y_title="% (negative = below)",
    source=measures.source(measures.BASIS_MEASURE[d.basis]),
    key="gap-pct-series",
    table=history,
)
