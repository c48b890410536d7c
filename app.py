"""Core Cities indicators dashboard: the frame around every page."""

import streamlit as st

from indicators.catalog import warehouse_summary

st.set_page_config(page_title="Core Cities indicators", page_icon="🏙️", layout="wide")

with st.spinner("Loading the indicator warehouse (first start builds it from data/extracts)…"):
    summary = warehouse_summary()

st.title("Core Cities indicators")
st.write(
    f"Warehouse loaded: {summary['indicators']} indicators from {summary['sources']} official releases, "
    f"{summary['observations']:,} observations for {summary['areas']:,} areas (built {summary['built_at']})."
)
