"""Reading the figures two vintages both hold: observations matched on area and period (measures paired by id), the
CRA editions matched on region, function and year, and the releases behind them."""

from __future__ import annotations

import pandas as pd

from indicators.data.db import query
from indicators.data.memo import per_database

MATCHED_COLUMNS = [
    "area_code",
    "area_name",
    "old_indicator",
    "new_indicator",
    "period",
    "old_value",
    "new_value",
    "unit",
]


@per_database
def releases() -> pd.DataFrame:
    """Every release held: source id, publisher, title, release, release date and vintage (shared: don't mutate)."""
    return query("SELECT source_id, publisher, title, release, release_date, vintage FROM sources ORDER BY source_id")


@per_database
def matched_observations(
    old_source: str, new_source: str, old_ids: tuple[str, ...], new_ids: tuple[str, ...]
) -> pd.DataFrame:
    """Figures both releases publish for the same area and period: old_ids[i] in `old_source` against new_ids[i]
    in `new_source` (MATCHED_COLUMNS; missing values left out; shared: don't mutate)."""
    if len(old_ids) != len(new_ids):
        raise ValueError(f"{len(old_ids)} older indicator ids but {len(new_ids)} newer ones: pair them one to one")
    return query(
        """WITH pairs AS (SELECT unnest(?) AS old_id, unnest(?) AS new_id)
           SELECT o.area_code, coalesce(n.area_name, o.area_name) AS area_name, p.old_id AS old_indicator,
                  p.new_id AS new_indicator, o.period, o.value AS old_value, n.value AS new_value, n.unit
           FROM pairs p
           JOIN observations o ON o.indicator_id = p.old_id AND o.source_id = ?
           JOIN observations n ON n.indicator_id = p.new_id AND n.source_id = ?
                AND n.area_code = o.area_code AND n.period = o.period
           WHERE o.value IS NOT NULL AND n.value IS NOT NULL
           ORDER BY p.old_id, o.area_code, o.period""",
        [list(old_ids), list(new_ids), old_source, new_source],
    )


@per_database
def matched_cra(old_source: str, new_source: str) -> pd.DataFrame:
    """Identifiable spending both CRA editions hold for the same region, function and financial year, in £ million
    (MATCHED_COLUMNS, the indicator columns naming the function; shared: don't mutate)."""
    return query(
        """SELECT o.region_code AS area_code, o.region_name AS area_name,
                  o.cofog_function || ': ' || o.hmt_function AS old_indicator,
                  n.cofog_function || ': ' || n.hmt_function AS new_indicator,
                  o.period, o.value_gbp_m AS old_value, n.value_gbp_m AS new_value, '£ million' AS unit
           FROM cra_identifiable_spending o
           JOIN cra_identifiable_spending n ON n.region_code = o.region_code AND n.period = o.period
                AND n.cofog_function = o.cofog_function AND n.hmt_function = o.hmt_function
           WHERE o.source_id = ? AND n.source_id = ? AND o.value_gbp_m IS NOT NULL AND n.value_gbp_m IS NOT NULL
           ORDER BY o.region_code, o.cofog_function, o.hmt_function, o.period""",
        [old_source, new_source],
    )


@per_database
def cra_periods(source_id: str) -> list[str]:
    """The financial years a CRA edition is held for, oldest first."""
    return query(
        "SELECT DISTINCT period FROM cra_identifiable_spending WHERE source_id = ? ORDER BY period", [source_id]
    )["period"].tolist()


@per_database
def indicator_names() -> dict[str, str]:
    """Indicator id -> name, from the catalogue."""
    frame = query("SELECT indicator_id, name FROM catalog")
    return dict(zip(frame["indicator_id"], frame["name"]))
