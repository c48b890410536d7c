"""European peers: the comparison's fixed choices, exchange-rate arithmetic and wording, and chart layout helpers
(no I/O).

Eurostat publishes GDP per resident for metro regions in euros; a peer's premium over the Core Cities is its € figure
against theirs in £ converted at a € per £ rate, and the break-even rate is the one at which the two are level (or a
claimed premium holds exactly).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable

from indicators.domain import formatting

PEER_YEAR = 2021  # the Eurostat metro extract's only year (international.peer_year checks it against the data)
HEADLINE_PEERS = {"DE003M": "Munich", "DE005M": "Frankfurt", "NL003M": "Rotterdam", "ES002M": "Barcelona"}
RATE_MIN, RATE_MAX = 0.1, 10.0  # a stated € per £ outside this range is refused
RATE_DECIMALS = 4  # a stated € per £ is kept to the pages' four decimals: one memoised result per rate shown
HOMES = {"city-region": "Core Cities city regions (combined)", "council": "Core Cities councils (combined)"}
HOME_CODES = {"city-region": "core-cities", "council": "core-cities-councils"}
LIMITS = (
    "GDP at current market prices per resident, 2021: not productivity (GVA per worker or per hour), so commuting and "
    "employment rates move it; Eurostat metro regions (NUTS3-based) and UK city regions (council-based) are drawn "
    "differently; Eurostat figures come from a third-party extract of met_10r_3gdp / met_pjanaggr3. Euros are "
    "converted at the European Central Bank's annual average reference rate for 2021 (the mean of the year's daily "
    "rates): a market exchange rate, not a purchasing-power parity, so price levels are not adjusted. The claims of "
    "2016 describe 2014 or earlier; no Eurostat metro data for those years is held here. The project's own calculation."
)


def euro(value: float | None, decimals: int | None = None) -> str:
    """Euros as a briefing prints them (formatting's rules for pounds): €62,531 · €1.1633 (4 decimals) · −€120 ·
    not available."""
    return formatting.gbp(value, decimals).replace("£", "€", 1)


def rate_text(eur_per_gbp: float, decimals: int | None = RATE_DECIMALS) -> str:
    """An exchange rate as quoted: '£1 = €1.1633'; decimals=None prints a stated rate as typed (up to 4 decimals):
    '£1 = €1.25'."""
    if decimals is None:
        decimals = min(RATE_DECIMALS, len(f"{eur_per_gbp:.4f}".rstrip("0").partition(".")[2]))
    return f"£1 = {euro(eur_per_gbp, decimals)}"


def check_rate(eur_per_gbp: object) -> float:
    """A stated € per £, checked: a finite number from RATE_MIN to RATE_MAX (ValueError naming the parameter)."""
    if (
        isinstance(eur_per_gbp, bool)
        or not isinstance(eur_per_gbp, (int, float))
        or not math.isfinite(eur_per_gbp)
        or not RATE_MIN <= eur_per_gbp <= RATE_MAX
    ):
        raise ValueError(
            f"eur_per_gbp must be between {RATE_MIN:g} and {RATE_MAX:g} euros per pound, got {eur_per_gbp!r}"
        )
    return float(eur_per_gbp)


def to_gbp(value_eur: float, eur_per_gbp: float) -> float:
    """Euros in pounds at a € per £ rate."""
    return value_eur / eur_per_gbp


def to_eur(value_gbp: float, eur_per_gbp: float) -> float:
    """Pounds in euros at a € per £ rate."""
    return value_gbp * eur_per_gbp


def premium_pct(peer_eur: float, home_gbp: float, eur_per_gbp: float) -> float:
    """How far (%) a peer's GDP per head in € is above a home figure in £ converted at `eur_per_gbp`."""
    return (peer_eur / (home_gbp * eur_per_gbp) - 1) * 100


def break_even_rate(peer_eur: float, home_gbp: float, premium: float = 0.0) -> float:
    """The € per £ at which the peer is exactly `premium` % above the home figure."""
    return peer_eur / (home_gbp * (1 + premium / 100))


def whole(value: float) -> int:
    """A count or £ figure rounded to a whole number, halves up, as printed."""
    return int(formatting.half_up(float(value), 0))


def bar_range(values: Iterable[float | None], room: float = 0.35) -> list[float]:
    """An axis range for bars labelled outside their ends: 0 included, and `room` × the span added beyond the
    longest bar on each side that has bars, a third more on the negative side (Plotly's autorange leaves no room
    for outside labels; 0.35 leaves room for '£62,536' on a 390-pixel phone with the category labels wrapped by
    wrap_label)."""
    found = [float(v) for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    low, high = min([0.0, *found]), max([0.0, *found])
    if low == high:
        return [0.0, 1.0]
    span = high - low
    # a third more on the left: labels of negative bars run into the category labels, with no margin between
    return [low - span * room * 1.3 if low < 0 else 0.0, high + span * room if high > 0 else 0.0]


def wrap_label(text: object, width: int = 22) -> str:
    """A category label broken into lines of at most `width` characters (Plotly's '<br>'), so the labels beside
    a horizontal bar chart leave the bars room on a phone."""
    return "<br>".join(textwrap.wrap(str(text), width)) or str(text)
