"""Shared vocabulary of the build: sources, indicators, tidy-extract schema and read helpers.

Each module in `indicators.pipeline.extract` declares:
    SOURCES: list[Source]         one provenance row per official release it reads
    INDICATORS: list[Indicator]   catalogue entries for every indicator_id it writes
    TABLES: dict[str, tuple]      extract name -> key columns (for non-observation tables)
    def extract(raw_dir: Path) -> dict[str, pandas.DataFrame]
Extract names starting with ``obs_`` use OBSERVATION_COLUMNS and are unioned into the `observations` table.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, fields
from pathlib import Path

import pandas as pd

OBSERVATION_COLUMNS = ["area_code", "area_name", "indicator_id", "period", "value", "unit", "source_id"]
OBSERVATION_KEY = ("area_code", "indicator_id", "period")
POLARITIES = ("higher_is_better", "lower_is_better", "neutral")
PERIOD_TYPES = ("calendar_year", "financial_year", "tax_year", "snapshot")


@dataclass(frozen=True)
class Source:
    """One official release the project reads (one provenance row in the warehouse)."""

    source_id: str
    publisher: str
    title: str
    release: str  # as the publisher names it, e.g. "Regional economic activity by GDP, April 2025"
    release_date: str  # ISO date of publication
    vintage: str  # e.g. "Apr 2025"; series from different vintages never share an indicator_id
    raw_files: str  # file(s) under ../shared/data/raw, ';'-separated
    licence: str = "Open Government Licence v3.0"
    url: str = ""
    notes: str = ""

    @classmethod
    def columns(cls) -> list[str]:
        return [f.name for f in fields(cls)]


@dataclass(frozen=True)
class Indicator:
    """Catalogue entry: what an indicator_id means."""

    indicator_id: str
    name: str
    unit: str  # e.g. "£ million", "£", "persons", "%", "index (UK=100)"
    polarity: str  # one of POLARITIES
    definition: str
    source_id: str
    period_type: str  # one of PERIOD_TYPES
    caveats: str = ""
    topic: str = ""

    @classmethod
    def columns(cls) -> list[str]:
        return [f.name for f in fields(cls)]


# One code set so every series joins: LAD 2025 and pre-2018 codes map to the 2023/24 codes the ONS statistics use.
LAD_CODE_REMAP = {"E08000039": "E08000019", "E08000038": "E08000016", "S12000046": "S12000049"}


def project_area_code(name: str) -> str:
    """Code for an area with no GSS code ("Not available" in ONS files):
    "CR_" + upper-case name, non-alphanumerics "_"."""
    return "CR_" + re.sub(r"[^A-Z0-9]", "_", name.strip().upper())


class BuildError(RuntimeError):
    """The warehouse could not be built; the message names the file, row and column at fault."""


# ---- plausibility of the committed extracts, checked on every build before anything is loaded (build/inputs.py).
# Bounds are inclusive; None = unbounded. They were set from the data in data/extracts: every value there passes.

# Observation values by unit. A unit not listed here fails the build until its range is declared.
UNIT_RANGES: dict[str, tuple[float | None, float | None]] = {
    "%": (0, 100),  # rates and shares (employment, unemployment, qualifications, confidence limits)
    "persons": (0, None),
    "filled jobs": (0, None),
    "hours per week": (0, None),
    "£": (0, None),  # per-head and pay figures (net balances are listed in SIGNED_INDICATORS)
    "£ million": (0, None),
    "£ million (2022 prices)": (0, None),
    "£ per filled job": (0, None),
    "£ per hour": (0, None),
    "index (2019=100)": (0, None),
    "index (2022=100)": (0, None),
    "index (UK less Extra-Regio=100)": (0, None),
}
# Series that are genuinely negative in the published tables (ONS country and regional public sector finances):
# net fiscal balances, net EU transactions, and receipts net of repayments (North Sea taxes and royalties, the
# smaller taxes on income and wealth). Any finite value is allowed for them.
SIGNED_INDICATORS = frozenset(
    {
        "nfb_per_head",
        "nfb_per_head_ns_population",
        "exp_eu_transactions",
        "rev_miscellaneous_taxes_on_income_and_wealth",
        "rev_other_miscellaneous_taxes_on_income_and_wealth",
        "rev_taxes_on_income_and_wealth_paid_by_pcs",
        "rev_north_sea_oil_royalties_and_license_fees",
        "rev_north_sea_oil_royalties_and_license_fees_ns_population",
        "rev_offshore_corporation_tax",
        "rev_offshore_corporation_tax_ns_population",
        "rev_petroleum_revenue_tax",
        "rev_petroleum_revenue_tax_ns_population",
    }
)
# Columns of the other extracts that may be blank; every other column (keys, area codes, names, sources) is required.
OPTIONAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "case_studies": ("featured_figures",),
    "claims": ("primary_definition",),
    "core_cities": ("note",),
    "lad_lookup": ("ca_code", "ca_name"),  # councils outside any combined authority
    # Subnational indicators: a suppressed or unavailable cell has no value, only its marker; limits where published.
    "place_observations": ("value", "ci_lower", "ci_upper", "marker", "status", "accuracy", "note"),
    "gva_industry": ("value_gbp_m", "marker"),  # a cell ONS suppresses as confidential has no value, only "[c]"
    "place_indicators": ("caveats", "source_detail"),
    "place_sheets": ("indicator_id", "reason"),
    "rs_service_expenditure": ("county_code",),  # unitary, metropolitan and London councils
}
# Numeric columns of the other extracts: finite numbers within these bounds.
NUMERIC_COLUMNS: dict[str, dict[str, tuple[float | None, float | None]]] = {
    "claims": {"value": (0, None)},  # claims state magnitudes (a share, £bn, a count)
    "code_changes": {"effective": (1990, 2100)},
    "cra_identifiable_spending": {"value_gbp_m": (0, None)},
    "eurostat_metros": {"gdp_eur": (0, None), "population": (0, None), "period": (1990, 2100)},
    "gva_industry": {"year": (1998, 2100), "value_gbp_m": (None, None)},
    "lad_land_areas": {"area_km2": (0.1, 100000)},  # a small sector's GVA can be negative
    "place_observations": {"value": (-1000, 1e8), "ci_lower": (-1000, 1e8), "ci_upper": (-1000, 1e8)},
    "fx_rates": {
        "year": (1999, 2100),
        "currency_per_eur": (0.001, 1000),
        "eur_per_currency": (0.001, 1000),
        "days": (1, 366),
    },
    "rs_service_expenditure": {"value_gbp_m": (None, None)},  # net of a service's own income: can be negative
}


class ExtractError(ValueError):
    """Malformed official input; the message names the file, sheet and row."""

    def __init__(self, file: Path | str, message: str, sheet: str | None = None, row: int | None = None):
        where = str(file)
        if sheet is not None:
            where += f", sheet '{sheet}'"
        if row is not None:
            where += f", row {row}"
        super().__init__(f"{where}: {message}")


# Only truly empty cells are missing: markers such as "n/a", "NA" or "-" stay text, so they reach to_number and fail
# loudly (or are handled by name) instead of vanishing as missing values.
MISSING_CELLS = {"keep_default_na": False, "na_values": [""]}


def read_grids(path: Path, sheets) -> dict[str, pd.DataFrame]:
    """Named sheets as headerless grids of cells as published, in one pass over the workbook.

    A missing file or sheet, or an unreadable workbook, raises an ExtractError naming the file (and sheet).
    """
    if not path.exists():
        raise ExtractError(path, "file not found")
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*xlrd engine is deprecated.*")
            book = pd.ExcelFile(path)
            missing = [s for s in sheets if s not in book.sheet_names]
            if missing:
                raise ExtractError(path, f"sheet not found; the workbook has {book.sheet_names}", sheet=missing[0])
            return {sheet: pd.read_excel(book, sheet_name=sheet, header=None, **MISSING_CELLS) for sheet in sheets}
    except ExtractError:
        raise
    except Exception as exc:  # unreadable or corrupt workbook
        raise ExtractError(path, f"cannot read workbook: {exc}") from exc


def read_grid(path: Path, sheet: str) -> pd.DataFrame:
    """One sheet as a headerless grid (see read_grids)."""
    return read_grids(path, [sheet])[sheet]


def read_sheet(path: Path, sheet: str, header_row: int, **kwargs) -> pd.DataFrame:
    """Read one sheet with its header on 1-based Excel row `header_row`; errors name the file and sheet."""
    if not path.exists():
        raise ExtractError(path, "file not found")
    try:
        frame = pd.read_excel(path, sheet_name=sheet, header=header_row - 1, **MISSING_CELLS, **kwargs)
    except ValueError as exc:  # missing sheet, unreadable workbook
        raise ExtractError(path, str(exc), sheet=sheet) from exc
    frame.columns = [_clean_header(c) for c in frame.columns]
    return frame


def _clean_header(column) -> str:
    """Year headers arrive as 1998.0 or '2023'; make them '1998'. Strip stray whitespace elsewhere."""
    if isinstance(column, float) and column.is_integer():
        return str(int(column))
    return str(column).strip()


def require_columns(frame: pd.DataFrame, columns, path: Path, sheet: str | None = None) -> None:
    """Fail with the file and sheet named when expected columns are missing."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ExtractError(path, f"missing columns {missing}; found {list(frame.columns)[:12]}", sheet=sheet)


def to_number(value, path: Path, sheet: str | None, row: int, allow_missing: tuple[str, ...] = ()) -> float | None:
    """Parse a cell as a number; suppressed markers in `allow_missing` become None, anything else fails loudly."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip().replace(",", "")
    if text in allow_missing or text == "":
        return None
    try:
        return float(text)
    except ValueError:
        raise ExtractError(path, f"expected a number, found {value!r}", sheet=sheet, row=row) from None


def wide_years_to_long(
    frame: pd.DataFrame,
    code_col: str,
    name_col: str,
    indicator_id: str,
    unit: str,
    source_id: str,
    path: Path,
    sheet: str,
    header_row: int,
    years: list[str] | None = None,
    allow_missing: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Turn a table with one column per year into tidy observations.

    Rows without an area code (notes, footers) are dropped; a non-numeric value in a year column
    raises an ExtractError naming its Excel row.
    """
    year_cols = years or [c for c in frame.columns if c.isdigit() and len(c) == 4]
    records = []
    for offset, values in enumerate(frame.to_dict("records")):
        excel_row = header_row + 1 + offset
        code = values[code_col]
        if not isinstance(code, str) or not code.strip():
            continue
        for year in year_cols:
            number = to_number(values[year], path, sheet, excel_row, allow_missing)
            if number is None:
                continue
            records.append((code.strip(), str(values[name_col]).strip(), indicator_id, year, number, unit, source_id))
    return pd.DataFrame.from_records(records, columns=OBSERVATION_COLUMNS)
