"""A chart on its own, for other sites to frame: /embed?chart=<id>&v=<data version>&<the view's parameters>. The one
route the proxy lets other sites frame (deploy/nginx.conf); the frame (app.py) draws no sidebar or footer here."""

import streamlit as st

from indicators.views import embed as view
from ui import render, state

state.ensure_frame(controls=False)  # a deep link on a fresh server can run this file without app.py
render.embedded_chart(view.embedded({name: st.query_params.get(name) for name in st.query_params}, render.site_root()))
