"""Map: any measure for every local authority, the ten Core City regions or the ITL1 regions; click an area for its
profile."""

import streamlit as st

from indicators.views import map as view
from ui import render, state

d = state.current()
st.title("Map")

left, right = st.columns([1, 2])
level = state.page_param("level", list(view.LEVELS), "lad", widget_key="map_level")
level = left.radio("Areas", list(view.LEVELS), format_func=view.LEVELS.get, key="map_level", horizontal=False)
options = view.measure_options(level)
state.page_param("measure", list(options), "gva_per_hour", widget_key="map_measure")
if st.session_state["map_measure"] not in options:
    known = view.local_authority_measure(st.session_state["map_measure"])
    st.info(
        f"{known} is published for local authorities only; showing GVA per hour worked."
        if known
        else f"Ignored the measure {state.shown(st.session_state['map_measure'])}: not a valid choice; showing GVA per "
        "hour worked."
    )
    st.session_state["map_measure"] = "gva_per_hour"
measure_id = right.selectbox("Measure", list(options), format_func=options.get, key="map_measure")
render.sync_param("level", level)
render.sync_param("measure", measure_id)

try:
    shown = view.measure_map(measure_id, d.year, level)
except ValueError as problem:
    st.warning(str(problem))
    st.stop()
if shown.nearest_year:
    st.info(shown.nearest_year)
event = render.chart(**shown.chart.args(), key="map-choropleth", on_select="rerun")
target, notice = view.clicked_profile(event)
if target:
    state.open_profile(target)
elif notice:
    st.info(notice)

render.how_calculated(view.provenance(measure_id), "map-how")
