"""Overview: the headline gaps on the current definitions beside what was claimed, a UK map and a sentence per city."""

import plotly.graph_objects as go
import streamlit as st

from indicators import fiscal, measures, productivity
from indicators.data import geography
from indicators.domain import formatting
from indicators.exports import figures
from ui import render, state

d = state.current()
st.title("Core Cities at a glance")
st.caption(f"Definition: {d.label}. Change it in the sidebar; every figure below follows.")

MEASURE = measures.BASIS_MEASURE[d.basis]
try:
    headline = measures.headline_productivity(d.basis, d.geography, d.benchmark, d.year)
except ValueError as problem:
    st.warning(f"The productivity gap can't be shown on this definition: {problem}")
    headline = None
claim_productivity = measures.claimed("cc_productivity_gap")
claim_fiscal = measures.claimed("cc_tax_spend_gap")

left, middle, right = st.columns(3)
if headline:
    left.metric(
        f"Productivity gap, {headline['year']}",
        formatting.gbp_bn(headline["gap_gbp_bn"]) + " a year",
        help="Net, £bn a year: " + headline["net_gap_gbp_note"],
        border=True,
    )
    middle.metric(
        f"Sum of city shortfalls, {headline['year']}",
        formatting.gbp_bn(headline["sum_of_shortfalls_gbp_bn"]) + " a year",
        help="The shortfalls of the cities below the benchmark, added up (£bn a year): "
        + headline["sum_of_shortfalls_note"],
        border=True,
    )
    if claim_productivity:
        left.caption(
            f"As claimed: {formatting.gbp_bn(claim_productivity['value'])} a year "
            f"({claim_productivity['publication']}). "
            f"Here: {productivity.BASES[d.basis].label}, {d.geography.replace('-', ' ')} areas vs "
            f"{headline['benchmark_name']}; positive = below the benchmark."
        )
    middle.caption(
        f"Core Cities: {headline['method']}. {headline['benchmark_name']}: {headline['benchmark_method']}."
        + (f" {headline['coverage_note']}." if headline["coverage_note"] else "")
    )
if headline:
    render.how_calculated(headline["provenance"], "overview-gap")

st.header("Where the ten cities are")
values = measures.marked_values(MEASURE, d.year, "lad")
m = measures.measure(MEASURE)
scale = figures.colour_range(values["value"], values["area_name"])


def map_figure() -> go.Figure:
    fig = figures.area_map(
        values,
        geojson=geography.boundaries_url("lad"),
        name=m.name,
        unit=m.unit,
        colorscale="cividis_r" if m.polarity == "lower_is_better" else "cividis",
        scale=scale,
        outlined=measures.core_city_values(MEASURE, d.year, "lad")["area_code"].tolist(),
        chosen=d.area,
    )
    fig.add_trace(figures.map_labels(measures.core_city_points(MEASURE, d.year), name="Core City", hoverinfo="skip"))
    return fig


period = values["period"].iloc[0] if len(values) else d.year
render.chart(
    map_figure,
    cache=(MEASURE, d.year, d.area),
    title=f"{m.name} by local authority, Core Cities outlined",
    subtitle=f"{m.unit} · {period}",
    source=measures.source(MEASURE),
    key="overview-map",
    note=" ".join(
        filter(
            None,
            [
                measures.coverage_caption(values),
                figures.colour_range_note(scale, m.unit),
                f"{measures.city_name(d.area)}, the area chosen in the sidebar, is outlined in black.",
            ],
        )
    ),
    table=lambda: values[["area_code", "area_name", "core_city", "period", "value", "method", "coverage_note"]].rename(
        columns={"value": f"{m.name} ({m.unit})"}
    ),
)

# The tax-spend tile (top right) is filled after the map, so the first chart is never kept waiting for it.
tax_spend = fiscal.core_cities_gap()
part = tax_spend["councils" if d.geography == "council" else "city_regions"]
right.metric(
    f"Tax-spend gap, {tax_spend['year']} (estimate)",
    formatting.gbp_bn(part["net_balance_gbp_bn"]),
    help=f"Net fiscal balance, £bn. {tax_spend['sign_convention']}",
    border=True,
)
right.caption(
    f"Range over apportionment choices: {formatting.gbp_bn(part['sensitivity']['min_gbp_bn'])} to "
    f"{formatting.gbp_bn(part['sensitivity']['max_gbp_bn'])}."
)
if claim_fiscal:
    right.caption(f"As claimed: {formatting.gbp_bn(claim_fiscal['value'])} a year ({claim_fiscal['publication']}).")

st.header("One sentence per city")
st.caption(
    f"{productivity.BASES[d.basis].label}, {d.geography.replace('-', ' ')} areas, against "
    f"{state.benchmark_label(d.benchmark)}; change since seven years earlier."
)
city_lines = measures.city_sentences(d.geography, d.benchmark, d.basis, d.year)
chosen_lines = (
    []
    if d.area in set(city_lines["lad_code"])
    else measures.sentences(d.area, d.geography, d.benchmark, d.year, measure_ids=(MEASURE,))[:1]
)
st.markdown(
    "\n".join(
        [f"- **{sentence}** (the area chosen in the sidebar)" for sentence in chosen_lines]
        + [
            f"- **{sentence}**" if code == d.area else f"- {sentence}"
            for code, sentence in zip(city_lines["lad_code"], city_lines["sentence"])
        ]
    )
)
