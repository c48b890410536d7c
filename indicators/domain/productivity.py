"""Productivity: the bases and benchmarks on offer, and the arithmetic of a gap (no I/O).

A gap compares an area's value on a basis (GVA per head, per filled job, per hour worked) with a benchmark's value in
the same period: a ratio, a percentage and a £ figure a year. The decomposition splits a GVA-per-head gap into
productivity, hours per job and jobs per resident; the scenario functions say what closing a gap would take.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypedDict

import numpy as np
import pandas as pd

from indicators.domain import formatting
from indicators.domain.measure_spec import BASIS_MEASURE, WEEKS_PER_YEAR


@dataclass(frozen=True)
class Basis:
    """How GVA is divided: what the ratio means and which indicators build its numerator and denominator."""

    key: str
    label: str
    unit: str
    denominator_label: str
    indicator_ids: tuple[str, ...]
    formula: str

    @property
    def measure_id(self) -> str:
        return BASIS_MEASURE[self.key]


BASES = {
    "head": Basis(
        "head",
        "GVA per head",
        "£ per resident",
        "residents",
        ("gva_current", "population"),
        "GVA (current basic prices, £m × 1,000,000) ÷ resident population (mid-year); ONS's published figure for the "
        "UK, nations, regions and any area made of whole councils, otherwise Σ GVA ÷ Σ population over member councils",
    ),
    "job": Basis(
        "job",
        "GVA per filled job",
        "£ per filled job",
        "filled jobs",
        ("gva_per_job", "filled_jobs"),
        "ONS's published GVA per filled job (smoothed) for councils, ONS city regions, regions and the UK; elsewhere "
        "Σ(GVA per filled job × filled jobs) ÷ Σ filled jobs over member councils",
    ),
    "hour": Basis(
        "hour",
        "GVA per hour worked",
        "£ per hour",
        "hours worked a year",
        ("gva_per_hour", "hours_worked"),
        "ONS's published GVA per hour worked (smoothed) for councils, ONS city regions, regions and the UK; elsewhere "
        f"Σ(GVA per hour × weekly hours × {WEEKS_PER_YEAR}) ÷ Σ(weekly hours × {WEEKS_PER_YEAR}) over member councils",
    ),
}
BENCHMARKS = {
    "uk": "UK (less Extra-Regio)",
    "uk-ex-london": "UK excluding London",
    "core-cities": "Core Cities average",
    "neighbours": "Statistical neighbours",  # the chosen council's 15 (indicators.domain.similarity), found at build
}
STANDARD_BENCHMARKS = ("uk", "uk-ex-london", "core-cities")  # the same area whoever is measured


def basis(key: str) -> Basis:
    """The basis for a key ('head', 'job', 'hour'); ValueError naming the valid ones."""
    if key not in BASES:
        raise ValueError(f"unknown basis {key!r}; valid: {', '.join(BASES)}")
    return BASES[key]


class GapFigures(TypedDict):
    ratio: float
    gap_pct: float
    gap_gbp: float


def gap_figures(value: float, benchmark_value: float, denominator: float) -> GapFigures:
    """Ratio, percentage gap (negative when below) and £ gap a year ((benchmark − value) × denominator)."""
    ratio = value / benchmark_value
    return {
        "ratio": ratio,
        "gap_pct": (ratio - 1) * 100,
        "gap_gbp": (benchmark_value - value) * denominator,
    }


DECOMPOSITION_FACTORS = (  # (component, unit, numerator, denominator): their product is GVA per head
    ("GVA per hour worked", "£ per hour", "gva_gbp", "hours"),
    ("Hours per filled job", "hours a year", "hours", "jobs"),
    ("Filled jobs per resident", "jobs per resident", "jobs", "population"),
)


def decompose(area: Mapping[str, float], benchmark: Mapping[str, float]) -> pd.DataFrame:
    """Split a GVA-per-head gap into productivity, hours per job and jobs per resident, in log points.

    Args:
        area, benchmark: gva_gbp (£), hours (a year), jobs and population.
    Returns:
        one row per factor (and a 'total' row) with the area and benchmark values, log points (100 × ln ratio)
        and percentage-point share of the total percentage gap; the factor log points add up exactly to the total.
    """
    rows = [
        {
            "component": name,
            "unit": unit,
            "value": area[top] / area[bottom],
            "benchmark_value": benchmark[top] / benchmark[bottom],
        }
        for name, unit, top, bottom in DECOMPOSITION_FACTORS
    ]
    per_head = area["gva_gbp"] / area["population"]
    benchmark_per_head = benchmark["gva_gbp"] / benchmark["population"]
    rows.append(
        {
            "component": "GVA per head (total)",
            "unit": "£ per resident",
            "value": per_head,
            "benchmark_value": benchmark_per_head,
        }
    )
    frame = pd.DataFrame(rows)
    frame["log_points"] = [100 * math.log(v / b) for v, b in zip(frame["value"], frame["benchmark_value"])]
    total_ratio = per_head / benchmark_per_head
    total_log = 100 * math.log(total_ratio)
    total_pct = (total_ratio - 1) * 100
    frame["share_of_gap_pct_points"] = frame["log_points"] / total_log * total_pct if total_log else 0.0
    return frame


class Trend(TypedDict):
    annual_change_pct: float
    years_to_close: float | None
    verdict: str


def trend_to_close(ratios: pd.Series[float]) -> Trend:
    """Years for a value/benchmark ratio to reach 1 at its trend over the window given.

    The trend is the ratio's average annual change fitted over every year of the window (least squares on its
    logarithm), so one unusual first or last year does not decide it; with two years it is their change.
    Args:
        ratios: value ÷ benchmark indexed by year (int), oldest first, at least two years.
    Returns:
        annual_change_pct, years_to_close (None when never) and verdict, a whole sentence.
    """
    first_year, last_year = int(ratios.index[0]), int(ratios.index[-1])
    years = np.asarray(ratios.index, dtype=float)
    slope = float(np.polyfit(years - years.mean(), np.log(np.asarray(ratios, dtype=float)), 1)[0])
    change = math.exp(slope) - 1
    end = float(ratios.iloc[-1])
    trend = f"At the {first_year}–{last_year} trend"
    if end >= 1:
        return {
            "annual_change_pct": change * 100,
            "years_to_close": 0.0,
            "verdict": f"There is no gap to close: in {last_year} the value is at or above the benchmark.",
        }
    if change <= 0:
        return {
            "annual_change_pct": change * 100,
            "years_to_close": None,
            "verdict": f"{trend} the gap does not close: relative to the benchmark the value fell by "
            f"{formatting.percent(-change * 100)} a year.",
        }
    to_close = math.log(1 / end) / math.log(1 + change)
    return {
        "annual_change_pct": change * 100,
        "years_to_close": to_close,
        "verdict": f"{trend} (relative to the benchmark the value rose by {formatting.percent(change * 100)} a year) "
        f"the gap closes in about "
        f"{to_close:.0f} year{'' if round(to_close) == 1 else 's'}, around {last_year + math.ceil(to_close)}.",
    }


def required_growth_premium(ratio: float, years: int) -> float:
    """Extra annual growth (percentage points above the benchmark's) needed to close a gap in `years` years."""
    if years <= 0:
        raise ValueError("target year must be after the data year")
    return float(((1 / ratio) ** (1 / years) - 1) * 100)
