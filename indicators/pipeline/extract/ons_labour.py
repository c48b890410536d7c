"""Labour market: ONS ASHE median pay (Tables 7 and 8) and the ONS Subnational indicators explorer (9th release).

Reads ``ons_ashe/`` (workplace 2024 and residence 2023 provisional medians, sheet "All") and
``ons_subnational_indicators/`` (employment and unemployment rates, GDHI per head, NVQ3+ share and
GVA per hour worked). Writes two observation extracts: ``obs_ashe`` and ``obs_subnational``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from indicators.pipeline.spec import (
    LAD_CODE_REMAP,
    OBSERVATION_COLUMNS,
    ExtractError,
    Indicator,
    Source,
    project_area_code,
    read_grid,
    to_number,
)

ASHE_DIR = "ons_ashe"
SNI_DIR = "ons_subnational_indicators"
SNI_FILE = f"{SNI_DIR}/subnatindicators_9th_release_mar2024.xlsx"

# One code set so everything joins (see the project's area-code conventions).
CODE_REMAP = {
    **LAD_CODE_REMAP,
    "K99000002": "UKX",  # UK less Extra-Regio
    "TLB": "E92000001",  # England in ITL-coded tables
}
GSS_CODE = re.compile(r"^[EKNSW]\d{8}$|^TL[A-Z0-9]{1,3}$")

ASHE_2024 = "ons_ashe_2024_t7"
ASHE_2023 = "ons_ashe_2023_t8"
SNI = "ons_subnational_indicators_mar2024"
SNI_GVA = "ons_productivity_jun2023_sni"

ASHE_FILES = {
    # indicator_id: (file, source_id, period)
    "median_weekly_pay_workplace": ("PROV_-_Work_Geography_Table_7.1a_Weekly_pay_-_Gross_2024.xlsx", ASHE_2024, "2024"),
    "median_hourly_pay_workplace": ("PROV_-_Work_Geography_Table_7.5a_Hourly_pay_-_Gross_2024.xlsx", ASHE_2024, "2024"),
    "median_annual_pay_workplace": ("PROV_-_Work_Geography_Table_7.7a_Annual_pay_-_Gross_2024.xlsx", ASHE_2024, "2024"),
    "median_weekly_pay_residence": ("PROV_-_Home_Geography_Table_8.1a_Weekly_pay_-_Gross_2023.xls", ASHE_2023, "2023"),
    "median_hourly_pay_residence": ("PROV_-_Home_Geography_Table_8.5a_Hourly_pay_-_Gross_2023.xls", ASHE_2023, "2023"),
    "median_annual_pay_residence": ("PROV_-_Home_Geography_Table_8.7a_Annual_pay_-_Gross_2023.xls", ASHE_2023, "2023"),
}
ASHE_SHEET = "All"


@dataclass(frozen=True)
class SniSheet:
    """One indicator sheet of the Subnational indicators workbook."""

    sheet: str
    indicator_id: str
    value_column: str
    unit: str
    source_id: str
    ci_ids: tuple[str, str] | None = None  # indicator ids for the lower/upper 95% CI columns, if kept


SNI_SHEETS = (
    SniSheet(
        "Employment rate",
        "employment_rate",
        "Employment rate, aged 16 to 64 years (%)",
        "%",
        SNI,
        ci_ids=("employment_rate_ci_lower", "employment_rate_ci_upper"),
    ),
    SniSheet(
        "Unemployment rate", "unemployment_rate", "Modelled unemployment rate, aged 16 years and over (%)", "%", SNI
    ),
    SniSheet("GDHI per head", "gdhi_per_head", "Gross disposable household income, per head (£)", "£", SNI),
    SniSheet(
        "Level 3+ qualifications",
        "level3_qualifications",
        "Proportion of the population aged 16 to 64 with NVQ3+ qualification (%)",
        "%",
        SNI,
    ),
    SniSheet("GVA per hour", "gva_per_hour_jun2023", "Gross Value Added (GVA) per hour worked (£)", "£", SNI_GVA),
)
# The "Weekly pay" sheet repeats ASHE Table 8.1a 2023 (residence-based median weekly pay) exactly, so it is not
# extracted again: median_weekly_pay_residence carries those figures (the test suite checks the duplication).
SNI_DUPLICATE_SHEET = "Weekly pay"

SOURCES = [
    Source(
        source_id=ASHE_2024,
        publisher="Office for National Statistics",
        title="Annual Survey of Hours and Earnings – Table 7: place of work by local authority",
        release="Employee earnings in the UK: 2024 (ASHE Table 7, 2024 provisional)",
        release_date="2024-10-29",
        vintage="2024 provisional",
        raw_files=";".join(f"{ASHE_DIR}/{f}" for f, s, _ in ASHE_FILES.values() if s == ASHE_2024),
        url="https://www.ons.gov.uk/employmentandlabourmarket/peopleinwork/earningsandworkinghours/datasets/placeofworkbylocalauthorityashetable7",
        notes="Sheet 'All' (all employee jobs), Median column; 'x' (suppressed, unreliable) cells dropped.",
    ),
    Source(
        source_id=ASHE_2023,
        publisher="Office for National Statistics",
        title="Annual Survey of Hours and Earnings – Table 8: place of residence by local authority",
        release="Employee earnings in the UK: 2023 (ASHE Table 8, 2023 provisional)",
        release_date="2023-11-01",
        vintage="2023 provisional",
        raw_files=";".join(f"{ASHE_DIR}/{f}" for f, s, _ in ASHE_FILES.values() if s == ASHE_2023),
        url="https://www.ons.gov.uk/employmentandlabourmarket/peopleinwork/earningsandworkinghours/datasets/placeofresidencebylocalauthorityashetable8",
        notes="Sheet 'All' (all employee jobs), Median column; 'x' (suppressed, unreliable) cells dropped.",
    ),
    Source(
        source_id=SNI,
        publisher="Office for National Statistics",
        title="Subnational indicators explorer: underlying publicly available datasets",
        release="Subnational indicators explorer, ninth release (data correct as of 16 February 2024)",
        release_date="2024-03-21",
        vintage="Mar 2024",
        raw_files=SNI_FILE,
        url="https://www.ons.gov.uk/explore-local-statistics/",
        notes="Compiles ONS, NISRA, DfE and other series (each credited in the workbook's Data dictionary); "
        "sheets Employment rate, Unemployment rate, GDHI per head and Level 3+ qualifications. The Northern Ireland "
        "sheets (different periods) are not read; the Weekly pay sheet duplicates ASHE Table 8 2023.",
    ),
    Source(
        source_id=SNI_GVA,
        publisher="Office for National Statistics",
        title="Subregional productivity: GVA per hour worked, 2021 (as carried in the Subnational indicators explorer)",
        release="Subregional productivity in the UK: June 2023, via Subnational indicators explorer ninth release",
        release_date="2023-06-20",
        vintage="Jun 2023",
        raw_files=SNI_FILE,
        url="https://www.ons.gov.uk/employmentandlabourmarket/peopleinwork/labourproductivity/datasets/subregionalproductivitylabourproductivitygvaperhourworkedandgvaperfilledjobindicesbylocalauthoritydistrict",
        notes="Sheet 'GVA per hour'. An older vintage than the June 2024 subregional productivity release: "
        "values differ slightly (e.g. Birmingham 2021), so it is kept under its own indicator id.",
    ),
]

_ASHE_CAVEAT = (
    "Provisional estimates, revised a year later. Sample survey: local-authority medians can have wide "
    "sampling variability (ONS quality shading is in the separate 'b' tables, not used here). "
    "Single year only; suppressed ('x') estimates are omitted."
)
_WORK = "Workplace-based: employees are counted where they work, not where they live. "
_HOME = "Residence-based: employees are counted where they live, not where they work. "


def _ashe_indicator(indicator_id: str, basis: str, pay: str, unit_desc: str) -> Indicator:
    """Catalogue entry for one ASHE median-pay series."""
    file, source_id, period = ASHE_FILES[indicator_id]
    table = file.split("Table_")[1].split("_")[0]
    place = "work in" if basis == "workplace" else "live in"
    return Indicator(
        indicator_id=indicator_id,
        name=f"Median gross {pay} pay ({basis}-based)",
        unit="£",
        polarity="higher_is_better",
        definition=(
            f"Median gross {pay} pay{unit_desc} of all employee jobs (full- and part-time) held by people who "
            f"{place} the area, April {period}, from the Annual Survey of Hours and Earnings (ASHE Table {table}, "
            "provisional). Covers employees on adult rates whose pay was not affected by absence."
        ),
        source_id=source_id,
        period_type="snapshot",
        caveats=(_WORK if basis == "workplace" else _HOME) + _ASHE_CAVEAT,
        topic="Earnings",
    )


_APS_CAVEAT = (
    "Annual Population Survey estimate: local-authority figures have wide 95% confidence intervals "
    "(several percentage points), so small differences between areas are not significant. "
    "Great Britain local authorities only (Northern Ireland national figure only)."
)

INDICATORS = [
    _ashe_indicator("median_weekly_pay_workplace", "workplace", "weekly", ""),
    _ashe_indicator("median_hourly_pay_workplace", "workplace", "hourly", " (excluding overtime)"),
    _ashe_indicator(
        "median_annual_pay_workplace",
        "workplace",
        "annual",
        " (for employees in the same job for more than a year)",
    ),
    _ashe_indicator("median_weekly_pay_residence", "residence", "weekly", ""),
    _ashe_indicator("median_hourly_pay_residence", "residence", "hourly", " (excluding overtime)"),
    _ashe_indicator(
        "median_annual_pay_residence",
        "residence",
        "annual",
        " (for employees in the same job for more than a year)",
    ),
    Indicator(
        indicator_id="employment_rate",
        name="Employment rate, aged 16 to 64",
        unit="%",
        polarity="higher_is_better",
        definition=(
            "Percentage of residents aged 16 to 64 who are in employment (employees, self-employed and others in "
            "work), Annual Population Survey, October 2022 to September 2023."
        ),
        source_id=SNI,
        period_type="snapshot",
        caveats=_APS_CAVEAT,
        topic="Labour market",
    ),
    Indicator(
        indicator_id="employment_rate_ci_lower",
        name="Employment rate, aged 16 to 64: lower 95% confidence bound",
        unit="%",
        polarity="neutral",
        definition="Lower bound of the published 95% confidence interval around the employment rate (aged 16 to 64).",
        source_id=SNI,
        period_type="snapshot",
        caveats="Describes the uncertainty of employment_rate; not an indicator in its own right.",
        topic="Labour market",
    ),
    Indicator(
        indicator_id="employment_rate_ci_upper",
        name="Employment rate, aged 16 to 64: upper 95% confidence bound",
        unit="%",
        polarity="neutral",
        definition="Upper bound of the published 95% confidence interval around the employment rate (aged 16 to 64).",
        source_id=SNI,
        period_type="snapshot",
        caveats="Describes the uncertainty of employment_rate; not an indicator in its own right.",
        topic="Labour market",
    ),
    Indicator(
        indicator_id="unemployment_rate",
        name="Unemployment rate (modelled), aged 16 and over",
        unit="%",
        polarity="lower_is_better",
        definition=(
            "Unemployed people aged 16 and over as a percentage of the economically active, from the ONS model-based "
            "local-authority estimates (Annual Population Survey combined with the claimant count), "
            "October 2022 to September 2023."
        ),
        source_id=SNI,
        period_type="snapshot",
        caveats="Model-based estimate with wide confidence intervals at local-authority level; Great Britain only "
        "(no UK or Northern Ireland figure in this sheet); some small areas are not available.",
        topic="Labour market",
    ),
    Indicator(
        indicator_id="gdhi_per_head",
        name="Gross disposable household income per head",
        unit="£",
        polarity="higher_is_better",
        definition=(
            "Gross disposable household income (income after taxes, social contributions and benefits, available "
            "for spending or saving) divided by the resident population, current prices, 2021 (ONS regional accounts)."
        ),
        source_id=SNI,
        period_type="calendar_year",
        caveats="Current prices, not adjusted for regional price differences; a single year as carried in the "
        "Subnational indicators explorer (later regional-accounts releases revise it).",
        topic="Household income",
    ),
    Indicator(
        indicator_id="level3_qualifications",
        name="Share of people aged 16 to 64 qualified to NVQ level 3 or above",
        unit="%",
        polarity="higher_is_better",
        definition=(
            "Percentage of residents aged 16 to 64 whose highest qualification is at NVQ level 3 (A level or "
            "equivalent) or above, Annual Population Survey, January to December 2021."
        ),
        source_id=SNI,
        period_type="calendar_year",
        caveats=_APS_CAVEAT + " NVQ-based series (later releases use RQF levels; not comparable). "
        "The degree-level (NVQ4+/RQF4+) share is not in this file.",
        topic="Skills",
    ),
    Indicator(
        indicator_id="gva_per_hour_jun2023",
        name="GVA per hour worked (June 2023 release)",
        unit="£",
        polarity="higher_is_better",
        definition=(
            "Gross value added (balanced, current prices) divided by total hours worked by people working in the area, "
            "2021, from the ONS subregional productivity release of June 2023 (official statistics in development)."
        ),
        source_id=SNI_GVA,
        period_type="calendar_year",
        caveats="Older vintage than the June 2024 subregional productivity release: values differ slightly and must "
        "not be mixed with it. Current prices, not adjusted for regional price differences; workplace-based.",
        topic="Productivity",
    ),
]

TABLES: dict[str, tuple[str, ...]] = {}


def extract(raw_dir: Path) -> dict[str, pd.DataFrame]:
    """Both labour-market observation extracts."""
    return {"obs_ashe": extract_ashe(raw_dir), "obs_subnational": extract_subnational(raw_dir)}


# ---------------------------------------------------------------- reading helpers


def find_header_row(grid: pd.DataFrame, label: str, path: Path, sheet: str, column: int = 0) -> int:
    """0-based index of the first grid row whose cell in `column` reads `label`."""
    for index, cell in enumerate(grid.iloc[:, column]):
        if isinstance(cell, str) and cell.strip() == label:
            return index
    raise ExtractError(path, f"no header row with {label!r} in column {column + 1}", sheet=sheet)


def table_below(grid: pd.DataFrame, header_index: int) -> pd.DataFrame:
    """The rows under a header row, with cleaned header labels and the Excel row number as index."""
    frame = grid.iloc[header_index + 1 :].copy()
    frame.columns = [str(c).strip() for c in grid.iloc[header_index]]
    frame.index = frame.index + 1  # 0-based grid row -> 1-based Excel row
    return frame


def column_position(frame: pd.DataFrame, label: str, path: Path, sheet: str) -> int:
    """Position of the first column headed `label`; fails naming the file and sheet."""
    labels = list(frame.columns)
    if label not in labels:
        raise ExtractError(path, f"missing column {label!r}; found {labels[:12]}", sheet=sheet)
    return labels.index(label)


def area_code(code, path: Path, sheet: str, row: int) -> str | None:
    """Checked, normalised area code of a cell; None for rows without one (notes, footers, 'Not Classified')."""
    if not isinstance(code, str) or not code.strip():
        return None
    code = code.strip()
    if code.lower() == "not available":
        return code
    if not GSS_CODE.match(code):
        raise ExtractError(path, f"unexpected area code {code!r}", sheet=sheet, row=row)
    return CODE_REMAP.get(code, code)


def clean_number(value: float) -> float:
    """Strip binary float noise (75.60000000000001 -> 75.6) without changing published precision."""
    return float(f"{value:.12g}")


# ---------------------------------------------------------------- ASHE


def extract_ashe(raw_dir: Path) -> pd.DataFrame:
    """Median pay from the six ASHE workbooks (sheet 'All')."""
    frames = []
    for indicator_id, (file, source_id, period) in ASHE_FILES.items():
        frames.append(read_ashe_medians(raw_dir / ASHE_DIR / file, indicator_id, period, source_id))
    return pd.concat(frames, ignore_index=True)


def read_ashe_medians(path: Path, indicator_id: str, period: str, source_id: str) -> pd.DataFrame:
    """Every GSS-coded row's Median from one ASHE table; 'x' (suppressed) is dropped."""
    grid = read_grid(path, ASHE_SHEET)
    table = table_below(grid, find_header_row(grid, "Description", path, ASHE_SHEET))
    code_at = column_position(table, "Code", path, ASHE_SHEET)
    name_at = column_position(table, "Description", path, ASHE_SHEET)
    median_at = column_position(table, "Median", path, ASHE_SHEET)
    records = []
    for excel_row, row in zip(table.index, table.itertuples(index=False)):
        code = area_code(row[code_at], path, ASHE_SHEET, excel_row)
        if code is None:
            continue
        if code.lower() == "not available":
            raise ExtractError(path, "area without a code", sheet=ASHE_SHEET, row=excel_row)
        value = to_number(row[median_at], path, ASHE_SHEET, excel_row, allow_missing=("x",))
        if value is None:
            continue
        records.append((code, str(row[name_at]).strip(), indicator_id, period, clean_number(value), "£", source_id))
    if not records:
        raise ExtractError(path, "no coded rows with a median found", sheet=ASHE_SHEET)
    return _observations(records, path, ASHE_SHEET)


# ---------------------------------------------------------------- Subnational indicators


def extract_subnational(raw_dir: Path) -> pd.DataFrame:
    """The selected sheets of the Subnational indicators workbook."""
    path = raw_dir / SNI_FILE
    frames = [read_sni_sheet(path, spec) for spec in SNI_SHEETS]
    return pd.concat(frames, ignore_index=True)


def sni_period(grid: pd.DataFrame, path: Path, sheet: str) -> str:
    """The sheet's 'Date:' metadata as a period label: '2021' or 'Oct 2022-Sep 2023' for '10/2022 - 09/2023'."""
    row = find_header_row(grid, "Date:", path, sheet)
    text = str(grid.iloc[row, 1]).strip()
    if re.fullmatch(r"\d{4}", text):
        return text
    months = re.fullmatch(r"(\d{2})/(\d{4})\s*-\s*(\d{2})/(\d{4})", text)
    if not months:
        raise ExtractError(path, f"unrecognised Date: {text!r}", sheet=sheet, row=row + 1)
    start, end = (pd.Timestamp(year=int(y), month=int(m), day=1) for m, y in (months.group(1, 2), months.group(3, 4)))
    return f"{start:%b %Y}-{end:%b %Y}"


def read_sni_sheet(path: Path, spec: SniSheet) -> pd.DataFrame:
    """One indicator sheet (plus its CI bounds when asked) as tidy observations."""
    grid = read_grid(path, spec.sheet)
    period = sni_period(grid, path, spec.sheet)
    table = table_below(grid, find_header_row(grid, "Area Code", path, spec.sheet))
    code_at = column_position(table, "Area Code", path, spec.sheet)
    value_at = column_position(table, spec.value_column, path, spec.sheet)
    name_cols = range(code_at + 1, value_at)
    series = [(spec.indicator_id, value_at)]
    if spec.ci_ids:
        series.append((spec.ci_ids[0], column_position(table, "Lower 95% Confidence Interval", path, spec.sheet)))
        series.append((spec.ci_ids[1], column_position(table, "Upper 95% Confidence Interval", path, spec.sheet)))
    records = []
    for excel_row, row in zip(table.index, table.itertuples(index=False)):
        code = area_code(row[code_at], path, spec.sheet, excel_row)
        if code is None:
            continue
        name = next((str(row[i]).strip() for i in name_cols if isinstance(row[i], str) and row[i].strip()), None)
        if name is None:
            raise ExtractError(path, f"area {code} has no name", sheet=spec.sheet, row=excel_row)
        if code.lower() == "not available":
            code = project_area_code(name)
        for indicator_id, at in series:
            value = to_number(row[at], path, spec.sheet, excel_row, allow_missing=("na", "x", ":"))
            if value is not None:
                records.append((code, name, indicator_id, period, clean_number(value), spec.unit, spec.source_id))
    if not records:
        raise ExtractError(path, "no coded rows with a value found", sheet=spec.sheet)
    return _observations(records, path, spec.sheet)


def _observations(records: list[tuple], path: Path, sheet: str) -> pd.DataFrame:
    """Records as an observation frame; a repeated area code within one sheet is an error."""
    frame = pd.DataFrame.from_records(records, columns=OBSERVATION_COLUMNS)
    repeated = frame.duplicated(["area_code", "indicator_id", "period"])
    if repeated.any():
        raise ExtractError(path, f"area code repeated: {frame.loc[repeated, 'area_code'].tolist()[:5]}", sheet=sheet)
    return frame
