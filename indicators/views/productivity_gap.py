"""Productivity gap: the chosen area's gap on its definition and on every other, the scenario of closing it and its
history."""

from __future__ import annotations

from dataclasses import dataclass

from indicators.analysis import choices, measures, productivity
from indicators.domain import formatting
from indicators.domain.definition import Definition, period_for
from indicators.domain.measure_spec import BASIS_MEASURE
from indicators.domain.productivity import BASES
from indicators.exports import charts
from indicators.views import Chart, Tile

SCENARIO_LAST_YEAR = 2050
TREND_WINDOWS = [3, 5, 7, 10, 15]


def area_name(area_code: str) -> str:
    """The area's name as the page's title says it (a Core City by its city's name)."""
    return measures.city_name(area_code)


@dataclass(frozen=True)
class Gap:
    """The three tiles (value, benchmark with the gap, shortfall), the coverage note and the calculation."""

    tiles: list[Tile]
    coverage: str | None
    provenance: dict
    year: int
    area_name: str
    benchmark_name: str
    target_years: list[int]  # the years the scenario may aim at
    default_target: int


def gap(d: Definition) -> Gap:
    """The gap of `d.area` on the definition `d`. Raises ValueError when it cannot be computed."""
    result = productivity.gap(d).to_dict()
    chosen = BASES[d.basis]
    name = measures.city_name(d.area)
    targets = list(range(result["year"] + 1, SCENARIO_LAST_YEAR + 1))
    return Gap(
        tiles=[
            Tile(
                f"{name}, {result['year']}",
                formatting.headline(result["value"], chosen.unit),
                help=f"{chosen.label} ({chosen.unit}), {result['area_name']}: {result['method']}.",
            ),
            Tile(
                result["benchmark_name"],
                formatting.headline(result["benchmark_value"], chosen.unit),
                help=f"{result['benchmark_name']}: {result['benchmark_method']}.",
                delta=f"{formatting.percent(result['gap_pct'], signed=True)} gap",
                gap=result["gap_pct"],
                polarity="higher_is_better",
            ),
            Tile(
                "Shortfall, £ a year" if result["gap_gbp"] >= 0 else "Surplus, £ a year",
                formatting.gbp_bn(abs(result["gap_gbp"]) / 1e9),
                help="(benchmark − value) × the area's hours, jobs or residents: what closing the gap would add a "
                "year.",
            ),
        ],
        coverage=f"Coverage: {result['coverage_note']}." if result["coverage_note"] else None,
        provenance=result["provenance"],
        year=result["year"],
        area_name=result["area_name"],
        benchmark_name=result["benchmark_name"],
        target_years=targets,
        default_target=2035 if 2035 in targets else targets[-1],
    )


def definitions_grid(d: Definition) -> Chart | None:
    """The gap (%) on 3 bases × 2 geographies × 3 benchmarks; None when the area has none."""
    grid = measures.definitions_grid(d.area, d.year)
    if grid.empty:
        return None
    captions = charts.Captions(
        title=f"{measures.city_name(d.area)}: productivity gap (%) on 3 bases × 2 geographies × 3 benchmarks",
        subtitle="negative (red) = below the benchmark; each basis in its chosen year or latest",
        source=measures.source("gva_per_hour", "gva_per_job", "gva_per_head"),
    )
    return Chart(
        lambda: charts.definitions_heatmap(measures.definitions_matrix(d.area, d.year), captions=captions),
        captions,
        cache=(d.area, d.year),
        table=grid,
    )


@dataclass(frozen=True)
class Scenario:
    """What closing the gap by a target year takes, or why it cannot be said (`problem`)."""

    problem: str | None = None
    tiles: list[Tile] | None = None
    verdict: str = ""
    assumptions: str = ""


def scenario(d: Definition, target: int, window: int) -> Scenario:
    """The gap closed by `target` against the trend of the last `window` years."""
    try:
        plan = productivity.scenario(d, target, window)
    except ValueError as problem:
        return Scenario(problem=str(problem))
    return Scenario(
        tiles=[
            Tile("Added if the gap closed", formatting.gbp_bn(plan["gbp_bn_added_per_year"]) + " a year"),
            Tile(
                f"Extra growth to close by {target}",
                f"{formatting.number(plan['growth_premium_pct_points'], 1)} points a year",
                help="Percentage points of annual growth above the benchmark's own growth.",
            ),
            Tile(
                f"Trend {plan['trend_window']}",
                formatting.percent(plan["annual_change_pct"], signed=True) + " a year",
                help="Average annual change of the value relative to the benchmark.",
            ),
        ],
        verdict=plan["verdict"],
        assumptions=plan["assumptions"],
    )


def history(d: Definition, found: Gap, definition_label: str) -> tuple[Chart, Chart]:
    """The area's value and the benchmark's over the years, and the gap (%) each year (`found`: gap(d))."""
    chosen = BASES[d.basis]
    series = productivity.gap_series(d)
    source = measures.source(BASIS_MEASURE[d.basis])
    depends = (d.area, d.basis, d.geography, d.benchmark)
    levels = charts.Captions(
        title=f"{chosen.label}: {found.area_name} and {found.benchmark_name}",
        subtitle=f"{chosen.unit}, current prices · {d.geography.replace('-', ' ')} areas",
        source=source,
    )
    gaps = charts.Captions(
        title=f"{found.area_name}: gap (%) against {found.benchmark_name}",
        subtitle=definition_label,
        source=source,
    )
    return (
        Chart(
            lambda: charts.level_and_benchmark(
                series,
                area_name=found.area_name,
                benchmark_name=found.benchmark_name,
                unit=chosen.unit,
                captions=levels,
            ),
            levels,
            cache=depends,
            table=series,
            unit=chosen.unit,
        ),
        Chart(lambda: charts.gap_bars(series, captions=gaps), gaps, cache=depends, table=series, unit=chosen.unit),
    )


def waterfall(d: Definition) -> Chart:
    """The GVA-per-head gap split into productivity, hours and jobs (log points add up exactly), in the latest year
    with per-hour data on or before `d.year`. Raises ValueError when the area has no decomposition."""
    year = period_for(productivity.available_years("hour"), d.year)  # the factors are per hour worked
    try:
        parts = productivity.decomposition(Definition(d.area, d.geography, benchmark=d.benchmark, year=year))
    except (ValueError, KeyError, IndexError) as problem:
        raise ValueError(f"No decomposition for this area: {problem}") from None
    if d.benchmark == "neighbours":  # name whose neighbours they are
        against = productivity.benchmark_area(d.benchmark, d.geography, d.area)[1]
    else:
        against = choices.benchmark_label(d.benchmark)
    captions = charts.Captions(
        title=f"{area_name(d.area)}: GVA per head gap against {against}, split into productivity, hours and jobs",
        subtitle=f"log points (100 × ln ratio; they add up exactly) · {d.geography.replace('-', ' ')} areas · {year}",
        source=measures.source("gva_per_hour", "gva_per_head"),
    )

    def figure():
        components, steps = measures.waterfall_steps(d.area, d.geography, d.benchmark, year)
        return charts.decomposition_waterfall(components, steps, captions=captions)

    return Chart(figure, captions, cache=(d.area, d.geography, d.benchmark, year), table=parts, y_title="log points")
