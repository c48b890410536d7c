"""City profile: every measure for the chosen area against the benchmark, with trends, sentences, the gap
decomposition and the city's case studies."""

import streamlit as st

from indicators.views import city_profile as view
from ui import render, state

d = state.current()
name = view.area_name(d.area)
bench_label = state.benchmark_label(d.benchmark)
st.title(f"{name} ({d.area})")
st.caption(f"Definition: {state.definition_label(d)}. Choose another area, geography or benchmark in the sidebar.")

found = view.profile(d, bench_label)
if found.problem:
    st.warning(found.problem)
    st.stop()
shown = found.shown

st.header("In a sentence")
st.markdown("\n".join(f"- {text}" for text in found.sentences))

for column, tile in zip(st.columns(len(found.tiles)), found.tiles):
    column.metric(
        tile.label,
        tile.value,
        delta=tile.delta,
        border=True,
        **render.delta_style(tile.gap, tile.polarity),
        help=tile.help,
    )

left, right = st.columns(2)
left.markdown("**Strengths** (furthest better than the benchmark)")
for line in found.strengths:
    left.markdown(line)
right.markdown("**Weaknesses** (furthest worse than the benchmark)")
for line in found.weaknesses:
    right.markdown(line)

st.header(f"Every measure against {bench_label}")
st.dataframe(
    shown[
        [
            "name",
            "period",
            "value_text",
            "benchmark_name",
            "benchmark_text",
            "gap_text",
            "share_text",
            "verdict",
            "trend",
            "area_method",
            "method",
            "coverage_note",
        ]
    ],
    hide_index=True,
    width="stretch",
    column_config={
        "name": "Measure",
        "period": "Period",
        "value_text": name,
        "benchmark_name": "Benchmark",
        "benchmark_text": "Benchmark value",
        "gap_text": st.column_config.TextColumn("Gap", help="Per cent of the benchmark; percentage points for rates"),
        "share_text": st.column_config.TextColumn("Share of benchmark", help="For totals"),
        "verdict": st.column_config.TextColumn("Better or worse", help="By the measure's polarity"),
        "trend": st.column_config.LineChartColumn("Trend (gap %, or total)", help="Every year with data"),
        "area_method": st.column_config.TextColumn(f"How {name}'s figure was obtained"),
        "method": st.column_config.TextColumn("How the benchmark's figure was obtained"),
        "coverage_note": st.column_config.TextColumn(
            "Coverage", help="What a derived figure lacks; blank when complete"
        ),
    },
)
render.downloads(
    shown[
        [
            "name",
            "unit",
            "period",
            "value",
            "benchmark_name",
            "benchmark_value",
            "gap_pct",
            "gap_text",
            "share_pct",
            "verdict",
            "area_method",
            "method",
            "coverage_note",
        ]
    ],
    render.slug(f"profile {name} {d.benchmark} {d.year}"),
    "profile-table",
)

st.header("Where the GVA-per-head gap comes from")
try:
    render.chart(**view.waterfall(d).args(), key="profile-waterfall")
except ValueError as problem:
    st.info(str(problem))

whole = view.whole_place(d.area)
council_name = whole.council_name
st.header(f"{council_name}: the whole place")
if whole.card is None:
    st.caption("The whole-place scorecard is drawn for councils.")
else:
    counts = whole.counts
    st.markdown(
        "Every indicator of the ONS Subnational indicators release published for "
        f"{render.markdown_escape(council_name)} ({len(whole.card)}), grouped by theme, tested against the national "
        "figure where ONS gives 95% confidence "
        f"limits: **{counts.get('better', 0)} significantly better, {counts.get('similar', 0)} similar, "
        f"{counts.get('worse', 0)} significantly worse**, {counts.get('not tested', 0)} not tested."
    )
    render.chart(**whole.spine.args(), key="profile-spine")

    st.subheader("Sector mix")
    render.chart(**whole.sectors.args(), key="profile-sectors")

    st.subheader("Statistical neighbours")
    near = whole.neighbours
    st.markdown(
        f"The {len(near)} councils most like {render.markdown_escape(council_name)}: "
        + ", ".join(render.markdown_escape(n) for n in near["area_name"])
        + "."
    )
    with st.expander("How the neighbours are found"):
        st.markdown(render.markdown_escape(view.NEIGHBOURS_METHOD))
        st.dataframe(
            view.neighbours_method_table(),
            hide_index=True,
            column_config={"characteristic": "Characteristic", "weight": "Weight"},
        )
        st.dataframe(
            near,
            hide_index=True,
            column_config={"area_code": "Code", "area_name": "Council", "distance": "Distance (0 = identical)"},
        )


st.header(f"{name}: Whole Place Leadership case studies")
cases = view.city_case_studies(d.area)
if cases is None:
    st.caption("Case studies exist for the ten Core Cities only.")
else:
    st.dataframe(
        cases,
        hide_index=True,
        width="stretch",
        column_config={"project": "Project", "policy_area": "Policy area", "featured_figures": "Figures quoted"},
    )
    st.caption("Source: Core Cities UK, Whole Place Leadership (2016).")

st.header("Briefing pack")
st.caption(
    "Slides with native, editable PowerPoint charts, sources and speaker notes, on the definitions chosen in the "
    "sidebar; or the same pack as PDF."
)
sections = st.multiselect(
    "Sections",
    list(view.PACK_SECTIONS),
    default=list(view.PACK_SECTIONS),
    format_func=view.PACK_SECTION_TITLES.get,
    key="pack-sections",
)
fmt = st.radio("Format", list(view.PACK_FORMATS), format_func=str.upper, horizontal=True, key="pack-format")
if st.button("Prepare briefing pack", key="pack-build", disabled=not sections):
    bar = st.progress(0.0, text="Starting")
    definition = view.pack_definition(d)
    try:
        data = view.prepared_pack(d.area, sections, fmt, definition) or render.prepared_export(
            ("pack", d.area, tuple(sections), fmt, tuple(definition.items())),
            lambda: view.build_pack(
                d.area, tuple(sections), fmt, definition, progress=lambda f, m: bar.progress(f, text=m)
            ),
        )
    except render.ExportRefused as refused:
        st.warning(str(refused), icon=render.WAIT_ICON)
    except ValueError as problem:
        st.warning(f"The pack could not be built: {problem}")
    else:
        bar.progress(1.0, text="Ready")
        st.download_button(
            f"Download briefing pack ({fmt.upper()})",
            data,
            view.pack_filename(d.area, fmt),
            view.PACK_MIME[fmt],
            key="pack-download",
        )
render.how_calculated(view.provenance(), "profile-how")
