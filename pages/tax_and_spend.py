"""Tax and spend: ESTIMATED revenue, expenditure and net fiscal balance of the Core Cities, apportioned from ONS CRPSF."""

import plotly.graph_objects as go
import streamlit as st

from indicators import fiscal
from indicators import reference_views as views
from indicators.provenance import source_line
from ui import render, state

st.title("Tax and spend (estimates)")
st.warning(
    "**Every council and city-region figure on this page is an estimate.** No official source publishes taxes raised or "
    "public spending below region level; these figures share each region's official ONS figures out to councils with a "
    "stated key for each group of taxes and each spending function, which you can change below. Regions, England and "
    "the UK are official figures.", icon="⚠️")


@st.cache_data(show_spinner=False, max_entries=32)
def _view(year, geography_key, options_items):
    """Disposable speed-up for warm reruns only: the figures are read from the warehouse's fiscal mart either way."""
    return views.tax_spend_view(year, geography_key, dict(options_items))


@st.cache_data(show_spinner=False, max_entries=4)
def _total_place():
    return fiscal.total_place_comparison()


definition = state.current()
geography_key = definition.geography
years = fiscal.fiscal_years()
method = fiscal.method()
if not years:
    st.warning("No public sector finance data in the warehouse.")
    st.stop()

year = state.page_param("fy", years, years[-1], widget_key="fiscal_year")
with st.expander("Apportionment options (how each region's official figure is shared out)", expanded=True):
    year = st.selectbox("Financial year", years[::-1], key="fiscal_year")
    options = {}
    for side, groups in (("Taxes", fiscal.REVENUE_GROUPS), ("Spending, function by function", fiscal.EXPENDITURE_GROUPS)):
        switchable = [g for g in groups if g in fiscal.KEY_OPTIONS]
        st.markdown(f"**{side}**")
        cols = st.columns(3)
        for i, group in enumerate(switchable):
            keys = fiscal.KEY_OPTIONS[group]
            state.page_param(f"k_{group}", list(keys), keys[0], widget_key=f"fiscal_{group}")
            options[group] = cols[i % 3].selectbox(
                f"{group.replace('_', ' ').capitalize()} shared by", list(keys), key=f"fiscal_{group}",
                format_func=fiscal.KEY_LABELS.get, help="; ".join(f"{fiscal.KEY_LABELS[k]}: {method['keys'][k]}" for k in keys))
state.show_notices()
render.sync_param("fy", year)
for group, key in options.items():
    render.sync_param(f"k_{group}", key)
options_items = tuple(sorted(options.items()))
level = "ten councils" if geography_key == "council" else "ten city regions"
changed = [f"{g.replace('_', ' ')} by {fiscal.KEY_LABELS[k]}" for g, k in options.items() if k != fiscal.DEFAULT_OPTIONS[g]]
label = f"Estimate · {level} · {year} · keys: " + ("defaults" if not changed else "defaults except " + ", ".join(changed))
source = source_line(views.FISCAL_INDICATORS) + ". Apportionment below region level is the project's own estimate."

with st.spinner("Reading the estimates…"):
    try:
        view = _view(year, geography_key, options_items)
        gap, table, keys_table = view["gap"], view["table"], view["keys"]
    except ValueError as problem:
        st.warning(f"That combination can't be estimated: {problem}")
        st.stop()

st.header(f"The Core Cities' estimated net fiscal balance, {gap['year']}")
st.caption(gap["sign_convention"] + " Geography follows the sidebar: " + level + f", resting on {gap['coverage']}.")
cols = st.columns(4)
cols[0].metric("Estimated spending − taxes", f"£{gap['estimate_gbp_bn']:,.1f}bn", help=label)
cols[1].metric("Range across all keys", f"£{gap['min_gbp_bn']:,.1f}–{gap['max_gbp_bn']:,.1f}bn",
               help=f"Minimum and maximum over all {gap['combinations']:,} combinations of apportionment keys, "
               "North Sea and spending keys included.")
cols[2].metric("Estimated taxes raised", f"£{gap['revenue_gbp_bn']:,.1f}bn")
cols[3].metric("Estimated public spending", f"£{gap['expenditure_gbp_bn']:,.1f}bn")
st.caption(" ".join(note for note in (gap["spending_note"], gap["north_sea_note"]) if note))
claimed = gap["claimed_gbp_bn"]
if claimed is not None:
    st.markdown(f"**As claimed:** £{claimed:g}bn a year ({gap['claim'].get('publication', '')}, "
                f"{gap['claim'].get('period_as_stated', '')}, method not stated).")

fig = go.Figure()
fig.add_bar(x=[f"Estimate {gap['year']}"], y=[gap["estimate_gbp_bn"]], name="Estimate (chosen keys)",
            marker_color=render.PALETTE[0], error_y={"type": "data", "symmetric": False, "array": [gap["above_gbp_bn"]],
                                                     "arrayminus": [gap["below_gbp_bn"]], "color": "#333"},
            text=[f"£{gap['estimate_gbp_bn']:,.1f}bn (range £{gap['min_gbp_bn']:,.1f}–{gap['max_gbp_bn']:,.1f}bn)"],
            textposition="inside")
if claimed is not None:
    fig.add_bar(x=["As claimed (c.2016)"], y=[claimed], name="As claimed", marker_color=render.HIGHLIGHT,
                marker_pattern_shape="/", text=[f"£{claimed:g}bn (claimed)"], textposition="inside")
fig.update_layout(showlegend=True, legend={"orientation": "h", "y": -0.15})
render.chart(fig, title="Core Cities: estimated spending minus taxes (£bn a year)", subtitle=label, source=source,
             table=views.gap_table(gap), key="fiscal-gap", y_title="£bn a year (positive = spending exceeds taxes)")

st.header("Per resident, beside the official regional figures")
fig = go.Figure()
for basis, colour in (("estimate", render.PALETTE[0]), ("official CRPSF", render.PALETTE[4])):
    part = table[table["basis"] == basis]
    names = [f"{c}: {n} (estimate)" if c and c != n else (f"{n} (estimate)" if c else f"{n} (official)")
             for c, n in zip(part["city"], part["area_name"])]
    fig.add_bar(y=names, x=part["net_balance_per_head_gbp"], orientation="h", name=basis, marker_color=colour,
                customdata=part["area_code"], text=[f"£{v:,.0f}" for v in part["net_balance_per_head_gbp"]],
                textposition="auto", hovertemplate="%{y} (%{customdata}): £%{x:,.0f} per resident<extra>" + basis + "</extra>")
fig.update_yaxes(autorange="reversed")
fig.update_xaxes(title_text="£ per resident (spending − taxes; positive = spending exceeds taxes)")
fig.update_layout(height=900, legend={"orientation": "h", "y": -0.08})
shown = table[["basis", "city", "area_code", "area_name", "area_type", "year", "revenue_per_head_gbp",
               "expenditure_per_head_gbp", "net_balance_per_head_gbp", "revenue_gbp_bn", "expenditure_gbp_bn",
               "net_balance_gbp_bn", "population", "key_options"]]
render.chart(fig, title=f"Net fiscal balance per resident, {gap['year']} (£)", subtitle=label, source=source, table=shown,
             key="fiscal-per-head", note=gap["spending_note"])

st.markdown("**The key for each group of taxes and each spending function**")
st.markdown(views.key_table_markdown(keys_table))

with st.expander("Notes on the population base, data years, fallbacks and North Sea revenue"):
    st.markdown("\n".join(f"- {note}" for note in gap["notes"]))

st.header("Total Place view: Birmingham")
with st.spinner("Reading HM Treasury CRA spending…"):
    place = _total_place()
cols = st.columns(3)
stated = place.get("claim") or {}
cols[0].metric(f"Total Place count ({stated.get('period_as_stated', '2008-09')})", f"£{stated.get('value', 0):g}bn",
               help=stated.get("publication"))
cols[1].metric(f"Identifiable spending, CRA {place['cra_year']} (estimate)", f"£{place['identifiable_total_gbp_bn']:,.1f}bn")
cols[2].metric(f"Total managed expenditure, CRPSF {place['crpsf_year']} (estimate)",
               f"£{place['crpsf_total_expenditure_gbp_bn']:,.1f}bn")
if place.get("year_note"):
    st.caption(place["year_note"])
st.markdown(place["gap_explained"])
functions = views.total_place_table(place)
fig = go.Figure(go.Bar(y=functions["cofog_function"], x=functions["value_gbp_bn"], orientation="h",
                       marker_color=render.PALETTE[4], text=[f"£{v:,.2f}bn" for v in functions["value_gbp_bn"]],
                       textposition="auto"))
fig.update_yaxes(autorange="reversed")
fig.update_xaxes(title_text="£bn (estimate)")
render.chart(fig, title=f"Birmingham: identifiable public spending by function, {place['cra_year']} (estimate, £bn)",
             subtitle=f"HM Treasury CRA ({place['edition']}) regional identifiable spending shared by population · estimate",
             source="Source: HM Treasury, Country and Regional Analysis; ONS mid-year population. Project's own estimate.",
             table=functions, key="fiscal-total-place")

st.header("Method and assumptions")
st.markdown(f"**{method['label']}.** {method['summary']}")
st.markdown(f"**Formula.** {method['formula']}")
st.markdown(f"**Population.** {method['population']}")
st.markdown(f"**North Sea.** {method['north_sea']}")
st.markdown(f"**Sign convention.** {method['sign_convention']}")
st.markdown("**Keys.**\n" + "\n".join(f"- *{fiscal.KEY_LABELS[k]}*: {v}" for k, v in method["keys"].items()))
st.markdown(f"**Caveats.** {method['caveats']}")
render.how_calculated(views.fiscal_provenance(), key="fiscal-how")
