"""The whole place: levels, benchmarks and the significance test of the ONS Subnational indicators, and the scorecard's
spine (no I/O).

An area is significantly better or worse than a benchmark when its 95 % confidence interval lies wholly on one side of
the benchmark's value (Fingertips' test); the scorecard's spine puts each indicator on its own 0-1 scale with the
benchmark at 0.5 and better to the right.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

COUNCIL = "council"
# Level codes as the extract stores them -> words; the order is the order a picker offers them in.
LEVELS = {
    "council": "Councils (local authorities)",
    "council_group": "Councils published together (Cornwall with Scilly, Hackney with the City)",
    "county": "Counties",
    "metropolitan_county": "Metropolitan counties",
    "combined_authority": "Combined authorities",
    "city_region": "City regions",
    "welsh_health_board": "Welsh health boards",
    "police_force_area": "Police force areas",
    "itl3": "ITL3 areas",
    "itl2": "ITL2 areas",
    "itl1": "ITL1 regions",
    "inner_outer_london": "Inner and Outer London",
    "greater_london_authority": "Greater London Authority",
    "region": "English regions",
    "nation": "Nations",
    "country_group": "UK, Great Britain, England and Wales",
    "unallocated": "Not allocated to an area",
}
# The published national comparator, first found: UK, Great Britain, England and Wales, then the council's nation.
NATIONAL_CODES = ("K02000001", "K03000001", "K04000001")
NATION_NAMES = {"E92000001": "England", "W92000004": "Wales", "S92000003": "Scotland", "N92000002": "Northern Ireland"}
NATION_CODES = {"E": "E92000001", "W": "W92000004", "S": "S92000003", "N": "N92000002"}  # first letter of a code
GROUP_NATIONS = {"K02000001": "EWSN", "K03000001": "EWS", "K04000001": "EW"}  # country group -> its nations' letters

# Totals (counts, £ million) are not compared with a national total: their centre is the median council.
TOTAL_UNITS = frozenset({"count", "£ million"})
SIGNIFICANCE = {  # verdict -> (words, marker symbol, colour); words and shape carry it without colour
    "better": ("Significantly better", "triangle-up", "#1A7F37"),
    "worse": ("Significantly worse", "triangle-down", "#C2410C"),
    "higher": ("Significantly higher", "triangle-up", "#4B5563"),
    "lower": ("Significantly lower", "triangle-down", "#4B5563"),
    "similar": ("Similar", "circle", "#B8860B"),
    "not tested": ("Not tested (no confidence limits)", "circle-open", "#4B5563"),
}
COMPARE_SETS = {"core": "Core Cities", "neighbours": "Statistical neighbours of the chosen council", "all": "All areas"}
BOUNDARIES = {COUNCIL: "lad", "itl1": "itl1"}  # levels with boundaries in data/boundaries
SPINE_NAMES = ("value", "core_cities_median", "councils_min", "councils_max", "councils_q1", "councils_q3")


@dataclass(frozen=True)
class Benchmark:
    """A comparator for one indicator: a published figure, or the median of some councils."""

    key: str  # "national", "nation", "region", "core-cities", "neighbours"
    label: str
    value: float | None
    method: str  # in words: "published by ONS" or "median of 10 of 10 Core City councils"


def is_missing(value: object) -> bool:
    """True for no figure: None, NaN or pandas' NA."""
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def significance(
    value: float | None, ci_lower: float | None, ci_upper: float | None, benchmark: float | None, polarity: str
) -> str:
    """Fingertips' test of an area against a benchmark: 'better'/'worse' (or 'higher'/'lower' for a neutral
    indicator) when the area's 95 % confidence interval lies wholly above or below the benchmark value, 'similar'
    when it contains it, 'not tested' without limits or without a benchmark."""
    if value is None or ci_lower is None or ci_upper is None or benchmark is None:
        return "not tested"
    if any(is_missing(v) for v in (value, ci_lower, ci_upper, benchmark)):
        return "not tested"
    if ci_lower > benchmark:
        direction = "higher"
    elif ci_upper < benchmark:
        direction = "lower"
    else:
        return "similar"
    if polarity == "neutral":
        return direction
    return "better" if (direction == "higher") == (polarity == "higher_is_better") else "worse"


def nation_of(area_code: str) -> str | None:
    """The nation an ONS area code belongs to (by its first letter), None for anything else."""
    return NATION_CODES.get(area_code[:1])


def covers(group_code: str, nation: str | None) -> bool:
    """Whether a country group (UK, GB, England and Wales) includes a nation."""
    return nation is not None and nation[:1] in GROUP_NATIONS[group_code]


def spine_positions(row: Mapping[str, Any]) -> dict[str, float | None]:
    """Positions on a 0-1 spine for one scorecard row: benchmark 0.5, better to the right (see place.scorecard).

    Args: benchmark_value, polarity and the SPINE_NAMES figures (value, Core Cities median, councils' range and
        quartiles).
    Returns: x_<name> for each of SPINE_NAMES (None where the figure, the benchmark or the councils' range is missing).
    """
    centre = row["benchmark_value"]
    if any(is_missing(row[n]) for n in ("councils_min", "councils_max")) or is_missing(centre):
        return {f"x_{n}": None for n in SPINE_NAMES}
    sign = -1.0 if row["polarity"] == "lower_is_better" else 1.0
    half = max(abs(row["councils_max"] - centre), abs(centre - row["councils_min"])) or 1.0
    return {f"x_{n}": None if is_missing(row[n]) else 0.5 + sign * (row[n] - centre) / (2 * half) for n in SPINE_NAMES}


def quartiles(values: Iterable[float | None]) -> dict[str, float | None]:
    """min, q1, median, q3 and max of the figures given (missing ones left out; all None when none is left), with
    pandas' linear interpolation between ranks."""
    known = pd.Series([v for v in values if not is_missing(v)], dtype=float)
    names = ("min", "q1", "median", "q3", "max")
    if known.empty:
        return dict.fromkeys(names)
    return dict(zip(names, known.quantile([0, 0.25, 0.5, 0.75, 1]).tolist()))


def sector_change(first: pd.DataFrame, last: pd.DataFrame) -> pd.DataFrame:
    """A council's GVA by section in two years against the UK: location quotients and the change in share.

    Args: each year's rows indexed by industry_code: industry_name, gva (£m), marker, share and uk_share (% of total
        GVA), councils and expected (how many councils the UK's sum rests on, of how many).
    Returns: industry_code, industry_name, gva_first, gva_last, marker_last, share_first, share_last, uk_share_first,
        uk_share_last, lq_first and lq_last (share ÷ UK share), change_pp (share points, last − first), uk_coverage.
    """
    out = pd.DataFrame(
        {
            "industry_name": last["industry_name"],
            "gva_first": first["gva"],
            "gva_last": last["gva"],
            "marker_last": last["marker"],
            "share_first": first["share"],
            "share_last": last["share"],
            "uk_share_first": first["uk_share"],
            "uk_share_last": last["uk_share"],
        }
    )
    out["lq_first"] = out["share_first"] / out["uk_share_first"]
    out["lq_last"] = out["share_last"] / out["uk_share_last"]
    out["change_pp"] = out["share_last"] - out["share_first"]
    out["uk_coverage"] = [f"sum of {n} of {e} councils" for n, e in zip(last["councils"], last["expected"])]
    return out.reset_index()


def boundary_level(level: str) -> str | None:
    """The boundary file drawn for a level, or None when the dashboard carries none for it."""
    return BOUNDARIES.get(level)
