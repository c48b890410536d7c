"""Compare: up to ten areas on any measure — ranking, time series, scatter of two measures, distribution of all LAs."""

import plotly.graph_objects as go
import streamlit as st

from indicators import measures
from indicators.domain import formatting
from indicators.exports import figures
from ui import render, state

d = state.current()
st.title("Compare areas")
OPTIONS = measures.available("lad")
AREAS = state.area_options()
PRESETS = {**measures.PEER_PRESETS, "custom": "Custom selection"}
BASIS_MEASURE = measures.BASIS_MEASURE[d.basis]
if d.geography == "city-region":
    st.caption(
        "Compare ranks council areas against every UK council, so the sidebar's city-region geography does not "
        "apply here; the Overview, City profile and the gap pages show city regions."
    )

c1, c2, c3 = st.columns(3)
if st.session_state.get("_cmp_basis") not in (None, d.basis):
    st.session_state["cmp_measure"] = BASIS_MEASURE  # the measure follows the sidebar's basis when that changes
st.session_state["_cmp_basis"] = d.basis
state.page_param("measure", list(OPTIONS), BASIS_MEASURE, widget_key="cmp_measure")
state.page_param(
    "xmeasure",
    list(OPTIONS),
    measures.SCATTER_PARTNER.get(st.session_state["cmp_measure"], "gva_per_head"),
    widget_key="cmp_xmeasure",
)
state.page_param("preset", list(PRESETS), "core", widget_key="cmp_preset")
measure_id = c1.selectbox("Measure", list(OPTIONS), format_func=OPTIONS.get, key="cmp_measure")
x_measure = c2.selectbox("Scatter: compare with", list(OPTIONS), format_func=OPTIONS.get, key="cmp_xmeasure")
preset = c3.selectbox(
    "Peer group",
    list(PRESETS),
    format_func=PRESETS.get,
    key="cmp_preset",
    help=f"Built around the area chosen in the sidebar ({AREAS.get(d.area, d.area)}).",
)
try:
    preset_areas = measures.peers(d.area, preset) if preset != "custom" else []
except ValueError as problem:
    st.warning(str(problem))
    preset_areas = measures.peers(d.area, "core")
if st.session_state.get("_cmp_last_preset") not in (None, preset) and preset != "custom":
    st.session_state["cmp_areas"] = preset_areas  # a new preset replaces the selection
st.session_state["_cmp_last_preset"] = preset
state.page_list_param("areas", list(AREAS), preset_areas or measures.peers(d.area, "core"), "cmp_areas")
areas = st.multiselect(
    "Areas (up to 10)",
    list(AREAS),
    format_func=lambda c: f"{AREAS[c]} ({c})",
    key="cmp_areas",
    max_selections=10,
    filter_mode="contains",
    on_change=lambda: st.session_state.update(cmp_preset="custom"),
)  # a hand-made pick is custom
for param, value in (("measure", measure_id), ("xmeasure", x_measure), ("preset", preset), ("areas", ",".join(areas))):
    render.sync_param(param, value)
if not areas:
    st.info("Choose at least one area.")
    st.stop()

m, mx = measures.measure(measure_id), measures.measure(x_measure)
names = {code: measures.city_name(code) for code in areas}
source = measures.source(measure_id)

# 1. ranking
ranked = measures.ranking(measure_id, d.year, "lad", areas)
period = ranked["period"].iloc[0] if len(ranked) else d.year
depends = (measure_id, x_measure, tuple(areas), d.year)  # everything the figures below are drawn from


def ranking_figure() -> go.Figure:
    labels = [f"{names[c]} (rank {r})" for c, r in zip(ranked["area_code"], ranked["rank"])]  # the bar keeps the value
    fig = go.Figure(
        go.Bar(
            y=labels,
            x=ranked["value"],
            orientation="h",
            marker={
                "color": [render.HIGHLIGHT if c else render.PALETTE[0] for c in ranked["is_core_city"]],
                "pattern": {"shape": ["/" if c else "" for c in ranked["is_core_city"]]},
            },
            text=[formatting.headline(v, m.unit) for v in ranked["value"]],
            textposition="outside",
            cliponaxis=False,
            textfont={"color": "#111111"},
            hovertemplate="%{y}: " + formatting.hover(m.unit) + "<extra></extra>",
        )
    )
    fig.update_layout(yaxis={"autorange": "reversed"}, height=120 + 40 * len(ranked), margin={"r": 10})
    fig.update_xaxes(
        title_text=formatting.unit_label(m.unit),
        range=[0, ranked["value"].max() * 1.3],  # room for the labels
        **formatting.axis(m.unit),
    )
    return fig


render.chart(
    ranking_figure,
    cache=depends,
    title=f"{m.name}: ranking of the chosen areas",
    subtitle=f"{period} · rank among all "
    f"{ranked['out_of'].iloc[0] if len(ranked) else ''} UK local authorities, best first · Core Cities hatched",
    source=source,
    key="cmp-rank",
    note=measures.coverage_caption(ranked),
    table=ranked[
        ["rank", "out_of", "area_code", "area_name", "is_core_city", "period", "value", "method", "coverage_note"]
    ],
)

# 2. time series
history = measures.series(measure_id, areas, "lad")


def series_figure() -> go.Figure:
    fig = go.Figure()
    for i, (code, group) in enumerate(history.groupby("area_code", sort=False)):
        fig.add_trace(
            go.Scatter(
                x=group["year"],
                y=group["value"],
                mode="lines+markers",
                name=names.get(code, code),
                line={
                    "color": render.PALETTE[i % len(render.PALETTE)],
                    "dash": ["solid", "dash", "dot", "dashdot"][i % 4],
                },
                marker={"symbol": ["circle", "square", "diamond", "triangle-up", "x"][i % 5]},
            )
        )
    fig.update_xaxes(title_text="Year")
    return fig


if history["year"].nunique() > 1:
    render.chart(
        series_figure,
        cache=depends,
        title=f"{m.name} over time",
        subtitle="each line one area (line style and marker differ)",
        source=source,
        key="cmp-series",
        y_title=m.unit,
        table=history,
    )
else:
    st.info(f"{m.name} has a single period ({history['period'].iloc[0] if len(history) else 'none'}): no time series.")


# 3. scatter
def scatter_figure() -> go.Figure:
    chosen = both["area_code"].isin(areas)
    scatter_hover = (
        "%{text}<br>"
        + mx.name
        + ": "
        + formatting.hover(mx.unit, "x")
        + "<br>"
        + m.name
        + ": "
        + formatting.hover(m.unit, "y")
        + "<extra></extra>"
    )
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=both.loc[~chosen, "x"],
            y=both.loc[~chosen, "y"],
            mode="markers",
            name="Other local authorities",
            text=both.loc[~chosen, "area_name"],
            marker={"color": render.MUTED, "size": 6, "opacity": 0.6},
            hovertemplate=scatter_hover,
        )
    )
    fig.add_trace(
        go.Scatter(
            x=both.loc[chosen, "x"],
            y=both.loc[chosen, "y"],
            mode="markers+text",
            name="Chosen areas",
            text=[names.get(c, c) for c in both.loc[chosen, "area_code"]],
            textposition="top center",
            textfont={"color": "#111111", "shadow": figures.HALO},
            marker={"color": render.HIGHLIGHT, "size": 11, "symbol": "diamond"},
            hovertemplate=scatter_hover,
        )
    )
    fig.update_xaxes(title_text=f"{mx.name} ({formatting.unit_label(mx.unit)})", **formatting.axis(mx.unit))
    fig.update_yaxes(**formatting.axis(m.unit))
    if set_aside:  # one extreme area would squash every other point into a corner
        fig.update_xaxes(range=figures.padded_range(x_range.low, x_range.high))
        fig.update_yaxes(range=figures.padded_range(y_range.low, y_range.high))
    return fig


if x_measure == measure_id:
    st.info(f"Choose a measure other than {m.name} under 'Scatter: compare with' to see the two against each other.")
else:
    both = measures.pair(x_measure, measure_id, d.year, "lad")
    x_range, y_range = (figures.colour_range(both[axis], both["area_name"]) for axis in ("x", "y"))
    set_aside = sorted({name for scale in (x_range, y_range) for name, _ in scale.beyond})
    periods = f"{both['x_period'].iloc[0]} and {both['y_period'].iloc[0]}" if len(both) else ""
    render.chart(
        scatter_figure,
        cache=depends,
        title=f"{m.name} against {mx.name}",
        subtitle=f"every UK local authority · {periods}",
        source=measures.source(x_measure, measure_id),
        key="cmp-scatter",
        y_title=f"{m.name} ({formatting.unit_label(m.unit)})",
        table=both,
        note=(
            f"Axes stop short of {', '.join(set_aside)}, far from the other areas (see the table)."
            if set_aside
            else None
        ),
    )

# 4. distribution
dist = measures.distribution(measure_id, d.year, "lad")
table = dist["table"]
spread = figures.colour_range(table["value"], table["area_name"])


def distribution_figure() -> go.Figure:
    marked = table[table["area_code"].isin(areas)]
    marked_names = [names.get(c, c) for c in marked["area_code"]]
    fig = go.Figure()
    fig.add_trace(
        go.Box(
            x=table["value"],
            name="All LAs",
            boxpoints="all",
            jitter=0.4,
            pointpos=0,
            text=table["area_name"],
            marker={"color": render.MUTED, "size": 4},
            line={"color": render.PALETTE[0]},
            hovertemplate="%{text}: " + formatting.hover(m.unit) + "<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=marked["value"],
            y=["All LAs"] * len(marked),
            mode="markers+text",
            name="Chosen areas",
            text=marked_names,
            textposition=figures.label_sides(
                marked["value"].tolist(), [0] * len(marked), marked_names, *figures.strip_label_size(table["value"])
            ),
            textfont={"color": "#111111", "shadow": figures.HALO},
            marker={"color": render.HIGHLIGHT, "size": 12, "symbol": "diamond"},
        )
    )
    fig.update_xaxes(title_text=formatting.unit_label(m.unit), **formatting.axis(m.unit))
    fig.update_layout(height=360)
    if spread.beyond:
        fig.update_xaxes(range=figures.padded_range(spread.low, spread.high))
    return fig


render.chart(
    distribution_figure,
    cache=depends,
    title=f"{m.name}: where the chosen areas sit among all {dist['count']} local authorities",
    subtitle=f"{period} · median {formatting.value(dist['median'], m.unit)}; middle half "
    f"{formatting.value(dist['q1'], m.unit)} to {formatting.value(dist['q3'], m.unit)}",
    source=source,
    key="cmp-dist",
    table=table,
    note=(
        f"The axis stops short of {', '.join(name for name, _ in spread.beyond)}, far from the other areas "
        "(see the table)."
        if spread.beyond
        else None
    ),
)
render.how_calculated(measures.provenance(measure_id), "cmp-how")
