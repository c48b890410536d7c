"""European peers: GDP per resident of the Core Cities' city regions beside Eurostat metro regions, converted at the
ECB's annual average rate or a rate the user states (labelled as an override), each peer's premium and the break-even
rates as a sensitivity."""

from __future__ import annotations

from dataclasses import dataclass

from indicators import reference_views
from indicators.analysis import international
from indicators.data.provenance import releases_for, sources_text
from indicators.domain import formatting
from indicators.domain.international import HEADLINE_PEERS as HEADLINE_PEERS
from indicators.domain.international import LIMITS as LIMITS
from indicators.domain.international import PEER_YEAR, euro, rate_text
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


def options() -> dict[str, str]:
    """Every Eurostat metro region the page offers: code -> 'Name (country, code)', the headline peers first."""
    return reference_views.peer_options()


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
    used = reference_views.peer_rate(eur_per_gbp)
    bars = reference_views.peer_bars(metro_codes, eur_per_gbp)
    break_even = reference_views.break_even_table(metro_codes)
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
