"""Case studies: the Core Cities' Whole Place Leadership examples, filtered by city and policy area."""

import streamlit as st

from indicators.data import case_studies as cases
from indicators.domain import formatting
from ui import render, state

state.ensure_frame()  # a deep link on a fresh server can run this file without app.py: rerun through the frame
st.title("Case studies")
publication = cases.source()
st.markdown(
    f"Examples of place-based working from **{publication.get('title', 'Whole Place Leadership')}** "
    f"({publication.get('publisher', 'Core Cities UK')}, {publication.get('release_date', '2016')}). These are quoted "
    "from the publication with attribution; they are not official statistics and the project has not verified them."
)

all_cities, all_areas = cases.cities_with_case_studies(), cases.policy_areas_list()
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
    found = cases.case_studies(cities, areas)
except ValueError as problem:
    st.warning(f"Those filters can't be applied: {problem}")
    st.stop()

st.header(f"{formatting.number(len(found))} case stud{'y' if len(found) == 1 else 'ies'}")
st.markdown(
    f"Showing {', '.join(cities) if cities else 'all cities'}; {', '.join(areas) if areas else 'all policy areas'}."
)
if found.empty:
    st.info("No case study matches both filters; remove one to see more.", icon="ℹ️")
for row in found.to_dict("records"):
    with st.container(border=True):
        st.markdown(f"### {row['project']}")
        st.caption(f"{row['city']} · {row['policy_area']}")
        figures = cases.featured_figures(row["featured_figures"])
        if figures:
            st.markdown("**Featured figures (as published):**\n" + "\n".join(f"- {f}" for f in figures))
        else:
            st.markdown("*The publication gives no figures for this example.*")

with st.expander("Table: case studies shown"):
    st.dataframe(
        found,
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
    render.downloads(
        found,
        "case-studies",
        "case-table",
        title="Case studies of place-based working",
        definition="Examples quoted from the publication with attribution; not official statistics, not "
        "verified by the project.",
        period=str(publication.get("release_date", "")),
        source=f"{publication.get('publisher', '')}, {publication.get('title', '')}",
        licence=publication.get("licence", ""),
    )
st.caption(
    f"Source: {publication.get('publisher', '')}, {publication.get('title', '')} "
    f"({publication.get('release', '')}). Licence: {publication.get('licence', '')}."
)
