"""Case studies: the Core Cities' Whole Place Leadership examples, filtered by city and policy area."""

import streamlit as st

from indicators.views import case_studies as view
from ui import render, state

state.ensure_frame()  # a deep link on a fresh server can run this file without app.py: rerun through the frame
st.title("Case studies")
st.markdown(view.intro())

all_cities, all_areas = view.filters()
state.page_list_param(
    "cities",
    all_cities,
    [],
    "case_cities",
    limit=None,
    trim=True,
    notice="Ignored the link's unknown cities: {rejected}.",
)
state.page_list_param(
    "policy",
    all_areas,
    [],
    "case_areas",
    limit=None,
    trim=True,
    notice="Ignored the link's unknown policy areas: {rejected}.",
)

left, right = st.columns(2)
cities = left.multiselect("City", all_cities, key="case_cities", placeholder="All cities")
areas = right.multiselect("Policy area", all_areas, key="case_areas", placeholder="All policy areas")
render.sync_param("cities", ",".join(cities))
render.sync_param("policy", ",".join(areas))

try:
    shown = view.matching(cities, areas)
except ValueError as problem:
    st.warning(f"Those filters can't be applied: {problem}")
    st.stop()

st.header(shown.heading)
st.markdown(shown.showing)
if shown.none_found:
    st.info(shown.none_found, icon="ℹ️")
for card in shown.cards:
    with st.container(border=True):
        st.markdown(f"### {card.project}")
        st.caption(card.where)
        st.markdown(card.figures)

with st.expander("Table: case studies shown"):
    st.dataframe(
        shown.table,
        hide_index=True,
        width="stretch",
        key="case-table",
        placeholder="",
        column_order=["city", "project", "policy_area", "featured_figures"],
        column_config={
            "city": st.column_config.TextColumn("City"),
            "project": st.column_config.TextColumn("Project", width="medium"),
            "policy_area": st.column_config.TextColumn("Policy area", width="medium"),
            "featured_figures": st.column_config.TextColumn("Featured figures (as published)", width="large"),
            "case_id": st.column_config.TextColumn("Case study ID"),
            "source_id": st.column_config.TextColumn("Source ID"),
        },
    )
    render.downloads(shown.table, "case-studies", "case-table", meta=shown.download)
st.caption(shown.source)
