"""Data and methods: the indicator catalogue, the releases read, full downloads and the methods text."""

import streamlit as st

from indicators import aggregates, catalog, fiscal, international, productivity
from indicators import reference_views as views
from ui import render, state

state.ensure_frame()  # a deep link on a fresh server can run this file without app.py: rerun through the frame
st.title("Data and methods")
st.markdown(
    "Every figure in the dashboard comes from the official releases listed here, read by the project's own extraction "
    "code. Licence: Open Government Licence v3.0 (ONS, HM Treasury, HMRC, DLUHC); Eurostat data reused under Commission "
    "Decision 2011/833/EU; Contains OS data © Crown copyright and database right 2023."
)

st.header("Indicator catalogue")
indicators = catalog.catalog()
st.caption(f"{len(indicators)} indicators: definition, unit, polarity, source release, vintage, caveats and licence.")
st.dataframe(indicators, hide_index=True, width="stretch", key="catalog-table", column_config={
    "definition": st.column_config.TextColumn("definition", width="large"),
    "caveats": st.column_config.TextColumn("caveats", width="large")})
render.downloads(indicators, "indicator-catalogue", "catalog-table")

st.header("Official releases read (provenance)")
releases = catalog.sources()
st.dataframe(releases, hide_index=True, width="stretch", key="sources-table")
render.downloads(releases, "sources", "sources-table")

st.header("Full download of one indicator")
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

st.header("Published first: where each figure comes from")
st.markdown(
    "Wherever a release publishes a figure, that is the figure shown: the UK (less Extra-Regio), England, the nations and "
    "ITL regions, ONS's city regions, and any area made of exactly the same councils as one of those (an ITL3 region that "
    "is a single council, an ITL2 region that is a combined authority). Only where no release publishes it is a figure "
    "derived, once, when the warehouse is built: Σ numerator ÷ Σ denominator over the area's members (a sum for totals), "
    "and then it says so — *derived from N of M councils* — in tooltips, tables, downloads, the command line and briefing "
    "footers. An area and its benchmark are always compared in the same period of the same release; a later release "
    "(e.g. the June 2025 combined-authority productivity file) is noted beside a figure, never mixed into it.")
st.header("Reconciliation: derived beside published")
st.caption("Every published figure is also derived from its members at build time and the two compared. The build "
           "fails if a fully covered derivation falls outside its measure's tolerance, unless the data show a structural "
           "cause: a boundary that splits councils (its published population differs from its councils'), or published "
           "hours or jobs that include some not allocated to councils (Northern Ireland).")
summary = aggregates.reconciliation_summary()
st.dataframe(summary, hide_index=True, width="stretch", key="reconciliation-summary", column_config={
    "largest_difference_pct": st.column_config.NumberColumn("largest difference (%)", format="%.3f"),
    "tolerance_pct": st.column_config.NumberColumn("tolerance (±%)", format="%.1f"),
    "above_0_1_pct": st.column_config.NumberColumn("checked, differing by more than 0.1%")})
render.lazy_table("Table: every published figure beside its derivation", "reconciliation", aggregates.reconciliation,
                  "reconciliation")
st.header("Coverage: figures resting on fewer members than they name")
st.caption("A derived figure counts its members; where some have no figure (e.g. Northern Ireland's councils have no "
           "2023 population in the council file; council tax receipts are for England only) the figure carries a note "
           "naming them, wherever it is shown.")
st.dataframe(aggregates.coverage_summary(), hide_index=True, width="stretch", key="coverage-summary")
render.lazy_table("Table: every figure with partial coverage", "coverage", aggregates.coverage, "coverage")

st.header("Methods")
st.markdown("**Productivity bases.** ONS's published figure wherever one exists; otherwise an aggregate (a city region, "
            "the Core Cities, the UK excluding London) is total GVA of its members divided by their total denominator, "
            "within one release.")
st.markdown("\n".join(f"- **{b.label}** ({b.unit}): {b.formula}" for b in productivity.BASES.values()))
method = fiscal.method()
st.markdown(f"**Tax and spend ({method['label'].lower()}s).** {method['summary']} {method['formula']} "
            f"{method['sign_convention']} {method['population']} {method['north_sea']} {method['expenditure']} "
            f"{method['years']} {method['aggregates']} Caveats: {method['caveats']}")
st.markdown(f"**European comparison.** {international.LIMITS}")
st.markdown("**Claims check.** Each claim is tested on the period it describes (the latest data available when it was "
            "made) against a primary definition chosen, with its reason, before the result was known; it holds if "
            "that figure is within ±10% of the claim. The range over every other definition for that period, and on "
            "how many of them it would hold, are shown beside it; later data are context only. European claims are "
            "converted at the European Central Bank's annual average rate for the data year.")
