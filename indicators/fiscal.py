"""Tax-versus-spend estimates for councils, city regions and the Core Cities (all figures are ESTIMATES).

No official source publishes public revenue or spending below region (ITL1) level. The build's fiscal mart
(indicators/build/marts/fiscal.py) shares each region's official ONS CRPSF revenue and spending out to its councils
under every valid key, once. Here a set of key options picks one key per group and the mart's rows are added up; no
apportionment happens per request.

Sign convention (CRPSF's own): net fiscal balance = expenditure − revenue; positive = a deficit (spending in the
area exceeds the taxes raised there), which is how the Core Cities' "£53bn" claim is framed.
"""

from __future__ import annotations

import json
import re

import pandas as pd

from indicators.build.extract import mhclg_revenue_outturn as revenue_outturn
from indicators.build.marts import fiscal as mart
from indicators.db import query
from indicators.memo import per_database

# ------------------------------------------------------------------------------------------- options and groups

GROUPS = mart.GROUPS  # group -> Group(item, CRPSF indicators, keys (default first), why)
KEY_OPTIONS: dict[str, tuple[str, ...]] = mart.KEY_OPTIONS  # switchable groups -> valid keys, default first
DEFAULT_OPTIONS = {group: keys[0] for group, keys in KEY_OPTIONS.items()}
KEYS = mart.KEYS  # key -> what it means
REVENUE_GROUPS, EXPENDITURE_GROUPS = tuple(mart.REVENUE), tuple(mart.EXPENDITURE)
KEY_LABELS = {  # short names for widgets and tables
    "population": "population", "hmrc_income_tax": "residents' income tax (HMRC)", "workplace_jobs": "workplace jobs",
    "gdhi": "household income (GDHI)", "gva": "GVA (output)", "receipts": "council tax receipts",
    "rs_education": "council education spending (RS)", "rs_social_care": "council social care spending (RS)",
    "rs_culture": "council cultural spending (RS)", "rs_housing": "council housing spending (RS)",
    "held": "held at region/nation level",
}
REVENUE_TOTAL, EXPENDITURE_TOTAL, CRPSF_POPULATION = "rev_total", "exp_total", "crpsf_population"
REGIONS = mart.REGIONS
OFFICIAL_AREAS = ("K02000001", "E92000001", *REGIONS)
CORE_COUNCILS, CORE_CITY_REGIONS = mart.CORE_COUNCILS, mart.CORE_CITY_REGIONS
CLAIM_GAP, CLAIM_TOTAL_PLACE = "cc_tax_spend_gap", "tp_birmingham_total"
FY_PATTERN = re.compile(r"(\d{4})-(\d{2})")
SIGN_CONVENTION = "net balance = expenditure − revenue; positive = spending exceeds taxes (deficit)"


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


def pick_period(available: list[str], wanted: str) -> str | None:
    """The available period nearest `wanted` by start year (ties go to the earlier); None if nothing is available."""
    return mart.nearest_period(available, mart.start_year(wanted))


def choices(options: dict[str, str]) -> list[str]:
    """'item|key' for every group: the chosen key of each switchable group, population for the fixed ones.

    Args: a full set of options (check_options()).
    Returns: one 'item|key' string per group, in GROUPS order (the filter the mart tables are read with).
    """
    return [f"{g.item}|{options.get(name, g.keys[0])}" for name, g in GROUPS.items()]


def keyed_spending(options: dict[str, str]) -> dict[str, str]:
    """Spending groups shared by something other than population under these options (group -> key)."""
    return {g: options[g] for g in EXPENDITURE_GROUPS if options.get(g, "population") != "population"}


def spending_note(options: dict[str, str]) -> str:
    """Plain-English note on whether councils' spending per head can differ within a region under these options."""
    keyed = keyed_spending(options)
    if not keyed:
        return ("Spending is shared by population for every function under these keys, so every council's "
                "spending per head equals its region's (CRPSF); only taxes differ between councils of a region.")
    listed = ", ".join(f"{g.replace('_', ' ')} by {KEY_LABELS[k]}" for g, k in keyed.items())
    return (f"Spending per head differs between councils of a region only through {listed}; every other function "
            "is shared by population.")


# ------------------------------------------------------------------------------------------ warehouse reads


def fiscal_years() -> list[str]:
    """Financial years with estimates (CRPSF years), oldest first."""
    return query("SELECT DISTINCT period FROM fiscal_areas ORDER BY period")["period"].tolist()


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


def estimates(year: str, options: dict[str, str], area_codes: list[str] | None = None) -> pd.DataFrame:
    """£m revenue, income tax and expenditure of every area (or `area_codes`) under one set of options, indexed by
    area code, with name, type, population (CRPSF base), members expected and present, and net balance."""
    sql = """SELECT a.area_code, any_value(a.area_name) AS area_name, any_value(a.area_type) AS area_type,
                    any_value(a.population) AS population, any_value(a.members_expected) AS members_expected,
                    any_value(a.members_present) AS members_present, any_value(a.members_missing) AS members_missing,
                    sum(i.value_gbp_m) FILTER (WHERE i.item LIKE 'rev%') AS revenue,
                    sum(i.value_gbp_m) FILTER (WHERE i.item = 'rev_income_tax') AS rev_income_tax,
                    sum(i.value_gbp_m) FILTER (WHERE i.item LIKE 'exp%') AS expenditure
             FROM fiscal_items i JOIN fiscal_areas a ON a.period = i.period AND a.area_code = i.area_code
             WHERE i.period = ? AND list_contains(?, i.item || '|' || i.key)"""
    params = [year, choices(options)]
    if area_codes is not None:
        sql += " AND list_contains(?, i.area_code)"
        params.append(list(area_codes))
    frame = query(sql + " GROUP BY a.area_code ORDER BY a.area_code", params).set_index("area_code")
    frame["net_balance"] = frame["expenditure"] - frame["revenue"]
    return frame


def ranges(year: str, area_codes: list[str]) -> dict[str, dict]:
    """Lowest and highest net balance (£m) over every combination of keys, with the keys that give them, by area."""
    frame = query("SELECT area_code, min_gbp_m, max_gbp_m, min_options, max_options, combinations FROM fiscal_ranges "
                  "WHERE period = ? AND list_contains(?, area_code)", [year, list(area_codes)])
    return {row["area_code"]: {"min_gbp_m": row["min_gbp_m"], "max_gbp_m": row["max_gbp_m"],
                               "min_options": json.loads(row["min_options"]),
                               "max_options": json.loads(row["max_options"]), "combinations": int(row["combinations"])}
            for row in frame.to_dict("records")}


def held_north_sea(year: str) -> pd.DataFrame:
    """North Sea oil and gas revenue (£m) held at region/nation level, by region and item."""
    return query("SELECT region_code, item, value_gbp_m FROM fiscal_held WHERE period = ? ORDER BY region_code, item",
                 [year])


def load_regional(year: str) -> pd.DataFrame:
    """CRPSF figures (£m; population) for the UK, England and the 12 ITL1 regions in one financial year."""
    return query(
        "SELECT area_code, area_name, indicator_id, value FROM observations WHERE period = ? AND list_contains(?, area_code) "
        "AND list_contains(?, indicator_id)",
        [year, list(OFFICIAL_AREAS), [REVENUE_TOTAL, EXPENDITURE_TOTAL, "rev_income_tax", CRPSF_POPULATION]],
    )


def key_notes(year: str) -> pd.DataFrame:
    """The mart's notes for one year: per key and region, the data period used and the councils that fell back."""
    return query("SELECT key, region_code, key_period, population_period, lads, fallback_lads FROM fiscal_key_notes "
                 "WHERE period = ? ORDER BY key, region_code", [year])


def key_releases() -> list[dict]:
    """The releases behind the councils' spending keys that are tables, not catalogue indicators (MHCLG RS)."""
    frame = query("SELECT publisher, title, release, release_date, vintage FROM sources WHERE list_contains(?, source_id) "
                  "ORDER BY source_id", [[s.source_id for s in revenue_outturn.SOURCES]])
    return frame.to_dict("records")


def claim(claim_id: str) -> dict:
    frame = query("SELECT * FROM claims WHERE claim_id = ?", [claim_id])
    return frame.iloc[0].to_dict() if not frame.empty else {}


# ------------------------------------------------------------------------------------------------ shaping


def notes_lines(notes: pd.DataFrame, options: dict[str, str]) -> list[str]:
    """Plain-English notes on the data periods and population fallbacks of the keys in use.

    Args: key_notes() rows; a full set of options.
    Returns: one line per substituted population year, per key in use with fallbacks, and per key's periods used.
    """
    used = {"population"} | set(options.values()) - {"held"}
    lines = []
    pop = notes[notes["key"] == "population"]
    for region, period in zip(pop["region_code"], pop["population_period"]):
        lines.append(f"population base {region}: CRPSF's population shared by mid-year estimates for {period}")
    for key, part in notes[notes["key"].isin(sorted(used - {"population"}))].groupby("key"):
        for row in part.to_dict("records"):
            missing = [c for c in str(row["fallback_lads"] or "").split(";") if c]
            if missing and (row["key_period"] is None or pd.isna(row["key_period"])):
                lines.append(f"{key}: no data for {row['region_code']}; all its {len(missing)} councils shared by population")
            elif missing:
                lines.append(f"{key}: {len(missing)} council(s) in {row['region_code']} have no {key} data for "
                             f"{row['key_period']} and take their population share: {', '.join(missing)}")
        periods = sorted({p for p in part["key_period"] if isinstance(p, str)})
        lines.append(f"{key}: data period(s) used {', '.join(periods)}")
    return lines


def coverage(members_present: int, members_expected: int, missing: str = "") -> str:
    """'10 of 10 councils' (and which are missing, if any)."""
    text = f"{members_present} of {members_expected} council{'s' if members_expected != 1 else ''}"
    return text + (f" (missing: {missing.replace(';', ', ')})" if members_present < members_expected else "")


def _row(code, name, area_type, year, totals: dict, options, estimate=True) -> dict:
    pop = totals.get("population") or 0
    per_head = (lambda v: round(v * 1e6 / pop, 0)) if pop else (lambda v: None)
    row = {
        "area_code": code, "area_name": name, "area_type": area_type, "year": year, "estimate": estimate,
        "revenue_gbp": round(totals["revenue"] * 1e6), "income_tax_gbp": round(totals["rev_income_tax"] * 1e6),
        "expenditure_gbp": round(totals["expenditure"] * 1e6), "net_balance_gbp": round(totals["net_balance"] * 1e6),
        "revenue_gbp_bn": round(totals["revenue"] / 1e3, 3), "expenditure_gbp_bn": round(totals["expenditure"] / 1e3, 3),
        "net_balance_gbp_bn": round(totals["net_balance"] / 1e3, 3), "population": round(pop) if pop else None,
        "revenue_per_head_gbp": per_head(totals["revenue"]), "expenditure_per_head_gbp": per_head(totals["expenditure"]),
        "net_balance_per_head_gbp": per_head(totals["net_balance"]),
        "sign_convention": SIGN_CONVENTION,
        "key_options": dict(options) if estimate else "official CRPSF figures",
    }
    if "members_expected" in totals:
        row["members"] = int(totals["members_present"])
        row["members_expected"] = int(totals["members_expected"])
        row["coverage"] = coverage(row["members"], row["members_expected"], totals.get("members_missing") or "")
    return row


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


def held_rows(held: pd.DataFrame, names: dict[str, str], year: str, options: dict[str, str]) -> list[dict]:
    """One unallocated line per region with North Sea revenue held at region/nation level (option north_sea=held)."""
    if options.get("north_sea") != "held" or held.empty:
        return []
    rows = []
    for region, part in held.groupby("region_code"):
        total = float(part["value_gbp_m"].sum())
        if total == 0:
            continue  # no North Sea revenue allocated to this region
        totals = {"revenue": total, "rev_income_tax": 0.0, "expenditure": 0.0, "net_balance": -total, "population": None}
        row = _row(f"NORTH_SEA_{region}", f"{names.get(region, region)}: North Sea oil and gas revenue held at "
                   "region/nation level (not in any council)", "north_sea_held", year, totals, options)
        row["items_gbp"] = {item: round(v * 1e6) for item, v in zip(part["item"], part["value_gbp_m"])}
        rows.append(row)
    return rows


def _in_bn(result: dict) -> dict:
    """A ranges() entry with £m converted to £bn."""
    return {"min_gbp_bn": result["min_gbp_m"] / 1e3, "min_options": result["min_options"],
            "max_gbp_bn": result["max_gbp_m"] / 1e3, "max_options": result["max_options"],
            "combinations": result["combinations"]}


# ------------------------------------------------------------------------------------------------ outputs


def fiscal_rows(year: str | None = None, area_codes: list[str] | None = None, **options: str) -> list[dict]:
    """Rows for councils, Core City regions and the two Core Cities totals (or just `area_codes`), then each held
    North Sea line and the official regions/UK. Aggregates carry their members and a sensitivity range over every key
    combination."""
    options = check_options(**options)
    year = resolve_year(year)
    frame = estimates(year, options, area_codes)
    spread = ranges(year, frame.index[frame["area_type"] != "lad"].tolist())
    rows = []
    for record in frame.reset_index().to_dict("records"):
        code = record["area_code"]
        out = _row(code, record["area_name"], record["area_type"], year, record, options)
        if record["area_type"] == "lad":
            for field in ("members", "members_expected", "coverage"):
                out.pop(field)
        if code in spread:
            result = spread[code]
            out["sensitivity_net_balance_gbp"] = {
                "min": round(result["min_gbp_m"] * 1e6), "min_options": result["min_options"],
                "max": round(result["max_gbp_m"] * 1e6), "max_options": result["max_options"],
                "combinations": result["combinations"]}
        rows.append(out)
    order = {"lad": 0, "city_region": 1, "core_cities_total": 2}
    rows.sort(key=lambda r: (order.get(r["area_type"], 3), r["area_code"]))
    regional = load_regional(year)
    names = dict(zip(regional["area_code"], regional["area_name"]))
    return rows + held_rows(held_north_sea(year), names, year, options) + official_rows(regional, year)


def fiscal_cli_rows(year: str | None = None, **options: str) -> list[dict]:
    """One dict per council, Core City region, the two Core Cities totals, each held North Sea line and the official
    regions/UK (for --json)."""
    return fiscal_rows(year, None, **options)


def notes(year: str, options: dict[str, str]) -> list[str]:
    """Notes on the population base, key periods, fallbacks and North Sea treatment for a year and set of options."""
    north_sea = north_sea_note(year, options)
    return [spending_note(options)] + ([north_sea] if north_sea else []) + notes_lines(key_notes(year), options)


def north_sea_note(year: str, options: dict[str, str]) -> str:
    """What happens to North Sea revenue under these options ('' when it is shared to councils)."""
    if options.get("north_sea") != "held":
        return ""
    held = held_north_sea(year).groupby("region_code")["value_gbp_m"].sum()
    shown = ", ".join(f"{r} £{v:,.0f}m" for r, v in held.items() if v != 0)
    return ("North Sea oil and gas revenue is held at region/nation level and is in no council's revenue"
            + (f" ({year}: {shown})." if shown else f" (none allocated in {year})."))


@per_database
def core_cities_gap(year: str | None = None, **options: str) -> dict:
    """The Core Cities' estimated net fiscal balance (councils and city regions) beside the £53bn claim, with ranges."""
    options = check_options(**options)
    year = resolve_year(year)
    frame = estimates(year, options, [CORE_COUNCILS, CORE_CITY_REGIONS])
    spread = ranges(year, [CORE_COUNCILS, CORE_CITY_REGIONS])
    out = {"year": year, "key_options": options, "claim": claim(CLAIM_GAP), "sign_convention": method()["sign_convention"]}
    for label, code in (("councils", CORE_COUNCILS), ("city_regions", CORE_CITY_REGIONS)):
        row = frame.loc[code]
        out[label] = {"net_balance_gbp_bn": row["net_balance"] / 1e3, "revenue_gbp_bn": row["revenue"] / 1e3,
                      "rev_income_tax_gbp_bn": row["rev_income_tax"] / 1e3, "expenditure_gbp_bn": row["expenditure"] / 1e3,
                      "population": float(row["population"]), "members": int(row["members_present"]),
                      "members_expected": int(row["members_expected"]),
                      "coverage": coverage(int(row["members_present"]), int(row["members_expected"]), row["members_missing"]),
                      "sensitivity": _in_bn(spread[code])}
    out["spending_note"] = spending_note(options)
    out["notes"] = notes(year, options)
    return out


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


def population_shares(year: str, lad_codes: list[str]) -> pd.DataFrame:
    """Councils' shares of their region's population in the fiscal population base for a year (lad_code index)."""
    return query("SELECT lad_code, itl1_code, population / crpsf_population AS share, mye_period FROM fiscal_population "
                 "WHERE period = ? AND list_contains(?, lad_code) ORDER BY lad_code", [year, list(lad_codes)]
                 ).set_index("lad_code")


def area_name(area_code: str) -> str:
    """An area's name: from the fiscal mart when it has estimates there, else from the geography tables."""
    frame = query("SELECT area_name FROM fiscal_areas WHERE area_code = ? LIMIT 1", [area_code])
    if not frame.empty:
        return str(frame["area_name"].iloc[0])
    from indicators import geography

    return geography.area_names().get(area_code, area_code)


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
    shares = population_shares(used, lad_codes)
    functions = total_place_frame(cra, shares["share"], shares["itl1_code"], lad_codes)
    crpsf_year = pick_period(fiscal_years(), wanted)
    population_keys = check_options(**{g: "population" for g, keys in KEY_OPTIONS.items() if "population" in keys})
    crpsf_total = float(estimates(crpsf_year, population_keys, lad_codes)["expenditure"].sum())
    out = {
        "area_code": area_code, "area_name": area_name(area_code), "estimate": True,
        "requested_year": wanted, "cra_year": used, "edition": ", ".join(sorted(cra["edition"].unique())),
        "functions": functions.to_dict("records"), "identifiable_total_gbp_bn": float(functions["value_gbp_m"].sum()) / 1e3,
        "crpsf_year": crpsf_year, "crpsf_total_expenditure_gbp_bn": crpsf_total / 1e3,
        "population_period": sorted(set(shares["mye_period"])),
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


def function_keys() -> list[dict]:
    """Every revenue and spending group with its items, valid keys (default first) and the reason for them."""
    return [{"group": name, "side": "revenue" if name in mart.REVENUE else "spending", "item": g.item,
             "crpsf_items": list(g.indicators) or "the rest of the CRPSF total", "keys": list(g.keys),
             "default": g.keys[0], "switchable": len(g.keys) > 1, "why": g.why} for name, g in GROUPS.items()]


def method() -> dict:
    """Assumptions and formulas behind every output, for the app's 'how was this calculated?' panel."""
    return {
        "label": "Estimate",
        "summary": "No official figures exist below region level. Each ITL1 region's official revenue and spending (ONS "
        "country and regional public sector finances, CRPSF) is shared out to its local authorities with a stated key "
        "for each group of taxes and each spending function; council estimates plus North Sea revenue held at "
        "region/nation level add back exactly (to £1m) to the official regional figures.",
        "sign_convention": "Net fiscal balance = expenditure − revenue (CRPSF convention): positive means spending in the "
        "area exceeds the taxes raised there (a deficit); negative means a surplus.",
        "formula": "LA estimate of group g = regional CRPSF group g (£m) × LA share of g's key within the region. "
        "Shares sum to 1 in every region. LAs with no key data take their population share and the others split the "
        "remainder in proportion to the key. Computed once when the warehouse is built (fiscal mart).",
        "population": "One population base per year: CRPSF's own population of the region for the financial year, "
        "shared to its councils in proportion to their ONS mid-year estimates (calendar year Y for FY Y-(Y+1); the "
        "nearest year published where Y is missing, e.g. mid-2023 for 2024-25, and mid-2022 for Northern Ireland's "
        "councils, which have no mid-2023 figure in the release). Council populations add back to CRPSF's regional "
        "population, so a group shared by population gives every council exactly its region's per-head figure.",
        "revenue_groups": {name: list(GROUPS[name].indicators) or GROUPS[name].why for name in REVENUE_GROUPS},
        "expenditure": "Total managed expenditure (CRPSF exp_total) is shared function by function (COFOG divisions; "
        "EU transactions and accounting adjustments together as 'other'), each with its own key; population is the "
        "default for every function, and where councils' own spending (MHCLG Revenue Outturn) gives a defensible "
        "alternative it is a switchable option (education, social protection, housing, recreation and culture); "
        "economic affairs may be shared by GVA.",
        "functions": function_keys(),
        "keys": dict(KEYS),
        "options": {g: {"valid": list(keys), "default": keys[0]} for g, keys in KEY_OPTIONS.items()},
        "years": "Each key uses the year nearest the financial year's start among those it has data for: calendar "
        "year Y for population, GVA and filled jobs; the same financial year for council tax receipts (2010-11 to "
        "2022-23) and Revenue Outturn (2010-11 to 2014-15, 2017-18); HMRC income tax (2023-24) and GDHI (one year) "
        "shares are used for every year. Every substitution is listed in the notes.",
        "aggregates": "City regions and the Core Cities totals are sums of member councils' estimates, and say how many "
        "members they rest on; per-head values divide by the same members' share of the CRPSF population. Regions, "
        "England and the UK are CRPSF's own figures (per head using CRPSF's population).",
        "north_sea": "North Sea oil and gas revenue — CRPSF's four items petroleum revenue tax, offshore corporation "
        "tax, North Sea royalties and licence fees, and the energy profits levy, which CRPSF counts with them (its "
        "'excluding North Sea' total leaves all four out, and it gives a geographic and a population version of each) "
        "— is allocated by ONS to regions by the location of the fields, almost all to Scotland. No council's "
        "residents or businesses raise it, so by default it is held at region/nation level as an unallocated line "
        "and is in no council's revenue; option north_sea shares it to councils by population or by GVA instead.",
        "sensitivity": "The range is the lowest and highest net balance over every combination of key options "
        f"({mart.combinations():,} combinations, North Sea and spending keys included). Net balance is a sum over "
        "groups, so its extremes are the sums of each group's extremes (computed at build time).",
        "total_place": "Total Place view: HM Treasury CRA identifiable spending by COFOG function for the region, "
        "shared by population; identifiable spending excludes defence, debt interest and other non-identifiable items.",
        "caveats": "Allocation keys are proxies: e.g. corporation tax is paid where profits are booked, not where GVA "
        "is produced; council tax receipts include precepts; HMRC income tax is a survey-based 2023-24 estimate; "
        "councils' spending in Revenue Outturn is net current expenditure of 2010-11 to 2017-18 (England only) and "
        "leaves out academies, so the education key understates councils with many academies.",
    }
