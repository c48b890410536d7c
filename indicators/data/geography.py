"""Areas, Core Cities, city-region membership and boundaries."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

import pandas as pd

from indicators.data.db import query
from indicators.data.memo import per_database
from indicators.data.paths import BOUNDARIES_DIR

GEOGRAPHIES = {
    "council": "Council area (local authority)",
    "city-region": "City region (combined authority or equivalent)",
}
BOUNDARY_LEVELS = {"lad": "lad.geojson", "itl1": "itl1.geojson", "city_region": "city_regions.geojson"}


@per_database
def core_cities() -> pd.DataFrame:
    """The ten Core Cities with their council code and city region (code and name), in alphabetical order."""
    return query(
        """SELECT c.city, c.lad_code, c.lad_name, c.itl1_code, m.city_region_code, m.city_region_name
           FROM core_cities c
           LEFT JOIN (SELECT DISTINCT city, city_region_code, city_region_name FROM city_region_members) m USING (city)
           ORDER BY c.city"""
    )


@per_database
def lad_code_set() -> frozenset[str]:
    """Every council code (for membership tests)."""
    return frozenset(local_authorities()["lad_code"])


@per_database
def local_authorities() -> pd.DataFrame:
    """All 361 local authorities with their ITL1 region and combined authority."""
    return query("SELECT * FROM lad_lookup ORDER BY lad_name")


@per_database
def area_names() -> dict[str, str]:
    """Name for every area code the project knows (councils, regions, city regions, combined authorities, the UK,
    the UK excluding London and the Core Cities together)."""
    frame = query("SELECT area_code, area_name FROM mart_areas")
    return dict(zip(frame["area_code"], frame["area_name"]))


@per_database
def member_lads(area_code: str) -> list[str]:
    """LAD codes making up an area: a LAD itself, a Core City region, a combined authority or an ITL1 region.

    Raises ValueError for an unknown code.
    """
    frame = query(
        """SELECT lad_code FROM lad_lookup WHERE lad_code = ?
           UNION SELECT lad_code FROM city_region_members WHERE city_region_code = ?
           UNION SELECT lad_code FROM lad_lookup WHERE ca_code = ?
           UNION SELECT lad_code FROM lad_lookup WHERE itl1_code = ?
           UNION SELECT lad_code FROM lad_lookup WHERE ? IN ('K02000001', 'UKX')
           ORDER BY lad_code""",
        [area_code] * 5,
    )
    if frame.empty:
        raise ValueError(
            f"unknown area code {area_code!r}: use a local authority, city region, combined authority or ITL1 code"
        )
    return frame["lad_code"].tolist()


@per_database
def city_region_of(lad_code: str) -> str:
    """The city region a council sits in: its Core City region, else its combined authority."""
    frame = query(
        """SELECT city_region_code AS code FROM city_region_members WHERE lad_code = ?
           UNION ALL SELECT ca_code FROM lad_lookup WHERE lad_code = ? AND coalesce(ca_code, '') <> ''""",
        [lad_code, lad_code],
    )
    if frame.empty:
        raise ValueError(f"{lad_code} is not in a Core City region or combined authority; choose the council geography")
    return frame["code"].iloc[0]


def city_region_or_none(area_code: str) -> str | None:
    """The city region a council sits in, None if it sits in none (or the code is not a council)."""
    try:
        return city_region_of(area_code)
    except ValueError:
        return None


def boundary_file(level: str) -> Path:
    """The simplified GeoJSON file for 'lad', 'itl1' or 'city_region'."""
    if level not in BOUNDARY_LEVELS:
        raise ValueError(f"unknown boundary level {level!r}; valid: {', '.join(BOUNDARY_LEVELS)}")
    return BOUNDARIES_DIR / BOUNDARY_LEVELS[level]


@cache
def boundaries(level: str) -> dict:
    """Simplified GeoJSON for 'lad', 'itl1' or 'city_region' (loaded once per process, never mutated)."""
    return json.loads(boundary_file(level).read_text())


def boundaries_for_url(url: str) -> dict | None:
    """The boundaries a chart references by URL (boundaries_url), for renderers that cannot fetch it; None if `url`
    names no boundary file of the project."""
    name = str(url).split("?")[0].rsplit("/", 1)[-1]
    level = next((level for level, file in BOUNDARY_LEVELS.items() if file == name), None)
    return boundaries(level) if level else None


@cache
def boundaries_url(level: str) -> str:
    """Relative URL of a boundary file served by Streamlit's static serving (static/ -> data/boundaries).

    Charts reference the file instead of embedding it, so the browser fetches it once and caches it, and each map
    update carries only the values. The content hash in the query string makes a rebuilt file a new URL.
    """
    path = boundary_file(level)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return f"app/static/{path.name}?v={digest}"
