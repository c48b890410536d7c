"""Regional GVA (balanced) for the UK, England and ITL1/ITL2/ITL3 regions (ONS, April 2025 release).

Reads ``ons_gva_itl/…_apr2025.xlsx`` (Tables 1, 2, 3 and 17; header on Excel row 2, columns
``ITL, ITL code, Region name, 1998 … 2023``; ITL 2025 codes) and writes ``obs_ons_gva_itl`` plus the area list
``itl_areas``. Published codes "UK" and "TLB" become K02000001 and E92000001; "UKX" (UK less Extra-Regio) and
"TLZ" (Extra-Regio, GVA only) keep their published codes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from indicators.pipeline.extract.ons_gdp_lad import check_title, table_body
from indicators.pipeline.spec import ExtractError, Indicator, Source, read_grids, wide_years_to_long

RAW_FILE = "ons_gva_itl/regionalgrossvalueaddedbalancedperheadandincomecomponents_apr2025.xlsx"
SOURCE_ID = "ons_gva_itl_apr2025"
EXTRACT, AREAS = "obs_ons_gva_itl", "itl_areas"
HEADER_ROW = 2
LEVEL_COL, CODE_COL, NAME_COL = "ITL", "ITL code", "Region name"
SUPPRESSED = ("[u]",)  # population (and so per-head figures) not yet available for some areas and years

CODE_MAP = {"UK": "K02000001", "TLB": "E92000001"}  # published code -> project code
# (value of the ITL column, published code or None for any) -> itl_level written to itl_areas
LEVELS = {
    ("UK", "UK"): "UK",
    ("UK", "UKX"): "UK less Extra-Regio",
    ("Other", "TLB"): "England",
    ("Other", "TLZ"): "Extra-Regio",
    ("ITL1", None): "ITL1",
    ("ITL2", None): "ITL2",
    ("ITL3", None): "ITL3",
}
ITL_PATTERN = {
    "ITL1": re.compile(r"^TL[C-N]$"),
    "ITL2": re.compile(r"^TL[C-N]\w$"),
    "ITL3": re.compile(r"^TL[C-N]\w\w$"),
}

# sheet: (indicator_id, unit, text the sheet's title must contain)
TABLES_READ = {
    "Table 1": ("itl_gva_current", "£ million", "Gross value added (balanced) at current basic prices, pounds million"),
    "Table 2": (
        "itl_gva_per_head",
        "£",
        "Gross value added (balanced) per head of population at current basic prices, pounds",
    ),
    "Table 3": (
        "itl_gva_per_head_index",
        "index (UK less Extra-Regio=100)",
        "Gross value added (balanced) per head indices, UK less Extra-Regio equals 100",
    ),
    "Table 17": ("itl_population", "persons", "Total resident population numbers, persons"),
}

SOURCES = [
    Source(
        source_id=SOURCE_ID,
        publisher="Office for National Statistics",
        title="Regional gross value added (balanced) per head and income components",
        release="Regional economic activity by gross domestic product, UK: 1998 to 2023",
        release_date="2025-04-17",
        vintage="Apr 2025",
        raw_files=RAW_FILE,
        url=(
            "https://www.ons.gov.uk/economy/grossvalueaddedgva/datasets/"
            "regionalgrossvalueaddedbalancedperheadandincomecomponents"
        ),
        notes=(
            "ITL 2025 codes. UK (K02000001) = UK less Extra-Regio (UKX) + Extra-Regio (TLZ: output, e.g. offshore, "
            "that cannot be assigned to a region; GVA only, no population). ITL1 regions sum to UKX. Per-head figures "
            "and the index exclude Extra-Regio. Current-price data were not affected by the October 2025 CVM "
            "correction. 2023 is provisional."
        ),
    )
]

_CAVEATS = (
    "Workplace-based: output is counted where the work is done, so per-head figures for areas with many in-commuters "
    "are inflated. ITL3 areas can be larger than the council (e.g. Cardiff and Vale of Glamorgan, Tyneside). "
    "2023 is provisional and revised every April."
)

INDICATORS = [
    Indicator(
        "itl_gva_current",
        "Gross value added (current prices), ITL regions",
        "£ million",
        "higher_is_better",
        "Balanced gross value added, GVA(B), at current basic prices for the UK, England and ITL1/ITL2/ITL3 regions, "
        "in cash terms (not adjusted for inflation). The UK row includes Extra-Regio; UKX excludes it.",
        SOURCE_ID,
        "calendar_year",
        _CAVEATS,
        "economy",
    ),
    Indicator(
        "itl_gva_per_head",
        "GVA per head (current prices), ITL regions",
        "£",
        "higher_is_better",
        "Balanced GVA at current basic prices divided by the total resident population of the area. The UK "
        "(K02000001) figure includes Extra-Regio GVA; UKX (UK less Extra-Regio) is the like-for-like benchmark.",
        SOURCE_ID,
        "calendar_year",
        f"{_CAVEATS} Not published for Extra-Regio; some Scottish ITL2/ITL3 and Northern Ireland ITL3 values are "
        "suppressed ([u]) where population estimates for the new boundaries are not yet available.",
        "economy",
    ),
    Indicator(
        "itl_gva_per_head_index",
        "GVA per head index, ITL regions",
        "index (UK less Extra-Regio=100)",
        "higher_is_better",
        "GVA per head relative to the UK less Extra-Regio average for the same year (UK less Extra-Regio = 100).",
        SOURCE_ID,
        "calendar_year",
        _CAVEATS,
        "economy",
    ),
    Indicator(
        "itl_population",
        "Resident population, ITL regions",
        "persons",
        "neutral",
        "Total resident population at mid-year (ONS, NRS and NISRA mid-year estimates) used for the per-head figures.",
        SOURCE_ID,
        "calendar_year",
        "Some Scottish ITL2/ITL3 and Northern Ireland ITL3 values are suppressed ([u]).",
        "population",
    ),
]

TABLES = {AREAS: ("area_code",)}


def area_level(level, code: str, path: Path, sheet: str, row: int) -> str:
    """The itl_level of a row, checking the published ITL column and code agree."""
    label = LEVELS.get((level, code)) or LEVELS.get((level, None))
    pattern = ITL_PATTERN.get(label)
    if label is None or (pattern is not None and not pattern.match(code)):
        raise ExtractError(path, f"unexpected area: ITL {level!r}, code {code!r}", sheet=sheet, row=row)
    return label


def read_table(frame: pd.DataFrame, path: Path, sheet: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One ITL table as tidy observations, plus its (area_code, area_name, itl_level) rows."""
    indicator_id, unit, title = TABLES_READ[sheet]
    check_title(frame, path, sheet, title)
    body = table_body(frame, path, sheet, HEADER_ROW, [LEVEL_COL, CODE_COL, NAME_COL, "1998", "2023"])
    areas = []
    for offset, row in enumerate(body[[LEVEL_COL, CODE_COL, NAME_COL]].itertuples(index=False)):
        level, code, name = row
        if not isinstance(code, str):
            raise ExtractError(
                path, f"missing area code (ITL {level!r}, name {name!r})", sheet=sheet, row=HEADER_ROW + 1 + offset
            )
        label = area_level(level, code.strip(), path, sheet, HEADER_ROW + 1 + offset)
        areas.append((CODE_MAP.get(code.strip(), code.strip()), str(name).strip(), label))
    areas = pd.DataFrame.from_records(areas, columns=["area_code", "area_name", "itl_level"])
    body = body.assign(**{CODE_COL: areas["area_code"]})
    observations = wide_years_to_long(
        body, CODE_COL, NAME_COL, indicator_id, unit, SOURCE_ID, path, sheet, HEADER_ROW, allow_missing=SUPPRESSED
    )
    return observations, areas


def extract(raw_dir: Path) -> dict[str, pd.DataFrame]:
    """Tidy GVA, GVA per head, per-head index and population for every ITL area, and the area list."""
    path = raw_dir / RAW_FILE
    frames = read_grids(path, list(TABLES_READ))
    parts = [read_table(frames[sheet], path, sheet) for sheet in TABLES_READ]
    observations = pd.concat([obs for obs, _ in parts], ignore_index=True)
    areas = pd.concat([a for _, a in parts], ignore_index=True).drop_duplicates()
    if areas["area_code"].duplicated().any():
        clash = areas.loc[areas["area_code"].duplicated(keep=False)].head(4).to_dict("records")
        raise ExtractError(path, f"an area has different names or levels across tables: {clash}")
    return {EXTRACT: observations, AREAS: areas.reset_index(drop=True)}
