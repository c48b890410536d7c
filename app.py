"""Core Cities indicators dashboard: the frame around every page (navigation, shared controls, footer)."""

import re
from pathlib import Path

import streamlit as st
from streamlit import runtime

from indicators import warmup
from indicators.data import db
from indicators.data.catalog import warehouse_summary
from ui import render, state

# The favicon is a file in the repository, served by this app: a Material icon name or an emoji would make the browser
# fetch it from a third-party font host on every visit (fails offline, tells that host who visits).
ICON = Path(__file__).resolve().parent / "assets" / "icon.png"
st.set_page_config(page_title="Core Cities indicators", page_icon=ICON, layout="wide")
# Keyboard focus clearly visible (WCAG 2.4.7 / 2.4.13): Streamlit's own focus style on navigation links is a faint grey
# background and on buttons a half-transparent accent shadow (under 3:1). Static CSS, no data in it; style-only, so
# Streamlit sends it to the event container and it takes no space on the page. Checked by tests/test_browser.py.
st.html(ICON.parent / "app.css")  # static CSS from the repository (tests/test_fuzz.py allows exactly this file)


def plain(text: str) -> str:
    """Text shown as written: every ASCII punctuation mark escaped, so Markdown in it (a link, emphasis) is inert."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", text)


def build_pages() -> dict[str, list]:
    """The navigation sections. url_paths are the file stems (except the default page's): a first visit straight to a
    page URL then matches the file Streamlit discovers in pages/, and ui.state.ensure_frame() reruns it inside this
    frame (no "page not found" dialog). The default page is served at "/", so /overview is a hidden alias."""
    return {
        "Explore": [
            st.Page("pages/overview.py", title="Overview", icon=":material/home:", url_path="home", default=True),
            st.Page("pages/map.py", title="Map", icon=":material/map:", url_path="map"),
            st.Page("pages/compare.py", title="Compare", icon=":material/bar_chart:", url_path="compare"),
            st.Page(
                "pages/city_profile.py", title="City profile", icon=":material/location_city:", url_path="city_profile"
            ),
            st.Page(
                "pages/indicator_explorer.py",
                title="Indicator explorer",
                icon=":material/travel_explore:",
                url_path="indicator_explorer",
            ),
            st.Page(
                "pages/overview.py", title="Overview", icon=":material/home:", url_path="overview", visibility="hidden"
            ),
        ],
        "Gaps": [
            st.Page(
                "pages/productivity_gap.py",
                title="Productivity gap",
                icon=":material/trending_down:",
                url_path="productivity_gap",
            ),
            st.Page(
                "pages/tax_and_spend.py",
                title="Tax and spend",
                icon=":material/account_balance:",
                url_path="tax_and_spend",
            ),
            st.Page(
                "pages/european_peers.py", title="European peers", icon=":material/public:", url_path="european_peers"
            ),
            st.Page(
                "pages/claims_check.py", title="Claims check", icon=":material/fact_check:", url_path="claims_check"
            ),
        ],
        "Reference": [
            st.Page(
                "pages/case_studies.py", title="Case studies", icon=":material/menu_book:", url_path="case_studies"
            ),
            st.Page(
                "pages/data_and_methods.py",
                title="Data and methods",
                icon=":material/dataset:",
                url_path="data_and_methods",
            ),
            st.Page("pages/revisions.py", title="Revisions", icon=":material/history:", url_path="revisions"),
            st.Page("pages/embed.py", title="Embedded chart", url_path=render.EMBED_PATH, visibility="hidden"),
        ],
    }


# Built once per session, not per rerun: st.Page resolves and checks its file on disk (~7 % of a rerun under load).
# Not shared between sessions: st.navigation marks the chosen Page object runnable for one run only.
if "app_pages" not in st.session_state:
    st.session_state["app_pages"] = build_pages()
embedding = render.is_embed()  # a chart on its own, framed by another site: no navigation, controls or footer
navigation = st.navigation(st.session_state["app_pages"], position="hidden" if embedding else "sidebar")
with st.spinner("Loading the indicator warehouse (the first start builds it from data/extracts)…"):
    try:
        summary = warehouse_summary()
    except db.WarehouseUnavailable as problem:  # no good warehouse at all: say why, once, on every page
        st.error(plain(str(problem)), icon="⚠️")
        st.stop()
notice = db.serving_notice()  # serving the last good data: say so above every page
if notice:
    st.warning(plain(notice), icon="⚠️")
if embedding:
    navigation.run()
    st.stop()
state.sidebar_controls(navigation.title)
state.show_notices()
navigation.run()  # a definition that can't be shown is stopped where it is chosen; any other error is a bug
render.cite_page(navigation.title)

st.divider()
st.caption(
    "Sources: ONS (regional GDP and GVA, April 2025; subregional productivity, June 2024; ASHE; subnational "
    "indicators; country and regional public sector finances, May 2026), HM Treasury CRA, HMRC SPI 2023-24, DLUHC, "
    "MHCLG, Eurostat, European Central Bank (euro reference rates). "
    f"Warehouse built {summary['built_at']} from {summary['sources']} releases. Open Government Licence v3.0. "
    "Contains OS data © Crown copyright and database right 2023. Estimates are labelled as such; see Data and methods."
)
# Once per served process, after the first visitor's page is drawn (so it doesn't compete with it): memoise the
# default views in the background and take long-lived state out of the per-run garbage collection (not under AppTest).
if runtime.exists() and type(runtime.get_instance()) is runtime.Runtime:
    warmup.start()
