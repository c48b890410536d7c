"""What changed between two vintages of the same figures: the pairs of releases the warehouse holds, how their
figures are matched, and the rules for a revision (its size, whether it counts, a summary, a gap then and now).

A figure is *revised* when the newer value lies outside the range the older published figure could stand for: each
release rounds its figures (the June 2024 productivity tables to 1 decimal place, the June 2025 tables to 2, filled
jobs and hours to whole numbers), so two figures differing by no more than half a unit in the last decimal place the
coarser of the two releases publishes may be the same number rounded differently. `Matched.decimals` is that coarser
precision, measured on the extracts (tests/test_revisions.py checks it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Matched:
    """One measure held in both vintages: its id in the older and in the newer release, and the coarser of the two
    releases' published decimal places."""

    old_id: str
    new_id: str
    decimals: int


@dataclass(frozen=True)
class HeadlineSpec:
    """A headline figure both vintages let one compute for the ten Core Cities: a measure (old id, new id) at a
    level ('lad' for the councils, 'city_region' for their city regions), against the UK."""

    old_id: str
    new_id: str
    level: Literal["lad", "city_region"]


@dataclass(frozen=True)
class VintagePair:
    """An older and a newer release of the same figures, and how their figures are matched.

    table: 'observations' (matched on area code and period, measures paired by `measures`) or 'cra' (the CRA
    editions, matched on region, COFOG function, HM Treasury function and financial year).
    """

    pair_id: str
    family: str
    old_source: str
    new_source: str
    table: Literal["observations", "cra"]
    measures: tuple[Matched, ...]
    matched_on: str
    note: str = ""
    headlines: tuple[HeadlineSpec, ...] = ()
    cra_decimals: int = 3


_PRODUCTIVITY_2024_2025 = (
    Matched("gva_per_hour", "gva_per_hour_jun2025", 1),
    Matched("gva_per_job", "gva_per_job_jun2025", 0),
    Matched("gva_per_hour_index", "gva_per_hour_index_jun2025", 1),
    Matched("gva_per_job_index", "gva_per_job_index_jun2025", 1),
    Matched("filled_jobs", "filled_jobs_jun2025", 0),
    Matched("hours_worked", "hours_worked_jun2025", 0),
)
_SAME_AREA_PERIOD = "same area code and period"
_CRA = "same region, COFOG function, HM Treasury function and financial year"
# Every CRA edition is on one basis (its metadata sheet): identifiable spending in £ thousand as published (no price
# adjustment), accruals, by COFOG level 0 and HM Treasury function, with the same 15 function pairs in 2016, 2020 and
# 2025 (tests/test_extract_public_finances.py checks the raw files), so a year two editions publish is compared like
# with like.
_CRA_NOTE = (
    "The years both editions publish, on one basis (£ as published, accruals, the same functions); the dashboard's "
    "figures use the newer edition for each year."
)
_CRA_NOTE_DISJOINT = (
    "The two editions publish no financial year in common (each covers its own five years), so there is nothing "
    "to compare."
)

# Every pair of vintages of the same figures the warehouse holds. Indicator ids differ between vintages (a later
# vintage never shares an id), so each measure's pairing is declared here.
PAIRS: tuple[VintagePair, ...] = (
    VintagePair(
        "productivity-2024-2025",
        "ONS subregional productivity",
        "ons_productivity_jun2024",
        "ons_productivity_jun2025",
        "observations",
        _PRODUCTIVITY_2024_2025,
        _SAME_AREA_PERIOD,
        "Volume indices are left out: June 2024 indexes them to 2019 = 100 and June 2025 to 2022 = 100.",
        (HeadlineSpec("gva_per_hour", "gva_per_hour_jun2025", "city_region"),),
    ),
    VintagePair(
        "productivity-2023-2024",
        "ONS subregional productivity",
        "ons_productivity_jun2023_sni",
        "ons_productivity_jun2024",
        "observations",
        (Matched("gva_per_hour_jun2023", "gva_per_hour", 1),),
        _SAME_AREA_PERIOD + " (GVA per hour worked, 2021, as the Subnational indicators explorer carries it)",
        headlines=(HeadlineSpec("gva_per_hour_jun2023", "gva_per_hour", "lad"),),
    ),
    VintagePair(
        "productivity-2023-2025",
        "ONS subregional productivity",
        "ons_productivity_jun2023_sni",
        "ons_productivity_jun2025",
        "observations",
        (Matched("gva_per_hour_jun2023", "gva_per_hour_jun2025", 2),),
        _SAME_AREA_PERIOD + " (GVA per hour worked, 2021)",
    ),
    VintagePair("cra-2016-2020", "HM Treasury", "hmt_cra_2016", "hmt_cra_2020", "cra", (), _CRA, _CRA_NOTE),
    VintagePair("cra-2020-2025", "HM Treasury", "hmt_cra_2020", "hmt_cra_2025", "cra", (), _CRA, _CRA_NOTE_DISJOINT),
    VintagePair("cra-2016-2025", "HM Treasury", "hmt_cra_2016", "hmt_cra_2025", "cra", (), _CRA, _CRA_NOTE_DISJOINT),
)


def pair(pair_id: str) -> VintagePair:
    """The declared pair with this id; ValueError naming the valid ids otherwise."""
    for found in PAIRS:
        if found.pair_id == pair_id:
            return found
    valid = ", ".join(p.pair_id for p in PAIRS)
    raise ValueError(f"unknown vintage pair {str(pair_id)[:40]!r}; valid: {valid}")


@dataclass(frozen=True)
class Revision:
    """How one figure moved: new − old, the change as a percentage of the old value (None when the old value is
    zero) and whether it counts as revised (beyond rounding)."""

    change: float
    change_pct: float | None
    revised: bool


def tolerance(decimals: int) -> float:
    """Half a unit in the last published decimal place: the most two roundings of one number can differ by."""
    return 0.5 * 10.0**-decimals


def revision(old: float, new: float, decimals: int) -> Revision:
    """The revision from `old` to `new`, published to at most `decimals` places (the coarser release's).

    Raises:
        ValueError for a missing (NaN) value.
    """
    if math.isnan(old) or math.isnan(new):
        raise ValueError(f"cannot compare a missing figure (old {old}, new {new})")
    change = new - old
    change_pct = None if old == 0 else change / abs(old) * 100
    return Revision(change, change_pct, abs(change) > tolerance(decimals) + 1e-9)


@dataclass(frozen=True)
class Summary:
    """A pair's figures compared: how many, how many revised, and the largest move (by its size in per cent)."""

    compared: int
    revised: int
    largest_pct: float | None


def summarise(moves: Sequence[Revision]) -> Summary:
    """How many figures were compared and revised, and the largest revision in per cent (signed; None if none)."""
    revised = [m for m in moves if m.revised and m.change_pct is not None]
    largest = max(revised, key=lambda m: abs(m.change_pct or 0.0), default=None)
    return Summary(len(moves), sum(m.revised for m in moves), None if largest is None else largest.change_pct)


@dataclass(frozen=True)
class GapMove:
    """A gap against a benchmark in each vintage, in per cent ((value ÷ benchmark − 1) × 100), and its change in
    percentage points."""

    old_gap_pct: float
    new_gap_pct: float
    change_points: float


def gap_pct(value: float, benchmark: float) -> float:
    """The gap to a benchmark in per cent: negative when below it."""
    return (value / benchmark - 1) * 100


def gap_move(old_value: float, old_benchmark: float, new_value: float, new_benchmark: float) -> GapMove:
    """The gap in each vintage (each against its own vintage's benchmark) and how many points it moved."""
    old_gap, new_gap = gap_pct(old_value, old_benchmark), gap_pct(new_value, new_benchmark)
    return GapMove(old_gap, new_gap, new_gap - old_gap)


def cited(source_line: str, releases: dict[str, str]) -> list[str]:
    """The source ids whose release text the source line names (`releases`: source id -> release text)."""
    return [source_id for source_id, release in releases.items() if release and release in source_line]


def note_text(other_release: str, cited_is_newer: bool, compared: str, revised: str, largest: str) -> str:
    """The one-line note under a chart whose release was revised (or revises another), the numbers already
    formatted: 'Revised since <older>: of the 40 figures both releases hold, 12 changed, largest +3.1% (see
    Revisions)'. Said of the figures both hold, which need not be the ones this chart draws."""
    lead = f"Revised since {other_release}" if cited_is_newer else f"Since revised in {other_release}"
    return f"{lead}: of the {compared} figures both releases hold, {revised} changed, largest {largest} (see Revisions)"
