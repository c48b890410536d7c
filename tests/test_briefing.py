"""Briefing exports: chart images (kaleido and the browser-free fallback), the PPTX/PDF pack and the CLI.

Expected numbers come from the `indicators` functions themselves, never typed in. Uses the real warehouse.
"""

from __future__ import annotations

import io
import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE

from indicators.analysis import claims, fiscal, international, measures, place, productivity
from indicators.data import geography, memo
from indicators.data.db import query
from indicators.data.provenance import releases_for
from indicators.domain.claims import format_value
from indicators.domain.definition import DEFAULT, Definition, period_for
from indicators.domain.fiscal import total_place_functions
from indicators.domain.international import HEADLINE_PEERS
from indicators.domain.productivity import BASES
from indicators.exports import briefing, charts, figures
from indicators.views import european_peers

ROOT = Path(__file__).resolve().parents[1]
AREA = "E08000003"  # Manchester
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SLOW_FIXTURES = {"pack"}  # the whole pack for Manchester: its users are marked slow (conftest)
CAPTIONS = charts.Captions("title", "subtitle", "source")


# ------------------------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def claims_results(pack):
    """The published claims (reference table) and claims_check() as used by the pack (computed once: it is slow)."""
    return claims.claims().to_dict("records"), briefing.claims_rows()


@pytest.fixture(scope="module")
def progress_log():
    return []


@pytest.fixture(scope="module")
def pack(progress_log):
    return briefing.pack_content(AREA, progress=lambda f, m: progress_log.append((f, m)))


@pytest.fixture(scope="module")
def pptx_bytes(pack):
    return briefing.render_pptx(pack)


@pytest.fixture(scope="module")
def prs(pptx_bytes):
    return Presentation(io.BytesIO(pptx_bytes))


@pytest.fixture(scope="module")
def pdf_bytes(pack):
    return briefing.render_pdf(pack)


def _slides(prs, pack, section):
    return [(s, c) for s, c in zip(prs.slides, pack.slides) if c.section == section]


def _chart(slide):
    charts = [shape.chart for shape in slide.shapes if shape.has_chart]
    assert len(charts) == 1, "each chart slide carries exactly one native chart"
    return charts[0]


def _values(chart, index=0):
    return list(chart.plots[0].series[index].values)


def _shape_text(slide, name):
    return next(shape.text_frame.text for shape in slide.shapes if shape.name == name)


def _close(actual, expected):
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected):
        assert math.isclose(a, e, rel_tol=1e-9, abs_tol=1e-9), (a, e)


# ------------------------------------------------------------------------------------------------ PPTX


def test_slide_count_and_sections(prs, pack, claims_results):
    claims_slides = -(-len(claims_results[0]) // briefing.CLAIM_ROWS_PER_SLIDE)
    # title + headline + productivity (trend, decomposition, Core Cities) + scorecard + sector mix + tax and spend (2)
    # + peers + claims + cases
    assert len(prs.slides) == 1 + 1 + 3 + 1 + 1 + 2 + 1 + claims_slides + 1
    assert [s.section for s in pack.slides][:2] == ["title", "headline"]
    assert not [s for s in pack.slides if s.title.endswith("not included")], (
        "no section should be skipped for Manchester"
    )


def test_headline_chart_is_native_with_the_gap_on_each_basis(prs, pack):
    slide, content = _slides(prs, pack, "headline")[0]
    chart = _chart(slide)
    assert chart.chart_type == XL_CHART_TYPE.COLUMN_CLUSTERED
    expected = [productivity.gap(Definition(AREA, "council", key, "uk")).gap_pct for key in BASES]
    _close(_values(chart), expected)
    main = productivity.gap(Definition(AREA, "council", "hour", "uk"))
    assert f"{abs(main.gap_pct):.1f}%" in _shape_text(slide, "Headline")


def test_scorecard_slide_counts_and_lists_significant_results_first(prs, pack):
    from indicators.analysis import place

    ((slide, content),) = _slides(prs, pack, "scorecard")
    counts = place.significance_counts(AREA)
    card = place.scorecard_table(AREA)
    assert f"Of {len(card)} ONS subnational indicators" in content.headline
    assert f"{counts.get('better', 0)} are significantly better" in content.headline
    verdicts = [row[-1] for row in content.table[1:]]
    significant = sum(counts.get(k, 0) for k in ("better", "worse"))
    assert all(v.startswith("Significantly") for v in verdicts[: min(significant, len(verdicts))])
    table = next(shape.table for shape in slide.shapes if shape.has_table)
    assert table.cell(1, 2).text == content.table[1][2]


def test_sector_slide_chart_is_the_sector_mix(prs, pack):
    ((slide, content),) = _slides(prs, pack, "sectors")
    mix = place.sector_mix(AREA)
    chart = _chart(slide)
    assert chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
    assert list(chart.plots[0].categories) == mix["industry_name"].tolist()  # in SIC order from the top, as on the page
    _close(_values(chart, 0), mix["share_last"].tolist())
    _close(_values(chart, 1), mix["uk_share_last"].tolist())
    top = mix.loc[mix["lq_last"].idxmax(), "industry_name"]
    assert content.headline.startswith(f"{top} is")


def test_productivity_charts_match_indicators(prs, pack):
    (trend, _), (dec, _), (cities, _) = _slides(prs, pack, "productivity")
    series = productivity.gap_series(Definition(AREA, "council", "hour", "uk"))
    chart = _chart(trend)
    assert chart.chart_type == XL_CHART_TYPE.LINE_MARKERS
    assert list(chart.plots[0].categories) == [str(y) for y in series["year"]]
    _close(_values(chart, 0), series["value"].tolist())
    _close(_values(chart, 1), series["benchmark_value"].tolist())

    assert not any(shape.has_chart for shape in dec.shapes), "a waterfall has no native chart: it is a picture"
    (picture,) = [shape for shape in dec.shapes if shape.name == "Chart"]
    assert picture.shape_type == 13 and picture.image.blob.startswith(PNG_MAGIC)  # MSO_SHAPE_TYPE.PICTURE

    chart = _chart(cities)
    expected = productivity.core_cities_gap("hour", "council", "uk")["cities"]
    assert list(chart.plots[0].categories) == [c["city"] for c in expected]
    _close(_values(chart), [c["gap_pct"] for c in expected])


def _data(fig: go.Figure) -> list[dict]:
    return json.loads(fig.to_json())["data"]


def test_figures_are_the_charts_the_pages_draw(pack, pptx_bytes):
    """The productivity, decomposition, sector, European peers and spending-by-function slides draw the figure
    charts.py gives the pages for the same inputs (the captions differ: a slide's title and footer)."""
    d = pack.definition
    result = productivity.gap(Definition(AREA, d.geography, d.basis, d.benchmark))
    slides = [s for s in pack.slides if s.section == "productivity"]
    trend, decomposition = slides[0].chart, slides[1].chart
    page = charts.level_and_benchmark(
        productivity.gap_series(Definition(AREA, d.geography, d.basis, d.benchmark)),
        area_name=result.area_name,
        benchmark_name=result.benchmark_name,
        unit=BASES[d.basis].unit,
        captions=CAPTIONS,
    )
    assert _data(trend) == _data(page)
    year = period_for(productivity.available_years("hour"), d.year)  # the factors are per hour worked
    page = charts.decomposition_waterfall(
        *measures.waterfall_steps(AREA, d.geography, d.benchmark, year), captions=CAPTIONS
    )
    assert _data(decomposition) == _data(page)
    ((sectors,),) = [[s.chart for s in pack.slides if s.section == "sectors"]]
    name = geography.area_names()[AREA]
    page = charts.sector_bars(
        place.sector_mix(AREA), area_name=name, last_year=place.gva_years()[-1], captions=CAPTIONS
    )
    assert _data(sectors) == _data(page)
    ((peers,),) = [[s.chart for s in pack.slides if s.section == "peers"]]
    page = european_peers.peers(list(HEADLINE_PEERS), None, AREA).break_even.figure()  # the page's default view
    assert _data(peers) == _data(page)
    assert peers.layout.shapes == page.layout.shapes  # the ECB average's line too
    spending = [s.chart for s in pack.slides if s.section == "tax_spend"][-1]
    page = charts.total_place_bars(total_place_functions(fiscal.total_place(AREA)), captions=CAPTIONS)
    assert _data(spending) == _data(page) and len(page.data[0].y) > 5
    assert trend.layout.meta["title"] == slides[0].title  # the figure carries the slide's captions
    assert briefing.render_pptx(pack) == pptx_bytes  # the picture of the waterfall too: the same pack, the same bytes


def test_native_chart_from_a_figure_carries_its_categories_and_values():
    bars = go.Figure(
        [
            go.Bar(x=[1.5, 2.5], y=["a", "b<br>c"], orientation="h", name="Area"),
            go.Bar(x=[3.0, 4.0], y=["a", "b<br>c"], orientation="h", name="UK"),
        ]
    )
    bars.update_xaxes(title_text="% of GVA")
    chart = briefing.native_chart(bars, "0.0")
    # Plotly draws the first bar at the bottom; the native bar chart lists from the top
    assert (chart.kind, chart.categories, chart.series) == (
        "bar",
        ["b c", "a"],
        [("Area", [2.5, 1.5]), ("UK", [4.0, 3.0])],
    )
    assert (chart.value_title, chart.category_title, chart.number_format) == ("% of GVA", "", "0.0")
    bars.update_yaxes(autorange="reversed")
    assert briefing.native_chart(bars).categories == ["a", "b c"]

    lines = go.Figure([go.Scatter(x=[2021, 2022], y=[30.0, 31.5], name="Leeds", mode="lines+markers")])
    lines.update_layout(xaxis_title="Year", yaxis_title="£ per hour")
    chart = briefing.native_chart(lines, "#,##0.00")
    assert (chart.kind, chart.categories, chart.series) == ("line", ["2021", "2022"], [("Leeds", [30.0, 31.5])])
    assert (chart.value_title, chart.category_title) == ("£ per hour", "Year")

    waterfall = charts.decomposition_waterfall(["Productivity", "Total"], [-3.0, -3.0], captions=CAPTIONS)
    assert briefing.native_chart(waterfall) is None
    assert briefing.native_chart(go.Figure(go.Scatter(x=[1, 2], y=[3, 4], mode="markers"))) is None

    slides = [briefing.Slide("test", "Bars", "", "Source: test", "", chart=bars, number_format="0.0")]
    slides.append(briefing.Slide("test", "Waterfall", "", "Source: test", "", chart=waterfall))
    prs = Presentation(io.BytesIO(briefing.render_pptx(briefing.Pack("E0", "Test", DEFAULT, "2024-01-01", slides))))
    native = _chart(prs.slides[0])
    assert list(native.plots[0].categories) == ["a", "b c"]
    assert _values(native, 0) == [1.5, 2.5] and _values(native, 1) == [3.0, 4.0]
    assert native.plots[0].data_labels.number_format == "0.0"
    assert [shape.shape_type for shape in prs.slides[1].shapes if shape.name == "Chart"] == [13]  # a picture


def test_tax_spend_chart_matches_fiscal(prs, pack):

    row = next(r for r in fiscal.balance_rows() if r["area_code"] == AREA)
    slide, _ = _slides(prs, pack, "tax_spend")[0]
    _close(_values(_chart(slide)), [row["revenue_gbp_bn"], row["expenditure_gbp_bn"], row["net_balance_gbp_bn"]])
    assert "Estimate" in _shape_text(slide, "Headline")


def test_peers_chart_matches_international(prs, pack):
    slide, _ = _slides(prs, pack, "peers")[0]
    peers = international.peer_comparison()
    chart = _chart(slide)
    assert chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
    assert list(chart.plots[0].categories) == [f"{n} ({c})" for n, c in zip(peers["metro_name"], peers["country"])]
    _close(_values(chart), peers["break_even_eur_per_gbp"].tolist())
    assert chart.plots[0].data_labels.number_format == "0.00"


def test_claims_and_case_studies_are_native_tables(prs, pack, claims_results):
    published, checked = claims_results
    rows = []
    for slide, _ in _slides(prs, pack, "claims"):
        table = next(shape.table for shape in slide.shapes if shape.has_table)
        rows += [[table.cell(r, c).text for c in range(4)] for r in range(1, len(table.rows))]
    assert [r[0] for r in rows] == [c["claim"] for c in published] == [c["claim"] for c in checked]
    assert [r[1] for r in rows] == [format_value(c["value"], c["unit"]) for c in published]
    assert [r[2] for r in rows] == [
        "—" if c["recomputed"] is None else format_value(c["recomputed"], c["unit"]) for c in checked
    ]
    shown = " ".join(r[1] + " " + r[2] for r in rows)  # as a briefing prints them: £ and %, true minus signs
    assert "£53.0bn" in shown and "percent" not in shown and "GBP" not in shown and "-" not in shown
    assert [r[3] for r in rows] == [c["verdict"] for c in checked]
    slide, _ = _slides(prs, pack, "case_studies")[0]
    table = next(shape.table for shape in slide.shapes if shape.has_table)
    count = query("SELECT count(*) AS n FROM case_studies WHERE city = 'Manchester'")["n"].iloc[0]
    assert len(table.rows) - 1 == count == len(briefing.case_studies(AREA))


def test_every_slide_has_footer_with_source_and_vintage_and_notes(prs, pack):
    for slide, content in zip(prs.slides, pack.slides):
        footer = _shape_text(slide, "Footer")
        assert footer == content.footer and footer.startswith("Source: ")
        notes = slide.notes_slide.notes_text_frame.text
        assert notes == content.notes and len(notes) > 40
        assert slide.shapes.title.text == content.title
    slide, _ = _slides(prs, pack, "headline")[0]
    footer = _shape_text(slide, "Footer")
    for row in releases_for(["gva_per_hour", "hours_worked", "gva_current", "population"]):
        assert f"{row['publisher']}, {row['title']} ({row['release']})" in footer
        assert str(row["vintage"]) in footer
    assert "Definition: GVA per hour worked" in slide.notes_slide.notes_text_frame.text
    assert BASES["hour"].formula in slide.notes_slide.notes_text_frame.text


def test_title_slide_has_map_and_fixed_dates(prs, pack):
    pictures = [shape for shape in prs.slides[0].shapes if shape.shape_type == 13]  # MSO_SHAPE_TYPE.PICTURE
    assert len(pictures) == 1 and pictures[0].image.blob.startswith(PNG_MAGIC)
    props = prs.core_properties
    assert props.created.strftime("%Y-%m-%d") == pack.vintage_date == props.modified.strftime("%Y-%m-%d")
    latest = max(d for d in query("SELECT release_date FROM sources")["release_date"] if d)
    assert pack.vintage_date.startswith(latest[:7])


def test_progress_reports_rise_to_one(progress_log, pack):  # pack fills the log
    fractions = [f for f, _ in progress_log]
    assert fractions == sorted(fractions) and len(fractions) >= len(briefing.SECTIONS)
    seen = []
    briefing.build_pack(AREA, ("case_studies",), "pptx", progress=lambda f, m: seen.append(f))
    assert seen[-1] == 1.0 and seen == sorted(seen)


def test_same_inputs_give_identical_bytes():
    sections = ("headline", "peers", "case_studies")
    definition = {"basis": "job", "geography": "city-region", "benchmark": "uk-ex-london"}
    first = briefing.build_pack(AREA, sections, "pptx", definition)
    assert first == briefing.build_pack(AREA, sections, "pptx", definition)
    pdf = briefing.build_pack(AREA, sections, "pdf", definition)
    assert pdf == briefing.build_pack(AREA, sections, "pdf", definition)
    # the definition reaches the numbers: city-region per-job gap against the UK excluding London
    prs = Presentation(io.BytesIO(first))
    expected = productivity.gap(Definition(AREA, "city-region", "job", "uk-ex-london")).gap_pct
    assert math.isclose(_values(_chart(prs.slides[1]))[1], expected, rel_tol=1e-9)


def test_missing_section_becomes_a_note_slide(monkeypatch):
    from indicators.analysis import fiscal

    def broken(*args, **kwargs):
        raise AttributeError("balance_rows is not available")

    monkeypatch.setattr(fiscal, "balance_rows", broken)
    memo.clear()
    prs = Presentation(io.BytesIO(briefing.build_pack(AREA, ("tax_spend", "case_studies"), "pptx")))
    titles = [s.shapes.title.text for s in prs.slides]
    assert titles[1] == "Tax and spend: not included"
    assert "balance_rows is not available" in prs.slides[1].notes_slide.notes_text_frame.text
    assert titles[2].startswith("Manchester: Whole Place Leadership")
    monkeypatch.undo()
    memo.clear()


def test_any_local_authority_without_case_studies():
    code = next(
        c for c in geography.local_authorities()["lad_code"] if c not in set(geography.core_cities()["lad_code"])
    )
    assert briefing.case_studies(code) == []
    prs = Presentation(io.BytesIO(briefing.build_pack(code, ("case_studies",), "pptx")))
    assert len(prs.slides) == 2 and prs.slides[1].shapes.title.text == "Case studies: not included"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"sections": ("headline", "gossip")}, "unknown sections"),
        ({"fmt": "docx"}, "unknown briefing format"),
        ({"definition": {"basis": "per-cat"}}, "unknown basis"),
        ({"definition": {"colour": "red"}}, "unknown definition keys"),
    ],
)
def test_bad_arguments_raise_value_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        briefing.build_pack(AREA, **kwargs)


# ------------------------------------------------------------------------------------------------ PDF


def test_pdf_pages_render_and_are_not_blank(pdf_bytes, pack, tmp_path):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm not installed (apt-get install poppler-utils): PDF page rendering not checked")
    from PIL import Image

    assert pdf_bytes.startswith(b"%PDF") and briefing.render_pdf(pack) == pdf_bytes
    (tmp_path / "pack.pdf").write_bytes(pdf_bytes)
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(tmp_path / "pack.pdf"), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == len(pack.slides)
    for page in pages:
        image = Image.open(page).convert("L")
        dark = sum(1 for v in image.tobytes() if v < 200)
        assert dark > 0.005 * image.width * image.height, f"{page.name} looks blank"


# ------------------------------------------------------------------------------------------------ chart images


def _figure():
    fig = go.Figure(
        [
            go.Bar(x=["Leeds", "Manchester"], y=[-9.0, 2.2], name="Gap, %"),
            go.Scatter(x=["Leeds", "Manchester"], y=[0, 0], name="Benchmark", mode="lines"),
        ]
    )
    fig.update_layout(yaxis_title="% vs UK")
    return fig


LABELS = {
    "title": "Productivity gap",
    "subtitle": "GVA per hour worked · council areas · vs UK · 2022",
    "source": "Source: ONS, Subregional productivity (June 2024)",
    "date": "26 May 2026",
}


@pytest.mark.parametrize("fmt", figures.FORMATS)
def test_fallback_renderer_bakes_in_labels(fmt):
    data, engine = figures.render(_figure(), fmt, engine="matplotlib", **LABELS)
    assert engine == "matplotlib"
    if fmt == "png":
        assert data.startswith(PNG_MAGIC)
    else:
        text = data.decode("utf-8")
        for label in LABELS.values():
            assert label in text
    assert figures.render(_figure(), fmt, engine="matplotlib", **LABELS)[0] == data  # deterministic


def test_auto_falls_back_without_a_browser(monkeypatch, tmp_path):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-such-browser"))
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv(figures.ENGINE_ENV, raising=False)
    figures.kaleido_available.cache_clear()
    try:
        assert figures.image_engine("auto") == "matplotlib"
        data, engine = figures.render(_figure(), "png", **LABELS)
        assert engine == "matplotlib" and data.startswith(PNG_MAGIC)
    finally:
        figures.kaleido_available.cache_clear()


def test_failing_kaleido_falls_back_in_auto_and_raises_when_explicit(monkeypatch):
    def broken(*args):
        raise RuntimeError("browser crashed")

    monkeypatch.setattr(figures, "_kaleido", broken)
    monkeypatch.setattr(figures, "kaleido_available", lambda: True)
    monkeypatch.delenv(figures.ENGINE_ENV, raising=False)
    assert figures.render(_figure(), "svg", **LABELS)[1] == "matplotlib"
    with pytest.raises(RuntimeError, match="kaleido image export failed"):
        figures.render(_figure(), "svg", engine="kaleido", **LABELS)
    monkeypatch.setenv(figures.ENGINE_ENV, "matplotlib")
    assert figures.image_engine("auto") == "matplotlib"


def test_kaleido_renderer_bakes_in_labels():
    figures.kaleido_available.cache_clear()
    if not figures.kaleido_available():
        pytest.skip("no Chromium for kaleido (the matplotlib fallback is tested above)")
    data, engine = figures.render(_figure(), "svg", engine="kaleido", **LABELS)
    text = data.decode("utf-8")
    assert engine == "kaleido" and "<svg" in text
    for label in ("Productivity gap", "GVA per hour worked", "Subregional productivity", "26 May 2026"):
        assert label in text


def test_baked_figure_keeps_the_original_untouched():
    original = _figure()
    styled = figures.baked(original, **LABELS)
    assert original.layout.title.text is None
    assert styled.layout.title.subtitle.text == LABELS["subtitle"]
    assert LABELS["source"] in styled.layout.annotations[-1].text


def _served_map() -> go.Figure:
    """A map as the pages draw it: boundaries referenced by URL (fetched by the browser), the ten cities labelled."""
    values = measures.values("gva_per_hour", 2022, "lad")
    points = measures.core_city_points("gva_per_hour", 2022)
    fig = go.Figure(
        go.Choroplethmap(
            geojson=geography.boundaries_url("lad"),
            featureidkey="properties.area_code",
            locations=values["area_code"].to_numpy(),
            z=values["value"].to_numpy(),
        )
    )
    fig.add_trace(go.Scattermap(lon=points["lon"], lat=points["lat"], text=points["city"], mode="markers+text"))
    return fig


@pytest.mark.parametrize("engine", ["matplotlib", "auto"])
def test_a_map_drawn_from_served_boundaries_exports(engine):
    """The export reads the boundary file the chart references by URL (it broke the page before): PNG and SVG, with
    every Core City named in the SVG."""
    figures.kaleido_available.cache_clear()
    images = figures.chart_images(_served_map(), engine=engine, **LABELS)
    assert images["png"].startswith(PNG_MAGIC)
    svg = images["svg"].decode("utf-8")
    if engine == "matplotlib":
        for city in geography.core_cities()["city"]:
            assert city in svg, city
    assert isinstance(_served_map().data[0].geojson, str)  # the figure shown on screen is untouched


def test_a_map_naming_an_unknown_boundary_file_says_so():
    fig = go.Figure(go.Choroplethmap(geojson="app/static/elsewhere.geojson", locations=["E08000003"], z=[1]))
    with pytest.raises(ValueError, match="not a boundary file here"):
        figures.render(fig, "png", engine="matplotlib", **LABELS)


def test_map_image_is_browser_free_png():
    data = figures.lad_map_image(geography.member_lads(AREA), label="Manchester (E08000003)")
    assert data.startswith(PNG_MAGIC)


# ------------------------------------------------------------------------------------------------ command line


def _cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "indicators", "briefing", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_cli_writes_a_pack(tmp_path):
    out = tmp_path / "manchester.pdf"
    result = _cli("--area", AREA, "--out", str(out), "--sections", "headline,case_studies")
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF") and str(out) in result.stdout


def test_cli_bad_suffix_is_one_line_error(tmp_path):
    result = _cli("--area", AREA, "--out", str(tmp_path / "pack.docx"))
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0 and ".pptx or .pdf" in result.stderr
    assert not (tmp_path / "pack.docx").exists()


def test_labels_go_where_they_cover_no_other_point_or_label():
    # A's label to the right would cover B's point, so it goes left; B's is clear to the right
    assert figures.label_sides([0, 1], [0, 0], ["abcdefghij", "k"], char_deg=0.13, line_deg=0.28) == [
        "middle left",
        "middle right",
    ]
    # boxed in on both sides: above
    assert figures.label_sides([0, 1, -1], [0, 0, 0], ["abcdefghij", "k", "k"], 0.13, 0.28)[0] == "top center"


def test_one_extreme_area_does_not_flatten_a_map_colour_scale_and_is_named():
    scale = figures.colour_range([1, 2, 3, 4, 100, None], ["a", "b", "c", "d", "e", "f"])  # quartiles 2 and 4
    assert (scale.low, scale.high, scale.beyond) == (1, 4, (("e", 100.0),))
    assert figures.colour_range_note(scale, "£ per resident") == (
        "e (£100 per resident) lies far from the other areas, so the colours run from £1.00 per resident to "
        "£4.00 per resident and it takes the end colour."
    )
    assert figures.colour_range([1, 2, 3, 4, 15], list("abcde")).beyond == ()  # within six interquartile ranges
    assert figures.colour_range_note(figures.colour_range([1, 2, 3], list("abc")), "%") == ""


def test_map_labels_carry_a_halo_and_sit_apart():
    points = pd.DataFrame(
        {"lon": [-2.24, -2.98, -1.55], "lat": [53.48, 53.41, 53.80], "city": ["Manchester", "Liverpool", "Leeds"]}
    )
    trace = figures.map_labels(points)
    assert list(trace.text) == ["Manchester", "Liverpool", "Leeds"]
    assert "#fff" in trace.textfont.shadow and trace.mode == "markers+text"
    assert list(trace.textposition) == figures.label_sides(
        points["lon"].tolist(),
        points["lat"].tolist(),
        points["city"].tolist(),
        figures.MAP_CHAR_DEG,
        figures.MAP_LINE_DEG,
    )


def test_packs_prepared_at_build_time_are_served_for_exactly_their_request(tmp_path, monkeypatch):
    """`python -m indicators prepare-packs` keeps each Core City's full pack on the default definition under the data
    version; the page serves it only for that exact request (all sections, that format and definition)."""
    from indicators.data import db

    monkeypatch.setattr(briefing, "PACKS_DIR", tmp_path)
    monkeypatch.setattr(briefing, "build_pack", lambda area, sections, fmt, definition=None: f"{area}.{fmt}".encode())
    stale = tmp_path / "0123456789abcdef"
    stale.mkdir()
    year = productivity.available_years("hour")[-1]
    paths = briefing.prepare_packs(["E08000003"], ("pptx",), log=lambda line: None)
    assert paths == [tmp_path / db.data_version() / f"E08000003-council-hour-uk-{year}.pptx"]
    assert not stale.exists()  # packs of another data version are removed
    page_request = {"geography": "council", "basis": "hour", "benchmark": "uk", "year": year}
    assert briefing.prepared_pack("E08000003", briefing.SECTIONS, "pptx", page_request) == b"E08000003.pptx"
    assert briefing.prepared_pack("E08000003", briefing.SECTIONS, "pptx") == b"E08000003.pptx"  # latest year = default
    assert briefing.prepared_pack("E08000003", briefing.SECTIONS[:2], "pptx", page_request) is None
    assert briefing.prepared_pack("E08000003", briefing.SECTIONS, "pdf", page_request) is None
    assert briefing.prepared_pack("E08000003", briefing.SECTIONS, "pptx", {**page_request, "basis": "head"}) is None
    assert briefing.prepared_pack("E08000025", briefing.SECTIONS, "pptx", page_request) is None


def test_pdf_tables_stay_above_the_notes(pack):
    """Every table page of the PDF keeps its table inside its box: no row runs into the notes and sources."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    tables = [(n, s) for n, s in enumerate(pack.slides, 1) if s.table is not None]
    assert len(tables) >= 4
    for number, slide in tables:
        page = briefing._pdf_page(slide, number, len(pack.slides))
        canvas = FigureCanvasAgg(page)
        canvas.draw()
        (box,) = [ax for ax in page.axes if ax.tables]
        drawn = box.tables[0]
        assert drawn.get_window_extent(canvas.get_renderer()).y0 >= box.get_window_extent().y0 - 1, slide.title
        columns = {column for _, column in drawn.get_celld()}
        assert len(columns) == len(slide.table[0]), slide.title  # every column drawn
