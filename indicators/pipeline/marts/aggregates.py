"""Aggregates mart: every area × measure × period the app can show, computed once at build time.

Published first. An area's figure is the one its release publishes — for the area itself, or for an area made of
exactly the same councils (an ITL3 region that is one council, an ITL2 region that is one combined authority, an ITL1
region that is a nation). Only where no release publishes it is the figure derived: Σ numerator ÷ Σ denominator over
the area's members (a sum for totals), and then the row says from how many of how many members it comes.

Tables:
- mart_areas: every area the app can show or compare against: level, what its members are, and whether its
  councils make it up exactly (some ITL regions in Scotland split councils: their council list is a best fit).
  Each council's statistical neighbours (the neighbours mart, built first) are an area too: NEIGHBOURS_<council>,
  level 'neighbours', derived for NEIGHBOUR_MEASURES only and never published (nor standing in for another area).
- mart_members(area_code, member_code): councils; ITL1 regions for the UK excluding London; city regions for the
  Core Cities' city regions together; a council's 15 neighbours.
- aggregates: one row per area × measure × period: value, numerator, denominator, method (published | derived |
  median), published_as (whose published figure), members and councils expected and present, coverage_complete,
  missing_members, coverage_note, source_id.
- reconciliation: every area with both a published and a derived figure, the difference and the measure's stated
  tolerance. A difference with a structural cause found in the data (best-fit membership; published hours or jobs
  that include some not allocated to councils) is explained, not checked; every other fully covered derived figure
  must fall within the tolerance or the build fails.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import duckdb
import pandas as pd

from indicators.domain.areas import CORE_CITY_REGIONS, CORE_COUNCILS, UK, UK_EX_LONDON, UK_WHOLE
from indicators.domain.measure_spec import MEASURES, Form, Measure, start_year
from indicators.domain.neighbours import NEIGHBOUR_MEASURES, NEIGHBOURS_LEVEL, NEIGHBOURS_PREFIX
from indicators.pipeline.marts import create_tables

LONDON = "TLI"
FIRST_ORDER = ("city_region", "combined_authority", "ons_city_region", "itl1", "itl2", "itl3", "country", "uk")
SECOND_ORDER = (UK_EX_LONDON, CORE_CITY_REGIONS)  # aggregates of aggregates
# Whose published figure stands in for an area made of the same councils, most specific first.
LEVEL_ORDER = (
    "lad",
    "itl3",
    "itl2",
    "city_region",
    "combined_authority",
    "ons_city_region",
    "itl1",
    "country",
    "uk",
    "uk_ex_london",
    "core_cities",
)
MEMBER_NOUNS = {
    "lad": ("council", "councils"),
    "itl1": ("region", "regions"),
    "city_region": ("city region", "city regions"),
}
EXACT_POPULATION_PCT = 0.05  # published population within this of its councils' sum: the council list is exact
MISSING_SHOWN = 12
ROW_COLUMNS = ["area_code", "period", "value", "numerator", "denominator", "source_id"]


@dataclass
class Places:
    """The areas, who they are made of, and which council lists are only a best fit."""

    areas: pd.DataFrame  # area_code, area_name, level, member_level, members, membership_exact
    members: pd.DataFrame  # area_code, member_code
    councils: dict[str, frozenset]  # area_code -> the councils it is made of
    best_fit: dict[str, float]  # area_code -> largest population difference (%) against its councils

    @classmethod
    def read(cls, con, obs: dict[str, pd.DataFrame]) -> Places:
        areas, members = areas_and_members(con)
        councils = council_sets(areas, members)
        best_fit = best_fit_areas(obs, councils, "itl_population")
        areas["membership_exact"] = ~areas["area_code"].isin(best_fit)
        return cls(areas, members, councils, best_fit)

    def __post_init__(self):
        self.lads = set(self.areas.loc[self.areas["level"] == "lad", "area_code"])
        self.names = dict(zip(self.areas["area_code"], self.areas["area_name"]))
        self.council_counts = {code: len(lads) for code, lads in self.councils.items()}
        self.member_lists = self.members.groupby("area_code")["member_code"].apply(list).to_dict()
        self.stand_ins = stand_ins(self)


TABLES = {
    "mart_areas": ("area_code",),
    "mart_members": ("area_code", "member_code"),
    "aggregates": ("area_code", "measure_id", "period"),
    "reconciliation": ("area_code", "measure_id", "period"),
}
NOT_NULL = {
    "mart_areas": ("area_name", "level", "members", "membership_exact"),
    "aggregates": (
        "area_name",
        "level",
        "year",
        "value",
        "method",
        "members_expected",
        "members_present",
        "councils_expected",
        "councils_present",
        "coverage_complete",
        "coverage_note",
        "source_id",
    ),
    "reconciliation": (
        "published_value",
        "derived_value",
        "difference_pct",
        "tolerance_pct",
        "explained",
        "checked",
        "within_tolerance",
    ),
}


# ------------------------------------------------------------------------------------------------ areas


def areas_and_members(con) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every area with its level and member level, and the membership of each aggregate."""
    lookup = con.execute("SELECT * FROM lad_lookup").df()
    regions = con.execute("SELECT DISTINCT city_region_code, city_region_name, lad_code FROM city_region_members").df()
    ons_regions = con.execute(
        "SELECT city_region_code, city_region_name, lad_code FROM productivity_cr_lookup_jun2024"
    ).df()
    names = dict(con.execute("SELECT area_code, area_name FROM areas").fetchall())
    core = con.execute("SELECT lad_code FROM core_cities ORDER BY lad_code").df()["lad_code"].tolist()
    lads, areas, members = set(lookup["lad_code"]), [], []

    def add(code, name, level, member_level, member_codes):
        areas.append((code, names.get(code, name), level, member_level))
        members.extend((code, m) for m in member_codes)

    for code, name in zip(lookup["lad_code"], lookup["lad_name"]):
        add(code, name, "lad", None, [])
    for code, group in regions.groupby("city_region_code"):
        add(code, group["city_region_name"].iloc[0], "city_region", "lad", group["lad_code"])
    for level, code_col, name_col in (
        ("itl1", "itl1_code", "itl1_name"),
        ("itl2", "itl2_code", "itl2_name"),
        ("itl3", "itl3_code", "itl3_name"),
        ("country", "country_code", "country_code"),
        ("combined_authority", "ca_code", "ca_name"),
    ):
        for code, group in lookup[lookup[code_col].fillna("") != ""].groupby(code_col):
            if code not in set(regions["city_region_code"]):
                add(code, group[name_col].iloc[0], level, "lad", group["lad_code"])
    known = {a[0] for a in areas}
    for code, group in ons_regions.groupby("city_region_code"):
        if code not in known:
            add(
                code,
                group["city_region_name"].iloc[0],
                "ons_city_region",
                "lad",
                group[group["lad_code"].isin(lads)]["lad_code"],
            )
    add(UK, "United Kingdom less Extra-Regio", "uk", "lad", sorted(lads))
    add(UK_WHOLE, "United Kingdom", "uk", None, [])  # includes Extra-Regio: published figures only, never derived
    add(UK_EX_LONDON, "UK excluding London", "uk_ex_london", "itl1", sorted(set(lookup["itl1_code"]) - {LONDON}))
    add(CORE_COUNCILS, "Core Cities (ten councils)", "core_cities", "lad", core)
    add(
        CORE_CITY_REGIONS,
        "Core Cities (ten city regions)",
        "core_cities",
        "city_region",
        sorted(regions["city_region_code"].unique()),
    )
    lad_names = dict(zip(lookup["lad_code"], lookup["lad_name"]))
    for code, group in statistical_neighbours(con).groupby("area_code"):
        add(
            NEIGHBOURS_PREFIX + code,
            f"Statistical neighbours of {lad_names.get(code, code)}",
            NEIGHBOURS_LEVEL,
            "lad",
            group["neighbour_code"],
        )
    area_frame = pd.DataFrame(areas, columns=["area_code", "area_name", "level", "member_level"])
    member_frame = pd.DataFrame(members, columns=["area_code", "member_code"]).drop_duplicates()
    area_frame["members"] = area_frame["area_code"].map(member_frame.groupby("area_code").size()).fillna(0).astype(int)
    return area_frame, member_frame.sort_values(["area_code", "member_code"]).reset_index(drop=True)


def statistical_neighbours(con) -> pd.DataFrame:
    """Each council's neighbours (area_code, neighbour_code) from the neighbours mart; none when it was not built."""
    built = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'neighbours'").fetchall()[0][
        0
    ]
    if not built:
        return pd.DataFrame(columns=["area_code", "neighbour_code"])
    return con.execute("SELECT area_code, neighbour_code FROM neighbours ORDER BY area_code, rank").df()


def council_sets(areas: pd.DataFrame, members: pd.DataFrame) -> dict[str, frozenset]:
    """The councils each area is made of (a council is itself; aggregates of aggregates are expanded)."""
    level = dict(zip(areas["area_code"], areas["level"]))
    direct = members.groupby("area_code")["member_code"].apply(list).to_dict()
    out: dict[str, frozenset] = {}

    def expand(code: str) -> frozenset:
        if code not in out:
            out[code] = (
                frozenset([code])
                if level[code] == "lad"
                else frozenset(lad for member in direct.get(code, []) for lad in expand(member))
            )
        return out[code]

    for code in areas["area_code"]:
        expand(code)
    return out


def best_fit_areas(
    obs: dict[str, pd.DataFrame], sets: dict[str, frozenset], published_population: str
) -> dict[str, float]:
    """Areas whose published population differs from their councils' sum (in years with every council present) by
    more than EXACT_POPULATION_PCT: their boundaries split councils, so the council list only approximates them.

    Returns {area_code: largest difference (%)}.
    """
    if published_population not in obs or "population" not in obs:
        return {}
    council = {(a, p): v for a, p, v in obs["population"][["area_code", "period", "value"]].itertuples(index=False)}
    out = {}
    for code, period, value in obs[published_population][["area_code", "period", "value"]].itertuples(index=False):
        lads = sets.get(code)
        if not lads or code in lads:
            continue
        found = [council.get((lad, period)) for lad in lads]
        if None not in found:
            difference = abs(sum(found) / value - 1) * 100
            if difference > EXACT_POPULATION_PCT:
                out[code] = max(out.get(code, 0.0), difference)
    return out


# ------------------------------------------------------------------------------------------------ reading forms


def _part(obs: dict[str, pd.DataFrame], part, codes: set[str]) -> pd.DataFrame:
    frame = obs.get(part.indicator_id, pd.DataFrame(columns=["area_code", "period", "value", "source_id"]))
    frame = frame[frame["area_code"].isin(codes)]
    return pd.DataFrame(
        {
            "area_code": frame["area_code"],
            "period": frame["period"],
            "x": frame["value"] * part.scale,
            "source_id": frame["source_id"],
        }
    )


def form_rows(obs: dict[str, pd.DataFrame], form: Form, codes: set[str], start_year_denominator: bool) -> pd.DataFrame:
    """Each area's figure from its own observations under one form.

    Args:
        obs: observations by indicator id (area_code, period, value, source_id).
        form: which series give the value, numerator and denominator.
        codes: the areas to read.
        start_year_denominator: divide a 'YYYY-YY' period's total by the denominator of calendar year YYYY.
    Returns:
        ROW_COLUMNS, one row per area and period with a value; numerator/denominator missing where not published.
    """
    main = _part(obs, form.value or form.numerator, codes).rename(columns={"x": "main"})
    main["denominator"] = float("nan")
    if form.denominator:
        den = _part(obs, form.denominator, codes).rename(
            columns={"x": "denominator", "period": "den_period", "source_id": "den_source"}
        )
        main["den_period"] = (
            main["period"].map(lambda p: str(start_year(p))) if start_year_denominator else main["period"]
        )
        main = main.drop(columns="denominator").merge(den, on=["area_code", "den_period"], how="left")
        main["source_id"] = [
            s if pd.isna(d) or d == s else f"{s};{d}" for s, d in zip(main["source_id"], main["den_source"])
        ]
    if form.value is None:
        main["numerator"], main["value"] = main["main"], main["main"] / main["denominator"]
    elif form.numerator is not None:
        numerator = _part(obs, form.numerator, codes).rename(columns={"x": "numerator"}).drop(columns="source_id")
        main = main.merge(numerator, on=["area_code", "period"], how="left").rename(columns={"main": "value"})
    else:
        main["value"] = main["main"]
        main["numerator"] = main["main"] * main["denominator"] if form.denominator else main["main"]
    return main.dropna(subset=["value"])[ROW_COLUMNS].reset_index(drop=True)


# ------------------------------------------------------------------------------------------------ aggregation


def derive(rows: pd.DataFrame, members: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Σ numerator ÷ Σ denominator (the sum, for totals) over each aggregate's members.

    Args:
        rows: member figures: ROW_COLUMNS plus councils_present.
        members: area_code, member_code of the aggregates to derive.
        kind: 'sum' or 'ratio'.
    Returns:
        area_code, period, value, numerator, denominator, members_present, councils_present, source_id (the releases
        of the members' figures, each once). A member is present when it has what the sum needs (a value for totals,
        both totals for ratios).
    """
    summed = "value" if kind == "sum" else "numerator"
    needed = "value IS NOT NULL" if kind == "sum" else "numerator IS NOT NULL AND denominator IS NOT NULL"
    usable = rows[["area_code", "period", "value", "numerator", "denominator", "councils_present", "source_id"]]
    return _sql(
        f"""SELECT m.area_code, r.period, sum(r.{summed}) AS numerator,
                   {"NULL::DOUBLE" if kind == "sum" else "sum(r.denominator)"} AS denominator,
                   count(*) AS members_present, sum(r.councils_present) AS councils_present,
                   array_to_string(list_sort(list_distinct(flatten(list(string_split(r.source_id, ';'))))), ';')
                       AS source_id
            FROM members m JOIN usable r ON r.area_code = m.member_code
            WHERE {needed} GROUP BY ALL""",
        members=members,
        usable=usable,
    ).assign(value=lambda f: f["numerator"] if kind == "sum" else f["numerator"] / f["denominator"])


@functools.cache
def _scratch() -> duckdb.DuckDBPyConnection:
    """An in-memory database for build-time grouping (many times faster in DuckDB than in pandas)."""
    return duckdb.connect()


def _sql(sql: str, **frames: pd.DataFrame) -> pd.DataFrame:
    """Run one build-time statement over DataFrames registered under the given names."""
    con = _scratch().cursor()
    try:
        for name, frame in frames.items():
            con.register(name, frame)
        out = con.execute(sql).df()
    finally:
        con.close()
    return out.astype({c: object for c in ("area_code", "period", "source_id") if c in out})


def median_of_councils(council_rows: pd.DataFrame, codes: list[str], sets: dict[str, frozenset]) -> pd.DataFrame:
    """For a rate no release publishes for an aggregate: the median of its councils' published figures."""
    members = pd.DataFrame(
        [(code, lad) for code in codes for lad in sorted(sets[code])], columns=["area_code", "member_code"]
    )
    return _sql(
        """SELECT m.area_code, r.period, median(r.value) AS value, NULL::DOUBLE AS numerator,
                  NULL::DOUBLE AS denominator, count(*) AS members_present, count(*) AS councils_present,
                  array_to_string(list_sort(list_distinct(flatten(list(string_split(r.source_id, ';'))))), ';')
                      AS source_id
           FROM members m JOIN usable r ON r.area_code = m.member_code WHERE r.value IS NOT NULL GROUP BY ALL""",
        members=members,
        usable=council_rows[["area_code", "period", "value", "source_id"]],
    )


def coverage_note(expected: list[str], missing: list[str], noun: tuple[str, str], names: dict[str, str]) -> str:
    """'derived from 350 of 361 councils; no figure for: A (code), B (code), … and N more' ('' when none missing)."""
    if not missing:
        return ""
    shown = ", ".join(f"{names.get(m, m)} ({m})" for m in missing[:MISSING_SHOWN])
    more = f" and {len(missing) - MISSING_SHOWN} more" if len(missing) > MISSING_SHOWN else ""
    present = len(expected) - len(missing)
    return f"derived from {present} of {len(expected)} {noun[len(expected) != 1]}; no figure for: {shown}{more}"


def stand_ins(places: Places) -> pd.DataFrame:
    """Pairs (area_code, published_as, rank): other areas made of exactly the same councils, most specific level
    first. Areas whose council list is only a best fit never stand in, nor are stood in for; nor do statistical
    neighbours (no release publishes them, and their figure should not be another area's by coincidence)."""
    rank = {level: i for i, level in enumerate(LEVEL_ORDER)}
    by_set: dict[frozenset, list[str]] = {}
    areas = places.areas[places.areas["level"] != NEIGHBOURS_LEVEL]
    ordered = sorted(zip(areas["area_code"], areas["level"]), key=lambda a: (rank[a[1]], a[0]))
    for code, _ in ordered:
        if places.councils[code] and code not in places.best_fit:
            by_set.setdefault(places.councils[code], []).append(code)
    pairs = [
        (code, other, i)
        for group in by_set.values()
        for code in group
        for i, other in enumerate(o for o in group if o != code)
    ]
    return pd.DataFrame(pairs, columns=["area_code", "published_as", "rank"])


def published_rows(measure: Measure, obs: dict[str, pd.DataFrame], places: Places) -> pd.DataFrame:
    """Every published figure of a measure: each area's own, then those of areas with the same councils."""
    start = measure.denominator_period == "start_year"
    lads = places.lads
    parts = []
    if measure.published:
        parts.append(form_rows(obs, measure.published, set(places.areas["area_code"]) - lads, start))
    if measure.council and measure.council.value is not None:
        parts.append(form_rows(obs, measure.council, lads, start))
    own = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=ROW_COLUMNS)
    own["published_as"] = own["area_code"]
    borrowed = places.stand_ins.merge(own.drop(columns="area_code"), on="published_as").sort_values("rank")
    borrowed = borrowed.drop_duplicates(["area_code", "period"]).drop(columns="rank")
    out = pd.concat([own, _without(borrowed, own)], ignore_index=True)
    return out.assign(method="published", councils_present=out["area_code"].map(places.council_counts))


def measure_table(measure: Measure, obs: dict[str, pd.DataFrame], places: Places) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every area's row for one measure (published first, else derived) and its reconciliation rows."""
    areas, lads = places.areas, places.lads
    published = published_rows(measure, obs, places)
    own = pd.DataFrame(columns=ROW_COLUMNS)  # a council's figure computed from its own published totals
    if measure.council and measure.council.value is None:
        own = form_rows(obs, measure.council, lads, measure.denominator_period == "start_year")
    own = own.assign(method="derived", councils_present=1, members_present=0)
    final = _prefer_published(published[published["area_code"].isin(lads)], own)
    derived = [own]
    first_order = (*FIRST_ORDER, NEIGHBOURS_LEVEL) if measure.id in NEIGHBOUR_MEASURES else FIRST_ORDER
    for targets in (
        areas[areas["level"].isin(first_order) | (areas["area_code"] == CORE_COUNCILS)],
        areas[areas["area_code"].isin(SECOND_ORDER)],
    ):
        if measure.kind == "rate":
            wanted = targets.loc[targets["level"].isin(["uk_ex_london", "core_cities"]), "area_code"].tolist()
            step = median_of_councils(final[final["area_code"].isin(lads)], wanted, places.councils)
            step = step.assign(method="median")
        else:
            step = derive(final, places.members[places.members["area_code"].isin(targets["area_code"])], measure.kind)
            step = step.assign(method="derived")
        derived.append(step)
        chosen = _prefer_published(published[published["area_code"].isin(targets["area_code"])], step)
        final = pd.concat([final, chosen], ignore_index=True)
    derived = pd.concat(derived, ignore_index=True)
    return _finish(measure, final, places), _reconcile(measure, published, derived, places)


def _without(frame: pd.DataFrame, other: pd.DataFrame) -> pd.DataFrame:
    """The rows of `frame` whose (area_code, period) is not in `other`."""
    if frame.empty or other.empty:
        return frame
    marked = frame.merge(
        other[["area_code", "period"]].drop_duplicates(), on=["area_code", "period"], how="left", indicator=True
    )
    return frame[(marked["_merge"] == "left_only").to_numpy()]


def _prefer_published(published: pd.DataFrame, derived: pd.DataFrame) -> pd.DataFrame:
    """Published rows, plus derived rows for the area-periods with no published figure."""
    kept = _without(derived, published)
    return pd.concat([published.assign(members_present=0), kept.assign(published_as=None)], ignore_index=True)


def _finish(measure: Measure, final: pd.DataFrame, places: Places) -> pd.DataFrame:
    """Names, levels, coverage columns and notes on the chosen rows."""
    attributes = places.areas[["area_code", "area_name", "level", "member_level", "members"]].assign(
        councils_expected=places.areas["area_code"].map(places.council_counts)
    )
    years = pd.DataFrame({"period": final["period"].unique()})
    years["year"] = years["period"].map(start_year)
    out = final.merge(attributes, on="area_code").merge(years, on="period")
    out["measure_id"] = measure.id
    published, median = out["method"] == "published", out["method"] == "median"
    out["members_expected"] = out["members"].astype(int)
    out["members_present"] = out["members_present"].where(~published, out["members_expected"]).astype(int)
    out["councils_present"] = out["councils_present"].astype(float).round().astype(int)
    out.loc[median, "members_expected"] = out.loc[median, "councils_expected"]
    out["coverage_complete"] = (out["members_present"] >= out["members_expected"]) & (
        (out["councils_present"] >= out["councils_expected"]) | median
    )
    needs = ["value"] if measure.kind in ("sum", "rate") else ["numerator", "denominator"]
    usable = set(zip(*out.dropna(subset=needs)[["area_code", "period"]].to_numpy().T)) if len(out) else set()
    out["coverage_note"], out["missing_members"] = "", ""
    for i in out.index[~out["coverage_complete"]]:
        code, period = out.at[i, "area_code"], out.at[i, "period"]
        wanted = sorted(places.councils[code]) if median[i] else places.member_lists.get(code, [])
        missing = [m for m in wanted if (m, period) not in usable]
        noun = MEMBER_NOUNS["lad" if median[i] else out.at[i, "member_level"]]
        note = coverage_note(wanted, missing, noun, places.names)
        if not note:  # every member present, but one of them rests on partial coverage itself
            present = int(out.at[i, "members_present"])
            note = (
                f"derived from {present} {noun[present != 1]}, resting on {out.at[i, 'councils_present']} "
                f"of {out.at[i, 'councils_expected']} councils"
            )
        out.at[i, "coverage_note"], out.at[i, "missing_members"] = note, ",".join(missing)
    columns = [
        "area_code",
        "area_name",
        "level",
        "measure_id",
        "period",
        "year",
        "value",
        "numerator",
        "denominator",
        "method",
        "published_as",
        "member_level",
        "members_expected",
        "members_present",
        "councils_expected",
        "councils_present",
        "coverage_complete",
        "missing_members",
        "coverage_note",
        "source_id",
    ]
    return out[columns].sort_values(["area_code", "year", "period"]).reset_index(drop=True)


def _reconcile(measure: Measure, published: pd.DataFrame, derived: pd.DataFrame, places: Places) -> pd.DataFrame:
    """Published beside derived wherever both exist, with the difference, the tolerance and any structural cause."""
    derived = derived[derived["method"] == "derived"]
    both = published[["area_code", "period", "value", "denominator", "published_as"]].merge(
        derived[["area_code", "period", "value", "denominator", "members_present"]],
        on=["area_code", "period"],
        suffixes=("", "_derived"),
    )
    both = both[~both["published_as"].isin(places.lads) | (both["published_as"] == both["area_code"])]
    if both.empty or measure.kind == "rate":  # (a figure borrowed from its one council checks nothing)
        return pd.DataFrame()
    by_code = places.areas.set_index("area_code")
    is_lad = both["area_code"].isin(places.lads)
    out = pd.DataFrame(
        {
            "area_code": both["area_code"],
            "area_name": both["area_code"].map(by_code["area_name"]),
            "level": both["area_code"].map(by_code["level"]),
            "measure_id": measure.id,
            "period": both["period"],
            "published_value": both["value"],
            "published_as": both["published_as"],
            "derived_value": both["value_derived"],
            "members_expected": both["area_code"].map(by_code["members"]).where(~is_lad, 1).astype(int),
            "members_present": both["members_present"].where(~is_lad, 1).astype(int),
        }
    )
    out["difference"] = out["derived_value"] - out["published_value"]
    out["difference_pct"] = out["difference"] / out["published_value"] * 100
    denominator_gap = (both["denominator_derived"] / both["denominator"] - 1) * 100
    out["coverage_complete"] = out["members_present"] >= out["members_expected"]
    out["tolerance_pct"], out["tolerance_reason"] = measure.tolerance_pct, measure.tolerance_reason
    out["explained"] = [
        _explanation(code, gap, places.best_fit) if complete else ""
        for code, gap, complete in zip(out["area_code"], denominator_gap, out["coverage_complete"])
    ]
    out["checked"] = out["coverage_complete"] & (out["explained"] == "")
    out["within_tolerance"] = out["difference_pct"].abs() <= measure.tolerance_pct
    return out


EMPTY_RECONCILIATION = pd.DataFrame(
    {
        **{
            c: pd.Series(dtype=object)
            for c in (
                "area_code",
                "area_name",
                "level",
                "measure_id",
                "period",
                "published_as",
                "tolerance_reason",
                "explained",
            )
        },
        **{
            c: pd.Series(dtype=float)
            for c in ("published_value", "derived_value", "difference", "difference_pct", "tolerance_pct")
        },
        **{c: pd.Series(dtype=int) for c in ("members_expected", "members_present")},
        **{c: pd.Series(dtype=bool) for c in ("coverage_complete", "checked", "within_tolerance")},
    }
)  # a build whose releases publish nothing that is also derived (e.g. a test fixture)


def _explanation(area_code: str, denominator_gap_pct: float, best_fit: dict[str, float]) -> str:
    """A structural reason found in the data for a derived figure to differ from the published one ('' if none)."""
    if area_code in best_fit:
        return (
            f"the area's boundary splits councils: its published population differs from its councils' by up to "
            f"{best_fit[area_code]:.2f}%"
        )
    if pd.notna(denominator_gap_pct) and abs(denominator_gap_pct) > EXACT_POPULATION_PCT * 10:
        return (
            f"the published denominator (hours or jobs) is {-denominator_gap_pct:+.1f}% against its councils' sum: "
            "ONS includes some not allocated to councils"
        )
    return ""


# ------------------------------------------------------------------------------------------------ build and checks


def read_observations(con) -> dict[str, pd.DataFrame]:
    """The observations every measure reads, by indicator id (area_code, period, value, source_id)."""
    needed = sorted({i for m in MEASURES.values() for i in m.indicator_ids})
    frame = con.execute(
        "SELECT area_code, indicator_id, period, value, source_id FROM observations "
        "WHERE list_contains(?, indicator_id)",
        [needed],
    ).df()
    # plain Python strings: the joins and look-ups below run several times faster than on Arrow-backed strings
    frame = frame.astype({"area_code": object, "period": object, "source_id": object, "indicator_id": object})
    return {indicator: group.drop(columns="indicator_id") for indicator, group in frame.groupby("indicator_id")}


def tables(con) -> dict[str, pd.DataFrame]:
    """The mart tables, computed from the loaded extracts in `con`."""
    obs = read_observations(con)
    places = Places.read(con, obs)
    rows, checks = [], []
    for measure in MEASURES.values():
        table, reconciliation = measure_table(measure, obs, places)
        rows.append(table)
        checks.append(reconciliation)
    checks = [c for c in checks if len(c)]
    return {
        "mart_areas": places.areas,
        "mart_members": places.members,
        "aggregates": pd.concat(rows, ignore_index=True),
        "reconciliation": pd.concat(checks, ignore_index=True) if checks else EMPTY_RECONCILIATION,
    }


def build(con) -> None:
    create_tables(con, tables(con))


def checks(con) -> list[str]:
    """Partial coverage is always noted; fully covered derived figures reconcile with the published ones."""
    failures = []
    silent = con.execute(
        "SELECT count(*) FROM aggregates WHERE NOT coverage_complete AND coverage_note = ''"
    ).fetchone()[0]
    if silent:
        failures.append(f"aggregates: {silent} rows rest on partial coverage without a note")
    methods = set(con.execute("SELECT DISTINCT method FROM aggregates").df()["method"])
    if methods - {"published", "derived", "median"}:
        failures.append(f"aggregates: unknown methods {sorted(methods)}")
    outside = con.execute(
        """SELECT area_code, measure_id, period, published_value, derived_value, difference_pct, tolerance_pct
           FROM reconciliation WHERE checked AND NOT within_tolerance ORDER BY abs(difference_pct) DESC"""
    ).fetchall()
    failures += [
        f"reconciliation: {a} {m} {p}: derived {d:,.6g} vs published {v:,.6g} ({pct:+.3f}%, tolerance ±{t}%)"
        for a, m, p, v, d, pct, t in outside[:20]
    ]
    for measure_id in ("gva_per_hour", "gva_per_job", "gva_per_head"):  # the benchmarks every page offers
        found = con.execute(
            """SELECT count(*) AS all_rows, count(DISTINCT area_code) FILTER (WHERE list_contains(?, area_code))
                               FROM aggregates WHERE measure_id = ?""",
            [[UK, CORE_COUNCILS, CORE_CITY_REGIONS, UK_EX_LONDON], measure_id],
        ).fetchone()
        if found[0] and found[1] < 4:
            failures.append(f"aggregates: {measure_id} lacks the UK, UK excluding London or Core Cities rows")
    return failures + neighbour_checks(con)


def neighbour_checks(con) -> list[str]:
    """Every council's statistical neighbours have figures on each NEIGHBOUR_MEASURE, and only those, never
    published."""
    failures = []
    expected = con.execute("SELECT count(*) FROM mart_areas WHERE level = ?", [NEIGHBOURS_LEVEL]).fetchone()[0]
    found = dict(
        con.execute(
            """SELECT measure_id, count(DISTINCT area_code) FROM aggregates WHERE level = ?
                                GROUP BY ALL""",
            [NEIGHBOURS_LEVEL],
        ).fetchall()
    )
    for measure_id in NEIGHBOUR_MEASURES:
        if found.get(measure_id, 0) != expected:
            failures.append(
                f"aggregates: {measure_id} has figures for {found.get(measure_id, 0)} of {expected} "
                "councils' statistical neighbours"
            )
    if set(found) - set(NEIGHBOUR_MEASURES):
        failures.append(
            f"aggregates: statistical neighbours derived for {sorted(set(found) - set(NEIGHBOUR_MEASURES))}"
        )
    published = con.execute(
        "SELECT count(*) FROM aggregates WHERE level = ? AND method <> 'derived'", [NEIGHBOURS_LEVEL]
    ).fetchone()[0]
    if published:
        failures.append(f"aggregates: {published} statistical-neighbour rows not derived from their members")
    return failures
