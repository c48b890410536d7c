"""International comparators: GDP and population of EU/EFTA metropolitan regions, 2021 (Eurostat).

Reads ``eurostat_metro/eurostat-metros_2021.json``, a third-party JSON snapshot of Eurostat's
met_10r_3gdp and met_pjanaggr3 tables, into the non-observation table ``eurostat_metros``
(metro regions have no UK area code, so they are not observations).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from indicators.pipeline.spec import ExtractError, Source

RAW_FILE = "eurostat_metro/eurostat-metros_2021.json"
SOURCE_ID = "eurostat_metro_gdp_pop_2021"
PERIOD = "2021"
FIELDS = ("code", "name", "country", "isCapital", "gdpEur", "population")
COLUMNS = ["metro_code", "metro_name", "country", "is_capital", "gdp_eur", "population", "period", "source_id"]

SOURCES = [
    Source(
        source_id=SOURCE_ID,
        publisher="Eurostat",
        title="GDP at current market prices by metropolitan region (met_10r_3gdp); population on 1 January by "
        "metropolitan region (met_pjanaggr3)",
        release="Eurostat metropolitan-region tables, last updated 28 February 2024 (2021 figures)",
        release_date="2024-02-28",
        vintage="Feb 2024",
        raw_files=RAW_FILE,
        licence="Eurostat data, reuse (including commercial) authorised under Commission Decision 2011/833/EU with "
        "attribution: 'Eurostat, GDP and population by metropolitan region'",
        url="https://ec.europa.eu/eurostat/databrowser/view/met_10r_3gdp",
        notes="Third-party JSON extract of met_10r_3gdp / met_pjanaggr3 (a simplified snapshot made by the GitHub "
        "project hamza-ali-shahjahan/valuable, not Eurostat's own file format). 255 metro regions in EU/EFTA "
        "countries; no UK metros (the UK left the EU). GDP in euros at current market prices for 2021, rounded "
        "here to the whole euro to remove the extract's float noise (Eurostat publishes EUR million to 2 d.p.).",
    )
]
INDICATORS: list = []
TABLES = {"eurostat_metros": ("metro_code",)}


def extract(raw_dir: Path) -> dict[str, pd.DataFrame]:
    """The metro-region table."""
    return {"eurostat_metros": read_metros(raw_dir / RAW_FILE)}


def read_metros(path: Path) -> pd.DataFrame:
    """Every metro in the JSON's 'metros' list, checked field by field."""
    if not path.exists():
        raise ExtractError(path, "file not found")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ExtractError(path, f"not valid JSON: {exc}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("metros"), list):
        raise ExtractError(path, "expected an object with a 'metros' list")
    if str(document.get("year")) != PERIOD:
        raise ExtractError(path, f"expected figures for {PERIOD}, found year {document.get('year')!r}")
    rows = [metro_row(item, path, index) for index, item in enumerate(document["metros"])]
    frame = pd.DataFrame.from_records(rows, columns=COLUMNS)
    repeated = frame["metro_code"].duplicated()
    if repeated.any():
        raise ExtractError(path, f"metro code repeated: {frame.loc[repeated, 'metro_code'].tolist()[:5]}")
    return frame


def metro_row(item, path: Path, index: int) -> tuple:
    """One metro as a table row; the error names the metros[index] entry."""
    where = f"metros[{index}]"
    if not isinstance(item, dict):
        raise ExtractError(path, f"{where}: expected an object")
    missing = [f for f in FIELDS if f not in item]
    if missing:
        raise ExtractError(path, f"{where}: missing fields {missing}")
    code, name, country = (item[f] for f in ("code", "name", "country"))
    if not all(isinstance(v, str) and v.strip() for v in (code, name, country)):
        raise ExtractError(path, f"{where}: code, name and country must be non-empty text")
    if not isinstance(item["isCapital"], bool):
        raise ExtractError(path, f"{where} ({code}): isCapital must be true or false")
    gdp, population = item["gdpEur"], item["population"]
    for label, value in (("gdpEur", gdp), ("population", population)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise ExtractError(path, f"{where} ({code}): {label} must be a positive number, found {value!r}")
    return (
        code.strip(),
        name.strip(),
        country.strip(),
        item["isCapital"],
        round(gdp),
        int(population),
        PERIOD,
        SOURCE_ID,
    )
