"""Case studies page (being built)."""

import streamlit as st

st.title("Case studies")
st.info("This page is being built.")
