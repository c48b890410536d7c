"""Extraction: official files in ../shared/data/raw -> tidy CSV extracts in data/extracts.

One module per source family; each declares SOURCES, INDICATORS, TABLES and extract(raw_dir).
"""

from importlib import import_module

MODULE_NAMES = (
    "geography",
    "reference",
    "ons_gdp_lad",
    "ons_gva_itl",
    "ons_productivity",
    "ons_labour",
    "ons_place",
    "ons_gva_industry",
    "public_finances",
    "mhclg_revenue_outturn",
    "eurostat_metro",
    "ecb_fx",
)


def modules(only: str | None = None):
    """The extract modules, in build order (optionally just one)."""
    names = [n for n in MODULE_NAMES if only in (None, n)]
    if not names:
        raise ValueError(f"unknown extract module {only!r}; valid: {', '.join(MODULE_NAMES)}")
    return [import_module(f"{__name__}.{name}") for name in names]
