"""Tax and spend: the groups of taxes and spending functions, the keys that share them out, and the estimates'
arithmetic and wording (no I/O; all figures below region level are ESTIMATES).

No official source publishes public revenue or spending below region (ITL1) level. Each region's official ONS CRPSF
revenue and spending is shared out to its councils group by group, each group by a stated key; the build's fiscal mart
does it once for every valid key and the app adds the chosen keys' rows up.

Sign convention (CRPSF's own): net fiscal balance = expenditure − revenue; positive = a deficit (spending in the
area exceeds the taxes raised there).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

import pandas as pd

from indicators.domain import formatting
from indicators.domain.areas import CORE_CITY_REGIONS as CORE_CITY_REGIONS
from indicators.domain.areas import CORE_COUNCILS as CORE_COUNCILS

# ------------------------------------------------------------------------------------------------ groups and keys


@dataclass(frozen=True)
class Group:
    """One revenue or spending group: the CRPSF items it holds, its valid keys (default first) and why."""

    item: str  # column name in the tables: 'rev_…' or 'exp_…'
    indicators: tuple[str, ...]  # CRPSF indicator ids (empty for the 'other' remainders)
    keys: tuple[str, ...]
    why: str


# CRPSF's four North Sea items ("- Geographic": allocated by the location of the fields), as public_finances ids them
NORTH_SEA_ITEMS = (
    "rev_petroleum_revenue_tax",
    "rev_offshore_corporation_tax",
    "rev_north_sea_oil_royalties_and_license_fees",
    "rev_energy_profits_levy",
)
BUSINESS_ITEMS = (
    "rev_corporation_tax",
    "rev_business_rates_paid_by_market_sector_bodies",
    "rev_business_rates_paid_by_private_sector_non_profit_institutions",
    "rev_northern_ireland_regional_non_domestic_rates",
    "rev_northern_ireland_district_non_domestic_rates",
    "rev_bank_levy",
    "rev_bank_of_england_tax_levy",
    "rev_apprenticeship_levy",
    "rev_vehicle_excise_duties_paid_by_businesses",
    "rev_climate_change_levy",
    "rev_digital_services_tax",
)
CONSUMPTION_ITEMS = (
    "rev_value_added_tax",
    "rev_fuel_duties",
    "rev_tobacco_duties",
    "rev_alcohol_duties",
    "rev_betting_gaming_and_gambling_duty",
    "rev_insurance_premium_tax",
    "rev_air_passenger_duty",
    "rev_soft_drinks_industry_levy",
    "rev_vehicle_excise_duties_paid_by_households",
    "rev_custom_duties",
)
REVENUE: dict[str, Group] = {
    "income_tax": Group(
        "rev_income_tax",
        ("rev_income_tax",),
        ("hmrc_income_tax", "population"),
        "HMRC publishes residents' income tax by council (one year).",
    ),
    "nics": Group(
        "rev_social_contributions",
        ("rev_social_contributions",),
        ("hmrc_income_tax", "workplace_jobs", "population"),
        "NICs follow earnings; residents' income tax and workplace jobs are the nearest local proxies.",
    ),
    "consumption": Group(
        "rev_consumption",
        CONSUMPTION_ITEMS,
        ("population", "gdhi"),
        "VAT and duties follow spending; household income is the alternative.",
    ),
    "business": Group(
        "rev_business",
        BUSINESS_ITEMS,
        ("gva", "population"),
        "Onshore business taxes follow output (GVA); population is the alternative.",
    ),
    "council_tax": Group(
        "rev_council_tax",
        ("rev_council_tax",),
        ("receipts", "population"),
        "Council tax collected by each billing authority is published for England.",
    ),
    "north_sea": Group(
        "rev_north_sea",
        NORTH_SEA_ITEMS,
        ("held", "population", "gva"),
        "Offshore oil and gas revenue (ONS: allocated to regions by the location of fields) is not "
        "raised by any council's residents or businesses, so by default it is held at region/nation "
        "level and not shared to councils.",
    ),
    "other_revenue": Group(
        "rev_other",
        (),
        ("population",),
        "Every other CRPSF revenue item (capital gains tax, stamp duties, TV licence fees, "
        "interest and dividends, rent …): no local source, shared by population.",
    ),
}
EXPENDITURE: dict[str, Group] = {
    "general_public_services": Group(
        "exp_general_public_services",
        ("exp_general_public_services",),
        ("population",),
        "Mostly debt interest and central services that HM Treasury itself treats as "
        "non-identifiable and apportions by population.",
    ),
    "defence": Group(
        "exp_defence", ("exp_defence",), ("population",), "Non-identifiable: CRPSF apportions it by population."
    ),
    "public_order_and_safety": Group(
        "exp_public_order_and_safety",
        ("exp_public_order_and_safety",),
        ("population",),
        "Police, fire, courts and prisons report by force, fire authority or nation, not by council, in these sources.",
    ),
    "economic_affairs": Group(
        "exp_economic_affairs",
        ("exp_economic_affairs",),
        ("population", "gva"),
        "Transport, business support, science and employment programmes; output (GVA) is the alternative.",
    ),
    "environment_protection": Group(
        "exp_environment_protection",
        ("exp_environment_protection",),
        ("population",),
        "Mostly waste; council waste spending is split between councils and joint waste "
        "authorities in the metropolitan areas, so no council key is fair.",
    ),
    "housing": Group(
        "exp_housing_and_community_amenities",
        ("exp_housing_and_community_amenities",),
        ("population", "rs_housing"),
        "Councils' general-fund housing spending (homelessness, housing advice) is a proxy for housing "
        "need (England only).",
    ),
    "health": Group(
        "exp_health",
        ("exp_health",),
        ("population",),
        "NHS spending by area is not among the sources; councils' public health is a small part.",
    ),
    "recreation_and_culture": Group(
        "exp_recreation_culture_and_religion",
        ("exp_recreation_culture_and_religion",),
        ("population", "rs_culture"),
        "Councils' cultural services (libraries, museums, leisure) are the local part (England only).",
    ),
    "education": Group(
        "exp_education",
        ("exp_education",),
        ("population", "rs_education"),
        "Councils' education spending covers maintained schools (England only); academies are funded "
        "directly, so the key understates councils with many academies, more so in later years.",
    ),
    "social_protection": Group(
        "exp_social_protection",
        ("exp_social_protection",),
        ("population", "rs_social_care"),
        "Councils' adult and children's social care spending is a proxy for need (England "
        "only); most social protection is pensions and benefits paid by DWP, which it does "
        "not measure.",
    ),
    "other_spending": Group(
        "exp_other",
        (),
        ("population",),
        "EU transactions and accounting adjustments (CRPSF exp_total less the ten functions): shared by population.",
    ),
}
GROUPS: dict[str, Group] = {**REVENUE, **EXPENDITURE}
KEY_OPTIONS: dict[str, tuple[str, ...]] = {name: g.keys for name, g in GROUPS.items() if len(g.keys) > 1}
DEFAULT_OPTIONS = {group: keys[0] for group, keys in KEY_OPTIONS.items()}  # a full set of options: the defaults


_RS = (
    "councils' net current expenditure on {} (MHCLG Revenue Outturn Summary, England only; 2010-11 to 2014-15 and "
    "2017-18, the nearest year used); a shire county's spending is shared to its districts by population, and "
    "councils whose county has since been reorganised take their population share"
)
KEYS = {
    "population": "resident population: CRPSF's population of the region for the financial year, shared to councils "
    "by ONS mid-year estimates (calendar year Y for FY Y-(Y+1), else the nearest year published)",
    "hmrc_income_tax": "income tax liabilities of residents (HMRC Survey of Personal Incomes, 2023-24 only: its "
    "within-region shares are used for every year)",
    "workplace_jobs": "filled jobs at workplaces (ONS subregional productivity), calendar year Y or the nearest",
    "gdhi": "gross disposable household income = GDHI per head × population (ONS, one year only: its within-region "
    "shares are used for every year)",
    "gva": "gross value added at current prices (ONS GDP by local authority), calendar year Y or the nearest",
    "receipts": "council tax collected by each billing authority (DLUHC, England only; 2010-11 to 2022-23, the nearest "
    "year used)",
    "rs_education": _RS.format("education services"),
    "rs_social_care": _RS.format("adult and children's social care"),
    "rs_culture": _RS.format("cultural and related services"),
    "rs_housing": _RS.format("general-fund housing services"),
    "held": "not shared to councils: held as an unallocated line of its region or nation",
}
REGIONS = ("TLC", "TLD", "TLE", "TLF", "TLG", "TLH", "TLI", "TLJ", "TLK", "TLL", "TLM", "TLN")
REVENUE_TOTAL, REVENUE_EXCL_NORTH_SEA, EXPENDITURE_TOTAL = "rev_total", "rev_total_excl_north_sea", "exp_total"
CRPSF_POPULATION = "crpsf_population"
RS_SOURCE_PREFIX = "mhclg_rs_"  # the source ids of the MHCLG Revenue Outturn releases behind the councils' keys
REVENUE_GROUPS, EXPENDITURE_GROUPS = tuple(REVENUE), tuple(EXPENDITURE)
OFFICIAL_AREAS = ("K02000001", "E92000001", *REGIONS)  # CRPSF's own figures: the UK, England and the ITL1 regions
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
CLAIM_GAP, CLAIM_TOTAL_PLACE = "cc_tax_spend_gap", "tp_birmingham_total"
FY_PATTERN = re.compile(r"(\d{4})-(\d{2})")
SHARED_MARK = "shared by population"  # marks spending per resident that is the region's figure
SIGN_CONVENTION = "net balance = expenditure − revenue; positive = spending exceeds taxes (deficit)"


def combinations() -> int:
    """How many combinations of keys there are (the product of each switchable group's number of keys)."""
    return math.prod(len(keys) for keys in KEY_OPTIONS.values())


def function_keys() -> list[dict[str, Any]]:
    """Every revenue and spending group with its items, valid keys (default first) and the reason for them."""
    return [
        {
            "group": name,
            "side": "revenue" if name in REVENUE else "spending",
            "item": g.item,
            "crpsf_items": list(g.indicators) or "the rest of the CRPSF total",
            "keys": list(g.keys),
            "default": g.keys[0],
            "switchable": len(g.keys) > 1,
            "why": g.why,
        }
        for name, g in GROUPS.items()
    ]


# ------------------------------------------------------------------------------------------- options and years


def check_options(**chosen: str) -> dict[str, str]:
    """The full set of key options (defaults filled in); unknown groups or keys raise ValueError naming the valid
    ones."""
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


def choices(options: Mapping[str, str]) -> list[str]:
    """'item|key' for every group: the chosen key of each switchable group, population for the fixed ones.

    Args: a full set of options (check_options()).
    Returns: one 'item|key' string per group, in GROUPS order (the filter the mart tables are read with).
    """
    return [f"{g.item}|{options.get(name, g.keys[0])}" for name, g in GROUPS.items()]


def keyed_spending(options: Mapping[str, str]) -> dict[str, str]:
    """Spending groups shared by something other than population under these options (group -> key)."""
    return {g: options[g] for g in EXPENDITURE_GROUPS if options.get(g, "population") != "population"}


# ------------------------------------------------------------------------------------------------ arithmetic


def coverage(members_present: int, members_expected: int, missing: str = "") -> str:
    """'10 of 10 councils' (and which are missing, if any)."""
    text = f"{members_present} of {members_expected} council{'s' if members_expected != 1 else ''}"
    return text + (f" (missing: {missing.replace(';', ', ')})" if members_present < members_expected else "")


def estimate_row(
    code: str,
    name: str,
    area_type: str,
    year: str,
    totals: Mapping[str, Any],
    options: Mapping[str, str] | None,
    estimate: bool = True,
) -> dict[str, Any]:
    """One area's taxes, spending and net balance in £, £bn and £ per resident, as the CLI, page and briefing print.

    Args: the area's code, name, type and financial year; totals in £m (revenue, rev_income_tax, expenditure,
        net_balance), population (None or 0: no per-resident figures) and, for aggregates, members_expected,
        members_present and members_missing; the key options (None for official figures); whether it is an estimate.
    Returns: £ rounded to the pound, £bn to three decimals, £ per resident to the pound, population to the person,
        the sign convention, the key options and, for aggregates, members, members_expected and coverage.
    """
    pop = totals.get("population") or 0

    def per_head(value_m: float) -> float | None:
        return round(value_m * 1e6 / pop, 0) if pop else None

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
        "key_options": dict(options) if estimate and options is not None else "official CRPSF figures",
    }
    if "members_expected" in totals:
        row["members"] = int(totals["members_present"])
        row["members_expected"] = int(totals["members_expected"])
        row["coverage"] = coverage(row["members"], row["members_expected"], totals.get("members_missing") or "")
    return row


def with_range(row: dict[str, Any], spread: Mapping[str, Any] | None) -> dict[str, Any]:
    """An estimate_row with its sensitivity range over every key combination (£, to the pound), if there is one.

    Args: the row; the area's range in £m (min_gbp_m, max_gbp_m, min_options, max_options, combinations) or None.
    """
    if spread is not None:
        row["sensitivity_net_balance_gbp"] = {
            "min": round(spread["min_gbp_m"] * 1e6),
            "min_options": spread["min_options"],
            "max": round(spread["max_gbp_m"] * 1e6),
            "max_options": spread["max_options"],
            "combinations": spread["combinations"],
        }
    return row


def in_bn(row: Mapping[str, Any]) -> dict[str, Any]:
    """An aggregate's estimate_row (with_range) in £bn, the form the Core Cities' headline is quoted in: net balance,
    taxes, income tax and spending, residents, members and coverage, and the range over every key combination."""
    spread = row["sensitivity_net_balance_gbp"]
    return {
        "net_balance_gbp_bn": row["net_balance_gbp"] / 1e9,
        "revenue_gbp_bn": row["revenue_gbp"] / 1e9,
        "rev_income_tax_gbp_bn": row["income_tax_gbp"] / 1e9,
        "expenditure_gbp_bn": row["expenditure_gbp"] / 1e9,
        "population": row["population"],
        "members": row["members"],
        "members_expected": row["members_expected"],
        "coverage": row["coverage"],
        "sensitivity": {
            "min_gbp_bn": spread["min"] / 1e9,
            "min_options": spread["min_options"],
            "max_gbp_bn": spread["max"] / 1e9,
            "max_options": spread["max_options"],
            "combinations": spread["combinations"],
        },
    }


def area_totals(row: Mapping[str, Any], spread: Mapping[str, Any] | None) -> dict[str, Any]:
    """One area's estimate as its panel shows it, unrounded: taxes, spending and net balance in £m, £bn and £ per
    resident, the range over every key combination in the same three forms, and coverage for an aggregate.

    Args: the area's sums in £m (revenue, expenditure, net_balance), population, area_type and, for aggregates,
        members_present, members_expected and members_missing; its range in £m (min_gbp_m, max_gbp_m,
        combinations) or None (then the range's figures are None).
    """
    population = float(row["population"])
    out: dict[str, Any] = {"population": population}
    for name in ("revenue", "expenditure", "net_balance"):
        value = float(row[name])
        out.update(
            {f"{name}_gbp_m": value, f"{name}_gbp_bn": value / 1e3, f"{name}_per_head_gbp": value * 1e6 / population}
        )
    for end in ("min", "max"):
        value_m = None if spread is None else float(spread[f"{end}_gbp_m"])
        out[f"{end}_gbp_m"] = value_m
        out[f"{end}_gbp_bn"] = None if value_m is None else value_m / 1e3
        out[f"{end}_per_head_gbp"] = None if value_m is None else value_m * 1e6 / population
    out["combinations"] = None if spread is None else spread["combinations"]
    out["coverage"] = (
        None
        if row["area_type"] == "lad"
        else coverage(int(row["members_present"]), int(row["members_expected"]), row["members_missing"] or "")
    )
    return out


def official_rows(regional: pd.DataFrame, year: str) -> list[dict[str, Any]]:
    """UK, England and ITL1 rows straight from CRPSF (not estimates), in OFFICIAL_AREAS order.

    Args: CRPSF figures in long form (area_code, area_name, indicator_id, value: £m, and residents); the year.
    """
    table = regional.pivot_table(
        index=["area_code", "area_name"], columns="indicator_id", values="value", aggfunc="first"
    )
    rows = []
    for key, row in table.iterrows():
        code, name = cast(tuple[str, str], key)  # the two levels of the index
        totals = {
            "revenue": row[REVENUE_TOTAL],
            "rev_income_tax": row["rev_income_tax"],
            "expenditure": row[EXPENDITURE_TOTAL],
            "net_balance": row[EXPENDITURE_TOTAL] - row[REVENUE_TOTAL],
            "population": row.get(CRPSF_POPULATION),
        }
        area_type = "region" if code in REGIONS else "country"
        rows.append(estimate_row(code, name, area_type, year, totals, None, estimate=False))
    order = {c: i for i, c in enumerate(OFFICIAL_AREAS)}
    return sorted(rows, key=lambda r: order.get(r["area_code"], 99))


def held_rows(
    held: pd.DataFrame, names: Mapping[str, str], year: str, options: Mapping[str, str]
) -> list[dict[str, Any]]:
    """One unallocated line per region with North Sea revenue held at region/nation level (option north_sea=held).

    Args: held North Sea revenue (region_code, item, value_gbp_m); region code -> name; the year; the options.
    """
    if options.get("north_sea") != "held" or held.empty:
        return []
    rows = []
    for region, part in held.groupby("region_code"):
        total = float(part["value_gbp_m"].sum())
        if total == 0:
            continue  # no North Sea revenue allocated to this region
        totals = {"revenue": total, "rev_income_tax": 0.0, "expenditure": 0.0, "net_balance": -total}
        row = estimate_row(
            f"NORTH_SEA_{region}",
            f"{names.get(str(region), str(region))}: North Sea oil and gas revenue held at "
            "region/nation level (not in any council)",
            "north_sea_held",
            year,
            totals,
            options,
        )
        row["items_gbp"] = {item: round(v * 1e6) for item, v in zip(part["item"], part["value_gbp_m"])}
        rows.append(row)
    return rows


def total_place_frame(
    cra: pd.DataFrame, shares: pd.Series[float], region_of: pd.Series[str], lad_codes: Iterable[str]
) -> pd.DataFrame:
    """Identifiable spending (£m) by COFOG function in a set of councils: each region's CRA figure × their shares.

    Args: CRA rows (region_code, cofog_function, value_gbp_m); each council's share of its region's population and
        its region (both indexed by council code); the councils.
    Returns: cofog_function, value_gbp_m, in COFOG order.
    """
    by_function = cra.groupby(["region_code", "cofog_function"], as_index=False)["value_gbp_m"].sum()
    rows = []
    for lad in lad_codes:
        part = by_function[by_function["region_code"] == region_of[lad]]
        rows.append(part.assign(value_gbp_m=part["value_gbp_m"] * shares[lad]))
    frame: pd.DataFrame = pd.concat(rows).groupby("cofog_function", as_index=False)["value_gbp_m"].sum()
    frame["order"] = frame["cofog_function"].str.extract(r"^(\d+)")[0].astype(float)
    return frame.sort_values("order").drop(columns="order").reset_index(drop=True)


# ------------------------------------------------------------------------------------------------- wording


def spending_note(options: Mapping[str, str]) -> str:
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
    """A group's plain-English name with a capital first letter, for a widget label: 'Income tax', 'VAT and
    duties'."""
    label = GROUP_LABELS[group]
    return label[:1].upper() + label[1:]


def keys_text(options: Mapping[str, str]) -> str:
    """The keys in use in words: 'default keys', or 'default keys except education by councils' education
    spending'."""
    changed = [
        f"{GROUP_LABELS[g]} by {KEY_LABELS[k]}"
        for g, k in options.items()
        if g in DEFAULT_OPTIONS and k != DEFAULT_OPTIONS[g]
    ]  # the default North Sea key ('held') is never 'by'-ed
    return "default keys" + (" except " + "; ".join(changed) if changed else "")


def notes_lines(notes: pd.DataFrame, options: Mapping[str, str], names: Mapping[str, str] | None = None) -> list[str]:
    """Plain-English notes on the data periods and population fallbacks of the keys in use.

    Args: the mart's key notes (key, region_code, key_period, population_period, fallback_lads); a full set of
        options; region code -> name (codes are shown where a name is missing).
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
        label = KEY_LABELS.get(str(key), str(key))
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


def spending_basis_text(keyed: Mapping[str, str]) -> str:
    """How an area's spending was shared out, in words, from the keyed spending groups that reach its councils."""
    if not keyed:
        return "its region's per resident: every function shared by population"
    return (
        "estimated partly from councils' own data — "
        + ", ".join(f"{GROUP_LABELS[g]} by {KEY_LABELS[k]}" for g, k in keyed.items())
        + " — and otherwise by population"
    )


def possessive(name: str) -> str:
    """'Scotland's', 'West Midlands\\''."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def balance_sentence(estimate: Mapping[str, Any]) -> str:
    """One sentence a briefing can quote, from fiscal.area_estimate(): 'Estimate: public spending in Glasgow City
    exceeded the taxes raised there by £3.9bn in 2024-25 (£6,179 per resident).'"""
    balance, name = estimate["net_balance_gbp_m"], estimate["name"]
    verb = "exceeded the taxes raised there" if balance >= 0 else "fell short of the taxes raised there"
    return (
        f"Estimate: public spending in {name} {verb} by {formatting.gbp_millions(abs(balance))} in {estimate['year']} "
        f"({formatting.gbp(abs(estimate['net_balance_per_head_gbp']))} per resident)."
    )


def area_spending_caveat(estimate: Mapping[str, Any]) -> str:
    """Beside an area's per-resident figures (fiscal.area_estimate()): why its spending per resident is, or is close
    to being, its region's."""
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


def range_text(low: float | None, high: float | None, show: Callable[[float], str]) -> str:
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


def claimed_text(value_bn: float) -> str:
    """A claimed £bn figure as stated: '£53bn' (whole), '£7.5bn'."""
    return formatting.gbp_bn(value_bn, 0 if float(value_bn).is_integer() else 1)


def function_label(cofog_function: object) -> str:
    """A COFOG function without its number: '10. Social protection' -> 'Social protection'."""
    return re.sub(r"^[0-9.]+\s*", "", str(cofog_function))


def total_place_functions(place: Mapping[str, Any]) -> pd.DataFrame:
    """The Total Place chart's bars from a place's spending (analysis.fiscal.total_place or total_place_view):
    function (in words), value_gbp_m, in COFOG order."""
    functions = place["functions"]
    return pd.DataFrame(
        {
            "function": [function_label(f["cofog_function"]) for f in functions],
            "value_gbp_m": [f["value_gbp_m"] for f in functions],
        }
    )


def axis_room(values: Iterable[float | None], share: float = 0.15) -> list[float]:
    """An axis range from zero (or the lowest value) to the highest value, with `share` of the span added beyond the
    ends that hold bars, so labels printed outside the bars fit inside the chart."""
    found = [float(v) for v in values if v is not None and not pd.isna(v)]
    low, high = min([0.0, *found]), max([0.0, *found])
    span = (high - low) or 1.0
    return [low - share * span if low < 0 else 0.0, high + share * span if high > 0 else 0.0]
