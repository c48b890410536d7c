"""indicators.domain.productivity by hand: no warehouse, tiny fixtures, answers worked out on paper."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from indicators.domain import productivity as p


def test_bases_and_benchmarks():
    assert set(p.BASES) == {"head", "job", "hour"}
    assert p.basis("hour").measure_id == "gva_per_hour" and p.basis("head").unit == "£ per resident"
    assert all(key in p.BENCHMARKS for key in p.STANDARD_BENCHMARKS) and "neighbours" in p.BENCHMARKS
    with pytest.raises(ValueError, match="unknown basis 'week'; valid: head, job, hour"):
        p.basis("week")


def test_gap_figures():
    # 30 against 40 with 1,000 hours: ratio 0.75, 25 % below, (40 − 30) × 1,000 = £10,000 a year
    assert p.gap_figures(30.0, 40.0, 1000.0) == {"ratio": 0.75, "gap_pct": -25.0, "gap_gbp": 10_000.0}
    above = p.gap_figures(50.0, 40.0, 10.0)
    assert above["gap_pct"] == pytest.approx(25.0) and above["gap_gbp"] == pytest.approx(-100.0)


def test_decompose_splits_the_gap_exactly():
    # area: £1,200 of GVA, 60 hours, 3 jobs, 6 residents -> £20/hour, 20 hours/job, 0.5 jobs/resident, £200/head
    # benchmark: £4,000, 100 hours, 4 jobs, 10 residents -> £40/hour, 25 hours/job, 0.4 jobs/resident, £400/head
    area = {"gva_gbp": 1200.0, "hours": 60.0, "jobs": 3.0, "population": 6.0}
    benchmark = {"gva_gbp": 4000.0, "hours": 100.0, "jobs": 4.0, "population": 10.0}
    frame = p.decompose(area, benchmark).set_index("component")
    assert frame["value"].tolist() == pytest.approx([20, 20, 0.5, 200])
    assert frame["benchmark_value"].tolist() == pytest.approx([40, 25, 0.4, 400])
    logs = frame["log_points"]
    assert logs["GVA per hour worked"] == pytest.approx(100 * math.log(0.5))
    assert logs["Hours per filled job"] == pytest.approx(100 * math.log(0.8))
    assert logs["Filled jobs per resident"] == pytest.approx(100 * math.log(1.25))
    assert logs.iloc[:3].sum() == pytest.approx(logs["GVA per head (total)"])  # 0.5 × 0.8 × 1.25 = 0.5
    # shares of the −50 % gap in proportion to the log points: the total row is the whole −50 points
    assert frame.loc["GVA per head (total)", "share_of_gap_pct_points"] == pytest.approx(-50.0)
    assert frame["share_of_gap_pct_points"].iloc[:3].sum() == pytest.approx(-50.0)


def test_trend_to_close():
    rising = pd.Series([0.80, 0.88], index=[2020, 2021])  # +10 % a year: 1/0.88 = 1.136…, ln / ln 1.1 = 1.34 years
    found = p.trend_to_close(rising)
    assert found["annual_change_pct"] == pytest.approx(10.0)
    assert found["years_to_close"] == pytest.approx(math.log(1 / 0.88) / math.log(1.1))
    assert "closes in about 1 year, around 2023" in found["verdict"]
    falling = p.trend_to_close(pd.Series([0.9, 0.81], index=[2020, 2021]))
    assert falling["years_to_close"] is None and "does not close" in falling["verdict"]
    assert falling["annual_change_pct"] == pytest.approx(-10.0)
    level = p.trend_to_close(pd.Series([0.9, 1.0], index=[2020, 2021]))
    assert level["years_to_close"] == 0.0 and level["verdict"].startswith("There is no gap to close")


def test_required_growth_premium():
    # a ratio of 0.81 closes in 2 years at (1/0.81)^(1/2) − 1 = 1/0.9 − 1 = 11.1 % a year above the benchmark
    assert p.required_growth_premium(0.81, 2) == pytest.approx((1 / 0.9 - 1) * 100)
    with pytest.raises(ValueError, match="after the data year"):
        p.required_growth_premium(0.8, 0)
