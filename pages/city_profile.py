"""City profile: every measure for the chosen area against the benchmark, with trends, sentences, the gap
decomposition and the city's case studies."""

import streamlit as st

from indicators import measures, place
from indicators.data import case_studies, geography
from indicators.domain import formatting, similarity
from indicators.exports import briefing, place_charts
from ui import render, state

d = state.current()
name = measures.city_name(d.area)
bench_label = state.benchmark_label(d.benchmark)
st.title(f"{name} ({d.area})")
st.caption(f"Definition: {d.label}. Choose another area, geography or benchmark in the sidebar.")

try:
    view = measures.profile_view(d.area, d.benchmark, d.year, d.geography)
except ValueError as problem:
    st.warning(f"This profile can't be shown: {problem}")
    st.stop()
table, shown = view["table"], view["shown"]
if table.empty:
    st.warning("No measures are available for this area on this definition.")
    st.stop()

st.header("In a sentence")
st.markdown("\n".join(f"- {text}" for text in measures.sentences(d.area, d.geography, d.benchmark, d.year)))

headline = table[table["measure"].isin(measures.HEADLINE)]
columns = st.columns(len(headline))
for column, row in zip(columns, headline.itertuples()):
    column.metric(
        f"{row.name} ({row.period})",
        formatting.headline(row.value, row.unit),
        delta=f"{row.gap_text} vs {bench_label}",
        border=True,
        **render.delta_style(row.gap_pct, row.polarity),
        help=f"{formatting.value(row.value, row.unit)}. {name}: {row.area_method}. {row.benchmark_name}: "
        f"{formatting.value(row.benchmark_value, row.unit)}, {row.method}."
        + (f" Coverage: {row.coverage_note}." if row.coverage_note else ""),
    )

sw = view["strengths"]
left, right = st.columns(2)
left.markdown("**Strengths** (furthest better than the benchmark)")
for item in sw["strengths"] or [{"name": "none on this definition", "gap_pct": None}]:
    left.markdown(
        f"- ▲ {item['name']}" + (f": {item['gap_text']} ({item['period']})" if item["gap_pct"] is not None else "")
    )
right.markdown("**Weaknesses** (furthest worse than the benchmark)")
for item in sw["weaknesses"] or [{"name": "none on this definition", "gap_pct": None}]:
    right.markdown(
        f"- ▼ {item['name']}" + (f": {item['gap_text']} ({item['period']})" if item["gap_pct"] is not None else "")
    )

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
render.decomposition_section(
    d.area, d.geography, d.benchmark, d.year, name=name, benchmark_label=bench_label, key="profile-waterfall"
)

council = d.area in geography.lad_code_set()
council_name = geography.area_names().get(d.area, d.area)
st.header(f"{council_name}: the whole place")
card = place.scorecard_table(d.area) if council else None
if card is None or card.empty:
    st.caption("The whole-place scorecard is drawn for councils.")
else:
    counts = place.significance_counts(d.area)
    st.markdown(
        f"Every indicator of the ONS Subnational indicators release published for {render.markdown_escape(council_name)}"
        f" ({len(card)}), grouped by theme, tested against the national figure where ONS gives 95% confidence "
        f"limits: **{counts.get('better', 0)} significantly better, {counts.get('similar', 0)} similar, "
        f"{counts.get('worse', 0)} significantly worse**, {counts.get('not tested', 0)} not tested."
    )
    render.chart(
        lambda: place_charts.spine(place.scorecard(d.area), area_name=council_name),
        cache=("spine", d.area),
        title=f"{council_name} scorecard: every indicator against all councils",
        subtitle="Each row on its own scale: better to the right; the centre line is the national figure; "
        "bars show the range of all councils (light) and their middle half (dark); ◇ Core Cities median",
        source=place.source_line(card["indicator_id"].iloc[0]),
        key="profile-spine",
        note="Shapes: ▲ significantly better, ▼ significantly worse, ● similar, ○ not tested (no confidence "
        "limits). Significance: the area's 95% confidence interval lies wholly above or below the "
        "national figure. Counts and £ million totals, which mostly reflect size, are in the table only; "
        "where no national figure is published the centre is the median council.",
        table=lambda: card.drop(
            columns=["indicator_id", "unit", "value", "ci_lower", "ci_upper", "benchmark_value", "significance"]
        ),
    )

    st.subheader("Sector mix")
    years = place.gva_years()
    render.chart(
        lambda: place_charts.sector_bars(place.sector_mix(d.area), area_name=council_name, last_year=years[-1]),
        cache=("sectors", d.area),
        title=f"{council_name}: share of GVA by industry against the UK, {years[-1]}",
        subtitle=f"% of gross value added (current prices), SIC 2007 sections; UK = {place.uk_coverage(years[-1])}",
        source="Source: ONS, Regional gross value added (balanced) by industry: local authorities by ITL1 "
        "region (April 2025), Table 3.",
        key="profile-sectors",
        table=lambda: place.sector_table(d.area),
        note=f"Location quotient = the area's share ÷ the UK's share (above 1: more concentrated than the UK). "
        f"The table gives {years[0]} shares and the change since.",
    )

    st.subheader("Statistical neighbours")
    near = place.neighbours(d.area)
    st.markdown(
        f"The {len(near)} councils most like {render.markdown_escape(council_name)}: "
        + ", ".join(render.markdown_escape(n) for n in near["area_name"])
        + "."
    )
    with st.expander("How the neighbours are found"):
        st.markdown(render.markdown_escape(similarity.METHOD))
        st.dataframe(
            similarity.method_table(),
            hide_index=True,
            column_config={"characteristic": "Characteristic", "weight": "Weight"},
        )
        st.dataframe(
            near,
            hide_index=True,
            column_config={"area_code": "Code", "area_name": "Council", "distance": "Distance (0 = identical)"},
        )


st.header(f"{name}: Whole Place Leadership case studies")
city = name if d.area in measures.core_city_codes("lad") else None
cases = case_studies.case_studies([city]) if city else None
if cases is None or cases.empty:
    st.caption("Case studies exist for the ten Core Cities only.")
else:
    st.dataframe(
        cases[["project", "policy_area", "featured_figures"]],
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
    list(briefing.SECTIONS),
    default=list(briefing.SECTIONS),
    format_func=briefing.SECTION_TITLES.get,
    key="pack-sections",
)
fmt = st.radio("Format", list(briefing.FORMATS), format_func=str.upper, horizontal=True, key="pack-format")
if st.button("Prepare briefing pack", key="pack-build", disabled=not sections):
    bar = st.progress(0.0, text="Starting")
    definition = {"geography": d.geography, "basis": d.basis, "benchmark": d.benchmark, "year": d.year}
    try:
        data = briefing.prepared_pack(d.area, sections, fmt, definition) or render.prepared_export(
            ("pack", d.area, tuple(sections), fmt, tuple(definition.items())),
            lambda: briefing.build_pack(
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
            briefing.filename(d.area, fmt),
            briefing.MIME[fmt],
            key="pack-download",
        )
render.how_calculated(measures.provenance(measures.HEADLINE[0]), "profile-how")
