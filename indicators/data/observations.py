"""Reading tidy observations out of the warehouse (all values as `?` parameters)."""

from __future__ import annotations

import pandas as pd

from indicators.data.db import query


def observations(
    indicator_ids: list[str], area_codes: list[str] | None = None, periods: list[str] | None = None
) -> pd.DataFrame:
    """Observations for some indicators, optionally restricted to areas and periods.

    Returns columns area_code, area_name, indicator_id, period, value, unit, source_id.
    """
    sql = "SELECT * FROM observations WHERE list_contains(?, indicator_id)"
    params: list = [list(indicator_ids)]
    if area_codes is not None:
        sql += " AND list_contains(?, area_code)"
        params.append(list(area_codes))
    if periods is not None:
        sql += " AND list_contains(?, period)"
        params.append([str(p) for p in periods])
    return query(sql + " ORDER BY indicator_id, area_code, period", params)


def wide(
    indicator_ids: list[str], periods: list[str] | None = None, area_codes: list[str] | None = None
) -> pd.DataFrame:
    """One row per (area_code, period), one column per indicator."""
    frame = observations(indicator_ids, area_codes, periods)
    table = frame.pivot_table(index=["area_code", "period"], columns="indicator_id", values="value", aggfunc="first")
    return table.reset_index().rename_axis(columns=None)


def periods(indicator_id: str) -> list[str]:
    """Periods with data for an indicator, oldest first."""
    return query("SELECT DISTINCT period FROM observations WHERE indicator_id = ? ORDER BY period", [indicator_id])[
        "period"
    ].tolist()


def latest_period(indicator_id: str) -> str:
    """Most recent period with data for an indicator."""
    found = periods(indicator_id)
    if not found:
        raise ValueError(f"no observations for indicator {indicator_id!r}")
    return found[-1]
