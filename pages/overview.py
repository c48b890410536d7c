"""Overview: the headline gaps on the current definitions beside what was claimed, a UK map and a sentence per city."""

import plotly.graph_objects as go
import streamlit as st

from indicators import figures, fiscal, geography, measures, productivity
from ui import render, state

d = state.current()
st.title("Core Cities at a glance")
st.caption(f"Definition: {d.label}. Change it in the sidebar; every figure below follows.")

MEASURE = measures.BASIS_MEASURE[d.basis]
ZOOM = 4.3
try:
    headline = measures.headline_productivity(d.basis, d.geography, d.benchmark, d.year)
except ValueError as problem:
    st.warning(f"The productivity gap can't be shown on this definition: {problem}")
    headline = None
claim_productivity = measures.claimed("cc_productivity_gap")
claim_fiscal = measures.claimed("cc_tax_spend_gap")

left, middle, right = st.columns(3)
if headline:
    left.metric(f"Productivity gap, net (£bn a year, {headline['year']})", f"£{headline['gap_gbp_bn']:,.1f}bn",
                help=headline["net_gap_gbp_note"], border=True)
    middle.metric("Sum of shortfalls of cities below the benchmark (£bn a year)",
                  f"£{headline['sum_of_shortfalls_gbp_bn']:,.1f}bn", help=headline["sum_of_shortfalls_note"], border=True)
    if claim_productivity:
        left.caption(f"As claimed: £{claim_productivity['value']:g}bn a year ({claim_productivity['publication']}). "
                     f"Here: {productivity.BASES[d.basis].label}, {d.geography.replace('-', ' ')} areas vs "
                     f"{headline['benchmark_name']}; positive = below the benchmark.")
    middle.caption(f"Core Cities: {headline['method']}. {headline['benchmark_name']}: {headline['benchmark_method']}."
                   + (f" {headline['coverage_note']}." if headline["coverage_note"] else ""))
if headline:
    render.how_calculated(headline["provenance"], "overview-gap")

st.header("Where the ten cities are")
values = measures.marked_values(MEASURE, d.year, "lad")
m = measures.measure(MEASURE)
def map_figure() -> go.Figure:
    labels = measures.core_city_points(MEASURE, d.year)
    fig = go.Figure()
    fig.add_trace(go.Choroplethmap(
        geojson=geography.boundaries_url("lad"), featureidkey="properties.area_code", locations=values["area_code"],
        z=values["value"], text=values["area_name"], colorscale="cividis" if m.polarity != "lower_is_better" else "cividis_r",
        marker={"line": {"width": 0.3, "color": "#ffffff"}}, colorbar={"title": {"text": m.unit}},
        hovertemplate="%{text} (%{location})<br>" + m.name + ": %{z:,.1f} " + m.unit + "<extra></extra>", name=m.name,
    ))
    core_values = measures.core_city_values(MEASURE, d.year, "lad")
    fig.add_trace(go.Choroplethmap(
        geojson=geography.boundaries_url("lad"), featureidkey="properties.area_code", locations=core_values["area_code"],
        z=[0] * len(core_values), colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]], showscale=False,
        marker={"line": {"width": 2.5, "color": render.HIGHLIGHT}}, hoverinfo="skip", name="Core Cities (outlined)",
    ))
    for side, group in figures.label_groups(labels, ZOOM):  # one trace per label position: none hides another
        fig.add_trace(go.Scattermap(
            lon=group["lon"], lat=group["lat"], mode="markers+text", text=group["city"], textposition=side,
            marker={"size": 9, "color": render.HIGHLIGHT, "symbol": "circle"},
            textfont={"size": 12, "color": "#000000"}, customdata=group["value"], name="Core City",
            hovertemplate="%{text}<br>" + m.name + ": %{customdata:,.1f} " + m.unit + "<extra></extra>",
        ))
    fig.update_layout(map={"style": "white-bg", "center": {"lat": 54.6, "lon": -3.2}, "zoom": ZOOM}, height=640,
                      showlegend=False)
    return fig


period = values["period"].iloc[0] if len(values) else d.year
render.chart(map_figure, cache=(MEASURE, d.year), title=f"{m.name} by local authority, Core Cities outlined",
             subtitle=f"{m.unit} · {period}", source=measures.source(MEASURE), key="overview-map",
             note=measures.coverage_caption(values),
             table=lambda: values[["area_code", "area_name", "core_city", "period", "value", "method", "coverage_note"]].rename(
                 columns={"value": f"{m.name} ({m.unit})"}))

# The tax-spend tile (top right) is filled after the map, so the first chart is never kept waiting for it.
tax_spend = fiscal.core_cities_gap()
part = tax_spend["councils" if d.geography == "council" else "city_regions"]
right.metric(f"Tax-spend gap: net fiscal balance (£bn, {tax_spend['year']}, estimate)",
             f"£{part['net_balance_gbp_bn']:,.1f}bn", help=tax_spend["sign_convention"], border=True)
right.caption(f"Range over apportionment choices: £{part['sensitivity']['min_gbp_bn']:,.1f}bn to "
              f"£{part['sensitivity']['max_gbp_bn']:,.1f}bn.")
if claim_fiscal:
    right.caption(f"As claimed: £{claim_fiscal['value']:g}bn a year ({claim_fiscal['publication']}).")

st.header("One sentence per city")
st.caption(f"{productivity.BASES[d.basis].label}, {d.geography.replace('-', ' ')} areas, against "
           f"{state.benchmark_label(d.benchmark)}; change since seven years earlier.")
st.markdown("\n".join(f"- {sentence}" for sentence in
                       measures.city_sentences(d.geography, d.benchmark, d.basis, d.year)["sentence"]))
