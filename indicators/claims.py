"""Claims check: each published claim beside what official data give under stated definitions."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from indicators import fiscal, geography, international, productivity
from indicators.db import query
from indicators.memo import per_database
from indicators.observations import latest_period, wide


def claims() -> pd.DataFrame:
    """The claims as published (reference table)."""
    return query("SELECT * FROM claims ORDER BY claim_id")


def _members(geography_key: str) -> list[str]:
    return productivity.core_cities_members(geography_key)


def _share_of_uk(indicator_id: str, scale: float) -> list[dict]:
    """Core Cities' total of an LA indicator (councils; city regions) and its share of the UK (all LAs)."""
    year = latest_period(indicator_id)
    values = wide([indicator_id], periods=[year]).set_index("area_code")[indicator_id]
    uk = values[values.index.isin(geography.local_authorities()["lad_code"])].sum()
    rows = []
    for key in geography.GEOGRAPHIES:
        total = values[values.index.isin(_members(key))].sum()
        rows.append({"geography": key, "year": year, "total": total * scale, "share_pct": total / uk * 100})
    return rows


def _gva_share(claim) -> list[dict]:
    return [
        {"definition": f"{r['geography']} areas, GVA {r['year']} as % of UK (sum of all local authorities, UK less Extra-Regio)",
         "value": r["share_pct"]}
        for r in _share_of_uk("gva_current", 1)
    ]


def _population(claim) -> list[dict]:
    return [
        {"definition": f"{r['geography']} areas, mid-{r['year']} resident population, millions", "value": r["total"] / 1e6}
        for r in _share_of_uk("population", 1)
    ]


def _productivity_gap(claim) -> list[dict]:
    rows = []
    for basis_key in ("hour", "job", "head"):  # per hour first: ONS's headline productivity measure
        chosen = productivity.BASES[basis_key]
        for geography_key in geography.GEOGRAPHIES:
            result = productivity.core_cities_gap(basis_key, geography_key, "uk")
            label = f"{chosen.label}, {geography_key} areas vs UK, {result['year']}"
            rows.append({"definition": f"{label}: net gap, £bn a year", "value": result["gap_gbp"] / 1e9})
            rows.append({"definition": f"{label}: sum of shortfalls of cities below the UK, £bn a year",
                         "value": result["sum_of_shortfalls_gbp"] / 1e9})
    return rows


def _peer_premium(metro_code: str, eur_per_gbp: float | None) -> Callable:
    def recompute(claim) -> list[dict]:
        row = international.peer_comparison([metro_code], eur_per_gbp).iloc[0]
        claimed = float(claim["value"])
        rate = international.break_even_rate(row["gdp_per_head_eur"], row["core_cities_gdp_per_head_gbp"], claimed)
        rows = [{"definition": f"GDP per resident 2021, {row['metro_name']} vs Core Cities city regions combined: the claimed "
                 f"+{claimed:g}% holds only if £1 = €{rate:.2f} (break-even rate, no exchange rate assumed)",
                 "value": None, "break_even_eur_per_gbp": rate}]
        if eur_per_gbp is not None:
            rows.insert(0, {"definition": f"GDP per resident 2021, {row['metro_name']} vs Core Cities city regions combined, "
                            f"at the stated £1 = €{eur_per_gbp:g}", "value": row["premium_pct"]})
        return rows

    return recompute


def _tax_spend_gap(claim) -> list[dict]:
    """Estimated net fiscal balance (spending − taxes) of the ten councils and ten city regions: latest year, then c.2016."""
    rows = []
    for year in (None, "2016-17"):
        result = fiscal.core_cities_gap(year)
        for label in ("councils", "city_regions"):
            part = result[label]
            rows.append({"definition": f"{label.replace('_', ' ')}, {result['year']}: estimated spending − taxes, £bn "
                         f"(default keys; range £{part['sensitivity']['min_gbp_bn']:.1f}bn to "
                         f"£{part['sensitivity']['max_gbp_bn']:.1f}bn across apportionment keys)",
                         "value": part["net_balance_gbp_bn"]})
    return rows


def _total_place(claim) -> list[dict]:
    """Birmingham's Total Place count beside identifiable (CRA) and total (CRPSF) spending apportioned by population."""
    place = fiscal.total_place_comparison("E08000025", claim["claim_id"])
    return [
        {"definition": f"Birmingham, HMT CRA identifiable spending {place['cra_year']} (earliest CRA year) apportioned by "
         "population, £bn", "value": place["identifiable_total_gbp_bn"]},
        {"definition": f"Birmingham, ONS CRPSF total managed expenditure {place['crpsf_year']} apportioned by population, £bn",
         "value": place["crpsf_total_expenditure_gbp_bn"]},
    ]


def _recomputers(eur_per_gbp: float | None) -> dict[str, Callable]:
    recomputers = {"cc_gva_share": _gva_share, "cc_population": _population, "cc_productivity_gap": _productivity_gap,
                   "cc_tax_spend_gap": _tax_spend_gap, "tp_birmingham_total": _total_place}
    for claim_id, code in {"intl_munich": "DE003M", "intl_frankfurt": "DE005M", "intl_rotterdam": "NL003M",
                           "intl_barcelona": "ES002M"}.items():
        recomputers[claim_id] = _peer_premium(code, eur_per_gbp)
    return recomputers


def verdict(claimed: float, alternatives: list[dict]) -> dict:
    """The headline recomputation (first alternative with a value) and the definition closest to the claim."""
    valued = [a for a in alternatives if a.get("value") is not None]
    if not valued:
        return {"recomputed": None, "definition": alternatives[0]["definition"] if alternatives else None,
                "closest_definition": None, "closest_value": None, "verdict": "not recomputable without an assumption"}
    closest = min(valued, key=lambda a: abs(a["value"] - claimed))
    gap_pct = (closest["value"] / claimed - 1) * 100 if claimed else None
    holds = gap_pct is not None and abs(gap_pct) <= 10
    return {
        "recomputed": valued[0]["value"], "definition": valued[0]["definition"],
        "closest_definition": closest["definition"], "closest_value": closest["value"],
        "verdict": ("holds (within 10%) only on: " if holds else "not reproduced; nearest: ") + closest["definition"],
    }


@per_database
def claims_check(eur_per_gbp: float | None = None) -> list[dict]:
    """Every claim with claimed value, recomputed value, definitions tried and a verdict.

    Claims the warehouse cannot test (e.g. Scandinavian tax shares) say so. The result is shared: don't mutate it.
    """
    recomputers = _recomputers(eur_per_gbp)
    results = []
    for claim in claims().to_dict("records"):
        claimed = float(claim["value"])
        recompute = recomputers.get(claim["claim_id"])
        alternatives = recompute(claim) if recompute else []
        outcome = verdict(claimed, alternatives) if recompute else {
            "recomputed": None, "definition": None, "closest_definition": None, "closest_value": None,
            "verdict": "outside the scope of the official data held here"}
        results.append({"claim_id": claim["claim_id"], "claim": claim["claim"], "claimed": claimed, "unit": claim["unit"],
                        "source": claim["publication"], **outcome, "alternatives": alternatives})
    return results
