"""Reading the aggregates mart: each area's figure for a measure and period, as built and checked at build time.

Every figure here is either published (by ONS for the area itself, or for an area of exactly the same councils) or
derived at build time as Σ numerator ÷ Σ denominator over the area's members, and every row says which, and from how
many of how many members. Nothing is re-aggregated per request.

Area codes beyond the ONS ones: UKX (UK less Extra-Regio), UK_EX_LONDON, CORE_CITIES_COUNCILS,
CORE_CITIES_CITY_REGIONS and NEIGHBOURS_<council> (a council's 15 statistical neighbours, with figures for
NEIGHBOUR_MEASURES only).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators.data.db import query
from indicators.data.memo import per_database
from indicators.domain.areas import CORE_CITY_REGIONS as CORE_CITY_REGIONS
from indicators.domain.areas import CORE_COUNCILS as CORE_COUNCILS
from indicators.domain.areas import UK as UK
from indicators.domain.areas import UK_EX_LONDON as UK_EX_LONDON
from indicators.domain.areas import UK_WHOLE as UK_WHOLE
from indicators.domain.measure_spec import measure, start_year
from indicators.domain.neighbours import NEIGHBOUR_MEASURES as NEIGHBOUR_MEASURES
from indicators.domain.neighbours import neighbours_code as neighbours_code

COLUMNS = (
    "area_code, area_name, level, measure_id, period, year, value, numerator, denominator, method, published_as, "
    "member_level, members_expected, members_present, councils_expected, councils_present, coverage_complete, "
    "missing_members, coverage_note, source_id"
)


CATEGORIES = [
    "area_code",
    "area_name",
    "level",
    "method",
    "published_as",
    "member_level",
    "missing_members",
    "coverage_note",
    "source_id",
    "period",
    "measure_id",
]


@dataclass(frozen=True)
class MeasureTable:
    """Every row of one measure, sorted by area and period, held column by column (repeated text stored once).

    frame: the rows as a DataFrame (for slices by level or area); columns: each column as a NumPy array of values,
    or of codes into `labels`, so one row is assembled without pandas; where: area -> (first row, its periods).
    """

    frame: pd.DataFrame
    columns: dict[str, np.ndarray]
    labels: dict[str, np.ndarray]
    where: dict[str, tuple[int, list[str]]]

    def record(self, position: int) -> dict:
        out = {}
        for name, values in self.columns.items():
            value = values[position]
            if name in self.labels:
                value = self.labels[name][value] if value >= 0 else None
            out[name] = value.item() if isinstance(value, np.generic) else value
        return out


@per_database
def table(measure_id: str) -> MeasureTable:
    """One measure's rows (read once per process, ~1 MB a measure; shared: don't mutate)."""
    measure(measure_id)  # unknown ids fail here, naming the valid ones
    frame = query(
        f"SELECT {COLUMNS} FROM aggregates WHERE measure_id = ? ORDER BY area_code, year, period", [measure_id]
    )
    frame = frame.astype({column: "category" for column in CATEGORIES})
    columns, labels = {}, {}
    for name in frame.columns:
        if name in CATEGORIES:
            columns[name] = frame[name].cat.codes.to_numpy()
            labels[name] = np.asarray(frame[name].cat.categories.astype(object), dtype=object)
        else:
            columns[name] = frame[name].to_numpy()
    where: dict[str, tuple[int, list[str]]] = {}
    for position, (code, period) in enumerate(zip(frame["area_code"].tolist(), frame["period"].tolist())):
        where.setdefault(code, (position, []))[1].append(period)
    return MeasureTable(frame, columns, labels, where)


def periods(measure_id: str, area_code: str) -> list[str]:
    """The periods with a figure for an area, oldest first."""
    return list(table(measure_id).where.get(area_code, (0, []))[1])


def row(measure_id: str, area_code: str, period: str | int | None = None) -> dict:
    """An area's figure for a measure in a period (None: the area's own latest period with a figure).

    Raises:
        ValueError naming the periods available when there is no figure.
    """
    found_table = table(measure_id)
    start, found = found_table.where.get(area_code, (0, []))
    if not found:
        raise ValueError(f"no {measure(measure_id).name} figure for {area_code}")
    chosen = found[-1] if period is None else str(period)
    if chosen not in found:
        name = found_table.record(start)["area_name"]
        raise ValueError(
            f"no {measure(measure_id).name} figure for {name} ({area_code}) in {period}; "
            f"periods available: {_span(found)}"
        )
    return found_table.record(start + found.index(chosen))


def latest_shared_period(measure_id: str, area_codes: list[str]) -> str:
    """The latest period in which every one of the areas has a figure (ValueError if none)."""
    shared = set.intersection(*(set(periods(measure_id, code)) for code in area_codes))
    if not shared:
        raise ValueError(f"no period with a {measure(measure_id).name} figure for all of {', '.join(area_codes)}")
    return max(shared, key=lambda p: (start_year(p), p))


def series(measure_id: str, area_code: str) -> pd.DataFrame:
    """Every period of an area's figures, oldest first (empty if none)."""
    found_table = table(measure_id)
    start, found = found_table.where.get(area_code, (0, []))
    return found_table.frame.iloc[start : start + len(found)].reset_index(drop=True)


@per_database
def level_values(measure_id: str, level: str, period: str) -> pd.DataFrame:
    """Every area of a mart level (lad, city_region, itl1 …) in one period (shared: don't mutate)."""
    frame = table(measure_id).frame
    return frame[(frame["level"] == level) & (frame["period"] == period)].reset_index(drop=True)


@per_database
def level_periods(measure_id: str, level: str) -> list[str]:
    """Periods with a figure for any area of a level, oldest first."""
    frame = table(measure_id).frame
    found = frame.loc[frame["level"] == level, "period"].unique().tolist()
    return sorted(found, key=lambda p: (start_year(p), p))


@per_database
def members(area_code: str) -> list[str]:
    """The direct members of an aggregate (councils; regions; city regions), empty for a council (shared: don't
    mutate)."""
    return query("SELECT member_code FROM mart_members WHERE area_code = ? ORDER BY member_code", [area_code])[
        "member_code"
    ].tolist()


def method_text(found: dict) -> str:
    """How a figure was obtained, in words: 'published by ONS', 'published for TLD3 (the same councils)', or the
    derivation with its coverage."""
    if found["method"] == "published":
        if found["published_as"] and found["published_as"] != found["area_code"]:
            return f"as published for {found['published_as']} (made of the same councils)"
        return "as published"
    if found["method"] == "median":
        return (
            found["coverage_note"]
            or f"median of {found['members_present']} of {found['members_expected']} councils' published figures"
        ) + " (no aggregate figure is published)"
    noun = {"lad": "councils", "itl1": "regions", "city_region": "city regions"}.get(found["member_level"], "councils")
    if found["level"] == "lad":
        return "computed from the council's own published totals"
    return found["coverage_note"] or f"derived from {found['members_present']} of {found['members_expected']} {noun}"


def reconciliation() -> pd.DataFrame:
    """Every figure published by ONS beside the same figure derived from its members, with the difference."""
    return query("""SELECT area_code, area_name, level, measure_id, period, published_value, derived_value, difference,
                           difference_pct, tolerance_pct, tolerance_reason, members_present, members_expected,
                           coverage_complete, explained, checked, within_tolerance, published_as
                    FROM reconciliation ORDER BY measure_id, level, area_code, period""")


@per_database
def reconciliation_summary() -> pd.DataFrame:
    """One row per measure and level: how many published figures were compared with their derivation, how many were
    checked against the tolerance, the largest checked difference, and how many differ for a structural reason
    (shared: don't mutate)."""
    return query("""SELECT measure_id, level, count(*) AS compared, count(*) FILTER (WHERE checked) AS checked,
                           max(abs(difference_pct)) FILTER (WHERE checked) AS largest_difference_pct,
                           any_value(tolerance_pct) AS tolerance_pct,
                           count(*) FILTER (WHERE checked AND abs(difference_pct) > 0.1) AS above_0_1_pct,
                           count(*) FILTER (WHERE explained <> '') AS explained,
                           count(*) FILTER (WHERE NOT coverage_complete) AS partial
                    FROM reconciliation GROUP BY ALL ORDER BY measure_id, level""")


@per_database
def coverage_summary() -> pd.DataFrame:
    """One row per measure and level: how many figures rest on fewer members than their definition names (shared:
    don't mutate)."""
    return query("""SELECT measure_id, level, count(*) AS figures,
                           count(*) FILTER (WHERE NOT coverage_complete) AS partial,
                           min(members_present) FILTER (WHERE NOT coverage_complete) AS fewest_members,
                           string_agg(DISTINCT period, ', ' ORDER BY period) FILTER (WHERE NOT coverage_complete)
                               AS periods
                    FROM aggregates GROUP BY ALL HAVING count(*) FILTER (WHERE NOT coverage_complete) > 0
                    ORDER BY measure_id, level""")


def coverage() -> pd.DataFrame:
    """Every figure resting on fewer members than its definition names, with what is missing."""
    return query("""SELECT area_code, area_name, level, measure_id, period, method, members_present, members_expected,
                           councils_present, councils_expected, coverage_note
                    FROM aggregates WHERE NOT coverage_complete ORDER BY measure_id, level, area_code, period""")


def _span(found: list[str]) -> str:
    return found[0] if len(found) == 1 else f"{found[0]} to {found[-1]}"
