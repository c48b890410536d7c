"""Indicator metadata and provenance, read from the warehouse."""

from __future__ import annotations

import pandas as pd

from indicators.data.db import query
from indicators.data.memo import per_database
from indicators.data.versions import version_hash


@per_database
def catalog() -> pd.DataFrame:
    """Every indicator with its definition, unit, polarity, source release and caveats (shared: don't mutate)."""
    return query(
        """SELECT c.indicator_id, c.name, c.unit, c.polarity, c.definition, c.period_type, c.caveats, c.topic,
                  s.source_id, s.publisher, s.title AS source_title, s.release, s.release_date, s.vintage, s.licence
           FROM catalog c JOIN sources s USING (source_id) ORDER BY c.topic, c.indicator_id"""
    )


@per_database
def sources() -> pd.DataFrame:
    """One provenance row per official release read (shared: don't mutate)."""
    return query("SELECT * FROM sources ORDER BY publisher, source_id")


@per_database
def source_rows() -> tuple[dict, ...]:
    """The same rows as dicts (a source line's releases and licences are looked up in them); never mutate."""
    return tuple(sources().to_dict("records"))


@per_database
def warehouse_summary() -> dict:
    """Counts that show the warehouse loaded: indicators, sources, observations, areas and when it was built
    (memoised: the frame's footer reads it on every rerun; callers must not mutate it)."""
    row = query(
        """SELECT (SELECT count(*) FROM catalog) AS indicators, (SELECT count(*) FROM sources) AS sources,
                  (SELECT count(*) FROM observations) AS observations,
                  (SELECT count(DISTINCT area_code) FROM observations) AS areas,
                  (SELECT built_at FROM build_info) AS built_at"""
    )
    return row.iloc[0].to_dict()


@per_database
def data_version() -> str:
    """The served build's data version, "<build date>.<first 12 hex of the extracts' SHA-256>" (build_info)."""
    version = query("SELECT data_version FROM build_info")["data_version"].iloc[0]
    if version_hash(version) is None:
        raise ValueError(
            f"build_info.data_version {version!r} is not a data version (rebuild: python -m indicators build)"
        )
    return str(version)


def extracts_hash() -> str:
    """The 12 hex digits of the served data version: the extracts it was built from."""
    return str(version_hash(data_version()))
