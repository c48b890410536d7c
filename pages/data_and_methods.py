"""Data and methods: the indicator catalogue, the releases read, full downloads and the methods text."""

import streamlit as st

from indicators import claims, fiscal, international, place, productivity
from indicators import reference_views as views
from indicators.data import aggregates, catalog
from indicators.domain import formatting, similarity
from ui import render, state

# How the warehouse's codes read on screen (display only: the data keep the codes, which the downloads carry too)
POLARITY = {"higher_is_better": "higher is better", "lower_is_better": "lower is better", "neutral": "neither"}
PERIOD_TYPES = {
    "snapshot": "single date",
    "calendar_year": "calendar year",
    "financial_year": "financial year",
    "tax_year": "tax year",
}
LEVELS = {
    "uk": "UK",
    "country": "nations",
    "itl1": "ITL1 regions",
    "itl2": "ITL2 regions",
    "itl3": "ITL3 regions",
    "ons_city_region": "ONS city regions",
    "city_region": "Core City regions",
    "combined_authority": "combined authorities",
    "lad": "councils",
    "core_cities": "the Core Cities together",
    "uk_ex_london": "UK excluding London",
}
PLAIN = {  # column -> header, for the tables drawn by render.lazy_table
    "area_code": "ONS area code",
    "area_name": "Area",
    "level": "Level",
    "measure_id": "Measure",
    "period": "Period",
    "published_value": "Published value",
    "derived_value": "Derived value",
    "difference": "Difference",
    "difference_pct": "Difference (%)",
    "tolerance_pct": "Tolerance (±%)",
    "tolerance_reason": "Why that tolerance",
    "members_present": "Members with data",
    "members_expected": "Members named",
    "coverage_complete": "Full coverage",
    "explained": "Difference explained by",
    "checked": "Checked against the tolerance",
    "within_tolerance": "Within the tolerance",
    "published_as": "Published as (ONS code)",
    "method": "How the figure was obtained",
    "councils_present": "Councils with data",
    "councils_expected": "Councils named",
    "coverage_note": "Coverage",
}


def _level(code: str) -> str:
    return LEVELS.get(code, code.replace("_", " "))


def _plain(table_function):
    """A table function whose result has plain-English headers and levels in words (for render.lazy_table)."""

    def plain():
        table = table_function().rename(columns=PLAIN)
        return table.assign(Level=table["Level"].map(_level)) if "Level" in table else table

    return plain


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
names = dict(zip(indicators["indicator_id"], indicators["name"]))
st.dataframe(
    indicators,
    hide_index=True,
    width="stretch",
    key="catalog-table",
    placeholder="",
    column_config={
        "indicator_id": st.column_config.TextColumn("Indicator ID"),
        "name": st.column_config.TextColumn("Name", width="medium"),
        "unit": st.column_config.SelectboxColumn(
            "Unit", options=sorted(indicators["unit"].unique()), format_func=formatting.unit_label
        ),
        "polarity": st.column_config.SelectboxColumn("Polarity", options=list(POLARITY), format_func=POLARITY.get),
        "definition": st.column_config.TextColumn("Definition", width="large"),
        "period_type": st.column_config.SelectboxColumn(
            "Period", options=list(PERIOD_TYPES), format_func=PERIOD_TYPES.get
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
place_catalogue = place.catalogue()
workbook = place.sheets()
st.caption(
    f"{len(place_catalogue)} indicators from {int(workbook['loaded'].sum())} of the {len(workbook)} sheets of "
    "the ninth release, each at the levels ONS publishes it for, with 95% confidence limits where given. "
    "Definitions are the release's data dictionary's; suppressed or unavailable cells are kept as missing with "
    "their marker, never as zero. The sheets not loaded, and why, are listed below."
)
render.lazy_table(
    "Table: every whole-place indicator",
    "place-catalogue",
    place.catalogue_table,
    "whole-place-indicators",
    title="Whole-place indicators",
    source="ONS, Subnational indicators explorer, ninth release (21 March 2024)",
)
st.dataframe(
    workbook.loc[~workbook["loaded"], ["sheet", "reason"]],
    hide_index=True,
    width="stretch",
    key="place-sheets",
    placeholder="",
    column_config={"sheet": "Sheet not loaded", "reason": "Why"},
)

st.header("Official releases read (provenance)")
releases = catalog.sources()
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

st.header("Full download of one indicator")
ids = views.indicator_ids()
default = "gva_per_hour" if "gva_per_hour" in ids else ids[0]
state.page_param("indicator", ids, default, widget_key="data_indicator")
state.show_notices()
chosen = st.selectbox("Indicator", ids, key="data_indicator", format_func=lambda i: names.get(i, i))
render.sync_param("indicator", chosen)
try:
    full = views.full_observations(chosen)
except ValueError as problem:
    st.warning(str(problem))
    st.stop()
entry = indicators[indicators["indicator_id"] == chosen].iloc[0]
unit = formatting.unit_label(entry["unit"])
st.markdown(f"**{entry['name']}** ({unit}; indicator ID {chosen}). {entry['definition']}")
st.caption(
    f"{formatting.number(len(full))} observations · {formatting.number(full['area_code'].nunique())} areas · "
    f"periods {full['period'].min()} to {full['period'].max()} · {entry['publisher']}, {entry['release']} "
    f"(vintage {entry['vintage']}). Caveats: {entry['caveats']}"
)
places = formatting.decimals(entry["unit"], full["value"].dropna().iloc[0] if full["value"].notna().any() else None)
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
            "value": st.column_config.NumberColumn(f"Value ({unit})", format="localized", step=10**-places),
            "unit": st.column_config.SelectboxColumn(
                "Unit", options=sorted(full["unit"].unique()), format_func=formatting.unit_label
            ),
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
st.markdown(
    "Wherever a release publishes a figure, that is the figure shown: the UK (less Extra-Regio), England, the nations and "
    "ITL regions, ONS's city regions, and any area made of exactly the same councils as one of those (an ITL3 region that "
    "is a single council, an ITL2 region that is a combined authority). Only where no release publishes it is a figure "
    "derived, once, when the warehouse is built: Σ numerator ÷ Σ denominator over the area's members (a sum for totals), "
    "and then it says so — *derived from N of M councils* — in tooltips, tables, downloads, the command line and briefing "
    "footers. An area and its benchmark are always compared in the same period of the same release; a later release "
    "(e.g. the June 2025 combined-authority productivity file) is noted beside a figure, never mixed into it."
)
st.header("Reconciliation: derived beside published")
st.caption(
    "Every published figure is also derived from its members at build time and the two compared. The build "
    "fails if a fully covered derivation falls outside its measure's tolerance, unless the data show a structural "
    "cause: a boundary that splits councils (its published population differs from its councils'), or published "
    "hours or jobs that include some not allocated to councils (Northern Ireland)."
)
summary = aggregates.reconciliation_summary()
coverage = aggregates.coverage_summary()
measures = st.column_config.SelectboxColumn(
    "Measure",
    options=sorted({*names, *summary["measure_id"], *coverage["measure_id"]}),
    format_func=lambda m: names.get(m, m.replace("_", " ").capitalize()),
)
levels = st.column_config.SelectboxColumn("Level", options=sorted(LEVELS), format_func=_level)
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
    _plain(aggregates.reconciliation),
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
render.lazy_table("Table: every figure with partial coverage", "coverage", _plain(aggregates.coverage), "coverage")

st.header("Methods")
st.markdown(
    "**Productivity bases.** ONS's published figure wherever one exists; otherwise an aggregate (a city region, "
    "the Core Cities, the UK excluding London) is total GVA of its members divided by their total denominator, "
    "within one release."
)
st.markdown("\n".join(f"- **{b.label}** ({b.unit}): {b.formula}" for b in productivity.BASES.values()))
method = fiscal.method()
st.markdown(
    f"**Tax and spend ({method['label'].lower()}s).** {method['summary']} {method['formula']} "
    f"{method['sign_convention']} {method['population']} {method['north_sea']} {method['expenditure']} "
    f"{method['years']} {method['aggregates']} Caveats: {method['caveats']}"
)
st.markdown(f"**European comparison.** {international.LIMITS}")
st.markdown(
    f"**Statistical neighbours.** {similarity.METHOD} Characteristics and weights: "
    + "; ".join(f"{words} ({weight:g})" for words, weight in similarity.VARIABLES.values())
    + "."
)
st.markdown(
    "**Significantly better or worse.** As in Fingertips: an area is significantly better (or worse) than "
    "the national figure when its 95% confidence interval lies wholly on the better (or worse) side of it; "
    "similar when the interval includes it; not tested when ONS gives no confidence limits. The national "
    "figure is the UK's, Great Britain's, England and Wales's or the nation's, whichever ONS publishes. The "
    "Core Cities and statistical neighbours, which ONS does not publish, are the median of their councils."
)
st.markdown(
    "**Claims check.** Each claim is tested on the period it describes (the latest data available when it was "
    "made) against a primary definition chosen, with its reason, before the result was known; it holds if "
    f"that figure is within ±{claims.TOLERANCE_PCT:g}% of the claim. The range over every other definition "
    "for that period, and on how many of them it would hold, are shown beside it; later data are context "
    "only. European claims are converted at the European Central Bank's annual average rate for the data "
    "year."
)
