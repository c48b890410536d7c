"""Tax-versus-spend estimates for councils, city regions and the Core Cities (all figures are ESTIMATES).

No official source publishes public revenue or spending below region (ITL1) level. The build's fiscal mart
(indicators/pipeline/marts/fiscal.py) shares each region's official ONS CRPSF revenue and spending out to its councils
under every valid key, once. Here a set of key options picks one key per group and the mart's rows are added up; no
apportionment happens per request. balance_rows is the one path to the estimates; the groups, keys and the arithmetic
of a row are in indicators.domain.fiscal, and what the page draws is in indicators.views.tax_and_spend.

Sign convention (CRPSF's own): net fiscal balance = expenditure − revenue; positive = a deficit (spending in the
area exceeds the taxes raised there), which is how the Core Cities' "£53bn" claim is framed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import pandas as pd

from indicators.data import geography
from indicators.data.db import query
from indicators.data.memo import per_database
from indicators.domain import formatting
from indicators.domain.claims import TOTAL_PLACE_AREAS
from indicators.domain.definition import DEFAULT, period_for
from indicators.domain.fiscal import (
    CLAIM_GAP,
    CLAIM_TOTAL_PLACE,
    CORE_CITY_REGIONS,
    CORE_COUNCILS,
    CRPSF_POPULATION,
    EXPENDITURE_TOTAL,
    GROUPS,
    KEY_OPTIONS,
    KEYS,
    OFFICIAL_AREAS,
    REVENUE_GROUPS,
    REVENUE_TOTAL,
    RS_SOURCE_PREFIX,
    SHARED_MARK,
    SIGN_CONVENTION,
    area_totals,
    check_options,
    check_year,
    choices,
    claimed_text,
    combinations,
    estimate_row,
    function_keys,
    held_rows,
    in_bn,
    keyed_spending,
    keys_text,
    notes_lines,
    official_rows,
    possessive,
    spending_basis_text,
    spending_note,
    total_place_frame,
    with_range,
)
from indicators.domain.fiscal import DEFAULT_OPTIONS as DEFAULT_OPTIONS
from indicators.domain.fiscal import EXPENDITURE_GROUPS as EXPENDITURE_GROUPS
from indicators.domain.fiscal import GEOGRAPHY_LABELS as GEOGRAPHY_LABELS
from indicators.domain.fiscal import GROUP_LABELS as GROUP_LABELS
from indicators.domain.fiscal import KEY_LABELS as KEY_LABELS
from indicators.domain.fiscal import REGIONS as REGIONS
from indicators.domain.fiscal import area_spending_caveat as area_spending_caveat
from indicators.domain.fiscal import axis_room as axis_room
from indicators.domain.fiscal import balance_sentence as balance_sentence
from indicators.domain.fiscal import coverage as coverage
from indicators.domain.fiscal import function_label as function_label
from indicators.domain.fiscal import group_title as group_title
from indicators.domain.fiscal import range_text as range_text

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
        "SELECT area_code, area_name, indicator_id, value FROM observations "
        "WHERE period = ? AND list_contains(?, area_code) AND list_contains(?, indicator_id)",
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
        "SELECT publisher, title, release, release_date, vintage FROM sources WHERE starts_with(source_id, ?) "
        "ORDER BY source_id",
        [RS_SOURCE_PREFIX],
    )
    return frame.to_dict("records")


def claim(claim_id: str) -> dict:
    frame = query("SELECT * FROM claims WHERE claim_id = ?", [claim_id])
    return frame.iloc[0].to_dict() if not frame.empty else {}


# ------------------------------------------------------------------------------------------------ outputs


def balance_rows(
    year: str | None = None, area_codes: list[str] | None = None, options: Mapping[str, str] | None = None
) -> list[dict]:
    """The one path to the estimates: taxes raised, public spending and net balance (£, £bn and per resident) of
    every council, Core City region and the two Core Cities totals (or just `area_codes`), then each North Sea line
    held at region/nation level and the official regions and UK, for a financial year (None: the latest) under one
    set of key options (defaults filled in). Aggregates carry their members and the range over every key combination
    (sensitivity_net_balance_gbp). The CLI, the page, the briefing, the claims check and the Overview all read it,
    the Core Cities' headline through core_cities_gap."""
    options = check_options(**(options or {}))
    year = resolve_year(year)
    frame = estimates(year, options, area_codes)
    spread = ranges(year, frame.index[frame["area_type"] != "lad"].tolist())
    rows = []
    for record in frame.reset_index().to_dict("records"):
        code = record["area_code"]
        out = estimate_row(code, record["area_name"], record["area_type"], year, record, options)
        if record["area_type"] == "lad":
            for field in ("members", "members_expected", "coverage"):
                out.pop(field)
        rows.append(with_range(out, spread.get(code)))
    order = {"lad": 0, "city_region": 1, "core_cities_total": 2}
    rows.sort(key=lambda r: (order.get(r["area_type"], 3), r["area_code"]))
    regional = load_regional(year)
    names = dict(zip(regional["area_code"], regional["area_name"]))
    return rows + held_rows(held_north_sea(year), names, year, options) + official_rows(regional, year)


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
    """The Core Cities' estimated net fiscal balance (the ten councils and the ten city regions together, from
    balance_rows) beside the £53bn claim, with the range over every key combination and the notes on the keys."""
    options = check_options(**options)
    rows = {r["area_code"]: r for r in balance_rows(year, [CORE_COUNCILS, CORE_CITY_REGIONS], options)}
    year = rows[CORE_COUNCILS]["year"]
    return {
        "year": year,
        "key_options": options,
        "claim": claim(CLAIM_GAP),
        "sign_convention": method()["sign_convention"],
        "councils": in_bn(rows[CORE_COUNCILS]),
        "city_regions": in_bn(rows[CORE_CITY_REGIONS]),
        "spending_note": spending_note(options),
        "notes": notes(year, options),
    }


# ------------------------------------------------------------------------------------------ the chosen area


def fiscal_area(area_code: str, geography_key: str) -> str:
    """The code the fiscal mart holds for a council on a geography: the council itself, or the city region it sits in.

    Raises ValueError, in words a reader can act on, when the geography is unknown or the council sits in no city
    region.
    """
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
        **area_totals(row, spread),
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


def shared_spending(year: str, options: dict[str, str], places: dict[str, str]) -> dict:
    """Which places' spending per resident is their region's because it is shared out by population, and the
    sentence that says so beside per-resident figures.

    Args: a financial year; a full set of options; fiscal area code -> the name to use (e.g. the ten Core Cities).
    Returns: {"shared": {code: True when every spending function reaches it by population}, "groups": [(region name,
        [names])] for regions holding two or more such places, "text": the caveat in words (always stated)}.
    """
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
    return geography.area_names().get(area_code, area_code)


def total_place(area_code: str, year: str | None = None) -> dict:
    """Public spending in one place by function: HMT CRA identifiable spending by COFOG function, apportioned by
    population from the region, for `year` (else the latest year with CRA data before it, else the earliest:
    definition.period_for), beside CRPSF total spending for the same rule's year."""
    lad_codes = geography.member_lads(area_code)
    cra_years = query("SELECT DISTINCT period FROM cra_identifiable_spending ORDER BY period")["period"].tolist()
    wanted = check_year(year) if year else cra_years[-1]
    used = period_for(cra_years, wanted)
    cra = query(  # the newest edition holding the year: editions are named 'CRA <year>' (extract's CRA_FILES)
        "SELECT edition, region_code, cofog_function, CAST(value_gbp_m AS DOUBLE) AS value_gbp_m "
        "FROM cra_identifiable_spending WHERE period = ? "
        "AND edition = (SELECT max(edition) FROM cra_identifiable_spending WHERE period = ?) "
        "ORDER BY region_code, cofog_function, hmt_function",  # the order sums are taken in, so totals are stable
        [used, used],
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
    crpsf_year = period_for(fiscal_years(), wanted)
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
            f"HM Treasury CRA covers {cra_years[0]} to {cra_years[-1]}; {used} is shown for {wanted} (the latest "
            "year on or before it, else the earliest)."
        )
    return out


def total_place_comparison(area_code: str = DEFAULT.area, claim_id: str = CLAIM_TOTAL_PLACE) -> dict:
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
    gets total_place() for `year` (the CRA and CRPSF years period_for picks) and a note on whether a Total Place
    count exists for it. Where none can be computed, Birmingham's comparison is returned with follows_area False and
    the reason.

    Returns total_place()'s dict plus follows_area, requested_name, fallback_reason (or None), claim (the count set
    against it, {} if none), explanation (how the figures were made and what they leave out) and claim_note (or None).
    """
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


# ------------------------------------------------------------------------------------------------------ method


@per_database
def method() -> dict:
    """Assumptions and formulas behind every output, for the app's 'how was this calculated?' panel."""
    return {
        "label": "Estimate",
        "summary": "No official figures exist below region level. Each ITL1 region's official revenue and spending "
        "(ONS country and regional public sector finances, CRPSF) is shared out to its local authorities with a "
        "stated key for each group of taxes and each spending function; council estimates plus North Sea revenue "
        "held at region/nation level add back exactly (to £1m) to the official regional figures.",
        "sign_convention": "Net fiscal balance = expenditure − revenue (CRPSF convention): positive means spending in "
        "the area exceeds the taxes raised there (a deficit); negative means a surplus.",
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
        "aggregates": "City regions and the Core Cities totals are sums of member councils' estimates, and say how "
        "many members they rest on; per-head values divide by the same members' share of the CRPSF population. "
        "Regions, England and the UK are CRPSF's own figures (per head using CRPSF's population).",
        "north_sea": "North Sea oil and gas revenue — CRPSF's four items petroleum revenue tax, offshore corporation "
        "tax, North Sea royalties and licence fees, and the energy profits levy, which CRPSF counts with them (its "
        "'excluding North Sea' total leaves all four out, and it gives a geographic and a population version of each) "
        "— is allocated by ONS to regions by the location of the fields, almost all to Scotland. No council's "
        "residents or businesses raise it, so by default it is held at region/nation level as an unallocated line "
        "and is in no council's revenue; the North Sea option shares it to councils by population or by economic "
        "output (GVA) instead.",
        "sensitivity": "The range is the lowest and highest net balance over every combination of key options "
        f"({combinations():,} combinations, North Sea and spending keys included). Net balance is a sum over "
        "groups, so its extremes are the sums of each group's extremes (computed at build time).",
        "total_place": "Total Place view: HM Treasury CRA identifiable spending by COFOG function for the region, "
        "shared by population; identifiable spending excludes defence, debt interest and other non-identifiable items.",
        "caveats": "Allocation keys are proxies: e.g. corporation tax is paid where profits are booked, not where GVA "
        "is produced; council tax receipts include precepts; HMRC income tax is a survey-based 2023-24 estimate; "
        "councils' spending in Revenue Outturn is net current expenditure of 2010-11 to 2017-18 (England only) and "
        "leaves out academies, so the education key understates councils with many academies.",
    }
