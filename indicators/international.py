"""European peers: Eurostat metro-region GDP per resident (2021) against the Core Cities' city regions.

No official EUR/GBP rate is among the project's sources, so the comparison never assumes one: it reports the
break-even rate (the € per £ at which a Core City region would match a peer) and converts only at a rate the
user states.
"""

from __future__ import annotations

import pandas as pd

from indicators import geography
from indicators.db import query
from indicators.memo import per_database
from indicators.observations import wide
from indicators.provenance import releases_for

PEER_YEAR = 2021
HEADLINE_PEERS = {"DE003M": "Munich", "DE005M": "Frankfurt", "NL003M": "Rotterdam", "ES002M": "Barcelona"}
LIMITS = (
    "GDP at current market prices per resident, 2021 — not GVA per worker or per hour, so commuting and employment rates "
    "move it; Eurostat metro regions (NUTS3-based) and UK city regions (council-based) are drawn differently; Eurostat "
    "figures come from a third-party extract of met_10r_3gdp / met_pjanaggr3; no PPS series is available here, so price "
    "levels are not adjusted; the exchange rate is the user's stated assumption, not data. The project's own calculation."
)


@per_database
def metros() -> pd.DataFrame:
    """All Eurostat metro regions with GDP per resident in euros (2021)."""
    frame = query("SELECT * FROM eurostat_metros ORDER BY metro_name")
    frame["gdp_per_head_eur"] = frame["gdp_eur"] / frame["population"]
    return frame


@per_database
def city_regions_gdp_per_head(year: int = PEER_YEAR) -> pd.DataFrame:
    """GDP per resident (£) of each Core City region and of the ten together: Σ GDP ÷ Σ population of member councils."""
    values = wide(["gdp_current", "population"], periods=[str(year)])
    rows = []
    cities = geography.core_cities()
    for city, code, name in zip(cities["city"], cities["city_region_code"], cities["city_region_name"]):
        members = values[values["area_code"].isin(geography.member_lads(code))]
        rows.append({"city": city, "area_code": code, "area_name": name,
                     "gdp_gbp": members["gdp_current"].sum() * 1e6, "population": members["population"].sum()})
    frame = pd.DataFrame(rows)
    total = {"city": "Core Cities", "area_code": "core-cities", "area_name": "Core Cities city regions (combined)",
             "gdp_gbp": frame["gdp_gbp"].sum(), "population": frame["population"].sum()}
    frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    frame["gdp_per_head_gbp"] = frame["gdp_gbp"] / frame["population"]
    return frame


def premium_pct(peer_eur: float, home_gbp: float, eur_per_gbp: float) -> float:
    """How far (%) a peer's GDP per head in € is above a home figure in £ converted at `eur_per_gbp`."""
    return (peer_eur / (home_gbp * eur_per_gbp) - 1) * 100


def break_even_rate(peer_eur: float, home_gbp: float, premium: float = 0.0) -> float:
    """The € per £ at which the peer is exactly `premium` % above the home figure."""
    return peer_eur / (home_gbp * (1 + premium / 100))


def peer_comparison(metro_codes: list[str] | None = None, eur_per_gbp: float | None = None) -> pd.DataFrame:
    """Each chosen peer against the Core Cities' combined city regions: break-even rate and, given a rate, the premium.

    Args:
        metro_codes: Eurostat metro codes (default: Munich, Frankfurt, Rotterdam, Barcelona).
        eur_per_gbp: the user's stated exchange rate; None reports break-even rates only.
    """
    if eur_per_gbp is not None and not 0.1 <= eur_per_gbp <= 10:
        raise ValueError(f"eur_per_gbp must be between 0.1 and 10 euros per pound, got {eur_per_gbp}")
    codes = metro_codes or list(HEADLINE_PEERS)
    peers = metros()
    unknown = sorted(set(codes) - set(peers["metro_code"]))
    if unknown:
        raise ValueError(f"unknown Eurostat metro codes {unknown}")
    home = city_regions_gdp_per_head().set_index("area_code").loc["core-cities", "gdp_per_head_gbp"]
    chosen = peers.set_index("metro_code").loc[codes].reset_index()
    chosen["core_cities_gdp_per_head_gbp"] = home
    chosen["break_even_eur_per_gbp"] = [break_even_rate(v, home) for v in chosen["gdp_per_head_eur"]]
    if eur_per_gbp is not None:
        chosen["eur_per_gbp"] = eur_per_gbp
        chosen["premium_pct"] = [premium_pct(v, home, eur_per_gbp) for v in chosen["gdp_per_head_eur"]]
    return chosen


def provenance() -> dict:
    """Inputs, releases and limits of the European comparison."""
    eurostat = query("SELECT * FROM sources WHERE source_id IN (SELECT DISTINCT source_id FROM eurostat_metros)")
    return {
        "formula": "peer GDP per head (€) ÷ (Core Cities city-region GDP per head (£) × € per £) − 1; "
        "break-even € per £ = peer € per head ÷ Core Cities £ per head",
        "releases": releases_for(["gdp_current", "population"]) + eurostat.to_dict("records"),
        "limits": LIMITS,
    }
