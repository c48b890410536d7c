"""The whole-place views inside the frame: the indicator explorer, the City profile's scorecard, sector mix and
neighbours. Expected figures come from `indicators` functions or the warehouse, never typed in."""

import pytest

from indicators.analysis import place
from indicators.data import geography
from indicators.domain import formatting
from tests.test_pages_explore import frame, markdown, metrics, run, spec  # noqa: F401  (frame: autouse fixture)

CORE = {"Birmingham": "E08000025", "Glasgow": "S12000049", "Cardiff": "W06000015", "Nottingham": "E06000018"}


def test_explorer_shows_a_councils_figure_its_benchmarks_and_the_verdict():
    at = run("pages/indicator_explorer.py", area="E08000025", indicator="healthy_life_expectancy_female")
    entry = place.indicator("healthy_life_expectancy_female")
    own = place.values("healthy_life_expectancy_female")
    own = own[own["area_code"] == "E08000025"].iloc[0]
    shown = metrics(at)
    assert shown[f"Birmingham, {entry['period']}"] == formatting.value(own["value"], entry["unit"])
    national = place.national_benchmark("healthy_life_expectancy_female", "E08000025")
    assert shown[national.label] == formatting.value(national.value, entry["unit"])
    verdict = place.SIGNIFICANCE[
        place.significance(own["value"], own["ci_lower"], own["ci_upper"], national.value, entry["polarity"])
    ][0]
    assert f"Against {national.label}:** {verdict}." in markdown(at)
    ranked = spec(at, 1)["data"][0]  # the map first, then the ranked chart
    assert len(ranked["error_x"]["array"]) == len(ranked["x"])  # confidence whiskers on every dot


def test_explorer_follows_the_indicator_to_its_theme_and_level():
    at = run("pages/indicator_explorer.py", indicator="homicide_rate")
    assert at.selectbox(key="exp_theme").value == place.indicator("homicide_rate")["theme"]
    assert at.selectbox(key="exp_level").value == "police_force_area"  # published for police force areas only
    assert any("No map at this level" in c.value for c in at.caption)
    assert at.query_params["level"] == "police_force_area"


def test_explorer_unknown_indicator_falls_back_with_a_notice():
    at = run("pages/indicator_explorer.py", indicator="no_such_thing")
    assert "Ignored the link's indicator" in at.first_notices + " ".join(i.value for i in at.info)
    assert at.selectbox(key="exp_indicator").value in place.indicators_in(at.selectbox(key="exp_theme").value)


def test_explorer_lists_indicators_from_the_catalogue_not_by_hand():
    at = run("pages/indicator_explorer.py")
    themes = at.selectbox(key="exp_theme").options
    assert themes == place.themes() and len(themes) >= 8
    assert len(place.catalogue()) >= 50


def test_explorer_neighbours_chart_shows_the_council_and_its_fifteen():
    at = run("pages/indicator_explorer.py", area="E08000025", indicator="employment_rate", set="neighbours")
    ranked = spec(at, 1)["data"][0]
    assert len(ranked["y"]) == 16


@pytest.mark.parametrize("city", sorted(CORE))
def test_profile_scorecard_counts_and_spine(city):
    code = CORE[city]
    at = run("pages/city_profile.py", area=code)
    card = place.scorecard(code)
    counts = place.significance_counts(code)
    text = markdown(at)
    assert f"{counts.get('better', 0)} significantly better, {counts.get('similar', 0)} similar" in text
    spine = next(
        s
        for s in (spec(at, i) for i in range(len(at.get("plotly_chart"))))
        if any("Core Cities median" == t.get("name") for t in s["data"])
    )
    plotted = sum(len(t["x"]) for t in spine["data"] if t.get("name", "").startswith(geography.area_names()[code]))
    assert plotted == card.loc[~card["unit"].isin(place.TOTAL_UNITS), "x_value"].notna().sum()


def test_profile_sector_mix_and_neighbours():
    at = run("pages/city_profile.py", area="E08000003")
    mix = place.sector_mix("E08000003")
    assert mix["share_last"].sum() == pytest.approx(100, abs=0.01)
    bars = next(
        s
        for s in (spec(at, i) for i in range(len(at.get("plotly_chart"))))
        if s["data"] and s["data"][0].get("type") == "bar" and "UK" in s["data"][1].get("name", "")
    )
    assert len(bars["data"][0]["y"]) == len(mix)
    near = place.neighbours("E08000003")
    assert len(near) == 15 and "E08000003" not in set(near["area_code"])
    assert all(name in markdown(at) for name in near["area_name"])


def test_data_and_methods_lists_every_sheet_not_loaded_with_its_reason():
    at = run("pages/data_and_methods.py")
    sheets = place.sheets()
    skipped = sheets[~sheets["loaded"]]
    table = next(df.value for df in at.dataframe if "reason" in df.value.columns)
    assert sorted(table["sheet"]) == sorted(skipped["sheet"]) and table["reason"].str.len().gt(0).all()
    assert len(sheets) == 54 and int(sheets["loaded"].sum()) == len(place.catalogue())
    text = markdown(at)
    assert "Statistical neighbours." in text and "Significantly better or worse." in text


def test_neighbours_benchmark_names_whose_neighbours_and_says_why_it_cannot_apply():
    at = run(
        "pages/productivity_gap.py", area="E08000025", basis="hour", bench="neighbours", geo="council", year="2022"
    )
    assert "Statistical neighbours of Birmingham (15 councils)" in [m.label for m in at.metric]
    assert any("Statistical neighbours of Birmingham (15 councils)" in m.value for m in at.markdown)
    at = run(
        "pages/productivity_gap.py",
        footer=False,
        area="E08000025",
        basis="hour",
        bench="neighbours",
        geo="city-region",
        year="2022",
    )  # the page stops after saying why
    assert "choose the council geography" in " ".join(w.value for w in at.warning)
    at = run("pages/overview.py", bench="neighbours", geo="city-region")
    assert "choose the council geography" in markdown(at)
