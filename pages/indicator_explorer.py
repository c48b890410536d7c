"""Indicator explorer: any indicator of the ONS Subnational indicators release at the level it is published for, with
its confidence limits, benchmarks and the areas significantly better or worse."""

import streamlit as st

from indicators.views import indicator_explorer as view
from ui import render, state

d = state.current()
st.title("Indicator explorer")
st.caption(
    "Every indicator of the ONS Subnational indicators release (skills, health, children, housing, "
    "connectivity, wellbeing and the economy) at the level ONS publishes it for, with 95% confidence limits "
    "where ONS gives them."
)

ALL, THEME_OF, THEMES = view.choices()
arriving = "exp_theme" not in st.session_state  # page widgets are forgotten when the visitor leaves the page
state.page_param("theme", THEMES, THEMES[0], widget_key="exp_theme")
if st.session_state["exp_theme"] not in THEMES:  # a widget state no option offers (a forged message)
    st.session_state["exp_theme"] = THEMES[0]
state.page_param(
    "indicator", list(ALL), next(iter(view.indicators_in(st.session_state["exp_theme"]))), widget_key="exp_indicator"
)
if st.session_state["exp_indicator"] not in ALL:
    st.session_state["exp_indicator"] = next(iter(view.indicators_in(st.session_state["exp_theme"])))
if arriving:  # an indicator from the link sets its theme
    st.session_state["exp_theme"] = THEME_OF[st.session_state["exp_indicator"]]

left, middle = st.columns([1, 2])
theme = left.selectbox("Theme", THEMES, key="exp_theme")
in_theme = view.indicators_in(theme)
if st.session_state["exp_indicator"] not in in_theme:
    st.session_state["exp_indicator"] = next(iter(in_theme))
indicator_id = middle.selectbox(
    "Indicator (type to search)", list(in_theme), format_func=in_theme.get, key="exp_indicator"
)
levels = view.levels(indicator_id)
state.page_param("level", list(view.LEVELS), view.default_level(levels), widget_key="exp_level")
if st.session_state["exp_level"] not in levels:
    st.session_state["exp_level"] = view.default_level(levels)
c1, c2 = st.columns([1, 2])
level = c1.selectbox(
    "Areas", levels, format_func=view.LEVELS.get, key="exp_level", help="The levels ONS publishes this indicator for."
)
state.page_param("set", list(view.COMPARE_SETS), "core", widget_key="exp_set")
if st.session_state["exp_set"] not in view.COMPARE_SETS:
    st.session_state["exp_set"] = "core"
compare = c2.radio(
    "Chart",
    list(view.COMPARE_SETS),
    format_func=view.COMPARE_SETS.get,
    key="exp_set",
    horizontal=True,
    help=f"Built around the area chosen in the sidebar ({view.area_name(d.area)}).",
)
for param, value in (("theme", theme), ("indicator", indicator_id), ("level", level), ("set", compare)):
    render.sync_param(param, value)

shown = view.explorer(indicator_id, level, d.area, compare)
entry = shown.entry
st.markdown(
    f"**{render.markdown_escape(entry['name'])}** · {render.markdown_escape(entry['period'])} · "
    f"{render.markdown_escape(shown.unit_label)} · {shown.polarity}"
)
st.caption(render.markdown_escape(f"{entry['definition'].rstrip('.')}. Coverage: {entry['coverage']}."))

for start in range(0, len(shown.tiles), 3):  # three to a row: a tile's label stays on one line on a laptop
    for column, tile in zip(st.columns(3), shown.tiles[start : start + 3]):
        column.metric(tile.label, tile.value, border=True, help=tile.help)
if shown.verdict:
    against, verdict = shown.verdict
    st.markdown(f"**Against {render.markdown_escape(against)}:** {verdict}.")
elif shown.no_row:
    st.info(shown.no_row)

if shown.map:
    render.chart(**shown.map.args(), key="exp-map")
else:
    st.caption(shown.no_map)
render.chart(**shown.ranked.args(), key="exp-rank")

with st.expander("About this indicator: source, caveats and benchmarks"):
    st.markdown(render.markdown_escape(f"Source: {entry['source']}. {entry['source_detail'] or ''}"))
    if entry["caveats"]:
        st.markdown(render.markdown_escape(f"Caveats: {entry['caveats']}"))
    st.markdown(
        "\n".join(f"- {render.markdown_escape(label)}: {text}" for label, text in shown.benchmarks)
        or "No benchmark is published for this indicator."
    )
    if shown.tiles:
        st.caption(view.NEIGHBOURS_METHOD)
