"""Regional GDP and GVA for the 361 UK local authorities (ONS, April 2025 release, October 2025 corrected file).

Reads ``ons_gdp_lad/…_apr2025.xlsx`` (Tables 1, 5, 6, 7, 8, 9 and 10; header on Excel row 2, columns
``ITL1 Region, LA code, LA name, 1998 … 2023``) and writes ``obs_ons_gdp_lad``. The workbook has no UK row:
its local authorities add up to "UK less Extra-Regio" (see ``ons_gva_itl`` for UK and regional totals).

The small workbook helpers at the top (``table_body``, ``check_title``, ``lad_code``) are
shared with the ``ons_gva_itl`` and ``ons_productivity`` modules.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pandas as pd

from indicators.pipeline.spec import (
    LAD_CODE_REMAP,
    ExtractError,
    Indicator,
    Source,
    read_grids,
    require_columns,
    wide_years_to_long,
)

RAW_FILE = "ons_gdp_lad/regionalgrossdomesticproductgdplocalauthorities_1998to2023_apr2025.xlsx"
SOURCE_ID = "ons_gdp_lad_apr2025"
EXTRACT = "obs_ons_gdp_lad"
HEADER_ROW = 2  # Excel row holding "ITL1 Region, LA code, LA name, 1998 …"
CODE_COL, NAME_COL = "LA code", "LA name"
SUPPRESSED = ("[u]",)  # low-reliability marker (Northern Ireland 2023 population and per-head figures)
CORRECTION_SHEET, CORRECTION_DATE = "Correction", "2025-10-10"

# One code set so everything joins (LAD 2023/2024 codes; the 2025 Sheffield/Barnsley codes and the old Glasgow code
# map back).
LAD_PATTERN = re.compile(r"^[ENSW]\d{8}$")
UKX_NAME = "United Kingdom less Extra-Regio"

# sheet: (indicator_id, unit, text the sheet's title (cell A1) must contain)
TABLES_READ = {
    "Table 1": ("gva_current", "£ million", "Gross value added (balanced) at current basic prices, pounds million"),
    "Table 5": ("gdp_current", "£ million", "Gross domestic product (GDP) at current market prices, pounds million"),
    "Table 6": ("population", "persons", "Total resident population numbers, persons"),
    "Table 7": ("gdp_per_head", "£", "Gross domestic product (GDP) per head at current market prices, pounds"),
    "Table 8": ("gdp_deflator", "index (2022=100)", "Whole economy GDP implied deflators, 2022 equals 100"),
    "Table 9": (
        "gdp_cvm_index",
        "index (2022=100)",
        "Gross domestic product (GDP) chained volume measures (CVM) index, 2022 equals 100",
    ),
    "Table 10": (
        "gdp_cvm",
        "£ million (2022 prices)",
        "Gross domestic product (GDP) chained volume measures (CVM) in 2022 money value, pounds million",
    ),
}

SOURCES = [
    Source(
        source_id=SOURCE_ID,
        publisher="Office for National Statistics",
        title="Regional gross domestic product: local authorities",
        release="Regional economic activity by gross domestic product, UK: 1998 to 2023 (local authority tables)",
        release_date="2025-04-17",
        vintage="Apr 2025",
        raw_files=RAW_FILE,
        url="https://www.ons.gov.uk/economy/grossdomesticproductgdp/datasets/regionalgrossdomesticproductlocalauthorities",
        notes=(
            "Corrected replacement workbook: its 'Correction' sheet (10 Oct 2025) records a fix to the GVA deflation "
            "and chain-linking used for ITL3 and local-authority volume estimates (mainly mining and quarrying, also "
            "real estate and public administration), which changed the CVM series and implied deflators (Tables 8-13); "
            "current-price data were not affected. It also records (29 May 2025) a new GDP deflation method that "
            "revised all GDP volume estimates. 2023 is provisional. No UK row: the 361 local authorities sum to UK "
            "less Extra-Regio, up to rounding of each published figure to the nearest £1 million."
        ),
    )
]

_WORKPLACE = (
    "Workplace-based: output is counted where the work is done, so per-head figures for commuter-heavy city centres "
    "(Manchester, Glasgow, Leeds) are inflated relative to their residents."
)
_PROVISIONAL = "The latest year (2023) is provisional and is revised every April."
_CVM = (
    "Volume (inflation-adjusted) series from the October 2025 corrected file; chain-linked volumes are not additive, "
    "so local authorities do not sum to regional totals."
)

INDICATORS = [
    Indicator(
        "gva_current",
        "Gross value added (current prices)",
        "£ million",
        "higher_is_better",
        "Balanced gross value added, GVA(B), at current basic prices: the value of goods and services produced in the "
        "local authority less the inputs used up in producing them, in cash terms (not adjusted for inflation).",
        SOURCE_ID,
        "calendar_year",
        f"{_WORKPLACE} {_PROVISIONAL}",
        "economy",
    ),
    Indicator(
        "gdp_current",
        "Gross domestic product (current prices)",
        "£ million",
        "higher_is_better",
        "Gross domestic product at current market prices: GVA(B) plus VAT and other taxes on products less subsidies "
        "on products, in cash terms.",
        SOURCE_ID,
        "calendar_year",
        f"{_WORKPLACE} {_PROVISIONAL}",
        "economy",
    ),
    Indicator(
        "population",
        "Resident population",
        "persons",
        "neutral",
        "Total resident population at mid-year (ONS, National Records of Scotland and NISRA mid-year estimates), as "
        "used for the per-head figures in the regional accounts.",
        SOURCE_ID,
        "calendar_year",
        "Northern Ireland 2023 estimates are suppressed ([u]) in this release, so the 2023 UK total of the local "
        "authorities excludes Northern Ireland.",
        "population",
    ),
    Indicator(
        "gdp_per_head",
        "GDP per head (current prices)",
        "£",
        "higher_is_better",
        "Gross domestic product at current market prices divided by the resident population.",
        SOURCE_ID,
        "calendar_year",
        f"{_WORKPLACE} Northern Ireland 2023 values are suppressed ([u]). {_PROVISIONAL}",
        "economy",
    ),
    Indicator(
        "gdp_deflator",
        "GDP implied deflator",
        "index (2022=100)",
        "neutral",
        "Whole-economy GDP implied deflator for the local authority (price level relative to its own 2022 level), "
        "derived from current-price and chained-volume GVA.",
        SOURCE_ID,
        "calendar_year",
        f"Corrected October 2025. {_PROVISIONAL}",
        "economy",
    ),
    Indicator(
        "gdp_cvm_index",
        "Real GDP index (chained volume)",
        "index (2022=100)",
        "higher_is_better",
        "Gross domestic product in chained volume measures (inflation removed) as an index of the local authority's "
        "own 2022 level; shows real growth over time, not levels between places.",
        SOURCE_ID,
        "calendar_year",
        f"{_CVM} {_PROVISIONAL}",
        "economy",
    ),
    Indicator(
        "gdp_cvm",
        "Real GDP (chained volume, 2022 money)",
        "£ million (2022 prices)",
        "higher_is_better",
        "Gross domestic product in chained volume measures expressed in 2022 money value (inflation removed).",
        SOURCE_ID,
        "calendar_year",
        f"{_CVM} {_PROVISIONAL}",
        "economy",
    ),
]

TABLES: dict[str, tuple[str, ...]] = {}


# --- workbook helpers (also used by ons_gva_itl and ons_productivity) -------------------------------------------------


def header_name(value, position: int) -> str:
    """A header cell as text: 1998.0 -> '1998'; blank cells get a unique placeholder."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return f"_blank{position}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def table_body(frame: pd.DataFrame, path: Path, sheet: str, header_row: int, required) -> pd.DataFrame:
    """Rows below the 1-based Excel `header_row`, named by that row; checks the required columns are present."""
    if len(frame) < header_row:
        raise ExtractError(path, "sheet ends before its header row", sheet=sheet, row=header_row)
    body = frame.iloc[header_row:].reset_index(drop=True)
    body.columns = [header_name(v, i) for i, v in enumerate(frame.iloc[header_row - 1])]
    require_columns(body, required, path, sheet)
    return body


def check_title(frame: pd.DataFrame, path: Path, sheet: str, expected: str, row: int = 1) -> None:
    """Fail unless the title cell (column A of Excel `row`) contains `expected` (case-insensitive)."""
    title = str(frame.iloc[row - 1, 0]) if len(frame) >= row else ""
    if expected.lower() not in title.lower():
        raise ExtractError(path, f"expected a title containing {expected!r}, found {title!r}", sheet=sheet, row=row)


def lad_code(code: str) -> str:
    """Local authority code on the project's LAD 2023/2024 code set."""
    return LAD_CODE_REMAP.get(code, code)


# --- extract -------------------------------------------------------------------------------------------------------


def check_correction(frame: pd.DataFrame, path: Path) -> None:
    """Make sure this is the corrected (10 Oct 2025) workbook that Source.notes describes."""
    stamp = frame.iloc[1, 0] if len(frame) > 1 else None
    if not isinstance(stamp, datetime) or stamp.date().isoformat() != CORRECTION_DATE:
        raise ExtractError(
            path, f"expected the correction dated {CORRECTION_DATE}, found {stamp!r}", sheet=CORRECTION_SHEET, row=2
        )


def check_lad_codes(body: pd.DataFrame, path: Path, sheet: str) -> pd.DataFrame:
    """Every row must carry a LAD code; returns the body with codes mapped onto the project code set."""
    for offset, code in enumerate(body[CODE_COL]):
        if not isinstance(code, str) or not LAD_PATTERN.match(code.strip()):
            raise ExtractError(
                path, f"expected a local authority code, found {code!r}", sheet=sheet, row=HEADER_ROW + 1 + offset
            )
    return body.assign(**{CODE_COL: body[CODE_COL].str.strip().map(lad_code)})


def read_table(frames: dict[str, pd.DataFrame], path: Path, sheet: str) -> pd.DataFrame:
    """One LA table as tidy observations."""
    indicator_id, unit, title = TABLES_READ[sheet]
    check_title(frames[sheet], path, sheet, title)
    body = table_body(frames[sheet], path, sheet, HEADER_ROW, [CODE_COL, NAME_COL, "1998", "2023"])
    body = check_lad_codes(body, path, sheet)
    return wide_years_to_long(
        body, CODE_COL, NAME_COL, indicator_id, unit, SOURCE_ID, path, sheet, HEADER_ROW, allow_missing=SUPPRESSED
    )


def extract(raw_dir: Path) -> dict[str, pd.DataFrame]:
    """Tidy observations for every local authority, table and year."""
    path = raw_dir / RAW_FILE
    frames = read_grids(path, [CORRECTION_SHEET, *TABLES_READ])
    check_correction(frames[CORRECTION_SHEET], path)
    observations = pd.concat([read_table(frames, path, sheet) for sheet in TABLES_READ], ignore_index=True)
    return {EXTRACT: observations}
