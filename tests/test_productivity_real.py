"""Published first, on the real warehouse: the figures the app shows are the ONS figures, read here straight from the
official workbooks (skipped without ../shared); coverage and reconciliation rules hold on the built warehouse."""

import pandas as pd
import pytest

from indicators.analysis import productivity
from indicators.data import aggregates
from indicators.domain.definition import Definition
from indicators.domain.productivity import BASES

LAD_BOOK = "ons_subregional_productivity/labourproductivitylocalauthorities_jun2024.xls"
CR_BOOK = "ons_subregional_productivity/labourproductivitycityregions_jun2024.xls"
ITL_BOOK = "ons_subregional_productivity/labourproductivityitls_jun2024.xls"
GVA_ITL_BOOK = "ons_gva_itl/regionalgrossvalueaddedbalancedperheadandincomecomponents_apr2025.xlsx"


def sheet(raw_dir, book: str, name: str, code_column: str, header: int = 4) -> pd.DataFrame:
    frame = pd.read_excel(raw_dir / book, sheet_name=name, header=header)
    return frame.dropna(subset=[code_column]).set_index(code_column)


def test_birmingham_per_hour_gap_uses_the_published_uk_figure(raw_dir):
    """ONS publishes £39.7 an hour for the UK less Extra-Regio in 2022: Birmingham's £34.2 is 13.85% below it, a
    shortfall of (39.7 − 34.2) × its hours a year."""
    per_hour = sheet(raw_dir, LAD_BOOK, "A3", "LAD_Code")["Pounds_2022"]
    hours = sheet(raw_dir, LAD_BOOK, "Productivity Hours", "LAD_Code")["Hours_2022"]
    result = productivity.gap(Definition("E08000025", "council", "hour", "uk", 2022))
    assert (result.value, result.benchmark_value) == (per_hour["E08000025"], per_hour["UKX"]) == (34.2, 39.7)
    assert result.gap_pct == pytest.approx((34.2 / 39.7 - 1) * 100) == pytest.approx(-13.854, abs=1e-3)
    assert result.gap_gbp == pytest.approx((39.7 - 34.2) * hours["E08000025"] * 52)
    assert result.gap_gbp / 1e9 == pytest.approx(5.006, abs=1e-3)
    assert (result.method, result.benchmark_method, result.coverage_note) == ("as published", "as published", "")
    per_job = sheet(raw_dir, LAD_BOOK, "B3", "LAD_Code")["Pounds_2022"]
    assert (
        productivity.gap(Definition("E08000025", "council", "job", "uk", 2022)).benchmark_value
        == per_job["UKX"]
        == 61729.3
    )


@pytest.mark.parametrize(
    "council,region,table",
    [
        ("E08000003", "E47000001", "A3"),
        ("E08000003", "E47000001", "B3"),  # Greater Manchester £36.6, £56,998
        ("E08000035", "E47000003", "B3"),
        ("E08000025", "E47000007", "A3"),  # West Yorkshire £54,166; West Midlands
        ("S12000049", "CR_GLASGOW_CITY_REGION", "A3"),
        ("W06000015", "W42000001", "B3"),
    ],
)
def test_city_regions_are_the_ons_city_region_figures(raw_dir, council, region, table):
    published = sheet(raw_dir, CR_BOOK, table, "Area_Code")
    by_name = published.reset_index().set_index("City_Region")["Pounds_2022"]
    expected = by_name["Glasgow City Region"] if region.startswith("CR_") else published.loc[region, "Pounds_2022"]
    basis = "hour" if table == "A3" else "job"
    result = productivity.gap(Definition(council, "city-region", basis, "uk", 2022))
    assert result.area_code == region and result.value == expected and result.method == "as published"


def test_gm_and_west_yorkshire_match_the_issue_figures():
    assert productivity.gap(Definition("E08000003", "city-region", "hour", "uk", 2022)).value == 36.6
    assert productivity.gap(Definition("E08000003", "city-region", "job", "uk", 2022)).value == 56998.3
    assert productivity.gap(Definition("E08000035", "city-region", "job", "uk", 2022)).value == 54165.8


def test_regions_and_england_are_the_ons_regional_figures(raw_dir):
    published = sheet(raw_dir, ITL_BOOK, "A3", "ITL_code")["Pounds_2022"]
    for code in ("TLC", "TLI", "TLM", "TLN"):
        assert aggregates.row("gva_per_hour", code, "2022")["value"] == published[code], code
    assert aggregates.row("gva_per_hour", "E92000001", "2022")["value"] == published["TLB"]  # England


def test_per_head_uk_benchmark_2023_is_published_not_a_partial_sum(raw_dir):
    """Northern Ireland's councils have no 2023 population: the UK figure is ONS's £35,661, not a sum over 350 of
    361."""
    published = sheet(raw_dir, GVA_ITL_BOOK, "Table 2", "ITL code", header=1)
    uk = productivity.gap(Definition("E08000025", "council", "head", "uk", 2023))
    assert uk.benchmark_value == published.loc["UKX", "2023"] == 35661 and uk.benchmark_method == "as published"
    region = productivity.gap(Definition("TLN", "council", "head", "uk", 2023))  # the region answers on the year asked
    assert region.value == published.loc["TLN", "2023"] and region.year == 2023


def test_northern_ireland_councils_answer_with_their_latest_year(raw_dir):
    """Belfast's 2023 GVA per head is unpublished ([u]): 'latest' falls back to Belfast's own latest year, 2022."""
    published = sheet(raw_dir, GVA_ITL_BOOK, "Table 2", "ITL code", header=1)
    belfast = productivity.gap(Definition("N09000003", "council", "head", "uk", None))
    assert belfast.year == 2022 and belfast.value == published.loc["TLN06", "2022"]
    assert belfast.method == "as published for TLN06 (made of the same councils)"
    with pytest.raises(ValueError, match="Belfast .N09000003. in 2023; periods available: 1998 to 2022"):
        productivity.gap(Definition("N09000003", "council", "head", "uk", 2023))
    for basis in ("hour", "job"):
        assert productivity.gap(Definition("N09000003", "council", basis, "uk", None)).year == 2022


def test_later_vintage_is_noted_never_mixed():
    """ONS publishes the East Midlands CA only in the June 2025 release: the June 2024 figure is derived from its 17
    councils, and the gap says the later figure exists without using it."""
    result = productivity.gap(Definition("E06000018", "city-region", "hour", "uk", 2022))
    assert result.area_code == "E47000013" and result.method == "derived from 17 of 17 councils"
    assert "June 2025: 35.16 for 2022" in result.coverage_note and result.benchmark_value == 39.7


def test_core_cities_net_gap_is_the_sum_of_the_city_gaps():
    """Exact up to ONS's rounding of published per-head figures to £1 (published GVA ÷ population ≠ the rounded
    figure × population by a few pounds a head), hence 1 in 10,000."""
    for basis in BASES:
        for geography in ("council", "city-region"):
            together = productivity.core_cities_gap(basis, geography, "uk")
            assert together["gap_gbp"] == pytest.approx(sum(c["gap_gbp"] for c in together["cities"]), rel=1e-4)
            assert together["method"].startswith("derived from 10 of 10")


def test_every_partial_figure_says_so():
    partial = aggregates.coverage()
    assert len(partial) and (partial["coverage_note"].str.len() > 0).all()
    uk_gdp = partial[
        (partial["area_code"] == "UKX") & (partial["measure_id"] == "gdp_per_head") & (partial["period"] == "2023")
    ]
    note = uk_gdp["coverage_note"].iloc[0]
    assert note.startswith("derived from 350 of 361 councils; no figure for: Antrim and Newtownabbey (N09000001)")


def test_reconciliation_of_derived_against_published():
    """Every derived figure with full coverage and no structural cause found lies within its measure's tolerance;
    the UK per hour derived from councils is £39.82 against ONS's £39.7 (+0.31%)."""
    table = aggregates.reconciliation()
    checked = table[table["checked"]]
    assert len(checked) > 10_000 and checked["within_tolerance"].all()
    uk = table[
        (table["area_code"] == "UKX") & (table["measure_id"] == "gva_per_hour") & (table["period"] == "2022")
    ].iloc[0]
    assert uk["published_value"] == 39.7 and uk["derived_value"] == pytest.approx(39.8225, abs=1e-4)
    assert uk["difference_pct"] == pytest.approx(0.3085, abs=1e-3)
    explained = table[table["explained"] != ""]
    assert set(explained["area_code"]) >= {"TLN", "TLM20"}  # unallocated NI hours; a region splitting councils


def test_figures_come_from_the_marts_not_per_request_aggregation():
    """The modules behind the pages read the aggregates mart; none re-aggregates observations per request."""
    import ast
    import inspect

    from indicators.analysis import measures

    for module in (productivity, measures):
        tree = ast.parse(inspect.getsource(module))
        imported = {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module == "indicators.data.observations"
            for alias in node.names
        }
        assert not imported, (module.__name__, imported)
