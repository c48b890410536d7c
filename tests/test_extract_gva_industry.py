"""GVA by industry (ons_gva_industry) reconciled against the twelve official workbooks, read here independently.

Expected figures are the PROVENANCE.md spot checks of ``ons_gva_lad_by_industry`` and openpyxl reads of Table 3.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from indicators.data.paths import EXTRACTS_DIR
from indicators.pipeline.extract import ons_gva_industry as gi
from indicators.pipeline.extracts import validate_extract
from indicators.pipeline.spec import ExtractError
from tests.test_extract_labour_international_reference import CORE_CITIES

CORE_CODES = set(CORE_CITIES.values())
YEARS = list(range(1998, 2024))
SECTIONS = [code for code, is_section in gi.INDUSTRIES.values() if is_section]
# Each published figure is rounded to the nearest £1 million on its own, so 18 sections can miss the rounded Total by
# up to 18 x 0.5 + 0.5 = £9.5 million; the largest gap in this release is £5 million.
ROUNDING_TOLERANCE = len(SECTIONS) * 0.5 + 0.5


SLOW_FIXTURES = {"out", "workbook_table3"}  # reading the official workbooks: ~15 s, and ~10 s with openpyxl


@pytest.fixture(scope="module")
def out(raw_dir):
    return gi.extract(raw_dir)


@pytest.fixture(scope="module")
def gva(out):
    return out["gva_industry"]


@pytest.fixture(scope="module")
def wide(gva):
    """Industry columns, one row per (area_code, year); suppressed cells are missing."""
    return gva.pivot(index=["area_code", "year"], columns="industry_code", values="value_gbp_m").astype("float64")


@pytest.fixture(scope="module")
def workbook_table3(raw_dir):
    """Table 3 of every workbook read with openpyxl: {(LA code, SIC07 label): {year: cell}}."""
    cells = {}
    for name in gi.RAW_FILES:
        book = openpyxl.load_workbook(raw_dir / name, read_only=True, data_only=True)
        rows = book["Table 3"].iter_rows(values_only=True)
        next(rows)
        header = [str(int(v)) if isinstance(v, float) else str(v) for v in next(rows)]
        for row in rows:
            record = dict(zip(header, row))
            cells[(record["LA code"], str(record["SIC07"]).strip())] = {y: record[str(y)] for y in YEARS}
        book.close()
    return cells


def value(gva: pd.DataFrame, area: str, industry: str, year: int) -> float:
    hit = gva[(gva["area_code"] == area) & (gva["industry_code"] == industry) & (gva["year"] == year)]
    assert len(hit) == 1, f"{area} {industry} {year}: {len(hit)} rows"
    return float(hit["value_gbp_m"].iloc[0])


# --- schema ---------------------------------------------------------------------------------------------------------


def test_schema_keys_and_declarations(out, gva):
    assert list(gva.columns) == gi.GVA_COLUMNS
    assert list(out["industries"].columns) == gi.INDUSTRY_COLUMNS
    for name, frame in out.items():
        validate_extract(name, frame, gi.TABLES[name])
    assert set(gva["source_id"]) == {s.source_id for s in gi.SOURCES}
    assert len(gi.SOURCES[0].raw_files.split(";")) == 12


def test_industries_are_total_the_18_sections_and_imputed_rent(out):
    industries = out["industries"].set_index("industry_code")
    assert list(industries.sort_values("display_order").index) == [
        "total",
        "AB",
        "C",
        "DE",
        "F",
        "G",
        "H",
        "I",
        "J",
        "K",
        "L",
        "68IMP",
        "M",
        "N",
        "O",
        "P",
        "Q",
        "R",
        "S",
        "T",
    ]
    assert not industries.loc["total", "is_section"] and not industries.loc["68IMP", "is_section"]
    assert industries["is_section"].sum() == 18
    assert industries.loc["C", "sic07_label"] == "C (10-33)" and industries.loc["C", "industry_name"] == "Manufacturing"
    assert industries.loc["T", "industry_name"] == "Activities of households"  # published with a trailing space


# --- figures against the workbooks ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("area", "industry", "year", "expected"),
    [
        ("E08000025", "total", 1998, 13640),
        ("E08000025", "total", 2023, 35427),
        ("E08000025", "C", 2023, 2379),
        ("E08000025", "K", 2023, 4196),
        ("E08000003", "K", 2023, 5341),
        ("W06000015", "K", 2023, 2956),
        ("S12000049", "total", 2023, 29391),
    ],
)
def test_provenance_spot_checks(gva, area, industry, year, expected):
    assert value(gva, area, industry, year) == expected


def test_core_cities_equal_the_workbook_for_every_industry_and_year(gva, workbook_table3):
    core = gva[gva["area_code"].isin(CORE_CODES)]
    assert set(core["area_code"]) == CORE_CODES
    labels = {code: label for label, (code, _) in gi.INDUSTRIES.items()}
    for row in core.itertuples(index=False):
        published = workbook_table3[(row.area_code, labels[row.industry_code])][row.year]
        assert row.value_gbp_m == published, (row.area_code, row.industry_code, row.year, published)
    assert len(core) == len(CORE_CODES) * len(gi.INDUSTRIES) * len(YEARS)


def test_suppressed_cells_are_exactly_the_workbooks_c_markers(gva, workbook_table3):
    labels = {code: label for label, (code, _) in gi.INDUSTRIES.items()}
    missing = gva[gva["value_gbp_m"].isna()]
    assert len(missing) == 832
    for row in missing.itertuples(index=False):
        assert workbook_table3[(row.area_code, labels[row.industry_code])][row.year] == "[c]"
    kept = {(a, labels[i], y) for a, i, y in zip(gva["area_code"], gva["industry_code"], gva["year"])}
    markers = {
        (a, label, y)
        for (a, label), years in workbook_table3.items()
        for y, cell in years.items()
        if cell == "[c]" and (a, label, y) in kept
    }
    assert markers == set(zip(missing["area_code"], missing["industry_code"].map(labels), missing["year"]))
    assert not missing["industry_code"].eq("total").any()
    assert missing["marker"].eq("[c]").all()  # stored as missing with its marker, never as zero
    assert gva.loc[gva["value_gbp_m"].notna(), "marker"].fillna("").eq("").all()


def test_total_equals_la_gva_current_prices(gva):
    lad = pd.read_csv(EXTRACTS_DIR / "obs_ons_gdp_lad.csv")
    lad = lad[lad["indicator_id"] == "gva_current"].rename(columns={"period": "year"})
    total = gva[gva["industry_code"] == "total"]
    both = total.merge(lad, on=["area_code", "year"], how="outer", indicator=True)
    assert (both["_merge"] == "both").all(), both.loc[both["_merge"] != "both", ["area_code", "year", "_merge"]].head()
    assert (both["value_gbp_m"].astype("float64") == both["value"]).all()
    assert len(both) == 361 * len(YEARS)


# --- invariants ------------------------------------------------------------------------------------------------------


def test_every_council_has_every_industry_and_year(gva):
    assert gva["area_code"].nunique() == 361
    assert len(gva) == 361 * len(gi.INDUSTRIES) * len(YEARS)
    assert set(gva["year"]) == set(YEARS)


def test_sections_sum_to_total_within_rounding(wide):
    complete = wide[SECTIONS].notna().all(axis=1)
    gap = (wide.loc[complete, SECTIONS].sum(axis=1) - wide.loc[complete, "total"]).abs()
    assert complete.sum() == 361 * len(YEARS) - 6 * len(YEARS)  # six councils have suppressed sections every year
    assert gap.max() <= ROUNDING_TOLERANCE
    # where sections are suppressed, the published ones never exceed Total by more than rounding
    partial = wide.loc[~complete]
    assert (partial[SECTIONS].sum(axis=1) - partial["total"]).max() <= ROUNDING_TOLERANCE


def test_imputed_rent_is_part_of_real_estate(wide):
    both = wide[["L", "68IMP"]].dropna()
    assert (both["68IMP"] <= both["L"] + 0.5).all()


def test_committed_csvs_equal_a_fresh_extraction(out, tmp_path):
    for name, frame in out.items():  # written as the runner writes them (indicators/pipeline/extracts.py)
        fresh = tmp_path / f"{name}.csv"
        frame = frame.sort_values(list(gi.TABLES[name]), kind="stable").reset_index(drop=True)
        frame.to_csv(fresh, index=False, lineterminator="\n")
        assert (EXTRACTS_DIR / f"{name}.csv").read_bytes() == fresh.read_bytes(), name


# --- malformed input -------------------------------------------------------------------------------------------------


def _fixture_workbook(raw: Path, header=None, cell=None) -> Path:
    """The workbook layout with one council per region file; `cell` replaces 2001 on row 5 of the first file."""
    header = header or ["ITL1 region", "LA code", "LA name", "SIC07", "SIC07 description", *map(str, YEARS)]
    for number, name in enumerate(gi.RAW_FILES, start=1):
        path = raw / name
        path.parent.mkdir(parents=True, exist_ok=True)
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "Table 3"
        sheet.append(["Table 3: Regional gross value added (balanced) by industry: current prices, pounds million"])
        sheet.append(header)
        for label in gi.INDUSTRIES:
            sheet.append(["Region", f"E06{number:06d}", "Council", label, label, *[1] * len(YEARS)])
        if cell is not None and number == 1:
            sheet.cell(row=5, column=header.index("2001") + 1, value=cell)
        book.save(path)
    return raw / gi.RAW_FILES[0]


def test_fixture_workbook_extracts(tmp_path):
    _fixture_workbook(tmp_path)
    frames = gi.extract(tmp_path)
    assert len(frames["gva_industry"]) == 12 * len(gi.INDUSTRIES) * len(YEARS)
    assert frames["gva_industry"]["value_gbp_m"].eq(1).all()


def test_junk_value_names_file_sheet_and_row(tmp_path):
    path = _fixture_workbook(tmp_path, cell="12x")
    with pytest.raises(ExtractError, match=rf"{path.name}, sheet 'Table 3', row 5: expected a number, found '12x'"):
        gi.extract(tmp_path)


def test_blank_value_names_file_sheet_and_row(tmp_path):
    path = _fixture_workbook(tmp_path, cell="")
    with pytest.raises(ExtractError, match=rf"{path.name}, sheet 'Table 3', row 5: no value for 2001"):
        gi.extract(tmp_path)


def test_missing_column_names_file_sheet_and_row(tmp_path):
    header = ["ITL1 region", "LA code", "LA name", "SIC07", "SIC07 description", *map(str, YEARS)]
    header[header.index("2010")] = "2010 [note]"
    path = _fixture_workbook(tmp_path, header=header)
    with pytest.raises(ExtractError, match=rf"{path.name}, sheet 'Table 3', row 2: missing columns \['2010'\]"):
        gi.extract(tmp_path)
