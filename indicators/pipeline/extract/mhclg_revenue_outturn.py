"""MHCLG (formerly DCLG) Revenue Outturn Summary (RS): English councils' net current expenditure by service.

Read for one purpose: within-region keys for sharing regional public spending on a function (education, social care)
out to councils (indicators.pipeline.marts.fiscal). Six annual files: 2010-11 to 2014-15 and 2017-18 (the 2015-16 and
2016-17 files and the later time series are not among the raw files).

Extract written:
    rs_service_expenditure   one row per council x year x service: net current expenditure, £ million (published in
                             £ thousand). Councils only (London boroughs and the City of London, metropolitan
                             districts, unitary authorities, shire counties, shire districts); police, fire, waste,
                             transport and national-park authorities ("O" class) are left out. Shire districts carry
                             the ONS code of their county (county_code), read from the DCLG E-code (a county and its
                             districts share its first three characters, e.g. Norfolk CC E2620, Norwich E2636).

The 2010-11 to 2013-14 files name councils by E-code only; their ONS codes come from the 2014-15 file (else 2017-18),
which give both. A council with no return ("…" in every service cell, e.g. Copeland 2017-18) has no rows.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from indicators.pipeline.spec import LAD_CODE_REMAP, ExtractError, Source, read_grid, to_number

TOPIC = "public finances"
RS_DIR = "mhclg_revenue_outturn_rs"
# period -> (file, sheet, source_id, release date, publisher's release note)
RS_FILES = {
    "2010-11": (
        "Revenue_Outturn_Summary__RS__data_2010-11_by_LA_-_27-Nov-2012-v2.xls",
        "RS LA Data 2010-11 (1)",
        "mhclg_rs_2010_11",
        "2012-11-27",
        "revised 27 November 2012",
    ),
    "2011-12": (
        "Revenue_Outturn_Summary__RS__data_2011-12_by_LA_-_Revised_28-Nov-2013.xls",
        "RS LA Data 2011-12 (1)",
        "mhclg_rs_2011_12",
        "2013-11-28",
        "revised 28 November 2013",
    ),
    "2012-13": (
        "Revenue_Outturn_Summary__RS__data_2012-13_by_LA__Revised__-_18-Feb-2014.xls",
        "RS LA Data 2012-13 (1)",
        "mhclg_rs_2012_13",
        "2014-02-18",
        "revised 18 February 2014",
    ),
    "2013-14": (
        "Revenue_Outturn_Summary__RS__data_2013-14_by_LA_-_Revised_28-Jan-2015.xls",
        "RS LA Data 2013-14 (1)",
        "mhclg_rs_2013_14",
        "2015-01-28",
        "revised 28 January 2015",
    ),
    "2014-15": (
        "Revenue_Outturn_Summary__RS__data_2014-15_by_LA_-_02-Feb-2016.xls",
        "RS LA Data 2014-15 (1)",
        "mhclg_rs_2014_15",
        "2016-02-02",
        "2 February 2016",
    ),
    "2017-18": (
        "RS_2017-18_data_by_LA.xlsx",
        "RS LA Data 2017-18",
        "mhclg_rs_2017_18",
        "2018-11-15",
        "workbook behind the 2017-18 final outturn release of 15 November 2018 (the workbook states no date "
        "of its own)",
    ),
}
CODE_SOURCES = ("2014-15", "2017-18")  # files that give ONS codes beside E-codes, in order of preference
COUNCIL_CLASSES = ("L", "MD", "UA", "SC", "SD")
SERVICES = {  # normalised column label -> service id
    "education services": "education",
    "highways and transport services": "highways_and_transport",
    "social care": "social_care",
    "children social care": "children_social_care",
    "adult social care": "adult_social_care",
    "public health": "public_health",
    "housing services (gfra only)": "housing_gfra",
    "cultural and related services": "cultural",
    "environmental and regulatory services": "environmental_and_regulatory",
    "planning and development services": "planning_and_development",
    "police services": "police",
    "fire and rescue services": "fire_and_rescue",
    "central services": "central",
    "other services": "other",
}
TOTAL_LABEL, TOTAL_ID = "total service expenditure", "total_service_expenditure"
COLUMNS = [
    "period",
    "area_code",
    "area_name",
    "e_code",
    "authority_class",
    "county_code",
    "service",
    "value_gbp_m",
    "source_id",
]
TABLES = {"rs_service_expenditure": ("period", "area_code", "service")}
INDICATORS: list = []

SOURCES = [
    Source(
        source_id=source_id,
        publisher="Department for Communities and Local Government (now Ministry of Housing, Communities and Local "
        "Government)",
        title=f"Revenue Outturn Summary (RS) data {period} by local authority",
        release=f"Local authority revenue expenditure and financing, England: {period} final outturn, RS data by LA "
        f"({note})",
        release_date=date,
        vintage=f"RS {period}",
        raw_files=f"{RS_DIR}/{file}",
        url="https://www.gov.uk/government/collections/local-authority-revenue-expenditure-and-financing",
        notes="Sheet '" + sheet + "': net current expenditure by service, £ thousand (net of sales, fees and charges "
        "and of specific grants outside aggregate external finance; academies are funded outside councils and are "
        "not in it). Byte-identical copy from GitHub BBC-Data-Unit/council-cuts-charts.",
    )
    for period, (file, sheet, source_id, date, note) in RS_FILES.items()
]


def _text(cell) -> str:
    """A cell as stripped text with runs of whitespace collapsed ('' for an empty cell)."""
    if cell is None or (isinstance(cell, float) and pd.isna(cell)):
        return ""
    return re.sub(r"\s+", " ", str(cell)).strip()


def _label(cell) -> str:
    """Header text normalised: lower case, single spaces, 'children's' and 'TOTAL … (TOTAL OF LINES …)' simplified."""
    text = _text(cell).lower().replace("children's", "children")
    return TOTAL_LABEL if text.startswith(TOTAL_LABEL) else text


def _header(grid: pd.DataFrame, path: Path, sheet: str) -> tuple[int, dict[str, int]]:
    """The header row (the one whose first cell is 'E-code') and its column positions by label."""
    for idx in range(min(len(grid), 15)):
        if _text(grid.iloc[idx, 0]) == "E-code":
            labels = {}
            for col in range(grid.shape[1]):
                labels.setdefault(_label(grid.iloc[idx, col]), col)
            return idx, labels
    raise ExtractError(path, "header row starting 'E-code' not found", sheet=sheet)


def _service_columns(labels: dict[str, int], path: Path, sheet: str) -> dict[str, int]:
    """Service id -> column, for every service label present up to the total; the core services must all be there."""
    found = {service: labels[label] for label, service in SERVICES.items() if label in labels}
    if TOTAL_LABEL not in labels:
        raise ExtractError(path, "no 'TOTAL SERVICE EXPENDITURE' column", sheet=sheet)
    found[TOTAL_ID] = labels[TOTAL_LABEL]
    required = {"education", "highways_and_transport", "housing_gfra", "cultural", "environmental_and_regulatory"}
    has_care = "social_care" in found or {"children_social_care", "adult_social_care"} <= set(found)
    if not required <= set(found) or not has_care:
        raise ExtractError(path, f"service columns missing; found {sorted(found)}", sheet=sheet)
    return found


def read_year(raw_dir: Path, period: str) -> pd.DataFrame:
    """One RS file: council rows (E-code, ONS code if given, name, class) x service, £ thousand as published."""
    file, sheet, source_id, _, _ = RS_FILES[period]
    path = raw_dir / RS_DIR / file
    grid = read_grid(path, sheet)
    header, labels = _header(grid, path, sheet)
    if "class" not in labels or "local authority" not in labels:
        raise ExtractError(path, "no 'Class' or 'Local authority' column", sheet=sheet, row=header + 1)
    services = _service_columns(labels, path, sheet)
    records = []
    for idx in range(header + 1, len(grid)):
        e_code = _text(grid.iloc[idx, 0])
        if not re.fullmatch(r"E\d{4}", e_code):
            continue
        klass = _text(grid.iloc[idx, labels["class"]])
        if klass not in (*COUNCIL_CLASSES, "O"):
            raise ExtractError(path, f"unknown authority class {klass!r}", sheet=sheet, row=idx + 1)
        if klass == "O":
            continue
        ons = _text(grid.iloc[idx, labels["ons code"]]) if "ons code" in labels else ""
        name = _text(grid.iloc[idx, labels["local authority"]])
        values = {
            s: to_number(grid.iloc[idx, col], path, sheet, idx + 1, allow_missing=("…",)) for s, col in services.items()
        }
        if all(v is None for v in values.values()):
            continue  # no return this year
        if any(v is None for v in values.values()):
            raise ExtractError(path, f"some service cells empty for {e_code}", sheet=sheet, row=idx + 1)
        records += [(period, e_code, ons, name, klass, s, v, source_id) for s, v in values.items()]
    return pd.DataFrame.from_records(
        records,
        columns=[
            "period",
            "e_code",
            "ons_code",
            "area_name",
            "authority_class",
            "service",
            "value_gbp_thousand",
            "source_id",
        ],
    )


def ons_codes(years: dict[str, pd.DataFrame]) -> dict[str, str]:
    """E-code -> ONS code from the files that give both (earlier CODE_SOURCES win)."""
    out: dict[str, str] = {}
    for period in reversed(CODE_SOURCES):
        frame = years[period]
        out.update(dict(zip(frame["e_code"], frame["ons_code"])))
    return out


def with_codes(frame: pd.DataFrame, codes: dict[str, str], path: Path) -> pd.DataFrame:
    """Fill ONS codes from E-codes (project remaps applied) and give each shire district its county's ONS code.

    Args: one year's rows from read_year; the E-code -> ONS code map; the file (for errors).
    Returns: the rows with area_code and county_code ('' for councils that are not shire districts).
    """
    frame = frame.copy()
    missing = sorted(set(frame.loc[frame["ons_code"] == "", "e_code"]) - set(codes))
    if missing:
        raise ExtractError(path, f"no ONS code for E-codes {missing[:5]}")
    frame["area_code"] = [o or codes[e] for e, o in zip(frame["e_code"], frame["ons_code"])]
    frame["area_code"] = frame["area_code"].map(lambda c: LAD_CODE_REMAP.get(c, c))
    counties = frame[frame["authority_class"] == "SC"].drop_duplicates("e_code")
    county_of_prefix = dict(zip(counties["e_code"].str[:3], counties["area_code"]))
    districts = frame["authority_class"] == "SD"
    orphans = sorted(set(frame.loc[districts, "e_code"].str[:3]) - set(county_of_prefix))
    if orphans:
        raise ExtractError(path, f"shire districts with no county sharing their E-code prefix: {orphans}")
    frame["county_code"] = [county_of_prefix[e[:3]] if d else "" for e, d in zip(frame["e_code"], districts)]
    return frame


def extract(raw_dir: Path) -> dict[str, pd.DataFrame]:
    """Every RS year as one long table, £ million."""
    years = {period: read_year(raw_dir, period) for period in RS_FILES}
    codes = ons_codes(years)
    frames = [with_codes(frame, codes, raw_dir / RS_DIR / RS_FILES[period][0]) for period, frame in years.items()]
    out = pd.concat(frames, ignore_index=True)
    out["value_gbp_m"] = (out["value_gbp_thousand"] / 1000).round(6)
    return {"rs_service_expenditure": out[COLUMNS]}
