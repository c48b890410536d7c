"""Tax and spend: ESTIMATED revenue, expenditure and net fiscal balance of the chosen area and of the Core Cities,
apportioned from ONS CRPSF, and the Total Place view of the chosen area."""

import streamlit as st

from indicators import fiscal
from indicators.domain import formatting
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
geography_label = fiscal.GEOGRAPHY_LABELS[geography_key]
years = fiscal.fiscal_years()
method = fiscal.method()
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
                format_func=fiscal.KEY_LABELS.get,
                help=choice.help,
            )
state.show_notices()
render.sync_param("fy", year)
for group, key in options.items():
    render.sync_param(f"k_{group}", key)
options_items = tuple(sorted(options.items()))
level, label, source = views.level_text(geography_key), views.chart_label(geography_key, year, options), views.source()

with st.spinner("Reading the estimates…"):
    view = views.tax_spend_page(d.area, geography_key, year, options_items)
    gap, table, estimate, caveat = view["gap"], view["table"], view["estimate"], view["caveat"]

# ---------------------------------------------------------------------------------------------- the chosen area
with panel:
    if not estimate["available"]:
        st.header(f"{estimate['name']}: estimated taxes and spending")
        st.info(
            f"No tax and spend estimate for {estimate['name']} on the {geography_label} geography. "
            f"{estimate['reason']}.",
            icon="ℹ️",
        )
    else:
        st.header(f"{estimate['name']}: estimated taxes and spending, {estimate['year']}")
        st.caption(
            f"Estimate for the area chosen in the sidebar ({estimate['fiscal_code']}, {geography_label}"
            + (f", resting on {estimate['coverage']}" if estimate["coverage"] else "")
            + f") · "
            f"{estimate['keys_text']} (change them below). {method['sign_convention']}"
        )
        combinations = views.combinations_text(estimate)
        cols = st.columns([1, 1, 1, 1.3])
        cols[0].metric(
            "Taxes raised",
            formatting.gbp_millions(estimate["revenue_gbp_m"]),
            border=True,
            help="Every group of taxes shared out from the region's official figure by its key.",
        )
        cols[1].metric(
            "Public spending",
            formatting.gbp_millions(estimate["expenditure_gbp_m"]),
            border=True,
            help="Total managed expenditure shared out from the region's official figure, function by "
            "function. " + fiscal.area_spending_caveat(estimate),
        )
        cols[2].metric(
            "Spending − taxes",
            formatting.gbp_millions(estimate["net_balance_gbp_m"]),
            border=True,
            help=method["sign_convention"],
        )
        cols[3].metric(
            "Range over all keys",
            fiscal.range_text(estimate["min_gbp_m"], estimate["max_gbp_m"], formatting.gbp_millions),
            border=True,
            help=f"Lowest and highest spending − taxes over all {combinations} combinations of "
            "apportionment keys, North Sea and spending keys included.",
        )
        cols = st.columns([1, 1, 1, 1.3])
        cols[0].metric("Taxes per resident", formatting.gbp(estimate["revenue_per_head_gbp"]), border=True)
        cols[1].metric(
            "Spending per resident",
            formatting.gbp(estimate["expenditure_per_head_gbp"]),
            border=True,
            help=fiscal.area_spending_caveat(estimate),
        )
        cols[2].metric(
            "Net per resident",
            formatting.gbp(estimate["net_balance_per_head_gbp"]),
            border=True,
            help="Spending − taxes per resident. " + method["sign_convention"],
        )
        cols[3].metric(
            "Range per resident",
            fiscal.range_text(estimate["min_per_head_gbp"], estimate["max_per_head_gbp"], formatting.gbp),
            border=True,
            help=f"Lowest and highest spending − taxes per resident over all {combinations} combinations "
            "of apportionment keys.",
        )
        st.markdown(fiscal.balance_sentence(estimate))
        st.caption(fiscal.area_spending_caveat(estimate))

# ------------------------------------------------------------------------------------------------- Core Cities
st.header(f"The Core Cities' estimated net fiscal balance, {gap['year']}")
st.caption(gap["sign_convention"] + " Geography follows the sidebar: " + level + f", resting on {gap['coverage']}.")
cols = st.columns([1, 1.5, 1, 1])
cols[0].metric("Estimated spending − taxes", formatting.gbp_bn(gap["estimate_gbp_bn"]), help=label)
cols[1].metric(
    "Range across all keys",
    fiscal.range_text(gap["min_gbp_bn"], gap["max_gbp_bn"], formatting.gbp_bn),
    help=f"Minimum and maximum over all {formatting.number(gap['combinations'])} combinations of "
    "apportionment keys, North Sea and spending keys included.",
)
cols[2].metric("Estimated taxes raised", formatting.gbp_bn(gap["revenue_gbp_bn"]))
cols[3].metric("Estimated public spending", formatting.gbp_bn(gap["expenditure_gbp_bn"]))
st.caption(" ".join(note for note in (gap["spending_note"], gap["north_sea_note"]) if note))
claimed = gap["claimed_gbp_bn"]
if claimed is not None:
    st.markdown(
        f"**As claimed:** {fiscal.claimed_text(claimed)} a year ({gap['claim'].get('publication', '')}, "
        f"{gap['claim'].get('period_as_stated', '')}, method not stated)."
    )


depends = (year, geography_key, options_items)  # everything the Core Cities charts are drawn from
render.chart(
    lambda: views.gap_figure(gap),
    cache=depends,
    title="Core Cities: estimated spending minus taxes (£bn a year)",
    subtitle=label,
    source=source,
    table=lambda: views.gap_table(gap),
    key="fiscal-gap",
    y_title="£bn a year (positive = spending exceeds taxes)",
)

# ------------------------------------------------------------------------------------------------ per resident
st.header("Per resident, beside the official regional figures")
st.info(caveat["text"], icon="ℹ️")


render.chart(
    lambda: views.per_resident_figure(table, caveat["shared"]),
    cache=depends,
    title=f"Taxes raised and public spending per resident, {gap['year']} (£)",
    subtitle=label,
    source=source,
    table=lambda: views.per_resident_table(table, caveat["shared"]),
    key="fiscal-per-head",
    note=caveat["text"],
)

st.markdown("**The key for each group of taxes and each spending function**")
st.markdown(views.key_table_markdown(options))

with st.expander("Notes on the population base, data years, fallbacks and North Sea revenue"):
    st.markdown("\n".join(f"- {note}" for note in gap["notes"]))

# ------------------------------------------------------------------------------------------------- Total Place
place = view["total_place"]
st.header(f"Total Place view: {place['area_name']}")
if place["fallback_reason"]:
    st.info(place["fallback_reason"], icon="ℹ️")
stated = place.get("claim") or {}
cols = st.columns(3)
if stated:
    cols[0].metric(
        f"Total Place count ({stated.get('period_as_stated', '')})",
        fiscal.claimed_text(float(stated["value"])),
        help=stated.get("publication"),
        border=True,
    )
cols[1 if stated else 0].metric(
    "Identifiable spending (CRA)",
    formatting.gbp_millions(place["identifiable_total_gbp_m"]),
    help=f"HM Treasury CRA identifiable spending, {place['cra_year']}, shared out from the "
    "region by population (estimate).",
    border=True,
)
cols[2 if stated else 1].metric(
    "Total spending (CRPSF)",
    formatting.gbp_millions(place["crpsf_total_expenditure_gbp_m"]),
    help=f"ONS CRPSF total managed expenditure, {place['crpsf_year']}, shared out from the "
    "region by population (estimate).",
    border=True,
)
st.caption(
    f"Estimates: identifiable spending {place['cra_year']} (HM Treasury CRA), total managed expenditure "
    f"{place['crpsf_year']} (ONS CRPSF), both shared out from the region by population."
    + (f" {place['year_note']}" if place.get("year_note") else "")
)
st.markdown(place["explanation"])
if place.get("claim_note"):
    st.markdown(place["claim_note"])


render.chart(
    lambda: views.total_place_figure(place),
    cache=(d.area, geography_key, year),
    title=f"{place['area_name']}: identifiable public spending by function, {place['cra_year']} (estimate)",
    subtitle=f"HM Treasury CRA ({place['edition']}) regional identifiable spending shared by population · estimate",
    source="Source: HM Treasury, Country and Regional Analysis; ONS mid-year population. Project's own estimate.",
    table=lambda: views.total_place_rows(place),
    key="fiscal-total-place",
    note="Shared out from the region by population, so per resident every function is the region's figure.",
)

st.header("Method and assumptions")
st.markdown(f"**{method['label']}.** {method['summary']}")
st.markdown(f"**Formula.** {method['formula']}")
st.markdown(f"**Population.** {method['population']}")
st.markdown(f"**North Sea.** {method['north_sea']}")
st.markdown(f"**Sign convention.** {method['sign_convention']}")
st.markdown(views.method_keys_markdown())
st.markdown(f"**Caveats.** {method['caveats']}")
render.how_calculated(views.fiscal_provenance(), key="fiscal-how")
