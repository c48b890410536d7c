"""Productivity gap page (being built)."""

import streamlit as st

st.title("Productivity gap")
st.info("This page is being built.")
