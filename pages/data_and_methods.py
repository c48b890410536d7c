"""Data and methods page (being built)."""

import streamlit as st

st.title("Data and methods")
st.info("This page is being built.")
