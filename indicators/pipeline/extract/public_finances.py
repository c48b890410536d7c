"""Public finances: ONS country and regional public sector finances (ITL1), HM Treasury CRA identifiable
spending (ITL1, by function), HMRC income tax by local authority and DLUHC council tax receipts by billing authority.

Extracts written:
    obs_crpsf                  ONS CRPSF FYE 2025: revenue by item, expenditure by COFOG function, per-head values,
                               population and UK GDP for the UK, England, the nations and the 9 English regions
    cra_identifiable_spending  HMT CRA identifiable expenditure by region x COFOG function x HMT function x year
    obs_hmrc_income_tax        HMRC SPI Table 3.14 2023-24 income tax and taxpayers by local authority
    obs_council_tax_receipts   DLUHC council tax receipts by billing authority, financial years 2010-11 to 2022-23
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from indicators.pipeline.spec import (
    LAD_CODE_REMAP,
    OBSERVATION_COLUMNS,
    ExtractError,
    Indicator,
    Source,
    read_grid,
    read_sheet,
    require_columns,
    to_number,
)

TOPIC = "public finances"

CRPSF_DIR = "ons_crpsf_fye2025"
CRPSF_SUPP = f"{CRPSF_DIR}/crpsf_fye2025_supplementary_tables.xlsx"
CRPSF_REV = f"{CRPSF_DIR}/crpsf_fye2025_revenue_tables.xlsx"
# edition -> (file, sheet, source_id), newest first. Editions are named 'CRA <year>' so that, as text, the newest sorts
# last: readers take the greatest edition holding a year (analysis/fiscal.py, total_place).
CRA_FILES = {
    "CRA 2025": ("hmt_cra/CRA_2025_database.xlsx", "CRA 2025 database", "hmt_cra_2025"),
    "CRA 2020": ("hmt_cra/CRA_2020_database.xlsx", "CRA 2020 database", "hmt_cra_2020"),
    "CRA 2016": ("hmt_cra/CRA_2016_database.xlsx", "CRA16 combined database", "hmt_cra_2016"),
}
HMRC_FILE = "hmrc_spi_la_2023_24/hmrc_table_3_14_income_tax_by_LA_2023_24.csv"
CT_FILE = "dluhc_council_tax_receipts/CT_Receipts_Live_Table_Q4_2022-23.xlsx"

CRPSF_SOURCE = "ons_crpsf_fye2025"
HMRC_SOURCE = "hmrc_spi_2023_24"
CT_SOURCE = "dluhc_ct_receipts_q4_2022_23"

# --------------------------------------------------------------------------------------------- geography

UK = ("K02000001", "United Kingdom")
ENGLAND = ("E92000001", "England")
ITL1 = {
    "TLC": "North East",
    "TLD": "North West",
    "TLE": "Yorkshire and The Humber",
    "TLF": "East Midlands",
    "TLG": "West Midlands",
    "TLH": "East of England",
    "TLI": "London",
    "TLJ": "South East",
    "TLK": "South West",
    "TLL": "Wales",
    "TLM": "Scotland",
    "TLN": "Northern Ireland",
}
ENGLISH_REGIONS = ("TLC", "TLD", "TLE", "TLF", "TLG", "TLH", "TLI", "TLJ", "TLK")
NATIONS = (ENGLAND[0], "TLL", "TLM", "TLN")
CRPSF_AREAS = (UK[0], ENGLAND[0], *ITL1)

# Normalised label (lower case, "_" as space, single spaces) -> area code. CRA labels look like "ENGLAND_North East".
REGION_NAMES = {
    "united kingdom": UK[0],
    "england": ENGLAND[0],
    "north east": "TLC",
    "north west": "TLD",
    "yorkshire and the humber": "TLE",
    "east midlands": "TLF",
    "west midlands": "TLG",
    "east of england": "TLH",
    "london": "TLI",
    "south east": "TLJ",
    "south west": "TLK",
    "wales": "TLL",
    "scotland": "TLM",
    "northern ireland": "TLN",
    "england north east": "TLC",
    "england north west": "TLD",
    "england yorkshire and the humber": "TLE",
    "england east midlands": "TLF",
    "england west midlands": "TLG",
    "england east": "TLH",
    "england london": "TLI",
    "england south east": "TLJ",
    "england south west": "TLK",
}
AREA_NAMES = {UK[0]: UK[1], ENGLAND[0]: ENGLAND[1], **ITL1}

# DLUHC region rows (GSS region codes) -> ITL1 2025 codes, the project's code set for English regions.
RGN_TO_ITL1 = {
    "E12000001": "TLC",
    "E12000002": "TLD",
    "E12000003": "TLE",
    "E12000004": "TLF",
    "E12000005": "TLG",
    "E12000006": "TLH",
    "E12000007": "TLI",
    "E12000008": "TLJ",
    "E12000009": "TLK",
}


def region_code(label, path: Path | str, sheet: str | None = None, row: int | None = None) -> str:
    """Map a region label (any case/spacing; CRA 'ENGLAND_North East' style) to its code; fail on unknown names."""
    key = re.sub(r"\s+", " ", str(label).replace("_", " ")).strip().lower()
    if key not in REGION_NAMES:
        raise ExtractError(path, f"unknown region name {label!r}", sheet=sheet, row=row)
    return REGION_NAMES[key]


def slug(text: str) -> str:
    """Lower case, runs of non-alphanumerics as a single '_'."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def fy_period(label, path: Path | str, sheet: str | None = None) -> str:
    """'1999 to 2000' -> '1999-00'; anything else fails loudly."""
    match = re.fullmatch(r"(\d{4}) to (\d{4})", str(label).strip())
    if not match or int(match.group(2)) != int(match.group(1)) + 1:
        raise ExtractError(path, f"unexpected financial-year header {label!r}", sheet=sheet)
    return f"{match.group(1)}-{match.group(2)[2:]}"


# ------------------------------------------------------------------------------------------------ sources

SOURCES = [
    Source(
        source_id=CRPSF_SOURCE,
        publisher="Office for National Statistics",
        title="Country and regional public sector finances, UK: financial year ending 2025",
        release=(
            "Country and Regional Public Sector Finances: financial year ending 2025 (revenue and supplementary tables)"
        ),
        release_date="2026-05-26",
        vintage="FYE 2025 (May 2026)",
        raw_files=f"{CRPSF_SUPP};{CRPSF_REV}",
        notes=(
            "Supplementary tables S4-S6, S9-S12 and the revenue workbook's 'Total Current Receipts' rows. "
            "UK, England, Wales, Scotland, Northern Ireland and the 9 English regions (ITL1) only; FYE 2000-FYE 2025. "
            "Byte-identical copy from GitHub dbaillie/political_data."
        ),
    ),
    Source(
        source_id="hmt_cra_2025",
        publisher="HM Treasury",
        title="Country and regional analysis: 2025 (database)",
        release="Country and Regional Analysis: November 2025",
        release_date="2025-11",
        vintage="CRA 2025",
        raw_files=CRA_FILES["CRA 2025"][0],
        url="https://assets.publishing.service.gov.uk/media/691b09e484a267da57d705d2/CRA_2025_Database_for_Publication.xlsx",
        notes="Release month from the workbook title ('November 2025'); the exact day is not stated in the file. "
        "Holds 2020-21 to 2024-25; the newest edition for all of them.",
    ),
    Source(
        source_id="hmt_cra_2020",
        publisher="HM Treasury",
        title="Country and regional analysis: 2020 (database)",
        release="Country and Regional Analysis: November 2020",
        release_date="2020-11-18",
        vintage="CRA 2020",
        raw_files=CRA_FILES["CRA 2020"][0],
        url="https://assets.publishing.service.gov.uk/media/5fb3e8658fa8f54ab961bc74/CRA_2020_Database_for_Publication.xlsx",
        notes="Holds 2015-16 to 2019-20; the newest edition for all of them (CRA 2025 starts at 2020-21).",
    ),
    Source(
        source_id="hmt_cra_2016",
        publisher="HM Treasury",
        title="Country and regional analysis: 2016 (database)",
        release="Country and Regional Analysis 2016",
        release_date="2016",
        vintage="CRA 2016",
        raw_files=CRA_FILES["CRA 2016"][0],
        url="https://assets.publishing.service.gov.uk/media/5a74e13ded915d3c7d528a99/CRA_2016_Database_for_Publication.xlsx",
        notes="Release year only: the workbook states no publication date. Holds 2011-12 to 2015-16; "
        "figures use it for 2011-12 to 2014-15 (CRA 2020 is newer for 2015-16; Revisions compares the two).",
    ),
    Source(
        source_id=HMRC_SOURCE,
        publisher="HM Revenue & Customs",
        title="Personal incomes statistics 2023 to 2024: Table 3.14 income and tax by local authority",
        release="Personal Incomes Statistics for the tax year 2023 to 2024 (collated tables 3.12 to 3.15a)",
        release_date="2026-04",
        vintage="SPI 2023-24",
        raw_files=HMRC_FILE,
        url="https://assets.publishing.service.gov.uk/media/69f1f17cc42061e837e3ac3b/Collated_Tables_3_12_to_3_15a_2324.ods",
        notes=(
            "TRANSCRIPTION, not HMRC's own file: figures taken from GitHub puntofisso/MapSplit data/samples/HMRC.csv, "
            "derived from HMRC Table 3.14; column totals reproduce MapSplit's documented totals (income tax "
            "£271,971m). Release month inferred from the GOV.UK asset's upload time (29 April 2026); day not verified."
        ),
    ),
    Source(
        source_id=CT_SOURCE,
        publisher="Department for Levelling Up, Housing and Communities",
        title="Receipts of Council Taxes: England, April to June 2010 to January to March 2023",
        release="Council tax receipts live table, Q4 2022-23",
        release_date="2023-06-21",
        vintage="Q4 2022-23",
        raw_files=CT_FILE,
        notes=(
            "Table 5 (billing authority by quarter, £ thousand) summed to financial years; Table 4 used to "
            "reconcile. Byte-identical copy from GitHub FemShow/ct-receipts at commit 79657f1."
        ),
    ),
]

# ------------------------------------------------------------------------------------- CRPSF item lists

# Every revenue item of Table S9, in file order. North Sea items appear twice ("- Geographic", "- Population").
REVENUE_ITEMS = (
    "Income Tax",
    "Capital gains tax",
    "Miscellaneous taxes on income and wealth",
    "Betting and gaming duty - taxes on income and wealth",
    "Other - Miscellaneous taxes on income and wealth",
    "Corporation Tax",
    "Taxes on income and wealth paid by PCs",
    "Value added tax",
    "VAT net of refunds",
    "VAT refunds",
    "Fuel Duties",
    "Business rates paid by market sector bodies",
    "Stamp duty land tax",
    "Annual Tax on Enveloped Dwelling",
    "Stamp Tax on Shares",
    "Tobacco Duties",
    "Alcohol Duties",
    "Vehicle excise duties paid by businesses",
    "Air Passenger Duty",
    "Insurance Premium Tax",
    "Climate Change Levy",
    "Environmental Levies",
    "ETS auction receipts",
    "Betting, Gaming and Gambling Duty",
    "Landfill tax",
    "Aggregates Levy",
    "Northern Ireland Regional Non-Domestic Rates",
    "Apprenticeship Levy",
    "Immigration Skills Charge",
    "Soft Drinks Industry Levy",
    "Digital Services Tax",
    "Custom Duties",
    "Plastic packaging tax",
    "Northern Ireland district non-domestic rates",
    "Bank of England Tax Levy",
    "Other in Other Taxes on Production",
    "Bank Levy",
    "Business rates paid by private sector non-profit institutions",
    "Northern Ireland regional domestic rates",
    "Northern Ireland district domestic rates",
    "Vehicle excise duties paid by households",
    "TV Licence Fees",
    "Visa Fees",
    "Miscellaneous other current taxes",
    "Council Tax",
    "Taxes on capital",
    "Social Contributions",
    "Gross Operating Surplus",
    "Interest and Dividends",
    "Total Rent and Other Curr Trans",
)
NORTH_SEA_ITEMS = (
    "Petroleum revenue tax",
    "Offshore corporation tax",
    "North Sea oil royalties and license fees",
    "Energy profits levy",
)
# Sub-items already counted in a parent item (excluded when items are summed to rev_total).
REVENUE_SUB_ITEMS = {
    "Betting and gaming duty - taxes on income and wealth": "Miscellaneous taxes on income and wealth",
    "Other - Miscellaneous taxes on income and wealth": "Miscellaneous taxes on income and wealth",
    "VAT net of refunds": "Value added tax",
    "VAT refunds": "Value added tax",
}
REVENUE_NOTES = {
    "Income Tax": "Income tax allocated by taxpayers' residence; includes the Scottish and Welsh rates.",
    "Social Contributions": "Mostly National Insurance contributions.",
    "Stamp duty land tax": "Despite the label this is ONS's 'Taxes on land and buildings transactions': SDLT plus "
    "Scotland's LBTT (from 2015-16) and Wales's LTT (from 2018-19).",
    "Landfill tax": "Taxes on landfill, including the Scottish and Welsh devolved landfill taxes.",
    "Council Tax": "Council tax (domestic rates in Northern Ireland are separate items).",
    "Business rates paid by market sector bodies": "Non-domestic rates paid by market-sector bodies (England, Wales, "
    "Scotland; Northern Ireland non-domestic rates are separate items).",
    "Total Rent and Other Curr Trans": "Rent and other current transfers.",
}

# Table S10 'Total Expenditure' rows (COFOG level 0 plus 'of which' lines, EU transactions, accounting adjustments).
EXPENDITURE_ITEMS = (
    "1. General public services",
    "1. of which: public and common services",
    "1. of which: international services",
    "1. of which: public sector debt interest",
    "2. Defence",
    "3. Public order and safety",
    "4. Economic affairs",
    "4. of which: enterprise and economic development",
    "4. of which: science and technology",
    "4. of which: employment policies",
    "4. of which: agriculture, fisheries and forestry",
    "4. of which: transport",
    "5. Environment protection",
    "6. Housing and community amenities",
    "7. Health",
    "8. Recreation, culture and religion",
    "9. Education (includes training)",
    "10. Social protection",
    "EU transactions",
    "Accounting Adjustments",
    "Total Managed Expenditure",
)


def revenue_id(item: str) -> str:
    """S9 label -> indicator id; North Sea '- Geographic' is the main id, '- Population' gets '_ns_population'."""
    if item.endswith(" - Geographic"):
        return "rev_" + slug(item.removesuffix(" - Geographic"))
    if item.endswith(" - Population"):
        return "rev_" + slug(item.removesuffix(" - Population")) + "_ns_population"
    return "rev_" + slug(item)


def expenditure_id(item: str) -> str:
    """S10 function label -> indicator id ('4. of which: transport' -> 'exp_transport')."""
    if item == "Total Managed Expenditure":
        return "exp_total"
    text = re.sub(r"^\d+\.\s*(of which:\s*)?", "", item)
    text = re.sub(r"\(.*?\)", "", text)
    return "exp_" + slug(text)


def is_sub_function(item: str) -> bool:
    """True for S10 'of which' lines (already inside their COFOG level-0 total)."""
    return "of which" in item


# ---------------------------------------------------------------------------------------------- indicators

_RS = (
    "ONS allocates revenue on a 'who pays' basis (residence for income tax, consumption for VAT, workforce for "
    "corporation tax); regional figures are estimates and ONS warns against ranking on small differences."
)
_ES = (
    "Expenditure is allocated on a 'who benefits' basis; non-identifiable spending (defence, debt interest, overseas "
    "aid) is apportioned by population and accounting adjustments are included."
)
_ITL1 = (
    "Available for the UK, England, the nations and the 9 English regions (ITL1) only; no local-authority figures "
    "exist."
)


def _crpsf(indicator_id, name, unit, polarity, definition, caveats=""):
    return Indicator(
        indicator_id,
        name,
        unit,
        polarity,
        definition,
        CRPSF_SOURCE,
        "financial_year",
        " ".join(c for c in (caveats, _ITL1) if c),
        TOPIC,
    )


def _revenue_indicators() -> list[Indicator]:
    items = [(i, revenue_id(i), "") for i in REVENUE_ITEMS]
    items += [(i, revenue_id(i + " - Geographic"), "geo") for i in NORTH_SEA_ITEMS]
    items += [(i, revenue_id(i + " - Population"), "pop") for i in NORTH_SEA_ITEMS]
    out = []
    for item, indicator_id, north_sea in items:
        extra = REVENUE_NOTES.get(item, "")
        if item in REVENUE_SUB_ITEMS:
            extra = f"Part of '{REVENUE_SUB_ITEMS[item]}' (do not add both). " + extra
        if north_sea == "geo":
            extra = "North Sea oil and gas revenue allocated by geographic share (location of fields). " + extra
        if north_sea == "pop":
            extra = "North Sea oil and gas revenue allocated by population share (ONS alternative method). " + extra
        name = f"Public sector revenue: {item}" + (" (North Sea population share)" if north_sea == "pop" else "")
        definition = (
            f"Public sector current receipts from '{item}' (ONS CRPSF Table S9) attributed to the area, "
            f"£ million in cash terms. {extra}"
        ).strip()
        out.append(_crpsf(indicator_id, name, "£ million", "neutral", definition, _RS))
    out += [
        _crpsf(
            "rev_total",
            "Total public sector revenue",
            "£ million",
            "neutral",
            "Total public sector current receipts excluding public sector banks, including North Sea oil and gas "
            "revenue allocated by geographic share (ONS CRPSF revenue tables). Equals the sum of the S9 items "
            "(excluding sub-items and population-share North Sea items).",
            _RS,
        ),
        _crpsf(
            "rev_total_ns_population",
            "Total public sector revenue (North Sea population share)",
            "£ million",
            "neutral",
            "As rev_total but with North Sea oil and gas revenue allocated by population share.",
            _RS,
        ),
        _crpsf(
            "rev_total_excl_north_sea",
            "Total public sector revenue excluding North Sea",
            "£ million",
            "neutral",
            "Total public sector current receipts excluding public sector banks and excluding North Sea oil and "
            "gas revenue (ONS CRPSF revenue tables).",
            _RS,
        ),
    ]
    return out


def _expenditure_indicators() -> list[Indicator]:
    out = []
    for item in EXPENDITURE_ITEMS:
        if item == "Total Managed Expenditure":
            continue
        label = re.sub(r"^\d+\.\s*(of which:\s*)?", "", item)
        extra = " A sub-function, already included in its COFOG division total." if is_sub_function(item) else ""
        out.append(
            _crpsf(
                expenditure_id(item),
                f"Public expenditure: {label}",
                "£ million",
                "neutral",
                f"Total public sector expenditure on '{label}' (COFOG; ONS CRPSF Table S10, total "
                f"expenditure = identifiable + non-identifiable + outside-UK share), £ million in cash "
                f"terms.{extra}",
                _ES,
            )
        )
    out += [
        _crpsf(
            "exp_total",
            "Total managed expenditure",
            "£ million",
            "neutral",
            "Total managed expenditure attributed to the area (ONS CRPSF Table S10): all COFOG functions plus EU "
            "transactions and accounting adjustments, £ million in cash terms.",
            _ES,
        ),
        _crpsf(
            "exp_identifiable_total",
            "Identifiable public expenditure",
            "£ million",
            "neutral",
            "Public expenditure identified as benefiting the area (ONS CRPSF Table S10 'Identifiable Expenditure' "
            "total, based on HM Treasury CRA adjusted to the public sector finances), £ million.",
            "Excludes non-identifiable and outside-UK spending.",
        ),
    ]
    return out


INDICATORS = [
    *_revenue_indicators(),
    *_expenditure_indicators(),
    _crpsf(
        "nfb_per_head",
        "Net fiscal balance per head",
        "£",
        "lower_is_better",
        "Public sector expenditure per head minus revenue per head (ONS CRPSF Table S4, North Sea revenue by "
        "geographic share). Sign convention in this edition: expenditure minus revenue, so a positive value is a "
        "deficit (e.g. North East 2024-25: 19,071 - 12,006 = 7,065).",
        "Most regions run a deficit because the UK as a whole does. " + _RS,
    ),
    _crpsf(
        "nfb_per_head_ns_population",
        "Net fiscal balance per head (North Sea population share)",
        "£",
        "lower_is_better",
        "As nfb_per_head (expenditure minus revenue per head; positive = deficit) but with North Sea oil and gas "
        "revenue allocated by population share (ONS CRPSF Table S4, second table).",
        _RS,
    ),
    _crpsf(
        "rev_per_head",
        "Public sector revenue per head",
        "£",
        "higher_is_better",
        "Total public sector current receipts per head of population (ONS CRPSF Table S5, North Sea revenue by "
        "geographic share).",
        _RS,
    ),
    _crpsf(
        "rev_per_head_ns_population",
        "Public sector revenue per head (North Sea population share)",
        "£",
        "higher_is_better",
        "Total public sector current receipts per head with North Sea revenue allocated by population share "
        "(ONS CRPSF Table S5, second table).",
        _RS,
    ),
    _crpsf(
        "exp_per_head",
        "Public sector expenditure per head",
        "£",
        "neutral",
        "Total managed expenditure per head of population (ONS CRPSF Table S6).",
        _ES,
    ),
    _crpsf(
        "crpsf_population",
        "Population used for CRPSF per-head values",
        "persons",
        "neutral",
        "Financial-year population used by ONS for the CRPSF per-head figures (Table S12), derived from mid-year "
        "estimates; fractional values are as published.",
        "Use for CRPSF per-head arithmetic only; the mid-year estimates are the population source of record.",
    ),
    _crpsf(
        "crpsf_uk_gdp",
        "UK GDP at current prices (CRPSF denominator)",
        "£ million",
        "neutral",
        "UK gross domestic product at current market prices, financial year (ONS series BKTL, March 2026 "
        "vintage), as used by CRPSF for its percentage-of-GDP tables (Table S11).",
        "UK only.",
    ),
    Indicator(
        "income_tax",
        "Income tax liabilities of residents",
        "£ million",
        "neutral",
        "Total income tax liabilities of taxpayers resident in the local authority, tax year 2023-24 (HMRC Survey of "
        "Personal Incomes, Table 3.14). HMRC rounds to the nearest £1 million.",
        HMRC_SOURCE,
        "tax_year",
        "TRANSCRIBED: taken from a third-party CSV (GitHub puntofisso/MapSplit) derived from HMRC Table 3.14, not from "
        "HMRC's own file; column totals were checked against MapSplit's documented totals. SPI is a sample survey, so "
        "LA figures are estimates; residence-based; liabilities, not receipts. Torbay and the Isles of Scilly were "
        "suppressed by HMRC and are omitted. Sheffield/Barnsley 2025 codes mapped to E08000019/E08000016.",
        TOPIC,
    ),
    Indicator(
        "income_taxpayers",
        "Income taxpayers",
        "persons",
        "neutral",
        "Number of individuals resident in the local authority with an income tax liability, tax year 2023-24 (HMRC "
        "Survey of Personal Incomes, Table 3.14). HMRC rounds to the nearest 1,000.",
        HMRC_SOURCE,
        "tax_year",
        "TRANSCRIBED from a third-party CSV derived from HMRC Table 3.14 (see income_tax). Sample-survey estimate; "
        "taxpayers only. Torbay and the Isles of Scilly suppressed and omitted.",
        TOPIC,
    ),
    Indicator(
        "council_tax_receipts",
        "Council tax receipts collected",
        "£ million",
        "neutral",
        "Council tax cash collected by the billing authority during the financial year, whatever the billing year it "
        "relates to: the sum of the four quarterly figures in DLUHC Table 5 (reported in £ thousand). Also given for "
        "England (E92000001) and the English regions (ITL1 codes).",
        CT_SOURCE,
        "financial_year",
        "Billing-authority receipts include precepts passed to county councils, police, fire, combined authorities, "
        "the GLA and parishes, so this is not the council's own income. England only. Abolished authorities keep their "
        "own codes: districts abolished in April 2019-2021 (Dorset, Suffolk, Taunton Deane/West Somerset, "
        "Buckinghamshire, Northamptonshire, Bournemouth/Poole/Christchurch) stop when their successors' series start; "
        "the Cumbria, North Yorkshire and Somerset districts abolished on 1 April 2023 run to 2022-23 and their "
        "successors (E06000063-E06000066) have no data in this release. Summed quarters can differ from DLUHC's annual "
        "column by rounding (£1-2 thousand) and, for Arun 2020-21, by £212 thousand after a revised quarter.",
        TOPIC,
    ),
]

TABLES = {"cra_identifiable_spending": ("edition", "region_code", "cofog_function", "hmt_function", "period")}

CRA_COLUMNS = [
    "edition",
    "region_code",
    "region_name",
    "cofog_function",
    "hmt_function",
    "period",
    "value_gbp_m",
    "source_id",
]

# ------------------------------------------------------------------------------------------------- helpers


def _obs(code: str, indicator_id: str, period: str, value: float, unit: str, source_id: str, name: str | None = None):
    return (code, name or AREA_NAMES[code], indicator_id, period, value, unit, source_id)


def _frame(records) -> pd.DataFrame:
    return pd.DataFrame.from_records(records, columns=OBSERVATION_COLUMNS)


def _check_areas(found: set[str], expected, path: Path, sheet: str, what: str) -> None:
    missing = sorted(set(expected) - found)
    if missing:
        raise ExtractError(path, f"{what}: missing areas {missing}", sheet=sheet)


# ---------------------------------------------------------------------------------------------------- CRPSF


def _crpsf_block(grid: pd.DataFrame, header_text: str | None, path: Path, sheet: str) -> list[tuple]:
    """Parse one region x year block, found by its header row (first cell `header_text`, None = blank, then years).

    Returns records of (code, period, value)."""
    first = grid.iloc[:, 0]
    header_idx = None
    for idx in range(len(grid)):
        cell = first.iloc[idx]
        blank = cell is None or (isinstance(cell, float) and pd.isna(cell))
        year_row = str(grid.iloc[idx, 1]).strip().startswith(("19", "20"))
        if year_row and ((header_text is None and blank) or (not blank and str(cell).strip() == header_text)):
            header_idx = idx
            break
    if header_idx is None:
        raise ExtractError(path, f"table header {header_text!r} not found", sheet=sheet)
    periods = {}
    for col in range(1, grid.shape[1]):
        label = grid.iloc[header_idx, col]
        if isinstance(label, str) and label.strip():
            periods[col] = fy_period(label, path, sheet)
    records = []
    idx = header_idx + 1
    while idx < len(grid) and isinstance(first.iloc[idx], str) and first.iloc[idx].strip():
        excel_row = idx + 1
        code = region_code(first.iloc[idx], path, sheet, excel_row)
        for col, period in periods.items():
            value = to_number(grid.iloc[idx, col], path, sheet, excel_row)
            if value is None:
                raise ExtractError(path, f"empty cell for {period}", sheet=sheet, row=excel_row)
            records.append((code, period, value))
        idx += 1
    _check_areas({r[0] for r in records}, CRPSF_AREAS, path, sheet, f"block {header_text!r}")
    return records


def _per_head(raw_dir: Path) -> pd.DataFrame:
    """Tables S4-S6 (per head), S12 (population) and S11 (UK GDP)."""
    path = raw_dir / CRPSF_SUPP
    geo, pop = "£ incl. North Sea geographic share", "£ incl. North Sea population share"
    specs = [  # sheet, header text, indicator, unit, decimals
        ("Table S4", geo, "nfb_per_head", "£", 0),
        ("Table S4", pop, "nfb_per_head_ns_population", "£", 0),
        ("Table S5", geo, "rev_per_head", "£", 0),
        ("Table S5", pop, "rev_per_head_ns_population", "£", 0),
        ("Table S6", "£", "exp_per_head", "£", 0),
        ("Table S12", None, "crpsf_population", "persons", 2),
    ]
    grids, records, values = {}, [], {}
    for sheet, header, indicator_id, unit, decimals in specs:
        grid = grids.setdefault(sheet, read_grid(path, sheet))
        block = _crpsf_block(grid, header, path, sheet)
        for code, period, value in block:
            values[(indicator_id, code, period)] = value
            records.append(_obs(code, indicator_id, period, round(value, decimals), unit, CRPSF_SOURCE))
    _check_nfb_sign(values, path)
    records += _uk_gdp(path)
    return _frame(records)


def _check_nfb_sign(values: dict, path: Path) -> None:
    """Guard the sign convention: S4 must equal S6 - S5 (expenditure - revenue) to within £1 rounding."""
    for (indicator_id, code, period), nfb in values.items():
        if indicator_id != "nfb_per_head":
            continue
        implied = values[("exp_per_head", code, period)] - values[("rev_per_head", code, period)]
        if abs(implied - nfb) > 1.0:
            raise ExtractError(
                path,
                f"S4 net fiscal balance {nfb} for {code} {period} is not S6 - S5 = {implied}; "
                "has the sign convention changed?",
                sheet="Table S4",
            )


def _uk_gdp(path: Path) -> list[tuple]:
    """Table S11: one row of UK GDP (£ million) by financial year."""
    sheet = "Table S11"
    grid = read_grid(path, sheet)
    for idx in range(len(grid)):
        cell = grid.iloc[idx, 0]
        if isinstance(cell, str) and cell.strip().startswith("GDP"):
            header = grid.iloc[idx - 1]
            out = []
            for col in range(1, grid.shape[1]):
                if isinstance(header.iloc[col], str) and header.iloc[col].strip():
                    value = to_number(grid.iloc[idx, col], path, sheet, idx + 1)
                    if value is not None:
                        out.append(
                            _obs(
                                UK[0],
                                "crpsf_uk_gdp",
                                fy_period(header.iloc[col], path, sheet),
                                round(value, 2),
                                "£ million",
                                CRPSF_SOURCE,
                            )
                        )
            return out
    raise ExtractError(path, "GDP row not found", sheet=sheet)


def _long_table(raw_dir: Path, sheet: str, item_col: str, tag_col: str | None = None) -> list[tuple]:
    """Read S9/S10 (item x region rows, one column per year) into (item, code, period, value, excel_row, tag)
    records, where tag is the row's `tag_col` cell (e.g. S10's spending type)."""
    path = raw_dir / CRPSF_SUPP
    frame = read_sheet(path, sheet, header_row=3)
    require_columns(frame, ["ITL1 Region", item_col] + ([tag_col] if tag_col else []), path, sheet)
    year_cols = {c: fy_period(c, path, sheet) for c in frame.columns if re.fullmatch(r"\d{4} to \d{4}", c)}
    if len(year_cols) < 20:
        raise ExtractError(path, f"expected financial-year columns, found {list(year_cols)}", sheet=sheet)
    out = []
    for offset, row in enumerate(frame.to_dict("records")):
        excel_row = 4 + offset
        item = row[item_col]
        if not isinstance(item, str) or not item.strip():
            continue
        tag = str(row[tag_col]).strip() if tag_col else None
        code = region_code(row["ITL1 Region"], path, sheet, excel_row)
        for col, period in year_cols.items():
            value = to_number(row[col], path, sheet, excel_row)
            if value is None:
                raise ExtractError(path, f"empty cell for {period}", sheet=sheet, row=excel_row)
            out.append((item.strip(), code, period, value, excel_row, tag))
    return out


def _revenue(raw_dir: Path) -> pd.DataFrame:
    """Table S9 revenue items (rev_*) and the revenue workbook totals (rev_total*)."""
    path = raw_dir / CRPSF_SUPP
    expected = set(REVENUE_ITEMS) | {f"{i} - {v}" for i in NORTH_SEA_ITEMS for v in ("Geographic", "Population")}
    rows = _long_table(raw_dir, "Table S9", "Revenue")
    records, seen = [], set()
    for item, code, period, value, excel_row, _ in rows:
        if item not in expected:
            raise ExtractError(path, f"unknown revenue item {item!r}", sheet="Table S9", row=excel_row)
        seen.add(item)
        records.append(_obs(code, revenue_id(item), period, round(value, 2), "£ million", CRPSF_SOURCE))
    if expected - seen:
        raise ExtractError(path, f"revenue items missing: {sorted(expected - seen)}", sheet="Table S9")
    return pd.concat([_frame(records), _revenue_totals(raw_dir)], ignore_index=True)


REVENUE_TOTAL_ROWS = {
    "Total Current Receipts (incl. North Sea Oil & Gas Revenues by geographic area)": "rev_total",
    "Total Current Receipts (incl. North Sea Oil & Gas Revenues by population share)": "rev_total_ns_population",
    "Total Current Receipts (excl. North Sea Oil & Gas Revenues)": "rev_total_excl_north_sea",
}


def _revenue_totals(raw_dir: Path) -> pd.DataFrame:
    """Total current receipts rows from each area sheet of the revenue workbook."""
    path = raw_dir / CRPSF_REV
    records = []
    for code in CRPSF_AREAS:
        sheet = AREA_NAMES[code]
        frame = read_sheet(path, sheet, header_row=3)
        require_columns(frame, ["£ million"], path, sheet)
        year_cols = {c: fy_period(c, path, sheet) for c in frame.columns if re.fullmatch(r"\d{4} to \d{4}", c)}
        labels = frame["£ million"].astype(str).str.strip()
        for label, indicator_id in REVENUE_TOTAL_ROWS.items():
            hits = frame.index[labels == label]
            if len(hits) != 1:
                raise ExtractError(path, f"expected one row {label!r}, found {len(hits)}", sheet=sheet)
            excel_row = 4 + int(hits[0])
            for col, period in year_cols.items():
                value = to_number(frame.at[hits[0], col], path, sheet, excel_row)
                if value is None:
                    raise ExtractError(path, f"empty cell for {period}", sheet=sheet, row=excel_row)
                records.append(_obs(code, indicator_id, period, round(value, 2), "£ million", CRPSF_SOURCE))
    return _frame(records)


def _expenditure(raw_dir: Path) -> pd.DataFrame:
    """Table S10 total expenditure by function (exp_*) and total identifiable expenditure."""
    path = raw_dir / CRPSF_SUPP
    rows = _long_table(raw_dir, "Table S10", "COFOG Level 0", tag_col="Spending Type")
    records, seen = [], set()
    for item, code, period, value, excel_row, spending_type in rows:
        if spending_type not in ("Total Expenditure", "Identifiable Expenditure"):
            continue
        if spending_type == "Identifiable Expenditure":
            if item == "Total":
                records.append(_obs(code, "exp_identifiable_total", period, round(value, 2), "£ million", CRPSF_SOURCE))
            continue
        if item not in EXPENDITURE_ITEMS:
            raise ExtractError(path, f"unknown expenditure function {item!r}", sheet="Table S10", row=excel_row)
        seen.add(item)
        records.append(_obs(code, expenditure_id(item), period, round(value, 2), "£ million", CRPSF_SOURCE))
    if set(EXPENDITURE_ITEMS) - seen:
        raise ExtractError(
            path, f"expenditure functions missing: {sorted(set(EXPENDITURE_ITEMS) - seen)}", sheet="Table S10"
        )
    return _frame(records)


def extract_crpsf(raw_dir: Path) -> pd.DataFrame:
    """All CRPSF observations."""
    return pd.concat([_revenue(raw_dir), _expenditure(raw_dir), _per_head(raw_dir)], ignore_index=True)


# ------------------------------------------------------------------------------------------------------ CRA


def _cra_edition(raw_dir: Path, edition: str) -> pd.DataFrame:
    """One CRA database: identifiable (ID) rows summed over departments/segments, £ thousand -> £ million."""
    file, sheet, source_id = CRA_FILES[edition]
    path = raw_dir / file
    frame = read_sheet(path, sheet, header_row=1)
    region_col = next((c for c in ("ITL Region", "NUTS Region") if c in frame.columns), "ITL Region")
    require_columns(frame, ["COFOG Level 0", "HMT Function", "ID/non-ID", region_col], path, sheet)
    years = [c for c in frame.columns if re.fullmatch(r"\d{4}-\d{2}", c)]
    if not years:
        raise ExtractError(path, "no year columns like '2024-25'", sheet=sheet)
    flag = frame["ID/non-ID"].astype(str).str.strip()
    unknown = frame.index[~flag.isin(["ID", "Non-ID"])]
    if len(unknown):
        raise ExtractError(
            path,
            f"unexpected ID/non-ID value {frame.at[unknown[0], 'ID/non-ID']!r}",
            sheet=sheet,
            row=int(unknown[0]) + 2,
        )
    ident = frame[(flag == "ID") & (frame[region_col].astype(str).str.strip().str.upper() != "OUTSIDE UK")]
    codes = [region_code(label, path, sheet, int(i) + 2) for i, label in ident[region_col].items()]
    values = ident[years].apply(pd.to_numeric, errors="coerce")
    bad = values.isna()  # blank or non-numeric
    if bad.any().any():
        row = int(bad.any(axis=1).idxmax())
        col = bad.loc[row].idxmax()
        raise ExtractError(path, f"expected a number in {col}, found {frame.at[row, col]!r}", sheet=sheet, row=row + 2)
    tidy = values.assign(
        region_code=codes,
        cofog_function=ident["COFOG Level 0"].astype(str).str.strip().str.replace(r"\s+", " ", regex=True),
        hmt_function=ident["HMT Function"].astype(str).str.strip().str.replace(r"\s+", " ", regex=True),
    )
    long = tidy.melt(
        id_vars=["region_code", "cofog_function", "hmt_function"],
        value_vars=years,
        var_name="period",
        value_name="value",
    )
    summed = long.groupby(["region_code", "cofog_function", "hmt_function", "period"], as_index=False)["value"].sum()
    summed["value_gbp_m"] = (summed["value"] / 1000).round(3)
    summed["edition"] = edition
    summed["region_name"] = summed["region_code"].map(AREA_NAMES)
    summed["source_id"] = source_id
    return summed[CRA_COLUMNS]


def extract_cra(raw_dir: Path) -> pd.DataFrame:
    """Every edition with every year it publishes, so a year two editions cover is held once per edition (what the
    Revisions view compares). Figures read the newest edition for each year (analysis/fiscal.py, total_place)."""
    return pd.concat([_cra_edition(raw_dir, edition) for edition in CRA_FILES], ignore_index=True)


# ----------------------------------------------------------------------------------------------------- HMRC


def extract_hmrc(raw_dir: Path) -> pd.DataFrame:
    """SPI Table 3.14 (transcribed): income tax (£ million) and taxpayers by local authority, 2023-24."""
    path = raw_dir / HMRC_FILE
    if not path.exists():
        raise ExtractError(path, "file not found")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    require_columns(frame, ["lad_code", "lad_name", "total_tax_n", "total_tax_gbp"], path)
    records = []
    for offset, row in enumerate(frame.to_dict("records")):
        line = offset + 2
        code = row["lad_code"].strip()
        if not re.fullmatch(r"[ENSW]\d{8}", code):
            raise ExtractError(path, f"bad local authority code {code!r}", row=line)
        code = LAD_CODE_REMAP.get(code, code)
        name = row["lad_name"].strip()
        tax = to_number(row["total_tax_gbp"], path, None, line)
        payers = to_number(row["total_tax_n"], path, None, line)
        if tax is not None:
            records.append(_obs(code, "income_tax", "2023-24", round(tax / 1e6, 3), "£ million", HMRC_SOURCE, name))
        if payers is not None:
            records.append(_obs(code, "income_taxpayers", "2023-24", payers, "persons", HMRC_SOURCE, name))
    return _frame(records)


# ---------------------------------------------------------------------------------------------- council tax

QUARTER_RE = re.compile(r"(April to June|July to September|October to December|January to March) (\d{4}) \(Q([1-4])\)")


def _quarter_columns(columns, path: Path, sheet: str) -> dict[str, list[str]]:
    """Map financial year '2010-11' -> its four quarterly column names (Q4 'January to March 2011' is in 2010-11)."""
    years: dict[str, list[str]] = {}
    for col in columns:
        match = QUARTER_RE.fullmatch(col.strip())
        if not match:
            continue
        start = int(match.group(2)) - (1 if match.group(3) == "4" else 0)
        years.setdefault(f"{start}-{str(start + 1)[2:]}", []).append(col)
    if not years:
        raise ExtractError(path, "no quarterly columns like 'April to June 2010 (Q1)'", sheet=sheet)
    for year, cols in years.items():
        if len(cols) != 4:
            raise ExtractError(
                path, f"financial year {year} has {len(cols)} quarterly columns, expected 4", sheet=sheet
            )
    return years


def _ct_area(code: str, name: str) -> tuple[str, str]:
    """Billing authority codes as published (old codes remapped); region rows to ITL1 codes."""
    if code in RGN_TO_ITL1:
        itl = RGN_TO_ITL1[code]
        return itl, ITL1[itl]
    code = LAD_CODE_REMAP.get(code, code)
    return code, re.sub(r"\s+", " ", name).strip()


def extract_council_tax(raw_dir: Path) -> pd.DataFrame:
    """DLUHC Table 5 quarterly receipts (£ thousand) summed to financial years (£ million)."""
    path, sheet = raw_dir / CT_FILE, "Table_5"
    frame = read_sheet(path, sheet, header_row=6)
    require_columns(frame, ["ONS Code", "Local authority"], path, sheet)
    years = _quarter_columns(frame.columns, path, sheet)
    records = []
    for offset, row in enumerate(frame.to_dict("records")):
        excel_row = 7 + offset
        code = row["ONS Code"]
        if not isinstance(code, str) or not code.strip():
            continue
        if not re.fullmatch(r"E\d{8}", code.strip()):
            raise ExtractError(path, f"bad ONS code {code!r}", sheet=sheet, row=excel_row)
        area_code, area_name = _ct_area(code.strip(), str(row["Local authority"]))
        for year, cols in years.items():
            quarters = [to_number(row[c], path, sheet, excel_row, allow_missing=("[z]", "[x]")) for c in cols]
            if any(q is None for q in quarters):
                continue  # authority did not exist (or a quarter is missing): no full-year figure
            records.append(
                (
                    area_code,
                    area_name,
                    "council_tax_receipts",
                    year,
                    round(sum(quarters) / 1000, 5),
                    "£ million",
                    CT_SOURCE,
                )
            )
    return _frame(records)


# -------------------------------------------------------------------------------------------------- runner


def extract(raw_dir: Path) -> dict[str, pd.DataFrame]:
    """All public finance extracts."""
    return {
        "obs_crpsf": extract_crpsf(raw_dir),
        "cra_identifiable_spending": extract_cra(raw_dir),
        "obs_hmrc_income_tax": extract_hmrc(raw_dir),
        "obs_council_tax_receipts": extract_council_tax(raw_dir),
    }
