"""A four-council warehouse built in code, with numbers small enough to check by hand.

Councils (2022):            Alpha (core)  Beta      Gamma (core)  Londonia (London)
  gva_current £m                10           5          8            40
  population               400,000     250,000    200,000      500,000
  gva_per_job £             50,000      40,000     60,000      100,000
  filled_jobs                  200         100        100          300
  gva_per_hour £                30          20         40           60
  hours_worked (weekly)         10          10          5           20
  employment_rate %           70          60         80            75     (2022 only; a rate, never aggregated)
City regions: Alpha CR (E47000001) = Alpha + Beta; Gamma CR (E47000009) = Gamma alone.
2021 has the same data with Alpha's gva_per_hour 25 and gva_current 9 (so trends can be checked).
ONS "publishes" one figure above council level here: the UK (K02000001) employment rate 2022, 74.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from indicators.pipeline.marts import aggregates

LADS = [
    # code, name, itl1, ca
    ("E08000001", "Alpha", "TLD", "E47000001"),
    ("E08000002", "Beta", "TLD", "E47000001"),
    ("E06000001", "Gamma", "TLK", "E47000009"),
    ("E09000001", "Londonia", "TLI", ""),
]
DATA_2022 = {
    "gva_current": [10, 5, 8, 40],
    "population": [400_000, 250_000, 200_000, 500_000],
    "gva_per_job": [50_000, 40_000, 60_000, 100_000],
    "filled_jobs": [200, 100, 100, 300],
    "gva_per_hour": [30, 20, 40, 60],
    "hours_worked": [10, 10, 5, 20],
}
CHANGES_2021 = {("E08000001", "gva_per_hour"): 25, ("E08000001", "gva_current"): 9}
RATES_2022 = {"employment_rate": ([70, 60, 80, 75], 74)}  # the councils' figures, then the UK's
UNITS = {
    "gva_current": "£ million",
    "population": "persons",
    "gva_per_job": "£",
    "filled_jobs": "jobs",
    "gva_per_hour": "£",
    "hours_worked": "hours a week",
    "employment_rate": "%",
}


def observations_frame() -> pd.DataFrame:
    rows = []
    for year in ("2021", "2022"):
        for indicator, values in DATA_2022.items():
            for (code, name, _, _), value in zip(LADS, values):
                if year == "2021":
                    value = CHANGES_2021.get((code, indicator), value)
                rows.append((code, name, indicator, year, float(value), UNITS[indicator], "fixture_release"))
    for indicator, (values, uk) in RATES_2022.items():
        for (code, name, _, _), value in zip(LADS, values):
            rows.append((code, name, indicator, "2022", float(value), UNITS[indicator], "fixture_release"))
        rows.append(("K02000001", "United Kingdom", indicator, "2022", float(uk), UNITS[indicator], "fixture_release"))
    return pd.DataFrame(
        rows, columns=["area_code", "area_name", "indicator_id", "period", "value", "unit", "source_id"]
    )


def build(path: Path) -> Path:
    """Write the tiny warehouse to `path` and return it."""
    con = duckdb.connect(str(path))
    tables = {
        "observations": observations_frame(),
        "lad_lookup": pd.DataFrame(
            [(c, n, "", "", "", "", i, i, c[:1] + "92000001", ca, "") for c, n, i, ca in LADS],
            columns=[
                "lad_code",
                "lad_name",
                "itl3_code",
                "itl3_name",
                "itl2_code",
                "itl2_name",
                "itl1_code",
                "itl1_name",
                "country_code",
                "ca_code",
                "ca_name",
            ],
        ),
        "productivity_cr_lookup_jun2024": pd.DataFrame(
            columns=["lad_code", "lad_name", "city_region_code", "city_region_name"]
        ),
        "areas": pd.DataFrame(
            [(c, n, "lad") for c, n, _, _ in LADS]
            + [("E47000001", "Alpha CR", "city_region"), ("E47000009", "Gamma CR", "city_region")],
            columns=["area_code", "area_name", "area_type"],
        ),
        "core_cities": pd.DataFrame(
            [("Alpha", "Alpha", "E08000001", "TLD", "Alpha CR"), ("Gamma", "Gamma", "E06000001", "TLK", "Gamma CR")],
            columns=["city", "lad_name", "lad_code", "itl1_code", "city_region_name"],
        ),
        "city_region_members": pd.DataFrame(
            [
                ("Alpha", "E47000001", "Alpha CR", "E08000001"),
                ("Alpha", "E47000001", "Alpha CR", "E08000002"),
                ("Gamma", "E47000009", "Gamma CR", "E06000001"),
            ],
            columns=["city", "city_region_code", "city_region_name", "lad_code"],
        ),
        "catalog": pd.DataFrame(
            [(i, i, UNITS[i], "fixture_release") for i in UNITS], columns=["indicator_id", "name", "unit", "source_id"]
        ),
        "sources": pd.DataFrame(
            [("fixture_release", "Test publisher", "Fixture release", "Jan 2025", "2025-01-01", "Jan 2025")],
            columns=["source_id", "publisher", "title", "release", "release_date", "vintage"],
        ),
    }
    for name, frame in tables.items():
        con.register("incoming", frame)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM incoming")
        con.unregister("incoming")
    aggregates.build(con)  # the build's own mart step, on the fixture
    con.close()
    return path
