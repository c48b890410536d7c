"""Overview: the headline gaps on the current definitions beside what was claimed, a UK map and a sentence per city."""

import streamlit as st

from indicators.views import overview
from ui import render, state

d = state.current()
st.title("Core Cities at a glance")
st.caption(f"Definition: {state.definition_label(d)}. Change it in the sidebar; every figure below follows.")

headline = overview.headline(d)
if headline.problem:
    st.warning(headline.problem)
left, middle, right = st.columns(3)
if headline.gap and headline.shortfalls:
    left.metric(headline.gap.label, headline.gap.value, help=headline.gap.help, border=True)
    middle.metric(headline.shortfalls.label, headline.shortfalls.value, help=headline.shortfalls.help, border=True)
    if headline.claimed:
        left.caption(headline.claimed)
    middle.caption(headline.method)
if headline.provenance:
    render.how_calculated(headline.provenance, "overview-gap")

st.header("Where the ten cities are")
render.chart(**overview.uk_map(d).args(), key="overview-map")

# The tax-spend tile (top right) is filled after the map, so the first chart is never kept waiting for it.
tax_tile, tax_notes = overview.tax_spend(d)
right.metric(tax_tile.label, tax_tile.value, help=tax_tile.help, border=True)
for note in tax_notes:
    right.caption(note)

st.header("One sentence per city")
caption, lines = overview.city_lines(d, state.benchmark_label(d.benchmark))
st.caption(caption)
st.markdown(lines)
