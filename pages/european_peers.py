"""European peers page (being built)."""

import streamlit as st

st.title("European peers")
st.info("This page is being built.")
