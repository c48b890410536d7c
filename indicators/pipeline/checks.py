"""Declared checks run on every warehouse build (and in tests): each returns a list of failure messages."""

from __future__ import annotations

import duckdb

from indicators.pipeline.spec import PERIOD_TYPES, POLARITIES

CATALOG_REQUIRED = ("name", "unit", "polarity", "definition", "source_id", "period_type")
SOURCE_REQUIRED = ("publisher", "title", "release", "release_date", "vintage", "raw_files", "licence")


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params=()) -> list[tuple]:
    return con.execute(sql, list(params)).fetchall()


def _tables(con) -> set[str]:
    return {row[0] for row in _rows(con, "SELECT table_name FROM information_schema.tables")}


def check_observations_not_null(con) -> list[str]:
    columns = ("area_code", "indicator_id", "period", "value", "unit", "source_id")
    condition = " OR ".join(f"{c} IS NULL" for c in columns)
    count = _rows(con, f"SELECT count(*) FROM observations WHERE {condition}")[0][0]
    return [f"observations: {count} rows with nulls in {columns}"] if count else []


def check_catalog_documented(con) -> list[str]:
    """Every catalogue entry has a definition, unit, valid polarity and period type, and a known source."""
    failures = []
    for column in CATALOG_REQUIRED:
        for (indicator_id,) in _rows(con, f"SELECT indicator_id FROM catalog WHERE coalesce(trim({column}), '') = ''"):
            failures.append(f"catalog: {indicator_id} has no {column}")
    for indicator_id, polarity in _rows(con, "SELECT indicator_id, polarity FROM catalog"):
        if polarity not in POLARITIES:
            failures.append(f"catalog: {indicator_id} polarity {polarity!r} not in {POLARITIES}")
    for indicator_id, period_type in _rows(con, "SELECT indicator_id, period_type FROM catalog"):
        if period_type not in PERIOD_TYPES:
            failures.append(f"catalog: {indicator_id} period_type {period_type!r} not in {PERIOD_TYPES}")
    for indicator_id, source_id in _rows(
        con, "SELECT indicator_id, source_id FROM catalog WHERE source_id NOT IN (SELECT source_id FROM sources)"
    ):
        failures.append(f"catalog: {indicator_id} cites unknown source {source_id}")
    return failures


def check_sources_documented(con) -> list[str]:
    failures = []
    for column in SOURCE_REQUIRED:
        for (source_id,) in _rows(con, f"SELECT source_id FROM sources WHERE coalesce(trim({column}), '') = ''"):
            failures.append(f"sources: {source_id} has no {column}")
    return failures


def check_observations_catalogued(con) -> list[str]:
    """Every observed indicator is in the catalogue, and each comes from the one source (vintage) the
    catalogue names."""
    failures = [
        f"observations: indicator {indicator_id} is not in the catalogue"
        for (indicator_id,) in _rows(
            con,
            "SELECT DISTINCT indicator_id FROM observations "
            "WHERE indicator_id NOT IN (SELECT indicator_id FROM catalog)",
        )
    ]
    mixed = _rows(
        con,
        """SELECT o.indicator_id, o.source_id, c.source_id
           FROM (SELECT DISTINCT indicator_id, source_id FROM observations) o
           JOIN catalog c USING (indicator_id) WHERE o.source_id <> c.source_id""",
    )
    failures += [f"observations: {i} carries source {s}, catalogue says {c}" for i, s, c in mixed]
    unused = _rows(
        con, "SELECT indicator_id FROM catalog WHERE indicator_id NOT IN (SELECT indicator_id FROM observations)"
    )
    failures += [f"catalog: {i} has no observations" for (i,) in unused]
    return failures


def check_core_cities_in_every_local_series(con) -> list[str]:
    """All ten Core Cities appear in the latest period of every local-authority series covering their nation.

    (An England-only series such as council tax receipts is not expected to hold Cardiff or Glasgow.)
    """
    if not {"core_cities", "lad_lookup"} <= _tables(con):
        return ["core_cities or lad_lookup table missing"]
    missing = _rows(
        con,
        """WITH local_series AS (
               SELECT indicator_id, max(period) AS latest FROM observations
               WHERE area_code IN (SELECT lad_code FROM lad_lookup) GROUP BY indicator_id)
           SELECT s.indicator_id, s.latest, c.city FROM local_series s CROSS JOIN core_cities c
           WHERE NOT EXISTS (SELECT 1 FROM observations o WHERE o.indicator_id = s.indicator_id
                             AND o.period = s.latest AND o.area_code = c.lad_code)
             AND EXISTS (SELECT 1 FROM observations o JOIN lad_lookup l ON o.area_code = l.lad_code
                         WHERE o.indicator_id = s.indicator_id AND left(o.area_code, 1) = left(c.lad_code, 1))
           ORDER BY 1, 3""",
    )
    return [f"observations: {city} missing from {indicator_id} {period}" for indicator_id, period, city in missing]


def check_units_consistent(con) -> list[str]:
    """An indicator has one unit, and it is the catalogue's."""
    rows = _rows(
        con,
        """SELECT o.indicator_id, o.unit, c.unit FROM (SELECT DISTINCT indicator_id, unit FROM observations) o
           JOIN catalog c USING (indicator_id) WHERE o.unit <> c.unit""",
    )
    return [f"observations: {i} unit {u!r} differs from catalogue {c!r}" for i, u, c in rows]


CHECKS = (
    check_observations_not_null,
    check_catalog_documented,
    check_sources_documented,
    check_observations_catalogued,
    check_units_consistent,
    check_core_cities_in_every_local_series,
)


def run_checks(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Run every declared check; an empty list means the warehouse is sound."""
    failures = []
    for check in CHECKS:
        failures += check(con)
    return failures
