"""The one number formatter: every figure as a British briefing prints it."""

import math

import pytest

from indicators.domain import formatting as fmt

M = "\u2212"


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (52848.04, "£ per filled job", "£52,848 per filled job"),
        (39.7, "£ per hour", "£39.70 per hour"),
        (99.996, "£ per hour", "£100.00 per hour"),
        (57109.3, "£", "£57,109"),
        (-5374.4, "£", f"{M}£5,374"),
        (64.06, "%", "64.1%"),
        (1154221.0, "persons", "1,154,221 people"),
        (0.8549, "jobs per resident", "0.85 jobs per resident"),
        (1234.5, "£ million", "£1.2bn"),
        (523.4, "£ million", "£523m"),
        (53.04, "GBP bn per year", "£53.0bn a year"),
        (None, "£", "not available"),
        (float("nan"), "%", "not available"),
    ],
)
def test_values_read_as_a_briefing_prints_them(value, unit, expected):
    assert fmt.value(value, unit) == expected


def test_signs_use_a_true_minus_and_a_value_rounding_to_zero_has_none():
    assert fmt.percent(-13.85, signed=True) == f"{M}13.9%"
    assert fmt.percent(2.34, signed=True) == "+2.3%"
    assert fmt.percent(-0.04, signed=True) == "0.0%"
    assert fmt.gbp(-0.004) == "£0.00"
    assert fmt.gbp_bn(-5.01) == f"{M}£5.0bn"


def test_a_rate_gap_is_in_percentage_points_and_a_ratio_gap_in_per_cent():
    assert fmt.gap(114.7, "%", difference=2.31) == "+2.3 percentage points"
    assert fmt.gap(-13.85, "£ per hour") == f"{M}13.9%"
    assert fmt.points(-1.0) == f"{M}1.0 percentage point"
    assert fmt.points(None) == "not available"


def test_downloads_round_as_displayed():
    assert fmt.rounded(16348.312009820287, "£ per resident") == 16348
    assert fmt.rounded(39.7049, "£ per hour") == 39.7
    assert fmt.rounded(64.06, "%") == 64.1
    assert math.isnan(fmt.rounded(float("nan"), "%"))


def test_units_read_in_plain_english():
    assert fmt.unit_label("GBP bn per year") == "£bn a year"
    assert fmt.unit_label("persons") == "people"
    assert fmt.not_available("no data for 2024") == "not available (no data for 2024)"
    assert fmt.hover("£ per filled job") == "£%{x:,.0f} per filled job"
    assert fmt.hover("£ per hour", "y") == "£%{y:,.2f} per hour"
    assert fmt.rounded(13.85, "%") == 13.9


def test_a_metric_tile_leaves_the_unit_to_its_label():
    assert fmt.headline(52848.04, "£ per filled job") == "£52,848"
    assert fmt.headline(39.7, "£ per hour") == "£39.70"
    assert fmt.headline(1154221.0, "persons") == "1,154,221"
    assert fmt.headline(64.06, "%") == "64.1%"
    assert fmt.headline(1234.5, "£ million") == "£1.2bn"
