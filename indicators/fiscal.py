"""Tax-versus-spend estimates for councils, city regions and the Core Cities (all figures are ESTIMATES).

No official source publishes public revenue or spending below region (ITL1) level. ONS country and regional public
sector finances (CRPSF) give revenue by tax and expenditure by function for each ITL1 region; this module shares each
regional figure out to the region's local authorities with a stated, switchable key, so the council estimates always
add back to the official regional figure.

Sign convention (CRPSF's own): net fiscal balance = expenditure − revenue; positive = a deficit (spending in the
area exceeds the taxes raised there), which is how the Core Cities' "£53bn" claim is framed.
"""

from __future__ import annotations

import itertools
import re

import pandas as pd

from indicators.db import query
from indicators.memo import per_database
from indicators.observations import observations

# ------------------------------------------------------------------------------------------- options and groups

# group -> valid keys, default first
KEY_OPTIONS: dict[str, tuple[str, ...]] = {
    "income_tax": ("hmrc_income_tax", "population"),
    "nics": ("hmrc_income_tax", "workplace_jobs", "population"),
    "consumption": ("population", "gdhi"),
    "business": ("gva", "population"),
    "council_tax": ("receipts", "population"),
    "economic_affairs": ("population", "gva"),
}
DEFAULT_OPTIONS = {group: keys[0] for group, keys in KEY_OPTIONS.items()}

KEYS = {  # key -> (indicators it reads, what it means)
    "population": (("population",), "resident population (ONS mid-year estimates), calendar year Y for financial year Y-(Y+1)"),
    "hmrc_income_tax": (("income_tax",), "income tax liabilities of residents (HMRC Survey of Personal Incomes, 2023-24 only: "
                        "its within-region shares are used for every year)"),
    "workplace_jobs": (("filled_jobs",), "filled jobs at workplaces (ONS subregional productivity), calendar year Y"),
    "gdhi": (("gdhi_per_head", "population"), "gross disposable household income = GDHI per head × population "
             "(ONS, one year only: its within-region shares are used for every year)"),
    "gva": (("gva_current",), "gross value added at current prices (ONS GDP by local authority), calendar year Y"),
    "receipts": (("council_tax_receipts",), "council tax actually collected by each billing authority (DLUHC, England "
                 "only; the latest year available is used for later years and the earliest for earlier years)"),
}

# Revenue items (CRPSF indicator ids) in each switchable group; every other item goes to "other" (population).
REVENUE_GROUPS: dict[str, tuple[str, ...]] = {
    "income_tax": ("rev_income_tax",),
    "nics": ("rev_social_contributions",),
    "consumption": (
        "rev_value_added_tax", "rev_fuel_duties", "rev_tobacco_duties", "rev_alcohol_duties",
        "rev_betting_gaming_and_gambling_duty", "rev_insurance_premium_tax", "rev_air_passenger_duty",
        "rev_soft_drinks_industry_levy", "rev_vehicle_excise_duties_paid_by_households", "rev_custom_duties",
    ),
    "business": (
        "rev_corporation_tax", "rev_business_rates_paid_by_market_sector_bodies",
        "rev_business_rates_paid_by_private_sector_non_profit_institutions",
        "rev_northern_ireland_regional_non_domestic_rates", "rev_northern_ireland_district_non_domestic_rates",
        "rev_bank_levy", "rev_bank_of_england_tax_levy", "rev_apprenticeship_levy",
        "rev_vehicle_excise_duties_paid_by_businesses", "rev_climate_change_levy", "rev_digital_services_tax",
        "rev_petroleum_revenue_tax", "rev_offshore_corporation_tax", "rev_north_sea_oil_royalties_and_license_fees",
        "rev_energy_profits_levy",
    ),
    "council_tax": ("rev_council_tax",),
}
EXPENDITURE_GROUPS: dict[str, tuple[str, ...]] = {"economic_affairs": ("exp_economic_affairs",)}
REVENUE_TOTAL, EXPENDITURE_TOTAL, CRPSF_POPULATION = "rev_total", "exp_total", "crpsf_population"
REGIONS = ("TLC", "TLD", "TLE", "TLF", "TLG", "TLH", "TLI", "TLJ", "TLK", "TLL", "TLM", "TLN")
OFFICIAL_AREAS = ("K02000001", "E92000001", *REGIONS)
CORE_COUNCILS, CORE_CITY_REGIONS = "CORE_CITIES_COUNCILS", "CORE_CITIES_CITY_REGIONS"
CLAIM_GAP, CLAIM_TOTAL_PLACE = "cc_tax_spend_gap", "tp_birmingham_total"
FY_PATTERN = re.compile(r"(\d{4})-(\d{2})")


def check_options(**chosen: str) -> dict[str, str]:
    """The full set of key options (defaults filled in); unknown groups or keys raise ValueError naming the valid ones."""
    for group, key in chosen.items():
        if group not in KEY_OPTIONS:
            raise ValueError(f"unknown option {group!r}; valid: {', '.join(KEY_OPTIONS)}")
        if key not in KEY_OPTIONS[group]:
            raise ValueError(f"unknown key {key!r} for {group}; valid: {', '.join(KEY_OPTIONS[group])}")
    return {**DEFAULT_OPTIONS, **chosen}


def check_year(year: str) -> str:
    """A financial year label 'YYYY-YY' (e.g. '2024-25')."""
    match = FY_PATTERN.fullmatch(str(year))
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ValueError(f"financial year must look like '2024-25', not {year!r}")
    return str(year)


def calendar_year(year: str) -> str:
    """Financial year Y-(Y+1) is matched with calendar year Y (population, GVA, jobs)."""
    return check_year(year)[:4]


def pick_period(available: list[str], wanted: str) -> str | None:
    """`wanted` if present, else the latest earlier period, else the earliest later one (None if nothing)."""
    available = sorted(available)
    if not available:
        return None
    if wanted in available:
        return wanted
    earlier = [p for p in available if p < wanted]
    return earlier[-1] if earlier else available[0]


# ------------------------------------------------------------------------------------------------ apportionment


def _wanted_period(key: str, year: str) -> str:
    if key == "hmrc_income_tax":
        return "2023-24"
    if key == "receipts":
        return year
    if key == "gdhi":
        return "9999"  # one year only: take the latest
    return calendar_year(year)


Lookup = dict[str, dict[str, dict[str, float]]]  # indicator_id -> period -> area_code -> value


def lookup(inputs: pd.DataFrame) -> Lookup:
    """The key inputs as nested dicts, so the 12 regions × 6 keys read them without filtering a frame each time."""
    out: Lookup = {}
    columns = (inputs[name].tolist() for name in ("indicator_id", "period", "area_code", "value"))
    for indicator, period, area, value in zip(*columns):
        out.setdefault(indicator, {}).setdefault(period, {})[area] = value
    return out


def _series(found: Lookup, indicator_id: str, period: str | None, lad_codes: list[str]) -> pd.Series:
    by_area = found.get(indicator_id, {}).get(period, {})
    return pd.Series([by_area.get(code, float("nan")) for code in lad_codes], index=lad_codes, dtype=float)


def _periods(found: Lookup, indicator_id: str, lad_codes: list[str]) -> list[str]:
    """Periods in which any of the LAs has a value."""
    return [period for period, by_area in found.get(indicator_id, {}).items()
            if any(code in by_area for code in lad_codes)]


def region_shares(key: str, lad_codes: list[str], found: Lookup, year: str) -> tuple[pd.Series, dict]:
    """Each LA's share of one region's figure under a key (shares sum to 1), and a note of what was used.

    LAs with no key data take their population share; the others split the rest in proportion to the key.
    """
    population_periods = _periods(found, "population", lad_codes)
    pop_period = pick_period(population_periods, calendar_year(year))
    pop = _series(found, "population", pop_period, lad_codes)
    if pop.isna().any():
        raise ValueError(f"no population for {sorted(pop[pop.isna()].index)} in {pop_period}")
    pop_share = pop / pop.sum()
    note = {"key": key, "population_period": pop_period, "key_period": pop_period, "fallback_to_population": []}
    if key == "population":
        return pop_share, note
    indicator = KEYS[key][0][0]
    period = pick_period(_periods(found, indicator, lad_codes), _wanted_period(key, year))
    note["key_period"] = period
    values = _series(found, indicator, period, lad_codes)
    if key == "gdhi":
        values = values * _series(found, "population", pick_period(population_periods, period or ""), lad_codes)
    covered = values.notna()
    note["fallback_to_population"] = sorted(values[~covered].index)
    if not covered.any() or values[covered].sum() <= 0:
        note["fallback_to_population"] = list(lad_codes)
        return pop_share, note
    return pop_share.where(~covered, pop_share[covered].sum() * values / values[covered].sum()), note


def key_shares(key: str, lads: pd.DataFrame, found: Lookup, year: str) -> tuple[pd.Series, list[dict]]:
    """Shares for every LA (indexed by lad_code) under a key, region by region, with one note per region.

    found: lookup() of the key inputs (built once for all keys).
    """
    if key not in KEYS:
        raise ValueError(f"unknown key {key!r}; valid: {', '.join(KEYS)}")
    parts, notes = [], []
    for region, members in lads.groupby("itl1_code"):
        shares, note = region_shares(key, members["lad_code"].tolist(), found, year)
        parts.append(shares)
        notes.append({"region": region, **note})
    return pd.concat(parts), notes


def regional_groups(regional: pd.DataFrame) -> pd.DataFrame:
    """Official regional totals (£m) for each revenue and expenditure group, one row per region.

    regional: columns area_code, indicator_id, value for one financial year. 'rev_other' and 'exp_other' are the
    official totals less the grouped items, so the groups always add up to rev_total and exp_total.
    """
    table = regional.pivot_table(index="area_code", columns="indicator_id", values="value", aggfunc="first")
    out = pd.DataFrame(index=table.index)
    for group, items in REVENUE_GROUPS.items():
        out[f"rev_{group}"] = table.reindex(columns=list(items)).fillna(0).sum(axis=1)
    out["rev_other"] = table[REVENUE_TOTAL] - out[[f"rev_{g}" for g in REVENUE_GROUPS]].sum(axis=1)
    for group, items in EXPENDITURE_GROUPS.items():
        out[f"exp_{group}"] = table.reindex(columns=list(items)).fillna(0).sum(axis=1)
    out["exp_other"] = table[EXPENDITURE_TOTAL] - out[[f"exp_{g}" for g in EXPENDITURE_GROUPS]].sum(axis=1)
    out["rev_total"], out["exp_total"] = table[REVENUE_TOTAL], table[EXPENDITURE_TOTAL]
    out["population"] = table.get(CRPSF_POPULATION)
    return out


def allocations(regional: pd.DataFrame, lads: pd.DataFrame, inputs: pd.DataFrame, year: str) -> dict:
    """Every group's £m per LA under every valid key: {(column, key): Series by lad_code}, plus notes and population."""
    groups = regional_groups(regional)
    lads = lads[lads["itl1_code"].isin(groups.index)]
    region_of = lads.set_index("lad_code")["itl1_code"]
    shares, notes, found = {}, {}, lookup(inputs)
    for key in KEYS:
        shares[key], notes[key] = key_shares(key, lads, found, year)
    out: dict = {}
    columns = [f"rev_{g}" for g in REVENUE_GROUPS] + ["rev_other"] + [f"exp_{g}" for g in EXPENDITURE_GROUPS] + ["exp_other"]
    for column in columns:
        group = column.split("_", 1)[1]
        keys = KEY_OPTIONS.get(group, ("population",))
        totals = region_of.map(groups[column])
        for key in keys:
            out[(column, key)] = totals * shares[key].reindex(region_of.index)
    population_period = {n["region"]: n["population_period"] for n in notes["population"]}
    inputs_pop = inputs[inputs["indicator_id"] == "population"].set_index(["area_code", "period"])["value"]
    population = pd.Series({lad: inputs_pop.get((lad, population_period[r])) for lad, r in region_of.items()}, dtype=float)
    return {"values": out, "notes": notes, "region_of": region_of, "population": population, "groups": groups}


def combine(alloc: dict, options: dict[str, str]) -> pd.DataFrame:
    """Per-LA estimates (£m) for one set of key options: each group, revenue, income tax, expenditure, net balance."""
    frame = pd.DataFrame(index=alloc["region_of"].index)
    frame["itl1_code"] = alloc["region_of"]
    for (column, key), series in alloc["values"].items():
        group = column.split("_", 1)[1]
        if options.get(group, "population") == key:
            frame[column] = series
    rev_cols = [c for c in frame if c.startswith("rev_")]
    exp_cols = [c for c in frame if c.startswith("exp_")]
    frame["revenue"] = frame[rev_cols].sum(axis=1)
    frame["expenditure"] = frame[exp_cols].sum(axis=1)
    frame["net_balance"] = frame["expenditure"] - frame["revenue"]
    frame["population"] = alloc["population"]
    return frame


def sensitivity_range(alloc: dict, lad_codes: list[str]) -> dict:
    """Min and max of the summed net balance (£m) of some LAs across every combination of key options."""
    # net balance = Σ chosen expenditure columns − Σ chosen revenue columns (as in combine), so sum each (column, key)
    # over the LAs once and add scalars per combination
    signed = {}
    for (column, key), series in alloc["values"].items():
        sign = -1.0 if column.startswith("rev_") else 1.0
        signed[(column, key)] = sign * float(series[series.index.isin(lad_codes)].sum())
    results = []
    for combo in itertools.product(*KEY_OPTIONS.values()):
        options = dict(zip(KEY_OPTIONS, combo))
        net = sum(v for (column, key), v in signed.items() if options.get(column.split("_", 1)[1], "population") == key)
        results.append((net, options))
    low, high = min(results, key=lambda r: r[0]), max(results, key=lambda r: r[0])
    return {"min_gbp_m": low[0], "min_options": low[1], "max_gbp_m": high[0], "max_options": high[1],
            "combinations": len(results)}


def summarise(frame: pd.DataFrame, lad_codes: list[str]) -> dict:
    """Totals (£m) and per-head (£) figures over a set of LAs."""
    part = frame[frame.index.isin(lad_codes)]
    totals = {c: float(part[c].sum()) for c in ("revenue", "rev_income_tax", "expenditure", "net_balance", "population")}
    totals["members"] = len(part)
    return totals


# ------------------------------------------------------------------------------------------ warehouse wrappers

INPUT_INDICATORS = sorted({i for ids, _ in KEYS.values() for i in ids})


def fiscal_years() -> list[str]:
    """Financial years with CRPSF revenue and expenditure, oldest first."""
    return query("SELECT DISTINCT period FROM observations WHERE indicator_id = ? ORDER BY period", [REVENUE_TOTAL])["period"].tolist()


def resolve_year(year: str | None) -> str:
    """The requested year (checked against the data) or the latest."""
    years = fiscal_years()
    if not years:
        raise ValueError("no CRPSF data in the warehouse (extract public_finances and rebuild)")
    if year is None:
        return years[-1]
    if check_year(year) not in years:
        raise ValueError(f"no CRPSF data for {year}; available: {years[0]} to {years[-1]}")
    return year


def load_regional(year: str) -> pd.DataFrame:
    """CRPSF figures for the UK, England and the 12 ITL1 regions in one financial year."""
    return query(
        "SELECT area_code, area_name, indicator_id, value FROM observations WHERE period = ? AND list_contains(?, area_code) "
        "AND (indicator_id LIKE 'rev%' OR indicator_id LIKE 'exp%' OR indicator_id = ?)",
        [year, list(OFFICIAL_AREAS), CRPSF_POPULATION],
    )


def load_lads() -> pd.DataFrame:
    return query("SELECT lad_code, lad_name, itl1_code FROM lad_lookup ORDER BY lad_code")


def load_inputs() -> pd.DataFrame:
    """Every observation the keys read (all years, LAs only)."""
    return observations(INPUT_INDICATORS)


def regional_only(regional: pd.DataFrame) -> pd.DataFrame:
    return regional[regional["area_code"].isin(REGIONS)]


def build(year: str | None = None, lads: pd.DataFrame | None = None, inputs: pd.DataFrame | None = None) -> tuple[str, dict, pd.DataFrame]:
    """Year, allocations and the full regional CRPSF frame (inputs may be passed in to avoid reloading)."""
    year = resolve_year(year)
    if lads is None and inputs is None:
        return _warehouse_build(year)
    regional = load_regional(year)
    lads = load_lads() if lads is None else lads
    inputs = load_inputs() if inputs is None else inputs
    return year, allocations(regional_only(regional), lads, inputs, year), regional


@per_database
def _warehouse_build(year: str) -> tuple[str, dict, pd.DataFrame]:
    """build() on the warehouse's own inputs, once per year per process (the result is shared: don't mutate it)."""
    return build(year, load_lads(), load_inputs())


def la_estimates(year: str | None = None, **options: str) -> pd.DataFrame:
    """Per-LA estimates (£m) for a financial year under the chosen keys."""
    options = check_options(**options)
    _, alloc, _ = build(year)
    return combine(alloc, options)


def core_city_groups() -> dict[str, tuple[str, list[str]]]:
    """Council and city-region members: {code: (name, lad_codes)} for each city region and the two Core Cities totals."""
    members = query("SELECT city_region_code, city_region_name, lad_code FROM city_region_members ORDER BY city_region_code, lad_code")
    cities = query("SELECT lad_code FROM core_cities ORDER BY lad_code")["lad_code"].tolist()
    out = {code: (g["city_region_name"].iloc[0], g["lad_code"].tolist()) for code, g in members.groupby("city_region_code")}
    out[CORE_COUNCILS] = ("Core Cities (ten councils)", cities)
    out[CORE_CITY_REGIONS] = ("Core Cities (ten city regions)", sorted(set(members["lad_code"])))
    return out


def _row(code, name, area_type, year, totals: dict, options, estimate=True) -> dict:
    pop = totals.get("population") or 0
    per_head = (lambda v: round(v * 1e6 / pop, 0)) if pop else (lambda v: None)
    return {
        "area_code": code, "area_name": name, "area_type": area_type, "year": year, "estimate": estimate,
        "revenue_gbp": round(totals["revenue"] * 1e6), "income_tax_gbp": round(totals["rev_income_tax"] * 1e6),
        "expenditure_gbp": round(totals["expenditure"] * 1e6), "net_balance_gbp": round(totals["net_balance"] * 1e6),
        "revenue_gbp_bn": round(totals["revenue"] / 1e3, 3), "expenditure_gbp_bn": round(totals["expenditure"] / 1e3, 3),
        "net_balance_gbp_bn": round(totals["net_balance"] / 1e3, 3), "population": round(pop) if pop else None,
        "revenue_per_head_gbp": per_head(totals["revenue"]), "expenditure_per_head_gbp": per_head(totals["expenditure"]),
        "net_balance_per_head_gbp": per_head(totals["net_balance"]),
        "sign_convention": "net balance = expenditure − revenue; positive = spending exceeds taxes (deficit)",
        "key_options": dict(options) if estimate else "official CRPSF figures",
    }


def official_rows(regional: pd.DataFrame, year: str) -> list[dict]:
    """UK, England and ITL1 rows straight from CRPSF (not estimates)."""
    table = regional.pivot_table(index=["area_code", "area_name"], columns="indicator_id", values="value", aggfunc="first")
    rows = []
    for (code, name), row in table.iterrows():
        totals = {"revenue": row[REVENUE_TOTAL], "rev_income_tax": row["rev_income_tax"], "expenditure": row[EXPENDITURE_TOTAL],
                  "net_balance": row[EXPENDITURE_TOTAL] - row[REVENUE_TOTAL], "population": row.get(CRPSF_POPULATION)}
        area_type = "region" if code in REGIONS else "country"
        rows.append(_row(code, name, area_type, year, totals, None, estimate=False))
    order = {c: i for i, c in enumerate(OFFICIAL_AREAS)}
    return sorted(rows, key=lambda r: order.get(r["area_code"], 99))


@per_database
def fiscal_cli_rows(year: str | None = None, **options: str) -> list[dict]:
    """One dict per LA, per Core City region, the two Core Cities totals and the official regions/UK (for --json)."""
    options = check_options(**options)
    year, alloc, regional = build(year)
    frame = combine(alloc, options)
    names = load_lads().set_index("lad_code")["lad_name"]
    rows = [_row(code, names.get(code, code), "lad", year, summarise(frame, [code]), options) for code in frame.index]
    for code, (name, members) in core_city_groups().items():
        area_type = "core_cities_total" if code in (CORE_COUNCILS, CORE_CITY_REGIONS) else "city_region"
        row = _row(code, name, area_type, year, summarise(frame, members), options)
        if area_type == "core_cities_total":
            result = sensitivity_range(alloc, members)
            row["sensitivity_net_balance_gbp"] = {"min": round(result["min_gbp_m"] * 1e6), "min_options": result["min_options"],
                                                  "max": round(result["max_gbp_m"] * 1e6), "max_options": result["max_options"],
                                                  "combinations": result["combinations"]}
        rows.append(row)
    return rows + official_rows(regional, year)


def claim(claim_id: str) -> dict:
    frame = query("SELECT * FROM claims WHERE claim_id = ?", [claim_id])
    return frame.iloc[0].to_dict() if not frame.empty else {}


@per_database
def core_cities_gap(year: str | None = None, **options: str) -> dict:
    """The Core Cities' estimated net fiscal balance (councils and city regions) beside the £53bn claim, with ranges."""
    options = check_options(**options)
    year, alloc, _ = build(year)
    frame = combine(alloc, options)
    groups = core_city_groups()
    out = {"year": year, "key_options": options, "claim": claim(CLAIM_GAP), "sign_convention": method()["sign_convention"]}
    for label, code in (("councils", CORE_COUNCILS), ("city_regions", CORE_CITY_REGIONS)):
        members = groups[code][1]
        totals = summarise(frame, members)
        out[label] = {**{f"{k}_gbp_bn": v / 1e3 for k, v in totals.items() if k not in ("population", "members")},
                      "population": totals["population"], "members": totals["members"],
                      "sensitivity": _in_bn(sensitivity_range(alloc, members))}
    out["notes"] = period_notes(alloc, options)
    return out


def _in_bn(result: dict) -> dict:
    """A sensitivity_range result with £m converted to £bn."""
    return {"min_gbp_bn": result["min_gbp_m"] / 1e3, "min_options": result["min_options"],
            "max_gbp_bn": result["max_gbp_m"] / 1e3, "max_options": result["max_options"],
            "combinations": result["combinations"]}


def period_notes(alloc: dict, options: dict[str, str]) -> list[str]:
    """Plain-English notes on substituted years and population fallbacks for the keys in use."""
    used = {"population"} | set(options.values())
    lines = []
    for key in sorted(used):
        for note in alloc["notes"][key]:
            missing = note["fallback_to_population"]
            if missing and note["key_period"] is None:
                lines.append(f"{key}: no data for {note['region']}; all its {len(missing)} LAs shared by population")
            elif missing:
                lines.append(f"{key}: {len(missing)} LA(s) in {note['region']} have no {key} data for "
                             f"{note['key_period']} and take their population share: {', '.join(missing)}")
        periods = sorted({n["key_period"] for n in alloc["notes"][key] if n["key_period"]})
        lines.append(f"{key}: data period(s) used {', '.join(periods)}")
    return lines


# ----------------------------------------------------------------------------------------------- Total Place


def total_place_frame(cra: pd.DataFrame, shares: pd.Series, region_of: pd.Series, lad_codes: list[str]) -> pd.DataFrame:
    """Identifiable spending (£m) by COFOG function in a set of LAs: each region's CRA figure × the LAs' shares."""
    by_function = cra.groupby(["region_code", "cofog_function"], as_index=False)["value_gbp_m"].sum()
    rows = []
    for lad in lad_codes:
        part = by_function[by_function["region_code"] == region_of[lad]]
        rows.append(part.assign(value_gbp_m=part["value_gbp_m"] * shares[lad]))
    frame = pd.concat(rows).groupby("cofog_function", as_index=False)["value_gbp_m"].sum()
    frame["order"] = frame["cofog_function"].str.extract(r"^(\d+)")[0].astype(float)
    return frame.sort_values("order").drop(columns="order").reset_index(drop=True)


def total_place(area_code: str, year: str | None = None) -> dict:
    """Public spending in one place by function: HMT CRA identifiable spending by COFOG function, apportioned by
    population from the region, for `year` (or the nearest year with CRA data), beside CRPSF total spending."""
    from indicators import geography

    lad_codes = geography.member_lads(area_code)
    cra_years = query("SELECT DISTINCT period FROM cra_identifiable_spending ORDER BY period")["period"].tolist()
    wanted = check_year(year) if year else cra_years[-1]
    used = pick_period(cra_years, wanted)
    cra = query("SELECT edition, region_code, cofog_function, CAST(value_gbp_m AS DOUBLE) AS value_gbp_m "
                "FROM cra_identifiable_spending WHERE period = ?", [used])
    lads, inputs = load_lads(), load_inputs()
    lads = lads[lads["itl1_code"].isin(REGIONS)]
    shares, notes = key_shares("population", lads, lookup(inputs), used)
    region_of = lads.set_index("lad_code")["itl1_code"]
    functions = total_place_frame(cra, shares, region_of, lad_codes)
    crpsf_year = pick_period(fiscal_years(), wanted)
    _, alloc, _ = build(crpsf_year, lads, inputs)
    frame = combine(alloc, {g: "population" for g in KEY_OPTIONS})
    crpsf_total = summarise(frame, lad_codes)["expenditure"]
    out = {
        "area_code": area_code, "area_name": geography.area_names().get(area_code, area_code), "estimate": True,
        "requested_year": wanted, "cra_year": used, "edition": ", ".join(sorted(cra["edition"].unique())),
        "functions": functions.to_dict("records"), "identifiable_total_gbp_bn": float(functions["value_gbp_m"].sum()) / 1e3,
        "crpsf_year": crpsf_year, "crpsf_total_expenditure_gbp_bn": crpsf_total / 1e3,
        "population_period": sorted({n["population_period"] for n in notes}),
    }
    if used != wanted:
        out["year_note"] = (f"HMT CRA data start in {cra_years[0]}; {used} is the year nearest to {wanted} "
                            "(CRA covers " + f"{cra_years[0]} to {cra_years[-1]})")
    return out


def total_place_comparison(area_code: str = "E08000025", claim_id: str = CLAIM_TOTAL_PLACE) -> dict:
    """Birmingham's Total Place '£7.5bn' (2008-09) beside the nearest figures computed here, with the gap explained."""
    stated = claim(claim_id)
    year = str(stated.get("period_as_stated") or "2008-09")
    place = total_place(area_code, year)
    claimed = float(stated["value"]) if stated else None
    place["claim"] = stated
    place["gap_identifiable_gbp_bn"] = None if claimed is None else place["identifiable_total_gbp_bn"] - claimed
    place["gap_crpsf_gbp_bn"] = None if claimed is None else place["crpsf_total_expenditure_gbp_bn"] - claimed
    place["gap_explained"] = (
        "Total Place (2008-09) counted spending by public bodies in the place, body by body. The CRA figure here is HM "
        "Treasury identifiable spending (spending known to benefit the region's residents) for "
        f"{place['cra_year']}, the earliest CRA year in the warehouse, in that year's cash terms, shared out from the "
        "region by population, so it ignores that Birmingham's needs (e.g. welfare, health) differ from the regional "
        "average. The CRPSF figure is total managed expenditure for the same year as the claim "
        f"({place['crpsf_year']}), also shared by population, and includes non-identifiable spending (defence, debt "
        "interest, overseas aid) and accounting adjustments that Total Place did not count."
    )
    return place


# ------------------------------------------------------------------------------------------------------ method


def method() -> dict:
    """Assumptions and formulas behind every output, for the app's 'how was this calculated?' panel."""
    return {
        "label": "Estimate",
        "summary": "No official figures exist below region level. Each ITL1 region's official revenue and spending (ONS "
        "country and regional public sector finances, CRPSF) is shared out to its local authorities with a stated key; "
        "council estimates therefore add back exactly to the official regional figures.",
        "sign_convention": "Net fiscal balance = expenditure − revenue (CRPSF convention): positive means spending in the "
        "area exceeds the taxes raised there (a deficit); negative means a surplus.",
        "formula": "LA estimate of item i = regional CRPSF item i (£m) × LA share of the key for i within the region. "
        "Shares sum to 1 in every region. LAs with no key data take their population share and the others split the "
        "remainder in proportion to the key.",
        "revenue_groups": {g: list(items) for g, items in REVENUE_GROUPS.items()}
        | {"other": "every other CRPSF revenue item (rev_total less the groups above), shared by population"},
        "expenditure": "Total managed expenditure (CRPSF exp_total, incl. non-identifiable spending, accounting "
        "adjustments) shared by population; economic affairs may instead be shared by GVA (option economic_affairs).",
        "keys": {k: desc for k, (_, desc) in KEYS.items()},
        "options": {g: {"valid": list(keys), "default": keys[0]} for g, keys in KEY_OPTIONS.items()},
        "years": "Financial year Y-(Y+1) uses calendar-year Y population, GVA and filled jobs; where Y is not yet "
        "published the latest available year is used (and the earliest for years before the series starts). HMRC "
        "income tax (2023-24) and GDHI (one year) shares are used for every year. Council tax receipts: same year "
        "where available (2010-11 to 2022-23), otherwise the nearest year.",
        "aggregates": "City regions and the Core Cities totals are sums of member councils' estimates; per-head values "
        "divide by the same members' mid-year population. Regions, England and the UK are CRPSF's own figures "
        "(per head using CRPSF's population).",
        "north_sea": "Revenue includes North Sea oil and gas allocated by geographic share (CRPSF rev_total), shared "
        "within Scotland by the business key.",
        "sensitivity": "The range is the minimum and maximum Core Cities net balance across every combination of key "
        f"options ({len(list(itertools.product(*KEY_OPTIONS.values())))} combinations).",
        "total_place": "Total Place view: HM Treasury CRA identifiable spending by COFOG function for the region, "
        "shared by population; identifiable spending excludes defence, debt interest and other non-identifiable items.",
        "caveats": "Allocation keys are proxies: e.g. corporation tax is paid where profits are booked, not where GVA "
        "is produced; council tax receipts include precepts; HMRC income tax is a survey-based 2023-24 estimate.",
    }
