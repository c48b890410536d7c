"""Small, tested shaping and arithmetic for the European peers and Claims check pages (Tax and spend's and Data and
methods' are in indicators.views).

The pages do no arithmetic themselves: every number they show comes from here or from the modules this calls
(international, claims).
"""

from __future__ import annotations

import pandas as pd

from indicators.analysis import international
from indicators.data.memo import per_database
from indicators.domain.claims import VERDICT_LABELS, difference_pct
from indicators.domain.international import HEADLINE_PEERS, PEER_YEAR, RATE_DECIMALS
from indicators.domain.international import RATE_MAX as RATE_MAX
from indicators.domain.international import RATE_MIN as RATE_MIN
from indicators.views.data_and_methods import full_observations as full_observations
from indicators.views.data_and_methods import indicator_ids as indicator_ids

# ------------------------------------------------------------------------------------------- European peers


def peer_options() -> dict[str, str]:
    """Every Eurostat metro region: code -> 'Name (country, code)', headline peers first."""
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
    home = home[home["area_code"] != international.HOME_CODES["council"]]
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


def claims_table(results: list[dict]) -> pd.DataFrame:
    """One row per claim from claims.claims_check(): the verdict on the primary definition for the period described,
    the range over the definitions counted and on how many the claim holds (no alternatives).

    Columns: claim, claimed, unit, period_described, primary_value, primary_period, verdict, holds_on (e.g. '1 of 2',
    '' if untestable), range_min, range_max, primary_definition, verdict_code, period_reason, primary_reason,
    fx_eur_per_gbp and fx_source (European claims), source, claim_id.
    """
    rows = []
    for r in results:
        counts, spread, fx = r.get("holds_on_k_of_n"), r.get("range"), r.get("fx") or {}
        rows.append(
            {
                "claim": r["claim"],
                "claimed": r["claimed"],
                "unit": r["unit"],
                "period_described": r["period_described"],
                "primary_value": r["primary_value"],
                "primary_period": r["primary_period"],
                "verdict": r["verdict"],
                "holds_on": f"{counts['k']} of {counts['n']}" if counts else "",
                "range_min": spread["min"] if spread else None,
                "range_max": spread["max"] if spread else None,
                "primary_definition": r["primary_definition"],
                "verdict_code": r["verdict_code"],
                "period_reason": r["period_reason"],
                "primary_reason": r["primary_reason"],
                "fx_eur_per_gbp": fx.get("eur_per_gbp"),
                "fx_source": fx.get("source"),
                "source": r["source"],
                "claim_id": r["claim_id"],
            }
        )
    return pd.DataFrame(rows)


def claim_comparison(result: dict) -> pd.DataFrame:
    """The claimed value first, then every definition tried (the primary one marked), with its difference from the
    claim (%), whether it is counted in 'holds on k of n' and whether the claim holds on it.

    Columns: label ('As claimed', 'Primary definition', 'Definition n', 'Context'), definition, period, value,
    difference_pct (None where either value is missing or the claim is 0), counted, holds, then any extra keys the
    definitions carry (e.g. eur_per_gbp, break_even_eur_per_gbp).
    """
    claimed, primary = result["claimed"], result.get("primary_definition_id")
    rows = [
        {
            "label": "As claimed",
            "definition": f"{result['claim']} ({result['source']})",
            "period": result.get("period_described"),
            "value": claimed,
            "difference_pct": 0.0,
            "counted": None,
            "holds": None,
        }
    ]
    number = 0
    for alternative in result.get("alternatives", []):
        if alternative["definition_id"] == primary:
            label = "Primary definition"
        elif alternative.get("context"):
            label = "Context"
        else:
            number += 1
            label = f"Definition {number}"
        value = alternative.get("value")
        rows.append(
            {
                "label": label,
                "definition": alternative["definition"],
                "period": alternative["period"],
                "value": value,
                "difference_pct": difference_pct(value, claimed),
                "counted": alternative.get("counted"),
                "holds": alternative.get("holds"),
            }
        )
    frame = pd.DataFrame(rows)
    skip = {"definition_id", "definition", "period", "value", "context", "counted", "holds", "difference_pct"}
    extra = [k for a in result.get("alternatives", []) for k in a if k not in skip]
    for key in dict.fromkeys(extra):
        frame[key] = [None] + [a.get(key) for a in result["alternatives"]]
    return frame


def numeric_claims(results: list[dict]) -> list[str]:
    """Claim ids with a recomputed primary value (these get a claimed-vs-definitions chart)."""
    return [r["claim_id"] for r in results if r.get("primary_value") is not None]


SUMMARY_LABELS = {  # verdict code -> how a count of claims reads ('2 hold', '1 not reproduced', …)
    "holds": "hold on the period they describe",
    "not_reproduced": "not reproduced on the period they describe",
    "holds_other_period": "would hold only on later data (their period is not in the data)",
    "not_reproduced_other_period": "not reproduced on later data (their period is not in the data)",
    "not_recomputable": "not recomputable",
    "untestable": "cannot be tested with the data held here",
}


def claim_summary(results: list[dict]) -> dict[str, int]:
    """How many claims fall under each verdict code (in VERDICT_LABELS order, zeros included)."""
    counts = {code: 0 for code in VERDICT_LABELS}
    for r in results:
        counts[r["verdict_code"]] += 1
    return counts


def claim_summary_text(results: list[dict]) -> str:
    """One line: '**2** hold on the period they describe · **4** not reproduced … ' (codes with no claims left out)."""
    return " · ".join(f"**{count}** {SUMMARY_LABELS[code]}" for code, count in claim_summary(results).items() if count)
