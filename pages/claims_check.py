"""Claims check: each published claim tested on the period it describes, on a primary definition declared in advance."""

import streamlit as st

from indicators.views import claims_check as view
from ui import render, state

state.ensure_frame()  # a deep link on a fresh server can run this file without app.py: rerun through the frame
st.title("Claims check")
st.markdown(view.INTRO)

state.page_number_param(
    "eur",
    view.RATE_MIN,
    view.RATE_MAX,
    "claims_eur",
    notice="Ignored the link's exchange rate {raw}: not a number between {low:g} and {high:g} euros per pound. "
    "The European claims use the ECB rate.",
)
rate = st.number_input(
    "Your own exchange rate, € per £ (optional, shown beside the European verdicts)",
    min_value=view.RATE_MIN,
    max_value=view.RATE_MAX,
    step=0.01,
    format="%.4f",
    key="claims_eur",
    placeholder="none: the ECB rate only",
    help="The European claims are converted at the European Central Bank's annual average rate for "
    "the data year. A rate you state is shown beside that verdict, labelled as yours; it never "
    "changes the verdict.",
)
render.sync_param("eur", "" if rate is None else f"{rate:g}")

with st.spinner("Recomputing every claim from the warehouse…"):
    try:
        checked = view.check(rate)
    except ValueError as problem:
        st.warning(f"The claims can't be recomputed: {problem}")
        st.stop()

st.markdown(checked.summary)

st.header("All claims")
for card in checked.cards:
    with st.container(border=True):
        st.markdown(card.claim)
        st.markdown(card.figures)
        st.markdown(card.verdict)
if checked.untested:
    st.subheader("Claims the data held here cannot test")
    st.markdown(checked.untested)

with st.expander("Table: all claims, with downloads"):
    st.dataframe(
        checked.table,
        hide_index=True,
        width="stretch",
        key="claims-table",
        column_order=view.TABLE_SHOWN,
        placeholder="",
        row_height=120,
        height=620,  # rows taller than 4rem wrap their text
        column_config={
            "Claim": st.column_config.TextColumn(width="large"),
            "Verdict": st.column_config.TextColumn(width="medium"),
            "Holds on (k of n)": st.column_config.TextColumn(help=view.HOLDS_ON_HELP),
            "Verdict in full": st.column_config.TextColumn(width="large"),
            "Primary definition": st.column_config.TextColumn(width="large"),
        },
    )
    render.downloads(checked.table, "claims-check", "claims-table", meta=view.TABLE_DOWNLOAD)

st.header("One claim in detail")
state.page_param("claim", list(checked.choices), checked.default, widget_key="claims_pick")
claim_id = st.selectbox("Claim", list(checked.choices), key="claims_pick", format_func=checked.choices.get)
render.sync_param("claim", claim_id)
shown = view.detail(checked, claim_id)

st.markdown(shown.heading)
for col, tile in zip([*st.columns(2), *st.columns(2)], shown.tiles):
    col.metric(tile.label, tile.value, help=tile.help)
for reason in shown.reasons:
    st.markdown(reason)
if shown.exchange_rate:
    st.info(shown.exchange_rate, icon="💱")

if shown.chart:
    render.chart(**shown.chart.args(), key="claims-chart")
    st.markdown(shown.definitions)
else:
    st.info(shown.no_chart, icon="ℹ️")

render.how_calculated(checked.how_calculated, key="claims-how")
