"""Claims check: each published claim tested, vintage-true, against official data on declared definitions.

For every claim the reference table (the claims extract; methods declared in indicators.pipeline.extract.reference)
records the period the claim describes (a 2016 publication describes the latest data then available) and a primary
definition chosen, with its reason, before the verdicts were computed. The verdict compares the claim with the
primary definition on that period, within ±TOLERANCE_PCT % of the claimed value. Beside it: the range over every
definition tried for the same period, and on how many of them the claim holds ("holds on k of n"). Definitions for
other periods (the latest data, or the only year a source has) are shown for context and never counted.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable

import pandas as pd

from indicators.analysis import fiscal, international, productivity
from indicators.data import aggregates
from indicators.data.db import query
from indicators.data.memo import per_database
from indicators.domain import formatting
from indicators.domain.areas import UK
from indicators.domain.claims import (
    CORE_AREAS,
    GEOGRAPHY_LABELS,
    PEER_CODES,
    TOLERANCE_PCT,
    TOTAL_PLACE_AREAS,
    VERDICT_SHORT,
    assess,
    claimed_text,
    definition,
    difference_pct,
    format_value,
    holds_on_text,
    nice_ticks,
    range_text,
    rounded,
    tick_text,
    unit_words,
    within,
)
from indicators.domain.claims import VERDICT_LABELS as VERDICT_LABELS
from indicators.domain.claims import difference_text as difference_text
from indicators.domain.claims import signed as signed
from indicators.domain.claims import verdict_text as verdict_text
from indicators.domain.international import PEER_YEAR, RATE_DECIMALS, bar_range, check_rate, rate_text, wrap_label
from indicators.domain.productivity import BASES


def claims() -> pd.DataFrame:
    """The claims as published, with the declared period and primary definition of each (reference table)."""
    return query("SELECT * FROM claims ORDER BY claim_id")


# ------------------------------------------------------------------------------------------- recomputations


def _aggregate(measure_id: str, area_code: str, period: str | None = None) -> dict:
    """One row of the warehouse's aggregates mart (the published figure where a release publishes it, else derived)."""
    return aggregates.row(measure_id, area_code, period)


def _coverage(*rows: dict) -> str:
    """' (coverage: …)' for any aggregate resting on fewer members than its definition names, else ''."""
    notes = [r.get("coverage_note") for r in rows if not r.get("coverage_complete", True) and r.get("coverage_note")]
    return f" (coverage: {'; '.join(notes)})" if notes else ""


def _share(measure_id: str, geography_key: str, period: str | None) -> tuple[float, str, str]:
    """The Core Cities' share (%) of the UK less Extra-Regio for a sum measure, its period and a coverage note."""
    core = _aggregate(measure_id, CORE_AREAS[geography_key], period)
    uk = _aggregate(measure_id, UK, core["period"])
    return core["value"] / uk["value"] * 100, str(core["period"]), _coverage(core, uk)


def _gva_share(claim: dict) -> list[dict]:
    rows = []
    for measure_id, measure in (
        ("gva_current", "GVA at current basic prices"),
        ("gdp_current", "GDP at current market prices"),
    ):
        for geography_key in CORE_AREAS:
            value, period, note = _share(measure_id, geography_key, claim["period_described"])
            rows.append(
                definition(
                    f"{measure_id.split('_')[0]}/{geography_key}",
                    f"{measure} {period}, {GEOGRAPHY_LABELS[geography_key]} as % of the UK less Extra-Regio{note}",
                    period,
                    value,
                )
            )
    value, period, note = _share("gva_current", "city-region", None)
    rows.append(
        definition(
            "gva/city-region/latest",
            f"Latest data, for context: GVA at current basic prices {period}, "
            f"the ten city regions as % of the UK less Extra-Regio{note}",
            period,
            value,
            context=True,
        )
    )
    return rows


def _population(claim: dict) -> list[dict]:
    rows = []
    for geography_key in CORE_AREAS:
        row = _aggregate("population", CORE_AREAS[geography_key], claim["period_described"])
        rows.append(
            definition(
                geography_key,
                f"Mid-{row['period']} resident population of "
                f"{GEOGRAPHY_LABELS[geography_key]}, millions{_coverage(row)}",
                row["period"],
                row["value"] / 1e6,
            )
        )
    row = _aggregate("population", CORE_AREAS["city-region"])
    rows.append(
        definition(
            "city-region/latest",
            f"Latest data, for context: mid-{row['period']} resident population of "
            f"the ten city regions, millions{_coverage(row)}",
            row["period"],
            row["value"] / 1e6,
            context=True,
        )
    )
    return rows


def _productivity_gap(claim: dict) -> list[dict]:
    year = int(claim["period_described"])
    rows = []
    for basis_key in ("hour", "job", "head"):
        label = BASES[basis_key].label
        for geography_key in CORE_AREAS:
            result = productivity.core_cities_gap(basis_key, geography_key, "uk", year)
            stem = f"{label}, {GEOGRAPHY_LABELS[geography_key]} vs the UK, {result['year']}"
            rows.append(
                definition(
                    f"{basis_key}/{geography_key}/uk/net",
                    f"{stem}: net gap, £bn a year",
                    result["year"],
                    result["gap_gbp"] / 1e9,
                )
            )
            rows.append(
                definition(
                    f"{basis_key}/{geography_key}/uk/shortfalls",
                    f"{stem}: sum of the shortfalls of areas below the UK, £bn a year",
                    result["year"],
                    result["sum_of_shortfalls_gbp"] / 1e9,
                )
            )
    latest = productivity.core_cities_gap("hour", "city-region", "uk")
    rows.append(
        definition(
            "hour/city-region/uk/net/latest",
            f"Latest data, for context: GVA per hour worked, the ten "
            f"city regions vs the UK, {latest['year']}: net gap, £bn a year (in {latest['year']} pounds)",
            latest["year"],
            latest["gap_gbp"] / 1e9,
            context=True,
        )
    )
    return rows


def _tax_spend_gap(claim: dict) -> list[dict]:
    """Estimated net fiscal balance (spending − taxes): default keys and the lowest and highest key combinations."""
    rows = []
    result = fiscal.core_cities_gap(claim["period_described"])
    for label, geography_key in (("city_regions", "city-region"), ("councils", "council")):
        part, where = result[label], GEOGRAPHY_LABELS[geography_key]
        stem = f"{where}, {result['year']}: estimated spending − taxes, £bn"
        rows.append(
            definition(
                f"{geography_key}/default",
                f"{stem} (default apportionment keys)",
                result["year"],
                part["net_balance_gbp_bn"],
            )
        )
        rows.append(
            definition(
                f"{geography_key}/lowest-keys",
                f"{stem} (the key combination giving the lowest)",
                result["year"],
                part["sensitivity"]["min_gbp_bn"],
            )
        )
        rows.append(
            definition(
                f"{geography_key}/highest-keys",
                f"{stem} (the key combination giving the highest)",
                result["year"],
                part["sensitivity"]["max_gbp_bn"],
            )
        )
    latest = fiscal.core_cities_gap(None)
    rows.append(
        definition(
            "city-region/default/latest",
            f"Latest data, for context: the ten city regions, "
            f"{latest['year']}: estimated spending − taxes, £bn (default apportionment keys)",
            latest["year"],
            latest["city_regions"]["net_balance_gbp_bn"],
            context=True,
        )
    )
    return rows


def _peer_premium(metro_code: str) -> Callable:
    def recompute(claim: dict) -> list[dict]:
        claimed, rows = float(claim["value"]), []
        for home in CORE_AREAS:
            peer = international.peer_premium(metro_code, claimed, home)
            rows.append(
                definition(
                    f"{home}/ecb",
                    f"GDP per resident {peer['year']}, {peer['metro_name']} vs {GEOGRAPHY_LABELS[home]} "
                    f"combined, at the {peer['rate_label']}; % above"
                    + (f" (coverage: {peer['home_coverage_note']})" if peer["home_coverage_note"] else ""),
                    peer["year"],
                    peer["premium_pct"],
                    eur_per_gbp=peer["eur_per_gbp"],
                    rate_basis="ecb",
                    break_even_eur_per_gbp=peer["break_even_eur_per_gbp"],
                )
            )
        return rows

    return recompute


def _stated_rate_rows(metro_code: str, claimed: float, eur_per_gbp: float) -> list[dict]:
    """The European comparison again at a visitor's stated rate: context rows, never counted in the verdict."""
    rows = []
    for home in CORE_AREAS:
        peer = international.peer_premium(metro_code, claimed, home, eur_per_gbp)
        row = definition(
            f"{home}/stated-rate",
            f"Your stated rate, for comparison (an override, not counted): GDP per "
            f"resident {peer['year']}, {peer['metro_name']} vs {GEOGRAPHY_LABELS[home]} combined, at "
            f"{rate_text(eur_per_gbp, None)}; % above",
            peer["year"],
            peer["premium_pct"],
            context=True,
            eur_per_gbp=eur_per_gbp,
            rate_basis="stated",
            break_even_eur_per_gbp=peer["break_even_eur_per_gbp"],
        )
        rows.append(
            {
                **row,
                "counted": False,
                "difference_pct": difference_pct(row["value"], claimed),
                "holds": within(row["value"], claimed),
            }
        )
    return rows


def _total_place(claim: dict) -> list[dict]:
    """Total Place counts beside the region's CRPSF total managed expenditure (claim year) and CRA identifiable
    spending (its earliest year), each shared to the place's councils by population."""
    codes = TOTAL_PLACE_AREAS[claim["claim_id"]]
    if codes == ["E08000025"]:
        places = [fiscal.total_place_comparison(codes[0], claim["claim_id"])]
    else:
        places = [fiscal.total_place(code, claim["period_described"]) for code in codes]
    names = " + ".join(p["area_name"] for p in places)
    crpsf_year, cra_year = places[0]["crpsf_year"], places[0]["cra_year"]
    return [
        definition(
            "crpsf-tme/population",
            f"{names}: ONS CRPSF total managed expenditure of the region, {crpsf_year}, shared by population, £bn",
            crpsf_year,
            sum(p["crpsf_total_expenditure_gbp_bn"] for p in places),
        ),
        definition(
            "cra-identifiable/population",
            f"{names}: HM Treasury CRA identifiable spending of the region, "
            f"{cra_year} (the earliest CRA year held), shared by population, £bn",
            cra_year,
            sum(p["identifiable_total_gbp_bn"] for p in places),
        ),
    ]


def _recomputers() -> dict[str, Callable]:
    recomputers = {
        "cc_gva_share": _gva_share,
        "cc_population": _population,
        "cc_productivity_gap": _productivity_gap,
        "cc_tax_spend_gap": _tax_spend_gap,
        **{claim_id: _total_place for claim_id in TOTAL_PLACE_AREAS},
    }
    for claim_id, code in PEER_CODES.items():
        recomputers[claim_id] = _peer_premium(code)
    return recomputers


def _fx(claim_id: str, alternatives: list[dict]) -> dict | None:
    """For a European claim: the rate used for the verdict (ECB), its source, the break-even rate and any stated
    rate."""
    if claim_id not in PEER_CODES:
        return None
    rate = international.ecb_rate(PEER_YEAR)
    primary = next(a for a in alternatives if a["definition_id"] == "city-region/ecb")
    return {
        "eur_per_gbp": rate["eur_per_gbp"],
        "gbp_per_eur": rate["gbp_per_eur"],
        "year": rate["year"],
        "days": rate["days"],
        "basis": "ECB annual average of daily reference rates",
        "source": rate["source"],
        "source_id": rate["source_id"],
        "break_even_eur_per_gbp": primary["break_even_eur_per_gbp"],
        "break_even_note": "the € per £ at which the claimed premium would hold exactly on the primary definition "
        "(a sensitivity: a pound buying more euros than this makes the peer's lead smaller than claimed)",
        "stated_eur_per_gbp": None,
        "measure_note": "Eurostat gives GDP per resident for metro regions, not productivity (GVA per worker or "
        "per hour): the claim speaks of productivity, so this tests the nearest measure published.",
    }


def claims_check(eur_per_gbp: float | None = None) -> list[dict]:
    """Every claim with its period described, primary definition, verdict, range and 'holds on k of n'.

    Args:
        eur_per_gbp: a stated € per £ for the European claims (RATE_MIN to RATE_MAX, rounded to four decimals),
            shown beside (never instead of) the ECB-rate verdict.
    The result is shared: don't mutate it.
    """
    if eur_per_gbp is None:
        return _claims_at_ecb_rate()
    return _claims_with_stated_rate(round(check_rate(eur_per_gbp), RATE_DECIMALS))


@per_database(max_entries=32)
def _claims_with_stated_rate(eur_per_gbp: float) -> list[dict]:
    """The ECB-rate results with the stated rate's context rows added to the European claims (cheap: the verdicts
    are not recomputed, since a stated rate never changes them)."""
    results = []
    for result in _claims_at_ecb_rate():
        if result["fx"] is not None:
            metro_code = PEER_CODES[result["claim_id"]]
            result = {
                **result,
                "fx": {**result["fx"], "stated_eur_per_gbp": eur_per_gbp},
                "alternatives": result["alternatives"] + _stated_rate_rows(metro_code, result["claimed"], eur_per_gbp),
            }
        results.append(result)
    return results


@per_database
def _claims_at_ecb_rate() -> list[dict]:
    recomputers = _recomputers()
    results = []
    for claim in claims().to_dict("records"):
        claim = {k: (None if isinstance(v, float) and pd.isna(v) else v) for k, v in claim.items()}
        claimed, primary_id = float(claim["value"]), claim["primary_definition"] or None
        recompute = recomputers.get(claim["claim_id"])
        if primary_id and recompute is None:
            raise ValueError(
                f"claim {claim['claim_id']!r} names primary definition {primary_id!r} but has no recomputation"
            )
        alternatives = recompute(claim) if recompute and primary_id else []
        assessed = assess(
            claimed,
            claim["unit"],
            alternatives,
            primary_id,
            str(claim["period_described"]),
            claim["primary_reason"] or "",
        )
        results.append(
            {
                "claim_id": claim["claim_id"],
                "claim": claim["claim"],
                "claimed": claimed,
                "unit": claim["unit"],
                "source": claim["publication"],
                "period_as_stated": claim["period_as_stated"],
                "period_described": str(claim["period_described"]),
                "period_reason": claim["period_reason"],
                "primary_reason": claim["primary_reason"],
                **assessed,
                "recomputed": assessed["primary_value"],
                "definition": assessed["primary_definition"],
                "fx": _fx(claim["claim_id"], alternatives),
            }
        )
    return results


def method() -> dict:
    """How the claims are tested, for 'How was this calculated?' and the CLI."""
    return {
        "method": "Each claim is tested on the period it describes: a publication describes the latest data available "
        "when it was written (e.g. Whole Place Leadership, second half of 2016: regional GVA and subregional "
        "productivity to 2014, mid-2015 population, public finances for 2015-16). Its primary definition was chosen, "
        "with the reason recorded, before the results were computed; the verdict compares the claim with that "
        f"definition on that period, within ±{TOLERANCE_PCT:g}% of the claimed value. Beside it: the range over every "
        "definition tried for the same period and on how many the claim holds ('holds on k of n'). Figures for later "
        "periods are shown for context and never counted.",
        "limits": "The publications do not state their methods. Recomputations use today's vintages of the official "
        "series for the periods described, which ONS has revised since 2016; city regions are today's (e.g. the 2025 "
        "combined authorities), not those of 2016. The European claims are tested on Eurostat's 2021 metro figures, "
        "the only year held: GDP per resident, not productivity, converted at the ECB's 2021 annual average rate. "
        "Tax and spend figures below region level are estimates (see Tax and spend).",
    }


# ------------------------------------------------------------------------------------- as the page shows it


def overview(results: list[dict]) -> list[dict]:
    """Each claim from claims_check() in words, as the page lists it.

    Returns one dict per claim: claim_id, claim, source, tested (False when the data held here cannot test it),
    claimed ('£66.0bn', 'more than 30.0%'), period_described, recomputed (the primary definition's value, or
    'not available'), data_period ('' when untested), verdict_short (VERDICT_SHORT), verdict (the full sentence),
    holds_on ('0 of 12' or ''), range ('−£11.0bn to £90.3bn' or ''), primary_definition ('' when none).
    """
    rows = []
    for r in results:
        rows.append(
            {
                "claim_id": r["claim_id"],
                "claim": r["claim"],
                "source": r["source"] or "",
                "tested": r["verdict_code"] != "untestable",
                "claimed": claimed_text(r["claimed"], r["unit"]),
                "period_described": r["period_described"],
                "recomputed": format_value(r["primary_value"], r["unit"]),
                "data_period": r["primary_period"] or "",
                "verdict_short": VERDICT_SHORT[r["verdict_code"]],
                "verdict": r["verdict"],
                "holds_on": holds_on_text(r["holds_on_k_of_n"]),
                "range": range_text(r["range"], r["unit"]),
                "primary_definition": r["primary_definition"] or "",
            }
        )
    return rows


TABLE_SHOWN = [
    "Claim",
    "Verdict",
    "Claimed",
    "Period the claim describes",
    "Recomputed (primary definition)",
    "Data period",
    "Holds on (k of n)",
    "Range over the definitions tried",
    "Verdict in full",
    "Primary definition",
]


def briefing_table(results: list[dict]) -> pd.DataFrame:
    """One row per claim with plain-English headers and every figure as a briefing prints it (TABLE_SHOWN are the
    columns for the screen), then the reasons, the exchange rate of the European claims, the source, the claim id,
    the unit and the claimed and recomputed values as numbers (rounded as printed) for the download. No missing
    text: an empty cell where a claim has no such figure."""
    rows = []
    for r, shown in zip(results, overview(results)):
        fx = r.get("fx") or {}
        rows.append(
            {
                "Claim": shown["claim"],
                "Verdict": shown["verdict_short"],
                "Claimed": shown["claimed"],
                "Period the claim describes": shown["period_described"],
                "Recomputed (primary definition)": shown["recomputed"] if shown["tested"] else "",
                "Data period": shown["data_period"],
                "Holds on (k of n)": shown["holds_on"],
                "Range over the definitions tried": shown["range"],
                "Verdict in full": shown["verdict"],
                "Primary definition": shown["primary_definition"],
                "Why that definition": r["primary_reason"] or "",
                "Why that period": r["period_reason"] or "",
                "Exchange rate used": rate_text(fx["eur_per_gbp"]) if fx else "",
                "Source": shown["source"],
                "Claim ID": r["claim_id"],
                "Unit": unit_words(r["unit"]),
                "Claimed value": r["claimed"],
                "Recomputed value": rounded(r["primary_value"], r["unit"]),
            }
        )
    return pd.DataFrame(rows)


def _group(alternative: dict, primary_id: str | None, number: int) -> str:
    if alternative["definition_id"] == primary_id:
        return "Primary definition"
    return "Context" if alternative.get("context") else f"Definition {number}"


def comparison(result: dict) -> pd.DataFrame:
    """The claimed value, then every definition tried (the primary one marked, context last as listed), in words.

    Columns: figure ('As claimed', 'Primary definition', 'Definition n', 'Context'), period, definition, value (the
    number, None when the definition has none), printed (as a briefing prints it), difference (from the claim: in
    percentage points for a claim in per cent, else in per cent; '' for the claim), counted and holds ('yes', 'no'
    or ''), exchange_rate ('£1 = €1.1633' for the European claims, else '').
    """
    claimed, unit = result["claimed"], result["unit"]
    rows = [
        {
            "figure": "As claimed",
            "period": result["period_described"],
            "definition": f"{result['claim']} ({result['source']})",
            "value": claimed,
            "printed": claimed_text(claimed, unit),
            "difference": "",
            "counted": "",
            "holds": "",
            "exchange_rate": "",
        }
    ]
    number = 0
    for alternative in result.get("alternatives", []):
        group = _group(alternative, result.get("primary_definition_id"), number + 1)
        number += group.startswith("Definition")
        value = alternative.get("value")
        if value is None:
            difference = ""
        elif unit.startswith("percent"):
            difference = formatting.points(value - claimed)
        else:
            difference = formatting.percent(difference_pct(value, claimed), signed=True)
        yes_no = {True: "yes", False: "no"}
        rows.append(
            {
                "figure": group,
                "period": alternative["period"],
                "definition": alternative["definition"],
                "value": value,
                "printed": format_value(value, unit),
                "difference": difference,
                "counted": yes_no.get(alternative.get("counted"), ""),
                "holds": yes_no.get(alternative.get("holds"), ""),
                "exchange_rate": rate_text(
                    alternative["eur_per_gbp"], None if alternative.get("rate_basis") == "stated" else 4
                )
                if alternative.get("eur_per_gbp")
                else "",
            }
        )
    return pd.DataFrame(rows)


def comparison_table(result: dict) -> pd.DataFrame:
    """The chart's figures (those with a value) as a table with plain-English headers, values rounded as printed."""
    frame = comparison(result)
    frame = frame[frame["value"].notna()]
    table = pd.DataFrame(
        {
            "Figure": frame["figure"],
            "Period": frame["period"],
            "Definition": frame["definition"],
            "Value": frame["printed"],
            f"Value ({unit_words(result['unit'])})": [rounded(v, result["unit"]) for v in frame["value"]],
            "Difference from the claim": frame["difference"],
            "Counted in 'holds on k of n'": frame["counted"],
            "Claim holds on it": frame["holds"],
        }
    )
    if (frame["exchange_rate"] != "").any():
        table["Exchange rate"] = frame["exchange_rate"]
    return table.reset_index(drop=True)


def comparison_chart(result: dict) -> dict:
    """What the claimed-vs-recomputed bar chart draws, worked out here so the page only draws it.

    Returns bars (DataFrame: label 'Figure (period)' wrapped for a phone, figure, value, text as printed, hover: the
    figure, its definition wrapped to lines and its value), x_range (room for the labels outside the bars, 0 included),
    tickvals and ticktext (the claim's unit printed with a true minus: −£10bn, 25%), axis_title (the unit in words).
    """
    frame = comparison(result)
    frame = frame[frame["value"].notna()].reset_index(drop=True)
    unit = result["unit"]
    bars = pd.DataFrame(
        {
            "label": [wrap_label(f"{f} ({p})", 20) for f, p in zip(frame["figure"], frame["period"])],
            "figure": frame["figure"],
            "value": frame["value"].astype(float),
            "text": frame["printed"],
            "hover": [
                f"<b>{f} ({p})</b><br>" + "<br>".join(textwrap.wrap(d, 60)) + f"<br><b>{t}</b>"
                for f, p, d, t in zip(frame["figure"], frame["period"], frame["definition"], frame["printed"])
            ],
        }
    )
    x_range = bar_range(bars["value"].tolist())
    ticks, places = nice_ticks(*x_range)
    return {
        "bars": bars,
        "x_range": x_range,
        "tickvals": ticks,
        "ticktext": [tick_text(t, unit, places) for t in ticks],
        "axis_title": unit_words(unit),
    }
