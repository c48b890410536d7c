"""Fiscal mart: tax-versus-spend ESTIMATES for councils, city regions and the Core Cities, computed once per build.

No official source publishes public revenue or spending below region (ITL1) level. ONS country and regional public
sector finances (CRPSF) give revenue by item and expenditure by COFOG function for each region; this mart shares each
regional group out to the region's local authorities (LAs) under every valid key, for every financial year, so the app
only picks one key per group and adds up (indicators.analysis.fiscal reads these tables). The groups, their keys and the
regions are declared in indicators.domain.fiscal, which the app shares.

Tables
  fiscal_population      period x LA: the year's one population base. CRPSF's own population of the region for that
                         financial year, shared to its LAs in proportion to their ONS mid-year estimates (calendar year
                         Y for FY Y-(Y+1); the nearest year published when Y is missing, recorded in mye_period).
  fiscal_regional_items  period x region x item: the official CRPSF £m of each revenue and spending group.
  fiscal_items           period x area x item x key: £m of one group for an LA, a city region or a Core Cities total
                         under one key (aggregates are sums of their members' estimates).
  fiscal_areas           period x area: name, type, population, members expected and present.
  fiscal_held            period x region x item: North Sea oil and gas revenue held at region/nation level.
  fiscal_ranges          period x area: lowest and highest net balance over every combination of keys, the keys that
                         give them and the number of combinations (net balance is a sum over groups, so its extremes
                         are the sums of each group's extremes).
  fiscal_key_notes       period x key x region: the data period a key used and the LAs that took their population share.

Sign convention (CRPSF's): net balance = expenditure - revenue; positive = spending exceeds taxes (a deficit).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.domain.fiscal import (
    CORE_CITY_REGIONS,
    CORE_COUNCILS,
    CRPSF_POPULATION,
    EXPENDITURE,
    EXPENDITURE_TOTAL,
    GROUPS,
    KEY_OPTIONS,
    REGIONS,
    REVENUE,
    REVENUE_EXCL_NORTH_SEA,
    REVENUE_TOTAL,
    combinations,
)
from indicators.pipeline.marts import create_tables

DEFAULT_OPTIONS = {name: g.keys[0] for name, g in GROUPS.items()}  # every group's default key, fixed ones too
RS_SERVICES = {  # key -> RS services summed (social care is one column in 2010-11, two from 2011-12)
    "rs_education": ("education",),
    "rs_social_care": ("social_care", "children_social_care", "adult_social_care"),
    "rs_culture": ("cultural",),
    "rs_housing": ("housing_gfra",),
}
OBS_KEYS = {
    "hmrc_income_tax": "income_tax",
    "workplace_jobs": "filled_jobs",
    "gva": "gva_current",
    "receipts": "council_tax_receipts",
    "gdhi": "gdhi_per_head",
}
TOLERANCE_GBP_M = 1.0  # the add-back must hold to £1m

TABLES = {
    "fiscal_population": ("period", "lad_code"),
    "fiscal_regional_items": ("period", "region_code", "item"),
    "fiscal_items": ("period", "area_code", "item", "key"),
    "fiscal_areas": ("period", "area_code"),
    "fiscal_held": ("period", "region_code", "item"),
    "fiscal_ranges": ("period", "area_code"),
    "fiscal_key_notes": ("period", "key", "region_code"),
}
NOT_NULL = {
    "fiscal_population": ("itl1_code", "mye_period", "mye_population", "population", "crpsf_population"),
    "fiscal_regional_items": ("value_gbp_m",),
    "fiscal_items": ("value_gbp_m",),
    "fiscal_areas": ("area_name", "area_type", "population", "members_expected", "members_present", "members_missing"),
    "fiscal_held": ("value_gbp_m",),
    "fiscal_ranges": ("min_gbp_m", "max_gbp_m", "default_gbp_m", "min_options", "max_options", "combinations"),
    "fiscal_key_notes": ("population_period", "lads", "fallback_lads"),
}

# ------------------------------------------------------------------------------------------------- pure arithmetic


def start_year(period: str) -> int:
    """'2024-25' or '2024' -> 2024."""
    return int(str(period)[:4])


def nearest_period(available, wanted: int) -> str | None:
    """The available period whose start year is nearest `wanted` (ties go to the earlier); None if none.

    Args: periods such as '2014-15' or '2014'; the wanted start year.
    Returns: one of `available`, or None when it is empty.
    """
    best = None
    for period in sorted(available):
        distance = abs(start_year(period) - wanted)
        if best is None or distance < best[0]:
            best = (distance, period)
    return None if best is None else best[1]


def population_base(mye: np.ndarray, crpsf_population: float) -> np.ndarray:
    """Councils' populations for one region and year: CRPSF's regional population shared by mid-year estimates.

    Args: the region's councils' mid-year estimates (all present); CRPSF's population of the region.
    Returns: populations in the same order, summing to crpsf_population.
    """
    if np.isnan(mye).any() or mye.sum() <= 0:
        raise ValueError("every council needs a positive mid-year estimate")
    return crpsf_population * mye / mye.sum()


def shares_with_fallback(pop_share: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Councils' shares of one region's figure under a key, in the region's council order.

    Councils with no usable key value (missing or negative) keep their population share; the rest split the
    remainder in proportion to the key. If no council has a usable value (or they sum to zero) every council takes its
    population share.
    Args: population shares (sum to 1); key values (NaN where missing).
    Returns: (shares summing to 1, boolean mask of councils that fell back to their population share).
    """
    covered = ~np.isnan(values) & (np.nan_to_num(values, nan=-1.0) >= 0)
    total = values[covered].sum() if covered.any() else 0.0
    if total <= 0:
        return pop_share.copy(), np.ones(len(pop_share), dtype=bool)
    shares = pop_share.copy()
    shares[covered] = pop_share[covered].sum() * values[covered] / total
    return shares, ~covered


def group_values(items: dict[str, float]) -> dict[str, float]:
    """One region's official £m per group (GROUPS), from its CRPSF items for one year.

    Args: indicator id -> £m (must hold rev_total and exp_total; missing items count as 0).
    Returns: group item -> £m; the 'other' groups are the totals less the named groups, so the groups add up to the
    official totals exactly.
    """
    out = {}
    for group in GROUPS.values():
        if group.indicators:
            out[group.item] = sum(items.get(i, 0.0) for i in group.indicators)
    named_rev = sum(v for k, v in out.items() if k.startswith("rev_"))
    named_exp = sum(v for k, v in out.items() if k.startswith("exp_"))
    out[REVENUE["other_revenue"].item] = items[REVENUE_TOTAL] - named_rev
    out[EXPENDITURE["other_spending"].item] = items[EXPENDITURE_TOTAL] - named_exp
    return out


def two_tier_values(rs: pd.DataFrame, mye: dict[str, float], lad_codes: set[str]) -> dict[str, float]:
    """Councils' key values from one RS year: own spending, plus a share of their county's (by population).

    A shire county's spending is shared to its districts in proportion to their mid-year population, but only when
    every district of that county is a current council with a population; otherwise its districts get no value.
    Args: RS rows for one year and key (area_code, authority_class, county_code, value_gbp_m); mid-year population by
        council; the current council codes.
    Returns: council code -> £m, for current councils with a value.
    """
    own = rs[rs["authority_class"] != "SC"].groupby("area_code")["value_gbp_m"].sum()
    out = {code: float(v) for code, v in own.items() if code in lad_codes}
    counties = rs[rs["authority_class"] == "SC"].groupby("area_code")["value_gbp_m"].sum()
    districts = rs[rs["authority_class"] == "SD"].groupby("county_code")["area_code"].agg(lambda s: sorted(set(s)))
    for county, spending in counties.items():
        members = districts.get(county, [])
        if not members or any(d not in lad_codes or d not in out or not mye.get(d) for d in members):
            for d in members:
                out.pop(d, None)
            continue
        total = sum(mye[d] for d in members)
        for d in members:
            out[d] += float(spending) * mye[d] / total
    return out


def extremes(signed: pd.DataFrame) -> pd.DataFrame:
    """Each group's lowest and highest contribution to the net balance, with the keys that give them.

    Args: rows (period, area_code, group, key, signed) where signed = £m with revenue negative, spending positive.
    Returns: one row per (period, area_code, group): min_key, min_value, max_key, max_value (ties: first key in the
    group's order, as the rows come).
    """
    keys = ["period", "area_code", "group"]
    low = signed.loc[signed.groupby(keys, sort=False)["signed"].idxmin()]
    high = signed.loc[signed.groupby(keys, sort=False)["signed"].idxmax()]
    out = low[keys + ["key", "signed"]].rename(columns={"key": "min_key", "signed": "min_value"})
    return out.merge(high[keys + ["key", "signed"]].rename(columns={"key": "max_key", "signed": "max_value"}), on=keys)


# ------------------------------------------------------------------------------------------------ reading inputs


def _frame(con, sql: str, params=()) -> pd.DataFrame:
    return con.execute(sql, list(params)).fetchdf()


def _tables(con) -> set[str]:
    return set(_frame(con, "SELECT table_name FROM information_schema.tables")["table_name"])


def read_inputs(con) -> dict:
    """Everything the mart reads: councils, CRPSF regional figures, key inputs, RS spending and members."""
    lads = _frame(
        con,
        "SELECT lad_code, lad_name, itl1_code FROM lad_lookup WHERE list_contains(?, itl1_code) ORDER BY lad_code",
        [list(REGIONS)],
    )
    crpsf_ids = sorted(
        {i for g in GROUPS.values() for i in g.indicators}
        | {REVENUE_TOTAL, REVENUE_EXCL_NORTH_SEA, EXPENDITURE_TOTAL, CRPSF_POPULATION}
    )
    crpsf = _frame(
        con,
        "SELECT area_code, indicator_id, period, value FROM observations WHERE list_contains(?, area_code) "
        "AND list_contains(?, indicator_id)",
        [list(REGIONS), crpsf_ids],
    )
    inputs = _frame(
        con,
        "SELECT area_code, indicator_id, period, value FROM observations WHERE list_contains(?, indicator_id) "
        "AND list_contains(?, area_code)",
        [["population", *OBS_KEYS.values()], lads["lad_code"].tolist()],
    )
    rs_columns = ["period", "area_code", "authority_class", "county_code", "service", "value_gbp_m"]
    rs = (
        _frame(
            con,
            "SELECT period, area_code, authority_class, coalesce(county_code, '') AS county_code, service, "
            "CAST(value_gbp_m AS DOUBLE) AS value_gbp_m FROM rs_service_expenditure",
        )
        if "rs_service_expenditure" in _tables(con)
        else pd.DataFrame(columns=rs_columns)
    )
    members = _frame(
        con,
        "SELECT city_region_code AS area_code, city_region_name AS area_name, lad_code "
        "FROM city_region_members ORDER BY 1, 3",
    )
    cities = _frame(con, "SELECT lad_code FROM core_cities ORDER BY lad_code")
    return {"lads": lads, "crpsf": crpsf, "inputs": inputs, "rs": rs, "members": members, "cities": cities}


Lookup = dict[str, dict[str, dict[str, float]]]  # indicator -> period -> area -> value


def lookup(inputs: pd.DataFrame) -> Lookup:
    """Key inputs as nested dicts (indicator -> period -> area -> value)."""
    out: Lookup = {}
    columns = (inputs[c].tolist() for c in ("indicator_id", "period", "area_code", "value"))
    for indicator, period, area, value in zip(*columns):
        out.setdefault(indicator, {}).setdefault(period, {})[area] = float(value)
    return out


def rs_lookup(rs: pd.DataFrame, found: Lookup, lad_codes: set[str]) -> Lookup:
    """RS key values per key and RS year, two-tier areas resolved (see two_tier_values)."""
    out: Lookup = {}
    population = found.get("population", {})
    for key, services in RS_SERVICES.items():
        chosen = rs[rs["service"].isin(services)]
        for period, rows in chosen.groupby("period"):
            mye = population.get(nearest_period(population, start_year(period)) or "", {})
            out.setdefault(key, {})[period] = two_tier_values(rows, mye, lad_codes)
    return out


# ------------------------------------------------------------------------------------------------ apportionment


def periods_with_data(found: Lookup, indicator: str, lad_codes: tuple[str, ...]) -> tuple[str, ...]:
    """Periods in which any of the councils has a value of the indicator."""
    return tuple(p for p, by in found.get(indicator, {}).items() if any(c in by for c in lad_codes))


def key_values(
    key: str, lad_codes: list[str], found: Lookup, year: str, available: tuple[str, ...]
) -> tuple[np.ndarray, str | None]:
    """One key's values for a region's councils in one financial year (NaN where missing) and the period used.

    available: the periods in which any of the councils has a value (periods_with_data); the nearest to the
    financial year's start is used.
    """
    series = found.get(OBS_KEYS.get(key, key), {})
    period = nearest_period(available, start_year(year))
    by_area = series.get(period, {}) if period else {}
    values = np.array([by_area.get(c, np.nan) for c in lad_codes], dtype=float)
    if key == "gdhi" and period:
        population = found.get("population", {})
        pop = population.get(nearest_period(population, start_year(period)) or "", {})
        values = values * np.array([pop.get(c, np.nan) for c in lad_codes], dtype=float)
    return values, period


def mye_for_region(lad_codes: list[str], found: Lookup, year: str, complete: tuple[str, ...]) -> tuple[np.ndarray, str]:
    """Mid-year estimates for a region's councils: calendar year Y, else the nearest year in which all have one.

    complete: the years in which every council of the region has a mid-year estimate.
    """
    period = nearest_period(complete, start_year(year))
    if period is None:
        raise ValueError(f"no year with a mid-year estimate for every council of {lad_codes[:3]}…")
    return np.array([found["population"][period][c] for c in lad_codes], dtype=float), period


SHARED_KEYS = tuple(sorted({k for g in GROUPS.values() for k in g.keys} - {"population", "held"}))


def availability(lad_codes: list[str], found: Lookup) -> dict[str, tuple[str, ...]]:
    """For one region: the periods each key has data in, and ('population') the years every council has an estimate."""
    out = {key: periods_with_data(found, OBS_KEYS.get(key, key), tuple(lad_codes)) for key in SHARED_KEYS}
    out["population"] = tuple(p for p, by in found.get("population", {}).items() if all(c in by for c in lad_codes))
    return out


def region_shares(
    lad_codes: list[str], pop_share: np.ndarray, found: Lookup, year: str, available: dict[str, tuple[str, ...]]
) -> tuple[dict, list[tuple]]:
    """Every key's shares for one region's councils in one year, and per key the period used and the fallbacks.

    Args: the region's councils; their population shares; the key inputs; the financial year; availability().
    Returns: ({key: (shares, fell-back mask)},
        [(key, key period, ';'-joined councils that took their population share)]).
    """
    shares = {"population": (pop_share, np.zeros(len(lad_codes), dtype=bool))}
    notes = []
    for key in SHARED_KEYS:
        values, period = key_values(key, lad_codes, found, year, available[key])
        shares[key] = shares_with_fallback(pop_share, values)
        notes.append((key, period, ";".join(c for c, f in zip(lad_codes, shares[key][1]) if f)))
    return shares, notes


def item_columns(year: str, lad_codes: list[str], totals: dict[str, float], shares: dict) -> dict[str, np.ndarray]:
    """Columns of (period, area_code, item, key, value_gbp_m): each group's regional £m × each key's shares ('held':
    zero for every council)."""
    values, labels = [], []
    for group in GROUPS.values():
        for key in group.keys:
            values.append(np.zeros(len(lad_codes)) if key == "held" else totals[group.item] * shares[key][0])
            labels.append((group.item, key))
    n = len(lad_codes)
    return {
        "period": np.full(n * len(labels), year, dtype=object),
        "area_code": np.tile(np.array(lad_codes, dtype=object), len(labels)),
        "item": np.repeat(np.array([i for i, _ in labels], dtype=object), n),
        "key": np.repeat(np.array([k for _, k in labels], dtype=object), n),
        "value_gbp_m": np.concatenate(values),
    }


def region_year(
    region: str,
    lad_codes: list[str],
    items: dict[str, float],
    found: Lookup,
    year: str,
    available: dict[str, tuple[str, ...]],
) -> dict:
    """Every group's £m per council under every key, for one region and year, with notes and the population base.

    items: the region's CRPSF figures for the year; available: availability() for the region.
    Returns {"population", "held", "notes", "regional": lists of tuples; "items": [item_columns()]}.
    """
    mye, mye_period = mye_for_region(lad_codes, found, year, available["population"])
    population = population_base(mye, items[CRPSF_POPULATION])
    shares, key_notes = region_shares(lad_codes, mye / mye.sum(), found, year, available)
    notes = [(year, "population", region, mye_period, mye_period, len(lad_codes), "")]
    notes += [(year, key, region, period, mye_period, len(lad_codes), fallback) for key, period, fallback in key_notes]
    totals = group_values(items)
    held = [(year, region, i, items.get(i, 0.0)) for i in REVENUE["north_sea"].indicators]
    base = [
        (year, c, region, mye_period, float(m), float(p), items[CRPSF_POPULATION])
        for c, m, p in zip(lad_codes, mye, population)
    ]
    return {
        "population": base,
        "items": [item_columns(year, lad_codes, totals, shares)],
        "held": held,
        "notes": notes,
        "regional": [(year, region, item, value) for item, value in totals.items()],
    }


ITEM_COLUMNS = ("period", "area_code", "item", "key", "value_gbp_m")


def apportion(data: dict) -> dict[str, pd.DataFrame]:
    """Every region and year (see region_year), as frames."""
    found = lookup(data["inputs"])
    lad_codes = set(data["lads"]["lad_code"])
    found.update(rs_lookup(data["rs"], found, lad_codes))
    crpsf = data["crpsf"]
    by_region = {r: g.sort_values("lad_code")["lad_code"].tolist() for r, g in data["lads"].groupby("itl1_code")}
    parts: dict[str, list] = {"population": [], "items": [], "held": [], "notes": [], "regional": []}
    regional = {
        (a, p): dict(zip(g["indicator_id"], g["value"].astype(float)))
        for (a, p), g in crpsf.groupby(["area_code", "period"])
    }
    available = {region: availability(codes, found) for region, codes in by_region.items()}
    for (region, year), items in sorted(regional.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if region not in by_region or REVENUE_TOTAL not in items:
            continue
        result = region_year(region, by_region[region], items, found, year, available[region])
        for name in parts:
            parts[name] += result[name]
    return {
        "fiscal_population": pd.DataFrame(
            parts["population"],
            columns=[
                "period",
                "lad_code",
                "itl1_code",
                "mye_period",
                "mye_population",
                "population",
                "crpsf_population",
            ],
        ),
        "fiscal_la_items": pd.DataFrame({c: np.concatenate([p[c] for p in parts["items"]]) for c in ITEM_COLUMNS}),
        "fiscal_held": pd.DataFrame(parts["held"], columns=["period", "region_code", "item", "value_gbp_m"]),
        "fiscal_key_notes": pd.DataFrame(
            parts["notes"],
            columns=["period", "key", "region_code", "key_period", "population_period", "lads", "fallback_lads"],
        ),
        "fiscal_regional_items": pd.DataFrame(
            parts["regional"], columns=["period", "region_code", "item", "value_gbp_m"]
        ),
    }


# ------------------------------------------------------------------------------------------------ aggregates


def memberships(data: dict) -> pd.DataFrame:
    """Area -> member councils: every LA (itself), each city region and the two Core Cities totals."""
    lads = data["lads"]
    rows = [(c, n, "lad", c) for c, n in zip(lads["lad_code"], lads["lad_name"])]
    members = data["members"]
    rows += [
        (a, n, "city_region", c) for a, n, c in zip(members["area_code"], members["area_name"], members["lad_code"])
    ]
    rows += [(CORE_COUNCILS, "Core Cities (ten councils)", "core_cities_total", c) for c in data["cities"]["lad_code"]]
    rows += [
        (CORE_CITY_REGIONS, "Core Cities (ten city regions)", "core_cities_total", c)
        for c in sorted(set(members["lad_code"]))
    ]
    return pd.DataFrame(rows, columns=["area_code", "area_name", "area_type", "lad_code"])


def aggregate(
    la_items: pd.DataFrame, population: pd.DataFrame, members: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Items and areas for every area: sums of their members' estimates, with members expected and present.

    Args: LA items (period, area_code = LA, item, key, value_gbp_m); the population base; memberships().
    Returns: (items for every area, areas: period, area_code, area_name, area_type, population, members_expected,
    members_present, members_missing).
    """
    links = members.rename(columns={"area_code": "group_code"})
    items = la_items.merge(links[["group_code", "lad_code"]], left_on="area_code", right_on="lad_code")
    items = (
        items.groupby(["period", "group_code", "item", "key"], as_index=False, sort=False)["value_gbp_m"]
        .sum()
        .rename(columns={"group_code": "area_code"})
    )
    expected = links.groupby("group_code").agg(
        area_name=("area_name", "first"), area_type=("area_type", "first"), members_expected=("lad_code", "nunique")
    )
    periods = population[["period"]].drop_duplicates()
    full = periods.merge(links[["group_code", "lad_code"]], how="cross").merge(
        population[["period", "lad_code", "population"]], on=["period", "lad_code"], how="left"
    )
    keys = ["period", "group_code"]
    areas = full.groupby(keys, as_index=False, sort=False).agg(
        population=("population", "sum"), members_present=("population", "count")
    )
    missing = full[full["population"].isna()].groupby(keys)["lad_code"].agg(";".join).rename("members_missing")
    areas = areas.merge(missing, left_on=keys, right_index=True, how="left").fillna({"members_missing": ""})
    areas = areas.merge(expected, left_on="group_code", right_index=True).rename(columns={"group_code": "area_code"})
    columns = [
        "period",
        "area_code",
        "area_name",
        "area_type",
        "population",
        "members_expected",
        "members_present",
        "members_missing",
    ]
    return items, areas[columns]


def ranges(items: pd.DataFrame) -> pd.DataFrame:
    """Lowest, default and highest net balance (£m) per area and year, over every combination of keys.

    Net balance = Σ over groups of one key's value each (revenue negative), so its minimum is the sum of each group's
    minimum and its maximum the sum of each group's maximum (tests/test_fiscal_mart.py checks this by brute force).
    """
    group_of = {g.item: name for name, g in GROUPS.items()}
    signed = items.assign(
        group=items["item"].map(group_of),
        signed=np.where(items["item"].str.startswith("rev_"), -1.0, 1.0) * items["value_gbp_m"],
    )
    ext = extremes(signed)
    defaults = signed[signed["key"] == signed["group"].map(DEFAULT_OPTIONS)]
    keys = ["period", "area_code"]
    out = ext.groupby(keys, as_index=False, sort=False).agg(
        min_gbp_m=("min_value", "sum"), max_gbp_m=("max_value", "sum")
    )
    out = out.merge(defaults.groupby(keys, as_index=False)["signed"].sum().rename(columns={"signed": "default_gbp_m"}))
    switchable = ext[ext["group"].isin(list(KEY_OPTIONS))]
    for side in ("min", "max"):
        wide = switchable.pivot(index=keys, columns="group", values=f"{side}_key")[list(KEY_OPTIONS)]
        pairs = [f'"{group}": "' + wide[group].astype(str) + '"' for group in KEY_OPTIONS]
        text = ("{" + pairs[0].str.cat(pairs[1:], sep=", ") + "}").rename(f"{side}_options")
        out = out.merge(text, left_on=keys, right_index=True)
    out["combinations"] = combinations()
    return out


# ------------------------------------------------------------------------------------------------ build and checks


def build(con) -> None:
    """Create the fiscal tables from lad_lookup, observations, rs_service_expenditure and the membership tables."""
    data = read_inputs(con)
    frames = apportion(data)
    la_items = frames.pop("fiscal_la_items")
    items, areas = aggregate(la_items, frames["fiscal_population"], memberships(data))
    frames["fiscal_items"] = items
    frames["fiscal_areas"] = areas
    frames["fiscal_ranges"] = ranges(items)
    create_tables(con, {name: frames[name] for name in TABLES})


def _failures(con, sql: str, params, message) -> list[str]:
    rows = con.execute(sql, list(params)).fetchall()
    return [message(*row) for row in rows[:10]] + ([f"… and {len(rows) - 10} more"] if len(rows) > 10 else [])


def check_add_back(con) -> list[str]:
    """For every region x year x group x key: councils (+ North Sea held, for 'held') = the official group, to £1m;
    and the groups add up to CRPSF's revenue and spending totals. Together: every combination of keys adds back."""
    failures = _failures(
        con,
        """
        WITH la AS (SELECT p.period, p.itl1_code AS region_code, i.item, i.key, sum(i.value_gbp_m) AS councils
                    FROM fiscal_items i JOIN fiscal_population p ON p.period = i.period AND p.lad_code = i.area_code
                    GROUP BY ALL),
             held AS (SELECT period, region_code, sum(value_gbp_m) AS held FROM fiscal_held GROUP BY ALL)
        SELECT * FROM (
            SELECT la.period, la.region_code, la.item, la.key, la.councils + CASE WHEN la.key = 'held'
                   THEN coalesce(h.held, 0) ELSE 0 END AS estimate, r.value_gbp_m AS official
            FROM la JOIN fiscal_regional_items r USING (period, region_code, item)
            LEFT JOIN held h USING (period, region_code))
        WHERE abs(estimate - official) >= ?""",
        [TOLERANCE_GBP_M],
        lambda p, r, i, k, e, o: f"fiscal: {r} {p} {i} by {k}: councils (+ held) £{e:,.1f}m, official £{o:,.1f}m",
    )
    return failures + _failures(
        con,
        """
        SELECT r.period, r.region_code, sum(r.value_gbp_m) FILTER (WHERE item LIKE 'rev%') AS rev,
               sum(r.value_gbp_m) FILTER (WHERE item LIKE 'exp%') AS exp, t.value AS rev_total, e.value AS exp_total
        FROM fiscal_regional_items r
        JOIN observations t ON t.area_code = r.region_code AND t.period = r.period AND t.indicator_id = ?
        JOIN observations e ON e.area_code = r.region_code AND e.period = r.period AND e.indicator_id = ?
        GROUP BY r.period, r.region_code, t.value, e.value
        HAVING abs(rev - rev_total) >= ? OR abs(exp - exp_total) >= ?""",
        [REVENUE_TOTAL, EXPENDITURE_TOTAL, TOLERANCE_GBP_M, TOLERANCE_GBP_M],
        lambda p, r, rv, ex, rt, et: (
            f"fiscal: {r} {p} groups £{rv:,.1f}m / £{ex:,.1f}m vs totals £{rt:,.1f}m / £{et:,.1f}m"
        ),
    )


def check_population(con) -> list[str]:
    """Council populations add back to CRPSF's regional population (to one person) in every year."""
    return _failures(
        con,
        """
        SELECT p.period, p.itl1_code, sum(p.population) AS councils, any_value(p.crpsf_population) AS crpsf
        FROM fiscal_population p GROUP BY ALL HAVING abs(councils - crpsf) >= 1""",
        [],
        lambda p, r, c, o: f"fiscal: {r} {p} council populations add to {c:,.1f}, CRPSF {o:,.1f}",
    )


def check_north_sea(con) -> list[str]:
    """The North Sea items held are CRPSF's total less its total excluding North Sea, in every region and year."""
    return _failures(
        con,
        """
        SELECT t.period, t.area_code, coalesce(h.held, 0) AS held, t.value - x.value AS official
        FROM observations t
        JOIN observations x ON x.area_code = t.area_code AND x.period = t.period AND x.indicator_id = ?
        LEFT JOIN (SELECT period, region_code, sum(value_gbp_m) AS held FROM fiscal_held GROUP BY ALL) h
               ON h.period = t.period AND h.region_code = t.area_code
        WHERE t.indicator_id = ? AND list_contains(?, t.area_code)
          AND abs(coalesce(h.held, 0) - (t.value - x.value)) >= ?""",
        [REVENUE_EXCL_NORTH_SEA, REVENUE_TOTAL, list(REGIONS), TOLERANCE_GBP_M],
        lambda p, r, h, o: f"fiscal: {r} {p} North Sea items £{h:,.1f}m, CRPSF total less excl. North Sea £{o:,.1f}m",
    )


def check_coverage(con) -> list[str]:
    """Every council has an estimate in every year, and every aggregate rests on all its members."""
    failures = _failures(
        con,
        """
        SELECT y.period, l.lad_code FROM (SELECT DISTINCT period FROM fiscal_regional_items) y
        CROSS JOIN lad_lookup l WHERE list_contains(?, l.itl1_code)
          AND NOT EXISTS (SELECT 1 FROM fiscal_population p WHERE p.period = y.period AND p.lad_code = l.lad_code)""",
        [list(REGIONS)],
        lambda p, c: f"fiscal: council {c} has no estimate for {p}",
    )
    return failures + _failures(
        con,
        """
        SELECT period, area_code, members_present, members_expected, members_missing FROM fiscal_areas
        WHERE members_present <> members_expected""",
        [],
        lambda p, a, n, m, missing: f"fiscal: {a} {p} rests on {n} of {m} councils (missing {missing})",
    )


def check_ranges_and_signs(con) -> list[str]:
    """Each range holds its default, and no council's share of a group has the opposite sign to the region's."""
    failures = _failures(
        con,
        """
        SELECT period, area_code, min_gbp_m, default_gbp_m, max_gbp_m FROM fiscal_ranges
        WHERE NOT (min_gbp_m - 1e-6 <= default_gbp_m AND default_gbp_m <= max_gbp_m + 1e-6)""",
        [],
        lambda p, a, lo, d, hi: f"fiscal: {a} {p} default £{d:,.1f}m outside its range £{lo:,.1f}m to £{hi:,.1f}m",
    )
    return failures + _failures(
        con,
        """
        SELECT i.period, i.area_code, i.item, i.key, i.value_gbp_m, r.value_gbp_m FROM fiscal_items i
        JOIN fiscal_population p ON p.period = i.period AND p.lad_code = i.area_code
        JOIN fiscal_regional_items r ON r.period = i.period AND r.region_code = p.itl1_code AND r.item = i.item
        WHERE i.value_gbp_m * r.value_gbp_m < 0""",
        [],
        lambda p, a, i, k, v, r: (
            f"fiscal: {a} {p} {i} by {k} is £{v:,.2f}m against the region's £{r:,.1f}m (opposite sign)"
        ),
    )


def checks(con) -> list[str]:
    """Add-back to £1m, population base, North Sea items, coverage, ranges and signs (an empty list when sound)."""
    return (
        check_add_back(con)
        + check_population(con)
        + check_north_sea(con)
        + check_coverage(con)
        + check_ranges_and_signs(con)
    )
