"""Claims check page (being built)."""

import streamlit as st

st.title("Claims check")
st.info("This page is being built.")
