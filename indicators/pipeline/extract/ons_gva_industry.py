"""Gross value added by industry for the 361 UK local authorities (ONS, April 2025 release), current prices.

Reads Table 3 (current prices, £ million) of the twelve ``ons_gva_lad_by_industry/…tl?….xlsx`` workbooks, one per
ITL1 region or nation (header on Excel row 2: ``ITL1 region, LA code, LA name, SIC07, SIC07 description, 1998 …
2023``; 49 SIC07 rows per local authority), and writes two tables:

- ``gva_industry``: one row per local authority, industry and year, for ``Total`` and the 18 top-level industries
  that together make up the total, plus owner-occupiers' imputed rental (68IMP), a part of L kept on its own row
  because analysts often exclude it;
- ``industries``: the industry codes, their published labels and display order.

The 18 top-level industries are the SIC07 sections as ONS publishes them at this level: single sections C, F and G
to T, and two pairs of sections published only together, AB (agriculture; mining) and DE (energy; water and waste).
They add up to Total to within the rounding of each published figure. The finer rows (A-E, G-T, CA-CB …, 41 …) are
not kept: they are sums or parts of these.

Cells ONS suppresses to protect confidentiality (``[c]``) are kept as rows with no value; any other text fails.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from indicators.pipeline.extract.ons_gdp_lad import check_lad_codes, check_title, table_body
from indicators.pipeline.spec import ExtractError, Source, read_grid, to_number

RAW_FOLDER = "ons_gva_lad_by_industry"
REGIONS = (  # file-name suffixes, ITL1 order
    "tlcnortheast",
    "tldnorthwest",
    "tleyorkshireandthehumber",
    "tlfeastmidlands",
    "tlgwestmidlands",
    "tlheastofengland",
    "tlilondon",
    "tljsoutheast",
    "tlksouthwest",
    "tllwales",
    "tlmscotland",
    "tlnnorthernireland",
)
RAW_FILES = [f"{RAW_FOLDER}/regionalgrossvalueaddedbalancedbyindustrylocalauthorities{r}.xlsx" for r in REGIONS]
SOURCE_ID = "ons_gva_lad_industry_apr2025"
SHEET, TITLE = "Table 3", "current prices, pounds million"
HEADER_ROW = 2  # Excel row holding "ITL1 region, LA code, LA name, SIC07, SIC07 description, 1998 …"
CODE_COL, SIC_COL, DESCRIPTION_COL = "LA code", "SIC07", "SIC07 description"
YEARS = [str(year) for year in range(1998, 2024)]
SUPPRESSED = ("[c]",)  # confidential

# SIC07 label as published -> (industry_code, is_section); the order is the display order (the workbook's own).
INDUSTRIES = {
    "Total": ("total", False),
    "AB (1-9)": ("AB", True),
    "C (10-33)": ("C", True),
    "DE (35-39)": ("DE", True),
    "F (41-43)": ("F", True),
    "G (45-47)": ("G", True),
    "H (49-53)": ("H", True),
    "I (55-56)": ("I", True),
    "J (58-63)": ("J", True),
    "K (64-66)": ("K", True),
    "L (68)": ("L", True),
    "68IMP": ("68IMP", False),
    "M (69-75)": ("M", True),
    "N (77-82)": ("N", True),
    "O (84)": ("O", True),
    "P (85)": ("P", True),
    "Q (86-88)": ("Q", True),
    "R (90-93)": ("R", True),
    "S (94-96)": ("S", True),
    "T (97-98)": ("T", True),
}
GVA_COLUMNS = ["area_code", "industry_code", "year", "value_gbp_m", "marker", "source_id"]
INDUSTRY_COLUMNS = ["industry_code", "industry_name", "sic07_label", "is_section", "display_order"]

SOURCES = [
    Source(
        source_id=SOURCE_ID,
        publisher="Office for National Statistics",
        title="Regional gross value added (balanced) by industry: local authorities by ITL1 region",
        release="Regional economic activity by gross domestic product, UK: 1998 to 2023",
        release_date="2025-04-17",
        vintage="Apr 2025",
        raw_files=";".join(RAW_FILES),
        url=(
            "https://www.ons.gov.uk/economy/grossdomesticproductgdp/datasets/"
            "regionalgrossvalueaddedbalancedbyindustrylocalauthoritiesbyitl1region"
        ),
        notes=(
            "Table 3 (current basic prices, £ million) of the twelve regional workbooks as published on 17 April 2025: "
            "Total, the 18 top-level SIC07 industries (sections, with A+B and D+E published only as pairs) and "
            "owner-occupiers' imputed rental (68IMP, part of L). The chained-volume and deflator tables (1, 2, 4) of "
            "these copies are not used: ONS corrected them on 10 October 2025; current prices were not affected. "
            "Cells ONS suppressed as confidential ([c]) have no value: AB and DE in six councils, and some of J, K, "
            "O, P, Q, S and 68IMP in four of them (Cornwall and Isles of Scilly, North Ayrshire and Argyll and Bute, "
            "Broxbourne and Stevenage), in every year. Each figure is rounded to the nearest £1 million, so the "
            "industries add up to Total only to within that rounding; Total equals the local-authority GVA table."
        ),
    )
]
INDICATORS: list = []
TABLES = {"gva_industry": ("area_code", "industry_code", "year"), "industries": ("industry_code",)}


def published(value: float | None) -> float | None:
    """A figure as published, without float noise (12 significant digits)."""
    return None if value is None else float(f"{value:.12g}")


def read_region(path: Path) -> tuple[list[tuple], dict[str, str]]:
    """One workbook's kept rows as (area_code, industry_code, year, value, marker) and its SIC07 label -> description;
    the marker is the suppression mark of a cell with no value, else empty."""
    grid = read_grid(path, SHEET)
    check_title(grid, path, SHEET, TITLE)
    body = table_body(grid, path, SHEET, HEADER_ROW, [])
    missing = [c for c in (CODE_COL, SIC_COL, DESCRIPTION_COL, *YEARS) if c not in body.columns]
    if missing:
        raise ExtractError(path, f"missing columns {missing}", sheet=SHEET, row=HEADER_ROW)
    body = check_lad_codes(body, path, SHEET)
    records, descriptions = [], {}
    for offset, row in enumerate(body.to_dict("records")):
        label = str(row[SIC_COL]).strip()
        if label not in INDUSTRIES:
            continue
        excel_row = HEADER_ROW + 1 + offset
        descriptions[label] = str(row[DESCRIPTION_COL]).strip()
        code = INDUSTRIES[label][0]
        for year in YEARS:
            cell = row[year]
            value = to_number(cell, path, SHEET, excel_row, allow_missing=SUPPRESSED)
            if value is None and not (isinstance(cell, str) and cell.strip() in SUPPRESSED):
                raise ExtractError(path, f"no value for {year}", sheet=SHEET, row=excel_row)
            records.append(
                (row[CODE_COL], code, int(year), published(value), "" if value is not None else cell.strip())
            )
    return records, descriptions


def check_complete(frame: pd.DataFrame, raw_dir: Path) -> None:
    """Every local authority has every kept industry exactly once per year (the runner checks duplicates)."""
    counts = frame.groupby("area_code")["industry_code"].nunique()
    short = counts[counts < len(INDUSTRIES)]
    if len(short):
        raise ExtractError(raw_dir / RAW_FOLDER, f"industries missing for {list(short.index[:5])}", sheet=SHEET)


def industries_table(descriptions: dict[str, str]) -> pd.DataFrame:
    """The kept industries in display order, named as published."""
    rows = [
        (code, descriptions[label], label, is_section, order)
        for order, (label, (code, is_section)) in enumerate(INDUSTRIES.items(), start=1)
    ]
    return pd.DataFrame.from_records(rows, columns=INDUSTRY_COLUMNS)


def extract(raw_dir: Path) -> dict[str, pd.DataFrame]:
    """GVA at current prices by local authority, industry and year, and the industry list."""
    records, descriptions = [], {}
    for name in RAW_FILES:
        path = raw_dir / name
        rows, named = read_region(path)
        for label, text in named.items():
            if descriptions.setdefault(label, text) != text:
                raise ExtractError(
                    path, f"{label!r} is described as {text!r}, elsewhere {descriptions[label]!r}", sheet=SHEET
                )
        records += rows
    frame = pd.DataFrame.from_records(records, columns=GVA_COLUMNS[:-1]).assign(source_id=SOURCE_ID)
    values = frame["value_gbp_m"].astype("Float64")
    frame["value_gbp_m"] = values.astype("Int64") if (values.dropna() % 1 == 0).all() else values
    check_complete(frame, raw_dir)
    frame = frame.sort_values(list(TABLES["gva_industry"]), kind="stable").reset_index(drop=True)
    return {"gva_industry": frame, "industries": industries_table(descriptions)}
