"""GVA and productivity gaps on explicit, switchable definitions; decomposition; scenarios.

Every aggregate (a city region, the Core Cities, the UK, the UK excluding London) is computed the same way:
total GVA of its member local authorities divided by their total denominator (residents, filled jobs or hours worked),
within one release, so vintages never mix.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import pandas as pd

from indicators import geography
from indicators.memo import per_database
from indicators.observations import observations, wide
from indicators.provenance import releases_for

WEEKS_PER_YEAR = 52  # ONS hours are average weekly hours; annual hours = weekly hours x 52


@dataclass(frozen=True)
class Basis:
    """How GVA is divided: what the ratio means and which indicators build its numerator and denominator."""

    key: str
    label: str
    unit: str
    denominator_label: str
    indicator_ids: tuple[str, ...]
    formula: str


BASES = {
    "head": Basis(
        "head", "GVA per head", "£ per resident", "residents", ("gva_current", "population"),
        "GVA (current basic prices, £m × 1,000,000) ÷ resident population (mid-year)",
    ),
    "job": Basis(
        "job", "GVA per filled job", "£ per filled job", "filled jobs", ("gva_per_job", "filled_jobs"),
        "Σ(GVA per filled job × filled jobs) ÷ Σ filled jobs over member local authorities",
    ),
    "hour": Basis(
        "hour", "GVA per hour worked", "£ per hour", "hours worked a year", ("gva_per_hour", "hours_worked"),
        f"Σ(GVA per hour × weekly hours × {WEEKS_PER_YEAR}) ÷ Σ(weekly hours × {WEEKS_PER_YEAR}) over member local authorities",
    ),
}
BENCHMARKS = {
    "uk": "UK (less Extra-Regio)",
    "uk-ex-london": "UK excluding London",
    "core-cities": "Core Cities average",
}
UK_CODE = "UKX"


def basis(key: str) -> Basis:
    if key not in BASES:
        raise ValueError(f"unknown basis {key!r}; valid: {', '.join(BASES)}")
    return BASES[key]


def check_geography(key: str) -> str:
    if key not in geography.GEOGRAPHIES:
        raise ValueError(f"unknown geography {key!r}; valid: {', '.join(geography.GEOGRAPHIES)}")
    return key


# ---------------------------------------------------------------- pure arithmetic (tested on small fixtures)


def components_from_wide(frame: pd.DataFrame, basis_key: str) -> pd.DataFrame:
    """Numerator (GVA £) and denominator per local authority from one row per area with the basis's indicators.

    Args:
        frame: columns area_code plus the basis's indicator ids (e.g. gva_per_hour, hours_worked).
        basis_key: 'head', 'job' or 'hour'.
    Returns:
        area_code, gva_gbp, denominator; rows missing either input are dropped.
    """
    if basis_key == "head":
        gva, denominator = frame["gva_current"] * 1_000_000, frame["population"]
    elif basis_key == "job":
        gva, denominator = frame["gva_per_job"] * frame["filled_jobs"], frame["filled_jobs"]
    else:
        hours = frame["hours_worked"] * WEEKS_PER_YEAR
        gva, denominator = frame["gva_per_hour"] * hours, hours
    out = pd.DataFrame({"area_code": frame["area_code"], "gva_gbp": gva, "denominator": denominator})
    return out.dropna().reset_index(drop=True)


def aggregate(components: pd.DataFrame, lad_codes: list[str]) -> tuple[float, float, int]:
    """Total GVA, total denominator and number of member areas found, for a set of local authorities."""
    members = components[components["area_code"].isin(lad_codes)]
    return float(members["gva_gbp"].sum()), float(members["denominator"].sum()), len(members)


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
    """Years for a value/benchmark ratio to reach 1 at its average annual change over the window given.

    Args:
        ratios: value ÷ benchmark indexed by year (int), oldest first, at least two years.
    Returns:
        dict with annual_change_pct, years_to_close (None when never) and a plain-English verdict.
    """
    first_year, last_year = int(ratios.index[0]), int(ratios.index[-1])
    start, end = float(ratios.iloc[0]), float(ratios.iloc[-1])
    span = last_year - first_year
    change = (end / start) ** (1 / span) - 1
    if end >= 1:
        return {"annual_change_pct": change * 100, "years_to_close": 0.0, "verdict": "already at or above the benchmark"}
    if change <= 0:
        return {"annual_change_pct": change * 100, "years_to_close": None, "verdict": "never at current trend (the gap is widening)"}
    years = math.log(1 / end) / math.log(1 + change)
    return {
        "annual_change_pct": change * 100,
        "years_to_close": years,
        "verdict": f"closes in about {years:.0f} years (around {last_year + math.ceil(years)}) at the {first_year}–{last_year} trend",
    }


def required_growth_premium(ratio: float, years: int) -> float:
    """Extra annual growth (percentage points above the benchmark's) needed to close a gap in `years` years."""
    if years <= 0:
        raise ValueError("target year must be after the data year")
    return ((1 / ratio) ** (1 / years) - 1) * 100


# ---------------------------------------------------------------- warehouse-backed functions


@per_database
def lad_components(basis_key: str, year: int) -> pd.DataFrame:
    """Numerator and denominator for every local authority (and UKX) on a basis in a year."""
    frame = wide(list(basis(basis_key).indicator_ids), periods=[str(year)])
    missing = [i for i in basis(basis_key).indicator_ids if i not in frame.columns]
    if frame.empty or missing:
        raise ValueError(f"no {basis(basis_key).label} data for {year}; available years: {available_years(basis_key)}")
    return components_from_wide(frame, basis_key)


@per_database
def available_years(basis_key: str) -> list[int]:
    """Years in which every input of a basis has data."""
    ids = list(basis(basis_key).indicator_ids)
    frame = observations(ids, area_codes=[geography.core_cities()["lad_code"].iloc[0]])
    years = frame.groupby("period")["indicator_id"].nunique()
    return sorted(int(p) for p, n in years.items() if n == len(ids))


def resolve_area(area_code: str, geography_key: str) -> tuple[str, str, list[str]]:
    """The area actually measured (a council, or its city region), its name and its member LADs."""
    check_geography(geography_key)
    names = geography.area_names()
    code = area_code
    lads = geography.member_lads(area_code)
    if geography_key == "city-region" and lads == [area_code]:
        code = geography.city_region_of(area_code)
        lads = geography.member_lads(code)
    return code, names.get(code, code), lads


def benchmark_members(benchmark: str, geography_key: str) -> tuple[str, list[str]]:
    """Label and member LADs of a benchmark: 'uk', 'uk-ex-london', 'core-cities' or any area code."""
    all_lads = geography.local_authorities()["lad_code"].tolist()
    if benchmark == "uk":
        return BENCHMARKS["uk"], all_lads
    if benchmark == "uk-ex-london":
        london = set(geography.london_lads())
        return BENCHMARKS["uk-ex-london"], [c for c in all_lads if c not in london]
    if benchmark == "core-cities":
        return f"{BENCHMARKS['core-cities']} ({geography.GEOGRAPHIES[geography_key].split(' (')[0].lower()}s)", core_cities_members(geography_key)
    try:
        _, name, lads = resolve_area(benchmark, "council")
    except ValueError:
        raise ValueError(
            f"unknown benchmark {benchmark!r}; valid: {', '.join(BENCHMARKS)} or an area code (LAD, city region, ITL1)"
        ) from None
    return name, lads


def core_cities_members(geography_key: str) -> list[str]:
    """Member LADs of the ten Core Cities on a geography (the ten councils, or their ten city regions)."""
    cities = geography.core_cities()
    if check_geography(geography_key) == "council":
        return cities["lad_code"].tolist()
    return sorted({lad for code in cities["city_region_code"] for lad in geography.member_lads(code)})


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
    provenance: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


@per_database
def gap(area_code: str, basis_key: str = "hour", geography_key: str = "council", benchmark: str = "uk", year: int | None = None) -> GapResult:
    """An area's value on a basis against a benchmark in a year, with the £ gap a year and provenance."""
    chosen = basis(basis_key)
    year = year or available_years(basis_key)[-1]
    components = lad_components(basis_key, year)
    code, name, lads = resolve_area(area_code, geography_key)
    gva, denominator, found = aggregate(components, lads)
    if not found:
        raise ValueError(f"no {chosen.label} data for {name} in {year}")
    benchmark_name, benchmark_lads = benchmark_members(benchmark, geography_key)
    benchmark_gva, benchmark_denominator, _ = aggregate(components, benchmark_lads)
    value, benchmark_value = gva / denominator, benchmark_gva / benchmark_denominator
    figures = gap_figures(value, benchmark_value, denominator)
    return GapResult(
        area_code=code, area_name=name, basis=basis_key, geography=geography_key, benchmark=benchmark,
        benchmark_name=benchmark_name, year=year, value=value, benchmark_value=benchmark_value,
        denominator=denominator, unit=chosen.unit, denominator_unit=chosen.denominator_label, **figures,
        provenance={
            "formula": f"value = {chosen.formula}; gap % = (value ÷ benchmark − 1) × 100; "
            f"£ gap a year = (benchmark − value) × {chosen.denominator_label}",
            "area_members": lads,
            "benchmark_members_count": len(benchmark_lads),
            "indicators": list(chosen.indicator_ids),
            "period": str(year),
            "releases": releases_for(list(chosen.indicator_ids)),
        },
    )


def gap_table(basis_key: str = "hour", geography_key: str = "council", benchmark: str = "uk", year: int | None = None) -> pd.DataFrame:
    """The gap for each of the ten Core Cities on one definition."""
    rows = [gap(code, basis_key, geography_key, benchmark, year).to_dict() for code in geography.core_cities()["lad_code"]]
    frame = pd.DataFrame(rows).drop(columns="provenance")
    frame.insert(0, "city", geography.core_cities()["city"].tolist())
    return frame


@per_database
def core_cities_gap(basis_key: str = "hour", geography_key: str = "council", benchmark: str = "uk", year: int | None = None) -> dict:
    """The Core Cities together: the net gap (combined average vs benchmark) and the sum of shortfalls of cities below it."""
    chosen = basis(basis_key)
    year = year or available_years(basis_key)[-1]
    components = lad_components(basis_key, year)
    benchmark_name, benchmark_lads = benchmark_members(benchmark, geography_key)
    benchmark_gva, benchmark_denominator, _ = aggregate(components, benchmark_lads)
    benchmark_value = benchmark_gva / benchmark_denominator
    gva, denominator, _ = aggregate(components, core_cities_members(geography_key))
    value = gva / denominator
    table = gap_table(basis_key, geography_key, benchmark, year)
    below = table[table["gap_gbp"] > 0]
    return {
        "basis": basis_key, "geography": geography_key, "benchmark": benchmark, "benchmark_name": benchmark_name, "year": year,
        "unit": chosen.unit, "value": value, "benchmark_value": benchmark_value, "denominator": denominator,
        **gap_figures(value, benchmark_value, denominator),
        "net_gap_gbp_note": "net: (benchmark − Core Cities combined average) × their combined "
        f"{chosen.denominator_label}; cities above the benchmark offset those below",
        "sum_of_shortfalls_gbp": float(below["gap_gbp"].sum()),
        "sum_of_shortfalls_note": f"sum over the {len(below)} cities below the benchmark of (benchmark − city value) × city "
        f"{chosen.denominator_label}; cities above it count as zero",
        "cities": table.to_dict("records"),
        "provenance": {"formula": chosen.formula, "releases": releases_for(list(chosen.indicator_ids))},
    }


@per_database
def gap_series(area_code: str, basis_key: str = "hour", geography_key: str = "council", benchmark: str = "uk") -> pd.DataFrame:
    """The area's value, the benchmark and the gap for every year with data."""
    chosen = basis(basis_key)
    code, name, lads = resolve_area(area_code, geography_key)
    _, benchmark_lads = benchmark_members(benchmark, geography_key)
    frame = wide(list(chosen.indicator_ids))
    rows = []
    for period, group in frame.groupby("period"):
        components = components_from_wide(group, basis_key)
        gva, denominator, found = aggregate(components, lads)
        benchmark_gva, benchmark_denominator, _ = aggregate(components, benchmark_lads)
        if found and denominator and benchmark_denominator:
            value, benchmark_value = gva / denominator, benchmark_gva / benchmark_denominator
            rows.append({"year": int(period), "value": value, "benchmark_value": benchmark_value,
                         **gap_figures(value, benchmark_value, denominator)})
    return pd.DataFrame(rows)


@per_database
def decomposition(area_code: str, geography_key: str = "council", benchmark: str = "uk", year: int | None = None) -> pd.DataFrame:
    """GVA per head = GVA per hour × hours per job × jobs per resident, split against a benchmark (log points).

    GVA and hours come from the productivity release (GVA per hour × hours) so the identity holds exactly;
    population is the ONS mid-year estimate of the same year.
    """
    year = year or available_years("hour")[-1]
    ids = ["gva_per_hour", "hours_worked", "filled_jobs", "population"]
    frame = wide(ids, periods=[str(year)])
    frame["hours"] = frame["hours_worked"] * WEEKS_PER_YEAR
    frame["gva_gbp"] = frame["gva_per_hour"] * frame["hours"]
    frame = frame.rename(columns={"filled_jobs": "jobs"}).dropna(subset=["gva_gbp", "jobs", "population"])
    _, _, lads = resolve_area(area_code, geography_key)
    _, benchmark_lads = benchmark_members(benchmark, geography_key)
    totals = lambda codes: frame[frame["area_code"].isin(codes)][["gva_gbp", "hours", "jobs", "population"]].sum().to_dict()
    return decompose(totals(lads), totals(benchmark_lads))


@per_database
def scenario(
    area_code: str, basis_key: str = "hour", geography_key: str = "council", benchmark: str = "uk",
    year: int | None = None, target_year: int = 2035, trend_window: int = 10,
) -> dict:
    """What closing the gap would mean: £bn a year added, growth premium needed by the target year, years at trend."""
    result = gap(area_code, basis_key, geography_key, benchmark, year)
    series = gap_series(area_code, basis_key, geography_key, benchmark).set_index("year")
    window = series.loc[result.year - trend_window : result.year, "ratio"]
    if len(window) < 2:
        raise ValueError(f"trend window {trend_window} needs at least two years of data before {result.year}")
    return {
        "area_name": result.area_name, "year": result.year, "target_year": target_year,
        "gbp_bn_added_per_year": max(result.gap_gbp, 0) / 1e9,
        "growth_premium_pct_points": required_growth_premium(result.ratio, target_year - result.year) if result.ratio < 1 else 0.0,
        "trend_window": f"{int(window.index[0])}–{int(window.index[-1])}",
        **trend_to_close(window),
        "assumptions": "£ added = (benchmark − value) × today's denominator, at today's prices; the growth premium is the extra "
        "annual growth of the area's value above the benchmark's own growth; the trend is the average annual change of the "
        "value ÷ benchmark ratio over the window.",
    }
