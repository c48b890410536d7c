"""Tax and spend page (being built)."""

import streamlit as st

st.title("Tax and spend")
st.info("This page is being built.")
