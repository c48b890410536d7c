"""The whole-place logic on hand-checkable cases: significance, spine positions, neighbour distances, sector shares."""

import math

import pandas as pd
import pytest

from indicators.domain import similarity
from indicators.domain.place import SIGNIFICANCE, significance, spine_positions


@pytest.mark.parametrize(
    "value, lower, upper, benchmark, polarity, expected",
    [
        (70.0, 68.0, 72.0, 65.0, "higher_is_better", "better"),  # interval wholly above, higher is better
        (70.0, 68.0, 72.0, 65.0, "lower_is_better", "worse"),  # same interval, lower is better
        (60.0, 58.0, 62.0, 65.0, "higher_is_better", "worse"),  # wholly below
        (60.0, 58.0, 62.0, 65.0, "lower_is_better", "better"),
        (64.0, 62.0, 66.0, 65.0, "higher_is_better", "similar"),  # interval contains the benchmark
        (66.0, 65.0, 67.0, 65.0, "higher_is_better", "similar"),  # touching the benchmark is not significant
        (70.0, 68.0, 72.0, 65.0, "neutral", "higher"),  # neutral: direction only
        (70.0, None, None, 65.0, "higher_is_better", "not tested"),  # no limits
        (70.0, float("nan"), float("nan"), 65.0, "higher_is_better", "not tested"),
        (None, None, None, 65.0, "higher_is_better", "not tested"),  # suppressed value
        (70.0, 68.0, 72.0, None, "higher_is_better", "not tested"),  # no benchmark
    ],
)
def test_significance_follows_the_interval_and_the_polarity(value, lower, upper, benchmark, polarity, expected):
    assert significance(value, lower, upper, benchmark, polarity) == expected


def test_every_verdict_has_words_and_a_shape_not_just_a_colour():
    shapes = {shape for _, shape, _ in SIGNIFICANCE.values()}
    assert {"triangle-up", "triangle-down", "circle", "circle-open"} <= shapes
    assert SIGNIFICANCE["better"][1] != SIGNIFICANCE["worse"][1]
    assert all(words for words, _, _ in SIGNIFICANCE.values())


def test_spine_puts_the_benchmark_at_the_centre_and_better_to_the_right():
    row = {
        "benchmark_value": 50.0,
        "councils_q1": 45.0,
        "polarity": "higher_is_better",
        "value": 60.0,
        "core_cities_median": 40.0,
        "councils_min": 30.0,
        "councils_max": 70.0,
        "councils_q3": 55.0,
    }
    x = spine_positions(row)
    # half-width = max(70 - 50, 50 - 30) = 20: value 60 -> 0.5 + 10/40 = 0.75; min 30 -> 0; max 70 -> 1
    assert x["x_value"] == pytest.approx(0.75)
    assert x["x_councils_min"] == pytest.approx(0.0) and x["x_councils_max"] == pytest.approx(1.0)
    assert x["x_core_cities_median"] == pytest.approx(0.25)
    flipped = spine_positions({**row, "polarity": "lower_is_better"})
    assert flipped["x_value"] == pytest.approx(0.25)  # lower is better: a high value sits left of centre
    assert flipped["x_councils_max"] == pytest.approx(0.0)


def test_distance_is_the_weighted_root_mean_square_of_standardised_differences():
    frame = pd.DataFrame({"a": [0.0, 1.0, 2.0, 3.0], "b": [10.0, 10.0, 30.0, 30.0]}, index=["P", "Q", "R", "S"])
    got = similarity.distances(frame, "P", {"a": 1.0, "b": 3.0})
    # population sd: a -> sqrt(1.25); b -> 10.
    # z-differences from P: Q (1/sqrt1.25, 0), R (2/sqrt1.25, 2), S (3/sqrt1.25, 2)
    expected_q = math.sqrt((1 * (1 / 1.25) + 3 * 0) / 4)
    expected_r = math.sqrt((1 * (4 / 1.25) + 3 * 4) / 4)
    assert got["Q"] == pytest.approx(expected_q)
    assert got["R"] == pytest.approx(expected_r)
    assert "P" not in got.index
    assert list(got.sort_values().index) == ["Q", "R", "S"]


def test_a_missing_characteristic_is_left_out_of_that_pair_not_counted_as_zero():
    frame = pd.DataFrame({"a": [0.0, 1.0, 2.0], "b": [5.0, None, 7.0]}, index=["P", "Q", "R"])
    got = similarity.distances(frame, "P", {"a": 1.0, "b": 1.0})
    sd_a = pd.Series([0.0, 1.0, 2.0]).std(ddof=0)
    assert got["Q"] == pytest.approx(abs(1.0 / sd_a))  # only 'a' compared, weight renormalised
