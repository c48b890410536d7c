"""Claims check: each published claim tested on the period it describes, on a primary definition declared in advance;
every claim in words, the table of all claims and one claim in detail with its claimed-vs-recomputed chart."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.analysis import claims
from indicators.domain import formatting
from indicators.domain.claims import TOLERANCE_PCT, VERDICT_LABELS, claimed_text, unit_words
from indicators.domain.international import RATE_MAX as RATE_MAX
from indicators.domain.international import RATE_MIN as RATE_MIN
from indicators.domain.international import rate_text
from indicators.exports import charts
from indicators.exports.labels import Meta
from indicators.views import Chart, Tile

INTRO = (
    "Headline figures from Core Cities UK's *Whole Place Leadership* (2016) and related publications, each tested "
    "**on the period it describes** — a 2016 publication describes the latest data then available, not today's — and "
    "on a **primary definition chosen, with its reason, before the result was computed**. A claim *holds* when the "
    f"primary definition is within ±{TOLERANCE_PCT:g}% of the claimed value. Beside each verdict: the range over every "
    "definition tried for that period, and on how many of them the claim would hold."
)
HOLDS_ON_HELP = f"Definitions tried for the data period on which the claim is within ±{TOLERANCE_PCT:g}%"
TABLE_SHOWN = claims.TABLE_SHOWN
TABLE_DOWNLOAD = Meta(
    title="Claims check: every claim tested on the period it describes",
    definition=f"Each claim against a primary definition declared in advance; it holds within ±{TOLERANCE_PCT:g}% of "
    "the claimed value. Range and 'holds on k of n' over the definitions tried for the same period.",
    period="each claim's own (see the period columns)",
    source="The publications named in the Source column; recomputations from the official releases listed under "
    "Data and methods (ONS, HM Treasury, Eurostat, European Central Bank). Project's own calculation.",
)


@dataclass(frozen=True)
class Card:
    """One tested claim as the list shows it: the claim, a line of figures and the verdict in full."""

    claim: str
    figures: str
    verdict: str


@dataclass(frozen=True)
class Check:
    """Every claim recomputed (at the ECB rate, with a stated rate beside the European verdicts) and in words."""

    eur_per_gbp: float | None  # the stated rate, if any
    results: list[dict]
    summary: str  # how many claims fall under each verdict
    cards: list[Card]  # the claims the data can test
    untested: str | None  # the others, as a Markdown list
    table: pd.DataFrame  # all claims (TABLE_SHOWN on screen, every column in the downloads)
    choices: dict[str, str]  # claim id -> how the picker names it
    default: str  # the first claim with a chart
    how_calculated: dict  # the method and its limits


@dataclass(frozen=True)
class Detail:
    """One claim in detail: the claim and its source, four tiles, the reasons in words, the exchange rate (European
    claims), and the chart with the definitions listed under it or a note saying why there is none."""

    heading: str
    tiles: list[Tile]  # as claimed, primary definition, holds on, range
    reasons: list[str]  # verdict, period described, primary definition (Markdown)
    exchange_rate: str | None
    chart: Chart | None
    definitions: str | None  # every figure of the chart, as a Markdown list
    no_chart: str | None


def check(eur_per_gbp: float | None) -> Check:
    """Every claim recomputed, with `eur_per_gbp` (a stated € per £, or None) beside the European verdicts. Raises
    ValueError when the claims can't be recomputed."""
    results = claims.claims_check(eur_per_gbp)
    listed = claims.overview(results)
    untested = [r for r in listed if not r["tested"]]
    numeric = numeric_claims(results)
    return Check(
        eur_per_gbp=eur_per_gbp,
        results=results,
        summary=claim_summary_text(results),
        cards=[
            Card(
                claim=f"**{r['claim']}**",
                figures=f"Verdict: **{r['verdict_short']}** · claimed {r['claimed']} for {r['period_described']} · "
                f"recomputed {r['recomputed']} for {r['data_period']} · range over the definitions tried {r['range']}",
                verdict=r["verdict"],
            )
            for r in listed
            if r["tested"]
        ],
        untested="\n".join(
            f"- **{r['claim']}**: {r['claimed']} ({r['period_described']}; *{r['source']}*). {r['verdict']}"
            for r in untested
        )
        or None,
        table=claims.briefing_table(results),
        choices={r["claim_id"]: f"{r['claim']} ({claimed_text(r['claimed'], r['unit'])})" for r in results},
        default=numeric[0] if numeric else results[0]["claim_id"],
        how_calculated={key: claims.method()[key] for key in ("method", "limits")},
    )


def detail(checked: Check, claim_id: str) -> Detail:
    """The claim `claim_id` of `checked` in detail."""
    result = next(r for r in checked.results if r["claim_id"] == claim_id)
    (shown,) = claims.overview([result])
    unit = unit_words(result["unit"])
    primary = result["primary_definition"]
    numeric = result["primary_value"] is not None
    return Detail(
        heading=f"**{result['claim']}**: {shown['claimed']} · *{result['source']}*",
        tiles=[
            Tile(
                "As claimed", shown["claimed"], help=f"As published, in {unit}, describing {result['period_described']}"
            ),
            Tile(
                "Primary definition" + (f" ({result['primary_period']})" if result["primary_period"] else ""),
                shown["recomputed"],
                help=primary or "No recomputation: the data held here cannot test this claim.",
            ),
            Tile(
                "Holds on",
                shown["holds_on"] or formatting.not_available(),
                help=f"Definitions tried for {result['primary_period']} on which the claim is within "
                f"±{TOLERANCE_PCT:g}%"
                if result["holds_on_k_of_n"]
                else "Nothing to count: no definition could be computed.",
            ),
            Tile(
                "Range over those definitions",
                shown["range"] or formatting.not_available(),
                help="Lowest and highest value over the definitions counted in 'holds on'.",
            ),
        ],
        reasons=[
            f"**Verdict.** {result['verdict']}",
            f"**Period the claim describes: {result['period_described']}.** {result['period_reason']}",
            f"**Primary definition{'' if primary is None else ': ' + primary}.** {result['primary_reason']}",
        ],
        exchange_rate=_exchange_rate(result["fx"]) if result["fx"] else None,
        chart=_chart(result, checked.eur_per_gbp) if numeric else None,
        definitions=_definitions(result) if numeric else None,
        no_chart=None if numeric else "The official data held here can't test this claim (see the reason above).",
    )


def _exchange_rate(fx: dict) -> str:
    """The rate a European claim is converted at, its source and the break-even rate, in words."""
    stated = (
        f"; at your stated rate of {rate_text(fx['stated_eur_per_gbp'], None)} see the rows marked 'Context'."
        if fx["stated_eur_per_gbp"] is not None
        else "."
    )
    return (
        f"**Exchange rate.** Converted at the European Central Bank's {fx['year']} annual average, "
        f"{rate_text(fx['eur_per_gbp'])} (mean of {fx['days']} daily reference rates; {fx['source']}). "
        f"**Sensitivity:** the claimed premium would hold exactly at {rate_text(fx['break_even_eur_per_gbp'], 3)}"
        f"{stated} {fx['measure_note']}"
    )


def _chart(result: dict, eur_per_gbp: float | None) -> Chart:
    unit = unit_words(result["unit"])
    captions = charts.Captions(
        title=f"Claimed vs recomputed: {result['claim']}",
        subtitle=f"{unit} · period described: {result['period_described']} · hatched: the claim; crossed: the primary "
        "definition; dotted: context (other periods or your stated rate, never counted)",
        source="Source: " + result["source"] + "; recomputations from the official releases listed under "
        "Data and methods"
        + (f" and {result['fx']['source']}" if result["fx"] else "")
        + ". Project's own calculation.",
    )
    return Chart(
        lambda: charts.claim_bars(claims.comparison_chart(result), captions=captions),
        captions,
        cache=(result["claim_id"], eur_per_gbp),  # everything the chart is drawn from
        table=lambda: claims.comparison_table(result),
        unit=unit,
        period=result["period_described"],
    )


def _definitions(result: dict) -> str:
    """Every figure of the chart as a Markdown list: the figure, its period, its definition and its value."""
    frame = claims.comparison(result)
    return "\n".join(
        f"- **{f} ({p}):** {d} — {v}"
        for f, p, d, v in zip(frame["figure"], frame["period"], frame["definition"], frame["printed"])
    )


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
