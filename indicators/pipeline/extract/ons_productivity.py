"""Labour productivity: GVA per hour worked and per filled job (ONS subregional productivity, June 2024 and June 2025).

Reads ``ons_subregional_productivity/``:
- ``labourproductivitylocalauthorities_jun2024.xls``: 361 LADs + UKX  -> ``obs_productivity_lad_jun2024``
- ``labourproductivitycityregions_jun2024.xls``: city regions + UKX -> ``obs_productivity_cr_jun2024`` and its
  "Geography Lookup" sheet -> ``productivity_cr_lookup_jun2024`` (official LAD -> city-region membership)
- ``labourproductivityitls_jun2024.xls``: England and the twelve ITL1 regions (the published regional figures)
  -> ``obs_productivity_itl_jun2024``; its ITL2/ITL3 rows use ITL 2021 codes, whose boundaries differ from the ITL 2025
  codes used everywhere else in the project, so they are not read
- ``labourproductivitycaeer_jun2025.xlsx``: 2025 combined authorities / economic enterprise regions + UKX
  -> ``obs_productivity_ca_jun2025`` (indicator ids suffixed ``_jun2025``: a different vintage never shares an id)

Sheets have title rows and their header on Excel row 5 (``<code>, <name>, Pounds_2004 …``); notes follow the data.
Areas without a GSS code ("Not available") get the project code "CR_" + upper-case name with non-alphanumerics as "_".

The June 2024 LAD and city-region files share indicator ids (same release): UKX appears in both with identical
figures, so the city-region extract keeps UKX only for the chained-volume indices that the LAD file lacks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from indicators.pipeline.extract.ons_gdp_lad import UKX_NAME, check_title, lad_code, table_body
from indicators.pipeline.spec import (
    ExtractError,
    Indicator,
    Source,
    project_area_code,
    read_grids,
    wide_years_to_long,
)

DIR = "ons_subregional_productivity"
LAD_FILE = f"{DIR}/labourproductivitylocalauthorities_jun2024.xls"
CR_FILE = f"{DIR}/labourproductivitycityregions_jun2024.xls"
ITL_FILE = f"{DIR}/labourproductivityitls_jun2024.xls"
CA_FILE = f"{DIR}/labourproductivitycaeer_jun2025.xlsx"
SOURCE_2024, SOURCE_2025 = "ons_productivity_jun2024", "ons_productivity_jun2025"
LAD_EXTRACT, CR_EXTRACT, CA_EXTRACT = (
    "obs_productivity_lad_jun2024",
    "obs_productivity_cr_jun2024",
    "obs_productivity_ca_jun2025",
)
ITL_EXTRACT = "obs_productivity_itl_jun2024"
ITL_LEVELS = {"Other": "England", "ITL1": "ITL1"}  # ITL_level values read from the ITL file; "Other" is England only
ITL_ENGLAND, ENGLAND_CODE = "TLB", "E92000001"
LOOKUP = "productivity_cr_lookup_jun2024"
LOOKUP_SHEET = "Geography Lookup"
HEADER_ROW = 5
NOT_AVAILABLE = "Not available"
LAD_PATTERN = re.compile(r"^[ENSW]\d{8}$")
GROUP_PATTERN = re.compile(r"^(E47|E61|N34|W42)\d{6}$")  # combined authorities, GLA, NI and Welsh city regions
YEAR_HEADER = re.compile(r"^(?:Pounds|Index|Hours|Jobs)_(\d{4})$")


@dataclass(frozen=True)
class Table:
    """One sheet of a productivity workbook and the indicator it feeds."""

    sheet: str
    indicator_id: str
    unit: str
    title: str  # text the title cell (A1) must contain
    base: str | None = None  # index base stated under the title, e.g. "UK=100"
    zero_is_missing: bool = False  # ONS writes 0 where jobs are unavailable (Northern Ireland 2023)


def _tables(suffix: str, cvm_base: str) -> tuple[tuple[Table, ...], tuple[Table, ...]]:
    """The current-price tables and the chained-volume tables, with ids carrying the vintage suffix."""
    current = (
        Table(
            "A1",
            f"gva_per_hour_index{suffix}",
            "index (UK less Extra-Regio=100)",
            "Current Price (smoothed) GVA (B) per hour worked indices",
            "UK=100",
        ),
        Table("A3", f"gva_per_hour{suffix}", "£ per hour", "Current Price (smoothed) GVA (B) per hour worked (£)"),
        Table(
            "B1",
            f"gva_per_job_index{suffix}",
            "index (UK less Extra-Regio=100)",
            "Current Price (smoothed) GVA (B) per filled job indices",
            "UK=100",
        ),
        Table("B3", f"gva_per_job{suffix}", "£ per filled job", "Current Price (smoothed) GVA (B) per filled job (£)"),
        Table(
            "Productivity Hours",
            f"hours_worked{suffix}",
            "hours per week",
            "Productivity Hours Worked per Week",
            zero_is_missing=True,
        ),
        Table("Productivity Jobs", f"filled_jobs{suffix}", "filled jobs", "Productivity Jobs", zero_is_missing=True),
    )
    cvm = (
        Table(
            "A5",
            f"gva_per_hour_cvm_index{suffix}",
            f"index ({cvm_base})",
            "Chained Volume (unsmoothed) GVA (B) per hour worked indices",
            cvm_base,
        ),
        Table(
            "B5",
            f"gva_per_job_cvm_index{suffix}",
            f"index ({cvm_base})",
            "Chained Volume (unsmoothed) GVA (B) per filled job indices",
            cvm_base,
        ),
    )
    return current, cvm


CURRENT_2024, CVM_2024 = _tables("", "2019=100")
CURRENT_2025, CVM_2025 = _tables("_jun2025", "2022=100")

# file -> (code column, name column)
COLUMNS = {
    LAD_FILE: ("LAD_Code", "LAD_Name"),
    CR_FILE: ("Area_Code", "City_Region"),
    CA_FILE: ("area_code", "area_name"),
    ITL_FILE: ("ITL_code", "Region_name"),
}

_URL_2024 = (
    "https://www.ons.gov.uk/economy/economicoutputandproductivity/productivitymeasures/bulletins/"
    "regionalandsubregionallabourproductivityuk/2022"
)
_URL_2025 = _URL_2024[: -len("2022")] + "2023"

SOURCES = [
    Source(
        source_id=SOURCE_2024,
        publisher="Office for National Statistics",
        title="Subregional productivity: labour productivity by local authority district and by city region",
        release=(
            "Regional and subregional labour productivity, UK: 2022 (Subregional Productivity June 2024 reference "
            "tables)"
        ),
        release_date="2024-06-17",
        vintage="Jun 2024",
        raw_files=f"{LAD_FILE};{CR_FILE};{ITL_FILE}",
        url=_URL_2024,
        notes=(
            "Three workbooks of the same release: local authority districts (A1, A3, B1, B3, hours, jobs), city "
            "regions (the same tables plus unsmoothed A2/A4/B2/B4, not extracted, and chained-volume A5/B5, 2019=100) "
            "and ITL regions (England and ITL1 rows of A1, A3, B1, B3, hours, jobs; ITL2/ITL3 rows use ITL 2021 codes "
            "and are not read). GVA is the April 2024 regional accounts vintage. LAD estimates are official statistics "
            "in development. City-region membership is the workbook's 'Geography Lookup' (LAD 2023 codes); city "
            "regions without a GSS code use project codes CR_<NAME>."
        ),
    ),
    Source(
        source_id=SOURCE_2025,
        publisher="Office for National Statistics",
        title="Subregional productivity: labour productivity by combined authority and economic enterprise region",
        release=(
            "Regional and subregional labour productivity, UK: 2023 (Subregional Productivity June 2025 reference "
            "tables)"
        ),
        release_date="2025-06-19",
        vintage="Jun 2025",
        raw_files=CA_FILE,
        url=_URL_2025,
        notes=(
            "2025 combined-authority boundaries (e.g. East Midlands, North East CAs; no Cardiff Capital Region); GVA "
            "is the April 2025 regional accounts vintage, so levels differ from the June 2024 release. ONS writes 0 "
            "for Northern Ireland 2023 jobs (footnote: not available); those cells are dropped. The LAD-level June "
            "2025 tables were not available to the project."
        ),
    ),
]

_SMOOTHED = (
    "Smoothed with a weighted five-year moving average, so year-on-year changes are damped and recent years are "
    "revised."
)
_CURRENT = "Current prices (not adjusted for inflation)."
_WORKPLACE = "Workplace-based: GVA and jobs/hours are counted where the work is done."
_IDENTITY = (
    "Per-hour and per-job figures are published separately and smoothed; do not expect hours x GVA per hour to equal "
    "jobs x GVA per job, or either to reproduce GVA exactly."
)


def _indicators(suffix: str, source_id: str, vintage: str, cvm_base: str) -> list[Indicator]:
    """Catalogue entries for one vintage (ids carry the vintage suffix)."""
    extra = f" ({vintage} release)"
    return [
        Indicator(
            f"gva_per_hour{suffix}",
            f"GVA per hour worked{extra}",
            "£ per hour",
            "higher_is_better",
            "Gross value added (balanced) at current prices divided by total hours worked by people whose job is in "
            "the area: ONS's headline measure of labour productivity.",
            source_id,
            "calendar_year",
            f"{_CURRENT} {_SMOOTHED} {_WORKPLACE} {_IDENTITY}",
            "productivity",
        ),
        Indicator(
            f"gva_per_hour_index{suffix}",
            f"GVA per hour worked index{extra}",
            "index (UK less Extra-Regio=100)",
            "higher_is_better",
            "GVA per hour worked relative to the UK less Extra-Regio figure for the same year (UK less Extra-Regio = "
            "100).",
            source_id,
            "calendar_year",
            f"{_CURRENT} {_SMOOTHED}",
            "productivity",
        ),
        Indicator(
            f"gva_per_job{suffix}",
            f"GVA per filled job{extra}",
            "£ per filled job",
            "higher_is_better",
            "Gross value added (balanced) at current prices divided by the number of filled jobs in the area. Unlike "
            "GVA per hour it is affected by the mix of part-time and full-time work.",
            source_id,
            "calendar_year",
            f"{_CURRENT} {_SMOOTHED} {_WORKPLACE} {_IDENTITY}",
            "productivity",
        ),
        Indicator(
            f"gva_per_job_index{suffix}",
            f"GVA per filled job index{extra}",
            "index (UK less Extra-Regio=100)",
            "higher_is_better",
            "GVA per filled job relative to the UK less Extra-Regio figure for the same year (UK less Extra-Regio = "
            "100).",
            source_id,
            "calendar_year",
            f"{_CURRENT} {_SMOOTHED}",
            "productivity",
        ),
        Indicator(
            f"hours_worked{suffix}",
            f"Hours worked per week (total){extra}",
            "hours per week",
            "neutral",
            "Total hours worked in an average week of the year by everyone whose job is located in the area (ONS "
            "'Productivity Hours Worked per Week', footnoted 'These are Average Weekly Hours'), constrained to ITL1 "
            "totals; the denominator of GVA per hour worked. It is an area total, not hours per worker: annual hours "
            "are roughly 52 times this figure.",
            source_id,
            "calendar_year",
            f"Unsmoothed. {_WORKPLACE} {_IDENTITY} Northern Ireland ITL1 hours exceed the sum of its districts (hours "
            "not allocated geographically).",
            "labour",
        ),
        Indicator(
            f"filled_jobs{suffix}",
            f"Filled jobs{extra}",
            "filled jobs",
            "neutral",
            "Number of filled jobs (employee jobs plus self-employment) located in the area, constrained to ITL1 "
            "totals; the denominator of GVA per filled job.",
            source_id,
            "calendar_year",
            f"Unsmoothed. {_WORKPLACE} Counts jobs, not people (one person can hold two jobs). {_IDENTITY}",
            "labour",
        ),
        Indicator(
            f"gva_per_hour_cvm_index{suffix}",
            f"Real GVA per hour worked index{extra}",
            f"index ({cvm_base})",
            "higher_is_better",
            f"GVA per hour worked in chained volume measures (inflation removed), as an index of the area's own level "
            f"in the base year ({cvm_base}): real productivity growth over time, not a comparison of levels between "
            f"areas.",
            source_id,
            "calendar_year",
            "Unsmoothed, so it can be volatile for small areas. Published for city regions/"
            "combined authorities and UKX only.",
            "productivity",
        ),
        Indicator(
            f"gva_per_job_cvm_index{suffix}",
            f"Real GVA per filled job index{extra}",
            f"index ({cvm_base})",
            "higher_is_better",
            f"GVA per filled job in chained volume measures (inflation removed), as an index of the area's own level "
            f"in the base year ({cvm_base}).",
            source_id,
            "calendar_year",
            "Unsmoothed. Published for city regions/combined authorities and UKX only."
            + (" Stored by ONS as single-precision numbers; rounded here to 2 decimal places." if suffix else ""),
            "productivity",
        ),
    ]


INDICATORS = _indicators("", SOURCE_2024, "Jun 2024", "2019=100") + _indicators(
    "_jun2025", SOURCE_2025, "Jun 2025", "2022=100"
)

TABLES = {LOOKUP: ("lad_code", "city_region_code")}


def area_code(code, name, lad_file: bool, path: Path, sheet: str, row: int) -> str | None:
    """The project code of a data row, or None for notes and blank rows below the table."""
    code = code.strip() if isinstance(code, str) else None
    has_name = isinstance(name, str) and name.strip() != ""
    if code == "UKX":
        return "UKX"
    if lad_file and code and LAD_PATTERN.match(code):
        return lad_code(code)
    if not lad_file and code and GROUP_PATTERN.match(code):
        return code
    if not lad_file and code == NOT_AVAILABLE and has_name:
        return project_area_code(name)
    if not has_name and (code is None or code.startswith(("Note", "Source"))):
        return None
    raise ExtractError(path, f"unexpected area code {code!r} (name {name!r})", sheet=sheet, row=row)


def itl_rows(body: pd.DataFrame, path: Path, sheet: str) -> pd.DataFrame:
    """England and the ITL1 rows of an ITL-file table, England under its GSS code (the file calls it TLB)."""
    if "ITL_level" not in body.columns:
        raise ExtractError(path, "missing column 'ITL_level'", sheet=sheet, row=HEADER_ROW)
    kept = body[body["ITL_level"].isin(ITL_LEVELS)].copy()
    england = kept["ITL_code"] == ITL_ENGLAND
    if england.sum() != 1 or (kept["ITL_level"] == "ITL1").sum() != 12:
        raise ExtractError(
            path, f"expected England ({ITL_ENGLAND}) and 12 ITL1 rows, found {kept['ITL_code'].tolist()}", sheet=sheet
        )
    kept.loc[england, "ITL_code"] = ENGLAND_CODE
    return kept


def read_table(frame: pd.DataFrame, path: Path, table: Table, source_id: str, relative: str) -> pd.DataFrame:
    """One productivity sheet as tidy observations."""
    code_col, name_col = COLUMNS[relative]
    lad_file = relative == LAD_FILE
    check_title(frame, path, table.sheet, table.title)
    if table.base and not any(table.base == str(v).strip() for v in frame.iloc[1 : HEADER_ROW - 1, 0]):
        raise ExtractError(path, f"expected the index base {table.base!r} under the title", sheet=table.sheet, row=2)
    body = table_body(frame, path, table.sheet, HEADER_ROW, [code_col, name_col])
    body = body.rename(columns=lambda c: YEAR_HEADER.sub(r"\1", c))
    if relative == ITL_FILE:
        obs = wide_years_to_long(
            itl_rows(body, path, table.sheet),
            code_col,
            name_col,
            table.indicator_id,
            table.unit,
            source_id,
            path,
            table.sheet,
            HEADER_ROW,
        )
        return obs.assign(value=obs["value"].round(2))
    if not any(c.isdigit() for c in body.columns):
        raise ExtractError(path, "no year columns (expected e.g. Pounds_2004)", sheet=table.sheet, row=HEADER_ROW)
    codes = [
        area_code(code, name, lad_file, path, table.sheet, HEADER_ROW + 1 + offset)
        for offset, (code, name) in enumerate(zip(body[code_col], body[name_col]))
    ]
    body = body.assign(**{code_col: codes})
    obs = wide_years_to_long(
        body, code_col, name_col, table.indicator_id, table.unit, source_id, path, table.sheet, HEADER_ROW
    )
    if table.zero_is_missing:
        obs = obs[obs["value"] != 0]
    return obs.assign(value=obs["value"].round(2))


def read_file(raw_dir: Path, relative: str, tables, source_id: str) -> pd.DataFrame:
    """All the listed sheets of one workbook as tidy observations, with one name per area."""
    path = raw_dir / relative
    frames = read_grids(path, [t.sheet for t in tables])
    obs = pd.concat([read_table(frames[t.sheet], path, t, source_id, relative) for t in tables], ignore_index=True)
    names = obs.drop_duplicates("area_code").set_index("area_code")["area_name"]
    names["UKX"] = UKX_NAME  # published as both "UK less Extra-Regio" and "United Kingdom less Extra-Regio"
    return obs.assign(area_name=obs["area_code"].map(names))


def read_lookup(raw_dir: Path) -> pd.DataFrame:
    """The city-region file's LAD -> city-region membership (LAD 2023 codes)."""
    path = raw_dir / CR_FILE
    frame = read_grids(path, [LOOKUP_SHEET])[LOOKUP_SHEET]
    body = table_body(frame, path, LOOKUP_SHEET, 1, ["LAD23CD", "LAD23NM", "CRCD", "CRNM"])
    rows = []
    for offset, (lad, lad_name, cr, cr_name) in enumerate(
        body[["LAD23CD", "LAD23NM", "CRCD", "CRNM"]].itertuples(index=False)
    ):
        if all(pd.isna(v) for v in (lad, lad_name, cr, cr_name)):
            continue
        row = 2 + offset
        if not (isinstance(lad, str) and LAD_PATTERN.match(lad.strip())) or not isinstance(cr_name, str):
            raise ExtractError(
                path,
                f"expected a LAD code and city-region name, found {lad!r}, {cr_name!r}",
                sheet=LOOKUP_SHEET,
                row=row,
            )
        cr = str(cr).strip()
        if cr == NOT_AVAILABLE:
            cr = project_area_code(cr_name)
        elif not GROUP_PATTERN.match(cr):
            raise ExtractError(path, f"unexpected city-region code {cr!r}", sheet=LOOKUP_SHEET, row=row)
        rows.append((lad_code(lad.strip()), str(lad_name).strip(), cr, cr_name.strip()))
    return pd.DataFrame.from_records(rows, columns=["lad_code", "lad_name", "city_region_code", "city_region_name"])


def extract(raw_dir: Path) -> dict[str, pd.DataFrame]:
    """LAD, city-region and regional productivity (June 2024), CA productivity (June 2025) and the city-region
    lookup."""
    lad = read_file(raw_dir, LAD_FILE, CURRENT_2024, SOURCE_2024)
    cr = read_file(raw_dir, CR_FILE, CURRENT_2024 + CVM_2024, SOURCE_2024)
    shared_ids = {t.indicator_id for t in CURRENT_2024}
    cr = cr[~((cr["area_code"] == "UKX") & cr["indicator_id"].isin(shared_ids))]  # already in the LAD extract
    ca = read_file(raw_dir, CA_FILE, CURRENT_2025 + CVM_2025, SOURCE_2025)
    return {
        LAD_EXTRACT: lad,
        CR_EXTRACT: cr.reset_index(drop=True),
        ITL_EXTRACT: read_file(raw_dir, ITL_FILE, CURRENT_2024, SOURCE_2024),
        CA_EXTRACT: ca,
        LOOKUP: read_lookup(raw_dir),
    }
