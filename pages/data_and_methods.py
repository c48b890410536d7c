"""Data and methods: the indicator catalogue, the releases read, full downloads and the methods text."""

import streamlit as st

from indicators import catalog, fiscal, international, productivity
from indicators import reference_views as views
from ui import render, state

state.ensure_frame()  # a deep link on a fresh server can run this file without app.py: rerun through the frame
st.title("Data and methods")
st.markdown(
    "Every figure in the dashboard comes from the official releases listed here, read by the project's own extraction "
    "code. Licence: Open Government Licence v3.0 (ONS, HM Treasury, HMRC, DLUHC); Eurostat data reused under Commission "
    "Decision 2011/833/EU; Contains OS data © Crown copyright and database right 2023."
)

st.subheader("Indicator catalogue")
indicators = catalog.catalog()
st.caption(f"{len(indicators)} indicators: definition, unit, polarity, source release, vintage, caveats and licence.")
st.dataframe(indicators, hide_index=True, width="stretch", key="catalog-table", column_config={
    "definition": st.column_config.TextColumn("definition", width="large"),
    "caveats": st.column_config.TextColumn("caveats", width="large")})
render.downloads(indicators, "indicator-catalogue", "catalog-table")

st.subheader("Official releases read (provenance)")
releases = catalog.sources()
st.dataframe(releases, hide_index=True, width="stretch", key="sources-table")
render.downloads(releases, "sources", "sources-table")

st.subheader("Full download of one indicator")
ids = views.indicator_ids()
names = dict(zip(indicators["indicator_id"], indicators["name"]))
default = "gva_per_hour" if "gva_per_hour" in ids else ids[0]
state.page_param("indicator", ids, default, widget_key="data_indicator")
state.show_notices()
chosen = st.selectbox("Indicator", ids, key="data_indicator", format_func=lambda i: f"{names.get(i, i)} ({i})")
render.sync_param("indicator", chosen)
try:
    full = views.full_observations(chosen)
except ValueError as problem:
    st.warning(str(problem))
    st.stop()
entry = indicators[indicators["indicator_id"] == chosen].iloc[0]
st.markdown(f"**{entry['name']}** ({entry['unit']}). {entry['definition']}")
st.caption(f"{len(full):,} observations · {full['area_code'].nunique():,} areas · periods "
           f"{full['period'].min()} to {full['period'].max()} · {entry['publisher']}, {entry['release']} "
           f"(vintage {entry['vintage']}). Caveats: {entry['caveats']}")
with st.expander(f"Table: every observation of {chosen}"):
    st.dataframe(full, hide_index=True, width="stretch", key="full-table")
render.downloads(full, f"{chosen}-all-observations", "full-table")

st.subheader("Methods")
st.markdown("**Productivity bases.** Every aggregate (a city region, the Core Cities, the UK, the UK excluding London) is "
            "total GVA of its member councils divided by their total denominator, within one release.")
st.markdown("\n".join(f"- **{b.label}** ({b.unit}): {b.formula}" for b in productivity.BASES.values()))
method = fiscal.method()
st.markdown(f"**Tax and spend ({method['label'].lower()}s).** {method['summary']} {method['formula']} "
            f"{method['sign_convention']} {method['years']} {method['aggregates']} Caveats: {method['caveats']}")
st.markdown(f"**European comparison.** {international.LIMITS}")
st.markdown("**Claims check.** Each published claim is recomputed on every definition the data allow; the closest "
            "definition is reported and a claim 'holds' if that is within 10% of it.")
