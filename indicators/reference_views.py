"""Small, tested shaping and arithmetic for the European peers, Claims check, Tax and spend and Data pages.

The pages do no arithmetic themselves: every number they show comes from here or from the modules this calls
(international, claims, fiscal, catalog, observations).
"""

from __future__ import annotations

import math

import pandas as pd

from indicators import catalog, fiscal, international
from indicators.observations import observations
from indicators.provenance import releases_for

RATE_MIN, RATE_MAX = 0.1, 10.0  # the range international.peer_comparison accepts (€ per £)
FISCAL_INDICATORS = ["rev_total", "exp_total", "crpsf_population", "population", "income_tax", "filled_jobs",
                     "gdhi_per_head", "gva_current", "council_tax_receipts"]


# ----------------------------------------------------------------------------------------------- URL parsing


def parse_rate(text: str | None) -> float | None:
    """A stated exchange rate (€ per £) from a URL or input: '' or None -> None; else a number in [0.1, 10].

    Raises ValueError (with the reason) for anything else.
    """
    if text is None or str(text).strip() == "":
        return None
    try:
        rate = float(str(text).strip())
    except ValueError:
        raise ValueError(f"the exchange rate {str(text)[:20]!r} is not a number") from None
    if not math.isfinite(rate) or not RATE_MIN <= rate <= RATE_MAX:
        raise ValueError(f"the exchange rate must be between {RATE_MIN:g} and {RATE_MAX:g} euros per pound, not {text!r}")
    return rate


def parse_codes(text: str | None, allowed: list[str]) -> tuple[list[str], list[str]]:
    """Comma-separated codes from a URL split into (allowed codes in the order given, without repeats; rejected)."""
    valid, rejected = [], []
    for part in (text or "").split(","):
        code = part.strip()
        if not code:
            continue
        if code in allowed:
            if code not in valid:
                valid.append(code)
        else:
            rejected.append(code[:20])
    return valid, rejected


# ------------------------------------------------------------------------------------------- European peers


def peer_options() -> dict[str, str]:
    """Every Eurostat metro region: code -> 'Name (country, code)', headline peers first."""
    frame = international.metros()
    labels = {code: f"{name} ({country}, {code})" for code, name, country in
              zip(frame["metro_code"], frame["metro_name"], frame["country"])}
    return {code: labels[code] for code in international.HEADLINE_PEERS if code in labels} | labels


def peer_bars(metro_codes: list[str], eur_per_gbp: float | None) -> pd.DataFrame:
    """GDP per resident 2021 of each Core City region, the ten combined and the chosen peers, one row each.

    Columns: area_code, area_name, group ('Core City region', 'Core Cities combined', 'European peer'),
    gdp_per_head_gbp (peers converted at `eur_per_gbp`; None for peers when no rate is stated),
    gdp_per_head_eur (Eurostat, peers only), break_even_eur_per_gbp (peers: the rate at which the peer equals
    the Core Cities combined), population.
    """
    home = international.city_regions_gdp_per_head()
    peers = international.peer_comparison(metro_codes, eur_per_gbp)
    rows = [{"area_code": r["area_code"], "area_name": r["area_name"] if r["area_code"] == "core-cities" else f"{r['city']}: {r['area_name']}",
             "group": "Core Cities combined" if r["area_code"] == "core-cities" else "Core City region",
             "gdp_per_head_gbp": r["gdp_per_head_gbp"], "gdp_per_head_eur": None, "break_even_eur_per_gbp": None,
             "population": r["population"]} for r in home.to_dict("records")]
    for r in peers.to_dict("records"):
        rows.append({"area_code": r["metro_code"], "area_name": f"{r['metro_name']} ({r['country']})", "group": "European peer",
                     "gdp_per_head_gbp": r["gdp_per_head_eur"] / eur_per_gbp if eur_per_gbp else None,
                     "gdp_per_head_eur": r["gdp_per_head_eur"], "break_even_eur_per_gbp": r["break_even_eur_per_gbp"],
                     "population": r["population"]})
    return pd.DataFrame(rows)


def break_even_table(metro_codes: list[str]) -> pd.DataFrame:
    """For each chosen peer: its € per head, the Core Cities' £ per head and the break-even € per £ (no rate assumed)."""
    frame = international.peer_comparison(metro_codes, None)
    return frame[["metro_code", "metro_name", "country", "gdp_per_head_eur", "core_cities_gdp_per_head_gbp",
                  "break_even_eur_per_gbp"]].reset_index(drop=True)


# ----------------------------------------------------------------------------------------------- Claims check


def claims_table(results: list[dict]) -> pd.DataFrame:
    """One row per claim from claims.claims_check(): claimed, recomputed, definitions, verdict (no alternatives)."""
    columns = ["claim", "claimed", "unit", "closest_value", "verdict", "recomputed", "definition", "closest_definition",
               "source", "claim_id"]
    return pd.DataFrame([{c: r.get(c) for c in columns} for r in results], columns=columns)


def claim_comparison(result: dict) -> pd.DataFrame:
    """The claimed value first, then every alternative definition, with its difference from the claim (%).

    Columns: label, definition, value, difference_pct (None where either value is missing or the claim is 0).
    """
    claimed = result["claimed"]
    rows = [{"label": "As claimed", "definition": f"{result['claim']} ({result['source']})", "value": claimed,
             "difference_pct": 0.0}]
    for number, alternative in enumerate(result.get("alternatives", []), start=1):
        value = alternative.get("value")
        rows.append({"label": f"Definition {number}", "definition": alternative["definition"], "value": value,
                     "difference_pct": (value / claimed - 1) * 100 if value is not None and claimed else None})
    frame = pd.DataFrame(rows)
    extra = [k for a in result.get("alternatives", []) for k in a if k not in ("definition", "value")]
    for key in dict.fromkeys(extra):
        frame[key] = [None] + [a.get(key) for a in result["alternatives"]]
    return frame


def numeric_claims(results: list[dict]) -> list[str]:
    """Claim ids with at least one recomputed number (these get a claimed-vs-alternatives chart)."""
    return [r["claim_id"] for r in results if any(a.get("value") is not None for a in r.get("alternatives", []))]


# ---------------------------------------------------------------------------------------------- Tax and spend

FISCAL_LEVELS = {"council": "CORE_CITIES_COUNCILS", "city-region": "CORE_CITIES_CITY_REGIONS"}


def tax_spend_view(year: str | None, geography_key: str, options: dict[str, str]) -> dict:
    """Everything the Tax and spend page shows for one year, geography and set of keys, from one apportionment.

    Returns {"table": DataFrame, "gap": dict}. The table holds the ten Core Cities (councils or city regions, with a
    'city' column), their total, then the official CRPSF UK, England and ITL1 rows, with 'basis' = 'estimate' or
    'official CRPSF' (columns as fiscal.fiscal_cli_rows). The gap dict: year, estimate_gbp_bn (net balance = spending −
    taxes), min_gbp_bn / max_gbp_bn (range over every key combination), below_gbp_bn / above_gbp_bn (distances from
    the estimate to the range ends, for error bars), combinations, min_options, max_options, revenue_gbp_bn,
    expenditure_gbp_bn, population, claimed_gbp_bn and claim (the £53bn claim), notes, sign_convention.
    """
    if geography_key not in FISCAL_LEVELS:
        raise ValueError(f"unknown geography {geography_key!r}; valid: {', '.join(FISCAL_LEVELS)}")
    options = fiscal.check_options(**options)
    rows = pd.DataFrame(fiscal.fiscal_cli_rows(year, **options))
    from indicators import geography

    cities = geography.core_cities()
    column = "lad_code" if geography_key == "council" else "city_region_code"
    city_of = dict(zip(cities[column], cities["city"]))
    chosen = rows[rows["area_code"].isin(list(city_of))].copy()
    chosen["city"] = chosen["area_code"].map(city_of)
    total = rows[rows["area_code"] == FISCAL_LEVELS[geography_key]].assign(city="Core Cities")
    official = rows[rows["area_type"].isin(["region", "country"])].assign(city="")
    table = pd.concat([chosen.sort_values("city"), total, official], ignore_index=True)
    table["basis"] = ["estimate" if e else "official CRPSF" for e in table["estimate"]]
    table["key_options"] = table["key_options"].astype(str)
    row = total.iloc[0]
    sensitivity = row["sensitivity_net_balance_gbp"]
    table = table.drop(columns=["sensitivity_net_balance_gbp"])
    used_year, alloc, _ = fiscal.build(row["year"])
    stated = fiscal.claim(fiscal.CLAIM_GAP)
    estimate = row["net_balance_gbp_bn"]
    gap = {
        "year": used_year, "estimate_gbp_bn": estimate, "min_gbp_bn": sensitivity["min"] / 1e9,
        "max_gbp_bn": sensitivity["max"] / 1e9, "below_gbp_bn": estimate - sensitivity["min"] / 1e9,
        "above_gbp_bn": sensitivity["max"] / 1e9 - estimate, "combinations": sensitivity["combinations"],
        "min_options": sensitivity["min_options"], "max_options": sensitivity["max_options"],
        "revenue_gbp_bn": row["revenue_gbp_bn"], "expenditure_gbp_bn": row["expenditure_gbp_bn"],
        "population": row["population"], "claim": stated,
        "claimed_gbp_bn": float(stated["value"]) if stated.get("value") is not None else None,
        "notes": fiscal.period_notes(alloc, options), "sign_convention": fiscal.method()["sign_convention"],
    }
    return {"table": table, "gap": gap}


def gap_table(gap: dict) -> pd.DataFrame:
    """The gap chart's data as a table: the estimate with its range, and the claim (from tax_spend_view()["gap"])."""
    rows = [{"figure": f"Estimate {gap['year']} (chosen keys)", "net_balance_gbp_bn": gap["estimate_gbp_bn"],
             "range_min_gbp_bn": gap["min_gbp_bn"], "range_max_gbp_bn": gap["max_gbp_bn"],
             "combinations": gap["combinations"], "basis": "estimate"}]
    if gap.get("claimed_gbp_bn") is not None:
        rows.append({"figure": "As claimed (c.2016)", "net_balance_gbp_bn": gap["claimed_gbp_bn"], "range_min_gbp_bn": None,
                     "range_max_gbp_bn": None, "combinations": None, "basis": "claim, method not stated"})
    return pd.DataFrame(rows)


def total_place_table(place: dict) -> pd.DataFrame:
    """Total Place view: spending by COFOG function (£m and £bn) from fiscal.total_place_comparison()."""
    frame = pd.DataFrame(place["functions"])
    frame["value_gbp_bn"] = frame["value_gbp_m"] / 1e3
    return frame


def fiscal_provenance() -> dict:
    """Formula, assumptions and releases behind the tax-and-spend estimates (for 'How was this calculated?')."""
    method = fiscal.method()
    return {
        "formula": method["formula"],
        "method": method["summary"] + " " + method["aggregates"],
        "assumptions": " ".join([method["sign_convention"], method["expenditure"], method["years"], method["north_sea"]]),
        "limits": method["caveats"] + " " + method["sensitivity"],
        "releases": releases_for(FISCAL_INDICATORS),
    }


# ---------------------------------------------------------------------------------------------- Data and methods


def indicator_ids() -> list[str]:
    """Every catalogue id (the allow-list for full downloads)."""
    return catalog.catalog()["indicator_id"].tolist()


def full_observations(indicator_id: str) -> pd.DataFrame:
    """Every observation of one catalogue indicator (all areas and periods). Unknown ids raise ValueError."""
    if indicator_id not in indicator_ids():
        raise ValueError(f"unknown indicator {indicator_id[:40]!r}: choose one from the catalogue")
    return observations([indicator_id])
