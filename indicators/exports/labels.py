"""Plain-English column headers, tables rounded as displayed, and the metadata every download opens with.

Pure functions of strings and DataFrames (no Streamlit, no SQL): `header('revenue_per_head_gbp')` is "Revenue per
resident (£)"; `for_download(table)` renames a table's columns that way and rounds its numbers as the dashboard shows
them (by a 'unit' column row by row, else by each column's suffix or known unit), keeping the main value at full
precision in a column of its own where rounding changed it; `Meta` and `meta_fields` give the header block (title,
definition, unit, period, source, licence, view) written above a CSV and on the "About" sheet of a workbook.
Rounding and decimals come from indicators.domain.formatting, the project's one formatter.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

import pandas as pd

from indicators.domain import formatting

# ------------------------------------------------------------------------------------------------ column headers

# Columns whose header is not their words with a unit suffix read off (checked by tests/test_labels.py against
# the columns that reach the dashboard's tables).
HEADERS = {
    "area_code": "ONS area code",
    "area_name": "Area",
    "area_type": "Area type",
    "area_method": "How the area's figure was obtained",
    "basis": "Basis",
    "basis_label": "Basis, in words",
    "benchmark": "Benchmark code",
    "benchmark_label": "Benchmark",
    "benchmark_name": "Benchmark",
    "benchmark_value": "Benchmark value",
    "break_even_eur_per_gbp": "Break-even exchange rate (€ per £)",
    "case_id": "Case study ID",
    "claim_id": "Claim ID",
    "cofog_function": "Function (COFOG)",
    "combinations": "Combinations of keys tried",
    "core_city": "Core City",
    "is_core_city": "Core City",
    "councils_expected": "Councils named",
    "councils_present": "Councils with data",
    "counted": "Counted in the verdict",
    "coverage_note": "Coverage",
    "ecb_eur_per_gbp": "ECB annual average rate (€ per £)",
    "eur_per_gbp": "Exchange rate (€ per £)",
    "explained": "Difference explained by",
    "featured_figures": "Featured figures (as published)",
    "fx_eur_per_gbp": "Exchange rate used (€ per £)",
    "fx_source": "Exchange rate source",
    "gap_gbp": "Gap (£ a year)",
    "gap_gbp_bn": "Gap (£bn a year)",
    "holds_on": "Holds on (k of n)",
    "indicator_id": "Indicator ID",
    "key_options": "Apportionment keys",
    "label": "Figure",
    "measure_id": "Measure ID",
    "members_expected": "Members named",
    "members_present": "Members with data",
    "method": "How the figure was obtained",
    "metro_code": "Eurostat metropolitan region code",
    "metro_name": "Metropolitan region",
    "out_of": "Out of",
    "period_described": "Period the claim describes",
    "period_reason": "Why that period",
    "primary_definition": "Primary definition",
    "primary_period": "Data period",
    "primary_reason": "Why that definition",
    "primary_value": "Primary definition's value",
    "published_as": "Published as (ONS code)",
    "range_max": "Range: highest",
    "range_min": "Range: lowest",
    "rate_basis": "Exchange rate basis",
    "ratio": "Ratio to the benchmark",
    "raw_files": "Files read",
    "share_pct": "Share of the benchmark (%)",
    "source_id": "Source ID",
    "source_title": "Source title",
    "tolerance_pct": "Tolerance (±%)",
    "tolerance_reason": "Why that tolerance",
    "url": "URL",
    "verdict_code": "Verdict code",
    "x": "Horizontal axis value",
    "x_period": "Horizontal axis period",
    "y": "Vertical axis value",
    "y_period": "Vertical axis period",
}

# unit suffixes of snake_case names, longest first: suffix -> (header text, unit used to round)
SUFFIXES = (
    ("_pct_points", "percentage points", "%"),
    ("_eur_per_gbp", "€ per £", "€ per £"),
    ("_gbp_million", "£m", "£ million"),
    ("_gbp_bn", "£bn", "GBP bn"),
    ("_gbp_m", "£m", "£ million"),
    ("_gbp", "£", "£"),
    ("_eur", "€", "€"),
    ("_pct", "%", "%"),
)
ACRONYMS = {
    "gdp": "GDP",
    "gva": "GVA",
    "gdhi": "GDHI",
    "uk": "UK",
    "ons": "ONS",
    "ecb": "ECB",
    "itl": "ITL",
    "lad": "LAD",
    "nics": "NICs",
    "cofog": "COFOG",
    "crpsf": "CRPSF",
    "id": "ID",
    "fx": "exchange rate",
    "vat": "VAT",
    "hmrc": "HMRC",
    "ashe": "ASHE",
    "rs": "RS",
    "eu": "EU",
}
PHRASES = (("per head", "per resident"), ("core cities", "Core Cities"), ("core city", "Core City"))


def _words(name: str) -> str:
    """snake_case words in plain English: 'net_balance_per_head' -> 'Net balance per resident'."""
    text = " ".join(ACRONYMS.get(word, word) for word in name.split("_") if word)
    for old, new in PHRASES:
        text = re.sub(rf"\b{old}\b", new, text)
    return text[:1].upper() + text[1:]


def header(column) -> str:
    """A plain-English header for a project column name: 'revenue_per_head_gbp' -> 'Revenue per resident (£)',
    'net_balance_gbp_bn' -> 'Net balance (£bn)', 'gap_pct' -> 'Gap (%)', 'area_code' -> 'ONS area code'.
    A name that already reads as a header (capitals or spaces, e.g. 'GVA per hour worked (£ per hour)') is kept."""
    column = str(column)
    if column in HEADERS:
        return HEADERS[column]
    if column != column.lower() or " " in column:
        return column
    for suffix, label, _ in SUFFIXES:
        if column.endswith(suffix) and len(column) > len(suffix):
            return f"{header(column[: -len(suffix)])} ({label})"
    return _words(column)


# ------------------------------------------------------------------------------------------------ units and rounding

# Columns holding a figure in the row's unit (a 'unit' column) or in the unit the caller names for the table.
VALUE_COLUMNS = (
    "value",
    "benchmark_value",
    "primary_value",
    "claimed",
    "range_min",
    "range_max",
    "published_value",
    "derived_value",
    "difference",
)
# Main value columns, in order of preference, for the one kept at full precision beside its rounded figure.
MAIN_COLUMNS = ("value", "primary_value")
# Units of columns whose name has no unit suffix.
COLUMN_UNITS = {
    "population": "persons",
    "log_points": "log points",
    "ratio": "ratio",
    "gap_gbp": "£",
    "share_pct": "% share",
    "difference_pct": "%",
    "tolerance_pct": "%",
}
# Units formatting does not know, as (prefix, suffix, decimals; None = pence below 100, whole above)
LOCAL_UNITS: dict[str, tuple[str, str, int | None]] = {
    "€": ("€", "", None),
    "€ per £": ("", "", 4),  # as the exchange rate is quoted: £1 = €1.1633
    "ratio": ("", "", 3),
    "% share": ("", "%", 2),  # a share of the UK can be a few hundredths of one per cent
}
UNIT_SYNONYMS = {"percent": "%", "per cent": "%"}


def base_unit(unit) -> str:
    """A warehouse unit reduced to one the formatter knows: '£ million (2022 prices)' -> '£ million',
    'percent (more than)' -> '%', 'GBP bn per year (spending exceeds taxes)' -> 'GBP bn per year'."""
    if not isinstance(unit, str):
        return ""
    unit = UNIT_SYNONYMS.get(unit, unit)
    stripped = unit
    while stripped and not _known(stripped):
        shorter = re.sub(r"\s*\([^)]*\)\s*$", "", stripped)
        if shorter == stripped:
            return unit  # nothing known inside: kept as it is
        stripped = UNIT_SYNONYMS.get(shorter, shorter)
    return stripped


def _known(unit: str) -> bool:
    return unit in formatting.UNITS or unit in LOCAL_UNITS or unit in formatting.UNIT_LABELS


def decimals(unit, value=None) -> int:
    """Decimals a value in `unit` is shown with (formatting's rule; the local units' own)."""
    unit = base_unit(unit)
    if unit in LOCAL_UNITS:
        places = LOCAL_UNITS[unit][2]
        if places is None:
            return 2 if value is None or _missing(value) else formatting.pound_decimals(value)
        return places
    return formatting.decimals(unit, value)


def rounded(value, unit):
    """`value` rounded as shown (formatting.rounded; the local units by their own decimals); a whole-number display
    gives an int, so a CSV reads 16348, not 16348.0. Missing values give None."""
    if _missing(value):
        return None
    unit = base_unit(unit)
    places = decimals(unit, value)
    result = formatting.half_up(value, places) if unit in LOCAL_UNITS else formatting.rounded(value, unit)
    return int(result) if places == 0 else result


def _missing(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def column_unit(column: str, units=None):
    """The unit of a column from the caller's `units` (a dict by column), its suffix, the known columns, or a unit in
    parentheses at the end of a header ('GVA per hour worked (£ per hour)'); None when unknown."""
    if isinstance(units, dict) and column in units:
        return units[column]
    if column in COLUMN_UNITS:
        return COLUMN_UNITS[column]
    for suffix, _, unit in SUFFIXES:
        if f"_{column}".endswith(suffix):
            return unit
    found = re.search(r"\(([^()]+)\)\s*$", column)
    if found and _known(base_unit(found.group(1))):
        return found.group(1)
    if isinstance(units, str) and units and column in VALUE_COLUMNS:
        return units
    return None


def cell_units(table: pd.DataFrame, units=None) -> dict[str, object]:
    """Each numeric column's unit: a string for the whole column, a list (one per row) where a 'unit' column
    decides, or None when unknown. `units`: a dict {column: unit}, or one unit for the value columns."""
    found: dict[str, object] = {}
    row_units = table["unit"].tolist() if "unit" in table.columns else None
    for column in table.columns:
        if not _numeric(table[column]):
            continue
        unit = column_unit(str(column), units if isinstance(units, dict) else None)
        if unit is None and row_units is not None and column in VALUE_COLUMNS:
            unit = row_units
        if unit is None:
            unit = column_unit(str(column), units)
        found[column] = unit
    return found


def _numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


@dataclass(frozen=True)
class Prepared:
    """A table ready to write: plain headers, values rounded as displayed, and each column's unit (by new header)
    for the spreadsheet's number formats."""

    frame: pd.DataFrame
    units: dict[str, object]


def prepare(table: pd.DataFrame, units=None, *, full_precision: bool | str = True) -> Prepared:
    """See `for_download`; also returns the unit of every numeric column (str, a list per row, or None)."""
    found = cell_units(table, units)
    main = full_precision if isinstance(full_precision, str) else _main_column(table, found) if full_precision else None
    columns: dict[str, list] = {}
    out_units: dict[str, object] = {}
    seen: set[str] = set()

    def add(name: str, values: list, unit) -> None:
        label, n = name, 2
        while label in seen:  # two columns reading alike keep both, told apart
            label, n = f"{name} ({n})", n + 1
        seen.add(label)
        columns[label] = values
        out_units[label] = unit

    for column in table.columns:
        series = table[column]
        name = header(column)
        if column in found:
            unit = found[column]
            raw = series.tolist()
            if unit is None:
                add(name, [_whole(v) for v in raw], None)
                continue
            per_row = unit if isinstance(unit, list) else [unit] * len(raw)
            shown = [rounded(v, u) if isinstance(u, str) and u else _whole(v) for v, u in zip(raw, per_row)]
            add(name, shown, unit)
            if column == main and any(_differs(a, b) for a, b in zip(raw, shown)):
                add(f"{name} (full precision)", [_whole(v) for v in raw], None)
        elif column == "unit":
            add(name, [formatting.unit_label(v) if isinstance(v, str) else _text(v) for v in series.tolist()], None)
        else:
            add(name, _plain(series), None)
    frame = pd.DataFrame({k: pd.Series(v, dtype=object, index=range(len(table))) for k, v in columns.items()})
    return Prepared(frame, out_units)


def for_download(table: pd.DataFrame, units=None, *, full_precision: bool | str = True) -> pd.DataFrame:
    """`table` as a download shows it: plain-English headers, numbers rounded as displayed, no 'None' or 'nan' text.

    Args:
        table: the table behind a chart or shown on a page (snake_case project column names).
        units: {column: warehouse unit} for columns whose unit the name does not say, or one unit (a string) for the
            value columns (value, benchmark_value, …) of a table without a 'unit' column. Otherwise a 'unit' column
            decides row by row, then the column's suffix (_gbp, _gbp_bn, _gbp_m, _pct, _eur, …).
        full_precision: keep the main value column ('value' or 'primary_value', or the named column) unrounded in
            an extra "… (full precision)" column, where rounding changed a figure.
    Returns:
        A new DataFrame; yes/no for true/false; whole numbers as int; missing values empty (None).
    """
    return prepare(table, units, full_precision=full_precision).frame


def _main_column(table: pd.DataFrame, found: dict) -> str | None:
    for column in MAIN_COLUMNS:
        if column in found and found[column] is not None:
            return column
    labelled = [c for c, u in found.items() if isinstance(u, str) and " " in str(c)]  # 'GVA per hour (£ per hour)'
    return labelled[0] if len(labelled) == 1 else None


def _differs(raw, shown) -> bool:
    return not _missing(raw) and shown is not None and float(raw) != float(shown)


def _whole(value):
    """A number with no known unit: as it is, but an int when it is whole (4608.0 -> 4608)."""
    if _missing(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value.item() if hasattr(value, "item") else value


def _text(value):
    if _missing(value) or (isinstance(value, str) and value.strip() in ("None", "nan", "NaN", "<NA>")):
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value.item() if hasattr(value, "item") else value


def _plain(series: pd.Series) -> list:
    """A non-numeric column: true/false as yes/no, no 'None'/'nan' text."""
    return [_text(v) for v in series.astype(object).tolist()]


# ------------------------------------------------------------------------------------------------ spreadsheets


def excel_format(unit, value=None) -> str:
    """The Excel number format showing a value as the dashboard does: '"£"#,##0' for £16,348, '"£"#,##0.00' below
    £100, '#,##0.0"%"' for 64.1% (values are stored in per cent, not as fractions), a true minus for negatives."""
    unit = base_unit(unit) if isinstance(unit, str) else ""
    places = decimals(unit, value) if unit else None
    if places is None:
        return "General"
    number = "#,##0" + ("." + "0" * places if places else "")
    if unit in LOCAL_UNITS:
        prefix, suffix = LOCAL_UNITS[unit][:2]
    elif unit == "£ million":
        prefix, suffix = "£", "m"
    elif unit.startswith("GBP bn"):
        prefix, suffix = "£", "bn"
    elif unit in formatting.UNITS:
        prefix, suffix = formatting.UNITS[unit][0], "%" if unit == "%" else ""
    else:
        prefix, suffix = "", ""
    tail = f'"{suffix}"' if suffix else ""
    head = f'"{prefix}"' if prefix else ""
    return f'{head}{number}{tail};"{formatting.MINUS}{prefix}"{number}{tail}'


# ------------------------------------------------------------------------------------------------ download metadata

OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


@dataclass(frozen=True)
class Meta:
    """What a download says about itself. Empty fields are left out; `unit` is a warehouse unit or words;
    `period` is worked out from the table's period or year column when not given; `licence` from the sources read."""

    title: str = ""
    definition: str = ""
    unit: str = ""
    period: str = ""
    source: str = ""
    licence: str = ""
    note: str = ""
    view: str = ""


def long_date(day: date) -> str:
    """A date as GOV.UK writes it: 2 December 2026 (the "Downloaded" and "Accessed" lines)."""
    return f"{day.day} {day:%B %Y}"


def period_of(table: pd.DataFrame) -> str:
    """'2022', or '2004 to 2022' over a table's period (or year) column; '' when it has neither."""
    for column in ("period", "year", "primary_period"):
        if column in table.columns:
            found = sorted({str(v) for v in table[column].tolist() if not _missing(v) and str(v)})
            if found:
                return found[0] if len(found) == 1 else f"{found[0]} to {found[-1]}"
    return ""


def unit_of(meta: Meta, table: pd.DataFrame) -> str:
    """The unit line: the one given, else the table's units in words, else where to find them."""
    if meta.unit:
        return formatting.unit_label(meta.unit)
    if "unit" in table.columns:
        found = [formatting.unit_label(u) for u in dict.fromkeys(table["unit"].tolist()) if isinstance(u, str) and u]
        if found:
            return "by row (see the Unit column): " + "; ".join(found) if len(found) > 1 else found[0]
    return "as given in each column header"


def meta_fields(meta: Meta, table: pd.DataFrame, downloaded: str = "") -> list[tuple[str, str]]:
    """(field, text) pairs for the header block of a download, in a fixed order; empty fields left out."""
    source = re.sub(r"^\s*Sources?:\s*", "", meta.source or "")
    fields = [
        ("Title", meta.title),
        ("Definition", meta.definition),
        ("Unit", unit_of(meta, table)),
        ("Period", meta.period or period_of(table)),
        ("Source", source),
        ("Licence", meta.licence),
        ("Note", meta.note),
        ("View", meta.view),
        ("Downloaded", downloaded),
    ]
    return [(name, _one_line(text)) for name, text in fields if text]


def _one_line(text) -> str:
    return re.sub(r"\s+", " ", str(text)).strip()


def csv_header(meta: Meta, table: pd.DataFrame, downloaded: str = "") -> str:
    """The lines opening a CSV: '# Title: …' and so on, then a blank line."""
    return "".join(f"# {name}: {text}\n" for name, text in meta_fields(meta, table, downloaded)) + "\n"


def licences(source: str, sources: list[dict]) -> str:
    """The licences of the releases a source line names, from the warehouse's `sources` rows (publisher, title,
    release, licence): a row is named when its release, its title or its publisher appears in the line. With none
    named, every licence in use, so a download never goes out without one."""
    named = named_sources(source, sources)
    found = list(dict.fromkeys(row["licence"] for row in (named or sources) if row.get("licence")))
    words = [f"{name} ({OGL_URL})" if name == "Open Government Licence v3.0" else name for name in found]
    if not named and words:
        return "as each source's release states (Data and methods lists them): " + "; ".join(words)
    return "; ".join(words)


def named_sources(source: str, sources: list[dict]) -> list[dict]:
    """The `sources` rows a source line names: a row is named when its release, title or publisher appears in it."""
    text = (source or "").casefold()
    return [
        row
        for row in sources
        if any(
            isinstance(row.get(k), str) and row[k] and row[k].casefold() in text
            for k in ("release", "title", "publisher")
        )
    ]


def view_url(base: str | None, params: dict[str, list[str]] | None) -> str:
    """The address of a view: the page's URL with its query string ('' when the URL is unknown)."""
    if not base:
        return ""
    query = urlencode({k: v for k, v in (params or {}).items()}, doseq=True)
    return f"{base}?{query}" if query else base
