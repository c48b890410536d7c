"""Tax and spend: ESTIMATED revenue, expenditure and net fiscal balance of the chosen area and of the Core Cities,
apportioned from ONS CRPSF, and the Total Place view of the chosen area."""

import streamlit as st

from indicators.views import tax_and_spend as views
from ui import render, state

st.title("Tax and spend (estimates)")
st.warning(
    "**Every council and city-region figure on this page is an estimate.** No official source publishes taxes raised "
    "or public spending below region level; these figures share each region's official ONS figures out to councils "
    "with a stated key for each group of taxes and each spending function, which you can change below. Regions, "
    "England and the UK are official figures.",
    icon="⚠️",
)


d = state.current()
geography_key = d.geography
years = views.years()
if not years:
    st.warning("No public sector finance data in the warehouse.")
    st.stop()

panel = st.container()  # the chosen area leads the page; drawn once the keys below are read
year = state.page_param("fy", years, years[-1], widget_key="fiscal_year")
with st.expander("Apportionment options (how each region's official figure is shared out)", expanded=True):
    year = st.selectbox("Financial year", years[::-1], key="fiscal_year")
    options = {}
    for side, choices in views.key_choices():
        st.markdown(f"**{side}**")
        cols = st.columns(3)
        for i, choice in enumerate(choices):
            state.page_param(
                f"k_{choice.group}", list(choice.keys), choice.keys[0], widget_key=f"fiscal_{choice.group}"
            )
            options[choice.group] = cols[i % 3].selectbox(
                choice.label,
                list(choice.keys),
                key=f"fiscal_{choice.group}",
                format_func=views.key_label,
                help=choice.help,
            )
state.show_notices()
render.sync_param("fy", year)
for group, key in options.items():
    render.sync_param(f"k_{group}", key)
options_items = tuple(sorted(options.items()))
label = views.chart_label(geography_key, year, options)

with st.spinner("Reading the estimates…"):
    view = views.tax_spend_page(d.area, geography_key, year, options_items)

# ---------------------------------------------------------------------------------------------- the chosen area
with panel:
    area = views.area_panel(view["estimate"], geography_key)
    st.header(area.heading)
    if area.missing:
        st.info(area.missing, icon="ℹ️")
    else:
        st.caption(area.caption)
        for row in (area.totals, area.per_resident):
            for column, tile in zip(st.columns([1, 1, 1, 1.3]), row):
                column.metric(tile.label, tile.value, border=True, help=tile.help)
        st.markdown(area.sentence)
        st.caption(area.caveat)

# ------------------------------------------------------------------------------------------------- Core Cities
cities = views.core_cities_panel(view["gap"], geography_key, label)
st.header(cities.heading)
st.caption(cities.caption)
for column, tile in zip(st.columns([1, 1.5, 1, 1]), cities.tiles):
    column.metric(tile.label, tile.value, help=tile.help)
st.caption(cities.notes)
if cities.claimed:
    st.markdown(cities.claimed)

depends = (year, geography_key, options_items)  # everything the Core Cities charts are drawn from
render.chart(**views.gap_chart(view["gap"], label, depends).args(), key="fiscal-gap")

# ------------------------------------------------------------------------------------------------ per resident
st.header("Per resident, beside the official regional figures")
st.info(view["caveat"]["text"], icon="ℹ️")
render.chart(**views.per_resident_chart(view, label, depends).args(), key="fiscal-per-head")

st.markdown("**The key for each group of taxes and each spending function**")
st.markdown(views.key_table_markdown(options))

with st.expander("Notes on the population base, data years, fallbacks and North Sea revenue"):
    st.markdown("\n".join(f"- {note}" for note in view["gap"]["notes"]))

# ------------------------------------------------------------------------------------------------- Total Place
place = views.total_place_panel(view["total_place"])
st.header(place.heading)
if place.fallback:
    st.info(place.fallback, icon="ℹ️")
for column, tile in zip(st.columns(3), place.tiles):
    column.metric(tile.label, tile.value, help=tile.help, border=True)
st.caption(place.caption)
st.markdown(place.explanation)
if place.claim_note:
    st.markdown(place.claim_note)
render.chart(
    **views.total_place_chart(view["total_place"], (d.area, geography_key, year)).args(), key="fiscal-total-place"
)

st.header("Method and assumptions")
for paragraph in views.method_paragraphs():
    st.markdown(paragraph)
render.how_calculated(views.fiscal_provenance(), key="fiscal-how")
