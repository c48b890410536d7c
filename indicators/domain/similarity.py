"""Statistical neighbours: the method, as pure functions of a table of characteristics (no database, no Streamlit).

The build computes every council's neighbours once (indicators.pipeline.marts.neighbours) and the app reads them; the
same weights and words appear on the page and in Data and methods.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd

NEIGHBOURS = 15
SECTION_PREFIX = "share_"  # industry-mix columns: share_A … share_T
VARIABLES = {  # column -> (words, weight); the industry mix's weight is shared equally across its sections
    "log_population": ("Resident population (log), mid-year, latest year", 1.0),
    "log_density": ("Residents per km² (log): population ÷ land area from the ONS boundaries", 1.0),
    "log_gva_per_head": ("GVA per head (log), latest year", 1.0),
    "employment_rate": ("Employment rate, aged 16 to 64, Oct 2022-Sep 2023", 1.0),
    "level3_qualifications": ("Share of 16 to 64s qualified to level 3 or above, 2021", 1.0),
    "industry_mix": ("Industry mix: each SIC 2007 section's share of GVA, latest year", 1.0),
}
METHOD = (
    "Each characteristic is standardised across all councils (minus the mean, divided by the standard deviation); "
    "the distance between two councils is the square root of the weighted mean of their squared differences over "
    "the characteristics both have (the industry mix counts as one characteristic, its weight shared equally "
    "between its sections). The 15 councils at the smallest distance are the neighbours. Land areas are computed "
    "from ONS's generalised boundaries, so densities are approximate."
)


def weights(columns: Collection[str]) -> dict[str, float]:
    """The weight of each characteristic column present (industry sections share the industry mix's weight)."""
    sections = [c for c in columns if c.startswith(SECTION_PREFIX)]
    found = {name: weight for name, (_, weight) in VARIABLES.items() if name in columns}
    found.update({c: VARIABLES["industry_mix"][1] / len(sections) for c in sections})
    return found


def distances(characteristics: pd.DataFrame, area_code: str, weights: dict[str, float]) -> pd.Series[float]:
    """Standardised weighted distance from one row of `characteristics` to every other (see METHOD).

    Args:
        characteristics: one row per area, one numeric column per characteristic named in `weights`.
        area_code: the row to measure from.
    Returns:
        distance per other area (NaN where the two share no characteristic), the area itself excluded.
    """
    return _distances(standardised(characteristics, weights), area_code, pd.Series(weights))


def standardised(characteristics: pd.DataFrame, weights: dict[str, float]) -> pd.DataFrame:
    """The weighted columns as z-scores across all rows (population standard deviation)."""
    data = characteristics[list(weights)].astype(float)
    return (data - data.mean()) / data.std(ddof=0).replace(0, np.nan)


def _distances(z: pd.DataFrame, area_code: str, w: pd.Series[float]) -> pd.Series[float]:
    diff2 = (z - z.loc[area_code]) ** 2
    total = diff2.fillna(0).mul(w).sum(axis=1)
    weight = diff2.notna().mul(w).sum(axis=1)
    mean_square = total / weight.replace(0, np.nan)
    return pd.Series(np.sqrt(mean_square.to_numpy()), index=mean_square.index).drop(area_code)


def nearest(characteristics: pd.DataFrame, n: int = NEIGHBOURS) -> pd.DataFrame:
    """Every area's n nearest others: area_code, neighbour_code, rank (1 = nearest), distance (3 dp)."""
    chosen = weights(characteristics.columns)
    z, w = standardised(characteristics, chosen), pd.Series(chosen)
    rows = []
    for code in characteristics.index:
        found = _distances(z, code, w).dropna().round(6).sort_values(kind="stable").head(n)
        rows += [(code, other, rank, round(float(d), 3)) for rank, (other, d) in enumerate(found.items(), start=1)]
    return pd.DataFrame(rows, columns=["area_code", "neighbour_code", "rank", "distance"])


def method_table() -> pd.DataFrame:
    """The characteristics and weights, for the page and Data and methods."""
    return pd.DataFrame([{"characteristic": words, "weight": weight} for words, weight in VARIABLES.values()])
