"""Mappable, comparable measures for councils, the Core City regions and the ITL1 regions, read from the aggregates
mart (indicators.data.aggregates): ONS's published figure wherever a release publishes one, otherwise the figure derived
once at build time from the area's member councils, each labelled with its method and coverage.

Measures (indicators.domain.measure_spec) are of three kinds: ``sum`` (a total), ``ratio`` (Σ numerator ÷ Σ denominator,
never an average of ratios) and ``rate`` (published per area and not aggregatable; a benchmark with no published
figure is the median of its councils, and says so).

Everything here is pure Python over the warehouse (no Streamlit). Results that depend only on the measure, level and
period are memoised per database (a bounded set); callers must not mutate them.
"""

from __future__ import annotations

import math

import pandas as pd

from indicators.analysis import productivity
from indicators.data import aggregates, geography
from indicators.data.db import query
from indicators.data.memo import per_database
from indicators.data.provenance import releases_for, source_line
from indicators.domain import formatting
from indicators.domain.areas import UK, UK_WHOLE
from indicators.domain.definition import DEFAULT, Definition, period_for
from indicators.domain.measure_spec import BASIS_MEASURE, MEASURES, Measure, start_year
from indicators.domain.neighbours import NEIGHBOUR_MEASURES
from indicators.domain.productivity import BASES, BENCHMARKS, STANDARD_BENCHMARKS, basis

LEVELS = {"lad": "Local authorities", "city_region": "Core City regions", "itl1": "ITL1 regions and nations"}
# The measures offered in selectors (the June 2025 combined-authority vintage is read only beside June 2024 figures).
REGISTRY: dict[str, Measure] = {key: m for key, m in MEASURES.items() if not key.endswith("_jun2025")}
HEADLINE = ("gva_per_hour", "gva_per_job", "gva_per_head")  # the measures the generated sentences lead with


def measure(measure_id: str) -> Measure:
    """The measure with this id; ValueError naming the valid ids otherwise."""
    if measure_id not in REGISTRY:
        raise ValueError(f"unknown measure {measure_id!r}; valid: {', '.join(REGISTRY)}")
    return REGISTRY[measure_id]


def check_level(level: str) -> str:
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; valid: {', '.join(LEVELS)}")
    return level


def lad_codes() -> list[str]:
    return geography.local_authorities()["lad_code"].tolist()


def years(measure_id: str, level: str = "lad") -> list[str]:
    """Periods with data for a measure at a level, oldest first."""
    return aggregates.level_periods(measure(measure_id).id, check_level(level))


# ---------------------------------------------------------------- values by level

VALUE_COLUMNS = [
    "area_code",
    "area_name",
    "period",
    "value",
    "method",
    "published_as",
    "members_present",
    "members_expected",
    "coverage_note",
]


@per_database
def values(measure_id: str, year: int | str | None = None, level: str = "lad") -> pd.DataFrame:
    """A measure for every area of a level in one period (the requested year, or the nearest earlier one).

    Returns:
        VALUE_COLUMNS, one row per area with a figure: method is 'published', 'derived' or 'median'; coverage_note
        says what a derived figure lacks ('' when complete).
    """
    found = years(measure_id, level)
    if not found:
        raise ValueError(f"{measure(measure_id).name} has no figures for {LEVELS[level].lower()}")
    frame = aggregates.level_values(measure_id, level, period_for(found, year))
    return frame[VALUE_COLUMNS]


def coverage_caption(frame: pd.DataFrame, level: str = "lad") -> str:
    """How the figures in a values() frame were obtained, for a chart caption: e.g. 'All 361 figures as published.' or
    '8 as published, 2 derived from their member councils; 1 rests on partial coverage (see the table).'"""
    counts = frame["method"].value_counts()
    derived = "computed from published totals" if level == "lad" else "derived from their member councils"
    words = {"published": "as published", "derived": derived, "median": "medians of their councils"}
    if len(counts) == 1 and "published" in counts:
        text = f"All {counts['published']:,} figures as published."
    else:
        text = ", ".join(f"{counts[m]:,} {words[m]}" for m in words if m in counts) + "."
    partial = int((frame["coverage_note"] != "").sum())
    if partial:
        text = text[:-1] + f"; {partial:,} rest{'s' if partial == 1 else ''} on partial coverage (see the table)."
    return text


def series(measure_id: str, area_codes: list[str], level: str = "lad") -> pd.DataFrame:
    """Every period of a measure for some areas: area_code, area_name, period, year, value, method, coverage_note
    (shared: don't mutate)."""
    return _series(measure_id, tuple(area_codes), check_level(level))


@per_database(max_entries=128)
def _series(measure_id: str, area_codes: tuple[str, ...], level: str) -> pd.DataFrame:
    parts = [aggregates.series(measure(measure_id).id, code) for code in area_codes]
    frame = pd.concat(parts, ignore_index=True) if parts else aggregates.series(measure_id, "").iloc[0:0]
    return frame[["area_code", "area_name", "period", "year", "value", "method", "coverage_note"]].reset_index(
        drop=True
    )


def ranking(
    measure_id: str, year: int | str | None = None, level: str = "lad", area_codes: list[str] | None = None
) -> pd.DataFrame:
    """Areas ranked best first (by polarity; largest first when neutral), rank over all areas of the level.

    Returns values() columns plus rank, out_of and is_core_city; restricted to `area_codes` if given.
    """
    frame = _ranking(measure_id, year, level)
    if area_codes is not None:
        frame = frame[frame["area_code"].isin(area_codes)].reset_index(drop=True)
    return frame


@per_database
def _ranking(measure_id: str, year: int | str | None, level: str) -> pd.DataFrame:
    ascending = measure(measure_id).polarity == "lower_is_better"
    frame = values(measure_id, year, level).sort_values("value", ascending=ascending).reset_index(drop=True)
    frame["rank"] = frame["value"].rank(ascending=ascending, method="min").astype(int)
    frame["out_of"] = len(frame)
    frame["is_core_city"] = frame["area_code"].isin(core_city_codes(level))
    return frame


@per_database(max_entries=64)
def distribution(measure_id: str, year: int | str | None = None, level: str = "lad") -> dict:
    """All areas' values with the Core Cities marked, and summary statistics (median, quartiles); shared, don't mutate.

    Returns:
        dict with 'table' (ranking() of every area) and 'median', 'q1', 'q3', 'count'.
    """
    table = ranking(measure_id, year, level)
    return {
        "table": table,
        "median": float(table["value"].median()),
        "q1": float(table["value"].quantile(0.25)),
        "q3": float(table["value"].quantile(0.75)),
        "count": len(table),
    }


@per_database(max_entries=64)
def pair(x_measure: str, y_measure: str, year: int | str | None = None, level: str = "lad") -> pd.DataFrame:
    """Two measures side by side for every area that has both (for a scatter): area_code, area_name, x, y, periods
    (shared: don't mutate)."""
    x = values(x_measure, year, level).rename(columns={"value": "x", "period": "x_period"})
    y = values(y_measure, year, level).rename(columns={"value": "y", "period": "y_period"})
    out = x.merge(y[["area_code", "y", "y_period"]], on="area_code")
    out["is_core_city"] = out["area_code"].isin(core_city_codes(level))
    return out[["area_code", "area_name", "x", "y", "x_period", "y_period", "is_core_city"]]


def measure_table() -> pd.DataFrame:
    """The registry as a table: id, name, unit, polarity, kind, levels, years, indicator_ids, definition."""
    rows = []
    for m in REGISTRY.values():
        rows.append(
            {
                "id": m.id,
                "name": m.name,
                "unit": m.unit,
                "polarity": m.polarity,
                "kind": m.kind,
                "levels": [level for level in LEVELS if years(m.id, level)],
                "years": years(m.id),
                "indicator_ids": list(m.indicator_ids),
                "definition": m.definition,
            }
        )
    return pd.DataFrame(rows)


@per_database
def available(level: str = "lad") -> dict[str, str]:
    """{measure id: name} of measures with figures at a level (for a page's selector)."""
    return {m.id: m.name for m in REGISTRY.values() if years(m.id, check_level(level))}


def source(*measure_ids: str) -> str:
    """The chart source line for one or more measures (each release named once)."""
    return source_line([i for measure_id in measure_ids for i in measure(measure_id).indicator_ids])


METHODS = {
    "sum": "ONS's published total wherever a release publishes one (the UK, nations, regions, areas made of whole "
    "councils); otherwise the sum over the member councils, with the number of councils it rests on.",
    "ratio": "ONS's published figure wherever a release publishes one; otherwise Σ numerator ÷ Σ denominator over the "
    "member councils (never an average of their ratios), with the number of councils it rests on.",
    "rate": "As published for each area; not aggregatable. Where no figure is published for a benchmark, the median "
    "of its councils' figures is shown and labelled as such.",
}


def provenance(measure_id: str) -> dict:
    """How a measure is calculated, for a "How was this calculated?" panel."""
    m = measure(measure_id)
    return {"formula": m.definition, "method": METHODS[m.kind], "releases": releases_for(list(m.indicator_ids))}


# ---------------------------------------------------------------- areas, peers and similarity


def core_city_codes(level: str = "lad") -> list[str]:
    """The ten Core Cities' codes at a level (council codes, city-region codes, or their ITL1 regions)."""
    cities = geography.core_cities()
    column = {"lad": "lad_code", "city_region": "city_region_code", "itl1": "itl1_code"}[check_level(level)]
    return list(dict.fromkeys(cities[column]))


def city_name(area_code: str) -> str:
    """A short name for an area: the Core City's name for its council or city region, else the area's name."""
    cities = geography.core_cities()
    for city, lad, region in zip(cities["city"], cities["lad_code"], cities["city_region_code"]):
        if area_code == lad:
            return city
        if area_code == region:
            return f"{city} city region"
    return geography.area_names().get(area_code, area_code)


def similar_areas(area_code: str, n: int = 9, year: int | str | None = None) -> pd.DataFrame:
    """The n local authorities closest in resident population (smallest |ln(population ratio)|), the area excluded.

    Returns:
        area_code, area_name, value (population), distance (|ln ratio|), nearest first.
    """
    pop = values("population", year, "lad")
    own = pop[pop["area_code"] == area_code]
    if own.empty:
        raise ValueError(f"no population for {area_code!r}; choose a local authority")
    target = float(own["value"].iloc[0])
    others = pop[pop["area_code"] != area_code].copy()
    others["distance"] = (others["value"] / target).map(math.log).abs()
    return others.nsmallest(n, "distance")[["area_code", "area_name", "value", "distance"]].reset_index(drop=True)


# The Compare scatter's default partner for a measure (never the measure itself)
SCATTER_PARTNER = {"gva_per_hour": "gva_per_head", "gva_per_head": "gva_per_hour", "gva_per_job": "gva_per_hour"}
PEER_PRESETS = {
    "core": "Core Cities",
    "english-core": "English Core Cities",
    "region": "Same ITL1 region",
    "similar": "Most similar by size",
}


def peers(area_code: str, preset: str, limit: int = 10) -> list[str]:
    """LA codes for a peer preset (the area itself first where it belongs), at most `limit`.

    'core': the ten Core Cities; 'english-core': the eight in England; 'region': the area and the LAs of its ITL1
    region closest to it in population; 'similar': the area and the LAs closest to it in population.
    """
    if preset not in PEER_PRESETS:
        raise ValueError(f"unknown peer preset {preset!r}; valid: {', '.join(PEER_PRESETS)}")
    cities = core_city_codes("lad")
    if preset == "core":
        return cities[:limit]
    if preset == "english-core":
        return [c for c in cities if c.startswith("E")][:limit]
    if preset == "similar":
        return [area_code] + similar_areas(area_code, limit - 1)["area_code"].tolist()
    lads = geography.local_authorities()
    region = lads.loc[lads["lad_code"] == area_code, "itl1_code"]
    if region.empty:
        raise ValueError(f"{area_code!r} is not a local authority")
    same = set(lads.loc[lads["itl1_code"] == region.iloc[0], "lad_code"])
    near = similar_areas(area_code, len(lads))
    return [area_code] + near[near["area_code"].isin(same)]["area_code"].head(limit - 1).tolist()


# ---------------------------------------------------------------- an area against a benchmark


def benchmark_code(
    measure_id: str, benchmark: str, geography_key: str, area_code: str | None = None
) -> tuple[str, str]:
    """The area standing for a benchmark on one measure, and its label: the UK as a whole where ONS publishes a UK
    figure only for the whole UK (rates such as median pay), else productivity.benchmark_area (statistical neighbours
    are those of `area_code`, the area measured)."""
    code, name = productivity.benchmark_area(benchmark, geography_key, area_code)
    if code == UK and not aggregates.periods(measure_id, code) and aggregates.periods(measure_id, UK_WHOLE):
        return UK_WHOLE, "the UK"
    return code, name


def gap_pct(value: float, benchmark_value: float) -> float:
    """(value ÷ benchmark − 1) × 100: negative when below the benchmark."""
    return (value / benchmark_value - 1) * 100


def better(gap: float, polarity: str) -> bool | None:
    """Whether a gap (% vs benchmark) is good news under a polarity (None when neutral or level)."""
    if polarity == "neutral" or abs(gap) < 0.5:
        return None
    return (gap > 0) == (polarity == "higher_is_better")


def comparison(
    measure_id: str,
    area_code: str,
    geography_key: str = DEFAULT.geography,
    benchmark: str = DEFAULT.benchmark,
    year: int | str | None = None,
) -> dict:
    """One measure for an area against a benchmark: value, benchmark value, gap and its trend.

    Returns:
        dict: measure, name, unit, polarity, kind, area_code, area_name, period, value, benchmark_name,
        benchmark_value, gap_pct (intensive measures; None for totals), share_pct (totals: area ÷ benchmark × 100),
        better, trend (DataFrame period, year, value, benchmark_value, gap_pct), method and benchmark method (how each
        figure was obtained, in words) and coverage_note ('' when both figures rest on every member).
        Statistical neighbours are aggregated for the productivity measures only (aggregates.NEIGHBOUR_MEASURES): on
        any other measure the benchmark's figures are not available and the gap says so (see _not_available).
    Raises:
        ValueError when the area or the benchmark has no figure (e.g. a rate ONS publishes for councils only, asked of
        a city region).
    """
    m = measure(measure_id)
    code, name = productivity.resolve_area(area_code, geography_key)
    bench_code, bench_name = benchmark_code(measure_id, benchmark, geography_key, code)
    own = aggregates.periods(measure_id, code)
    if not own:
        raise ValueError(f"no {m.name} figure for {name}")
    if benchmark == "neighbours" and measure_id not in NEIGHBOUR_MEASURES:
        return _not_available(m, code, name, bench_name, year)
    bench_periods = set(aggregates.periods(measure_id, bench_code))
    shared = [p for p in own if p in bench_periods]
    if not shared:
        raise ValueError(f"no {bench_name} figure for {m.name} in any period {name} has")
    area_values = dict(zip(own, aggregates.series(measure_id, code)["value"]))
    bench_series = aggregates.series(measure_id, bench_code)
    bench_values = dict(zip(bench_series["period"], bench_series["value"]))
    trend = pd.DataFrame(
        {
            "period": shared,
            "year": [start_year(p) for p in shared],
            "value": [area_values[p] for p in shared],
            "benchmark_value": [bench_values[p] for p in shared],
        }
    )
    trend["gap_pct"] = (trend["value"] / trend["benchmark_value"] - 1) * 100
    period = period_for(trend["period"].tolist(), year)
    area_row = aggregates.row(measure_id, code, period)
    bench_row = aggregates.row(measure_id, bench_code, period)
    row = {"value": area_row["value"], "benchmark_value": bench_row["value"]}
    gap = gap_pct(row["value"], row["benchmark_value"]) if m.intensive else None
    notes = [
        f"{label}: {r['coverage_note']}"
        for label, r in ((name, area_row), (bench_name, bench_row))
        if r["coverage_note"]
    ]
    return {
        "measure": m.id,
        "name": m.name,
        "unit": m.unit,
        "polarity": m.polarity,
        "kind": m.kind,
        "area_code": code,
        "area_name": name,
        "period": period,
        "value": float(row["value"]),
        "benchmark_name": bench_name,
        "benchmark_value": float(row["benchmark_value"]),
        "gap_pct": gap,
        "share_pct": None if m.intensive else float(row["value"] / row["benchmark_value"] * 100),
        "better": better(gap, m.polarity) if gap is not None else None,
        # as a briefing states it: percentage points between two rates, per cent between two amounts
        "gap_text": formatting.gap(gap, m.unit, float(row["value"] - row["benchmark_value"]))
        if gap is not None
        else formatting.not_available("a total: see its share of the benchmark"),
        "trend": trend,
        "area_method": aggregates.method_text(area_row),
        "method": aggregates.method_text(bench_row),
        "coverage_note": "; ".join(notes),
    }


def _not_available(m: Measure, code: str, name: str, bench_name: str, year: int | str | None) -> dict:
    """comparison() of a measure with no figure for the statistical neighbours: the area's own figure, the benchmark's
    not available (and no gap, trend or verdict)."""
    period = period_for(aggregates.periods(m.id, code), year)
    area_row = aggregates.row(m.id, code, period)
    reason = "statistical neighbours are aggregated for GVA per hour, per filled job and per head only"
    return {
        "measure": m.id,
        "name": m.name,
        "unit": m.unit,
        "polarity": m.polarity,
        "kind": m.kind,
        "area_code": code,
        "area_name": name,
        "period": period,
        "value": float(area_row["value"]),
        "benchmark_name": bench_name,
        "benchmark_value": float("nan"),
        "gap_pct": None,
        "share_pct": None,
        "better": None,
        "gap_text": formatting.not_available(reason),
        "trend": pd.DataFrame({"period": [], "year": [], "value": [], "benchmark_value": [], "gap_pct": []}),
        "area_method": aggregates.method_text(area_row),
        "method": formatting.not_available(reason),
        "coverage_note": area_row["coverage_note"] and f"{name}: {area_row['coverage_note']}",
    }


def profile(d: Definition) -> pd.DataFrame:
    """Every measure available for the definition's area against its benchmark in its year, one row each (see
    comparison()); memoised, shared: don't mutate.

    Measures with no figure for the area (e.g. LA-only indicators on a city region) are left out.
    The 'trend' column holds each measure's yearly gap table (for sparklines).
    Raises:
        ValueError when statistical neighbours are asked of anything but a council (the reason, for the page).
    """
    return _profile(d.area, d.geography, d.benchmark, d.year)


@per_database
def _profile(area_code: str, geography_key: str, benchmark: str, year: int | None) -> pd.DataFrame:
    if benchmark == "neighbours":
        productivity.benchmark_area(benchmark, geography_key, productivity.resolve_area(area_code, geography_key)[0])
    rows = []
    for measure_id in REGISTRY:
        try:
            rows.append(comparison(measure_id, area_code, geography_key, benchmark, year))
        except ValueError:
            continue
    return pd.DataFrame(rows)


def profile_view(d: Definition) -> dict:
    """City profile for one definition as the page shows it, computed once per process for every visitor (shared:
    don't mutate): 'table' (profile()), 'strengths' (strengths_and_weaknesses()) and 'shown' (the table with each
    measure's trend as a list, its verdict in words and its values, benchmark and share as a briefing prints them)."""
    return _profile_view(d.area, d.geography, d.benchmark, d.year)


@per_database(max_entries=128)
def _profile_view(area_code: str, geography_key: str, benchmark: str, year: int | None) -> dict:
    table = _profile(area_code, geography_key, benchmark, year)
    if table.empty:
        return {"table": table, "strengths": {"strengths": [], "weaknesses": []}, "shown": table}
    shown = table.assign(
        trend=[
            t["gap_pct"].tolist() if kind != "sum" else t["value"].tolist()
            for t, kind in zip(table["trend"], table["kind"])
        ],
        verdict=[
            "not available" if pd.isna(v) else {True: "better", False: "worse", None: "not judged (a total)"}[b]
            for b, v in zip(table["better"], table["benchmark_value"])
        ],
        value_text=[formatting.value(v, u) for v, u in zip(table["value"], table["unit"])],
        benchmark_text=[formatting.value(v, u) for v, u in zip(table["benchmark_value"], table["unit"])],
        share_text=["" if pd.isna(v) else formatting.percent(v) for v in table["share_pct"]],  # totals only
    )
    return {"table": table, "strengths": strengths_and_weaknesses(table), "shown": shown}


def strengths_and_weaknesses(table: pd.DataFrame, n: int = 3) -> dict[str, list[dict]]:
    """From a profile(): the n intensive measures furthest above (strengths) and below (weaknesses) the benchmark,
    judged by polarity ('lower is better' measures count below the benchmark as a strength)."""
    judged = table[table["better"].notna() & table["gap_pct"].notna()].copy()
    judged["merit"] = [g if p == "higher_is_better" else -g for g, p in zip(judged["gap_pct"], judged["polarity"])]
    cols = ["name", "value", "unit", "benchmark_value", "gap_pct", "gap_text", "period"]
    return {
        "strengths": judged[judged["merit"] > 0].nlargest(n, "merit")[cols].to_dict("records"),
        "weaknesses": judged[judged["merit"] < 0].nsmallest(n, "merit")[cols].to_dict("records"),
    }


def _position(gap: float) -> str:
    if abs(gap) < 0.5:
        return "level with"
    return f"{abs(gap):.0f}% {'below' if gap < 0 else 'above'}"


def sentence(
    name: str,
    measure_name: str,
    benchmark_name: str,
    gap_now: float,
    gap_then: float | None = None,
    since: int | None = None,
) -> str:
    """Plain English for a gap and its change, e.g.
    'Leeds is 9% below the UK on GVA per hour worked; the gap narrowed 2 points since 2015.'

    Gaps are percentages (negative = below). 'Narrowed' and 'widened' refer to the distance from the benchmark.
    """
    text = f"{name} is {_position(gap_now)} {benchmark_name} on {measure_name}"
    if gap_then is None or since is None:
        return text + "."
    if (gap_now < 0) != (gap_then < 0) and abs(gap_then) >= 0.5 and abs(gap_now) >= 0.5:
        return text + f"; in {since} it was {_position(gap_then)}."
    change = abs(gap_now) - abs(gap_then)
    if abs(change) < 0.5:
        return text + f"; the gap is about the same as in {since}."
    points = f"{abs(change):.0f} point{'s' if round(abs(change)) != 1 else ''}"
    return text + f"; the gap {'widened' if change > 0 else 'narrowed'} {points} since {since}."


def _the(benchmark_name: str) -> str:
    if benchmark_name.startswith("Statistical neighbours"):
        return "the s" + benchmark_name[1:]
    return (
        benchmark_name
        if benchmark_name.startswith(("the ", "Peer"))
        or benchmark_name[:1].islower()
        or not benchmark_name.startswith(("UK", "Core Cities"))
        else f"the {benchmark_name}"
    )


def sentences(d: Definition, since: int | None = None, measure_ids: tuple[str, ...] = HEADLINE) -> list[str]:
    """Generated sentences for the definition's area on its headline measures against its benchmark in its year,
    with the change since `since` (default: seven years before the year shown, or the earliest year with data)."""
    return _sentences(d.area, d.geography, d.benchmark, d.year, since, tuple(measure_ids))


@per_database
def _sentences(
    area_code: str,
    geography_key: str,
    benchmark: str,
    year: int | None,
    since: int | None,
    measure_ids: tuple[str, ...],
) -> list[str]:
    out = []
    for measure_id in measure_ids:
        try:
            c = comparison(measure_id, area_code, geography_key, benchmark, year)
        except ValueError:
            continue
        trend = c["trend"].set_index("year")
        now = start_year(c["period"])
        base = since if since is not None else now - 7
        earlier = trend[trend.index <= base]
        then_year = int(earlier.index[-1]) if not earlier.empty else int(trend.index[0])
        gap_then = float(trend.loc[then_year, "gap_pct"]) if then_year < now else None
        name = city_name(c["area_code"])
        out.append(
            sentence(
                name,
                c["name"],
                _the(c["benchmark_name"]),
                c["gap_pct"],
                gap_then,
                then_year if gap_then is not None else None,
            )
        )
    return out


# ---------------------------------------------------------------- productivity definitions side by side


@per_database
def definitions_grid(area_code: str, year: int | None = None) -> pd.DataFrame:
    """An area's productivity gap on every definition: 3 bases × 2 geographies × 3 standard benchmarks (statistical
    neighbours, which exist on one geography only, are the sidebar's choice, not a column here).

    Each basis shows the year `period_for` picks for it (None: its latest). Returns basis, basis_label, geography,
    benchmark, benchmark_label, year, value, benchmark_value, gap_pct, gap_gbp_bn (£bn a year, positive = shortfall).
    Definitions that cannot be computed (e.g. a council with no city region) are left out.
    """
    rows = []
    for basis_key, chosen in BASES.items():
        basis_year = period_for(productivity.available_years(basis_key), year)
        for geography_key in geography.GEOGRAPHIES:
            for benchmark in STANDARD_BENCHMARKS:
                label = BENCHMARKS[benchmark]
                try:
                    result = productivity.gap(Definition(area_code, geography_key, basis_key, benchmark, basis_year))
                except ValueError:
                    continue
                rows.append(
                    {
                        "basis": basis_key,
                        "basis_label": chosen.label,
                        "geography": geography_key,
                        "benchmark": benchmark,
                        "benchmark_label": label,
                        "year": basis_year,
                        "area_name": result.area_name,
                        "value": result.value,
                        "benchmark_value": result.benchmark_value,
                        "gap_pct": result.gap_pct,
                        "gap_gbp_bn": result.gap_gbp / 1e9,
                    }
                )
    return pd.DataFrame(rows)


@per_database
def waterfall_steps(area_code: str, geography_key: str, benchmark: str, year: int) -> tuple[list[str], list[float]]:
    """productivity.decomposition as waterfall bars: the factors' log points, then the total gap as the last bar."""
    parts = productivity.decomposition(Definition(area_code, geography_key, benchmark=benchmark, year=year))
    is_total = parts["component"] == "GVA per head (total)"
    return (
        [*parts.loc[~is_total, "component"], "GVA per head gap"],
        [*parts.loc[~is_total, "log_points"], float(parts.loc[is_total, "log_points"].iloc[0])],
    )


@per_database
def definitions_matrix(area_code: str, year: int | None = None) -> pd.DataFrame:
    """definitions_grid's gap_pct as a matrix for a heatmap: rows basis_label, columns (geography, benchmark_label)."""
    grid = definitions_grid(area_code, year)
    if grid.empty:
        return grid
    return grid.pivot_table(index="basis_label", columns=["geography", "benchmark_label"], values="gap_pct")


@per_database
def headline_productivity(basis_key: str, geography_key: str, benchmark: str, year: int | None) -> dict:
    """productivity.core_cities_gap with £bn figures added (memoised: the overview reads it on every rerun)."""
    result = productivity.core_cities_gap(basis_key, geography_key, benchmark, year)
    return {
        **result,
        "gap_gbp_bn": result["gap_gbp"] / 1e9,
        "sum_of_shortfalls_gbp_bn": result["sum_of_shortfalls_gbp"] / 1e9,
    }


@per_database
def claimed(claim_id: str) -> dict | None:
    """A published claim (claims table row) or None (memoised; callers must not mutate it)."""
    frame = query("SELECT * FROM claims WHERE claim_id = ?", [claim_id])
    return frame.iloc[0].to_dict() if not frame.empty else None


def _why_not(benchmark: str, geography_key: str, area_code: str) -> str:
    """': <reason>' when the benchmark cannot be applied to the area on this geography, else ''."""
    try:
        productivity.benchmark_area(benchmark, geography_key, area_code)
    except ValueError as problem:
        return f": {problem}"
    return ""


def city_sentences(d: Definition = DEFAULT) -> pd.DataFrame:
    """One generated sentence per Core City on the definition's geography, benchmark, basis and year (its area is not
    used): city, lad_code, sentence."""
    return _city_sentences(d.geography, d.benchmark, d.basis, d.year)


@per_database
def _city_sentences(geography_key: str, benchmark: str, basis_key: str, year: int | None) -> pd.DataFrame:
    measure_id = BASIS_MEASURE[basis(basis_key).key]
    cities = geography.core_cities()
    rows = []
    for city, code in zip(cities["city"], cities["lad_code"]):
        found = _sentences(code, geography_key, benchmark, year, None, (measure_id,))
        rows.append(
            {
                "city": city,
                "lad_code": code,
                "sentence": found[0] if found else f"No data for {city}{_why_not(benchmark, geography_key, code)}.",
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- maps and case studies


@per_database
def label_points(level: str) -> pd.DataFrame:
    """A point inside each area's largest polygon (mean of its outer ring's vertices) for map labels:
    area_code, area_name, lon, lat."""
    rows = []
    for feature in geography.boundaries(level)["features"]:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        ring = max((p[0] for p in polygons), key=len)
        rows.append(
            {
                "area_code": feature["properties"]["area_code"],
                "area_name": feature["properties"]["area_name"],
                "lon": sum(pt[0] for pt in ring) / len(ring),
                "lat": sum(pt[1] for pt in ring) / len(ring),
            }
        )
    return pd.DataFrame(rows)


@per_database
def marked_values(measure_id: str, year: int | str | None, level: str) -> pd.DataFrame:
    """values() with a core_city column (True for the Core Cities' councils or city regions at that level)."""
    frame = values(measure_id, year, level)
    return frame.assign(core_city=frame["area_code"].isin(core_city_codes(level)))


@per_database
def core_city_values(measure_id: str, year: int | str | None, level: str) -> pd.DataFrame:
    """marked_values() of the Core Cities only."""
    frame = marked_values(measure_id, year, level)
    return frame[frame["core_city"]].reset_index(drop=True)


@per_database
def core_city_points(measure_id: str, year: int | str | None) -> pd.DataFrame:
    """The ten Core City councils' label points with the measure: area_code, city, lon, lat, value."""
    points = label_points("lad")
    points = points[points["area_code"].isin(core_city_codes("lad"))]
    points = points.merge(values(measure_id, year, "lad")[["area_code", "value"]], on="area_code", how="left")
    return points.assign(city=points["area_code"].map(city_name))


def city_region_lad(area_code: str) -> str | None:
    """The Core City council for a Core City region code (or the code itself if it is a council), else None."""
    cities = geography.core_cities()
    if area_code in set(cities["lad_code"]):
        return area_code
    match = cities.loc[cities["city_region_code"] == area_code, "lad_code"]
    if not match.empty:
        return str(match.iloc[0])
    return area_code if area_code in set(lad_codes()) else None
