"""European peers: Eurostat metro-region GDP per resident (2021) against the Core Cities, converted at the ECB rate.

Eurostat publishes GDP per resident for metropolitan regions, not productivity (GVA per worker or per hour), so this is
the only comparison the data allow. Euros are converted to pounds at the European Central Bank's annual average
reference rate for the data year (the mean of that year's daily rates, from the ``fx_rates`` table); the break-even
rate (the € per £ at which a peer would be exactly level, or exactly a claimed premium ahead) is kept as a
sensitivity. A rate the user states replaces the ECB rate only where asked, and is labelled as an override.
"""

from __future__ import annotations

import pandas as pd

from indicators.data import aggregates, geography
from indicators.data.db import query
from indicators.data.memo import per_database
from indicators.data.provenance import releases_for
from indicators.domain import formatting
from indicators.domain.areas import CORE_CITY_REGIONS, CORE_COUNCILS
from indicators.domain.international import HEADLINE_PEERS as HEADLINE_PEERS
from indicators.domain.international import (
    HOME_CODES,
    HOMES,
    PEER_YEAR,
    break_even_rate,
    check_rate,
    euro,
    premium_pct,
    rate_text,
    to_eur,
    to_gbp,
    whole,
)
from indicators.domain.international import LIMITS as LIMITS
from indicators.domain.international import RATE_DECIMALS as RATE_DECIMALS
from indicators.domain.international import RATE_MAX as RATE_MAX
from indicators.domain.international import RATE_MIN as RATE_MIN
from indicators.domain.international import bar_range as bar_range
from indicators.domain.international import wrap_label as wrap_label


@per_database
def metros() -> pd.DataFrame:
    """All Eurostat metro regions with GDP per resident in euros (2021)."""
    frame = query("SELECT * FROM eurostat_metros ORDER BY metro_name")
    frame["gdp_per_head_eur"] = frame["gdp_eur"] / frame["population"]
    return frame


def peer_year() -> int:
    """The year of the Eurostat metro figures (one year only); raises ValueError if the data disagree with PEER_YEAR."""
    years = sorted({str(p) for p in metros()["period"]})
    if years != [str(PEER_YEAR)]:
        raise ValueError(f"expected Eurostat metro figures for {PEER_YEAR} only, found {years}")
    return PEER_YEAR


@per_database
def ecb_rate(year: int = PEER_YEAR) -> dict:
    """The ECB's annual average £ per € for `year` and its inverse, € per £, with the release it comes from.

    Raises ValueError when the fx_rates table has no complete year `year`.
    """
    frame = query(
        """SELECT f.year, f.currency_per_eur, f.eur_per_currency, f.days, f.first_date, f.last_date, f.source_id,
                  s.publisher, s.title, s.release
           FROM fx_rates f JOIN sources s USING (source_id) WHERE f.currency = ? AND f.year = ?""",
        ["GBP", int(year)],
    )
    if frame.empty:
        raise ValueError(f"no ECB annual average £ rate for {year} in the warehouse (extract ecb_fx and rebuild)")
    row = frame.iloc[0]
    return {
        "year": int(row["year"]),
        "eur_per_gbp": float(row["eur_per_currency"]),
        "gbp_per_eur": float(row["currency_per_eur"]),
        "days": int(row["days"]),
        "basis": "ecb",
        "source_id": row["source_id"],
        "label": f"ECB annual average {int(row['year'])}: {rate_text(float(row['eur_per_currency']))} (mean of "
        f"{int(row['days'])} daily reference rates, {formatting.gbp(float(row['currency_per_eur']), 5)} per €)",
        "source": f"{row['publisher']}, {row['title']} ({row['release']})",
    }


def exchange_rate(eur_per_gbp: float | None = None, year: int = PEER_YEAR) -> dict:
    """The rate to convert at: the ECB annual average for `year`, or a stated rate (an override, labelled as such).

    Returns eur_per_gbp, basis ('ecb' or 'stated'), label, source, and 'ecb' (the ECB rate, always, for reference).
    """
    ecb = ecb_rate(year)
    if eur_per_gbp is None:
        return {**ecb, "ecb": ecb}
    rate = check_rate(eur_per_gbp)
    return {
        "year": year,
        "eur_per_gbp": rate,
        "basis": "stated",
        "ecb": ecb,
        "label": f"your stated rate: {rate_text(rate, None)} (an override of the ECB's {year} average, "
        f"{euro(ecb['eur_per_gbp'], 4)})",
        "source": "rate stated by the user (an assumption, not data)",
    }


@per_database
def city_regions_gdp_per_head(year: int = PEER_YEAR) -> pd.DataFrame:
    """GDP per resident (£) of each Core City region, the ten together and the ten councils together.

    Read from the aggregates mart (GDP per head: the figure a release publishes for the area, else Σ GDP ÷ Σ residents
    of its member councils, with its coverage). Rows: the ten city regions, then area_code 'core-cities' (the ten city
    regions combined) and 'core-cities-councils' (the ten councils combined). Columns: city, area_code, area_name,
    gdp_gbp, population, gdp_per_head_gbp, method, coverage_note.
    """
    cities = geography.core_cities()
    areas = [
        (city, code, name)
        for city, code, name in zip(cities["city"], cities["city_region_code"], cities["city_region_name"])
    ]
    areas += [
        ("Core Cities", CORE_CITY_REGIONS, HOMES["city-region"]),
        ("Core Cities", CORE_COUNCILS, HOMES["council"]),
    ]
    codes = {CORE_CITY_REGIONS: HOME_CODES["city-region"], CORE_COUNCILS: HOME_CODES["council"]}
    rows = []
    for city, code, name in areas:
        row = aggregates.row("gdp_per_head", code, str(year))
        rows.append(
            {
                "city": city,
                "area_code": codes.get(code, code),
                "area_name": name,
                "gdp_gbp": row["numerator"],
                "population": row["denominator"],
                "gdp_per_head_gbp": row["value"],
                "method": row["method"],
                "coverage_note": row["coverage_note"],
            }
        )
    return pd.DataFrame(rows)


def home_gdp_per_head(home: str = "city-region", year: int = PEER_YEAR) -> float:
    """GDP per resident (£) of the Core Cities combined: 'city-region' (ten city regions) or 'council' (ten
    councils)."""
    if home not in HOMES:
        raise ValueError(f"unknown home {home!r}; valid: {', '.join(HOMES)}")
    return float(city_regions_gdp_per_head(year).set_index("area_code").at[HOME_CODES[home], "gdp_per_head_gbp"])


def peer_comparison(
    metro_codes: list[str] | None = None, eur_per_gbp: float | None = None, home: str = "city-region"
) -> pd.DataFrame:
    """Each chosen peer against the Core Cities combined, converted at the ECB 2021 average (or a stated rate).

    Args:
        metro_codes: Eurostat metro codes (default: Munich, Frankfurt, Rotterdam, Barcelona).
        eur_per_gbp: a stated € per £ that overrides the ECB rate; None converts at the ECB annual average.
        home: 'city-region' (the ten city regions combined, default) or 'council' (the ten councils combined).
    Returns one row per peer: metro_code, metro_name, country, gdp_per_head_eur, core_cities_gdp_per_head_gbp,
    eur_per_gbp, rate_basis ('ecb' or 'stated'), rate_label, gdp_per_head_gbp (the peer in £), premium_pct,
    break_even_eur_per_gbp (the rate at which the peer equals the Core Cities: the sensitivity), ...
    """
    rate = exchange_rate(eur_per_gbp, peer_year())
    codes = metro_codes or list(HEADLINE_PEERS)
    peers = metros()
    unknown = sorted(set(codes) - set(peers["metro_code"]))
    if unknown:
        raise ValueError(f"unknown Eurostat metro codes {unknown}")
    value = home_gdp_per_head(home)
    chosen = peers.set_index("metro_code").loc[codes].reset_index()
    chosen["core_cities_gdp_per_head_gbp"] = value
    chosen["eur_per_gbp"] = rate["eur_per_gbp"]
    chosen["rate_basis"] = rate["basis"]
    chosen["rate_label"] = rate["label"]
    chosen["gdp_per_head_gbp"] = [to_gbp(v, rate["eur_per_gbp"]) for v in chosen["gdp_per_head_eur"]]
    chosen["premium_pct"] = [premium_pct(v, value, rate["eur_per_gbp"]) for v in chosen["gdp_per_head_eur"]]
    chosen["break_even_eur_per_gbp"] = [break_even_rate(v, value) for v in chosen["gdp_per_head_eur"]]
    return chosen


def peer_premium(
    metro_code: str, claimed_pct: float, home: str = "city-region", eur_per_gbp: float | None = None
) -> dict:
    """One peer's premium over the Core Cities combined at the ECB rate (or a stated one), and the rate at which a
    claimed premium would hold exactly (the break-even sensitivity)."""
    row = peer_comparison([metro_code], eur_per_gbp, home).iloc[0]
    homes = city_regions_gdp_per_head(peer_year()).set_index("area_code")
    return {
        "metro_code": metro_code,
        "metro_name": row["metro_name"],
        "year": peer_year(),
        "home": home,
        "home_name": HOMES[home],
        "home_coverage_note": homes.at[HOME_CODES[home], "coverage_note"] or "",
        "gdp_per_head_eur": float(row["gdp_per_head_eur"]),
        "core_cities_gdp_per_head_gbp": float(row["core_cities_gdp_per_head_gbp"]),
        "eur_per_gbp": float(row["eur_per_gbp"]),
        "rate_basis": row["rate_basis"],
        "rate_label": row["rate_label"],
        "premium_pct": float(row["premium_pct"]),
        "break_even_eur_per_gbp": break_even_rate(
            float(row["gdp_per_head_eur"]), float(row["core_cities_gdp_per_head_gbp"]), claimed_pct
        ),
    }


@per_database
def provenance() -> dict:
    """Inputs, releases and limits of the European comparison."""
    eurostat = query("SELECT * FROM sources WHERE source_id IN (SELECT DISTINCT source_id FROM eurostat_metros)")
    ecb = query("SELECT * FROM sources WHERE source_id IN (SELECT DISTINCT source_id FROM fx_rates)")
    return {
        "formula": "peer GDP per head (€) ÷ (Core Cities GDP per head (£) × € per £) − 1, with € per £ = 1 ÷ the ECB's "
        "annual average £ per € for the data year; break-even € per £ = peer € per head ÷ Core Cities £ per head",
        "releases": releases_for(["gdp_current", "population"]) + eurostat.to_dict("records") + ecb.to_dict("records"),
        "limits": LIMITS,
    }


# ------------------------------------------------------------------------------------- as the page shows it


def peer_chart_table(bars: pd.DataFrame, eur_per_gbp: float) -> pd.DataFrame:
    """The GDP-per-resident chart as a table: plain-English headers, every row in £ and in € (the Core City regions
    converted at `eur_per_gbp`, the peers as Eurostat gives them), how far each is above or below the Core Cities
    combined, values rounded as printed, no empty cells.

    Args:
        bars: rows as views.european_peers.peer_bars() gives them (area_code, area_name, group, gdp_per_head_gbp,
            gdp_per_head_eur for the peers, population).
        eur_per_gbp: the rate the chart converts at.
    """
    combined = float(bars.loc[bars["group"] == "Core Cities combined", "gdp_per_head_gbp"].iloc[0])
    euros = [
        e if e is not None and not pd.isna(e) else to_eur(g, eur_per_gbp)
        for g, e in zip(bars["gdp_per_head_gbp"], bars["gdp_per_head_eur"])
    ]
    return pd.DataFrame(
        {
            "Code (ONS or Eurostat)": bars["area_code"].tolist(),
            "Area": bars["area_name"].tolist(),
            "Group": bars["group"].tolist(),
            "GDP per resident (£)": [whole(v) for v in bars["gdp_per_head_gbp"]],
            "GDP per resident (€)": [whole(v) for v in euros],
            "Above (+) or below (−) the Core Cities combined (%)": [
                formatting.rounded((float(g) / combined - 1) * 100, "%") for g in bars["gdp_per_head_gbp"]
            ],
            "Residents": [whole(v) for v in bars["population"]],
            "Exchange rate": rate_text(eur_per_gbp, 4 if eur_per_gbp == ecb_rate(PEER_YEAR)["eur_per_gbp"] else None),
        }
    )


def break_even_chart_table(metro_codes: list[str]) -> pd.DataFrame:
    """The break-even chart as a table: each peer's € per resident, the Core Cities' £ per resident, the € per £ at
    which they are level and the ECB annual average beside it; plain-English headers, rounded as printed."""
    frame = peer_comparison(metro_codes, None)
    return pd.DataFrame(
        {
            "Eurostat code": frame["metro_code"].tolist(),
            "Metropolitan region": frame["metro_name"].tolist(),
            "Country": frame["country"].tolist(),
            "GDP per resident (€)": [whole(v) for v in frame["gdp_per_head_eur"]],
            "Core Cities combined, GDP per resident (£)": [whole(v) for v in frame["core_cities_gdp_per_head_gbp"]],
            "Break-even rate (€ per £)": [formatting.half_up(v, 3) for v in frame["break_even_eur_per_gbp"]],
            f"ECB {PEER_YEAR} average (€ per £)": [formatting.half_up(v, 4) for v in frame["eur_per_gbp"]],
            "Peer ahead at the ECB rate": [
                "yes" if b > r else "no" for b, r in zip(frame["break_even_eur_per_gbp"], frame["eur_per_gbp"])
            ],
        }
    )


def chosen_area(area_code: str, year: int = PEER_YEAR) -> dict:
    """Where the area chosen in the sidebar stands in the comparison: its Core City region (if it sits in one), that
    region's GDP per resident and how far it is from the Core Cities combined, in a sentence.

    Returns area_code, area_name, region_code (None outside the ten Core City regions), sentence.
    """
    names = geography.area_names()
    name = names.get(area_code, area_code)
    regions = city_regions_gdp_per_head(year)
    regions = regions[~regions["area_code"].isin(list(HOME_CODES.values()))].set_index("area_code")
    region = geography.city_region_or_none(area_code)
    if region not in regions.index:
        return {
            "area_code": area_code,
            "area_name": name,
            "region_code": None,
            "sentence": f"{name} is not in one of the ten Core City regions: the chart compares those regions.",
        }
    row = regions.loc[region]
    combined = home_gdp_per_head("city-region", year)
    core = area_code in set(geography.core_cities()["lad_code"])
    where = (
        f"{name} is the Core City at the heart of {row['area_name']}"
        if core
        else f"{name} sits in {row['area_name']}, the {row['city']} Core City region"
    )
    return {
        "area_code": area_code,
        "area_name": name,
        "region_code": region,
        "sentence": f"{where}: GDP per resident {formatting.gbp(row['gdp_per_head_gbp'])} in {year}, "
        f"{formatting.percent((row['gdp_per_head_gbp'] / combined - 1) * 100, signed=True)} against the Core "
        f"Cities combined ({formatting.gbp(combined)}).",
    }
