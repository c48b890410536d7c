"""Revisions: what changed between the releases the warehouse holds."""

import streamlit as st

from indicators.views import revisions as view
from ui import render, state

state.ensure_frame()  # a deep link on a fresh server can run this file without app.py: rerun through the frame
st.title("Revisions")
st.markdown(view.INTRO)

st.header("What changed, release by release")
for sentence in view.sentences():
    st.markdown(f"- {sentence}")
summary = view.summary()
st.dataframe(
    summary.shown,
    hide_index=True,
    width="stretch",
    height=summary.height,
    key="revisions-summary",
    placeholder="",
    column_config={
        "Largest revision": st.column_config.TextColumn(width="medium"),
        "Measures": st.column_config.TextColumn(width="large"),
        "Rounding allowed": st.column_config.TextColumn(width="large"),
        "Note": st.column_config.TextColumn(width="large"),
    },
)
render.downloads(summary.download, "revisions-summary", "revisions-summary", meta=summary.meta)

st.header("The Core Cities' headline figures then and now")
for number, headline in enumerate(view.headlines()):
    st.subheader(headline.heading)
    st.caption(headline.caption)
    st.dataframe(
        headline.table.shown,
        hide_index=True,
        width="stretch",
        height=headline.table.height,
        key=f"revisions-headline-{number}",
        placeholder="",
        column_config={"Core City": st.column_config.TextColumn(pinned=True)},
    )
    render.downloads(
        headline.table.download,
        f"revisions-headline-{number + 1}",
        f"revisions-headline-{number}",
        meta=headline.table.meta,
    )

st.header("Every figure compared")
options = view.pair_options()
pair_id = st.selectbox("Releases compared", list(options), format_func=options.get, key="rev_pair")
left, right = st.columns(2)
measure = left.selectbox("Measure", view.measure_options(pair_id), key="rev_measure")
revised_only = right.toggle("Revised figures only", value=True, key="rev_revised")
try:
    listed = view.figures(pair_id, measure, revised_only)
except ValueError as problem:
    st.warning(str(problem))
    st.stop()
st.caption(view.figures_caption(pair_id, listed))
st.dataframe(
    listed.shown,
    hide_index=True,
    width="stretch",
    key="revisions-figures",
    placeholder="",
    column_config={"Area": st.column_config.TextColumn(pinned=True)},
)
render.downloads(listed.download, f"revisions-{pair_id}", "revisions-figures", meta=listed.meta)
