"""Tax-versus-spend estimates for councils, city regions and the Core Cities (all figures are ESTIMATES).

No official source publishes public revenue or spending below region (ITL1) level. The build's fiscal mart
(indicators/pipeline/marts/fiscal.py) shares each region's official ONS CRPSF revenue and spending out to its councils
under every valid key, once. Here a set of key options picks one key per group and the mart's rows are added up; no
apportionment happens per request.

Sign convention (CRPSF's own): net fiscal balance = expenditure − revenue; positive = a deficit (spending in the
area exceeds the taxes raised there), which is how the Core Cities' "£53bn" claim is framed.
"""

from __future__ import annotations

import json
import re

import pandas as pd

from indicators.data.db import query
from indicators.data.memo import per_database
from indicators.domain import formatting
from indicators.pipeline.extract import mhclg_revenue_outturn as revenue_outturn
from indicators.pipeline.marts import fiscal as mart

# ------------------------------------------------------------------------------------------- options and groups

GROUPS = mart.GROUPS  # group -> Group(item, CRPSF indicators, keys (default first), why)
KEY_OPTIONS: dict[str, tuple[str, ...]] = mart.KEY_OPTIONS  # switchable groups -> valid keys, default first
DEFAULT_OPTIONS = {group: keys[0] for group, keys in KEY_OPTIONS.items()}
KEYS = mart.KEYS  # key -> what it means
REVENUE_GROUPS, EXPENDITURE_GROUPS = tuple(mart.REVENUE), tuple(mart.EXPENDITURE)
KEY_LABELS = {  # every apportionment key in plain English, for widgets, tables and sentences ("shared by …")
    "population": "population",
    "hmrc_income_tax": "residents' income tax (HMRC)",
    "workplace_jobs": "jobs at workplaces",
    "gdhi": "household income (GDHI)",
    "gva": "economic output (GVA)",
    "receipts": "council tax collected",
    "rs_education": "councils' education spending (England)",
    "rs_social_care": "councils' social care spending (England)",
    "rs_culture": "councils' cultural spending (England)",
    "rs_housing": "councils' housing spending (England)",
    "held": "kept at region/nation level (not shared)",
}
GROUP_LABELS = {  # every group of taxes and spending function in plain English (lower case where a sentence allows)
    "income_tax": "income tax",
    "nics": "National Insurance contributions",
    "consumption": "VAT and duties",
    "business": "business taxes",
    "council_tax": "council tax",
    "north_sea": "North Sea oil and gas revenue",
    "other_revenue": "other taxes and receipts",
    "general_public_services": "general public services",
    "defence": "defence",
    "public_order_and_safety": "public order and safety",
    "economic_affairs": "economic affairs and transport",
    "environment_protection": "environmental protection",
    "housing": "housing and community amenities",
    "health": "health",
    "recreation_and_culture": "recreation and culture",
    "education": "education",
    "social_protection": "social protection",
    "other_spending": "other spending (accounting adjustments)",
}
GEOGRAPHY_LABELS = {"council": "council area", "city-region": "city region"}
AREA_TYPE_LABELS = {
    "lad": "council",
    "city_region": "city region",
    "core_cities_total": "Core Cities total",
    "region": "region (official)",
    "country": "country (official)",
    "north_sea_held": "North Sea revenue kept at region/nation level",
}
REVENUE_TOTAL, EXPENDITURE_TOTAL, CRPSF_POPULATION = "rev_total", "exp_total", "crpsf_population"
REGIONS = mart.REGIONS
OFFICIAL_AREAS = ("K02000001", "E92000001", *REGIONS)
CORE_COUNCILS, CORE_CITY_REGIONS = mart.CORE_COUNCILS, mart.CORE_CITY_REGIONS
CLAIM_GAP, CLAIM_TOTAL_PLACE = "cc_tax_spend_gap", "tp_birmingham_total"
FY_PATTERN = re.compile(r"(\d{4})-(\d{2})")
SHARED_MARK = "shared by population"  # marks spending per resident that is the region's figure
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
        return (
            "Spending is shared by population for every function under these keys, so every council's "
            "spending per head equals its region's (CRPSF); only taxes differ between councils of a region."
        )
    listed = ", ".join(f"{GROUP_LABELS[g]} by {KEY_LABELS[k]}" for g, k in keyed.items())
    return (
        f"Spending per head differs between councils of a region only through {listed}; every other function "
        "is shared by population."
    )


def group_title(group: str) -> str:
    """A group's plain-English name with a capital first letter, for a widget label: 'Income tax', 'VAT and duties'."""
    label = GROUP_LABELS[group]
    return label[:1].upper() + label[1:]


def keys_text(options: dict[str, str]) -> str:
    """The keys in use in words: 'default keys', or 'default keys except education by councils' education spending'."""
    changed = [
        f"{GROUP_LABELS[g]} by {KEY_LABELS[k]}"
        for g, k in options.items()
        if g in DEFAULT_OPTIONS and k != DEFAULT_OPTIONS[g]
    ]  # the default North Sea key ('held') is never 'by'-ed
    return "default keys" + (" except " + "; ".join(changed) if changed else "")


# ------------------------------------------------------------------------------------------ warehouse reads


@per_database
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
    frame = query(
        "SELECT area_code, min_gbp_m, max_gbp_m, min_options, max_options, combinations FROM fiscal_ranges "
        "WHERE period = ? AND list_contains(?, area_code)",
        [year, list(area_codes)],
    )
    return {
        row["area_code"]: {
            "min_gbp_m": row["min_gbp_m"],
            "max_gbp_m": row["max_gbp_m"],
            "min_options": json.loads(row["min_options"]),
            "max_options": json.loads(row["max_options"]),
            "combinations": int(row["combinations"]),
        }
        for row in frame.to_dict("records")
    }


def held_north_sea(year: str) -> pd.DataFrame:
    """North Sea oil and gas revenue (£m) held at region/nation level, by region and item."""
    return query(
        "SELECT region_code, item, value_gbp_m FROM fiscal_held WHERE period = ? ORDER BY region_code, item", [year]
    )


def load_regional(year: str) -> pd.DataFrame:
    """CRPSF figures (£m; population) for the UK, England and the 12 ITL1 regions in one financial year."""
    return query(
        "SELECT area_code, area_name, indicator_id, value FROM observations WHERE period = ? AND list_contains(?, area_code) "
        "AND list_contains(?, indicator_id)",
        [year, list(OFFICIAL_AREAS), [REVENUE_TOTAL, EXPENDITURE_TOTAL, "rev_income_tax", CRPSF_POPULATION]],
    )


def key_notes(year: str) -> pd.DataFrame:
    """The mart's notes for one year: per key and region, the data period used and the councils that fell back."""
    return query(
        "SELECT key, region_code, key_period, population_period, lads, fallback_lads FROM fiscal_key_notes "
        "WHERE period = ? ORDER BY key, region_code",
        [year],
    )


@per_database
def key_releases() -> list[dict]:
    """The releases behind the councils' spending keys that are tables, not catalogue indicators (MHCLG RS)."""
    frame = query(
        "SELECT publisher, title, release, release_date, vintage FROM sources WHERE list_contains(?, source_id) "
        "ORDER BY source_id",
        [[s.source_id for s in revenue_outturn.SOURCES]],
    )
    return frame.to_dict("records")


def claim(claim_id: str) -> dict:
    frame = query("SELECT * FROM claims WHERE claim_id = ?", [claim_id])
    return frame.iloc[0].to_dict() if not frame.empty else {}


# ------------------------------------------------------------------------------------------------ shaping


def notes_lines(notes: pd.DataFrame, options: dict[str, str], names: dict[str, str] | None = None) -> list[str]:
    """Plain-English notes on the data periods and population fallbacks of the keys in use.

    Args: key_notes() rows; a full set of options; region code -> name (codes are shown where a name is missing).
    Returns: one line per substituted population year, per key in use with fallbacks, and per key's periods used.
    """
    names = names or {}
    used = {"population"} | set(options.values()) - {"held"}
    lines = []
    pop = notes[notes["key"] == "population"]
    for region, period in zip(pop["region_code"], pop["population_period"]):
        lines.append(
            f"Population base, {names.get(region, region)}: CRPSF's population shared to councils by "
            f"mid-year estimates for {period}"
        )
    for key, part in notes[notes["key"].isin(sorted(used - {"population"}))].groupby("key"):
        label = KEY_LABELS.get(key, key)
        for row in part.to_dict("records"):
            region = names.get(row["region_code"], row["region_code"])
            missing = [c for c in str(row["fallback_lads"] or "").split(";") if c]
            if missing and (row["key_period"] is None or pd.isna(row["key_period"])):
                lines.append(f"{label}: no data for {region}; all its {len(missing)} councils shared by population")
            elif missing:
                lines.append(
                    f"{label}: {len(missing)} council(s) in {region} have no data for {row['key_period']} "
                    f"and take their population share: {', '.join(missing)}"
                )
        periods = sorted({p for p in part["key_period"] if isinstance(p, str)})
        lines.append(f"{label}: data period(s) used {', '.join(periods)}")
    return lines


def coverage(members_present: int, members_expected: int, missing: str = "") -> str:
    """'10 of 10 councils' (and which are missing, if any)."""
    text = f"{members_present} of {members_expected} council{'s' if members_expected != 1 else ''}"
    return text + (f" (missing: {missing.replace(';', ', ')})" if members_present < members_expected else "")


def _row(code, name, area_type, year, totals: dict, options, estimate=True) -> dict:
    pop = totals.get("population") or 0
    per_head = (lambda v: round(v * 1e6 / pop, 0)) if pop else (lambda v: None)
    row = {
        "area_code": code,
        "area_name": name,
        "area_type": area_type,
        "year": year,
        "estimate": estimate,
        "revenue_gbp": round(totals["revenue"] * 1e6),
        "income_tax_gbp": round(totals["rev_income_tax"] * 1e6),
        "expenditure_gbp": round(totals["expenditure"] * 1e6),
        "net_balance_gbp": round(totals["net_balance"] * 1e6),
        "revenue_gbp_bn": round(totals["revenue"] / 1e3, 3),
        "expenditure_gbp_bn": round(totals["expenditure"] / 1e3, 3),
        "net_balance_gbp_bn": round(totals["net_balance"] / 1e3, 3),
        "population": round(pop) if pop else None,
        "revenue_per_head_gbp": per_head(totals["revenue"]),
        "expenditure_per_head_gbp": per_head(totals["expenditure"]),
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
    table = regional.pivot_table(
        index=["area_code", "area_name"], columns="indicator_id", values="value", aggfunc="first"
    )
    rows = []
    for (code, name), row in table.iterrows():
        totals = {
            "revenue": row[REVENUE_TOTAL],
            "rev_income_tax": row["rev_income_tax"],
            "expenditure": row[EXPENDITURE_TOTAL],
            "net_balance": row[EXPENDITURE_TOTAL] - row[REVENUE_TOTAL],
            "population": row.get(CRPSF_POPULATION),
        }
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
        totals = {
            "revenue": total,
            "rev_income_tax": 0.0,
            "expenditure": 0.0,
            "net_balance": -total,
            "population": None,
        }
        row = _row(
            f"NORTH_SEA_{region}",
            f"{names.get(region, region)}: North Sea oil and gas revenue held at "
            "region/nation level (not in any council)",
            "north_sea_held",
            year,
            totals,
            options,
        )
        row["items_gbp"] = {item: round(v * 1e6) for item, v in zip(part["item"], part["value_gbp_m"])}
        rows.append(row)
    return rows


def _in_bn(result: dict) -> dict:
    """A ranges() entry with £m converted to £bn."""
    return {
        "min_gbp_bn": result["min_gbp_m"] / 1e3,
        "min_options": result["min_options"],
        "max_gbp_bn": result["max_gbp_m"] / 1e3,
        "max_options": result["max_options"],
        "combinations": result["combinations"],
    }


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
                "min": round(result["min_gbp_m"] * 1e6),
                "min_options": result["min_options"],
                "max": round(result["max_gbp_m"] * 1e6),
                "max_options": result["max_options"],
                "combinations": result["combinations"],
            }
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
    regional = load_regional(year)
    names = dict(zip(regional["area_code"], regional["area_name"]))
    return [spending_note(options)] + ([north_sea] if north_sea else []) + notes_lines(key_notes(year), options, names)


def north_sea_note(year: str, options: dict[str, str]) -> str:
    """What happens to North Sea revenue under these options ('' when it is shared to councils)."""
    if options.get("north_sea") != "held":
        return ""
    held = held_north_sea(year).groupby("region_code")["value_gbp_m"].sum()
    regional = load_regional(year)
    names = dict(zip(regional["area_code"], regional["area_name"]))
    shown = ", ".join(f"{names.get(r, r)} {formatting.gbp_millions(v)}" for r, v in held.items() if v != 0)
    return "North Sea oil and gas revenue is held at region/nation level and is in no council's revenue" + (
        f" ({year}: {shown})." if shown else f" (none allocated in {year})."
    )


@per_database
def core_cities_gap(year: str | None = None, **options: str) -> dict:
    """The Core Cities' estimated net fiscal balance (councils and city regions) beside the £53bn claim, with ranges."""
    options = check_options(**options)
    year = resolve_year(year)
    frame = estimates(year, options, [CORE_COUNCILS, CORE_CITY_REGIONS])
    spread = ranges(year, [CORE_COUNCILS, CORE_CITY_REGIONS])
    out = {
        "year": year,
        "key_options": options,
        "claim": claim(CLAIM_GAP),
        "sign_convention": method()["sign_convention"],
    }
    for label, code in (("councils", CORE_COUNCILS), ("city_regions", CORE_CITY_REGIONS)):
        row = frame.loc[code]
        out[label] = {
            "net_balance_gbp_bn": row["net_balance"] / 1e3,
            "revenue_gbp_bn": row["revenue"] / 1e3,
            "rev_income_tax_gbp_bn": row["rev_income_tax"] / 1e3,
            "expenditure_gbp_bn": row["expenditure"] / 1e3,
            "population": float(row["population"]),
            "members": int(row["members_present"]),
            "members_expected": int(row["members_expected"]),
            "coverage": coverage(int(row["members_present"]), int(row["members_expected"]), row["members_missing"]),
            "sensitivity": _in_bn(spread[code]),
        }
    out["spending_note"] = spending_note(options)
    out["notes"] = notes(year, options)
    return out


# ------------------------------------------------------------------------------------------ the chosen area


def fiscal_area(area_code: str, geography_key: str) -> str:
    """The code the fiscal mart holds for a council on a geography: the council itself, or the city region it sits in.

    Raises ValueError, in words a reader can act on, when the geography is unknown or the council sits in no city region.
    """
    from indicators.data import geography

    if geography_key == "council":
        return area_code
    if geography_key != "city-region":
        raise ValueError(f"unknown geography {geography_key!r}; valid: council, city-region")
    region = geography.city_region_or_none(area_code)
    if region is None:
        raise ValueError(
            f"{area_name(area_code)} is in no city region or combined authority, so it has council "
            "figures only. Choose the council geography"
        )
    return region


def region_of(lad_codes: list[str], year: str) -> pd.Series:
    """Each council's ITL1 region in the fiscal population base for a year (lad_code index)."""
    return population_shares(year, lad_codes)["itl1_code"]


def keyed_spending_for(
    year: str,
    options: dict[str, str],
    lad_codes: list[str],
    notes: pd.DataFrame | None = None,
    regions: pd.Series | None = None,
) -> dict[str, str]:
    """Spending groups whose chosen key gives these councils something other than their population share (group ->
    key): a council with no data for a key takes its population share (fiscal mart), so a key without data for any
    of them leaves their spending per head at the region's.

    Args: a financial year; a full set of options; the councils of one area; optionally key_notes(year) and
        region_of() for (at least) these councils, when the caller has read them already.
    Returns: the keyed spending groups (keyed_spending) for which at least one of the councils has key data.
    """
    keyed = keyed_spending(options)
    if not keyed:
        return {}
    notes = key_notes(year) if notes is None else notes
    regions = region_of(lad_codes, year) if regions is None else regions
    fallbacks = {
        (k, r): set(str(f or "").split(";"))
        for k, r, f in zip(notes["key"], notes["region_code"], notes["fallback_lads"])
    }
    return {
        group: key
        for group, key in keyed.items()
        if any(lad not in fallbacks.get((key, regions.get(lad)), {lad}) for lad in lad_codes)
    }


def spending_basis_text(keyed: dict[str, str]) -> str:
    """How an area's spending was shared out, in words, from keyed_spending_for()."""
    if not keyed:
        return "its region's per resident: every function shared by population"
    return (
        "estimated partly from councils' own data — "
        + ", ".join(f"{GROUP_LABELS[g]} by {KEY_LABELS[k]}" for g, k in keyed.items())
        + " — and otherwise by population"
    )


def possessive(name: str) -> str:
    """'Scotland's', 'West Midlands\''."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def area_estimate(area_code: str, geography_key: str, year: str | None = None, **options: str) -> dict:
    """The chosen area's estimated taxes raised, public spending and net balance, in total and per resident, with the
    range over every combination of keys and its region's official per-resident figures.

    Args: a council code (the sidebar's Area); 'council' or 'city-region'; a financial year (None: the latest); key
        options (defaults filled in).
    Returns: {"available": False, "area_code", "name", "reason"} when the mart holds no estimate for the area on that
        geography; else "available": True with name, fiscal_code, area_type, year, population, revenue_gbp_bn,
        expenditure_gbp_bn, net_balance_gbp_bn, min_gbp_bn, max_gbp_bn, combinations, the same per resident
        (…_per_head_gbp), coverage (city regions), region_code, region_name, region per-resident figures
        (region_revenue_per_head_gbp, region_expenditure_per_head_gbp), spending_keyed (keyed_spending_for),
        spending_shared_by_population, key_options, keys_text and sign_convention.
    """
    options = check_options(**options)
    year = resolve_year(year)
    name = area_name(area_code)
    try:
        code = fiscal_area(area_code, geography_key)
    except ValueError as problem:
        return {"available": False, "area_code": area_code, "name": name, "reason": str(problem)}
    frame = estimates(year, options, [code])
    if frame.empty:
        reason = (
            f"{area_name(code)} is not one of the ten Core City regions, and the estimates are built for every "
            "council and for the ten Core City regions only. Choose the council geography for "
            f"{possessive(name)} own estimate"
            if code != area_code
            else f"The fiscal estimates hold no figures for {name} in {year}"
        )
        return {"available": False, "area_code": area_code, "name": name, "fiscal_code": code, "reason": reason}
    row = frame.iloc[0]
    spread = ranges(year, [code]).get(code)
    population = float(row["population"])
    from indicators.data import geography

    lads = geography.member_lads(code)
    regions = sorted(set(region_of(lads, year)))
    official = {r["area_code"]: r for r in official_rows(load_regional(year), year)}
    region = official.get(regions[0]) if len(regions) == 1 else None
    keyed = keyed_spending_for(year, options, lads)
    out = {
        "available": True,
        "area_code": area_code,
        "fiscal_code": code,
        "name": str(row["area_name"]),
        "area_type": str(row["area_type"]),
        "year": year,
        "population": population,
        "revenue_gbp_m": float(row["revenue"]),
        "expenditure_gbp_m": float(row["expenditure"]),
        "net_balance_gbp_m": float(row["net_balance"]),
        "revenue_gbp_bn": row["revenue"] / 1e3,
        "expenditure_gbp_bn": row["expenditure"] / 1e3,
        "net_balance_gbp_bn": row["net_balance"] / 1e3,
        "revenue_per_head_gbp": row["revenue"] * 1e6 / population,
        "expenditure_per_head_gbp": row["expenditure"] * 1e6 / population,
        "net_balance_per_head_gbp": row["net_balance"] * 1e6 / population,
        "min_gbp_m": None if spread is None else spread["min_gbp_m"],
        "max_gbp_m": None if spread is None else spread["max_gbp_m"],
        "min_gbp_bn": None if spread is None else spread["min_gbp_m"] / 1e3,
        "max_gbp_bn": None if spread is None else spread["max_gbp_m"] / 1e3,
        "min_per_head_gbp": None if spread is None else spread["min_gbp_m"] * 1e6 / population,
        "max_per_head_gbp": None if spread is None else spread["max_gbp_m"] * 1e6 / population,
        "combinations": None if spread is None else spread["combinations"],
        "coverage": None
        if row["area_type"] == "lad"
        else coverage(int(row["members_present"]), int(row["members_expected"]), row["members_missing"] or ""),
        "region_code": region["area_code"] if region else None,
        "region_name": region["area_name"] if region else None,
        "region_revenue_per_head_gbp": region["revenue_per_head_gbp"] if region else None,
        "region_expenditure_per_head_gbp": region["expenditure_per_head_gbp"] if region else None,
        "spending_keyed": keyed,
        "spending_shared_by_population": not keyed,
        "spending_basis": spending_basis_text(keyed),
        "key_options": options,
        "keys_text": keys_text(options),
        "sign_convention": SIGN_CONVENTION,
    }
    return out


def balance_sentence(estimate: dict) -> str:
    """One sentence a briefing can quote, from area_estimate(): 'Estimate: public spending in Glasgow City exceeded
    the taxes raised there by £3.9bn in 2024-25 (£6,179 per resident).'"""
    balance, name = estimate["net_balance_gbp_m"], estimate["name"]
    verb = "exceeded the taxes raised there" if balance >= 0 else "fell short of the taxes raised there"
    return (
        f"Estimate: public spending in {name} {verb} by {formatting.gbp_millions(abs(balance))} in {estimate['year']} "
        f"({formatting.gbp(abs(estimate['net_balance_per_head_gbp']))} per resident)."
    )


def area_spending_caveat(estimate: dict) -> str:
    """Beside an area's per-resident figures (area_estimate()): why its spending per resident is, or is close to
    being, its region's."""
    region, figure = estimate.get("region_name"), estimate.get("region_expenditure_per_head_gbp")
    official = f"{possessive(region)} official figure: {formatting.gbp(figure)}, ONS CRPSF" if region else ""
    if estimate["spending_shared_by_population"]:
        return (
            "Spending per resident is the region's: every spending function is shared out from the region by "
            "population, so every place in the region shows the same spending per resident"
            + (f" ({official})" if official else "")
            + ". Only the taxes raised differ between places in a region."
        )
    return f"Spending per resident is {estimate['spending_basis']}" + (f"; {official}" if official else "") + "."


def shared_spending(year: str, options: dict[str, str], places: dict[str, str]) -> dict:
    """Which places' spending per resident is their region's because it is shared out by population, and the
    sentence that says so beside per-resident figures.

    Args: a financial year; a full set of options; fiscal area code -> the name to use (e.g. the ten Core Cities).
    Returns: {"shared": {code: True when every spending function reaches it by population}, "groups": [(region name,
        [names])] for regions holding two or more such places, "text": the caveat in words (always stated)}.
    """
    from indicators.data import geography

    regional = load_regional(year)
    names = dict(zip(regional["area_code"], regional["area_name"]))
    members = {code: geography.member_lads(code) for code in places}
    regions = region_of(sorted({lad for lads in members.values() for lad in lads}), year)  # one read for all
    notes = key_notes(year) if keyed_spending(options) else None
    shared, by_region = {}, {}
    for code, label in places.items():
        shared[code] = not keyed_spending_for(year, options, members[code], notes, regions)
        in_regions = {regions.get(lad) for lad in members[code]}
        if shared[code] and len(in_regions) == 1:
            region = in_regions.pop()
            by_region.setdefault(names.get(region, region), []).append(label)
    groups = [(region, sorted(labels)) for region, labels in sorted(by_region.items()) if len(labels) > 1]
    if groups:
        listed = "; ".join(f"{' and '.join(labels)} ({region})" for region, labels in groups)
        text = (
            "Spending per resident is the same for places in the same region — " + listed + " — because public "
            "spending is shared out from each region by population: each place gets its region's spending per "
            "resident, and only the taxes raised differ between them."
        )
    else:
        text = spending_note(options)
    if any(shared.values()):
        text += f" Figures marked '{SHARED_MARK}' are the region's spending per resident."
    return {"shared": shared, "groups": groups, "text": text}


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
    return query(
        "SELECT lad_code, itl1_code, population / crpsf_population AS share, mye_period FROM fiscal_population "
        "WHERE period = ? AND list_contains(?, lad_code) ORDER BY lad_code",
        [year, list(lad_codes)],
    ).set_index("lad_code")


def area_name(area_code: str) -> str:
    """An area's name: from the fiscal mart when it has estimates there, else from the geography tables."""
    frame = query("SELECT area_name FROM fiscal_areas WHERE area_code = ? LIMIT 1", [area_code])
    if not frame.empty:
        return str(frame["area_name"].iloc[0])
    from indicators.data import geography

    return geography.area_names().get(area_code, area_code)


def total_place(area_code: str, year: str | None = None) -> dict:
    """Public spending in one place by function: HMT CRA identifiable spending by COFOG function, apportioned by
    population from the region, for `year` (or the nearest year with CRA data), beside CRPSF total spending."""
    from indicators.data import geography

    lad_codes = geography.member_lads(area_code)
    cra_years = query("SELECT DISTINCT period FROM cra_identifiable_spending ORDER BY period")["period"].tolist()
    wanted = check_year(year) if year else cra_years[-1]
    used = pick_period(cra_years, wanted)
    cra = query(
        "SELECT edition, region_code, cofog_function, CAST(value_gbp_m AS DOUBLE) AS value_gbp_m "
        "FROM cra_identifiable_spending WHERE period = ?",
        [used],
    )
    shares = population_shares(used, lad_codes)
    missing = sorted(set(lad_codes) - set(shares.index))
    if missing:
        raise ValueError(f"no population share for {', '.join(missing)} in {used}")
    regions = sorted(set(shares["itl1_code"]) - set(cra["region_code"]))
    if regions:
        raise ValueError(
            f"HM Treasury CRA in the warehouse holds no identifiable spending for {', '.join(regions)} in {used}"
        )
    functions = total_place_frame(cra, shares["share"], shares["itl1_code"], lad_codes)
    crpsf_year = pick_period(fiscal_years(), wanted)
    population_keys = check_options(**{g: "population" for g, keys in KEY_OPTIONS.items() if "population" in keys})
    crpsf_total = float(estimates(crpsf_year, population_keys, lad_codes)["expenditure"].sum())
    out = {
        "area_code": area_code,
        "area_name": area_name(area_code),
        "estimate": True,
        "requested_year": wanted,
        "cra_year": used,
        "edition": ", ".join(sorted(cra["edition"].unique())),
        "functions": functions.to_dict("records"),
        "identifiable_total_gbp_bn": float(functions["value_gbp_m"].sum()) / 1e3,
        "identifiable_total_gbp_m": float(functions["value_gbp_m"].sum()),
        "crpsf_year": crpsf_year,
        "crpsf_total_expenditure_gbp_bn": crpsf_total / 1e3,
        "crpsf_total_expenditure_gbp_m": crpsf_total,
        "population_period": sorted(set(shares["mye_period"])),
    }
    if used != wanted:
        out["year_note"] = (
            f"HM Treasury CRA covers {cra_years[0]} to {cra_years[-1]}; {used} is the year nearest to {wanted}."
        )
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


def total_place_view(area_code: str, geography_key: str, year: str | None = None) -> dict:
    """The Total Place view for the chosen area (council, or its city region), or Birmingham's with the reason.

    Birmingham's council is shown beside its Total Place count (total_place_comparison); any other area with CRA data
    gets total_place() for `year` (the nearest CRA and CRPSF years) and a note on whether a Total Place count exists
    for it. Where none can be computed, Birmingham's comparison is returned with follows_area False and the reason.

    Returns total_place()'s dict plus follows_area, requested_name, fallback_reason (or None), claim (the count set
    against it, {} if none), explanation (how the figures were made and what they leave out) and claim_note (or None).
    """
    from indicators.claims import TOTAL_PLACE_AREAS  # imported here: claims imports this module

    birmingham = TOTAL_PLACE_AREAS[CLAIM_TOTAL_PLACE][0]
    requested = area_name(area_code)
    try:
        code = fiscal_area(area_code, geography_key)
        place = total_place_comparison(code) if code == birmingham else total_place(code, year)
    except ValueError as problem:
        place = total_place_comparison(birmingham)
        place.update(
            follows_area=False,
            requested_name=requested,
            claim_note=None,
            explanation=place["gap_explained"],
            fallback_reason=f"No Total Place view can be computed for {requested}: {problem}. "
            f"{place['area_name']}, whose Total Place count is checked on this site, is shown instead.",
        )
        return place
    place.update(follows_area=True, requested_name=requested, fallback_reason=None)
    if code == birmingham:
        place.update(claim_note=None, explanation=place["gap_explained"])
        return place
    name = place["area_name"]
    place["claim"] = {}
    place["explanation"] = (
        f"Identifiable spending is HM Treasury's CRA spending known to benefit the residents of {possessive(name)} "
        f"region, for "
        f"{place['cra_year']}, shared out to {name} by population: per resident it is the region's figure, so it "
        f"ignores that {possessive(name)} needs (e.g. welfare, health) differ from the regional average. Total managed "
        f"expenditure (ONS CRPSF, {place['crpsf_year']}) is also shared by population and includes non-identifiable "
        "spending (defence, debt interest, overseas aid) and accounting adjustments."
    )
    notes = []
    for claim_id, codes in TOTAL_PLACE_AREAS.items():
        stated = claim(claim_id)
        if area_code not in codes or not stated:
            continue
        count = f"{claimed_text(float(stated['value']))} ({stated.get('period_as_stated', '')})"
        if codes == [area_code] and code != area_code:
            notes.append(
                f"The Total Place count of {count} is for {requested} council alone: choose the council "
                "geography in the sidebar to set it against the figures here."
            )
        elif codes != [area_code]:
            notes.append(
                f"The Total Place count of {count} covers {', '.join(area_name(c) for c in codes)} together "
                "(see Claims check, which adds their figures up)."
            )
    place["claim_note"] = " ".join(notes) or (
        f"No Total Place count for {name} is among the claims checked on this site, so these figures stand "
        "alone: Total Place (2008-09) counted spending body by body in a few pilot places."
    )
    return place


# ----------------------------------------------------------------------------------- tables as a briefing reads them


def range_text(low: float | None, high: float | None, show) -> str:
    """A range printed with `show` (formatting.gbp_bn, gbp_millions or gbp): '£20.1–40.2bn', '£523m–1.2bn' or
    '£2,651–8,009' when both ends are zero or more, else '−£1.2bn to £3.4bn'; 'not available' (with the reason)
    without a range."""
    if low is None or high is None:
        return formatting.not_available("no range for this area")
    low_text, high_text = show(low), show(high)
    if low >= 0 and high >= 0:
        unit = next((u for u in ("bn", "m") if low_text.endswith(u) and high_text.endswith(u)), "")
        return f"{low_text.removesuffix(unit) if unit else low_text}–{high_text.removeprefix('£')}"
    return f"{low_text} to {high_text}"


def key_rows(options: dict[str, str]) -> pd.DataFrame:
    """Every group of taxes and spending function with the key in use, whether it is the default, the alternatives
    and why, in plain English (one row each)."""
    options = check_options(**options)
    rows = []
    for entry in function_keys():
        used = options.get(entry["group"], entry["default"])
        rows.append(
            {
                "Taxes or spending": "taxes" if entry["side"] == "revenue" else "spending",
                "Group": GROUP_LABELS[entry["group"]],
                "Shared out by": KEY_LABELS[used],
                "Default?": "yes" if used == entry["default"] else "no",
                "Alternatives": ", ".join(KEY_LABELS[k] for k in entry["keys"] if k != used) or "none (fixed)",
                "Why": entry["why"].replace("CRPSF exp_total", "CRPSF total spending"),
            }
        )  # no raw ids on screen
    return pd.DataFrame(rows)


def key_table_markdown(options: dict[str, str]) -> str:
    """key_rows() as a Markdown table (drawn as text: no data-grid component for the browser to load)."""
    table = key_rows(options)
    header = "| " + " | ".join(table.columns) + " |\n|" + "---|" * len(table.columns)
    return "\n".join([header, *("| " + " | ".join(map(str, row)) + " |" for row in table.itertuples(index=False))])


def place_names(table: pd.DataFrame) -> dict[str, str]:
    """The Core Cities' places in the Tax and spend table (reference_views.tax_spend_view()["table"]), code -> name:
    the city for a council ('Leeds'), the city region's own name for a city region ('West Yorkshire')."""
    places = table[(table["basis"] == "estimate") & table["area_type"].isin(["lad", "city_region"])]
    return {
        code: (city if kind == "lad" else name)
        for code, city, name, kind in zip(places["area_code"], places["city"], places["area_name"], places["area_type"])
    }


def per_resident_frame(table: pd.DataFrame, shared: dict[str, bool]) -> pd.DataFrame:
    """The per-resident chart's rows: estimates for the places and their total, then the official regions and UK.

    Args: the Tax and spend table (reference_views.tax_spend_view()["table"]); shared_spending()["shared"].
    Returns: label, area_code, basis ('estimate' or 'official CRPSF'), revenue_, expenditure_ and
        net_balance_per_head_gbp, spending_mark (SHARED_MARK, 'partly by councils' own data', 'sum of the places'
        or 'official'), in the table's order; rows without residents (North Sea revenue kept) are left out.
    """
    rows = table[table["population"].notna() & table["basis"].isin(["estimate", "official CRPSF"])]
    out = []
    for r in rows.to_dict("records"):
        estimate = r["basis"] == "estimate"
        if not estimate:
            label, mark = f"{r['area_name']} (official)", "official"
        else:
            place = (
                f"{r['city']}: {r['area_name']}"
                if r["area_type"] == "city_region" and r.get("city")
                else r.get("city")
                if r["area_type"] == "lad" and r.get("city")
                else r["area_name"]
            )
            label = f"{place} (estimate)"
            mark = (
                "sum of the places"
                if r["area_code"] not in shared
                else (SHARED_MARK if shared[r["area_code"]] else "partly by councils' own data")
            )
        out.append(
            {
                "label": label,
                "area_code": r["area_code"],
                "basis": r["basis"],
                "revenue_per_head_gbp": r["revenue_per_head_gbp"],
                "expenditure_per_head_gbp": r["expenditure_per_head_gbp"],
                "net_balance_per_head_gbp": r["net_balance_per_head_gbp"],
                "spending_mark": mark,
            }
        )
    return pd.DataFrame(out)


def per_resident_table(table: pd.DataFrame, shared: dict[str, bool]) -> pd.DataFrame:
    """The Tax and spend table as a briefing prints it: plain-English headers, £ in briefing style, 'not available'
    with the reason where a figure has none, and which spending figures are the region's (shared by population)."""
    no_residents = formatting.not_available("revenue kept at region/nation level has no residents")
    rows = []
    for r in table.to_dict("records"):
        estimate, held = r["basis"] == "estimate", r["area_type"] == "north_sea_held"
        per_head = (lambda v: no_residents) if held else (lambda v: formatting.gbp(v))
        if held:
            spending = "no spending (a revenue line)"
        elif not estimate:
            spending = "official CRPSF figure"
        elif r["area_code"] in shared:
            spending = f"the region's ({SHARED_MARK})" if shared[r["area_code"]] else "partly by councils' own data"
        else:
            spending = "sum of the places above"
        options = r.get("key_options")
        rows.append(
            {
                "Area": r["area_name"],
                "Core City": r.get("city") or "—",
                "Area code": r["area_code"],
                "Area type": AREA_TYPE_LABELS.get(r["area_type"], r["area_type"]),
                "Figures are": {"estimate": "estimate", "official CRPSF": "official (ONS CRPSF)"}.get(
                    r["basis"], "official, not in any council"
                ),
                "Financial year": r["year"],
                "Residents": no_residents if held else formatting.number(r["population"]),
                "Taxes raised": formatting.gbp_millions(r["revenue_gbp"] / 1e6),
                "Public spending": formatting.gbp_millions(r["expenditure_gbp"] / 1e6),
                "Spending − taxes": formatting.gbp_millions(r["net_balance_gbp"] / 1e6),
                "Taxes per resident": per_head(r["revenue_per_head_gbp"]),
                "Spending per resident": per_head(r["expenditure_per_head_gbp"]),
                "Spending per resident is": spending,
                "Spending − taxes per resident": no_residents
                if held
                else formatting.gbp(r["net_balance_per_head_gbp"]),
                "Keys": keys_text(options) if isinstance(options, dict) else "official figures (no keys)",
            }
        )
    return pd.DataFrame(rows)


def gap_rows(gap: dict) -> pd.DataFrame:
    """The Core Cities gap chart's data as a briefing prints it (from reference_views.tax_spend_view()["gap"])."""
    rows = [
        {
            "Figure": f"Estimate {gap['year']} (chosen keys)",
            "Spending − taxes": formatting.gbp_bn(gap["estimate_gbp_bn"]),
            "Range over all keys": range_text(gap["min_gbp_bn"], gap["max_gbp_bn"], formatting.gbp_bn),
            "Key combinations": formatting.number(gap["combinations"]),
            "Rests on": gap.get("coverage") or "—",
            "Basis": "estimate",
        }
    ]
    if gap.get("claimed_gbp_bn") is not None:
        rows.append(
            {
                "Figure": "As claimed",
                "Spending − taxes": claimed_text(gap["claimed_gbp_bn"]),
                "Range over all keys": formatting.not_available("the claim gives no range"),
                "Key combinations": formatting.not_available("method not stated"),
                "Rests on": "—",
                "Basis": "claim, method not stated",
            }
        )
    return pd.DataFrame(rows)


def axis_room(values, share: float = 0.15) -> list[float]:
    """An axis range from zero (or the lowest value) to the highest value, with `share` of the span added beyond the
    ends that hold bars, so labels printed outside the bars fit inside the chart."""
    values = [float(v) for v in values if v is not None and not pd.isna(v)]
    low, high = min([0.0, *values]), max([0.0, *values])
    span = (high - low) or 1.0
    return [low - share * span if low < 0 else 0.0, high + share * span if high > 0 else 0.0]


def claimed_text(value_bn: float) -> str:
    """A claimed £bn figure as stated: '£53bn' (whole), '£7.5bn'."""
    return formatting.gbp_bn(value_bn, 0 if float(value_bn).is_integer() else 1)


def function_label(cofog_function: str) -> str:
    """A COFOG function without its number: '10. Social protection' -> 'Social protection'."""
    return re.sub(r"^[0-9.]+\s*", "", str(cofog_function))


def total_place_rows(place: dict) -> pd.DataFrame:
    """The Total Place chart's data as a briefing prints it: function, identifiable spending, how it was shared."""
    return pd.DataFrame(
        [
            {
                "Function": function_label(f["cofog_function"]),
                "Identifiable spending (estimate)": formatting.gbp_millions(f["value_gbp_m"]),
                "Financial year": place["cra_year"],
                "Shared out from the region by": "population",
            }
            for f in place["functions"]
        ]
    )


# ------------------------------------------------------------------------------------------------------ method


def function_keys() -> list[dict]:
    """Every revenue and spending group with its items, valid keys (default first) and the reason for them."""
    return [
        {
            "group": name,
            "side": "revenue" if name in mart.REVENUE else "spending",
            "item": g.item,
            "crpsf_items": list(g.indicators) or "the rest of the CRPSF total",
            "keys": list(g.keys),
            "default": g.keys[0],
            "switchable": len(g.keys) > 1,
            "why": g.why,
        }
        for name, g in GROUPS.items()
    ]


@per_database
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
        "expenditure": "Total managed expenditure (CRPSF) is shared function by function (COFOG divisions; "
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
        "and is in no council's revenue; the North Sea option shares it to councils by population or by economic "
        "output (GVA) instead.",
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
