"""Productivity gap: the chosen area's gap on every definition, its decomposition, scenarios and history."""

import streamlit as st

from indicators.views import productivity_gap as view
from ui import render, state

d = state.current()
name = view.area_name(d.area)
label = state.definition_label(d)
st.title(f"Productivity gap: {name}")
st.caption(f"Definition: {label}.")

try:
    found = view.gap(d)
except ValueError as problem:
    st.warning(f"The gap can't be computed on this definition: {problem}")
    st.stop()

for column, tile in zip(st.columns(3), found.tiles):
    styled = render.delta_style(tile.gap, tile.polarity) if tile.delta else {}
    column.metric(tile.label, tile.value, delta=tile.delta, border=True, help=tile.help, **styled)
if found.coverage:
    st.caption(found.coverage)
render.how_calculated(found.provenance, "gap-how")

st.header("The gap on every definition")
grid = view.definitions_grid(d)
if grid:
    render.chart(**grid.args(), key="gap-grid")

st.header("Where the GVA-per-head gap comes from")
try:
    render.chart(**view.waterfall(d).args(), key="gap-waterfall")
except ValueError as problem:
    st.info(str(problem))

st.header("What if the gap closed?")
left, right = st.columns(2)
years_allowed = found.target_years
state.page_param("target", years_allowed, found.default_target, widget_key="gap_target")
state.page_param("window", view.TREND_WINDOWS, 10, widget_key="gap_window")
target = left.slider("Target year", min_value=years_allowed[0], max_value=years_allowed[-1], key="gap_target")
window = right.select_slider("Trend window (years)", options=view.TREND_WINDOWS, key="gap_window")
render.sync_param("target", target)
render.sync_param("window", window)
plan = view.scenario(d, target, window)
if plan.problem:
    st.warning(plan.problem)
else:
    for column, tile in zip(st.columns(3), plan.tiles or []):
        column.metric(tile.label, tile.value, border=True, help=tile.help)
    st.markdown(plan.verdict)
    st.caption(plan.assumptions)

st.header("The gap over time")
levels, gaps = view.history(d, found, label)
render.chart(**levels.args(), key="gap-series")
render.chart(**gaps.args(), key="gap-pct-series")
