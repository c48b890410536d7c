"""The exploration pages (Overview, Map, Compare, City profile, Productivity gap) run inside the frame (app.py).

Expected numbers come from `indicators` functions, never typed in.
"""

import base64
import json
from pathlib import Path

import numpy as np
import pytest
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from indicators.analysis import measures, productivity
from indicators.data import case_studies, geography
from indicators.domain import formatting
from indicators.domain.definition import Definition
from indicators.exports import figures
from indicators.views import indicator_explorer as explorer_view
from indicators.views import map as map_view
from indicators.views import overview as overview_view

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture(autouse=True)
def frame(monkeypatch):
    """Clear Streamlit caches, and stop AppTest treating the `pages/` folder as an old-style multipage app
    (which runs a switched-to page without the frame): the real app always calls st.navigation."""
    st.cache_data.clear()
    st.cache_resource.clear()
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


def run(page: str, footer: bool = True, **params) -> AppTest:
    """The app with `params` in the URL, switched to `page` inside the frame; no exception, and the frame's footer
    drawn unless the page is expected to stop early (`footer=False`)."""
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.first_notices = " ".join(i.value for i in at.info)  # the frame shows link notices once, on the first run
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    assert not footer or any(c.value.startswith("Sources:") for c in at.caption), "the frame's footer is missing"
    return at


def spec(at: AppTest, i: int) -> dict:
    return json.loads(at.get("plotly_chart")[i].proto.spec)


def arr(value) -> list:
    """A Plotly JSON array: plain list, or a typed array {'dtype', 'bdata', 'shape'} (flattened)."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"])).tolist()
    if value and isinstance(value[0], list):
        return [v for row in value for v in row]
    return list(value)


def metrics(at: AppTest) -> dict:
    return {m.label: m.value for m in at.metric}


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_overview_headline_tiles_map_and_sentences():
    at = run("pages/overview.py")
    year = productivity.available_years("hour")[-1]
    expected = productivity.core_cities_gap("hour", "council", "uk", year)
    shown = metrics(at)
    assert shown[f"Productivity gap, {year}"] == formatting.gbp_bn(expected["gap_gbp"] / 1e9) + " a year"
    assert (
        shown[f"Sum of city shortfalls, {year}"]
        == formatting.gbp_bn(expected["sum_of_shortfalls_gbp"] / 1e9) + " a year"
    )
    assert all(len(label) <= 34 for label in shown)  # what a third-width tile shows on a 1366 px laptop
    assert any("As claimed: £66.0bn a year" in c.value for c in at.caption)
    assert any("As claimed: £53.0bn a year" in c.value for c in at.caption)
    tax_tile = [label for label in shown if label.startswith("Tax-spend gap")]
    assert tax_tile  # a figure, or "estimate not available yet"
    figure = spec(at, 0)
    assert [t["type"] for t in figure["data"]] == ["choropleth"] * 3 + ["scattergeo"]  # SVG map: no glyph server
    values = measures.values("gva_per_hour", year, "lad")
    assert len(figure["data"][0]["locations"]) == len(values)
    assert sorted(figure["data"][1]["locations"]) == sorted(measures.core_city_codes("lad"))
    assert figure["data"][2]["locations"] == ["E08000025"]  # the area chosen in the sidebar, outlined in black
    labels = figure["data"][3]
    points = measures.core_city_points("gva_per_hour", year)
    assert dict(zip(arr(labels["text"]), arr(labels["textposition"]))) == dict(
        zip(
            points["city"],
            figures.label_sides(
                points["lon"].tolist(),
                points["lat"].tolist(),
                points["city"].tolist(),
                figures.MAP_CHAR_DEG,
                figures.MAP_LINE_DEG,
            ),
        )
    )  # all ten, crowded ones apart
    assert len(set(arr(labels["textposition"]))) > 1 and "#fff" in labels["textfont"]["shadow"]  # with a halo
    assert figure["layout"]["geo"]["fitbounds"] == "locations"  # the whole UK, Shetland included
    text = markdown(at)
    for sentence in measures.city_sentences(Definition(year=year))["sentence"]:
        assert sentence in text
    assert f"**{measures.city_sentences(Definition(year=year))['sentence'][0]}**" in text  # Birmingham, chosen


def test_profile_manchester_per_head_council_uk():
    at = run("pages/city_profile.py", area="E08000003", basis="head", geo="council", bench="uk", year="2022")
    result = productivity.gap(Definition("E08000003", "council", "head", "uk", 2022))
    shown = {m.label: (m.value, m.proto.delta) for m in at.metric}
    assert shown["GVA per head (2022)"] == (
        formatting.gbp(result.value),
        f"{formatting.percent(result.gap_pct, signed=True)} vs UK (less Extra-Regio)",
    )
    table = next(df.value for df in at.dataframe if "value_text" in df.value.columns)
    assert formatting.value(result.value, "£ per resident") in table["value_text"].tolist()
    assert not table.isin(["None", "nan"]).any().any()
    text = markdown(at)
    for sentence in measures.sentences(Definition("E08000003", "council", "head", "uk", 2022)):
        assert sentence in text
    waterfall = spec(at, 0)["data"][0]
    parts = productivity.decomposition(Definition("E08000003", "council", benchmark="uk", year=2022))
    assert waterfall["type"] == "waterfall"
    assert arr(waterfall["y"]) == pytest.approx(parts["log_points"].tolist())
    projects = set(case_studies.case_studies(["Manchester"])["project"])
    assert any(projects <= set(df.value["project"]) for df in at.dataframe if "project" in df.value.columns)


def test_productivity_gap_leeds_per_hour_city_region_uk_ex_london():
    at = run(
        "pages/productivity_gap.py",
        area="E08000035",
        basis="hour",
        geo="city-region",
        bench="uk-ex-london",
        year="2022",
    )
    result = productivity.gap(Definition("E08000035", "city-region", "hour", "uk-ex-london", 2022))
    shown = metrics(at)
    assert shown["Leeds, 2022"] == formatting.gbp(result.value)  # £ per hour: pence kept below £100
    assert shown["Shortfall, £ a year"] == formatting.gbp_bn(result.gap_gbp / 1e9)
    heatmap = spec(at, 0)["data"][0]
    grid = measures.definitions_grid("E08000035", 2022)
    assert heatmap["type"] == "heatmap"
    assert sorted(arr(heatmap["z"])) == pytest.approx(sorted(grid["gap_pct"]))
    plan = productivity.scenario(Definition("E08000035", "city-region", "hour", "uk-ex-london", 2022), 2035, 10)
    assert shown["Extra growth to close by 2035"] == f"{plan['growth_premium_pct_points']:.1f} points a year"
    assert plan["verdict"] in markdown(at) and plan["verdict"].endswith(".")


def test_chart_table_alternative_is_built_when_opened_and_equals_the_chart_data():
    at = run("pages/productivity_gap.py", area="E08000035", basis="hour", geo="council", bench="uk", year="2022")
    assert len(at.dataframe) == 0  # closed tables cost nothing on a rerun
    assert [b.label for b in at.download_button] == ["Data CSV", "Data JSON"] * 4  # every chart offers its data
    labels = [e.label for e in at.expander]
    assert "Table: Leeds: productivity gap (%) on 3 bases × 2 geographies × 3 benchmarks" in labels
    at.session_state["gap-grid-table"] = True  # what opening the expander in the browser sends
    at.run()
    shown = at.dataframe[0].value
    grid = measures.definitions_grid("E08000035", 2022)
    assert shown["gap_pct"].tolist() == pytest.approx(grid["gap_pct"].tolist())
    table_files = [b.label for b in at.download_button if b.label.startswith("Download")]
    assert table_files == ["Download CSV", "Download XLSX"]
    assert len(at.get("plotly_chart")) == 4  # the page is otherwise unchanged


def test_profile_of_a_non_core_council():
    at = run("pages/city_profile.py", area="E06000001", basis="job", geo="council", bench="core-cities")
    assert at.title[0].value.startswith("Hartlepool (E06000001)")
    assert any("Case studies exist for the ten Core Cities only" in c.value for c in at.caption)


def test_map_city_regions_values_and_outlines():
    at = run("pages/map.py", level="city_region", measure="gva_per_head", year="2022")
    figure = spec(at, 0)
    expected = measures.values("gva_per_head", 2022, "city_region")
    base, shaded, outlined, labels = figure["data"]
    assert sorted(arr(base["locations"])) == sorted(measures.label_points("itl1")["area_code"])  # the UK under them
    assert dict(zip(arr(shaded["locations"]), arr(shaded["z"]))) == pytest.approx(
        dict(zip(expected["area_code"], expected["value"]))
    )
    assert len(outlined["locations"]) == 10  # Core City regions outlined
    assert sorted(arr(labels["text"])) == sorted(geography.core_cities()["city"])  # and named
    assert at.query_params["level"] == "city_region"


def test_compare_english_core_cities_preset():
    at = run("pages/compare.py", area="E08000035", preset="english-core", measure="gva_per_hour", year="2022")
    bars = spec(at, 0)["data"][0]
    expected = measures.ranking("gva_per_hour", 2022, "lad", measures.peers("E08000035", "english-core"))
    assert arr(bars["x"]) == pytest.approx(expected["value"].tolist())
    assert len(bars["y"]) == 8
    assert len(at.get("plotly_chart")) == 4  # ranking, time series, scatter, distribution


def test_compare_follows_the_sidebar_basis_and_names_a_hand_made_pick_custom():
    at = run("pages/compare.py", area="E08000035", basis="job", geo="city-region", year="2022")
    assert at.selectbox(key="cmp_measure").value == "gva_per_job"  # the sidebar's basis
    assert at.selectbox(key="cmp_xmeasure").value == "gva_per_hour"  # never the same measure twice
    assert any("city-region geography does not apply here" in c.value for c in at.caption)  # says why not
    bars = spec(at, 0)["data"][0]
    ranked = measures.ranking("gva_per_job", 2022, "lad", measures.peers("E08000035", "core"))
    assert arr(bars["text"])[0] == formatting.gbp(ranked["value"][0])  # short enough to sit beside a bar on a phone
    assert arr(bars["y"])[0] == f"{measures.city_name(ranked['area_code'][0])} (rank {ranked['rank'][0]})"
    assert bars["textposition"] == "outside" and bars["cliponaxis"] is False  # dark labels beside the bars
    at.multiselect(key="cmp_areas").set_value(["E08000035", "E08000019"]).run()
    assert at.selectbox(key="cmp_preset").value == "custom"  # the label no longer claims "Core Cities"
    at.radio(key="basis").set_value("head").run()
    assert at.selectbox(key="cmp_measure").value == "gva_per_head"


def test_compare_scatter_and_strip_are_not_flattened_by_the_city_of_london():
    at = run("pages/compare.py", measure="gva_per_head", xmeasure="gdhi_per_head", year="2022")
    scatter, strip = spec(at, 2), spec(at, 3)
    pair = measures.pair("gdhi_per_head", "gva_per_head", 2022, "lad")
    y_scale = figures.colour_range(pair["y"], pair["area_name"])
    assert "City of London" in dict(y_scale.beyond)
    assert scatter["layout"]["yaxis"]["range"] == pytest.approx(figures.padded_range(y_scale.low, y_scale.high))
    assert strip["layout"]["xaxis"]["range"][1] < pair["y"].max()
    assert any("stop short of" in c.value and "City of London" in c.value for c in at.caption)


def test_the_sidebar_draws_only_the_definitions_a_page_reads():
    at = run("pages/map.py", geo="city-region", basis="job")
    assert [s.key for s in at.sidebar.selectbox] == ["year"] and not at.sidebar.radio
    assert any("Not used on this page: Area, geography, basis, benchmark." in c.value for c in at.sidebar.caption)
    at.switch_page("pages/productivity_gap.py").run()  # the hidden choices were kept
    assert at.radio(key="geography").value == "city-region" and at.radio(key="basis").value == "job"


def test_deep_link_reproduces_the_definition():
    params = {"area": "E08000021", "basis": "job", "geo": "city-region", "bench": "core-cities", "year": "2019"}
    at = run("pages/productivity_gap.py", **params)
    for key, value in params.items():
        assert at.query_params[key] == value
    result = productivity.gap(Definition("E08000021", "city-region", "job", "core-cities", 2019))
    assert metrics(at)["Newcastle, 2019"] == formatting.gbp(result.value)


@pytest.mark.parametrize(
    "page",
    ["pages/overview.py", "pages/map.py", "pages/compare.py", "pages/city_profile.py", "pages/productivity_gap.py"],
)
def test_invalid_parameters_fall_back_with_a_notice(page):
    at = run(page, basis="xyz", year="1066", area="<script>alert(1)</script>", measure="'; DROP TABLE x", level="moon")
    notices = at.first_notices
    assert "basis" in notices and "area" in notices and "year" in notices
    assert at.session_state["basis"] == "hour" and at.session_state["area"] == "E08000025"
    assert at.query_params["basis"] == "hour" and "script" not in at.query_params["area"]
    if page == "pages/map.py":
        assert "measure" in " ".join(i.value for i in at.info) and at.query_params["measure"] == "gva_per_hour"


def test_profile_offers_the_briefing_pack():
    at = run("pages/city_profile.py", area="E08000003", basis="head", year="2023")
    at.multiselect(key="pack-sections").set_value(["headline"])
    at.radio(key="pack-format").set_value("pptx")
    at.button(key="pack-build").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert "Download briefing pack (PPTX)" in [b.label for b in at.get("download_button")]


@pytest.mark.parametrize("level", ["lad", "city_region", "itl1"])
def test_map_update_stays_small_by_referencing_boundaries(level):
    """The map references its boundary file by URL (served from static/), so an update carries values only."""
    at = run("pages/map.py", level=level)
    chart = at.get("plotly_chart")[0].proto.spec
    assert len(chart.encode()) <= 150_000
    trace = json.loads(chart)["data"][0]
    assert trace["geojson"].startswith("app/static/") and "?v=" in trace["geojson"]
    served = Path(__file__).resolve().parents[1] / "static" / trace["geojson"].removeprefix("app/static/").split("?")[0]
    assert json.loads(served.read_text())["features"]


def test_figures_say_how_they_were_obtained():
    """Published first, on screen: the gap page's tooltips say which figure is ONS's own, a derived city region says
    from how many councils, and a later release is named beside it, never mixed in."""
    at = run("pages/productivity_gap.py", area="E06000018", basis="hour", geo="city-region", bench="uk", year="2022")
    result = productivity.gap(Definition("E06000018", "city-region", "hour", "uk", 2022))
    helps = {m.label: m.proto.help for m in at.metric}
    assert helps["Nottingham, 2022"] == f"GVA per hour worked (£ per hour), {result.area_name}: {result.method}."
    assert helps[result.benchmark_name] == f"{result.benchmark_name}: {result.benchmark_method}."
    assert result.method == "derived from 17 of 17 councils" and result.benchmark_method == "as published"
    assert any(c.value == f"Coverage: {result.coverage_note}." for c in at.caption)


def test_overview_names_the_method_of_the_headline_and_map():
    at = run("pages/overview.py", basis="head", year="2023")
    headline = productivity.core_cities_gap("head", "council", "uk", 2023)
    captions = [c.value for c in at.caption]
    assert (
        f"Core Cities: {headline['method']}. {headline['benchmark_name']}: {headline['benchmark_method']}." in captions
    )
    values = measures.values("gva_per_head", 2023, "lad")
    assert any(c.startswith(measures.coverage_caption(values)) for c in captions)


def test_profile_table_carries_method_and_coverage_columns():
    at = run("pages/city_profile.py", area="E08000025", basis="head", geo="council", bench="uk", year="2023")
    table = next(df.value for df in at.dataframe if "area_method" in df.value.columns)
    expected = measures.profile(Definition("E08000025", "council", "head", "uk", 2023)).set_index("name")
    shown = table.set_index("name")
    assert shown.loc["GDP per head", "coverage_note"] == expected.loc["GDP per head", "coverage_note"]
    assert "derived from 350 of 361 councils" in shown.loc["GDP per head", "coverage_note"]
    assert shown.loc["GVA per head", "area_method"] == "as published for TLG31 (made of the same councils)"


@pytest.mark.slow
def test_map_image_export_from_the_overview_works():
    """'Prepare PNG and SVG images' on a map once broke the page (the boundary file is referenced by URL)."""
    at = run("pages/overview.py")
    at.session_state["overview-map-table"] = True
    at.run()
    at.button(key="overview-map-images").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert {"Download PNG", "Download SVG"} <= {b.label for b in at.get("download_button")}
    assert not any("can't be shown" in w.value for w in at.warning)


def test_a_council_outside_any_city_region_is_shown_as_a_council_with_a_notice():
    """Cornwall is in no combined authority: asking for its city region shows the council, and says so."""
    at = run("pages/productivity_gap.py", area="E06000052", geo="city-region", basis="hour", year="2022")
    assert any("in no combined authority or city region, so council figures are shown" in i.value for i in at.info)
    result = productivity.gap(Definition("E06000052", "council", "hour", "uk", 2022))
    assert metrics(at)[f"{result.area_name}, 2022"] == formatting.gbp(result.value)
    assert not at.warning


@pytest.mark.parametrize(
    "page, params, built",
    [
        (
            "pages/overview.py",
            {"area": "E08000003", "year": "2022"},
            lambda: overview_view.uk_map(Definition(area="E08000003", year=2022)).figure(),
        ),
        (
            "pages/map.py",
            {"level": "lad", "measure": "employment_rate", "year": "2022"},
            lambda: map_view.measure_map("employment_rate", 2022, "lad").chart.figure(),
        ),
        (
            "pages/indicator_explorer.py",
            {"area": "E08000025", "indicator": "healthy_life_expectancy_female"},
            lambda: explorer_view.explorer(
                "healthy_life_expectancy_female", "council", "E08000025", "core"
            ).map.figure(),
        ),
    ],
)
def test_the_three_maps_are_the_one_uk_map(page, params, built):
    """Overview, Map and Indicator explorer draw what charts.uk_map returns for the same inputs (one colour rule,
    one hover format), and their image export gets the figure's own title and source."""
    at = run(page, **params)
    fig = built()
    shown = spec(at, 0)
    assert shown["data"] == json.loads(fig.to_json())["data"]
    assert shown["layout"]["meta"] == fig.layout.meta and fig.layout.meta["source"].startswith("Source:")
