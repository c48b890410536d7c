"""The one definition of what a figure means, its one default, and the one rule for which year is shown.

A `Definition` names the area and the switchable choices behind every productivity and tax-and-spend figure. The
sidebar, the CLI, the briefing and the warm-up all start from `DEFAULT` and pass a `Definition` on; nothing else
types the defaults. Which year is shown when the wanted one has no data is decided by `period_for` alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from indicators.domain.measure_spec import start_year

BIRMINGHAM = "E08000025"  # the first Core City alphabetically: the area a new visitor, CLI call or pack starts on
GEOGRAPHY_KEYS = ("council", "city-region")
BASIS_KEYS = ("head", "job", "hour")

Period = TypeVar("Period", int, str)


def period_for(periods: Sequence[Period], wanted: int | str | None) -> Period:
    """The period shown for a wanted year: that year's period if it has data, else the latest period starting on or
    before it, else the earliest; None asks for the latest. Works on years (2022) and periods ('2023-24'); periods
    starting in the same year are ordered by their text ('2022' before '2022-23'), whatever the order given.

    Raises ValueError when there are no periods, or when `wanted` names no year and no period."""
    if not periods:
        raise ValueError("no periods with data")
    ordered = sorted(periods, key=lambda p: (start_year(str(p)), str(p)))
    if wanted is None:
        return ordered[-1]
    for period in ordered:
        if str(period) == str(wanted):
            return period
    year = start_year(str(wanted))
    earlier = [p for p in ordered if start_year(str(p)) <= year]
    return earlier[-1] if earlier else ordered[0]


@dataclass(frozen=True)
class Definition:
    """What a figure means: the area, its geography, the productivity basis, the benchmark and the year (None: the
    latest with data), plus the tax-and-spend keys (financial year 'YYYY-YY' and the apportionment options as
    (group, key) pairs; empty: the defaults). Frozen and hashable, so it can key a memo."""

    area: str = BIRMINGHAM
    geography: str = "council"
    basis: str = "hour"
    benchmark: str = "uk"
    year: int | None = None
    fiscal_year: str | None = None
    fiscal_options: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if self.geography not in GEOGRAPHY_KEYS:
            raise ValueError(f"unknown geography {self.geography!r}; valid: {', '.join(GEOGRAPHY_KEYS)}")
        if self.basis not in BASIS_KEYS:
            raise ValueError(f"unknown basis {self.basis!r}; valid: {', '.join(BASIS_KEYS)}")
        if self.year is not None:
            try:
                year = int(str(self.year))
            except ValueError:
                raise ValueError(f"year must be a whole number or None, not {self.year!r}") from None
            object.__setattr__(self, "year", year)  # numpy and string years arrive from frames and URLs

    def with_year(self, available: Sequence[int]) -> Definition:
        """This definition with its year resolved by `period_for` against the years that have data."""
        return replace(self, year=period_for(available, self.year))

    def label(self, basis_label: str, benchmark_name: str) -> str:
        """E.g. 'GVA per hour worked · council areas · vs UK (less Extra-Regio) · 2022' (year resolved first)."""
        year = "latest year" if self.year is None else str(self.year)
        return f"{basis_label} · {self.geography.replace('-', ' ')} areas · vs {benchmark_name} · {year}"

    @property
    def options(self) -> dict[str, str]:
        """The tax-and-spend options as a dict (group -> key)."""
        return dict(self.fiscal_options)


DEFAULT = Definition()
