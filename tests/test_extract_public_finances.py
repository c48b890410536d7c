"""Reconcile the public finances extracts with the official files (ONS CRPSF, HMT CRA, HMRC SPI, DLUHC CT receipts)."""

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from indicators.pipeline.extract import public_finances as pf
from indicators.pipeline.extracts import validate_extract
from indicators.pipeline.spec import ExtractError, read_grid

CORE_CITIES_ENGLAND = [
    "E08000025",
    "E06000023",
    "E08000035",
    "E08000012",
    "E08000003",
    "E08000021",
    "E06000018",
    "E08000019",
]
CORE_CITIES_UK = CORE_CITIES_ENGLAND + ["W06000015", "S12000049"]


SLOW_FIXTURES = {"frames", "raw_cra_editions"}  # reading the official workbooks takes ~40 s


@pytest.fixture(scope="module")
def frames(raw_dir):
    out = pf.extract(raw_dir)
    for name, frame in out.items():
        validate_extract(name, frame, pf.TABLES.get(name, ()))
    return out


@pytest.fixture(scope="module")
def crpsf(frames):
    return frames["obs_crpsf"].set_index(["area_code", "indicator_id", "period"])["value"]


def value(series, area, indicator, period):
    return series.loc[(area, indicator, period)]


# ------------------------------------------------------------------------------------------------ CRPSF


def test_crpsf_spot_checks(crpsf):
    """Figures read off the FYE 2025 supplementary tables (PROVENANCE.md)."""
    assert value(crpsf, "TLC", "exp_per_head", "2024-25") == 19071
    assert value(crpsf, "TLI", "exp_per_head", "2024-25") == 21017
    assert value(crpsf, "K02000001", "exp_per_head", "2024-25") == 18628
    assert value(crpsf, "TLC", "rev_per_head", "2024-25") == 12006
    assert value(crpsf, "TLI", "rev_per_head", "2024-25") == 26391
    assert value(crpsf, "K02000001", "rev_per_head", "2024-25") == 16437
    assert value(crpsf, "TLC", "nfb_per_head", "2024-25") == 7065
    assert value(crpsf, "TLI", "nfb_per_head", "2024-25") == -5374
    assert value(crpsf, "TLM", "nfb_per_head", "2024-25") == 4662
    assert value(crpsf, "TLL", "nfb_per_head", "2024-25") == 7149
    assert value(crpsf, "TLC", "crpsf_population", "2024-25") == 2760678
    assert value(crpsf, "K02000001", "crpsf_population", "2024-25") == 69281437
    # population-share variants (second tables of S4/S5) and S9/S10/revenue-workbook cells
    assert value(crpsf, "TLC", "nfb_per_head_ns_population", "2024-25") == 7094
    assert value(crpsf, "TLM", "rev_per_head_ns_population", "2024-25") == 15880
    assert value(crpsf, "TLC", "rev_income_tax", "2024-25") == 7131
    assert value(crpsf, "K02000001", "rev_value_added_tax", "2024-25") == 202726
    assert value(crpsf, "TLC", "rev_total", "2024-25") == 33145
    assert value(crpsf, "TLC", "rev_total_ns_population", "2024-25") == 33064
    assert value(crpsf, "TLC", "exp_total", "2024-25") == 52648
    assert value(crpsf, "TLC", "exp_identifiable_total", "2024-25") == 38930
    assert value(crpsf, "K02000001", "crpsf_uk_gdp", "2024-25") == 2934160


def test_crpsf_coverage(frames):
    obs = frames["obs_crpsf"]
    periods = [f"{y}-{str(y + 1)[2:]}" for y in range(1999, 2025)]
    assert sorted(obs["period"].unique()) == periods
    catalogue = {i.indicator_id for i in pf.INDICATORS if i.source_id == pf.CRPSF_SOURCE}
    assert set(obs["indicator_id"]) == catalogue
    counts = obs.groupby("indicator_id").size()
    assert counts.drop("crpsf_uk_gdp").eq(len(pf.CRPSF_AREAS) * len(periods)).all()
    assert counts["crpsf_uk_gdp"] == len(periods)
    assert set(obs["area_code"]) == set(pf.CRPSF_AREAS)


def test_revenue_items_sum_to_total(frames):
    """S9 items (excluding 'of which' sub-items and the population-share North Sea duplicates) = rev_total."""
    obs = frames["obs_crpsf"]
    sub_ids = {pf.revenue_id(i) for i in pf.REVENUE_SUB_ITEMS}
    not_items = sub_ids | {"rev_total", "rev_total_ns_population", "rev_total_excl_north_sea", "rev_per_head"}
    is_item = (
        obs["indicator_id"].str.startswith("rev_")
        & ~obs["indicator_id"].str.endswith("_ns_population")
        & ~obs["indicator_id"].isin(not_items)
    )
    items = obs[is_item]
    assert items["indicator_id"].nunique() == len(pf.REVENUE_ITEMS) - len(pf.REVENUE_SUB_ITEMS) + 4
    summed = items.groupby(["area_code", "period"])["value"].sum()
    total = obs[obs["indicator_id"] == "rev_total"].set_index(["area_code", "period"])["value"]
    tolerance = 0.5 * items["indicator_id"].nunique()  # each item rounded to £1m
    assert (summed - total).abs().max() <= tolerance
    # population-share total differs only in the North Sea items
    ns_pop = obs[
        obs["indicator_id"].str.endswith("_ns_population")
        & obs["indicator_id"].str.startswith("rev_")
        & ~obs["indicator_id"].isin(["rev_total_ns_population", "rev_per_head_ns_population"])
    ]
    ns_geo = obs[obs["indicator_id"].isin([pf.revenue_id(i + " - Geographic") for i in pf.NORTH_SEA_ITEMS])]
    alt = (
        summed
        - ns_geo.groupby(["area_code", "period"])["value"].sum()
        + ns_pop.groupby(["area_code", "period"])["value"].sum()
    )
    total_pop = obs[obs["indicator_id"] == "rev_total_ns_population"].set_index(["area_code", "period"])["value"]
    assert (alt - total_pop).abs().max() <= tolerance


def test_sub_items_sum_to_parent(crpsf):
    for area in pf.CRPSF_AREAS:
        vat = value(crpsf, area, "rev_vat_net_of_refunds", "2024-25") + value(crpsf, area, "rev_vat_refunds", "2024-25")
        assert abs(vat - value(crpsf, area, "rev_value_added_tax", "2024-25")) <= 1


def test_expenditure_functions_sum_to_total(frames):
    obs = frames["obs_crpsf"]
    divisions = [
        pf.expenditure_id(i)
        for i in pf.EXPENDITURE_ITEMS
        if not pf.is_sub_function(i) and i != "Total Managed Expenditure"
    ]
    assert len(divisions) == 12  # 10 COFOG divisions, EU transactions, accounting adjustments
    summed = obs[obs["indicator_id"].isin(divisions)].groupby(["area_code", "period"])["value"].sum()
    total = obs[obs["indicator_id"] == "exp_total"].set_index(["area_code", "period"])["value"]
    assert len(summed) == len(total) == 14 * 26
    assert (summed - total).abs().max() <= 0.5 * len(divisions)


@pytest.mark.parametrize(
    "indicator, tolerance", [("rev_total", 6), ("exp_total", 6), ("crpsf_population", 1), ("rev_income_tax", 6)]
)
def test_regions_sum_to_england_and_nations_to_uk(frames, indicator, tolerance):
    """ONS: figures are additive across regions/nations ('totals may not sum due to rounding')."""
    obs = frames["obs_crpsf"]
    wide = obs[obs["indicator_id"] == indicator].pivot(index="period", columns="area_code", values="value")
    assert (wide[list(pf.ENGLISH_REGIONS)].sum(axis=1) - wide["E92000001"]).abs().max() <= tolerance
    assert (wide[list(pf.NATIONS)].sum(axis=1) - wide["K02000001"]).abs().max() <= tolerance


def test_net_fiscal_balance_sign_convention(frames):
    """S4 = S6 - S5: expenditure minus revenue, positive = deficit."""
    obs = frames["obs_crpsf"]
    wide = obs.pivot_table(index=["area_code", "period"], columns="indicator_id", values="value")
    assert (wide["exp_per_head"] - wide["rev_per_head"] - wide["nfb_per_head"]).abs().max() <= 1
    assert (
        wide["exp_per_head"] - wide["rev_per_head_ns_population"] - wide["nfb_per_head_ns_population"]
    ).abs().max() <= 1


def test_indicator_ids_unique_and_well_formed():
    ids = [i.indicator_id for i in pf.INDICATORS]
    assert len(ids) == len(set(ids))
    assert "rev_income_tax" in ids and "rev_petroleum_revenue_tax_ns_population" in ids and "exp_education" in ids
    assert all(i.definition and i.unit and i.polarity and i.period_type for i in pf.INDICATORS)
    assert {i.source_id for i in pf.INDICATORS} <= {s.source_id for s in pf.SOURCES}


# -------------------------------------------------------------------------------------------------- CRA


def test_cra_spot_checks(frames):
    cra = frames["cra_identifiable_spending"]
    totals = cra.groupby(["edition", "region_code", "period"])["value_gbp_m"].sum()
    assert round(totals[("CRA 2025", "TLC", "2024-25")]) == 38930
    assert round(totals[("CRA 2020", "TLC", "2019-20")]) == 27460
    assert round(totals[("CRA 2016", "TLC", "2014-15")]) == 24632


def raw_cra(raw_dir, edition: str) -> tuple[list[str], dict[tuple[str, str, str], float]]:
    """Straight from the workbook (openpyxl, not the extract's reader): its year columns, and each year's total of
    the identifiable rows by region (labels mapped to ITL1 codes), COFOG function and year, £ thousand."""
    file, sheet, _ = pf.CRA_FILES[edition]
    workbook = openpyxl.load_workbook(raw_dir / file, read_only=True, data_only=True)
    rows = workbook[sheet].iter_rows(values_only=True)
    header = [str(c).strip() if c is not None else "" for c in next(rows)]
    years = [c for c in header if len(c) == 7 and c[4] == "-"]
    cofog, flag = header.index("COFOG Level 0"), header.index("ID/non-ID")
    region = header.index("ITL Region" if "ITL Region" in header else "NUTS Region")
    totals: dict[tuple[str, str, str], float] = {}
    for row in rows:
        if row[flag] != "ID" or str(row[region]).strip().upper() == "OUTSIDE UK":
            continue
        code = pf.region_code(row[region], file)
        for year in years:
            key = (code, " ".join(str(row[cofog]).split()), year)
            totals[key] = totals.get(key, 0) + row[header.index(year)]
    workbook.close()
    return years, totals


@pytest.fixture(scope="module")
def raw_cra_editions(raw_dir):
    """The two editions that share a year, read from the raw workbooks."""
    return {edition: raw_cra(raw_dir, edition) for edition in ("CRA 2016", "CRA 2020")}


def test_cra_keeps_every_year_of_every_edition(frames, raw_cra_editions):
    cra = frames["cra_identifiable_spending"]
    assert list(cra.columns) == pf.CRA_COLUMNS
    held = cra.groupby("edition")["period"].agg(lambda p: sorted(set(p)))
    assert (
        held["CRA 2016"] == raw_cra_editions["CRA 2016"][0] == ["2011-12", "2012-13", "2013-14", "2014-15", "2015-16"]
    )
    assert (
        held["CRA 2020"] == raw_cra_editions["CRA 2020"][0] == ["2015-16", "2016-17", "2017-18", "2018-19", "2019-20"]
    )
    assert held["CRA 2025"] == ["2020-21", "2021-22", "2022-23", "2023-24", "2024-25"]
    # 2015-16 is the one year two editions publish: held once for each
    editions = cra.groupby("period")["edition"].agg(lambda e: sorted(set(e)))
    assert editions["2015-16"] == ["CRA 2016", "CRA 2020"] and editions.map(len).sum() == len(editions) + 1
    # every region x function x year of both editions as its own workbook has it (the extract rounds each HM
    # Treasury function's total to 3 decimals of £ million, so a COFOG total is within £0.5 thousand per function)
    for edition, (_, totals) in raw_cra_editions.items():
        mine = cra[cra["edition"] == edition].groupby(["region_code", "cofog_function", "period"])["value_gbp_m"].sum()
        assert set(mine.index) == set(totals), edition
        for key, thousands in totals.items():
            assert mine[key] == pytest.approx(thousands / 1000, abs=0.005), (edition, key)
    assert set(cra["region_code"]) == set(pf.ITL1)  # no OUTSIDE UK / NON-REGIONAL
    assert cra.groupby(["edition", "period"])["region_code"].nunique().eq(12).all()
    assert not cra.duplicated(list(pf.TABLES["cra_identifiable_spending"])).any()


def test_cra_editions_are_on_one_basis(frames):
    """The pairs of functions each edition uses are the same, so a shared year compares like with like."""
    cra = frames["cra_identifiable_spending"]
    functions = cra.groupby("edition")[["cofog_function", "hmt_function"]].apply(
        lambda f: set(zip(f["cofog_function"], f["hmt_function"]))
    )
    assert functions["CRA 2016"] == functions["CRA 2020"] == functions["CRA 2025"]
    assert len(functions["CRA 2025"]) == 15


def test_the_newest_edition_for_each_year_is_the_greatest_name(frames):
    """Readers take max(edition) for a year (analysis/fiscal.py): names are 'CRA <year>', newest first in CRA_FILES,
    and that choice gives each of the 14 years from the newest edition publishing it."""
    cra = frames["cra_identifiable_spending"]
    assert list(pf.CRA_FILES) == sorted(pf.CRA_FILES, reverse=True)
    assert all(len(e) == 8 and e.startswith("CRA ") and e[4:].isdigit() for e in pf.CRA_FILES)
    newest = cra.groupby("period")["edition"].max()
    assert len(newest) == 14
    assert newest["2015-16"] == "CRA 2020" and newest["2014-15"] == "CRA 2016" and newest["2024-25"] == "CRA 2025"


def test_cra_matches_crpsf_identifiable(frames, crpsf):
    """CRPSF identifiable spending is the CRA 2025 total to within segment rounding."""
    cra = frames["cra_identifiable_spending"]
    totals = cra[cra["edition"] == "CRA 2025"].groupby(["region_code", "period"])["value_gbp_m"].sum()
    for (code, period), total in totals.items():
        assert abs(total - value(crpsf, code, "exp_identifiable_total", period)) <= 1.5


# ------------------------------------------------------------------------------------------------- HMRC


def test_hmrc_income_tax(frames):
    hmrc = frames["obs_hmrc_income_tax"].set_index(["area_code", "indicator_id"])["value"]
    assert hmrc[("E08000025", "income_tax")] == 2440  # 2,440,000,000 in the file
    assert hmrc[("E08000025", "income_taxpayers")] == 474000
    assert hmrc[("E08000035", "income_tax")] == 2430
    assert hmrc[("S12000049", "income_tax")] == 1580
    assert hmrc[("E08000019", "income_tax")] == 1320  # E08000039 in the file
    codes = set(frames["obs_hmrc_income_tax"]["area_code"])
    assert len(codes) == 359 and set(CORE_CITIES_UK) <= codes
    assert not {"E08000039", "E08000038"} & codes and "E08000016" in codes
    assert not {"E06000027", "E06000053"} & codes  # Torbay, Isles of Scilly suppressed -> dropped
    # column total reproduces the transcription check in PROVENANCE.md
    assert round(frames["obs_hmrc_income_tax"].query("indicator_id == 'income_tax'")["value"].sum()) == 271971


# ------------------------------------------------------------------------------------------ council tax


def test_council_tax_spot_checks(frames):
    ct = frames["obs_council_tax_receipts"].set_index(["area_code", "period"])["value"]
    assert ct[("E08000025", "2010-11")] == pytest.approx(269.78085, abs=1e-9)  # Table 5, £000 269,780.85
    assert ct[("E08000025", "2022-23")] == pytest.approx(449.767, abs=1e-9)  # Table 4, £000 449,767


def test_council_tax_matches_table_4(frames, raw_dir):
    path = raw_dir / pf.CT_FILE
    table4 = pd.read_excel(path, sheet_name="Table_4", header=6)
    total = "Total receipts of council taxes collected during the financial year"
    ct = frames["obs_council_tax_receipts"]
    ours = ct[ct["period"] == "2022-23"].set_index("area_code")["value"]
    table4["code"] = [pf.RGN_TO_ITL1.get(c, c) for c in table4["ONS Code"]]
    merged = table4.set_index("code")[total].div(1000)
    assert set(merged.index) == set(ours.index)
    assert (merged - ours).abs().max() <= 0.0015  # £1k rounding in Table 4


def test_council_tax_coverage(frames):
    ct = frames["obs_council_tax_receipts"]
    years = [f"{y}-{str(y + 1)[2:]}" for y in range(2010, 2023)]
    assert sorted(ct["period"].unique()) == years
    per_area = ct.groupby("area_code")["period"].apply(set)
    for code in CORE_CITIES_ENGLAND + ["E92000001", "TLC", "TLI"]:
        assert per_area[code] == set(years), code
    assert per_area["E07000026"] == set(years)  # Allerdale: abolished April 2023, kept with its own code
    assert max(per_area["E07000004"]) == "2019-20"  # Aylesbury Vale: abolished April 2020
    assert min(per_area["E06000060"]) == "2020-21"  # Buckinghamshire starts on creation
    assert not ct["area_code"].str.startswith("E12").any()


# ---------------------------------------------------------------------------------------- malformed input


def test_unknown_region_name_fails():
    assert pf.region_code("ENGLAND_Yorkshire and The Humber", "f.xlsx") == "TLE"
    assert pf.region_code("  england_EAST ", "f.xlsx") == "TLH"
    with pytest.raises(ExtractError, match=r"f\.xlsx, sheet 'S', row 9: unknown region name 'Mercia'"):
        pf.region_code("Mercia", "f.xlsx", "S", 9)


def test_crpsf_block_bad_number(tmp_path):
    path = tmp_path / "supp.xlsx"
    rows = [
        ["Public Sector Expenditure per head", None, None],
        ["notes", None, None],
        ["£", "2023 to 2024", "2024 to 2025"],
    ]
    rows += [[pf.AREA_NAMES[c], 100, 200] for c in pf.CRPSF_AREAS]
    rows[4][2] = "oops"
    pd.DataFrame(rows).to_excel(path, sheet_name="Table S6", header=False, index=False)
    grid = read_grid(path, "Table S6")
    with pytest.raises(ExtractError, match=r"supp\.xlsx, sheet 'Table S6', row 5: expected a number"):
        pf._crpsf_block(grid, "£", path, "Table S6")
    with pytest.raises(ExtractError, match=r"sheet 'Table S9'"):
        read_grid(path, "Table S9")


def test_hmrc_bad_value(tmp_path):
    folder = tmp_path / "hmrc_spi_la_2023_24"
    folder.mkdir()
    (folder / Path(pf.HMRC_FILE).name).write_text(
        "lad_code,lad_name,total_tax_n,total_tax_gbp\nE06000027,Torbay,,\nE08000025,Birmingham,474000,lots\n"
    )
    with pytest.raises(ExtractError, match=r"hmrc_table_3_14_income_tax_by_LA_2023_24\.csv, row 3: expected a number"):
        pf.extract_hmrc(tmp_path)


def _council_tax_workbook(tmp_path: Path, body: list[list]) -> None:
    """A DLUHC council tax receipts workbook (sheet Table_5: title, four blank rows, the quarters' header, `body`)."""
    folder = tmp_path / "dluhc_council_tax_receipts"
    folder.mkdir()
    header = [
        "E-code",
        "ONS Code",
        "Local authority",
        "Class",
        "Region",
        "April to June 2010 (Q1)",
        "July to September 2010 (Q2)",
        "October to December 2010 (Q3)",
        "January to March 2011 (Q4)",
    ]
    rows = [["Table 5"] + [None] * 8] + [[None] * 9] * 4 + [header] + body
    pd.DataFrame(rows).to_excel(folder / Path(pf.CT_FILE).name, sheet_name="Table_5", header=False, index=False)


def test_council_tax_bad_value(tmp_path):
    _council_tax_workbook(
        tmp_path,
        [
            ["E4601", "E08000025", "Birmingham", "MD", "WM", 1, 2, 3, 4],
            ["E0435", "E07000007", "Wycombe", "SD", "SE", "[z]", "[z]", "[z]", "[z]"],
            ["E4602", "E08000026", "Coventry", "MD", "WM", 1, "oops", 3, 4],
        ],
    )
    with pytest.raises(ExtractError, match=r"sheet 'Table_5', row 9: expected a number, found 'oops'"):
        pf.extract_council_tax(tmp_path)


def test_council_tax_sums_quarters(tmp_path):
    _council_tax_workbook(
        tmp_path,
        [
            ["NE", "E12000001", "North East England", "Eng", "NE", 10, 20, 30, 40.5],
            ["E0435", "E07000007", "Wycombe  ", "SD", "SE", "[z]", "[z]", "[z]", "[z]"],
        ],
    )
    out = pf.extract_council_tax(tmp_path)
    assert out.to_dict("records") == [
        {
            "area_code": "TLC",
            "area_name": "North East",
            "indicator_id": "council_tax_receipts",
            "period": "2010-11",
            "value": 0.1005,
            "unit": "£ million",
            "source_id": pf.CT_SOURCE,
        }
    ]


def test_cra_unknown_region(tmp_path):
    folder = tmp_path / "hmt_cra"
    folder.mkdir()
    frame = pd.DataFrame(
        {
            "COFOG Level 0": ["7. Health"] * 2,
            "HMT Function": ["7. Health"] * 2,
            "ID/non-ID": ["ID", "ID"],
            "ITL Region": ["ENGLAND_North East", "ENGLAND_Wessex"],
            "2024-25": [1000, 2000],
        }
    )
    frame.to_excel(folder / "CRA_2025_database.xlsx", sheet_name="CRA 2025 database", index=False)
    with pytest.raises(ExtractError, match=r"sheet 'CRA 2025 database', row 3: unknown region name 'ENGLAND_Wessex'"):
        pf._cra_edition(tmp_path, "CRA 2025")


def test_north_sea_items_are_the_four_crpsf_leaves_out_of_its_excluding_total(frames):
    """CRPSF's own North Sea revenue is petroleum revenue tax, offshore corporation tax, royalties and licence fees and
    the energy profits levy: its 'excluding North Sea' total is the total less exactly these four (geographic version),
    in every area and year. This is why the fiscal estimates hold the energy profits levy with the other three."""
    obs = frames["obs_crpsf"]
    wide = obs.pivot_table(index=["area_code", "period"], columns="indicator_id", values="value")
    north_sea = [pf.revenue_id(f"{i} - Geographic") for i in pf.NORTH_SEA_ITEMS]
    assert "rev_energy_profits_levy" in north_sea and len(north_sea) == 4
    gap = wide["rev_total"] - wide["rev_total_excl_north_sea"] - wide[north_sea].sum(axis=1)
    assert gap.abs().max() <= 0.5 * len(north_sea)
    # the levy has values from 2022-23 only, and ONS allocates most of it to Scotland
    levy = wide["rev_energy_profits_levy"].unstack("area_code")
    assert (
        levy.loc[:"2021-22"].abs().sum().sum() == 0
        and levy.loc["2022-23", "TLM"] > 0.5 * levy.loc["2022-23", "K02000001"]
    )
