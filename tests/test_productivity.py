"""Productivity gaps on the hand-checkable four-council fixture (see tests/tiny_warehouse.py for the numbers)."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.analysis import productivity
from indicators.domain.definition import Definition
from indicators.domain.productivity import decompose, trend_to_close

ALPHA, GAMMA = "E08000001", "E06000001"

# (basis, geography, benchmark) -> (area value, benchmark value) for Alpha in 2022, worked out by hand:
# head: Alpha 10e6/400k = 25; UK 63e6/1.35m; UK ex London 23e6/850k; Core Cities councils 18e6/600k
# job:  Alpha 50,000; UK 50e6/700; UK ex London 20e6/400; Core Cities 16e6/300
# hour: Alpha 30 (hours 10 x 52); UK 98,800/2,340; UK ex London 36,400/1,300; Core Cities 26,000/780
EXPECTED = {
    ("head", "council", "uk"): (25.0, 63e6 / 1.35e6),
    ("head", "council", "uk-ex-london"): (25.0, 23e6 / 850_000),
    ("head", "council", "core-cities"): (25.0, 18e6 / 600_000),
    ("head", "council", GAMMA): (25.0, 40.0),
    ("job", "council", "uk"): (50_000.0, 50e6 / 700),
    ("job", "council", "uk-ex-london"): (50_000.0, 50_000.0),
    ("job", "council", "core-cities"): (50_000.0, 16e6 / 300),
    ("job", "council", GAMMA): (50_000.0, 60_000.0),
    ("hour", "council", "uk"): (30.0, 98_800 / 2_340),
    ("hour", "council", "uk-ex-london"): (30.0, 28.0),
    ("hour", "council", "core-cities"): (30.0, 26_000 / 780),
    ("hour", "council", GAMMA): (30.0, 40.0),
    # city region: Alpha CR = Alpha + Beta; Core Cities city regions = every non-London council
    ("head", "city-region", "uk"): (15e6 / 650_000, 63e6 / 1.35e6),
    ("head", "city-region", "core-cities"): (15e6 / 650_000, 23e6 / 850_000),
    ("job", "city-region", "uk-ex-london"): (14e6 / 300, 50_000.0),
    ("job", "city-region", "core-cities"): (14e6 / 300, 20e6 / 400),
    ("hour", "city-region", "uk"): (25.0, 98_800 / 2_340),
    ("hour", "city-region", GAMMA): (25.0, 40.0),
}
DENOMINATORS = {
    ("head", "council"): 400_000,
    ("job", "council"): 200,
    ("hour", "council"): 520,
    ("head", "city-region"): 650_000,
    ("job", "city-region"): 300,
    ("hour", "city-region"): 1_040,
}


@pytest.mark.parametrize("basis,geography,benchmark", list(EXPECTED))
def test_gap_every_basis_and_benchmark(tiny, basis, geography, benchmark):
    value, benchmark_value = EXPECTED[(basis, geography, benchmark)]
    denominator = DENOMINATORS[(basis, geography)]
    result = productivity.gap(Definition(ALPHA, geography, basis, benchmark, 2022))
    assert result.value == pytest.approx(value)
    assert result.benchmark_value == pytest.approx(benchmark_value)
    assert result.denominator == pytest.approx(denominator)
    assert result.ratio == pytest.approx(value / benchmark_value)
    assert result.gap_pct == pytest.approx((value / benchmark_value - 1) * 100)
    assert result.gap_gbp == pytest.approx((benchmark_value - value) * denominator)
    assert result.area_code == (ALPHA if geography == "council" else "E47000001")
    assert result.provenance["releases"][0]["title"] == "Fixture release"


def test_gap_signs_and_worked_example(tiny):
    """Alpha per hour vs UK: 30 against 42.22 is 28.9% below, a £6,355.56 a year shortfall over 520 hours."""
    result = productivity.gap(Definition(ALPHA, "council", "hour", "uk", 2022))
    assert result.gap_pct == pytest.approx(-28.947368, abs=1e-6)
    assert result.gap_gbp == pytest.approx(6_355.555556, abs=1e-6)
    above = productivity.gap(Definition(GAMMA, "council", "job", "uk-ex-london", 2022))
    assert above.gap_pct == pytest.approx(20.0) and above.gap_gbp == pytest.approx(-1_000_000.0)


def test_core_cities_net_versus_sum_of_shortfalls(tiny):
    together = productivity.core_cities_gap("hour", "council", "core-cities", 2022)
    assert together["gap_gbp"] == pytest.approx(0.0)  # the average against itself
    # only Alpha (30) is below the Core Cities average (33.33): (26,000/780 - 30) x 520
    assert together["sum_of_shortfalls_gbp"] == pytest.approx((26_000 / 780 - 30) * 520)
    versus_uk = productivity.core_cities_gap("hour", "council", "uk", 2022)
    assert versus_uk["gap_gbp"] == pytest.approx((98_800 / 2_340 - 26_000 / 780) * 780)
    assert [c["city"] for c in versus_uk["cities"]] == ["Alpha", "Gamma"]


def test_bad_definitions_name_the_valid_choices(tiny):
    with pytest.raises(ValueError, match="valid: head, job, hour"):
        productivity.gap(Definition(ALPHA, basis="per-widget"))
    with pytest.raises(ValueError, match="valid: council, city-region"):
        productivity.gap(Definition(ALPHA, "county", "hour"))
    with pytest.raises(ValueError, match="unknown benchmark"):
        productivity.gap(Definition(ALPHA, "council", "hour", "atlantis"))
    with pytest.raises(ValueError, match="periods available: 2021 to 2022"):
        productivity.gap(Definition(ALPHA, "council", "hour", "uk", 1990))


def test_series_and_trend_to_close(tiny):
    series = productivity.gap_series(Definition(ALPHA, "council", "hour", "uk")).set_index("year")
    assert series.loc[2021, "value"] == pytest.approx(25.0)
    assert series.loc[2021, "benchmark_value"] == pytest.approx(96_200 / 2_340)
    outlook = productivity.scenario(Definition(ALPHA, "council", "hour", "uk", 2022), target_year=2035, trend_window=1)
    ratio_2021, ratio_2022 = 25 / (96_200 / 2_340), 30 / (98_800 / 2_340)
    change = ratio_2022 / ratio_2021 - 1
    assert outlook["annual_change_pct"] == pytest.approx(change * 100)
    assert outlook["years_to_close"] == pytest.approx(math.log(1 / ratio_2022) / math.log(1 + change))
    assert outlook["growth_premium_pct_points"] == pytest.approx(((1 / ratio_2022) ** (1 / 13) - 1) * 100)
    assert outlook["gbp_bn_added_per_year"] == pytest.approx((98_800 / 2_340 - 30) * 520 / 1e9)


def test_the_trend_is_fitted_over_every_year_of_the_window():
    # a narrowing gap with a bad last year: endpoints alone (0.80 → 0.84) would say +2.5 % a year
    ratios = pd.Series([0.80, 0.84, 0.88, 0.92, 0.84], index=[2018, 2019, 2020, 2021, 2022])
    slope = np.polyfit([-2, -1, 0, 1, 2], np.log(ratios.to_numpy()), 1)[0]
    outlook = trend_to_close(ratios)
    assert outlook["annual_change_pct"] == pytest.approx((math.exp(slope) - 1) * 100)
    years = math.log(1 / 0.84) / slope
    assert outlook["years_to_close"] == pytest.approx(years)
    assert outlook["verdict"] == (
        f"At the 2018–2022 trend (relative to the benchmark the value rose by "
        f"{(math.exp(slope) - 1) * 100:.1f}% a year) the gap closes in about {years:.0f} "
        f"years, around {2022 + math.ceil(years)}."
    )


def test_trend_that_diverges_never_closes():
    widening = pd.Series([0.9, 0.85, 0.8], index=[2020, 2021, 2022])
    assert trend_to_close(widening)["years_to_close"] is None
    assert trend_to_close(widening)["verdict"] == (
        "At the 2020–2022 trend the gap does not close: relative to the benchmark the value fell by 5.7% a year."
    )
    assert trend_to_close(pd.Series([0.9, 1.1], index=[2021, 2022]))["years_to_close"] == 0.0


def test_decomposition_worked_example(tiny):
    parts = productivity.decomposition(Definition(ALPHA, "council", benchmark="uk", year=2022)).set_index("component")
    assert parts.loc["GVA per hour worked", "value"] == pytest.approx(30.0)
    assert parts.loc["Hours per filled job", "value"] == pytest.approx(520 / 200)
    assert parts.loc["Filled jobs per resident", "benchmark_value"] == pytest.approx(700 / 1_350_000)
    total = parts.loc["GVA per head (total)"]
    assert total["value"] == pytest.approx(15_600 / 400_000)
    factors = parts.drop(index="GVA per head (total)")
    assert factors["log_points"].sum() == pytest.approx(total["log_points"], abs=1e-12)
    assert factors["share_of_gap_pct_points"].sum() == pytest.approx(
        (total["value"] / total["benchmark_value"] - 1) * 100
    )


positive = st.floats(min_value=1e-3, max_value=1e9, allow_nan=False, allow_infinity=False)


@settings(deadline=None)  # timing varies on a loaded 2-core machine; the property is what matters
@given(*[positive] * 8)
def test_decomposition_identity_holds_exactly(g1, h1, j1, p1, g2, h2, j2, p2):
    area = {"gva_gbp": g1, "hours": h1, "jobs": j1, "population": p1}
    benchmark = {"gva_gbp": g2, "hours": h2, "jobs": j2, "population": p2}
    parts = decompose(area, benchmark).set_index("component")
    factors = parts.drop(index="GVA per head (total)")
    assert factors["log_points"].sum() == pytest.approx(
        parts.loc["GVA per head (total)", "log_points"], rel=1e-9, abs=1e-9
    )
    assert math.prod(factors["value"]) == pytest.approx(g1 / p1, rel=1e-9)
