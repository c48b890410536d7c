"""Numbers as a British briefing prints them, for every page, table, download, image and pack.

£52,848 per filled job · £39.70 per hour · −£5,374 · £1.2bn · £523m · 64.1% · +2.3 percentage points ·
1,154,221 people · not available (no data for 2024). GOV.UK/ONS style: a true minus sign, no space before %,
pence only below £100, no trailing ".0" on whole numbers of people or pounds. Grouping and rounding by Babel
(en_GB locale), halves rounded up as ONS rounds; the choice of decimals and words is ours.
"""

from __future__ import annotations

import decimal
import math

from babel.numbers import format_decimal

MINUS = "\u2212"
LOCALE = "en_GB"
NOT_AVAILABLE = "not available"

# unit as stored in the warehouse → (prefix, suffix, decimals); None decimals = pence below £100, whole pounds above
UNITS: dict[str, tuple[str, str, int | None]] = {
    "£": ("£", "", None),
    "£ per hour": ("£", " per hour", None),
    "£ per filled job": ("£", " per filled job", None),
    "£ per resident": ("£", " per resident", None),
    "%": ("", "%", 1),
    "persons": ("", " people", 0),
    "filled jobs": ("", " filled jobs", 0),
    "jobs per resident": ("", " jobs per resident", 2),
    "log points": ("", " log points", 1),
    # the Subnational indicators' units
    "£ per week": ("£", " a week", None),
    "count": ("", "", 0),
    "years": ("", " years", 1),
    "minutes": ("", " minutes", 1),
    "score (0-10)": ("", " out of 10", 2),
    "per 100,000 population": ("", " per 100,000 people", 0),
    "per million population": ("", " per million people", 1),
    "per 1,000 stock": ("", " per 1,000 homes", 1),
}
# units as read on an axis or a column header
UNIT_LABELS = {
    "£": "£",
    "£ per hour": "£ per hour",
    "£ per filled job": "£ per filled job",
    "£ per resident": "£ per resident",
    "£ million": "£ million",
    "%": "%",
    "persons": "people",
    "filled jobs": "filled jobs",
    "jobs per resident": "jobs per resident",
    "GBP bn per year": "£bn a year",
    "GBP bn": "£bn",
    "log points": "log points",
    "£ per week": "£ a week",
    "count": "number",
    "score (0-10)": "score out of 10",
    "per 100,000 population": "per 100,000 people",
    "per million population": "per million people",
    "per 1,000 stock": "per 1,000 homes",
}


# a figure as read from the warehouse: None or NaN when there is none
Amount = float | None


def _nan(value: float) -> bool:
    return isinstance(value, float) and math.isnan(value)


def _digits(value: float, decimals: int) -> tuple[str, str]:
    """(sign, grouped digits) of `value` rounded to `decimals`; a value that rounds to zero carries no sign."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    with decimal.localcontext(rounding=decimal.ROUND_HALF_UP):  # as printed statistics round: 13.85 → 13.9
        text = format_decimal(abs(value), format=pattern, locale=LOCALE)
    sign = MINUS if value < 0 and text.strip("0.,") else ""
    return sign, text


def pound_decimals(value: float) -> int:
    """Pence below £100 (£39.70 per hour), whole pounds from £100 (£52,848)."""
    return 2 if abs(value) < 100 else 0


def number(value: Amount, decimals: int = 0, *, signed: bool = False) -> str:
    """A plain number: 1,154,221 · −3.5 · +0.25 (signed)."""
    if value is None or _nan(value):
        return NOT_AVAILABLE
    sign, text = _digits(value, decimals)
    return (sign or ("+" if signed and text.strip("0.,") else "")) + text


def gbp(value: Amount, decimals: int | None = None, *, signed: bool = False) -> str:
    """Pounds: £52,848 · £39.70 · −£5,374 · +£120 (signed)."""
    if value is None or _nan(value):
        return NOT_AVAILABLE
    sign, text = _digits(value, pound_decimals(value) if decimals is None else decimals)
    return (sign or ("+" if signed and text.strip("0.,") else "")) + "£" + text


def gbp_bn(value_bn: Amount, decimals: int = 1, *, signed: bool = False) -> str:
    """Billions of pounds, given in £bn: £1.2bn · −£53.0bn."""
    if value_bn is None or _nan(value_bn):
        return NOT_AVAILABLE
    return gbp(value_bn, decimals, signed=signed) + "bn"


def gbp_millions(value_m: Amount, *, signed: bool = False) -> str:
    """An amount given in £ million, as a briefing says it: £523m below £1bn, £1.2bn from £1bn."""
    if value_m is None or _nan(value_m):
        return NOT_AVAILABLE
    if abs(value_m) >= 999.95:
        return gbp_bn(value_m / 1000, signed=signed)
    return gbp(value_m, 0, signed=signed) + "m"


def percent(value: Amount, decimals: int = 1, *, signed: bool = False) -> str:
    """A percentage: 64.1% · +2.3% (signed, e.g. a gap) · −13.9%."""
    if value is None or _nan(value):
        return NOT_AVAILABLE
    return number(value, decimals, signed=signed) + "%"


def points(value: Amount, decimals: int = 1) -> str:
    """A difference between two rates: +2.3 percentage points (1 point is singular)."""
    if value is None or _nan(value):
        return NOT_AVAILABLE
    text = number(value, decimals, signed=True)
    return f"{text} percentage point{'' if text.lstrip('+' + MINUS) in ('1', '1.0') else 's'}"


def value(value: Amount, unit: str, *, signed: bool = False) -> str:
    """A value in a warehouse unit, with its unit in words: £52,848 per filled job · 64.1% · 1,154,221 people."""
    if value is None or _nan(value):
        return NOT_AVAILABLE
    if unit == "£ million":
        return gbp_millions(value, signed=signed)
    if unit in ("GBP bn", "GBP bn per year"):
        return gbp_bn(value, signed=signed) + (" a year" if unit.endswith("per year") else "")
    prefix, suffix, decimals = UNITS.get(unit, ("", f" {unit}" if unit else "", 1))
    if prefix == "£":
        return gbp(value, decimals, signed=signed) + suffix
    return number(value, decimals or 0, signed=signed) + suffix


def headline(amount: Amount, unit: str) -> str:
    """A value as a metric tile shows it, short enough for a third of a laptop screen; the label names what it is
    per: £52,848 · £39.70 · 64.1% · £1.2bn · 1,154,221."""
    if unit.startswith("£ per") or unit == "£":
        return gbp(amount)
    if unit in UNITS and not UNITS[unit][0] and UNITS[unit][1] != "%":
        return number(amount, UNITS[unit][2] or 0)
    return value(amount, unit)


def gap(value_pct: Amount, unit: str, difference: Amount = None) -> str:
    """A gap against a benchmark: in percentage points for a rate in % (`difference`, value − benchmark), else the
    relative gap in per cent (`value_pct`): +2.3 percentage points · −13.9%."""
    if unit == "%":
        return points(difference)
    return percent(value_pct, signed=True)


def decimals(unit: str, value: Amount = None) -> int:
    """How many decimals a value in `unit` is shown with (used to round downloads as displayed)."""
    if unit in ("£ million",):
        return 0
    if unit in ("GBP bn", "GBP bn per year"):
        return 1
    _, _, places = UNITS.get(unit, ("", "", 1))
    if places is None:
        return 2 if value is None or _nan(value) else pound_decimals(value)
    return places


def rounded(value: Amount, unit: str) -> Amount:
    """`value` rounded as it is shown (None and NaN kept)."""
    if value is None or _nan(value):
        return value
    return half_up(value, decimals(unit, value))


def half_up(value: float, places: int) -> float:
    """`value` rounded to `places` decimals with halves away from zero, as printed statistics round (13.85 → 13.9)."""
    return float(decimal.Decimal(str(float(value))).quantize(decimal.Decimal(1).scaleb(-places), decimal.ROUND_HALF_UP))


def unit_label(unit: str) -> str:
    """A unit as an axis or column header reads it: '£bn a year' for 'GBP bn per year', 'people' for 'persons'."""
    return UNIT_LABELS.get(unit, unit)


def not_available(reason: str | None = None) -> str:
    """'not available', with the reason when there is one."""
    return f"{NOT_AVAILABLE} ({reason})" if reason else NOT_AVAILABLE


def axis(unit: str) -> dict[str, str]:
    """Plotly axis settings for a unit: £ prefix, thousands separators and the decimals shown in the text."""
    if unit.startswith("£") and unit != "£ million":
        return {"tickprefix": "£", "tickformat": ",.0f"}
    if unit == "£ million":
        return {"tickprefix": "£", "ticksuffix": "m", "tickformat": ",.0f"}
    if unit == "%":
        return {"ticksuffix": "%", "tickformat": ",.0f"}
    return {"tickformat": ",.2~f"}


def hover(unit: str, field: str = "x") -> str:
    """A Plotly hover template fragment for a value in `unit`: '£%{x:,.0f} per filled job'."""
    prefix, suffix, places = UNITS.get(unit, ("", f" {unit_label(unit)}", 1))
    if unit == "£ million":
        prefix, suffix, places = "£", "m", 0
    spec = ",.2f" if places is None and unit.endswith("hour") else f",.{0 if places is None else places}f"
    return f"{prefix}%{{{field}:{spec}}}{suffix}"
