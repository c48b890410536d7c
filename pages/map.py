"""Map: any measure for every local authority, the ten Core City regions or the ITL1 regions; click an area for its profile."""

import plotly.graph_objects as go
import streamlit as st

from indicators import measures
from indicators.data import geography
from indicators.exports import figures
from ui import render, state

d = state.current()
st.title("Map")

LEVEL_BOUNDARIES = {"lad": "lad", "city_region": "city_region", "itl1": "itl1"}
left, right = st.columns([1, 2])
level = state.page_param("level", list(measures.LEVELS), "lad", widget_key="map_level")
level = left.radio("Areas", list(measures.LEVELS), format_func=measures.LEVELS.get, key="map_level", horizontal=False)
options = measures.available(level)
state.page_param("measure", list(options), "gva_per_hour", widget_key="map_measure")
if st.session_state["map_measure"] not in options:
    known = measures.available("lad").get(st.session_state["map_measure"])  # None for a value no option offers
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

m = measures.measure(measure_id)
try:
    values = measures.marked_values(measure_id, d.year, level)
except ValueError as problem:
    st.warning(str(problem))
    st.stop()
period = values["period"].iloc[0]
if str(period) != str(d.year):
    st.info(f"{m.name} has no figure for {d.year}; showing {period}, the nearest available.")


scale = figures.colour_range(values["value"], values["area_name"])


def map_figure() -> go.Figure:
    outlined = measures.core_city_values(measure_id, d.year, level)["area_code"].tolist() if level != "itl1" else []
    itl1 = level == "city_region"  # ten city regions alone float in the sea: draw the UK's regions under them
    fig = figures.area_map(
        values,
        geojson=geography.boundaries_url(LEVEL_BOUNDARIES[level]),
        name=m.name,
        unit=m.unit,
        colorscale={"higher_is_better": "cividis", "lower_is_better": "cividis_r"}.get(m.polarity, "viridis"),
        scale=scale,
        outlined=outlined,
        height=700,
        base_geojson=geography.boundaries_url("itl1") if itl1 else None,
        base_codes=measures.label_points("itl1")["area_code"].tolist() if itl1 else (),
    )
    if level != "itl1":
        fig.add_trace(
            figures.map_labels(measures.core_city_points(measure_id, d.year), name="Core City", hoverinfo="skip")
        )
    fig.update_layout(clickmode="event+select")
    return fig


polarity_note = {
    "higher_is_better": "lighter (yellow) is better",
    "lower_is_better": "lighter (yellow) is better (lower)",
    "neutral": "no better or worse",
}[m.polarity]
event = render.chart(
    map_figure,
    cache=(measure_id, d.year, level),
    title=f"{m.name}: {measures.LEVELS[level]}",
    subtitle=f"{m.unit} · {period} · Core Cities outlined",
    source=measures.source(measure_id),
    key="map-choropleth",
    on_select="rerun",
    table=lambda: measures.ranking(measure_id, d.year, level)[
        ["rank", "area_code", "area_name", "is_core_city", "period", "value", "method", "coverage_note"]
    ].rename(columns={"value": f"{m.name} ({m.unit})", "is_core_city": "Core City"}),
    note=f"Colour: {polarity_note}; Core Cities outlined in orange. {figures.colour_range_note(scale, m.unit)} "
    f"{measures.coverage_caption(values, level)} Click an area to open its profile.",
)
points = (event or {}).get("selection", {}).get("points", []) if event else []
if points:
    clicked = points[0].get("location")
    target = measures.city_region_lad(clicked) if clicked else None
    if target:
        state.open_profile(target)
    else:
        st.info(f"{clicked} is a region; profiles are for councils and Core City regions.")

render.how_calculated(measures.provenance(measure_id), "map-how")
