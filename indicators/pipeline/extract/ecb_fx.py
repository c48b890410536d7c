"""Exchange rates: the European Central Bank's euro foreign exchange reference rates, annual averages of the £ rate.

Reads ``ecb_fx/eurofxref-hist.csv`` (the ECB's daily history: one row per TARGET working day since 4 January 1999,
one column per currency, units of currency per 1 euro, ``N/A`` where there is no rate) and keeps only the ``Date``
and ``GBP`` columns. The table ``fx_rates`` holds, for every complete calendar year, the mean of that year's daily
£-per-€ rates (how the ECB defines its annual average) and € per £ = 1 ÷ that mean. The year the file ends in is
incomplete (the copy stops on 9 May 2025), so it is left out rather than averaged over part of a year.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

from indicators.pipeline.spec import ExtractError, Source

RAW_FILE = "ecb_fx/eurofxref-hist.csv"
SOURCE_ID = "ecb_eurofxref_hist_2025_05"
CURRENCIES = ("GBP",)  # only the pound is used: Eurostat euros are compared with ONS pounds
COLUMNS = ["year", "currency", "currency_per_eur", "eur_per_currency", "days", "first_date", "last_date", "source_id"]
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MISSING = "N/A"
DECIMALS = 8  # rounding of the means: removes float noise, far below the rates' own 4-5 significant figures

SOURCES = [
    Source(
        source_id=SOURCE_ID,
        publisher="European Central Bank",
        title="Euro foreign exchange reference rates, daily history (eurofxref-hist)",
        release="ECB euro foreign exchange reference rates, history to 9 May 2025",
        release_date="2025-05-09",
        vintage="May 2025",
        raw_files=RAW_FILE,
        licence="ECB statistics may be reproduced free of charge provided the source is acknowledged "
        "('Source: European Central Bank'); the reference rates are published for information purposes only",
        url="https://www.ecb.europa.eu/stats/policy_and_exchange_rates/euro_reference_exchange_rates/html/index.en.html",
        notes="Byte-identical copy of the ECB's eurofxref-hist.csv found in GitHub h0tbird/eurofxref (commit d21ffee, "
        "2025-05-11). Annual average = mean of the year's daily reference rates (the ECB's own definition), computed "
        "here for complete calendar years only (1999-2024); € per £ = 1 ÷ the annual mean £ per €. A market exchange "
        "rate, not a purchasing-power parity: it does not adjust for price levels.",
    )
]
INDICATORS: list = []
TABLES = {"fx_rates": ("year", "currency")}


def extract(raw_dir: Path) -> dict[str, pd.DataFrame]:
    """The annual-average exchange-rate table."""
    return {"fx_rates": annual_rates(read_daily(raw_dir / RAW_FILE))}


def read_daily(path: Path, currencies: tuple[str, ...] = CURRENCIES) -> pd.DataFrame:
    """The daily rates of `currencies` (units per €), one row per date and currency; N/A cells are skipped.

    Errors name the file and the CSV line (line 1 is the header).
    """
    if not path.exists():
        raise ExtractError(path, "file not found")
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = [c.strip() for c in next(reader, [])]
        missing = [c for c in ("Date", *currencies) if c not in header]
        if missing:
            raise ExtractError(path, f"missing columns {missing}; found {header[:12]}", row=1)
        positions = {c: header.index(c) for c in ("Date", *currencies)}
        rows, seen = [], set()
        for line, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) <= max(positions.values()):
                raise ExtractError(
                    path, f"expected at least {max(positions.values()) + 1} cells, found {len(cells)}", row=line
                )
            date = cells[positions["Date"]].strip()
            if not DATE.match(date):
                raise ExtractError(path, f"Date {date!r} is not YYYY-MM-DD", row=line)
            if date in seen:
                raise ExtractError(path, f"Date {date} repeated", row=line)
            seen.add(date)
            for currency in currencies:
                rows.append((date, currency, _rate(cells[positions[currency]], path, line, currency)))
    frame = pd.DataFrame.from_records(rows, columns=["date", "currency", "rate"])
    return frame.dropna(subset=["rate"]).reset_index(drop=True)


def _rate(cell: str, path: Path, line: int, currency: str) -> float | None:
    """A daily rate: a positive number, or None for the ECB's 'N/A'; anything else fails naming the line."""
    text = cell.strip()
    if text == MISSING:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ExtractError(path, f"{currency} rate {text!r} is not a number or N/A", row=line) from None
    if not value > 0:
        raise ExtractError(path, f"{currency} rate {text!r} is not positive", row=line)
    return value


def annual_rates(daily: pd.DataFrame, source_id: str = SOURCE_ID) -> pd.DataFrame:
    """Annual mean of the daily rates for each complete calendar year, and its inverse (€ per unit of currency).

    A year is complete when the file holds a later date; the year the file ends in is left out.
    """
    frame = daily.assign(year=daily["date"].str[:4].astype(int))
    last_year = int(frame["year"].max()) if not frame.empty else 0
    frame = frame[frame["year"] < last_year]
    grouped = frame.groupby(["year", "currency"], sort=True)
    out = grouped.agg(
        currency_per_eur=("rate", "mean"), days=("rate", "size"), first_date=("date", "min"), last_date=("date", "max")
    ).reset_index()
    out["eur_per_currency"] = (1 / out["currency_per_eur"]).round(DECIMALS)
    out["currency_per_eur"] = out["currency_per_eur"].round(DECIMALS)
    out["source_id"] = source_id
    return out[COLUMNS]
