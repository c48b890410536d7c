"""indicators.domain.place by hand: the significance test, nations and country groups, and the scorecard's spine."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from indicators.domain import place as p


@pytest.mark.parametrize(
    "limits, benchmark, polarity, verdict",
    [
        ((10, 12), 9, "higher_is_better", "better"),  # the whole interval above the benchmark
        ((10, 12), 9, "lower_is_better", "worse"),
        ((10, 12), 13, "higher_is_better", "worse"),
        ((10, 12), 13, "neutral", "lower"),
        ((10, 12), 9, "neutral", "higher"),
        ((10, 12), 12, "higher_is_better", "similar"),  # touching the benchmark counts as containing it
        ((None, 12), 9, "higher_is_better", "not tested"),
        ((10, 12), None, "higher_is_better", "not tested"),
        ((10, math.nan), 9, "higher_is_better", "not tested"),
    ],
)
def test_significance(limits, benchmark, polarity, verdict):
    assert p.significance(11, *limits, benchmark, polarity) == verdict
    assert verdict in p.SIGNIFICANCE


def test_missing_nations_and_groups():
    assert p.is_missing(None) and p.is_missing(math.nan) and p.is_missing(pd.NA) and not p.is_missing(0.0)
    assert p.nation_of("E08000025") == "E92000001" and p.nation_of("S12000049") == "S92000003"
    assert p.nation_of("K02000001") is None
    assert p.covers("K02000001", "N92000002") and not p.covers("K03000001", "N92000002")
    assert p.covers("K04000001", "W92000004") and not p.covers("K04000001", None)
    assert p.boundary_level("council") == "lad" and p.boundary_level("region") is None


def test_spine_positions():
    # benchmark 50, councils from 30 to 90: half-width max(40, 20) = 40; a value of 70 sits at 0.5 + 20/80 = 0.75
    row = {
        "benchmark_value": 50.0,
        "polarity": "higher_is_better",
        "value": 70.0,
        "core_cities_median": 50.0,
        "councils_min": 30.0,
        "councils_max": 90.0,
        "councils_q1": 40.0,
        "councils_q3": None,
    }
    found = p.spine_positions(row)
    assert found["x_value"] == pytest.approx(0.75) and found["x_core_cities_median"] == pytest.approx(0.5)
    assert found["x_councils_min"] == pytest.approx(0.25) and found["x_councils_max"] == pytest.approx(1.0)
    assert found["x_councils_q3"] is None
    flipped = p.spine_positions({**row, "polarity": "lower_is_better"})  # better to the right: lower values right
    assert flipped["x_value"] == pytest.approx(0.25)
    assert set(p.spine_positions({**row, "benchmark_value": None}).values()) == {None}


def test_quartiles():
    # 1, 2, 3, 4, 5 (None and NaN left out): linear interpolation gives the ranks themselves
    assert p.quartiles([3.0, None, 1.0, 5.0, math.nan, 2.0, 4.0]) == {
        "min": 1.0,
        "q1": 2.0,
        "median": 3.0,
        "q3": 4.0,
        "max": 5.0,
    }
    assert p.quartiles([10.0, 20.0])["q1"] == pytest.approx(12.5)
    assert set(p.quartiles([None]).values()) == {None}


def test_sector_change():
    def year(share, uk_share, gva):
        return pd.DataFrame(
            {
                "industry_name": ["Manufacturing"],
                "gva": [gva],
                "marker": [None],
                "share": [share],
                "uk_share": [uk_share],
                "councils": [360],
                "expected": [361],
            },
            index=pd.Index(["C"], name="industry_code"),
        )

    # 12 % against the UK's 8 % is a location quotient of 1.5; from 10 % to 12 % is +2 points
    found = p.sector_change(year(10.0, 10.0, 100.0), year(12.0, 8.0, 130.0)).iloc[0]
    assert found["industry_code"] == "C" and found["gva_last"] == 130.0
    assert found["lq_first"] == pytest.approx(1.0) and found["lq_last"] == pytest.approx(1.5)
    assert found["change_pp"] == pytest.approx(2.0) and found["uk_coverage"] == "sum of 360 of 361 councils"
