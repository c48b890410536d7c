"""Economy extracts (ons_gdp_lad, ons_gva_itl, ons_productivity) reconciled against the official workbooks.

Expected figures are read off the official files (the PROVENANCE.md spot checks of each raw folder).
"""

from __future__ import annotations

import warnings
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from indicators.pipeline.extract import ons_gdp_lad, ons_gva_itl, ons_productivity
from indicators.pipeline.extracts import validate_extract
from indicators.pipeline.spec import ExtractError, project_area_code
from tests.test_extract_labour_international_reference import CORE_CITIES as CITY_CODES

CORE_CITIES = set(CITY_CODES.values())
LA_YEARS = [str(y) for y in range(1998, 2024)]


def value(frame: pd.DataFrame, code: str, indicator_id: str, period: str) -> float:
    """The single observation for (area, indicator, period)."""
    hit = frame[(frame["area_code"] == code) & (frame["indicator_id"] == indicator_id) & (frame["period"] == period)]
    assert len(hit) == 1, f"{code} {indicator_id} {period}: {len(hit)} rows"
    return float(hit["value"].iloc[0])


def series(frame: pd.DataFrame, code: str, indicator_id: str) -> pd.Series:
    """One area's series indexed by period."""
    rows = frame[(frame["area_code"] == code) & (frame["indicator_id"] == indicator_id)]
    return rows.set_index("period")["value"]


@pytest.fixture(scope="module")
def gdp(raw_dir):
    return ons_gdp_lad.extract(raw_dir)[ons_gdp_lad.EXTRACT]


@pytest.fixture(scope="module")
def itl_out(raw_dir):
    return ons_gva_itl.extract(raw_dir)


@pytest.fixture(scope="module")
def itl(itl_out):
    return itl_out[ons_gva_itl.EXTRACT]


@pytest.fixture(scope="module")
def prod(raw_dir):
    return ons_productivity.extract(raw_dir)


# --- schema and catalogue ----------------------------------------------------------------------------------------


def test_extracts_pass_the_runner_validation(gdp, itl_out, prod):
    for module, frames in ((ons_gdp_lad, {ons_gdp_lad.EXTRACT: gdp}), (ons_gva_itl, itl_out), (ons_productivity, prod)):
        for name, frame in frames.items():
            validate_extract(name, frame, module.TABLES.get(name, ()))
            assert len(frame) > 0


def test_every_indicator_is_catalogued_with_its_one_source(gdp, itl, prod):
    frames = [gdp, itl] + [f for n, f in prod.items() if n.startswith("obs_")]
    catalogue = {}
    for module in (ons_gdp_lad, ons_gva_itl, ons_productivity):
        source_ids = {s.source_id for s in module.SOURCES}
        for ind in module.INDICATORS:
            assert ind.source_id in source_ids and ind.indicator_id not in catalogue
            assert ind.polarity in ("higher_is_better", "lower_is_better", "neutral") and ind.definition
            catalogue[ind.indicator_id] = ind
    observed = pd.concat(frames, ignore_index=True)
    for (indicator_id, source_id, unit), _ in observed.groupby(["indicator_id", "source_id", "unit"]):
        assert catalogue[indicator_id].source_id == source_id and catalogue[indicator_id].unit == unit
    assert observed.groupby("indicator_id")["source_id"].nunique().max() == 1
    # a different vintage never shares an id: everything from the June 2025 file is suffixed
    jun2025 = observed[observed["source_id"] == ons_productivity.SOURCE_2025]["indicator_id"].unique()
    assert len(jun2025) == 8 and all(i.endswith("_jun2025") for i in jun2025)


def test_observation_keys_do_not_collide_across_the_economy_extracts(gdp, itl, prod):
    observed = pd.concat([gdp, itl] + [f for n, f in prod.items() if n.startswith("obs_")], ignore_index=True)
    assert not observed.duplicated(["area_code", "indicator_id", "period"]).any()


# --- ons_gdp_lad ----------------------------------------------------------------------------------------------------

# PROVENANCE.md (ons_gdp_lad): GVA 2021 and 2023 (£m), population 2023, GVA/head 2023 (T1/T6), GDP/head 2023 (T7)
LA_SPOTS = {
    "E08000025": (29031, 35427, 1166049, 30382, 33362),
    "E06000023": (17480, 21027, 482998, 43534, 47148),
    "W06000015": (12995, 15366, 383536, 40064, 43671),
    "S12000049": (23740, 29391, 631970, 46507, 50250),
    "E08000035": (28823, 36554, 829413, 44072, 47411),
    "E08000012": (15236, 18431, 503740, 36588, 40392),
    "E08000003": (27333, 35873, 579917, 61859, 65591),
    "E08000021": (9879, 12223, 311976, 39179, 42482),
    "E06000018": (10516, 12900, 329276, 39177, 42837),
    "E08000019": (14218, 17295, 573252, 30170, 33234),
}


@pytest.mark.parametrize("code", sorted(LA_SPOTS))
def test_core_city_gdp_figures_match_provenance(gdp, code):
    gva21, gva23, pop23, gva_head23, gdp_head23 = LA_SPOTS[code]
    assert value(gdp, code, "gva_current", "2021") == gva21
    assert value(gdp, code, "gva_current", "2023") == gva23
    assert value(gdp, code, "population", "2023") == pop23
    assert value(gdp, code, "gdp_per_head", "2023") == gdp_head23
    assert round(gva23 * 1e6 / pop23) == gva_head23  # GVA per head is not an LA table: T1 / T6


def test_gdp_lad_coverage(gdp):
    assert value(gdp, "E08000025", "gva_current", "1998") == 13640
    for indicator_id in ons_gdp_lad.INDICATORS:
        rows = gdp[gdp["indicator_id"] == indicator_id.indicator_id]
        assert rows["area_code"].nunique() == 361
        assert sorted(rows["period"].unique()) == LA_YEARS
        assert CORE_CITIES <= set(rows["area_code"])
    assert not gdp["area_code"].isin(["K02000001", "UKX", "E08000039", "S12000046"]).any()  # no UK row, current codes
    # only the Northern Ireland 2023 population (and so GDP per head) is suppressed ([u]): 11 districts x 2 tables
    assert len(gdp) == 7 * 361 * 26 - 2 * 11
    missing = gdp[(gdp["period"] == "2023") & gdp["indicator_id"].isin(["population", "gdp_per_head"])]
    assert not missing["area_code"].str.startswith("N09").any()


def test_la_sums_match_provenance(gdp):
    gva = gdp[(gdp["indicator_id"] == "gva_current") & (gdp["period"] == "2023")]["value"].sum()
    pop = gdp[(gdp["indicator_id"] == "population") & (gdp["period"] == "2023")]["value"].sum()
    assert gva == 2_434_400
    # NB 66,344,828 excludes Northern Ireland (2023 suppressed) while the GVA sum includes it, so GVA / population of
    # the LA sums is not the UK-less-Extra-Regio per-head figure (ons_gva_itl publishes that: UKX itl_gva_per_head)
    assert pop == 66_344_828


def test_population_equals_the_population_workbook(raw_dir, gdp):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = pd.read_excel(
            raw_dir / "ons_population_lad/populationestimatesbylocalauthority_1998to2023.xlsx",
            sheet_name="Population data",
        )
    book.columns = [str(c) for c in book.columns]
    book = book[book["LA code"].notna()].set_index("LA code")[LA_YEARS]
    long = book.stack().rename("value").reset_index()
    long = long[pd.to_numeric(long["value"], errors="coerce").notna()]  # [u] cells are absent in both
    ours = gdp[gdp["indicator_id"] == "population"].set_index(["area_code", "period"])["value"]
    theirs = long.set_index(["LA code", "level_1"])["value"].astype(float)
    theirs.index.names = ours.index.names
    assert len(ours) == len(theirs) == 361 * 26 - 11
    assert ours.sort_index().equals(theirs.sort_index())


def test_cvm_and_deflator_are_consistent_with_current_prices(gdp):
    """Table 9 is Table 10 indexed to 2022, and in 2022 CVM equals current prices (2022 money), for every LA."""
    wide = gdp[gdp["period"].isin(["2022", "2023"])].pivot_table(
        index=["area_code", "period"], columns="indicator_id", values="value"
    )
    y22 = wide.xs("2022", level="period")
    assert (y22["gdp_cvm_index"] == 100).all() and (y22["gdp_deflator"] == 100).all()
    assert ((y22["gdp_cvm"] - y22["gdp_current"]).abs() <= 1).all()  # each rounded to £1m


# --- ons_gva_itl ----------------------------------------------------------------------------------------------------


def test_itl_spot_checks_match_provenance(itl):
    assert value(itl, "K02000001", "itl_gva_current", "2023") == 2_464_587
    assert value(itl, "K02000001", "itl_gva_per_head", "2023") == 36_103
    assert value(itl, "E92000001", "itl_gva_per_head", "2023") == 36_632
    assert value(itl, "TLG31", "itl_gva_current", "2023") == 35_427
    assert value(itl, "TLG31", "itl_gva_per_head", "2023") == 30_382
    assert value(itl, "TLG31", "itl_gva_per_head_index", "2023") == 85.2
    assert value(itl, "TLD33", "itl_gva_per_head", "2023") == 61_859
    assert value(itl, "TLD33", "itl_gva_per_head_index", "2023") == 173.5
    assert value(itl, "TLM32", "itl_gva_per_head", "2023") == 46_507
    assert value(itl, "TLM32", "itl_gva_per_head_index", "2023") == 130.4
    assert value(itl, "TLL52", "itl_gva_current", "2023") == 17_742
    assert value(itl, "TLL52", "itl_gva_per_head", "2023") == 34_233
    assert value(itl, "TLC43", "itl_gva_per_head", "2023") == 29_208
    assert value(itl, "TLD3", "itl_gva_current", "2023") == 100_350
    assert value(itl, "TLG3", "itl_gva_current", "2023") == 83_361
    assert value(itl, "TLE4", "itl_gva_current", "2023") == 73_618


def test_itl_areas_and_coverage(itl_out, itl):
    areas = itl_out[ons_gva_itl.AREAS].set_index("area_code")
    assert areas["itl_level"].value_counts().to_dict() == {
        "ITL3": 182,
        "ITL2": 46,
        "ITL1": 12,
        "UK": 1,
        "UK less Extra-Regio": 1,
        "England": 1,
        "Extra-Regio": 1,
    }
    assert areas.loc["TLZ", "area_name"] == "Extra-Regio" and areas.loc["K02000001", "area_name"] == "United Kingdom"
    assert {"TLC", "TLI", "TLL", "TLM", "TLN"} <= set(areas.index[areas["itl_level"] == "ITL1"])
    assert set(itl["area_code"]) == set(areas.index)
    gva = itl[itl["indicator_id"] == "itl_gva_current"]
    assert (gva.groupby("area_code")["period"].nunique() == 26).all()
    # Extra-Regio has GVA only (no population, so no per-head figures); UKX is the index base
    assert set(itl.loc[itl["area_code"] == "TLZ", "indicator_id"]) == {"itl_gva_current"}
    assert (series(itl, "UKX", "itl_gva_per_head_index") == 100).all()
    assert len(series(itl, "UKX", "itl_gva_per_head_index")) == 26


def test_uk_is_uk_less_extra_regio_plus_extra_regio(itl):
    uk, ukx, tlz = (series(itl, c, "itl_gva_current") for c in ("K02000001", "UKX", "TLZ"))
    assert (uk == ukx + tlz).all() and len(uk) == 26


def test_itl1_regions_sum_to_uk_less_extra_regio(itl_out, itl):
    areas = itl_out[ons_gva_itl.AREAS]
    itl1 = set(areas.loc[areas["itl_level"] == "ITL1", "area_code"])
    gva = itl[itl["indicator_id"] == "itl_gva_current"]
    total = gva[gva["area_code"].isin(itl1)].groupby("period")["value"].sum()
    ukx = series(itl, "UKX", "itl_gva_current")
    assert ((total - ukx).abs() <= 0.5 * len(itl1)).all()  # each region rounded to £1m
    assert total["2023"] == ukx["2023"] == 2_434_407


def test_la_gva_sums_to_uk_less_extra_regio(gdp, itl, itl_out):
    """ONS's LA table covers UK less Extra-Regio: the 361 LAs sum to the ITL1 total (= UKX) up to rounding.

    The sums are not identical because every LA and ITL figure is rounded to £1m independently: 2023 gives
    £2,434,400m from LAs against £2,434,407m for ITL1/UKX (the UK figure £2,464,587m adds Extra-Regio).
    """
    la = gdp[gdp["indicator_id"] == "gva_current"].groupby("period")["value"].sum()
    areas = itl_out[ons_gva_itl.AREAS]
    itl1 = set(areas.loc[areas["itl_level"] == "ITL1", "area_code"])
    gva = itl[itl["indicator_id"] == "itl_gva_current"]
    itl1_sum = gva[gva["area_code"].isin(itl1)].groupby("period")["value"].sum()
    bound = 0.5 * 361 + 0.5 * len(itl1)
    assert ((la - itl1_sum).abs() <= bound).all() and len(la) == 26
    assert la["2023"] == 2_434_400 and itl1_sum["2023"] == 2_434_407
    assert series(itl, "K02000001", "itl_gva_current")["2023"] - la["2023"] > 25_000  # Extra-Regio is not in the LAs


def test_la_gva_sums_to_each_itl1_region(raw_dir, gdp, itl):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        regions = pd.read_excel(raw_dir / ons_gdp_lad.RAW_FILE, sheet_name="Table 1", header=1)[
            ["ITL1 Region", "LA code"]
        ]
    regions["ITL1 Region"] = regions["ITL1 Region"].str.strip()  # published with trailing spaces
    gva = gdp[gdp["indicator_id"] == "gva_current"].merge(regions, left_on="area_code", right_on="LA code")
    by_region = gva.groupby(["ITL1 Region", "period"])["value"].agg(["sum", "size"]).reset_index()
    itl1 = itl[(itl["indicator_id"] == "itl_gva_current") & itl["area_code"].str.fullmatch(r"TL[C-N]")]
    joined = by_region.merge(itl1, left_on=["ITL1 Region", "period"], right_on=["area_name", "period"])
    assert len(joined) == 12 * 26
    assert ((joined["sum"] - joined["value"]).abs() <= 0.5 * joined["size"] + 0.5).all()


def test_single_la_itl3_equals_the_la_figure(gdp, itl):
    # Birmingham (TLG31) and Manchester (TLD33) are ITL3 areas made of one council each
    for itl3, lad in (("TLG31", "E08000025"), ("TLD33", "E08000003")):
        assert series(itl, itl3, "itl_gva_current").equals(series(gdp, lad, "gva_current"))
        assert series(itl, itl3, "itl_population").equals(series(gdp, lad, "population"))


# --- ons_productivity -----------------------------------------------------------------------------------------------

# PROVENANCE.md (ons_subregional_productivity): A3 GVA per hour worked (£), 2021 and 2022
PER_HOUR = {
    "UKX": (39.1, 39.7),
    "E08000025": (33.6, 34.2),
    "E06000023": (35.1, 35.7),
    "W06000015": (36.8, 37.0),
    "S12000049": (35.3, 36.0),
    "E08000035": (36.1, 36.8),
    "E08000012": (35.0, 35.6),
    "E08000003": (39.4, 40.7),
    "E08000021": (34.8, 35.6),
    "E06000018": (32.0, 31.8),
    "E08000019": (34.0, 34.6),
}
PER_JOB_2022 = {
    "UKX": 61_729,
    "E08000025": 52_848,
    "E08000003": 64_801,
    "E08000035": 59_623,
    "W06000015": 57_337,
    "S12000049": 55_020,
}


@pytest.mark.parametrize("code", sorted(PER_HOUR))
def test_lad_per_hour_matches_provenance(prod, code):
    lad = prod[ons_productivity.LAD_EXTRACT]
    assert (value(lad, code, "gva_per_hour", "2021"), value(lad, code, "gva_per_hour", "2022")) == PER_HOUR[code]


def test_lad_per_job_and_jobs_match_provenance(prod):
    lad = prod[ons_productivity.LAD_EXTRACT]
    for code, expected in PER_JOB_2022.items():
        assert round(value(lad, code, "gva_per_job", "2022")) == expected  # stored to 0.1, displayed as whole £
    assert value(lad, "UKX", "filled_jobs", "2021") == 33_570_260
    assert value(lad, "UKX", "filled_jobs", "2022") == 34_082_047
    assert value(lad, "E08000025", "filled_jobs", "2021") == 555_971
    assert value(lad, "E08000025", "filled_jobs", "2022") == 574_217
    assert value(lad, "UKX", "gva_per_hour_index", "2022") == 100


def test_lad_productivity_coverage(prod, gdp):
    lad = prod[ons_productivity.LAD_EXTRACT]
    las = set(gdp["area_code"])
    for indicator_id, first in (
        ("gva_per_hour", 2004),
        ("gva_per_hour_index", 2004),
        ("hours_worked", 2004),
        ("gva_per_job", 2002),
        ("gva_per_job_index", 2002),
        ("filled_jobs", 2002),
    ):
        rows = lad[lad["indicator_id"] == indicator_id]
        assert set(rows["area_code"]) == las | {"UKX"}  # 361 LADs (same codes as the GDP tables) + UKX
        assert len(rows) == 362 * (2023 - first)
        assert sorted(rows["period"].unique()) == [str(y) for y in range(first, 2023)]
    assert set(lad.loc[lad["area_code"] == "UKX", "area_name"]) == {ons_gdp_lad.UKX_NAME}


def test_hours_are_weekly_area_totals_and_the_identity_is_not_assumed(prod):
    """Document the units: jobs x GVA-per-job / (hours x GVA-per-hour) is about the number of weeks in a year.

    That confirms "hours_worked" is total hours in an average week (not annual hours, not hours per worker).
    The two smoothed productivity series are published separately, so the ratio is not exactly 52.14 for
    each area-year and no code relies on hours x per-hour == jobs x per-job.
    """
    lad = prod[ons_productivity.LAD_EXTRACT]
    wide = lad.pivot_table(index=["area_code", "period"], columns="indicator_id", values="value").dropna()
    weeks = (wide["filled_jobs"] * wide["gva_per_job"]) / (wide["hours_worked"] * wide["gva_per_hour"])
    assert 51 < weeks.median() < 53
    assert weeks.max() - weeks.min() > 5  # far from an exact identity for individual area-years
    hours_per_job = (wide["hours_worked"] / wide["filled_jobs"]).xs("2022", level="period")
    assert 25 < hours_per_job["UKX"] < 40  # weekly hours per job, so the sheet is a weekly total


# PROVENANCE.md: city regions 2022, A3 £/hour
CR_2022 = {
    "E47000001": 36.6,
    "E47000007": 34.5,
    "E47000003": 34.7,
    "E47000004": 35.4,
    "E47000002": 31.6,
    "E47000009": 39.6,
    "E47000011": 35.3,
    "W42000001": 34.5,
    "CR_GLASGOW_CITY_REGION": 36.5,
}


def test_city_region_per_hour_matches_provenance(prod):
    cr = prod[ons_productivity.CR_EXTRACT]
    for code, expected in CR_2022.items():
        assert value(cr, code, "gva_per_hour", "2022") == expected
    assert set(cr["indicator_id"]) == {
        t.indicator_id for t in ons_productivity.CURRENT_2024 + ons_productivity.CVM_2024
    }
    # UKX stays only for the chained-volume indices (its current-price figures are in the LAD extract)
    assert set(cr.loc[cr["area_code"] == "UKX", "indicator_id"]) == {"gva_per_hour_cvm_index", "gva_per_job_cvm_index"}
    assert value(cr, "UKX", "gva_per_hour_cvm_index", "2019") == 100


def test_city_region_file_ukx_equals_lad_file_ukx(raw_dir, prod):
    full = ons_productivity.read_file(
        raw_dir, ons_productivity.CR_FILE, ons_productivity.CURRENT_2024, ons_productivity.SOURCE_2024
    )
    lad = prod[ons_productivity.LAD_EXTRACT]
    key = ["indicator_id", "period"]
    ours = full[full["area_code"] == "UKX"].set_index(key)["value"].sort_index()
    theirs = lad[lad["area_code"] == "UKX"].set_index(key)["value"].sort_index()
    assert len(ours) == len(theirs) > 100 and ours.equals(theirs)


def test_city_region_lookup(prod):
    lookup = prod[ons_productivity.LOOKUP]
    cr = prod[ons_productivity.CR_EXTRACT]
    members = lookup.groupby("city_region_code")["lad_code"].apply(set)
    assert members["CR_GLASGOW_CITY_REGION"] == {
        "S12000049",
        "S12000045",
        "S12000039",
        "S12000050",
        "S12000029",
        "S12000038",
        "S12000011",
        "S12000018",
    }
    assert len(members["W42000001"]) == 10 and "W06000015" in members["W42000001"]
    assert set(members.index) == set(cr["area_code"]) - {"UKX"}  # every city region in the tables, and only those
    home = lookup.groupby("lad_code")["city_region_code"].apply(set)
    assert home["E08000003"] == {"E47000001"} and home["E08000021"] == {"E47000011"}  # Newcastle: North of Tyne
    assert "E06000018" not in home.index  # Nottingham is in no city region in this vintage
    assert set(lookup.loc[lookup["city_region_code"] == "E47000001", "city_region_name"]) == {
        "Greater Manchester Combined Authority"
    }


# PROVENANCE.md: June 2025 CA file, 2023 A3 £/hour
CA_2023 = {
    "UKX": 41.87,
    "E47000001": 39.77,
    "E47000007": 35.72,
    "E47000003": 37.33,
    "E47000004": 37.33,
    "E47000002": 33.77,
    "E47000009": 42.01,
    "E47000013": 35.62,
    "E47000014": 35.97,
    "CR_GLASGOW_CITY_REGION": 39.33,
}


def test_combined_authority_june_2025_matches_provenance(prod):
    ca = prod[ons_productivity.CA_EXTRACT]
    for code, expected in CA_2023.items():
        assert value(ca, code, "gva_per_hour_jun2025", "2023") == expected
    assert value(ca, "UKX", "gva_per_job_jun2025", "2023") == 66_402
    assert value(ca, "E47000001", "gva_per_job_jun2025", "2023") == 62_480
    assert value(ca, "UKX", "gva_per_hour_jun2025", "2022") == 40.97  # revised level: never mixed with gva_per_hour
    assert value(ca, "UKX", "gva_per_hour_cvm_index_jun2025", "2022") == 100
    assert "W42000001" not in set(ca["area_code"])  # no Cardiff Capital Region in the June 2025 file
    assert ca["area_code"].nunique() == 34 and ca.groupby("indicator_id")["period"].max().eq("2023").all()


def test_northern_ireland_2023_jobs_zeros_are_dropped(prod):
    ca = prod[ons_productivity.CA_EXTRACT]
    ni_2023 = ca[ca["area_code"].isin(["N34000001", "CR_MID_SOUTH_WEST_GROWTH_DEAL"]) & (ca["period"] == "2023")]
    assert not ni_2023["indicator_id"].isin(["filled_jobs_jun2025", "gva_per_job_jun2025"]).any()
    assert set(ni_2023["indicator_id"]) >= {"gva_per_hour_jun2025", "hours_worked_jun2025"}
    for frame in (
        prod[n] for n in (ons_productivity.LAD_EXTRACT, ons_productivity.CR_EXTRACT, ons_productivity.CA_EXTRACT)
    ):
        assert (frame["value"] > 0).all()


def test_project_code_rule():
    assert project_area_code("Glasgow City Region") == "CR_GLASGOW_CITY_REGION"
    assert project_area_code("Derry-Londonderry City Region") == "CR_DERRY_LONDONDERRY_CITY_REGION"


# --- malformed input ------------------------------------------------------------------------------------------------


def _workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    """Write a small xlsx with the given rows per sheet."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _gdp_workbook(tmp_path: Path, bad_sheet: str | None = None, bad_value="n/a") -> Path:
    sheets = {"Correction": [["Correction"], [datetime(2025, 10, 10)]]}
    for sheet, (_, _, title) in ons_gdp_lad.TABLES_READ.items():
        rows = [[f"{sheet}: Local Authority: {title}"], ["ITL1 Region", "LA code", "LA name", 1998.0, 2023.0]]
        rows.append(["North East", "E06000001", "Hartlepool", 761, 1000])
        rows.append(["North East", "E06000004", "Stockton-on-Tees", 2555, bad_value if sheet == bad_sheet else 3000])
        sheets[sheet] = rows
    return _workbook(tmp_path / ons_gdp_lad.RAW_FILE, sheets)


def test_gdp_tiny_workbook_extracts(tmp_path):
    obs = ons_gdp_lad.extract(_gdp_workbook(tmp_path, "Table 6", "[u]").parents[1])[ons_gdp_lad.EXTRACT]
    assert len(obs) == 7 * 4 - 1  # the [u] cell is dropped
    assert value(obs, "E06000004", "gdp_cvm", "2023") == 3000


def test_gdp_bad_value_names_file_sheet_and_row(tmp_path):
    _gdp_workbook(tmp_path, "Table 5")
    with pytest.raises(ExtractError, match=r"regionalgrossdomesticproduct.*\.xlsx, sheet 'Table 5', row 4: .*'n/a'"):
        ons_gdp_lad.extract(tmp_path)


def test_gdp_missing_sheet_and_wrong_title_fail(tmp_path):
    path = _gdp_workbook(tmp_path)
    book = openpyxl.load_workbook(path)
    book["Table 9"]["A1"] = "Table 9: something else"
    book.save(path)
    with pytest.raises(ExtractError, match=r"sheet 'Table 9', row 1: expected a title"):
        ons_gdp_lad.extract(tmp_path)
    del book["Correction"]
    book.save(path)
    with pytest.raises(ExtractError, match=r"\.xlsx, sheet 'Correction': sheet not found"):
        ons_gdp_lad.extract(tmp_path)


def test_gdp_non_lad_code_fails(tmp_path):
    path = _gdp_workbook(tmp_path)
    book = openpyxl.load_workbook(path)
    book["Table 1"]["B4"] = "Total"
    book.save(path)
    with pytest.raises(ExtractError, match=r"sheet 'Table 1', row 4: expected a local authority code"):
        ons_gdp_lad.extract(tmp_path)


def _itl_workbook(tmp_path: Path, code: str = "TLC3") -> Path:
    sheets = {}
    for sheet, (_, _, title) in ons_gva_itl.TABLES_READ.items():
        sheets[sheet] = [
            [f"{sheet}: {title}"],
            ["ITL", "ITL code", "Region name", 1998.0, 2023.0],
            ["UK", "UK", "United Kingdom", 100, 200],
            ["ITL1", "TLC", "North East", 10, 20],
            ["ITL2", code, "Tees Valley", 5, 10],
        ]
    return _workbook(tmp_path / ons_gva_itl.RAW_FILE, sheets)


def test_itl_tiny_workbook_and_bad_code(tmp_path):
    out = ons_gva_itl.extract(_itl_workbook(tmp_path).parents[1])
    assert value(out[ons_gva_itl.EXTRACT], "K02000001", "itl_gva_current", "2023") == 200
    assert list(out[ons_gva_itl.AREAS]["itl_level"]) == ["UK", "ITL1", "ITL2"]
    _itl_workbook(tmp_path, code="TLC3X9")
    with pytest.raises(ExtractError, match=r"regionalgrossvalueadded.*, sheet 'Table 1', row 5: unexpected area"):
        ons_gva_itl.extract(tmp_path)


def _ca_workbook(tmp_path: Path, code: str = "E47000001", per_hour="39.77") -> Path:
    table = ons_productivity.CURRENT_2025[1]  # A3
    rows = [
        [f"Table A3: {table.title}; Combined Authorities"],
        ["Including UK figures"],
        [None],
        [None],
        ["area_code", "area_name", "Pounds_2022", "Pounds_2023"],
        ["UKX", "United Kingdom less Extra-Regio", 40.97, 41.87],
        [code, "Greater Manchester", 38.0, per_hour],
        ["Not available", "Glasgow City Region", 37.0, 39.33],
        [None],
        ["Note 1: Data are current price"],
        ["Source: Office for National Statistics"],
    ]
    return _workbook(tmp_path / ons_productivity.CA_FILE, {"A3": rows})


def test_productivity_tiny_workbook_and_bad_input(tmp_path):
    table = ons_productivity.CURRENT_2025[1]
    _ca_workbook(tmp_path)
    obs = ons_productivity.read_file(tmp_path, ons_productivity.CA_FILE, (table,), ons_productivity.SOURCE_2025)
    assert len(obs) == 6 and value(obs, "CR_GLASGOW_CITY_REGION", "gva_per_hour_jun2025", "2023") == 39.33
    _ca_workbook(tmp_path, per_hour="x")
    with pytest.raises(
        ExtractError, match=r"labourproductivitycaeer_jun2025\.xlsx, sheet 'A3', row 7: expected a number"
    ):
        ons_productivity.read_file(tmp_path, ons_productivity.CA_FILE, (table,), ons_productivity.SOURCE_2025)
    _ca_workbook(tmp_path, code="Total")
    with pytest.raises(ExtractError, match=r"sheet 'A3', row 7: unexpected area code 'Total'"):
        ons_productivity.read_file(tmp_path, ons_productivity.CA_FILE, (table,), ons_productivity.SOURCE_2025)
    with pytest.raises(ExtractError, match=r"sheet 'A1': sheet not found"):
        ons_productivity.read_file(
            tmp_path, ons_productivity.CA_FILE, ons_productivity.CURRENT_2025, ons_productivity.SOURCE_2025
        )


def test_every_sheet_reader_keeps_markers_as_text_and_only_empty_cells_missing(tmp_path):
    """One missing-value rule for all extracts: 'n/a', 'NA' and '-' must reach the number parser and fail loudly."""
    from indicators.pipeline.spec import read_grid, read_grids, read_sheet

    path = tmp_path / "book.xlsx"
    pd.DataFrame([["code", "2022"], ["E1", "n/a"], ["E2", "NA"], ["E3", "-"], ["E4", None]]).to_excel(
        path, sheet_name="T1", header=False, index=False
    )
    grid = read_grid(path, "T1")
    assert grid.iloc[1:4, 1].tolist() == ["n/a", "NA", "-"] and pd.isna(grid.iloc[4, 1])
    assert read_grids(path, ["T1"])["T1"].equals(grid)
    sheet = read_sheet(path, "T1", header_row=1)
    assert sheet["2022"].iloc[:3].tolist() == ["n/a", "NA", "-"] and pd.isna(sheet["2022"].iloc[3])
    with pytest.raises(ExtractError, match=r"book\.xlsx.*sheet 'T9'"):
        read_grid(path, "T9")
