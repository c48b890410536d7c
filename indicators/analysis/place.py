"""The whole place: every indicator of the ONS Subnational indicators release (with its confidence limits), the
city scorecard, statistical neighbours and sector mix.

Indicators, themes, units, polarity and the levels each is published at come from the warehouse's catalogue
(`place_indicators`), so a new series is a build change only. Benchmarks are published figures (UK, Great Britain,
a nation, a region) wherever the release has them; the Core Cities and statistical neighbours, which it does not
publish, are the median of their member councils (as for every other rate in this dashboard), with the count.
"""

from __future__ import annotations

import pandas as pd

from indicators.data import geography
from indicators.data.db import query
from indicators.data.memo import per_database
from indicators.domain import formatting
from indicators.domain.place import (
    COMPARE_SETS,
    COUNCIL,
    LEVELS,
    NATION_NAMES,
    NATIONAL_CODES,
    SIGNIFICANCE,
    TOTAL_UNITS,
    Benchmark,
    covers,
    is_missing,
    nation_of,
    quartiles,
    sector_change,
    significance,
    spine_positions,
)
from indicators.domain.place import boundary_level as boundary_level
from indicators.domain.similarity import NEIGHBOURS

# ---------------------------------------------------------------- catalogue


@per_database
def catalogue() -> pd.DataFrame:
    """Every loaded indicator with its theme, unit, polarity, period, source and the levels it is published at."""
    frame = query(
        """SELECT i.*, list(DISTINCT o.geography_level) AS levels
           FROM place_indicators i JOIN place_observations o USING (indicator_id)
           GROUP BY ALL ORDER BY i.theme, i.name"""
    )
    frame["levels"] = frame["levels"].map(lambda found: tuple(level for level in LEVELS if level in set(found)))
    return frame


def catalogue_table() -> pd.DataFrame:
    """The catalogue for a table or download: the levels in words."""
    frame = catalogue()
    return frame.assign(levels=frame["levels"].map(lambda found: ", ".join(LEVELS.get(lv, lv) for lv in found)))


@per_database
def sheets() -> pd.DataFrame:
    """Every sheet of the workbook: loaded or not, and why not."""
    return query("SELECT * FROM place_sheets ORDER BY sheet")


def themes() -> list[str]:
    return sorted(catalogue()["theme"].unique())


def indicators_in(theme: str) -> dict[str, str]:
    """Indicator ids and names in a theme (all themes when theme is None)."""
    frame = catalogue()
    frame = frame if theme is None else frame[frame["theme"] == theme]
    return dict(zip(frame["indicator_id"], frame["name"]))


def indicator(indicator_id: str) -> dict:
    """One catalogue entry; ValueError for an unknown id."""
    frame = catalogue()
    found = frame[frame["indicator_id"] == indicator_id]
    if found.empty:
        raise ValueError(f"unknown indicator {indicator_id!r}")
    return found.iloc[0].to_dict()


def source_line(indicator_id: str) -> str:
    """'Source: ONS, Subnational indicators explorer (ninth release, 21 March 2024); England: DfE.'"""
    entry = indicator(indicator_id)
    release = query("SELECT publisher, release FROM sources WHERE source_id = ?", [entry["source_id"]])
    found = f"{release['publisher'].iloc[0]}, {release['release'].iloc[0]}" if len(release) else entry["source_id"]
    original = "; ".join(
        f"{who.strip()} ({where.strip()})" if ":" in part else part.strip()
        for part in str(entry["source"]).split(";")
        for where, _, who in [part.partition(":")]
    )
    return f"Source: {found}; compiled from {original}."


# ---------------------------------------------------------------- values


@per_database
def values(indicator_id: str, level: str = COUNCIL) -> pd.DataFrame:
    """Every area's figure at a level, best first by the indicator's polarity (missing last), with its rank.

    Returns area_code, area_name, value, ci_lower, ci_upper, marker, status, accuracy, note, is_core_city, rank.
    """
    entry = indicator(indicator_id)
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    frame = query(
        """SELECT area_code, area_name, value, ci_lower, ci_upper, marker, status, accuracy, note
           FROM place_observations WHERE indicator_id = ? AND geography_level = ?""",
        [indicator_id, level],
    )
    frame["is_core_city"] = frame["area_code"].isin(core_city_areas(level))
    ascending = entry["polarity"] == "lower_is_better"
    frame = frame.sort_values(["value", "area_name"], ascending=[ascending, True], na_position="last")
    frame["rank"] = frame["value"].rank(ascending=ascending, method="min").astype("Int64")
    return frame.reset_index(drop=True)


@per_database
def core_city_areas(level: str) -> tuple[str, ...]:
    """The areas at a level that hold a Core City (councils, their combined authority or city region, ITL areas,
    region); empty where the dashboard has no lookup for the level (police force areas, health boards, counties)."""
    cities = geography.core_cities()
    lads = geography.local_authorities().set_index("lad_code")
    if level == COUNCIL:
        return tuple(cities["lad_code"])
    if level in ("combined_authority", "city_region"):
        return tuple(cities["city_region_code"])
    if level in ("itl1", "itl2", "itl3"):
        return tuple(dict.fromkeys(lads.loc[cities["lad_code"], f"{level}_code"]))
    if level == "region":
        return tuple(dict.fromkeys(regions().loc[cities["lad_code"], "region_code"]))
    return ()


@per_database
def regions() -> pd.DataFrame:
    """Each council's region (England) or nation, indexed by lad_code."""
    return query("SELECT * FROM lad_regions").set_index("lad_code")


@per_database
def published_figures(indicator_id: str) -> dict[str, dict]:
    """Every area's row of one indicator (any level), by area code (shared: don't mutate)."""
    frame = query(
        """SELECT area_code, area_name, geography_level, value, ci_lower, ci_upper, marker
           FROM place_observations WHERE indicator_id = ?""",
        [indicator_id],
    )
    return {row["area_code"]: row for row in frame.to_dict("records")}


def figure(indicator_id: str, area_code: str) -> dict | None:
    """One area's published figure (any level), or None when the release has no row for it (shared: don't mutate)."""
    return published_figures(indicator_id).get(area_code)


# ---------------------------------------------------------------- benchmarks and significance


def national_benchmark(indicator_id: str, area_code: str) -> Benchmark | None:
    """The widest published figure that covers the area: UK, Great Britain, England and Wales, else its nation."""
    nation = nation_of(area_code)
    for code in (*NATIONAL_CODES, nation):
        found = figure(indicator_id, code) if code else None
        if found and not is_missing(found["value"]):
            if code != nation and not covers(code, nation):
                continue
            return Benchmark("national", found["area_name"], found["value"], "published")
    return None


def benchmarks(indicator_id: str, area_code: str) -> list[Benchmark]:
    """Every benchmark that applies to a council on an indicator: national (UK/GB/E&W), its nation, its region,
    the Core Cities and its statistical neighbours (the last two as medians of councils, with their coverage)."""
    found = []
    national = national_benchmark(indicator_id, area_code)
    if national:
        found.append(national)
    nation = nation_of(area_code)
    if nation and (not national or national.label != NATION_NAMES.get(nation)):
        published = figure(indicator_id, nation)
        if published and not is_missing(published["value"]):
            found.append(Benchmark("nation", published["area_name"], published["value"], "published"))
    if area_code in regions().index:
        region_code = regions().at[area_code, "region_code"]
        published = figure(indicator_id, region_code) if region_code.startswith("E12") else None
        if published and not is_missing(published["value"]):
            found.append(Benchmark("region", published["area_name"], published["value"], "published"))
    found.append(council_median(indicator_id, "core-cities", "Core Cities", core_city_areas(COUNCIL)))
    if area_code in geography.lad_code_set():
        found.append(
            council_median(
                indicator_id, "neighbours", "Statistical neighbours", tuple(neighbours(area_code)["area_code"])
            )
        )
    return [b for b in found if b.value is not None]


@per_database
def council_median(indicator_id: str, key: str, label: str, codes: tuple[str, ...]) -> Benchmark:
    """The median of some councils' published figures, saying how many of them have one."""
    shown = values(indicator_id, COUNCIL)
    known = shown[shown["area_code"].isin(codes) & shown["value"].notna()]
    if known.empty:
        return Benchmark(key, label, None, f"none of the {len(codes)} councils has a figure")
    return Benchmark(
        key,
        label,
        float(known["value"].median()),
        f"median of {len(known)} of {len(codes)} councils (not published by ONS)",
    )


# ---------------------------------------------------------------- scorecard


@per_database(max_entries=64)
def scorecard(area_code: str) -> pd.DataFrame:
    """Every indicator published for a council, grouped by theme: its figure and limits, the national benchmark and
    whether it differs significantly, the Core Cities median, the range of all councils and a spine position. For a
    total (a count, £ million) or an indicator with no national figure, the benchmark is the median council.

    Spine: each indicator on its own scale with the benchmark at 0.5 and better to the right; 0 and 1 are the
    furthest council from the benchmark on either side (Fingertips' layout). `x_*` columns hold positions.
    """
    rows = []
    for entry in catalogue().itertuples():
        if COUNCIL not in entry.levels:
            continue
        spread = council_spread(entry.indicator_id)
        own = spread["by_area"].get(area_code)
        if own is None:
            continue
        national = None if entry.unit in TOTAL_UNITS else national_benchmark(entry.indicator_id, area_code)
        if national is None:  # a count, or no national figure: the median council is the centre, and nothing is tested
            national = Benchmark("median", "Median council", spread["median"], f"median of {spread['count']} councils")
        core = council_median(entry.indicator_id, "core-cities", "Core Cities", core_city_areas(COUNCIL))
        rows.append(
            {
                "theme": entry.theme,
                "indicator_id": entry.indicator_id,
                "name": entry.name,
                "unit": entry.unit,
                "period": entry.period,
                "polarity": entry.polarity,
                **own,
                "benchmark_name": national.label,
                "benchmark_value": national.value,
                "significance": significance(
                    own["value"], own["ci_lower"], own["ci_upper"], national.value, entry.polarity
                )
                if national.key == "national"
                else "not tested",
                "core_cities_median": core.value,
                "core_cities_method": core.method,
                "councils_min": spread["min"],
                "councils_max": spread["max"],
                "councils_q1": spread["q1"],
                "councils_q3": spread["q3"],
                "councils": spread["count"],
            }
        )
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    spine = [spine_positions(r) for r in frame.to_dict("records")]
    return pd.concat([frame, pd.DataFrame(spine)], axis=1).sort_values(["theme", "name"]).reset_index(drop=True)


@per_database
def council_spread(indicator_id: str) -> dict:
    """The councils' figures of one indicator for the scorecard: by_area (area -> value, ci_lower, ci_upper, marker,
    rank) and their count, median, min, max and quartiles (shared: don't mutate)."""
    councils = values(indicator_id, COUNCIL)
    columns = ["value", "ci_lower", "ci_upper", "marker", "rank"]
    return {
        "by_area": {
            code: dict(zip(columns, row)) for code, *row in councils[["area_code", *columns]].itertuples(index=False)
        },
        "count": int(councils["value"].notna().sum()),
        **quartiles(councils["value"]),
    }


# ---------------------------------------------------------------- statistical neighbours


@per_database
def neighbours(area_code: str) -> pd.DataFrame:
    """A council's statistical neighbours as computed at build time (see similarity.METHOD), nearest first:
    area_code, area_name, rank, distance."""
    if area_code not in geography.lad_code_set():
        raise ValueError(f"{area_code!r} is not a council; statistical neighbours are found for councils")
    return query(
        """SELECT n.neighbour_code AS area_code, l.lad_name AS area_name, n.rank, n.distance
           FROM neighbours n JOIN lad_lookup l ON l.lad_code = n.neighbour_code
           WHERE n.area_code = ? ORDER BY n.rank""",
        [area_code],
    )


# ---------------------------------------------------------------- sector mix


@per_database
def industries() -> pd.DataFrame:
    return query("SELECT * FROM industries ORDER BY display_order")


@per_database
def gva_years() -> list[int]:
    return query("SELECT DISTINCT year FROM gva_industry ORDER BY year")["year"].astype(int).tolist()


@per_database
def sector_shares(year: int | None = None) -> pd.DataFrame:
    """Each council's GVA by SIC 2007 section as a share (%) of its published total GVA, in one year (latest);
    a section ONS suppresses has no share."""
    year = year or gva_years()[-1]
    return query(
        """SELECT g.area_code, g.industry_code, g.value_gbp_m, 100 * g.value_gbp_m / t.value_gbp_m AS share
           FROM gva_industry g JOIN industries i USING (industry_code)
           JOIN gva_industry t ON t.area_code = g.area_code AND t.year = g.year AND t.industry_code = 'total'
           WHERE i.is_section AND g.year = ?""",
        [year],
    )


@per_database(max_entries=64)
def sector_mix(area_code: str, first_year: int | None = None, last_year: int | None = None) -> pd.DataFrame:
    """A council's GVA by section against the UK in two years: £m, shares of total GVA, location quotients and the
    change in share. The UK by section is the sum over councils (the release publishes no UK row); a section some
    councils' figures are suppressed for says so in `uk_coverage`, and a suppressed section of the area has no value
    and its marker.

    Returns industry_code, industry_name, gva_first, gva_last, marker_last, share_first, share_last, uk_share_first,
    uk_share_last, lq_first, lq_last, change_pp (share points, last − first), uk_coverage.
    """
    years = gva_years()
    first_year, last_year = first_year or years[0], last_year or years[-1]
    frame = query(
        """WITH chosen AS (SELECT * FROM gva_industry WHERE list_contains(?, year)),
           totals AS (SELECT area_code, year, value_gbp_m AS total FROM chosen WHERE industry_code = 'total'),
           uk AS (SELECT c.industry_code, c.year, sum(c.value_gbp_m) AS uk_gva, count(c.value_gbp_m) AS councils,
                         count(*) AS expected
                  FROM chosen c GROUP BY ALL),
           uk_total AS (SELECT year, sum(total) AS uk_total FROM totals GROUP BY ALL)
           SELECT c.industry_code, i.industry_name, i.display_order, c.year, c.value_gbp_m AS gva, c.marker,
                  100 * c.value_gbp_m / t.total AS share, 100 * u.uk_gva / ut.uk_total AS uk_share,
                  u.councils, u.expected
           FROM chosen c JOIN industries i USING (industry_code) JOIN totals t USING (area_code, year)
           JOIN uk u USING (industry_code, year) JOIN uk_total ut USING (year)
           WHERE c.area_code = ? AND i.is_section ORDER BY i.display_order, c.year""",
        [[first_year, last_year], area_code],
    )
    if frame.empty:
        raise ValueError(f"no GVA by industry for {area_code!r}; it is published for councils")
    first = frame[frame["year"] == first_year].set_index("industry_code")
    last = frame[frame["year"] == last_year].set_index("industry_code")
    return sector_change(first, last)


def uk_coverage(year: int) -> str:
    """How the UK's sector totals are formed in a year: 'sum of 361 of 361 councils (…)'."""
    found = query(
        """SELECT count(DISTINCT area_code) AS councils,
                            count(DISTINCT area_code) FILTER (WHERE value_gbp_m IS NULL) AS suppressed
                     FROM gva_industry WHERE year = ?""",
        [year],
    ).iloc[0]
    note = (
        f"; {found['suppressed']} councils have some sections suppressed, so those sections' UK sums lack them"
        if found["suppressed"]
        else ""
    )
    return f"sum of {found['councils']} of {len(geography.lad_code_set())} councils{note}"


# ---------------------------------------------------------------- the explorer's view


def level_comparator(indicator_id: str) -> Benchmark | None:
    """The widest published figure for an indicator (UK, Great Britain, England and Wales, then a nation)."""
    for code in (*NATIONAL_CODES, *NATION_NAMES):
        found = figure(indicator_id, code)
        if found and not is_missing(found["value"]):
            return Benchmark("national", found["area_name"], found["value"], "published")
    return None


@per_database(max_entries=128)
def explorer_view(indicator_id: str, level: str, area_code: str, compare: str) -> dict:
    """What the indicator explorer shows: every area at the level with its significance against the comparator,
    the rows to chart (the comparison set, with the chosen council), the benchmarks and what is missing.

    Returns dict: entry, table (all areas, + significance words), charted (subset), comparator (Benchmark or None),
    benchmarks (list of Benchmark: the chosen council's, at council level; else the comparator), missing (names
    of charted areas without a value, with their marker), compare_label.
    """
    if compare not in COMPARE_SETS:
        raise ValueError(f"unknown comparison {compare!r}; valid: {', '.join(COMPARE_SETS)}")
    entry = indicator(indicator_id)
    table = values(indicator_id, level).copy()
    council = level == COUNCIL and area_code in set(table["area_code"])
    comparator = national_benchmark(indicator_id, area_code) if council else level_comparator(indicator_id)
    bench = comparator.value if comparator else None
    table["significance"] = [
        significance(v, lo, hi, bench, entry["polarity"])
        for v, lo, hi in zip(table["value"], table["ci_lower"], table["ci_upper"])
    ]
    table["verdict"] = table["significance"].map(lambda key: SIGNIFICANCE[key][0])
    if compare == "neighbours" and level == COUNCIL and area_code in geography.lad_code_set():
        members = {area_code, *neighbours(area_code)["area_code"]}
        label = f"{geography.area_names().get(area_code, area_code)} and its {NEIGHBOURS} statistical neighbours"
    elif compare == "core" and core_city_areas(level):
        members = {*core_city_areas(level), area_code}
        joined = council and area_code not in core_city_areas(level)
        label = "the Core Cities" + (f" and {geography.area_names().get(area_code, area_code)}" if joined else "")
    else:
        members, label = set(table["area_code"]), f"all {LEVELS[level].lower()}"
        if compare != "all":
            label += (
                " (the Core Cities cannot be picked out at this level)"
                if compare == "core"
                else " (statistical neighbours are found for councils)"
            )
    charted = table[table["area_code"].isin(members)]
    missing = [
        f"{name} ({marker or 'no figure'})"
        for name, value, marker in zip(charted["area_name"], charted["value"], charted["marker"])
        if is_missing(value)
    ]
    shown_benchmarks = benchmarks(indicator_id, area_code) if council else ([comparator] if comparator else [])
    return {
        "entry": entry,
        "table": table,
        "charted": charted,
        "comparator": comparator,
        "benchmarks": shown_benchmarks,
        "missing": missing,
        "compare_label": label,
        "council": council,
        "own": _own_figure(table, area_code, entry) if council else None,
    }


def _own_figure(table: pd.DataFrame, area_code: str, entry: dict) -> dict:
    """The chosen council's row with its value and limits as text (a missing value with its marker)."""
    own = table[table["area_code"] == area_code].iloc[0].to_dict()
    unit = entry["unit"]
    own["value_text"] = (
        formatting.value(own["value"], unit)
        if not is_missing(own["value"])
        else formatting.not_available(own["marker"] or "no figure")
    )
    own["limits_text"] = (
        f"95% confidence limits: {formatting.value(own['ci_lower'], unit)} to {formatting.value(own['ci_upper'], unit)}"
        if not is_missing(own["ci_lower"])
        else "ONS gives no confidence limits for this figure."
    )
    return own


def scorecard_table(area_code: str) -> pd.DataFrame:
    """The scorecard as a briefing prints it: one row per indicator with its value and 95 % limits, the benchmark,
    the verdict in words, the Core Cities median and the rank among councils."""
    card = scorecard(area_code)
    if card.empty:
        return card
    rows = []
    for r in card.to_dict("records"):
        limits = (
            ""
            if is_missing(r["ci_lower"])
            else f" ({formatting.value(r['ci_lower'], r['unit'])} to {formatting.value(r['ci_upper'], r['unit'])})"
        )
        rows.append(
            {
                "theme": r["theme"],
                "indicator": r["name"],
                "period": r["period"],
                "value_text": (formatting.value(r["value"], r["unit"]) + limits)
                if not is_missing(r["value"])
                else formatting.not_available(r["marker"] or "no figure"),
                "benchmark": r["benchmark_name"] or "none published",
                "benchmark_text": formatting.value(r["benchmark_value"], r["unit"]),
                "verdict": SIGNIFICANCE[r["significance"]][0],
                "core_cities_text": formatting.value(r["core_cities_median"], r["unit"]),
                "rank_text": "" if is_missing(r["rank"]) else f"{int(r['rank'])} of {r['councils']}",
                "indicator_id": r["indicator_id"],
                "unit": r["unit"],
                "value": r["value"],
                "ci_lower": r["ci_lower"],
                "ci_upper": r["ci_upper"],
                "benchmark_value": r["benchmark_value"],
                "significance": r["significance"],
            }
        )
    return pd.DataFrame(rows)


def significance_counts(area_code: str) -> dict[str, int]:
    """How many indicators are significantly better, similar, worse or not tested for a council."""
    card = scorecard(area_code)
    return {} if card.empty else card["significance"].value_counts().to_dict()


def sector_table(area_code: str) -> pd.DataFrame:
    """The sector mix as a briefing prints it: £m and shares in the first and last years, the UK's share, the
    location quotient (area share ÷ UK share; above 1 = more concentrated than the UK) and the change in share."""
    mix = sector_mix(area_code)
    years = gva_years()
    first, last = years[0], years[-1]
    return pd.DataFrame(
        {
            "industry": mix["industry_name"],
            f"GVA {last}": [
                formatting.gbp_millions(v)
                if not is_missing(v)
                else formatting.not_available(f"suppressed by ONS as confidential, {marker}")
                for v, marker in zip(mix["gva_last"], mix["marker_last"])
            ],
            f"share {first}": [formatting.percent(v) for v in mix["share_first"]],
            f"share {last}": [formatting.percent(v) for v in mix["share_last"]],
            f"UK share {last}": [formatting.percent(v) for v in mix["uk_share_last"]],
            f"location quotient {first}": [formatting.number(v, 2) for v in mix["lq_first"]],
            f"location quotient {last}": [formatting.number(v, 2) for v in mix["lq_last"]],
            f"change in share {first}-{last}": [formatting.points(v) for v in mix["change_pp"]],
            f"UK {last} formed as": mix["uk_coverage"],
        }
    )
