"""European peers: GDP per resident 2021 of the Core Cities' city regions beside Eurostat metro regions.

Euros are converted at the European Central Bank's 2021 annual average rate; the break-even rate is shown as a
sensitivity, and a rate the user states replaces the ECB rate only as a labelled override.
"""

import streamlit as st

from indicators.views import european_peers as view
from ui import render, state

state.ensure_frame()  # a deep link on a fresh server can run this file without app.py: rerun through the frame
st.title("European peers")
st.markdown(
    "GDP per resident in 2021: each Core City region (sum of member councils' GDP ÷ their residents) beside Eurostat "
    "metropolitan regions, converted to pounds at the **European Central Bank's 2021 annual average rate**. Eurostat "
    "gives **GDP per resident, not productivity** (GVA per worker or per hour). **This is the project's own "
    "calculation**, not an official comparison — read the limits below."
)

options = view.options()
state.page_list_param(
    "peers",
    list(options),
    list(view.HEADLINE_PEERS),
    "peers_select",
    limit=None,
    trim=True,
    notice="Ignored the link's unknown Eurostat metro codes {rejected}; they are not in the data.",
)
state.page_number_param(
    "eur",
    view.RATE_MIN,
    view.RATE_MAX,
    "peers_eur",
    notice="Ignored the link's exchange rate {raw}: not a number between {low:g} and {high:g} euros per pound. "
    "The ECB rate is used.",
)

left, right = st.columns([3, 2])
codes = left.multiselect(
    "European peers (Eurostat metro regions)",
    list(options),
    format_func=options.get,
    key="peers_select",
    help="Any Eurostat metropolitan region; the default is the four named in "
    "Core Cities UK's Whole Place Leadership (2016).",
)
rate = right.number_input(
    "Override the exchange rate, € per £ (optional)",
    min_value=view.RATE_MIN,
    max_value=view.RATE_MAX,
    step=0.01,
    format="%.4f",
    key="peers_eur",
    placeholder="none: the ECB 2021 average",
    help="Leave empty to convert at the European Central Bank's 2021 annual average (the mean of "
    "the year's daily reference rates). A rate you state replaces it in the charts and figures "
    "below, labelled as your override.",
)
render.sync_param("peers", ",".join(codes))
render.sync_param("eur", "" if rate is None else f"{rate:g}")

if not codes:
    st.warning("Choose at least one European peer.")
    st.stop()

try:
    shown = view.peers(codes, rate, state.current().area)
except ValueError as problem:
    st.warning(f"That comparison can't be made: {problem}")
    st.stop()

cols = st.columns(2)
for col, tile in zip(cols, (shown.combined, shown.rate)):
    col.metric(tile.label, tile.value, help=tile.help)
if shown.override:
    st.warning(shown.override)

st.markdown(shown.chosen)
render.chart(**shown.bars.args(), key="peers-gbp")

st.markdown(shown.premiums_heading)
for start in range(0, len(shown.premiums), 2):  # two to a row: a name and its figure never cut off on a laptop
    for col, tile in zip(st.columns(2), shown.premiums[start : start + 2]):
        col.metric(tile.label, tile.value, help=tile.help)

render.chart(**shown.break_even.args(), key="peers-break-even")

st.info(f"**Limits.** {view.LIMITS}", icon="⚠️")
render.how_calculated(shown.provenance, key="peers-how")
