"""Indicator explorer: any indicator of the ONS Subnational indicators release at the level it is published for, with
its confidence limits, benchmarks and the areas significantly better or worse."""

import streamlit as st

from indicators import place
from indicators.data import geography
from indicators.domain import formatting, similarity
from indicators.exports import figures, place_charts
from ui import render, state

d = state.current()
st.title("Indicator explorer")
st.caption(
    "Every indicator of the ONS Subnational indicators release (skills, health, children, housing, "
    "connectivity, wellbeing and the economy) at the level ONS publishes it for, with 95% confidence limits "
    "where ONS gives them."
)

catalogue = place.catalogue()
ALL = dict(zip(catalogue["indicator_id"], catalogue["name"]))
THEME_OF = dict(zip(catalogue["indicator_id"], catalogue["theme"]))
THEMES = place.themes()
arriving = "exp_theme" not in st.session_state  # page widgets are forgotten when the visitor leaves the page
state.page_param("theme", THEMES, THEMES[0], widget_key="exp_theme")
if st.session_state["exp_theme"] not in THEMES:  # a widget state no option offers (a forged message)
    st.session_state["exp_theme"] = THEMES[0]
state.page_param(
    "indicator", list(ALL), next(iter(place.indicators_in(st.session_state["exp_theme"]))), widget_key="exp_indicator"
)
if st.session_state["exp_indicator"] not in ALL:
    st.session_state["exp_indicator"] = next(iter(place.indicators_in(st.session_state["exp_theme"])))
if arriving:  # an indicator from the link sets its theme
    st.session_state["exp_theme"] = THEME_OF[st.session_state["exp_indicator"]]

left, middle = st.columns([1, 2])
theme = left.selectbox("Theme", THEMES, key="exp_theme")
in_theme = place.indicators_in(theme)
if st.session_state["exp_indicator"] not in in_theme:
    st.session_state["exp_indicator"] = next(iter(in_theme))
indicator_id = middle.selectbox(
    "Indicator (type to search)", list(in_theme), format_func=in_theme.get, key="exp_indicator"
)
entry = place.indicator(indicator_id)
levels = list(entry["levels"])
state.page_param(
    "level", list(place.LEVELS), place.COUNCIL if place.COUNCIL in levels else levels[0], widget_key="exp_level"
)
if st.session_state["exp_level"] not in levels:
    st.session_state["exp_level"] = place.COUNCIL if place.COUNCIL in levels else levels[0]
c1, c2 = st.columns([1, 2])
level = c1.selectbox(
    "Areas", levels, format_func=place.LEVELS.get, key="exp_level", help="The levels ONS publishes this indicator for."
)
state.page_param("set", list(place.COMPARE_SETS), "core", widget_key="exp_set")
if st.session_state["exp_set"] not in place.COMPARE_SETS:
    st.session_state["exp_set"] = "core"
compare = c2.radio(
    "Chart",
    list(place.COMPARE_SETS),
    format_func=place.COMPARE_SETS.get,
    key="exp_set",
    horizontal=True,
    help=f"Built around the area chosen in the sidebar ({geography.area_names().get(d.area, d.area)}).",
)
for param, value in (("theme", theme), ("indicator", indicator_id), ("level", level), ("set", compare)):
    render.sync_param(param, value)

view = place.explorer_view(indicator_id, level, d.area, compare)
unit, period, source = entry["unit"], entry["period"], place.source_line(indicator_id)
polarity = {
    "higher_is_better": "higher is better",
    "lower_is_better": "lower is better",
    "neutral": "neither higher nor lower is better",
}[entry["polarity"]]

st.markdown(
    f"**{render.markdown_escape(entry['name'])}** · {render.markdown_escape(period)} · "
    f"{render.markdown_escape(formatting.unit_label(unit))} · {polarity}"
)
st.caption(render.markdown_escape(f"{entry['definition'].rstrip('.')}. Coverage: {entry['coverage']}."))

if view["council"]:
    own = view["own"]
    figures_shown = [(f"{own['area_name']}, {period}", own["value_text"], own["limits_text"])]
    figures_shown += [(bench.label, formatting.value(bench.value, unit), bench.method) for bench in view["benchmarks"]]
    for start in range(0, len(figures_shown), 3):  # three to a row: a tile's label stays on one line on a laptop
        for tile, (label, text, note) in zip(st.columns(3), figures_shown[start : start + 3]):
            tile.metric(label, text, border=True, help=note)
    st.markdown(
        f"**Against {render.markdown_escape(view['comparator'].label if view['comparator'] else 'the benchmark')}:** "
        f"{own['verdict']}."
    )
elif level == place.COUNCIL:
    st.info(f"{geography.area_names().get(d.area, d.area)} has no row in this indicator's table.")

comparator = view["comparator"]
bench_note = (
    f"Marker shape: significance against {comparator.label} ({formatting.value(comparator.value, unit)}): "
    "▲ significantly better, ▼ significantly worse, ● similar (the 95% limits include it), ○ not tested "
    "(no limits)."
    if comparator
    else "No national figure is published to test against."
)
if view["missing"]:
    bench_note += " No figure: " + "; ".join(view["missing"]) + "."

boundary = place.boundary_level(level)
if boundary:
    values = view["table"][["area_code", "area_name", "value"]]
    scale = figures.colour_range(values["value"], values["area_name"])

    def map_figure():
        return figures.area_map(
            values.dropna(subset=["value"]),
            geojson=geography.boundaries_url(boundary),
            name=entry["name"],
            unit=unit,
            colorscale={"higher_is_better": "cividis", "lower_is_better": "cividis_r"}.get(
                entry["polarity"], "viridis"
            ),
            scale=scale,
            outlined=list(place.core_city_areas(level)),
            chosen=d.area if view["council"] else None,
            height=640,
        )

    render.chart(
        map_figure,
        cache=("explorer-map", indicator_id, level, d.area),
        title=f"{entry['name']}: {place.LEVELS[level].lower()}",
        subtitle=f"{formatting.unit_label(unit)} · {period} · Core Cities outlined in orange, the chosen area in black",
        source=source,
        key="exp-map",
        table=lambda: view["table"],
        unit=unit,
        period=period,
        note=f"Colour: lighter (yellow) is better. {figures.colour_range_note(scale, unit)} Grey: no figure.",
    )
else:
    st.caption(
        f"No map at this level: the dashboard carries boundaries for councils and ITL1 regions only; the chart "
        f"and table show every {place.LEVELS[level].lower().rstrip('s')}."
    )


def ranked_figure():
    return place_charts.ranked_with_limits(
        view["charted"],
        unit=unit,
        chosen=d.area,
        benchmarks=view["benchmarks"],
        verdicts=dict(zip(view["table"]["area_code"], view["table"]["significance"])),
    )


render.chart(
    ranked_figure,
    cache=("explorer-rank", indicator_id, level, d.area, compare),
    title=f"{entry['name']}: {view['compare_label']}, best first",
    subtitle=f"{formatting.unit_label(unit)} · {period} · lines show 95% confidence limits"
    if entry["has_confidence_limits"]
    else f"{formatting.unit_label(unit)} · {period}",
    source=source,
    key="exp-rank",
    note=bench_note,
    unit=unit,
    period=period,
    table=lambda: view["charted"][
        [
            "rank",
            "area_code",
            "area_name",
            "value",
            "ci_lower",
            "ci_upper",
            "verdict",
            "marker",
            "status",
            "accuracy",
            "note",
        ]
    ],
)

with st.expander("About this indicator: source, caveats and benchmarks"):
    st.markdown(render.markdown_escape(f"Source: {entry['source']}. {entry['source_detail'] or ''}"))
    if entry["caveats"]:
        st.markdown(render.markdown_escape(f"Caveats: {entry['caveats']}"))
    st.markdown(
        "\n".join(
            f"- {render.markdown_escape(b.label)}: {formatting.value(b.value, unit)} ({b.method})"
            for b in view["benchmarks"]
        )
        or "No benchmark is published for this indicator."
    )
    if view["council"]:
        st.caption(similarity.METHOD)
