"""City profile page (being built)."""

import streamlit as st

st.title("City profile")
st.info("This page is being built.")
