"""Compare: up to ten areas on any measure — ranking, time series, scatter of two measures, distribution of all LAs."""

import streamlit as st

from indicators.views import compare as view
from ui import render, state

d = state.current()
st.title("Compare areas")
OPTIONS = view.measure_options()
AREAS = state.area_options()
PRESETS = view.PRESETS
BASIS_MEASURE = view.basis_measure(d.basis)
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
    view.scatter_partner(st.session_state["cmp_measure"]),
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
    preset_areas = view.peers(d.area, preset)
except ValueError as problem:
    st.warning(str(problem))
    preset_areas = view.peers(d.area, "core")
if st.session_state.get("_cmp_last_preset") not in (None, preset) and preset != "custom":
    st.session_state["cmp_areas"] = preset_areas  # a new preset replaces the selection
st.session_state["_cmp_last_preset"] = preset
state.page_list_param("areas", list(AREAS), preset_areas or view.peers(d.area, "core"), "cmp_areas")
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

shown = view.comparison(measure_id, x_measure, areas, d.year)
render.chart(**shown.ranking.args(), key="cmp-rank")
if shown.series:
    render.chart(**shown.series.args(), key="cmp-series")
else:
    st.info(shown.no_series)
if shown.scatter:
    render.chart(**shown.scatter.args(), key="cmp-scatter")
else:
    st.info(shown.no_scatter)
render.chart(**shown.distribution.args(), key="cmp-dist")
render.how_calculated(shown.provenance, "cmp-how")
