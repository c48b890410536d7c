"""Data and methods: the indicator catalogue, the releases read, full downloads and the methods text."""

import streamlit as st

from indicators.views import data_and_methods as views
from ui import render, state

state.ensure_frame()  # a deep link on a fresh server can run this file without app.py: rerun through the frame
st.title("Data and methods")
st.markdown(views.INTRO)

st.header("Indicator catalogue")
indicators = views.catalogue()
st.caption(views.catalogue_caption(indicators))
names = views.indicator_names()
st.dataframe(
    indicators,
    hide_index=True,
    width="stretch",
    key="catalog-table",
    placeholder="",
    column_config={
        "indicator_id": st.column_config.TextColumn("Indicator ID"),
        "name": st.column_config.TextColumn("Name", width="medium"),
        "unit": st.column_config.SelectboxColumn("Unit", options=views.units(indicators), format_func=views.unit_label),
        "polarity": st.column_config.SelectboxColumn(
            "Polarity", options=list(views.POLARITY), format_func=views.POLARITY.get
        ),
        "definition": st.column_config.TextColumn("Definition", width="large"),
        "period_type": st.column_config.SelectboxColumn(
            "Period", options=list(views.PERIOD_TYPES), format_func=views.PERIOD_TYPES.get
        ),
        "caveats": st.column_config.TextColumn("Caveats", width="large"),
        "topic": st.column_config.TextColumn("Topic"),
        "source_id": st.column_config.TextColumn("Source ID"),
        "publisher": st.column_config.TextColumn("Publisher"),
        "source_title": st.column_config.TextColumn("Source title", width="medium"),
        "release": st.column_config.TextColumn("Release", width="medium"),
        "release_date": st.column_config.TextColumn("Release date"),
        "vintage": st.column_config.TextColumn("Vintage"),
        "licence": st.column_config.TextColumn("Licence"),
    },
)
render.downloads(
    indicators,
    "indicator-catalogue",
    "catalog-table",
    title="Indicator catalogue",
    definition="Every indicator in the dashboard: definition, unit, polarity, source release, vintage, "
    "caveats and licence.",
    source="The official releases listed under Data and methods.",
)

st.header("Whole-place indicators (ONS Subnational indicators)")
st.caption(views.workbook_caption())
render.lazy_table(
    "Table: every whole-place indicator",
    "place-catalogue",
    views.place_catalogue,
    "whole-place-indicators",
    title="Whole-place indicators",
    source="ONS, Subnational indicators explorer, ninth release (21 March 2024)",
)
st.dataframe(
    views.sheets_not_loaded(),
    hide_index=True,
    width="stretch",
    key="place-sheets",
    placeholder="",
    column_config={"sheet": "Sheet not loaded", "reason": "Why"},
)

st.header("Official releases read (provenance)")
releases = views.releases()
st.dataframe(
    releases,
    hide_index=True,
    width="stretch",
    key="sources-table",
    placeholder="",
    column_config={
        "source_id": st.column_config.TextColumn("Source ID"),
        "publisher": st.column_config.TextColumn("Publisher"),
        "title": st.column_config.TextColumn("Title", width="medium"),
        "release": st.column_config.TextColumn("Release", width="medium"),
        "release_date": st.column_config.TextColumn("Release date"),
        "vintage": st.column_config.TextColumn("Vintage"),
        "raw_files": st.column_config.TextColumn("Files read"),
        "licence": st.column_config.TextColumn("Licence"),
        "url": st.column_config.LinkColumn("Address (URL)"),
        "notes": st.column_config.TextColumn("Notes", width="large"),
    },
)
render.downloads(
    releases,
    "sources",
    "sources-table",
    title="Official releases read (provenance)",
    definition="One row per release the project's extraction code reads.",
    source="The releases listed in the table.",
)

st.header("Open data package")
for paragraph in views.open_data_package():
    st.markdown(paragraph)

st.header("Full download of one indicator")
ids = views.indicator_ids()
state.page_param("indicator", ids, views.default_indicator(ids), widget_key="data_indicator")
state.show_notices()
chosen = st.selectbox("Indicator", ids, key="data_indicator", format_func=lambda i: names.get(i, i))
render.sync_param("indicator", chosen)
try:
    shown = views.download(chosen)
except ValueError as problem:
    st.warning(str(problem))
    st.stop()
entry, unit, full = shown["entry"], shown["unit"], shown["observations"]
st.markdown(shown["heading"])
st.caption(shown["caption"])
observations_table = st.expander(
    f"Table: every observation of {entry['name']}", key="full-table-open", on_change="rerun"
)
if observations_table.open:  # built only once opened: thousands of rows cost every rerun otherwise
    observations_table.dataframe(
        full,
        hide_index=True,
        width="stretch",
        key="full-table",
        placeholder="",
        column_config={
            "area_code": st.column_config.TextColumn("ONS area code"),
            "area_name": st.column_config.TextColumn("Area"),
            "indicator_id": st.column_config.TextColumn("Indicator ID"),
            "period": st.column_config.TextColumn("Period"),
            "value": st.column_config.NumberColumn(
                f"Value ({unit})", format="localized", step=10 ** -shown["decimals"]
            ),
            "unit": st.column_config.SelectboxColumn("Unit", options=shown["units"], format_func=views.unit_label),
            "source_id": st.column_config.TextColumn("Source ID"),
        },
    )
render.downloads(
    full,
    f"{chosen}-all-observations",
    "full-table",
    title=f"{entry['name']}: every observation",
    definition=entry["definition"],
    unit=entry["unit"],
    source=f"{entry['publisher']}, {entry['release']} (vintage {entry['vintage']})",
    licence=entry["licence"],
    note=f"Caveats: {entry['caveats']}",
)

st.header("Published first: where each figure comes from")
st.markdown(views.PUBLISHED_FIRST)
st.header("Reconciliation: derived beside published")
st.caption(
    "Every published figure is also derived from its members at build time and the two compared. The build "
    "fails if a fully covered derivation falls outside its measure's tolerance, unless the data show a structural "
    "cause: a boundary that splits councils (its published population differs from its councils'), or published "
    "hours or jobs that include some not allocated to councils (Northern Ireland)."
)
summary = views.reconciliation_summary()
coverage = views.coverage_summary()
measures = st.column_config.SelectboxColumn(
    "Measure", options=views.measure_options(names), format_func=lambda m: views.measure_name(names, m)
)
levels = st.column_config.SelectboxColumn("Level", options=sorted(views.LEVELS), format_func=views.level_text)
st.dataframe(
    summary,
    hide_index=True,
    width="stretch",
    key="reconciliation-summary",
    placeholder="",
    column_config={
        "measure_id": measures,
        "level": levels,
        "compared": st.column_config.NumberColumn("Published figures compared"),
        "checked": st.column_config.NumberColumn("Checked against the tolerance"),
        "largest_difference_pct": st.column_config.NumberColumn(
            "Largest difference (%)", format="%.3f%%", help="Empty where no figure was checked"
        ),
        "tolerance_pct": st.column_config.NumberColumn("Tolerance (±%)", format="%.1f%%"),
        "above_0_1_pct": st.column_config.NumberColumn("Checked, differing by more than 0.1%"),
        "explained": st.column_config.NumberColumn("Differing for a structural reason"),
        "partial": st.column_config.NumberColumn("Resting on partial coverage"),
    },
)
render.lazy_table(
    "Table: every published figure beside its derivation",
    "reconciliation",
    views.reconciliation_table,
    "reconciliation",
)
st.header("Coverage: figures resting on fewer members than they name")
st.caption(
    "A derived figure counts its members; where some have no figure (e.g. Northern Ireland's councils have no "
    "2023 population in the council file; council tax receipts are for England only) the figure carries a note "
    "naming them, wherever it is shown."
)
st.dataframe(
    coverage,
    hide_index=True,
    width="stretch",
    key="coverage-summary",
    placeholder="",
    column_config={
        "measure_id": measures,
        "level": levels,
        "figures": st.column_config.NumberColumn("Figures"),
        "partial": st.column_config.NumberColumn("Resting on partial coverage"),
        "fewest_members": st.column_config.NumberColumn("Fewest members with data"),
        "periods": st.column_config.TextColumn("Periods affected", width="large"),
    },
)
render.lazy_table("Table: every figure with partial coverage", "coverage", views.coverage_table, "coverage")

st.header("Methods")
for paragraph in views.methods():
    st.markdown(paragraph)
