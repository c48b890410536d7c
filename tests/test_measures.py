"""The measures layer on the hand-checkable four-council fixture (numbers in tests/tiny_warehouse.py)."""

import math

import pytest

from indicators.analysis import measures, productivity
from indicators.domain.definition import Definition
from indicators.domain.measure_spec import BASIS_MEASURE, start_year
from indicators.domain.productivity import BASES, BENCHMARKS

ALPHA, BETA, GAMMA, LONDONIA = "E08000001", "E08000002", "E06000001", "E09000001"


def as_dict(frame):
    return dict(zip(frame["area_code"], frame["value"]))


def test_registry_lists_every_measure_with_levels_and_sources(tiny):
    table = measures.measure_table().set_index("id")
    assert {"gva_per_hour", "gva_per_job", "gva_per_head", "population", "median_annual_pay_workplace"} <= set(
        table.index
    )
    assert table.loc["gva_per_head", "levels"] == ["lad", "city_region", "itl1"]
    # a rate reaches an aggregate level only where an area is one council (Gamma CR, TLK and TLI here)
    assert table.loc["employment_rate", "levels"] == ["lad", "city_region", "itl1"]
    assert table.loc["gva_per_hour", "years"] == ["2021", "2022"]
    assert table.loc["gva_per_hour", "indicator_ids"] == ["gva_per_hour", "hours_worked"]
    assert set(table["polarity"]) <= {"higher_is_better", "lower_is_better", "neutral"}
    assert all(table["definition"].str.len() > 10)


@pytest.mark.parametrize(
    "measure_id,level,expected",
    [
        ("gva_per_head", "lad", {ALPHA: 25.0, BETA: 20.0, GAMMA: 40.0, LONDONIA: 80.0}),
        ("gva_per_head", "city_region", {"E47000001": 15e6 / 650_000, "E47000009": 40.0}),
        ("gva_per_head", "itl1", {"TLD": 15e6 / 650_000, "TLK": 40.0, "TLI": 80.0}),
        # per hour: (30 x 520 + 20 x 520) / 1,040 hours = 25 for Alpha CR
        ("gva_per_hour", "city_region", {"E47000001": 25.0, "E47000009": 40.0}),
        # per job: (50,000 x 200 + 40,000 x 100) / 300
        ("gva_per_job", "itl1", {"TLD": 14e6 / 300, "TLK": 60_000.0, "TLI": 100_000.0}),
        ("population", "city_region", {"E47000001": 650_000.0, "E47000009": 200_000.0}),
        ("gva_current", "itl1", {"TLD": 15.0, "TLK": 8.0, "TLI": 40.0}),
        (
            "jobs_per_resident",
            "lad",
            {ALPHA: 200 / 400_000, BETA: 100 / 250_000, GAMMA: 100 / 200_000, LONDONIA: 300 / 500_000},
        ),
    ],
)
def test_values_aggregate_sum_over_sum(tiny, measure_id, level, expected):
    found = measures.values(measure_id, 2022, level)
    assert as_dict(found) == pytest.approx(expected)
    assert set(found["period"]) == {"2022"}


def test_values_for_an_earlier_year_and_latest(tiny):
    assert as_dict(measures.values("gva_per_hour", 2021, "lad"))[ALPHA] == 25.0
    assert as_dict(measures.values("gva_per_hour", None, "lad"))[ALPHA] == 30.0
    assert measures.values("gva_per_hour", 2030, "lad")["period"].iloc[0] == "2022"  # nearest earlier


def test_rates_are_never_aggregated(tiny):
    """A rate has no figure for an area ONS publishes none for; a benchmark of several councils is their median."""
    regions = measures.values("employment_rate", 2022, "city_region")
    assert as_dict(regions) == {"E47000009": 80.0}  # Gamma CR is Gamma alone; Alpha CR (two councils) has none
    assert regions["published_as"].tolist() == [GAMMA]
    versus_uk = measures.comparison("employment_rate", ALPHA, "council", "uk", 2022)
    assert versus_uk["benchmark_value"] == 74.0 and versus_uk["method"] == "as published"  # the UK's own figure
    # Core Cities' councils: median of Alpha 70 and Gamma 80; city regions: of Alpha, Beta and Gamma (60, 70, 80)
    assert measures.comparison("employment_rate", BETA, "council", "core-cities", 2022)["benchmark_value"] == 75.0
    regions = measures.comparison("employment_rate", BETA, "council", "core-cities", 2022)
    assert "median" in regions["method"]
    with pytest.raises(ValueError, match="no Employment rate, 16–64 figure for Alpha CR"):
        measures.comparison("employment_rate", ALPHA, "city-region", "uk", 2022)
    with pytest.raises(ValueError, match="valid: lad, city_region, itl1"):
        measures.values("gva_per_head", 2022, "ward")
    with pytest.raises(ValueError, match="unknown measure"):
        measures.values("widgets", 2022, "lad")


def test_productivity_bases_match_the_productivity_module(tiny):
    for basis, measure_id in BASIS_MEASURE.items():
        result = productivity.gap(Definition(ALPHA, "city-region", basis, "uk", 2022))
        assert as_dict(measures.values(measure_id, 2022, "city_region"))["E47000001"] == pytest.approx(result.value)


def test_ranking_and_distribution(tiny):
    ranked = measures.ranking("gva_per_hour", 2022, "lad")
    assert ranked["area_code"].tolist() == [LONDONIA, GAMMA, ALPHA, BETA]
    assert ranked["rank"].tolist() == [1, 2, 3, 4] and set(ranked["out_of"]) == {4}
    assert ranked.set_index("area_code")["is_core_city"].to_dict() == {
        LONDONIA: False,
        GAMMA: True,
        ALPHA: True,
        BETA: False,
    }
    dist = measures.distribution("gva_per_hour", 2022)
    assert dist["median"] == pytest.approx(35.0) and dist["count"] == 4


def test_similar_areas_and_peer_presets(tiny):
    # |ln(pop / 400k)|: Londonia 0.223, Beta 0.470, Gamma 0.693
    near = measures.similar_areas(ALPHA, 2)
    assert near["area_code"].tolist() == [LONDONIA, BETA]
    assert near["distance"].iloc[0] == pytest.approx(math.log(500 / 400))
    assert measures.peers(ALPHA, "core") == [ALPHA, GAMMA]
    assert measures.peers(ALPHA, "english-core") == [ALPHA, GAMMA]
    assert measures.peers(ALPHA, "region") == [ALPHA, BETA]  # TLD
    assert measures.peers(ALPHA, "similar", 3) == [ALPHA, LONDONIA, BETA]
    with pytest.raises(ValueError, match="unknown peer preset"):
        measures.peers(ALPHA, "friends")


def test_comparison_gap_and_trend(tiny):
    c = measures.comparison("gva_per_hour", ALPHA, "council", "uk", 2022)
    assert c["value"] == 30.0 and c["benchmark_value"] == pytest.approx(98_800 / 2_340)
    assert c["gap_pct"] == pytest.approx(-28.947368, abs=1e-6) and c["better"] is False
    # 2021: Alpha 25; UK (25x520 + 20x520 + 40x260 + 60x1,040) / 2,340 = 96,200 / 2,340
    assert c["trend"].set_index("year").loc[2021, "gap_pct"] == pytest.approx((25 / (96_200 / 2_340) - 1) * 100)
    size = measures.comparison("population", ALPHA, "council", "uk", 2022)
    assert size["gap_pct"] is None and size["share_pct"] == pytest.approx(400_000 / 1_350_000 * 100)


def test_profile_strengths_and_weaknesses(tiny):
    table = measures.profile(Definition(GAMMA, benchmark="uk", year=2022))
    assert {"gva_per_hour", "employment_rate"} <= set(table["measure"])
    sw = measures.strengths_and_weaknesses(table)
    # Gamma vs UK: per job 60,000 vs 71,429 (-16%); per head 40 vs 46.7 (-14%); per hour 40 vs 42.2 (-5%);
    # jobs per resident 0.0005 vs 0.000519 (-3.6%); the one strength: employment rate 80% vs the UK's 74% (+8.1%)
    assert [w["name"] for w in sw["weaknesses"]] == ["GVA per filled job", "GVA per head", "GVA per hour worked"]
    assert [(s["name"], round(s["gap_pct"], 2)) for s in sw["strengths"]] == [("Employment rate, 16–64", 8.11)]


@pytest.mark.parametrize(
    "args,expected",
    [
        (
            ("Leeds", "GVA per hour", "the UK", -9.2, -11.4, 2015),
            "Leeds is 9% below the UK on GVA per hour; the gap narrowed 2 points since 2015.",
        ),
        (
            ("Leeds", "GVA per hour", "the UK", -9.2, -8.0, 2015),
            "Leeds is 9% below the UK on GVA per hour; the gap widened 1 point since 2015.",
        ),
        (
            ("Bristol", "GVA per head", "the UK", 12.4, 12.3, 2015),
            "Bristol is 12% above the UK on GVA per head; the gap is about the same as in 2015.",
        ),
        (
            ("Manchester", "GVA per hour", "the UK", 2.0, -4.0, 2015),
            "Manchester is 2% above the UK on GVA per hour; in 2015 it was 4% below.",
        ),
        (("Cardiff", "GVA per job", "the UK", 0.2, None, None), "Cardiff is level with the UK on GVA per job."),
    ],
)
def test_sentence_wording(args, expected):
    assert measures.sentence(*args) == expected


def test_sentences_use_computed_gaps(tiny):
    # Alpha per hour: 2022 gap -28.95%, 2021 gap (25 / 41.11 - 1) = -39.19%: narrowed 10 points
    assert measures.sentences(
        Definition(ALPHA, "council", benchmark="uk", year=2022), measure_ids=("gva_per_hour",)
    ) == ["Alpha is 29% below the UK (less Extra-Regio) on GVA per hour worked; the gap narrowed 10 points since 2021."]
    # city region: Alpha CR per job 46,667 vs Gamma's 60,000 as a peer benchmark
    text = measures.sentences(Definition(ALPHA, "city-region", benchmark=GAMMA, year=2022), None, ("gva_per_job",))[0]
    assert text.startswith("Alpha city region is 22% below Gamma on GVA per filled job")


def test_definitions_grid_matches_productivity_gap(tiny):
    grid = measures.definitions_grid(ALPHA, 2022)
    assert len(grid) == 3 * 2 * 3
    row = grid[(grid["basis"] == "hour") & (grid["geography"] == "council") & (grid["benchmark"] == "uk")].iloc[0]
    expected = productivity.gap(Definition(ALPHA, "council", "hour", "uk", 2022))
    assert row["gap_pct"] == pytest.approx(expected.gap_pct) and row["gap_gbp_bn"] == pytest.approx(
        expected.gap_gbp / 1e9
    )


def test_definitions_matrix_places_each_gap_in_its_cell(tiny):
    matrix = measures.definitions_matrix(ALPHA, 2022)
    assert matrix.shape == (3, 6)
    expected = productivity.gap(Definition(ALPHA, "city-region", "job", "uk-ex-london", 2022)).gap_pct
    label = BENCHMARKS["uk-ex-london"]
    assert matrix.loc[BASES["job"].label, ("city-region", label)] == pytest.approx(expected)


def test_marked_values_flag_exactly_the_core_cities(tiny):
    for level in measures.LEVELS:
        marked = measures.marked_values("population", 2022, level)
        assert marked.drop(columns="core_city").equals(measures.values("population", 2022, level))
        assert set(marked.loc[marked["core_city"], "area_code"]) == set(measures.core_city_codes(level)) & set(
            marked["area_code"]
        )


def test_core_city_values_and_waterfall_steps(tiny):
    marked = measures.marked_values("population", 2022, "lad")
    assert (
        measures.core_city_values("population", 2022, "lad")["area_code"].tolist()
        == marked.loc[marked["core_city"], "area_code"].tolist()
    )
    components, steps = measures.waterfall_steps(ALPHA, "council", "uk", 2022)
    parts = productivity.decomposition(Definition(ALPHA, "council", benchmark="uk", year=2022))
    assert components[-1] == "GVA per head gap" and len(components) == len(steps) == len(parts)
    assert sum(steps[:-1]) == pytest.approx(steps[-1])  # the factors' log points add up to the total bar
    assert steps[-1] == pytest.approx(parts.loc[parts["component"] == "GVA per head (total)", "log_points"].iloc[0])


def test_helpers(tiny):
    assert start_year("2023-24") == 2023 and start_year("Oct 2022-Sep 2023") == 2022
    assert measures.city_name(ALPHA) == "Alpha" and measures.city_name("E47000001") == "Alpha city region"
    assert measures.city_region_lad("E47000009") == GAMMA and measures.city_region_lad("TLD") is None
    assert measures.better(-5.0, "lower_is_better") is True and measures.better(0.1, "higher_is_better") is None
    points = measures.label_points("itl1")
    assert len(points) == 12 and points["lat"].between(49, 61).all()


def test_profile_and_sentences_take_a_definition(tiny):
    d = Definition(ALPHA, "council", "hour", "uk", 2022)
    # memoised on the fields each uses: the basis does not change a profile; the area does not change city sentences
    assert measures.profile(d) is measures.profile(Definition(ALPHA, "council", "head", "uk", 2022))
    assert measures.profile_view(d) is measures.profile_view(Definition(ALPHA, "council", "job", "uk", 2022))
    cities = measures.city_sentences(d)
    assert cities is measures.city_sentences(Definition(BETA, "council", "hour", "uk", 2022))  # the area is not used
    alpha = cities.set_index("lad_code").loc[ALPHA, "sentence"]
    assert alpha == measures.sentences(d, measure_ids=("gva_per_hour",))[0]
