"""Data and methods: the catalogue, the releases read, the whole-place workbook, one indicator's full download, the
reconciliation and coverage summaries, and the methods text, each as the page shows it."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from indicators.analysis import fiscal, place
from indicators.data import aggregates, catalog
from indicators.data.memo import per_database
from indicators.data.observations import observations
from indicators.domain import formatting, similarity
from indicators.domain.claims import TOLERANCE_PCT
from indicators.domain.international import LIMITS
from indicators.domain.productivity import BASES

INTRO = (
    "Every figure in the dashboard comes from the official releases listed here, read by the project's own extraction "
    "code. Licence: Open Government Licence v3.0 (ONS, HM Treasury, HMRC, DLUHC); Eurostat data reused under "
    "Commission Decision 2011/833/EU; Contains OS data © Crown copyright and database right 2023."
)
PUBLISHED_FIRST = (
    "Wherever a release publishes a figure, that is the figure shown: the UK (less Extra-Regio), England, the nations "
    "and ITL regions, ONS's city regions, and any area made of exactly the same councils as one of those (an ITL3 "
    "region that is a single council, an ITL2 region that is a combined authority). Only where no release publishes "
    "it is a figure derived, once, when the warehouse is built: Σ numerator ÷ Σ denominator over the area's members "
    "(a sum for totals), and then it says so — *derived from N of M councils* — in tooltips, tables, downloads, the "
    "command line and briefing footers. An area and its benchmark are always compared in the same period of the same "
    "release; a later release (e.g. the June 2025 combined-authority productivity file) is noted beside a figure, "
    "never mixed into it."
)
# The open data package (indicators/pipeline/package.py), served read-only by the public deployment's proxy at /data/
PACKAGE_URL = "/data/datapackage.json"
PACKAGE_TABLES = {  # file -> what it holds, as the package's datapackage.json names them (tests/test_package.py)
    "catalog": "the indicator catalogue",
    "sources": "the releases read",
    "areas": "areas",
    "mart_members": "which councils make up each area",
    "aggregates": "every figure by area, measure and period",
    "reconciliation": "derived beside published",
    "fiscal_items": "the tax and spend estimates under each key",
    "place_observations": "the whole-place indicators",
}
# How the warehouse's codes read on screen (display only: the data keep the codes, which the downloads carry too)
POLARITY = {"higher_is_better": "higher is better", "lower_is_better": "lower is better", "neutral": "neither"}
PERIOD_TYPES = {
    "snapshot": "single date",
    "calendar_year": "calendar year",
    "financial_year": "financial year",
    "tax_year": "tax year",
}
LEVELS = {
    "uk": "UK",
    "country": "nations",
    "itl1": "ITL1 regions",
    "itl2": "ITL2 regions",
    "itl3": "ITL3 regions",
    "ons_city_region": "ONS city regions",
    "city_region": "Core City regions",
    "combined_authority": "combined authorities",
    "lad": "councils",
    "core_cities": "the Core Cities together",
    "uk_ex_london": "UK excluding London",
}
PLAIN = {  # column -> header, for the tables drawn by render.lazy_table
    "area_code": "ONS area code",
    "area_name": "Area",
    "level": "Level",
    "measure_id": "Measure",
    "period": "Period",
    "published_value": "Published value",
    "derived_value": "Derived value",
    "difference": "Difference",
    "difference_pct": "Difference (%)",
    "tolerance_pct": "Tolerance (±%)",
    "tolerance_reason": "Why that tolerance",
    "members_present": "Members with data",
    "members_expected": "Members named",
    "coverage_complete": "Full coverage",
    "explained": "Difference explained by",
    "checked": "Checked against the tolerance",
    "within_tolerance": "Within the tolerance",
    "published_as": "Published as (ONS code)",
    "method": "How the figure was obtained",
    "councils_present": "Councils with data",
    "councils_expected": "Councils named",
    "coverage_note": "Coverage",
}


def level_text(code: str) -> str:
    """A mart level in words: 'lad' -> 'councils'."""
    return LEVELS.get(code, code.replace("_", " "))


def plain(table_function: Callable[[], pd.DataFrame]) -> Callable[[], pd.DataFrame]:
    """A table function whose result has plain-English headers and levels in words (for render.lazy_table)."""

    def plain_table() -> pd.DataFrame:
        table = table_function().rename(columns=PLAIN)
        return table.assign(Level=table["Level"].map(level_text)) if "Level" in table else table

    return plain_table


# ------------------------------------------------------------------------------------------------ catalogue


def catalogue() -> pd.DataFrame:
    """The indicator catalogue: one row per indicator, with its definition, unit, polarity, source and licence."""
    return catalog.catalog()


def releases() -> pd.DataFrame:
    """The official releases read (provenance): one row per release."""
    return catalog.sources()


def unit_label(unit: str) -> str:
    """A unit as the tables show it."""
    return formatting.unit_label(unit)


def place_catalogue() -> pd.DataFrame:
    """Every whole-place indicator of the ONS Subnational indicators release (the table behind its download)."""
    return place.catalogue_table()


def catalogue_caption(indicators: pd.DataFrame) -> str:
    """'57 indicators: definition, unit, …' under the catalogue."""
    return f"{len(indicators)} indicators: definition, unit, polarity, source release, vintage, caveats and licence."


def units(table: pd.DataFrame) -> list[str]:
    """The units found in a table's unit column, sorted (a selectbox column's options)."""
    return sorted(table["unit"].unique())


def indicator_names() -> dict[str, str]:
    """Every catalogue id -> its name."""
    indicators = catalog.catalog()
    return dict(zip(indicators["indicator_id"], indicators["name"]))


def workbook_caption() -> str:
    """How many whole-place indicators were loaded from how many of the workbook's sheets."""
    workbook = place.sheets()
    return (
        f"{len(place.catalogue())} indicators from {int(workbook['loaded'].sum())} of the {len(workbook)} sheets of "
        "the ninth release, each at the levels ONS publishes it for, with 95% confidence limits where given. "
        "Definitions are the release's data dictionary's; suppressed or unavailable cells are kept as missing with "
        "their marker, never as zero. The sheets not loaded, and why, are listed below."
    )


def sheets_not_loaded() -> pd.DataFrame:
    """The workbook's sheets that were not loaded: sheet, reason."""
    workbook = place.sheets()
    return workbook.loc[~workbook["loaded"], ["sheet", "reason"]]


# ------------------------------------------------------------------------------------------- full download


def indicator_ids() -> list[str]:
    """Every catalogue id (the allow-list for full downloads)."""
    return catalog.catalog()["indicator_id"].tolist()


def default_indicator(ids: list[str]) -> str:
    """The indicator the download starts on: GVA per hour worked when there is one, else the first."""
    return "gva_per_hour" if "gva_per_hour" in ids else ids[0]


@per_database(max_entries=16)
def full_observations(indicator_id: str) -> pd.DataFrame:
    """Every observation of one catalogue indicator (all areas and periods; shared: don't mutate). Unknown ids raise
    ValueError (and are not kept)."""
    if indicator_id not in indicator_ids():
        raise ValueError(f"unknown indicator {indicator_id[:40]!r}: choose one from the catalogue")
    return observations([indicator_id])


def download(indicator_id: str) -> dict:
    """One indicator's full download as the page shows it.

    Returns entry (its catalogue row as a dict), unit (in words), observations (full_observations), heading and
    caption (markdown and text above the table), decimals (the value column's step) and units (the units found).
    Raises ValueError for an id not in the catalogue.
    """
    full = full_observations(indicator_id)
    indicators = catalog.catalog()
    entry = indicators[indicators["indicator_id"] == indicator_id].iloc[0].to_dict()
    unit = formatting.unit_label(entry["unit"])
    known = full["value"].dropna()
    return {
        "entry": entry,
        "unit": unit,
        "observations": full,
        "heading": f"**{entry['name']}** ({unit}; indicator ID {indicator_id}). {entry['definition']}",
        "caption": f"{formatting.number(len(full))} observations · {formatting.number(full['area_code'].nunique())} "
        f"areas · periods {full['period'].min()} to {full['period'].max()} · {entry['publisher']}, "
        f"{entry['release']} (vintage {entry['vintage']}). Caveats: {entry['caveats']}",
        "decimals": formatting.decimals(entry["unit"], known.iloc[0] if len(known) else None),
        "units": units(full),
    }


# ------------------------------------------------------------------------------------ reconciliation, methods


def reconciliation_summary() -> pd.DataFrame:
    """Published figures beside their derivation, one row per measure and level."""
    return aggregates.reconciliation_summary()


def coverage_summary() -> pd.DataFrame:
    """Figures resting on fewer members than they name, one row per measure and level."""
    return aggregates.coverage_summary()


reconciliation_table = plain(aggregates.reconciliation)  # every published figure beside its derivation
coverage_table = plain(aggregates.coverage)  # every figure with partial coverage


def measure_options(names: dict[str, str]) -> list[str]:
    """Every measure id the reconciliation and coverage tables can show (for their Measure column's options)."""
    summary, coverage = aggregates.reconciliation_summary(), aggregates.coverage_summary()
    return sorted({*names, *summary["measure_id"], *coverage["measure_id"]})


def measure_name(names: dict[str, str], measure_id: str) -> str:
    """A measure's name: the catalogue's, else its id in words ('gva_per_head' -> 'Gva per head')."""
    return names.get(measure_id, measure_id.replace("_", " ").capitalize())


def methods() -> list[str]:
    """The Methods section, one Markdown paragraph each: productivity bases, tax and spend, the European comparison,
    statistical neighbours, significance and the claims check."""
    method = fiscal.method()
    return [
        "**Productivity bases.** ONS's published figure wherever one exists; otherwise an aggregate (a city region, "
        "the Core Cities, the UK excluding London) is total GVA of its members divided by their total denominator, "
        "within one release.",
        "\n".join(f"- **{b.label}** ({b.unit}): {b.formula}" for b in BASES.values()),
        f"**Tax and spend ({method['label'].lower()}s).** {method['summary']} {method['formula']} "
        f"{method['sign_convention']} {method['population']} {method['north_sea']} {method['expenditure']} "
        f"{method['years']} {method['aggregates']} Caveats: {method['caveats']}",
        f"**European comparison.** {LIMITS}",
        f"**Statistical neighbours.** {similarity.METHOD} Characteristics and weights: "
        + "; ".join(f"{words} ({weight:g})" for words, weight in similarity.VARIABLES.values())
        + ".",
        "**Significantly better or worse.** As in Fingertips: an area is significantly better (or worse) than "
        "the national figure when its 95% confidence interval lies wholly on the better (or worse) side of it; "
        "similar when the interval includes it; not tested when ONS gives no confidence limits. The national "
        "figure is the UK's, Great Britain's, England and Wales's or the nation's, whichever ONS publishes. The "
        "Core Cities and statistical neighbours, which ONS does not publish, are the median of their councils.",
        "**Claims check.** Each claim is tested on the period it describes (the latest data available when it was "
        "made) against a primary definition chosen, with its reason, before the result was known; it holds if "
        f"that figure is within ±{TOLERANCE_PCT:g}% of the claim. The range over every other definition "
        "for that period, and on how many of them it would hold, are shown beside it; later data are context "
        "only. European claims are converted at the European Central Bank's annual average rate for the data "
        "year.",
    ]


def open_data_package() -> list[str]:
    """The "Open data package" section: what the package holds, its version and where it is (Markdown paragraphs)."""
    files = ", ".join(f"[{name}](/data/csv/{name}.csv) ({what})" for name, what in PACKAGE_TABLES.items())
    return [
        f"The tables behind the dashboard's figures, with their metadata, as a [Frictionless Data Package]"
        f"(https://datapackage.org): **data version {catalog.data_version()}** (the build date and the start of the "
        "SHA-256 of the extracts it was built from). [datapackage.json](" + PACKAGE_URL + ") describes each table — "
        "its fields, types, units, primary and foreign keys — with the licences and the official releases and their "
        "release dates; each table is a CSV file and a Parquet file with the same rows (`/data/csv/<table>.csv`, "
        "`/data/parquet/<table>.parquet`), the observations one file per release (`observations-<source ID>`).",
        f"Tables include {files}. The tax and spend tables are estimates, not official statistics.",
        "The public site serves the package at `/data/`. A local copy is built with the warehouse "
        "(`python -m indicators build`, or on its own `python -m indicators package`) into `data/package/`; "
        "`frictionless validate data/package/datapackage.json` checks it.",
    ]
