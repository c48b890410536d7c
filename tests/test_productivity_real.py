"""Productivity functions against figures recomputed here straight from the official ONS workbooks."""

import pandas as pd
import pytest

from indicators import productivity

LAD_BOOK = "ons_subregional_productivity/labourproductivitylocalauthorities_jun2024.xls"
CR_BOOK = "ons_subregional_productivity/labourproductivitycityregions_jun2024.xls"


@pytest.fixture(scope="module")
def official(raw_dir):
    per_hour = pd.read_excel(raw_dir / LAD_BOOK, sheet_name="A3", header=4)[["LAD_Code", "Pounds_2022"]]
    hours = pd.read_excel(raw_dir / LAD_BOOK, sheet_name="Productivity Hours", header=4)[["LAD_Code", "Hours_2022"]]
    frame = per_hour.merge(hours, on="LAD_Code")
    return frame[frame["LAD_Code"].str.match(r"^[ENSW]\d{8}$", na=False)].set_index("LAD_Code")


def test_birmingham_per_hour_gap_vs_uk_2022(official):
    weights = official["Hours_2022"] * 52
    uk = (official["Pounds_2022"] * weights).sum() / weights.sum()
    birmingham = official.loc["E08000025", "Pounds_2022"]
    result = productivity.gap("E08000025", "hour", "council", "uk", 2022)
    assert result.value == pytest.approx(birmingham)
    assert result.benchmark_value == pytest.approx(uk)
    assert result.gap_pct == pytest.approx((birmingham / uk - 1) * 100)
    assert result.gap_gbp == pytest.approx((uk - birmingham) * weights["E08000025"])


def test_aggregates_stay_close_to_published_aggregates(raw_dir):
    """Hours-weighted sums of smoothed LA figures are within 1% of ONS's own UK and city-region figures."""
    published = pd.read_excel(raw_dir / CR_BOOK, sheet_name="A3", header=4).set_index("Area_Code")["Pounds_2022"]
    assert productivity.gap("E08000025", "hour", "council", "uk", 2022).benchmark_value == pytest.approx(published["UKX"], rel=0.01)
    for code in ("E47000001", "E47000007", "E47000003", "E47000004", "E47000002", "E47000009"):
        ours = productivity.gap(code, "hour", "council", "uk", 2022).value
        assert ours == pytest.approx(published[code], rel=0.01), code


def test_gva_per_head_matches_table_1_over_table_6(raw_dir):
    book = raw_dir / "ons_gdp_lad/regionalgrossdomesticproductgdplocalauthorities_1998to2023_apr2025.xlsx"
    gva = pd.read_excel(book, sheet_name="Table 1", header=1).set_index("LA code")
    population = pd.read_excel(book, sheet_name="Table 6", header=1).set_index("LA code")
    year = [c for c in gva.columns if str(c).startswith("2023")][0]
    manchester = gva.loc["E08000003", year] * 1e6 / population.loc["E08000003", year]
    assert productivity.gap("E08000003", "head", "council", "uk", 2023).value == pytest.approx(manchester)
