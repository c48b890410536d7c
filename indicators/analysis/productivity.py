"""GVA and productivity gaps on explicit, switchable definitions; decomposition; scenarios.

Every figure comes from the aggregates mart (indicators.data.aggregates): the ONS-published figure wherever a release
publishes one (the UK, nations and regions, ONS city regions, a council), otherwise Σ GVA ÷ Σ denominator over the
area's member councils, computed once at build time and labelled with its coverage (a council's statistical
neighbours, NEIGHBOURS_<council>, are always derived so). An area and its benchmark are always compared in the same
period of the same release.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import pandas as pd

from indicators.data import aggregates, geography
from indicators.data.memo import per_database
from indicators.data.provenance import releases_for
from indicators.domain import areas
from indicators.domain.definition import DEFAULT, Definition
from indicators.domain.measure_spec import LATER_VINTAGE, MEASURES
from indicators.domain.neighbours import NEIGHBOURS_GEOGRAPHY, neighbours_code
from indicators.domain.productivity import BASES as BASES
from indicators.domain.productivity import (
    BENCHMARKS,
    Basis,
    basis,
    decompose,
    gap_figures,
    required_growth_premium,
    trend_to_close,
)
from indicators.domain.productivity import STANDARD_BENCHMARKS as STANDARD_BENCHMARKS


def check_geography(key: str) -> str:
    if key not in geography.GEOGRAPHIES:
        raise ValueError(f"unknown geography {key!r}; valid: {', '.join(geography.GEOGRAPHIES)}")
    return key


# ---------------------------------------------------------------- warehouse-backed functions


@per_database
def available_years(basis_key: str) -> list[int]:
    """Years with a UK figure on a basis (the years the app offers)."""
    return [int(p) for p in aggregates.periods(basis(basis_key).measure_id, areas.UK)]


def resolve_area(area_code: str, geography_key: str) -> tuple[str, str]:
    """The area actually measured (a council, or the city region it sits in) and its name."""
    check_geography(geography_key)
    names = geography.area_names()
    if area_code not in names:
        raise ValueError(
            f"unknown area code {area_code[:20]!r}: use a local authority, city region, combined authority "
            "or ITL region code"
        )
    code = area_code
    if geography_key == "city-region" and area_code in geography.lad_code_set():
        code = geography.city_region_of(area_code)
    return code, names.get(code, code)


def benchmark_area(benchmark: str, geography_key: str, area_code: str | None = None) -> tuple[str, str]:
    """The area code and label of a benchmark: 'uk', 'uk-ex-london', 'core-cities' (the ten councils or the ten city
    regions, following the geography), 'neighbours' (the statistical neighbours of `area_code`, the council measured)
    or any area code (a peer).

    Raises:
        ValueError for an unknown benchmark, or statistical neighbours asked of anything but a council on the
        council geography.
    """
    check_geography(geography_key)
    if benchmark == "neighbours":
        return neighbours_area(geography_key, area_code)
    if benchmark == "uk":
        return areas.UK, BENCHMARKS["uk"]
    if benchmark == "uk-ex-london":
        return areas.UK_EX_LONDON, BENCHMARKS["uk-ex-london"]
    if benchmark == "core-cities":
        if geography_key == "council":
            return areas.CORE_COUNCILS, f"{BENCHMARKS['core-cities']} (councils)"
        return areas.CORE_CITY_REGIONS, f"{BENCHMARKS['core-cities']} (city regions)"
    names = geography.area_names()
    if benchmark not in names:
        raise ValueError(
            f"unknown benchmark {benchmark!r}; valid: {', '.join(BENCHMARKS)} or an area code "
            "(council, city region, combined authority, ITL region)"
        )
    return benchmark, names[benchmark]


def neighbours_area(geography_key: str, area_code: str | None) -> tuple[str, str]:
    """A council's statistical neighbours as a benchmark: NEIGHBOURS_<council> and e.g. 'Statistical neighbours of
    Birmingham (15 councils)'. ValueError on the city-region geography or for anything but a council."""
    if geography_key != "council":
        raise ValueError(NEIGHBOURS_GEOGRAPHY)
    names = geography.area_names()
    if area_code is None:
        raise ValueError("Statistical neighbours are defined for councils: name the council they neighbour")
    if area_code in (areas.CORE_COUNCILS, areas.CORE_CITY_REGIONS):
        raise ValueError(
            "Statistical neighbours are defined for councils, one at a time, not for the Core Cities "
            "together: each city's gap against its own neighbours is shown city by city"
        )
    if area_code not in geography.lad_code_set():
        raise ValueError(
            f"Statistical neighbours are defined for councils: {names.get(area_code, area_code[:20])} is not a council"
        )
    code = neighbours_code(area_code)
    if code not in names:
        raise ValueError(f"no statistical neighbours were computed for {names.get(area_code, area_code)}")
    return code, f"{names[code]} ({len(aggregates.members(code))} councils)"


def core_cities_code(geography_key: str) -> str:
    """The Core Cities together on a geography: their ten councils, or their ten city regions."""
    return areas.CORE_COUNCILS if check_geography(geography_key) == "council" else areas.CORE_CITY_REGIONS


def figure_provenance(found: dict) -> dict:
    """How one figure was obtained: method in words, members, coverage and releases (for panels, CLI and downloads)."""
    return {
        "area_code": found["area_code"],
        "name": found["area_name"],
        "method": found["method"],
        "how": aggregates.method_text(found),
        "published_as": found["published_as"],
        "members_expected": int(found["members_expected"]),
        "members_present": int(found["members_present"]),
        "coverage_complete": bool(found["coverage_complete"]),
        "coverage_note": found["coverage_note"],
        "source_ids": found["source_id"].split(";"),
    }


def later_vintage_note(measure_id: str, found: dict) -> str:
    """Where a derived figure has an ONS-published counterpart only in a later release, say so (never mixed)."""
    later = LATER_VINTAGE.get(measure_id)
    if not later or found["method"] == "published":
        return ""
    try:
        published = aggregates.row(later, found["area_code"], found["period"])
    except ValueError:
        return ""
    return (
        f"ONS publishes {MEASURES[later].name.split(' (')[0]} for {found['area_name']} only in a later release "
        f"(June 2025: {published['value']:,.2f} for {found['period']}, on revised GVA); it is not mixed with the June "
        "2024 figures used here"
    )


@dataclass
class GapResult:
    """A value against a benchmark on stated definitions, with how it was calculated."""

    area_code: str
    area_name: str
    basis: str
    geography: str
    benchmark: str
    benchmark_name: str
    year: int
    value: float
    benchmark_value: float
    ratio: float
    gap_pct: float
    gap_gbp: float
    denominator: float
    unit: str
    denominator_unit: str
    method: str
    benchmark_method: str
    coverage_note: str
    provenance: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """The fields as a dict (shallow: the provenance is shared, as the result is)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def gap(d: Definition) -> GapResult:
    """The definition's area on its basis against its benchmark in its year (None: the latest year both have), with
    the £ gap a year and provenance; memoised. Raises ValueError naming the years available when there is no figure."""
    return _gap(d.area, d.basis, d.geography, d.benchmark, d.year)


@per_database
def _gap(area_code: str, basis_key: str, geography_key: str, benchmark: str, year: int | None) -> GapResult:
    chosen = basis(basis_key)
    code, name = resolve_area(area_code, geography_key)
    bench_code, bench_name = benchmark_area(benchmark, geography_key, code)
    period = str(year) if year is not None else aggregates.latest_shared_period(chosen.measure_id, [code, bench_code])
    area = aggregates.row(chosen.measure_id, code, period)
    bench = aggregates.row(chosen.measure_id, bench_code, period)
    if pd.isna(area["denominator"]):
        raise ValueError(
            f"{name} has a published {chosen.label} for {period} but no {chosen.denominator_label} to weigh a £ gap by"
        )
    figures = gap_figures(area["value"], bench["value"], area["denominator"])
    notes = [
        n
        for n in (_coverage(area, name), _coverage(bench, bench_name), later_vintage_note(chosen.measure_id, area))
        if n
    ]
    return GapResult(
        area_code=code,
        area_name=name,
        basis=basis_key,
        geography=geography_key,
        benchmark=benchmark,
        benchmark_name=bench_name,
        year=int(period),
        value=float(area["value"]),
        benchmark_value=float(bench["value"]),
        denominator=float(area["denominator"]),
        unit=chosen.unit,
        denominator_unit=chosen.denominator_label,
        method=aggregates.method_text(area),
        benchmark_method=aggregates.method_text(bench),
        coverage_note="; ".join(notes),
        **figures,
        provenance={
            "formula": f"value = {chosen.formula}; gap % = (value ÷ benchmark − 1) × 100; "
            f"£ gap a year = (benchmark − value) × the area's {chosen.denominator_label}",
            "area": figure_provenance(area),
            "benchmark": figure_provenance(bench),
            "area_members": aggregates.members(code) or [code],
            "benchmark_members_count": int(bench["councils_expected"]),
            "indicators": list(chosen.indicator_ids),
            "period": period,
            "note": "; ".join(notes),
            "releases": releases_for(list(chosen.indicator_ids)),
        },
    )


def _coverage(found: dict, name: str) -> str:
    return f"{name}: {found['coverage_note']}" if found["coverage_note"] else ""


def gap_table(
    basis_key: str = DEFAULT.basis,
    geography_key: str = DEFAULT.geography,
    benchmark: str = DEFAULT.benchmark,
    year: int | None = None,
) -> pd.DataFrame:
    """The gap for each of the ten Core Cities on one definition."""
    rows = [
        _gap(code, basis_key, geography_key, benchmark, year).to_dict() for code in geography.core_cities()["lad_code"]
    ]
    frame = pd.DataFrame(rows).drop(columns="provenance")
    frame.insert(0, "city", geography.core_cities()["city"].tolist())
    return frame


@per_database
def core_cities_gap(
    basis_key: str = DEFAULT.basis,
    geography_key: str = DEFAULT.geography,
    benchmark: str = DEFAULT.benchmark,
    year: int | None = None,
) -> dict:
    """The Core Cities together: the net gap (combined figure vs benchmark) and the sum of shortfalls of the cities
    below it. The combined figure is Σ GVA ÷ Σ denominator over the ten councils or city regions (their published
    figures where ONS publishes them), so the net gap is exactly the sum of the ten cities' gaps."""
    chosen = basis(basis_key)
    code = core_cities_code(geography_key)
    bench_code, _ = benchmark_area(benchmark, geography_key, code)
    year = year or int(aggregates.latest_shared_period(chosen.measure_id, [code, bench_code]))
    result = _gap_of(code, chosen, geography_key, benchmark, year)
    table = gap_table(basis_key, geography_key, benchmark, year)
    below = table[table["gap_gbp"] > 0]
    return {
        "basis": basis_key,
        "geography": geography_key,
        "benchmark": benchmark,
        "year": year,
        "unit": chosen.unit,
        **result,
        "net_gap_gbp_note": "net: (benchmark − Core Cities combined figure) × their combined "
        f"{chosen.denominator_label}; cities above the benchmark offset those below",
        "sum_of_shortfalls_gbp": float(below["gap_gbp"].sum()),
        "sum_of_shortfalls_note": f"sum over the {len(below)} cities below the benchmark of (benchmark − city value) "
        f"× city {chosen.denominator_label}; cities above it count as zero",
        "cities": table.to_dict("records"),
    }


def _gap_of(code: str, chosen: Basis, geography_key: str, benchmark: str, year: int) -> dict:
    """value, benchmark_value, denominator, gap figures, coverage and provenance of an aggregate against a benchmark."""
    bench_code, bench_name = benchmark_area(benchmark, geography_key, code)
    area = aggregates.row(chosen.measure_id, code, str(year))
    bench = aggregates.row(chosen.measure_id, bench_code, str(year))
    notes = [n for n in (_coverage(area, area["area_name"]), _coverage(bench, bench_name)) if n]
    return {
        "benchmark_name": bench_name,
        "value": float(area["value"]),
        "benchmark_value": float(bench["value"]),
        "denominator": float(area["denominator"]),
        **gap_figures(area["value"], bench["value"], area["denominator"]),
        "method": aggregates.method_text(area),
        "benchmark_method": aggregates.method_text(bench),
        "coverage_note": "; ".join(notes),
        "provenance": {
            "formula": chosen.formula,
            "area": figure_provenance(area),
            "benchmark": figure_provenance(bench),
            "note": "; ".join(notes),
            "releases": releases_for(list(chosen.indicator_ids)),
        },
    }


def gap_series(d: Definition) -> pd.DataFrame:
    """The area's value, the benchmark and the gap for every year both have a figure (the definition's year is not
    used); memoised, shared: don't mutate."""
    return _gap_series(d.area, d.basis, d.geography, d.benchmark)


@per_database
def _gap_series(area_code: str, basis_key: str, geography_key: str, benchmark: str) -> pd.DataFrame:
    chosen = basis(basis_key)
    code, _ = resolve_area(area_code, geography_key)
    bench_code, _ = benchmark_area(benchmark, geography_key, code)
    area = aggregates.series(chosen.measure_id, code)[["period", "value", "denominator", "method", "coverage_note"]]
    bench = aggregates.series(chosen.measure_id, bench_code)[["period", "value"]].rename(
        columns={"value": "benchmark_value"}
    )
    joined = area.merge(bench, on="period").dropna(subset=["denominator"])
    rows = [
        {
            "year": int(r.period),
            "value": r.value,
            "benchmark_value": r.benchmark_value,
            **gap_figures(r.value, r.benchmark_value, r.denominator),
            "method": r.method,
            "coverage_note": r.coverage_note,
        }
        for r in joined.itertuples()
    ]
    return pd.DataFrame(
        rows, columns=["year", "value", "benchmark_value", "ratio", "gap_pct", "gap_gbp", "method", "coverage_note"]
    )


def decomposition_inputs(area_code: str, year: int) -> dict:
    """GVA, hours, jobs and population of an area in a year, as the decomposition needs them.

    GVA and hours are those behind GVA per hour worked (published GVA per hour × published hours), jobs those behind
    GVA per filled job, population the mid-year estimate (for statistical neighbours, which have no population row,
    the population behind their GVA per head), so the identity GVA per head = GVA per hour × hours per job × jobs per
    resident holds exactly.
    """
    period = str(year)
    hour = aggregates.row("gva_per_hour", area_code, period)
    job = aggregates.row("gva_per_job", area_code, period)
    if aggregates.periods("population", area_code):
        population = aggregates.row("population", area_code, period)["value"]
    else:
        population = aggregates.row("gva_per_head", area_code, period)["denominator"]
    return {
        "gva_gbp": hour["numerator"],
        "hours": hour["denominator"],
        "jobs": job["denominator"],
        "population": population,
    }


def decomposition(d: Definition) -> pd.DataFrame:
    """GVA per head = GVA per hour × hours per job × jobs per resident for the definition's area, split against its
    benchmark in its year (log points; the basis is not used); memoised, shared: don't mutate."""
    return _decomposition(d.area, d.geography, d.benchmark, d.year)


@per_database
def _decomposition(area_code: str, geography_key: str, benchmark: str, year: int | None) -> pd.DataFrame:
    year = year or available_years("hour")[-1]
    code, _ = resolve_area(area_code, geography_key)
    bench_code, _ = benchmark_area(benchmark, geography_key, code)
    return decompose(decomposition_inputs(code, year), decomposition_inputs(bench_code, year))


def scenario(d: Definition, target_year: int = 2035, trend_window: int = 10) -> dict:
    """What closing the definition's gap would mean: £bn a year added, the growth premium needed by the target year,
    years at trend; memoised."""
    return _scenario(d.area, d.basis, d.geography, d.benchmark, d.year, target_year, trend_window)


@per_database
def _scenario(
    area_code: str,
    basis_key: str,
    geography_key: str,
    benchmark: str,
    year: int | None,
    target_year: int,
    trend_window: int,
) -> dict:
    result = _gap(area_code, basis_key, geography_key, benchmark, year)
    series = _gap_series(area_code, basis_key, geography_key, benchmark).set_index("year")
    window = series.loc[result.year - trend_window : result.year, "ratio"]
    if len(window) < 2:
        raise ValueError(f"trend window {trend_window} needs at least two years of data before {result.year}")
    return {
        "area_name": result.area_name,
        "year": result.year,
        "target_year": target_year,
        "gbp_bn_added_per_year": max(result.gap_gbp, 0) / 1e9,
        "growth_premium_pct_points": required_growth_premium(result.ratio, target_year - result.year)
        if result.ratio < 1
        else 0.0,
        "trend_window": f"{int(window.index[0])}–{int(window.index[-1])}",
        **trend_to_close(window),
        "assumptions": "£ added = (benchmark − value) × today's denominator, at today's prices; the growth premium is "
        "the extra annual growth of the area's value above the benchmark's own growth; the trend is the average annual "
        "change of the value ÷ benchmark ratio over the window.",
    }
