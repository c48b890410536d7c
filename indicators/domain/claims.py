"""Claims check: the verdict rules, tolerances and wording (no I/O).

A claim holds on a definition when the recomputed value is within ±TOLERANCE_PCT % of the claimed value. The verdict
is given on the primary definition for the period the claim describes; beside it, the range over every definition
counted for that period and on how many of them the claim holds ("holds on k of n"). Context figures (later data, a
stated exchange rate) are shown but never counted.
"""

from __future__ import annotations

import decimal
import math
from typing import Any

from indicators.domain import formatting
from indicators.domain.areas import CORE_CITY_REGIONS, CORE_COUNCILS

TOLERANCE_PCT = 10.0  # a claim holds on a definition when the recomputation is within ±10 % of the claimed value
CORE_AREAS = {"city-region": CORE_CITY_REGIONS, "council": CORE_COUNCILS}
GEOGRAPHY_LABELS = {"city-region": "the ten city regions", "council": "the ten councils"}
PEER_CODES = {
    "intl_munich": "DE003M",
    "intl_frankfurt": "DE005M",
    "intl_rotterdam": "NL003M",
    "intl_barcelona": "ES002M",
}
TOTAL_PLACE_AREAS = {"tp_birmingham_total": ["E08000025"], "tp_bdp_total": ["E06000058", "E06000059"]}
VERDICT_LABELS = {
    "holds": "holds",
    "not_reproduced": "not reproduced",
    "holds_other_period": "holds on a later period only (the claim's period is not in the data)",
    "not_reproduced_other_period": "not reproduced on a later period (the claim's period is not in the data)",
    "not_recomputable": "not recomputable",
    "untestable": "cannot be tested with the data held here",
}
VERDICT_SHORT = {  # verdict code -> the verdict in a few words (the sentence in 'verdict' says the rest)
    "holds": "Holds",
    "not_reproduced": "Not reproduced",
    "holds_other_period": "Holds on later data only",
    "not_reproduced_other_period": "Not reproduced on later data",
    "not_recomputable": "Not recomputable",
    "untestable": "Cannot be tested",
}
UNIT_WORDS = {"GBP bn per year": "£bn a year", "GBP bn": "£bn", "percent": "%", "million people": "million people"}


# ----------------------------------------------------------------------------------------------- wording


def format_value(value: float | None, unit: str) -> str:
    """A value in a claim's unit as a briefing prints it (indicators.domain.formatting): £53.0bn, −£26.9bn, 25.0%,
    19.05 million; 'not available' when there is none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return formatting.not_available()
    if unit.startswith("GBP bn"):
        return formatting.gbp_bn(value)
    if unit.startswith("percent"):
        return formatting.percent(value)
    if unit.startswith("million"):
        return formatting.number(value, 2) + " million"
    return formatting.value(value, unit)


def unit_words(unit: str) -> str:
    """A claim's unit in words, its qualifier kept: '£bn a year (spending exceeds taxes)', '% (more than)'."""
    stem, _, qualifier = unit.partition(" (")
    words = UNIT_WORDS.get(stem, formatting.unit_label(stem))
    return f"{words} ({qualifier}" if qualifier else words


def claimed_text(claimed: float, unit: str) -> str:
    """The claimed value as the claim states it: '£66.0bn', 'more than 30.0%'."""
    return ("more than " if "(more than)" in unit else "") + format_value(claimed, unit)


def signed(number: float, decimals: int = 1) -> str:
    """+2.3 / −2.3 with a true minus sign, as a briefing prints it (indicators.domain.formatting)."""
    return formatting.number(number, decimals, signed=True)


def rounded(value: float | None, unit: str) -> float | None:
    """A claim-unit value rounded as format_value prints it, halves up (None and NaN give None)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return formatting.half_up(value, 2 if unit.startswith("million") else 1)


def range_text(spread: dict[str, Any] | None, unit: str) -> str:
    """'8.9% to 24.3%' (one value when the range is a single figure); '' when nothing is counted."""
    if not spread:
        return ""
    low, high = format_value(spread["min"], unit), format_value(spread["max"], unit)
    return low if low == high else f"{low} to {high}"


def holds_on_text(counts: dict[str, Any] | None) -> str:
    """'2 of 4'; '' when nothing is counted."""
    return f"{counts['k']} of {counts['n']}" if counts else ""


# -------------------------------------------------------------------------------------------- the verdict


def definition(
    definition_id: str, label: str, period: object, value: float | None, context: bool = False, **extra: Any
) -> dict[str, Any]:
    """One definition tried: a stable id (the reference table names the primary one), wording, period and value.

    context=True marks a figure shown for comparison only (the latest data, a stated exchange rate): never counted.
    """
    return {
        "definition_id": definition_id,
        "definition": label,
        "period": str(period),
        "value": None if value is None else float(value),
        "context": context,
        **extra,
    }


def within(value: float, claimed: float, tolerance_pct: float = TOLERANCE_PCT) -> bool:
    """True when `value` is within ±tolerance_pct % of `claimed` (the boundary counts as within)."""
    return abs(value - claimed) <= abs(claimed) * tolerance_pct / 100 * (1 + 1e-12)


def difference_pct(value: float | None, claimed: float) -> float | None:
    """(value ÷ claimed − 1) × 100, or None when either is missing or the claim is 0."""
    if value is None or not claimed:
        return None
    return (value / claimed - 1) * 100


def assess(
    claimed: float,
    unit: str,
    alternatives: list[dict[str, Any]],
    primary_id: str | None,
    period_described: str,
    untestable_reason: str = "",
    tolerance_pct: float = TOLERANCE_PCT,
) -> dict[str, Any]:
    """The verdict on the primary definition, and the range and 'holds on k of n' over the definitions counted.

    Counted: definitions with a value for the period the primary definition is computed on (the period the claim
    describes, unless the data hold no such period), except those marked context. Each alternative gains 'counted',
    'difference_pct' and 'holds'.

    Returns primary_definition_id, primary_definition, primary_value, primary_period, difference_pct, verdict_code
    (a key of VERDICT_LABELS), verdict (a sentence), tolerance_pct, range {min, max, period} and holds_on_k_of_n
    {k, n, period} (None where nothing is counted), alternatives. Raises ValueError if the declared primary
    definition is not among the alternatives (the reference table and the code disagree).
    """
    out: dict[str, Any] = {
        "primary_definition_id": primary_id or None,
        "primary_definition": None,
        "primary_value": None,
        "primary_period": None,
        "difference_pct": None,
        "tolerance_pct": tolerance_pct,
        "range": None,
        "holds_on_k_of_n": None,
        "alternatives": alternatives,
    }
    if not primary_id:
        return {**out, "verdict_code": "untestable", "verdict": untestable_reason or VERDICT_LABELS["untestable"]}
    primary = next((a for a in alternatives if a["definition_id"] == primary_id), None)
    if primary is None:
        tried = ", ".join(a["definition_id"] for a in alternatives)
        raise ValueError(f"primary definition {primary_id!r} is not among the definitions tried ({tried})")
    tested = primary["period"]
    for alternative in alternatives:
        found = alternative.get("value")
        alternative["counted"] = (
            alternative["period"] == tested and found is not None and not alternative.get("context")
        )
        alternative["difference_pct"] = difference_pct(found, claimed)
        alternative["holds"] = None if found is None else within(found, claimed, tolerance_pct)
    counted = [a for a in alternatives if a["counted"]]
    value = primary["value"]
    out.update(
        primary_definition=primary["definition"],
        primary_value=value,
        primary_period=tested,
        difference_pct=difference_pct(value, claimed),
    )
    if counted:
        values = [a["value"] for a in counted]
        out["range"] = {"min": min(values), "max": max(values), "period": tested}
        out["holds_on_k_of_n"] = {"k": sum(1 for a in counted if a["holds"]), "n": len(counted), "period": tested}
    if value is None:
        return {
            **out,
            "verdict_code": "not_recomputable",
            "verdict": f"Not recomputable: the primary definition has no value for {tested}.",
        }
    holds = within(value, claimed, tolerance_pct)
    code = ("holds" if holds else "not_reproduced") + ("" if tested == period_described else "_other_period")
    return {**out, "verdict_code": code, "verdict": verdict_text(code, value, claimed, unit, out, period_described)}


def difference_text(value: float, claimed: float, unit: str, tolerance_pct: float = TOLERANCE_PCT) -> str:
    """How far a value is from the claim, and the tolerance, in words suited to the claim's unit.

    Claims in percent read in percentage points (the tolerance is still ±tolerance_pct % of the claimed value).
    """
    if unit.startswith("percent"):
        return (
            f"{formatting.points(value - claimed)} from the claimed {format_value(claimed, unit)}; tolerance "
            f"±{tolerance_pct:g}% of the claim, ±{formatting.number(abs(claimed) * tolerance_pct / 100, 1)} points"
        )
    difference = formatting.percent(difference_pct(value, claimed), signed=True)
    return f"{difference} against the claim; tolerance ±{tolerance_pct:g}%"


def verdict_text(
    code: str, value: float, claimed: float, unit: str, assessed: dict[str, Any], period_described: str
) -> str:
    """The verdict as a sentence: primary value and period, difference, tolerance, and holds on k of n."""
    tested, counts = assessed["primary_period"], assessed["holds_on_k_of_n"]
    k_of_n = f"holds on {counts['k']} of {counts['n']} definition{'s' if counts['n'] != 1 else ''} tried for {tested}"
    shown = f"{format_value(value, unit)} ({difference_text(value, claimed, unit, assessed['tolerance_pct'])})"
    if code == "holds":
        return f"Holds: the primary definition gives {shown} for {tested}, the period the claim describes; {k_of_n}."
    if code == "not_reproduced":
        return (
            f"Not reproduced: the primary definition gives {shown} for {tested}, the period the claim describes; "
            f"{k_of_n}."
        )
    outcome = "it would hold on that later period" if code == "holds_other_period" else "not reproduced"
    return (
        f"Not testable on {period_described}, the period the claim describes (no data for it here). On {tested} "
        f"data the primary definition gives {shown}: {outcome}; {k_of_n}."
    )


# ------------------------------------------------------------------------------------------- chart axis


def nice_ticks(low: float, high: float, count: int = 5) -> tuple[list[float], int]:
    """About `count` round tick values from `low` to `high` (steps of 1, 2, 2.5 or 5 × a power of ten) and the
    decimals they need."""
    span = high - low if high > low else abs(high) or 1.0
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw * (1 - 1e-9))
    first = math.ceil(low / step - 1e-9)
    ticks = [round((first + i) * step, 10) for i in range(int(math.floor(high / step + 1e-9)) - first + 1)]
    exponent = decimal.Decimal(str(round(step, 10))).normalize().as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    return ticks, places


def tick_text(value: float, unit: str, places: int) -> str:
    """A tick label in a claim's unit: −£10bn, 25%, 19.5 million."""
    if unit.startswith("GBP bn"):
        return formatting.gbp_bn(value, places)
    if unit.startswith("percent"):
        return formatting.percent(value, places)
    return formatting.number(value, places) + (" million" if unit.startswith("million") else "")
