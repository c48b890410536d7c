"""GVA and productivity gaps on explicit, switchable definitions; decomposition; scenarios.

Every figure comes from the aggregates mart (indicators.data.aggregates): the ONS-published figure wherever a release
publishes one (the UK, nations and regions, ONS city regions, a council), otherwise Σ GVA ÷ Σ denominator over the
area's member councils, computed once at build time and labelled with its coverage (a council's statistical
neighbours, NEIGHBOURS_<council>, are always derived so). An area and its benchmark are always compared in the same
period of the same release.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields

import numpy as np
import pandas as pd

from indicators.data import aggregates, geography
from indicators.data.memo import per_database
from indicators.data.provenance import releases_for
from indicators.domain import formatting
from indicators.domain.measure_spec import BASIS_MEASURE, LATER_VINTAGE, MEASURES, WEEKS_PER_YEAR


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
        "GVA (current basic prices, £m × 1,000,000) ÷ resident population (mid-year); ONS's published figure for the UK, "
        "nations, regions and any area made of whole councils, otherwise Σ GVA ÷ Σ population over member councils",
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
    "neighbours": "Statistical neighbours",  # the chosen council's 15 (indicators.domain.similarity), computed at build time
}
STANDARD_BENCHMARKS = ("uk", "uk-ex-london", "core-cities")  # the same area whoever is measured
NEIGHBOURS_GEOGRAPHY = "Statistical neighbours are defined for councils: choose the council geography"
UK_CODE = aggregates.UK


def basis(key: str) -> Basis:
    if key not in BASES:
        raise ValueError(f"unknown basis {key!r}; valid: {', '.join(BASES)}")
    return BASES[key]


def check_geography(key: str) -> str:
    if key not in geography.GEOGRAPHIES:
        raise ValueError(f"unknown geography {key!r}; valid: {', '.join(geography.GEOGRAPHIES)}")
    return key


# ---------------------------------------------------------------- pure arithmetic (tested on small fixtures)


def gap_figures(value: float, benchmark_value: float, denominator: float) -> dict:
    """Ratio, percentage gap (negative when below) and £ gap a year ((benchmark − value) × denominator)."""
    ratio = value / benchmark_value
    return {
        "ratio": ratio,
        "gap_pct": (ratio - 1) * 100,
        "gap_gbp": (benchmark_value - value) * denominator,
    }


def decompose(area: dict, benchmark: dict) -> pd.DataFrame:
    """Split a GVA-per-head gap into productivity, hours per job and jobs per resident, in log points.

    Args:
        area, benchmark: dicts with gva_gbp, hours, jobs, population.
    Returns:
        one row per factor (and a 'total' row) with the area and benchmark values, log points (100 × ln ratio)
        and percentage-point share of the total percentage gap; the factor log points add up exactly to the total.
    """
    factors = [
        ("GVA per hour worked", "£ per hour", lambda d: d["gva_gbp"] / d["hours"]),
        ("Hours per filled job", "hours a year", lambda d: d["hours"] / d["jobs"]),
        ("Filled jobs per resident", "jobs per resident", lambda d: d["jobs"] / d["population"]),
    ]
    rows = []
    for name, unit, measure in factors:
        rows.append({"component": name, "unit": unit, "value": measure(area), "benchmark_value": measure(benchmark)})
    total_ratio = (area["gva_gbp"] / area["population"]) / (benchmark["gva_gbp"] / benchmark["population"])
    rows.append(
        {
            "component": "GVA per head (total)",
            "unit": "£ per resident",
            "value": area["gva_gbp"] / area["population"],
            "benchmark_value": benchmark["gva_gbp"] / benchmark["population"],
        }
    )
    frame = pd.DataFrame(rows)
    frame["log_points"] = 100 * (frame["value"] / frame["benchmark_value"]).map(math.log)
    total_log = 100 * math.log(total_ratio)
    total_pct = (total_ratio - 1) * 100
    frame["share_of_gap_pct_points"] = frame["log_points"] / total_log * total_pct if total_log else 0.0
    return frame


def trend_to_close(ratios: pd.Series) -> dict:
    """Years for a value/benchmark ratio to reach 1 at its trend over the window given.

    The trend is the ratio's average annual change fitted over every year of the window (least squares on its
    logarithm), so one unusual first or last year does not decide it; with two years it is their change.
    Args:
        ratios: value ÷ benchmark indexed by year (int), oldest first, at least two years.
    Returns:
        dict with annual_change_pct, years_to_close (None when never) and verdict, a whole sentence.
    """
    first_year, last_year = int(ratios.index[0]), int(ratios.index[-1])
    years = np.asarray(ratios.index, dtype=float)
    slope = np.polyfit(years - years.mean(), np.log(np.asarray(ratios, dtype=float)), 1)[0]
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
    return ((1 / ratio) ** (1 / years) - 1) * 100


# ---------------------------------------------------------------- warehouse-backed functions


@per_database
def available_years(basis_key: str) -> list[int]:
    """Years with a UK figure on a basis (the years the app offers)."""
    return [int(p) for p in aggregates.periods(basis(basis_key).measure_id, UK_CODE)]


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
        return UK_CODE, BENCHMARKS["uk"]
    if benchmark == "uk-ex-london":
        return aggregates.UK_EX_LONDON, BENCHMARKS["uk-ex-london"]
    if benchmark == "core-cities":
        if geography_key == "council":
            return aggregates.CORE_COUNCILS, f"{BENCHMARKS['core-cities']} (councils)"
        return aggregates.CORE_CITY_REGIONS, f"{BENCHMARKS['core-cities']} (city regions)"
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
    if area_code in (aggregates.CORE_COUNCILS, aggregates.CORE_CITY_REGIONS):
        raise ValueError(
            "Statistical neighbours are defined for councils, one at a time, not for the Core Cities "
            "together: each city's gap against its own neighbours is shown city by city"
        )
    if area_code not in geography.lad_code_set():
        raise ValueError(
            f"Statistical neighbours are defined for councils: {names.get(area_code, area_code[:20])} is not a council"
        )
    code = aggregates.neighbours_code(area_code)
    if code not in names:
        raise ValueError(f"no statistical neighbours were computed for {names.get(area_code, area_code)}")
    return code, f"{names[code]} ({len(aggregates.members(code))} councils)"


def core_cities_code(geography_key: str) -> str:
    """The Core Cities together on a geography: their ten councils, or their ten city regions."""
    return aggregates.CORE_COUNCILS if check_geography(geography_key) == "council" else aggregates.CORE_CITY_REGIONS


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


@per_database
def gap(
    area_code: str,
    basis_key: str = "hour",
    geography_key: str = "council",
    benchmark: str = "uk",
    year: int | None = None,
) -> GapResult:
    """An area's value on a basis against a benchmark in a year (None: the latest year both have), with the £ gap a
    year and provenance. Raises ValueError naming the years available when there is no figure."""
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
    basis_key: str = "hour", geography_key: str = "council", benchmark: str = "uk", year: int | None = None
) -> pd.DataFrame:
    """The gap for each of the ten Core Cities on one definition."""
    rows = [
        gap(code, basis_key, geography_key, benchmark, year).to_dict() for code in geography.core_cities()["lad_code"]
    ]
    frame = pd.DataFrame(rows).drop(columns="provenance")
    frame.insert(0, "city", geography.core_cities()["city"].tolist())
    return frame


@per_database
def core_cities_gap(
    basis_key: str = "hour", geography_key: str = "council", benchmark: str = "uk", year: int | None = None
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
        "sum_of_shortfalls_note": f"sum over the {len(below)} cities below the benchmark of (benchmark − city value) × city "
        f"{chosen.denominator_label}; cities above it count as zero",
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


@per_database
def gap_series(
    area_code: str, basis_key: str = "hour", geography_key: str = "council", benchmark: str = "uk"
) -> pd.DataFrame:
    """The area's value, the benchmark and the gap for every year both have a figure."""
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


@per_database
def decomposition(
    area_code: str, geography_key: str = "council", benchmark: str = "uk", year: int | None = None
) -> pd.DataFrame:
    """GVA per head = GVA per hour × hours per job × jobs per resident, split against a benchmark (log points)."""
    year = year or available_years("hour")[-1]
    code, _ = resolve_area(area_code, geography_key)
    bench_code, _ = benchmark_area(benchmark, geography_key, code)
    return decompose(decomposition_inputs(code, year), decomposition_inputs(bench_code, year))


@per_database
def scenario(
    area_code: str,
    basis_key: str = "hour",
    geography_key: str = "council",
    benchmark: str = "uk",
    year: int | None = None,
    target_year: int = 2035,
    trend_window: int = 10,
) -> dict:
    """What closing the gap would mean: £bn a year added, growth premium needed by the target year, years at trend."""
    result = gap(area_code, basis_key, geography_key, benchmark, year)
    series = gap_series(area_code, basis_key, geography_key, benchmark).set_index("year")
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
        "assumptions": "£ added = (benchmark − value) × today's denominator, at today's prices; the growth premium is the extra "
        "annual growth of the area's value above the benchmark's own growth; the trend is the average annual change of the "
        "value ÷ benchmark ratio over the window.",
    }
