"""Place indicators: every sheet of the ONS Subnational indicators explorer (ninth release, 21 March 2024).

Reads the workbook ons_labour also reads (``ons_labour.SNI_FILE``, source ``ons_labour.SNI``) and writes three
extracts: ``place_indicators`` (one row per indicator sheet, described by the workbook's Data dictionary),
``place_observations`` (one row per indicator and area; a suppressed or unavailable cell is kept, empty, with its
marker) and ``place_sheets`` (one row per sheet of the workbook: loaded or not, and why). A sheet this module does not
know fails the extraction, so a new sheet is never silently ignored.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from indicators.pipeline.extract.ons_labour import (
    SNI,
    SNI_FILE,
    area_code,
    clean_number,
    column_position,
    find_header_row,
    sni_period,
    table_below,
)
from indicators.pipeline.spec import ExtractError, project_area_code, read_grids

# sheet: (indicator_id, theme, display unit). Ids shared with obs_subnational / obs_ashe name the same published series.
SHEETS: dict[str, tuple[str, str, str]] = {
    "GVA per hour": ("gva_per_hour_jun2023", "Economy and business", "£ per hour"),
    "Weekly pay": ("median_weekly_pay_residence", "Work and pay", "£ per week"),
    "Employment rate": ("employment_rate", "Work and pay", "%"),
    "Employment rate (NI)": ("employment_rate_ni", "Work and pay", "%"),
    "Unemployment rate": ("unemployment_rate", "Work and pay", "%"),
    "GDHI per head": ("gdhi_per_head", "Work and pay", "£"),
    "New enterprises": ("enterprise_births", "Economy and business", "count"),
    "Deaths of enterprises": ("enterprise_deaths", "Economy and business", "count"),
    "Active enterprises": ("active_enterprises", "Economy and business", "count"),
    "High growth enterprises": ("high_growth_enterprises", "Economy and business", "count"),
    "UK exports": ("exports_value", "Economy and business", "£ million"),
    "Inward FDI": ("fdi_inward_position", "Economy and business", "£ million"),
    "Outward FDI": ("fdi_outward_position", "Economy and business", "£ million"),
    "Goverment R&D": ("public_rd_expenditure", "Economy and business", "£ million"),
    "Public transport to employer": ("travel_time_employment_centre_public_transport", "Connectivity", "minutes"),
    "Drive to employer": ("travel_time_employment_centre_car", "Connectivity", "minutes"),
    "Cycle to employer": ("travel_time_employment_centre_cycle", "Connectivity", "minutes"),
    "Broadband availability": ("gigabit_broadband_premises", "Connectivity", "%"),
    "4G area coverage": ("coverage_4g_area", "Connectivity", "%"),
    "KS2 attainment": ("ks2_expected_standard", "Education and children", "%"),
    "GCSE by age 19": ("gcse_english_maths_by_19", "Education and children", "%"),
    "Ofsted": ("schools_good_or_outstanding", "Education and children", "%"),
    "Persistent absences": ("persistent_absence_all", "Education and children", "%"),
    "Persistent absences FSM": ("persistent_absence_fsm", "Education and children", "%"),
    "Persistent absences CLA": ("persistent_absence_looked_after", "Education and children", "%"),
    "Early years comms": ("early_years_communication", "Education and children", "%"),
    "Early years literacy": ("early_years_literacy", "Education and children", "%"),
    "Early years maths": ("early_years_maths", "Education and children", "%"),
    "FE and skills achievements": ("fe_skills_achievements", "Skills", "count"),
    "Apprenticeship starts": ("apprenticeship_starts_rate", "Skills", "per 100,000 population"),
    "Apprenticeship achievements": ("apprenticeship_achievements_rate", "Skills", "per 100,000 population"),
    "Level 3+ qualifications": ("level3_qualifications", "Skills", "%"),
    "Level 3+ qualifications (NI)": ("level3_qualifications_ni", "Skills", "%"),
    "FE and skills participation": ("fe_skills_participation_rate", "Skills", "per 100,000 population"),
    "Female HLE": ("healthy_life_expectancy_female", "Health", "years"),
    "Male HLE": ("healthy_life_expectancy_male", "Health", "years"),
    "Smokers": ("smoking_prevalence", "Health", "%"),
    "Reception obesity": ("obesity_reception", "Health", "%"),
    "Year 6 obesity": ("obesity_year6", "Health", "%"),
    "Adult obesity": ("obesity_adult", "Health", "%"),
    "Cancer diagnosis": ("cancer_early_stage_diagnosis", "Health", "%"),
    "Under 75 mortality rate": ("circulatory_mortality_under75", "Health", "per 100,000 population"),
    "Under 75 mortality rate (NI)": ("circulatory_mortality_under75_ni", "Health", "per 100,000 population"),
    "Life satisfaction": ("life_satisfaction", "Wellbeing", "score (0-10)"),
    "Worthwhile": ("worthwhile", "Wellbeing", "score (0-10)"),
    "Happiness": ("happiness", "Wellbeing", "score (0-10)"),
    "Anxiety": ("anxiety", "Wellbeing", "score (0-10)"),
    "Net additions": ("net_additional_dwellings_rate", "Housing", "per 1,000 stock"),
    "Homicide": ("homicide_rate", "Crime and safety", "per million population"),
    "Devolution": ("devolution_population_share", "Devolution", "%"),
}
# The sheets that hold no indicator: sheet -> why it is not loaded.
OTHER_SHEETS = {
    "Notes": "notes: release notes and contents",
    "Voluntary TQV": "notes: statement of voluntary application of the Code of Practice for Statistics",
    "Data dictionary": "data dictionary: read for each indicator's name, definition, polarity and sources",
    "Data inclusivity": "notes: data included in or excluded from the explorer, by indicator",
}
DICTIONARY = "Data dictionary"

NAME_COLUMNS = (
    "Country",
    "Nation",
    "Region",
    "County or Unitary Authority",
    "Local Authority District",
    "Combined Authority or City Region",
    "ITL Level 1",
    "ITL Level 2",
    "ITL Level 3",
    "Welsh Health Board",
    "Police Force Area",
)
CI_COLUMNS = ("Lower 95% Confidence Interval", "Upper 95% Confidence Interval")
TEXT_COLUMNS = {"Observation Status": "status", "Data accuracy": "accuracy", "Notes": "note"}
# Markers that stand for a missing figure (this release uses only "na"); the marker is kept, the value left empty.
MISSING_MARKERS = ("na", "[x]", "[c]", "[z]", "[u]", "..", "x", ":")
BLANK = "blank"  # the marker of a data row whose value cell is empty
NUMBER_TEXT = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")

POLARITIES = {"better": "higher_is_better", "worse": "lower_is_better"}
SOURCE_COLUMNS = {
    "Source UK": "UK",
    "Source GB": "GB",
    "Source England": "England",
    "Source Wales": "Wales",
    "Source Scotland": "Scotland",
    "Source NI": "Northern Ireland",
}
# Trailing qualifiers that the sheets and the Data dictionary do not repeat consistently.
METRIC_QUALIFIERS = ("(official statistics in development)", "(great britain)")

# Geography level by code prefix (GSS entity code, after ons_labour's CODE_REMAP).
LEVELS = {
    **dict.fromkeys(("E06", "E07", "E08", "E09", "W06", "S12", "N09"), "council"),
    "E10": "county",
    "E11": "metropolitan_county",
    "E47": "combined_authority",
    "E12": "region",
    **dict.fromkeys(("E92", "W92", "S92", "N92"), "nation"),
    **dict.fromkeys(("K02", "K03", "K04"), "country_group"),
    "W11": "welsh_health_board",
    **dict.fromkeys(("E23", "W15"), "police_force_area"),
    "E13": "inner_outer_london",  # Inner London, Outer London
    "E61": "greater_london_authority",
    "E67": "council_group",  # two councils published as one (Hackney with City of London, Cornwall with Scilly)
    "W42": "city_region",  # Welsh corporate joint committees: Cardiff Capital Region, Swansea Bay City Region
    "N34": "city_region",  # Belfast City Region
    "K99": "unallocated",  # "UK not allocated", "Outside of England and Unknown"
}
UK_LESS_EXTRA_REGIO = "UKX"  # K99000002 after CODE_REMAP
ITL_LEVELS = {1: "itl1", 2: "itl2", 3: "itl3"}

INDICATOR_COLUMNS = [
    "indicator_id",
    "sheet",
    "theme",
    "name",
    "definition",
    "unit",
    "polarity",
    "period",
    "coverage",
    "geographies",
    "source",
    "source_detail",
    "caveats",
    "has_confidence_limits",
    "source_id",
]
OBSERVATION_COLUMNS = [
    "indicator_id",
    "area_code",
    "area_name",
    "geography_level",
    "value",
    "ci_lower",
    "ci_upper",
    "marker",
    "status",
    "accuracy",
    "note",
]
SHEET_COLUMNS = ["sheet", "indicator_id", "loaded", "reason"]

SOURCES: list = []  # the workbook is ons_labour.SNI, declared there
INDICATORS: list = []  # place indicators live in place_indicators, not in the observations table
TABLES = {
    "place_indicators": ("indicator_id",),
    "place_observations": ("indicator_id", "area_code"),
    "place_sheets": ("sheet",),
}


def extract(raw_dir: Path) -> dict[str, pd.DataFrame]:
    """The three place extracts from the Subnational indicators workbook."""
    path = raw_dir / SNI_FILE
    workbook = workbook_sheets(path)
    check_sheets(path, workbook)
    grids = read_grids(path, [DICTIONARY, *SHEETS])
    dictionary = read_dictionary(grids[DICTIONARY], path)
    indicators, observations = [], []
    for sheet, (indicator_id, theme, unit) in SHEETS.items():
        frame, has_limits = read_indicator_sheet(grids[sheet], path, sheet, indicator_id)
        entry = dictionary_entry(dictionary, sheet_text(grids[sheet], "Metric:", path, sheet), path, sheet)
        indicators.append(indicator_row(grids[sheet], path, sheet, indicator_id, theme, unit, entry, has_limits))
        observations.append(frame)
    sheets = [(s, SHEETS[s][0], True, "") if s in SHEETS else (s, "", False, OTHER_SHEETS[s]) for s in workbook]
    return {
        "place_indicators": pd.DataFrame(indicators, columns=INDICATOR_COLUMNS),
        "place_observations": pd.concat(observations, ignore_index=True),
        "place_sheets": pd.DataFrame(sheets, columns=SHEET_COLUMNS),
    }


# ---------------------------------------------------------------- the workbook and its sheets


def workbook_sheets(path: Path) -> list[str]:
    """The workbook's sheet names, in order."""
    if not path.exists():
        raise ExtractError(path, "file not found")
    try:
        return pd.ExcelFile(path).sheet_names
    except Exception as exc:  # unreadable or corrupt workbook
        raise ExtractError(path, f"cannot read workbook: {exc}") from exc


def check_sheets(path: Path, sheets: list[str]) -> None:
    """Every sheet is known (an indicator or a listed non-indicator sheet) and every known sheet is there."""
    for sheet in sheets:
        if sheet not in SHEETS and sheet not in OTHER_SHEETS:
            raise ExtractError(path, "sheet unknown to ons_place: add it to SHEETS or OTHER_SHEETS", sheet=sheet)
    for sheet in (*SHEETS, *OTHER_SHEETS):
        if sheet not in sheets:
            raise ExtractError(path, f"sheet not found; the workbook has {sheets}", sheet=sheet)


def text(cell) -> str:
    """A cell as one line of text: whitespace collapsed, blank for an empty cell, 2021.0 read as '2021'."""
    if cell is None or (isinstance(cell, float) and pd.isna(cell)):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return " ".join(str(cell).split())


def sheet_text(grid: pd.DataFrame, label: str, path: Path, sheet: str) -> str:
    """The metadata text beside `label` ("Metric:", "Coverage:" ...); an empty one is an error."""
    row = find_header_row(grid, label, path, sheet)
    value = text(grid.iloc[row, 1])
    if not value:
        raise ExtractError(path, f"empty {label}", sheet=sheet, row=row + 1)
    return value


def geographies(grid: pd.DataFrame, path: Path, sheet: str) -> str:
    """The "Geography:" line and the lines below it (column B) up to the table header, joined with '; '."""
    start = find_header_row(grid, "Geography:", path, sheet)
    end = find_header_row(grid, "Area Code", path, sheet)
    lines = [text(grid.iloc[row, 1]) for row in range(start, end) if row == start or not text(grid.iloc[row, 0])]
    lines = [line for line in lines if line]
    if not lines:
        raise ExtractError(path, "empty Geography:", sheet=sheet, row=start + 1)
    return "; ".join(lines)


def period_label(grid: pd.DataFrame, path: Path, sheet: str) -> str:
    """The sheet's "Date:" as a period label, extending ons_labour.sni_period ('2021', 'Oct 2022-Sep 2023').

    '09/2023' -> 'Sep 2023'; '2018 - 2020' -> '2018-2020'; '16/11/2021 - 15/11/2022' -> '16 Nov 2021-15 Nov 2022';
    a label already in words ('2022/23', 'Financial year ending 2023', 'As at 31 January 2024') is kept as published.
    """
    label = sheet_text(grid, "Date:", path, sheet)
    if re.fullmatch(r"\d{4}|\d{2}/\d{4}\s*-\s*\d{2}/\d{4}", label):
        return sni_period(grid, path, sheet)
    try:
        if re.fullmatch(r"\d{2}/\d{4}", label):
            return f"{pd.to_datetime(label, format='%m/%Y'):%b %Y}"
        days = re.fullmatch(r"(\d{2}/\d{2}/\d{4})\s*-\s*(\d{2}/\d{2}/\d{4})", label)
        if days:
            start, end = (pd.to_datetime(day, format="%d/%m/%Y") for day in days.groups())
            return f"{start.day} {start:%b %Y}-{end.day} {end:%b %Y}"
    except ValueError:
        raise ExtractError(path, f"invalid date in Date: {label!r}", sheet=sheet) from None
    years = re.fullmatch(r"(\d{4})\s*-\s*(\d{4})", label)
    return f"{years[1]}-{years[2]}" if years else label


# ---------------------------------------------------------------- the Data dictionary


def metric_key(metric: str) -> str:
    """A metric text normalised for matching a sheet to its Data dictionary row."""
    key = text(metric).casefold()
    for qualifier in METRIC_QUALIFIERS:
        key = key.removesuffix(qualifier).strip()
    return key


def read_dictionary(grid: pd.DataFrame, path: Path) -> dict[str, dict[str, str]]:
    """Data dictionary rows by metric key, each as {column label: text}."""
    table = table_below(grid, find_header_row(grid, "Metric", path, DICTIONARY))
    columns = [
        "Metric",
        "Indicator (name in jitter plot visualisation)",
        "Description",
        "Are higher values better than or worse than the median?",
        *SOURCE_COLUMNS,
        "Source further details",
        "Source notes and caveats",
    ]
    positions = {label: column_position(table, label, path, DICTIONARY) for label in columns}
    entries: dict[str, dict[str, str]] = {}
    for excel_row, row in zip(table.index, table.itertuples(index=False)):
        entry = {label: text(row[at]) for label, at in positions.items()}
        if not entry["Metric"]:
            continue
        key = metric_key(entry["Metric"])
        if key in entries:
            raise ExtractError(path, f"metric {entry['Metric']!r} listed twice", sheet=DICTIONARY, row=excel_row)
        entries[key] = entry
    return entries


def dictionary_entry(dictionary: dict[str, dict[str, str]], metric: str, path: Path, sheet: str) -> dict[str, str]:
    """The Data dictionary row whose Metric matches the sheet's "Metric:" text."""
    entry = dictionary.get(metric_key(metric))
    if entry is None:
        raise ExtractError(path, f"no Data dictionary row for the sheet's Metric: {metric!r}", sheet=sheet)
    return entry


def indicator_row(
    grid: pd.DataFrame,
    path: Path,
    sheet: str,
    indicator_id: str,
    theme: str,
    unit: str,
    entry: dict[str, str],
    has_limits: bool,
) -> dict:
    """One place_indicators row: the sheet's metadata with its Data dictionary entry."""
    published = entry["Are higher values better than or worse than the median?"]
    if published.casefold() not in POLARITIES:
        raise ExtractError(path, f"unknown polarity {published!r} in the Data dictionary", sheet=sheet)
    source = "; ".join(f"{nation}: {entry[label]}" for label, nation in SOURCE_COLUMNS.items() if entry[label])
    required = {
        "name": entry["Indicator (name in jitter plot visualisation)"],
        "definition": entry["Description"],
        "source": source,
    }
    for field, value in required.items():
        if not value:
            raise ExtractError(path, f"the Data dictionary gives no {field}", sheet=sheet)
    return {
        "indicator_id": indicator_id,
        "sheet": sheet,
        "theme": theme,
        **required,
        "unit": unit,
        "polarity": POLARITIES[published.casefold()],
        "period": period_label(grid, path, sheet),
        "coverage": sheet_text(grid, "Coverage:", path, sheet),
        "geographies": geographies(grid, path, sheet),
        "source_detail": entry["Source further details"],
        "caveats": entry["Source notes and caveats"],
        "has_confidence_limits": bool(has_limits),
        "source_id": SNI,
    }


# ---------------------------------------------------------------- an indicator sheet's table


def geography_level(code: str, path: Path, sheet: str, row: int) -> str:
    """The geography level an (already normalised) area code denotes; an unknown prefix is an error."""
    if code.startswith("CR_"):
        return "city_region"
    if code == UK_LESS_EXTRA_REGIO:
        return "country_group"
    if code.startswith("TL") and len(code) - 2 in ITL_LEVELS:
        return ITL_LEVELS[len(code) - 2]
    if code[:3] in LEVELS:
        return LEVELS[code[:3]]
    raise ExtractError(path, f"area code {code!r} has no known geography level", sheet=sheet, row=row)


def value_column(labels: list[str], path: Path, sheet: str) -> int:
    """Position of the one value column: the only column after "Area Code" that is not a name, CI or text column."""
    known = {"Area Code", *NAME_COLUMNS, *CI_COLUMNS, *TEXT_COLUMNS, ""}
    candidates = [at for at, label in enumerate(labels) if label not in known]
    if len(candidates) != 1:
        raise ExtractError(path, f"expected one value column, found {[labels[at] for at in candidates]}", sheet=sheet)
    return candidates[0]


def parse_value(cell, path: Path, sheet: str, row: int, column: str) -> tuple[float | None, str]:
    """A figure cell as (number, marker): a number and '', or None and the missing-value marker ('blank' if empty)."""
    if isinstance(cell, (int, float)) and not isinstance(cell, bool) and not pd.isna(cell):
        return clean_number(float(cell)), ""
    label = text(cell)
    if not label:
        return None, BLANK
    if label in MISSING_MARKERS:
        return None, label
    if NUMBER_TEXT.fullmatch(label):  # a number stored as text
        return clean_number(float(label.replace(",", ""))), ""
    raise ExtractError(
        path, f"column {column!r}: expected a number or a missing-value marker, found {cell!r}", sheet=sheet, row=row
    )


def read_indicator_sheet(grid: pd.DataFrame, path: Path, sheet: str, indicator_id: str) -> tuple[pd.DataFrame, bool]:
    """Every coded row of one indicator sheet as place_observations rows (missing figures kept with their marker),
    and whether the sheet publishes both 95% confidence limits."""
    header = find_header_row(grid, "Area Code", path, sheet)
    table = table_below(grid, header)
    labels = [text(label) for label in grid.iloc[header]]
    for at, label in enumerate(labels):
        if not label and table.iloc[:, at].map(text).any():
            raise ExtractError(path, f"cells under a blank header in column {at + 1}", sheet=sheet)
    value_at = value_column(labels, path, sheet)
    name_at = [at for at, label in enumerate(labels) if label in NAME_COLUMNS]
    optional = {label: labels.index(label) for label in (*CI_COLUMNS, *TEXT_COLUMNS) if label in labels}
    kept: dict[str, tuple[tuple, int]] = {}
    for excel_row, row in zip(table.index, table.itertuples(index=False)):
        record = observation(row, excel_row, path, sheet, indicator_id, labels, value_at, name_at, optional)
        if record is None:
            continue
        _, code, *_ = record
        if code in kept and kept[code][0] != record:
            raise ExtractError(
                path,
                f"area {code} repeated with different figures (first on row {kept[code][1]})",
                sheet=sheet,
                row=excel_row,
            )
        kept.setdefault(code, (record, excel_row))
    if not kept:
        raise ExtractError(path, "no coded rows found", sheet=sheet)
    frame = pd.DataFrame([record for record, _ in kept.values()], columns=OBSERVATION_COLUMNS)
    return frame, all(label in optional for label in CI_COLUMNS)


def observation(
    row: tuple,
    excel_row: int,
    path: Path,
    sheet: str,
    indicator_id: str,
    labels: list[str],
    value_at: int,
    name_at: list[int],
    optional: dict[str, int],
) -> tuple | None:
    """One coded table row as a place_observations record; None for a row without an area code (a footnote)."""
    raw_code = text(row[0])
    if not raw_code:
        return None
    name = next((text(row[at]) for at in name_at if text(row[at])), "")
    if not name:
        raise ExtractError(path, f"area {raw_code} has no name", sheet=sheet, row=excel_row)
    if raw_code.lower() in ("na", "not available"):  # city regions without a GSS code
        code = project_area_code(name)
    else:
        code = area_code(raw_code, path, sheet, excel_row)
    value, marker = parse_value(row[value_at], path, sheet, excel_row, labels[value_at])
    limits = [
        parse_value(row[optional[label]], path, sheet, excel_row, label)[0] if label in optional else None
        for label in CI_COLUMNS
    ]
    notes = {field: text(row[optional[label]]) if label in optional else "" for label, field in TEXT_COLUMNS.items()}
    if value is not None and None not in limits and not limits[0] <= value <= limits[1]:
        raise ExtractError(path, f"value {value} outside its confidence interval {limits}", sheet=sheet, row=excel_row)
    level = geography_level(code, path, sheet, excel_row)
    return (indicator_id, code, name, level, value, *limits, marker, notes["status"], notes["accuracy"], notes["note"])
