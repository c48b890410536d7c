"""European peers: GDP per resident of the Core Cities' city regions beside Eurostat metro regions, converted at the
ECB's annual average rate or a rate the user states (labelled as an override), each peer's premium and the break-even
rates as a sensitivity."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.analysis import international
from indicators.data.memo import per_database
from indicators.data.provenance import releases_for, sources_text
from indicators.domain import formatting
from indicators.domain.international import HEADLINE_PEERS as HEADLINE_PEERS
from indicators.domain.international import HOME_CODES, PEER_YEAR, RATE_DECIMALS, euro, rate_text
from indicators.domain.international import LIMITS as LIMITS
from indicators.domain.international import RATE_MAX as RATE_MAX
from indicators.domain.international import RATE_MIN as RATE_MIN
from indicators.exports import charts
from indicators.views import Chart, Tile

DEFINITION = (
    f"GDP at current market prices per resident, {PEER_YEAR} (not productivity) · Core City regions (council-based) "
    "vs Eurostat metro regions (NUTS3-based) · project's own calculation"
)
BREAK_EVEN_DEFINITION = (
    f"Peer GDP per resident (€) ÷ Core Cities' city regions combined GDP per resident (£), {PEER_YEAR}; "
    "a peer is ahead whenever £1 buys fewer euros than its bar"
)


@dataclass(frozen=True)
class Peers:
    """What the page draws for a choice of peers, rate and sidebar area."""

    combined: Tile  # the Core Cities combined
    rate: Tile  # the exchange rate used
    override: str | None  # the warning shown when the user's rate replaces the ECB's
    chosen: str  # where the sidebar's area stands, in a sentence
    bars: Chart
    premiums_heading: str
    premiums: list[Tile]  # one per peer, in the order chosen
    break_even: Chart
    provenance: dict


def peers(metro_codes: list[str], eur_per_gbp: float | None, area_code: str) -> Peers:
    """The comparison of the Core Cities with `metro_codes`, converted at the ECB rate or the stated `eur_per_gbp`,
    with the Core City region of `area_code` marked. Raises ValueError when the comparison can't be made."""
    used = peer_rate(eur_per_gbp)
    bars = peer_bars(metro_codes, eur_per_gbp)
    break_even = break_even_table(metro_codes)
    stated = used["basis"] == "stated"
    ecb = used["ecb"]["eur_per_gbp"]
    combined = float(bars.loc[bars["group"] == "Core Cities combined", "gdp_per_head_gbp"].iloc[0])
    chosen = international.chosen_area(area_code)
    rate_shown = rate_text(used["eur_per_gbp"], None if stated else 4)
    provenance = international.provenance()
    others = [r for r in provenance["releases"] if not r.get("indicator_id")]  # Eurostat and the ECB
    source = sources_text(releases_for(["gdp_current", "population"]) + others) + ". Project's own calculation."
    depends = (tuple(metro_codes), eur_per_gbp, chosen["region_code"])  # everything the two charts are drawn from
    bars_captions = charts.Captions(
        title=f"GDP per resident {PEER_YEAR}, £ ({used['chart_label']})",
        subtitle=DEFINITION,
        source=source + (" Exchange rate: your stated override." if stated else ""),
    )
    break_even_captions = charts.Captions(
        title="Sensitivity: break-even exchange rate for each peer (€ per £)",
        subtitle=BREAK_EVEN_DEFINITION,
        source=source,
    )
    return Peers(
        combined=Tile(
            "Core Cities combined",
            formatting.gbp(combined),
            help=f"GDP per resident {PEER_YEAR} of the ten Core City regions together: Σ GDP ÷ Σ residents of all "
            "their member councils.",
        ),
        rate=Tile(
            "Exchange rate used",
            rate_shown + (" (your override)" if stated else ""),
            help=used["label"] + ". " + used["source"],
        ),
        override=f"Converted at **your stated rate** of {rate_shown} — an assumption, not data. The ECB's "
        f"{PEER_YEAR} annual average is {rate_text(ecb)}; clear the box to use it."
        if stated
        else None,
        chosen=chosen["sentence"] + (" Its bar is marked ▶ in bold." if chosen["region_code"] else ""),
        bars=Chart(
            lambda: charts.gdp_per_resident_bars(bars, marked=chosen["region_code"], captions=bars_captions),
            bars_captions,
            cache=depends,
            table=lambda: international.peer_chart_table(bars, used["eur_per_gbp"]),
            period=str(PEER_YEAR),
        ),
        premiums_heading="**Each peer against the Core Cities' city regions combined, "
        + ("at your stated rate (override)**" if stated else f"at the ECB {PEER_YEAR} average**")
        + ": how far its GDP per resident is above (+) or below (−) theirs",
        premiums=[
            Tile(
                row["area_name"],
                formatting.percent(row["premium_pct"], signed=True),
                help=f"{row['area_name']}: GDP per resident {euro(row['gdp_per_head_eur'])} "
                f"({formatting.gbp(row['gdp_per_head_gbp'])} at {rate_shown}) against the Core Cities combined "
                f"{formatting.gbp(combined)}. Break-even rate: {rate_text(row['break_even_eur_per_gbp'], 3)} (the "
                "peer is ahead whenever £1 buys fewer euros than this).",
            )
            for row in bars[bars["group"] == "European peer"].to_dict("records")
        ],
        break_even=Chart(
            lambda: charts.break_even_bars(
                break_even,
                ecb_eur_per_gbp=ecb,
                stated_eur_per_gbp=used["eur_per_gbp"] if stated else None,
                captions=break_even_captions,
            ),
            break_even_captions,
            cache=depends,
            table=lambda: international.break_even_chart_table(metro_codes),
            period=str(PEER_YEAR),
        ),
        provenance=provenance,
    )


# ------------------------------------------------------------------------------------ the tables behind the charts


def options() -> dict[str, str]:
    """Every Eurostat metro region the page offers: code -> 'Name (country, code)', the headline peers first."""
    frame = international.metros()
    labels = {
        code: f"{name} ({country}, {code})"
        for code, name, country in zip(frame["metro_code"], frame["metro_name"], frame["country"])
    }
    return {code: labels[code] for code in HEADLINE_PEERS if code in labels} | labels


def peer_rate(eur_per_gbp: float | None) -> dict:
    """The rate the peers page converts at: the ECB's 2021 annual average, or the user's stated override.

    Keys as international.exchange_rate (eur_per_gbp, basis 'ecb' | 'stated', label, source, ecb), plus
    chart_label: the short wording for chart titles.
    """
    rate = international.exchange_rate(eur_per_gbp, PEER_YEAR)
    if rate["basis"] == "ecb":
        chart_label = f"peers at the ECB {rate['year']} average, £1 = €{rate['eur_per_gbp']:.4f}"
    else:
        chart_label = f"peers at your stated rate, £1 = €{rate['eur_per_gbp']:g} (override)"
    return {**rate, "chart_label": chart_label}


def peer_bars(metro_codes: list[str], eur_per_gbp: float | None = None) -> pd.DataFrame:
    """GDP per resident 2021 of each Core City region, the ten combined and the chosen peers, one row each (computed
    once per process for each choice of peers and rate, the rate to the four decimals the page shows; shared).

    Peers are converted at the ECB's 2021 annual average (or at `eur_per_gbp`, a stated override).
    Columns: area_code, area_name, group ('Core City region', 'Core Cities combined', 'European peer'),
    gdp_per_head_gbp, gdp_per_head_eur (Eurostat, peers only), eur_per_gbp and rate_basis (peers: the rate used),
    premium_pct (peers: % above the Core Cities combined), break_even_eur_per_gbp (peers: the rate at which the
    peer equals the Core Cities combined), population.
    """
    return _peer_bars(tuple(metro_codes), None if eur_per_gbp is None else round(eur_per_gbp, RATE_DECIMALS))


@per_database(max_entries=64)
def _peer_bars(metro_codes: tuple[str, ...], eur_per_gbp: float | None) -> pd.DataFrame:
    home = international.city_regions_gdp_per_head()
    home = home[home["area_code"] != HOME_CODES["council"]]
    peers = international.peer_comparison(list(metro_codes), eur_per_gbp)
    rows = [
        {
            "area_code": r["area_code"],
            "area_name": r["area_name"] if r["area_code"] == "core-cities" else f"{r['city']}: {r['area_name']}",
            "group": "Core Cities combined" if r["area_code"] == "core-cities" else "Core City region",
            "gdp_per_head_gbp": r["gdp_per_head_gbp"],
            "gdp_per_head_eur": None,
            "eur_per_gbp": None,
            "rate_basis": None,
            "premium_pct": None,
            "break_even_eur_per_gbp": None,
            "population": r["population"],
        }
        for r in home.to_dict("records")
    ]
    for r in peers.to_dict("records"):
        rows.append(
            {
                "area_code": r["metro_code"],
                "area_name": f"{r['metro_name']} ({r['country']})",
                "group": "European peer",
                "gdp_per_head_gbp": r["gdp_per_head_gbp"],
                "gdp_per_head_eur": r["gdp_per_head_eur"],
                "eur_per_gbp": r["eur_per_gbp"],
                "rate_basis": r["rate_basis"],
                "premium_pct": r["premium_pct"],
                "break_even_eur_per_gbp": r["break_even_eur_per_gbp"],
                "population": r["population"],
            }
        )
    return pd.DataFrame(rows)


def break_even_table(metro_codes: list[str]) -> pd.DataFrame:
    """The sensitivity: for each chosen peer, its € per head, the Core Cities' £ per head, the break-even € per £
    and the ECB 2021 average beside it (the peer is ahead whenever £1 buys fewer euros than the break-even rate;
    shared: don't mutate)."""
    return _break_even_table(tuple(metro_codes))


@per_database(max_entries=64)
def _break_even_table(metro_codes: tuple[str, ...]) -> pd.DataFrame:
    frame = international.peer_comparison(list(metro_codes), None)
    frame = frame.rename(columns={"eur_per_gbp": "ecb_eur_per_gbp"})
    return frame[
        [
            "metro_code",
            "metro_name",
            "country",
            "gdp_per_head_eur",
            "core_cities_gdp_per_head_gbp",
            "break_even_eur_per_gbp",
            "ecb_eur_per_gbp",
        ]
    ].reset_index(drop=True)


# ----------------------------------------------------------------------------------------------- Claims check
