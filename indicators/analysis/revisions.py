"""What changed between the vintages the warehouse holds: each declared pair of releases (domain.revisions.PAIRS)
read through data.revisions and judged by the domain's rules; memoised per database.

Figure by figure the comparison is like for like: a published figure against the same area's published figure for
the same period in the other release. The headline moves show the figures the dashboard draws for the ten Core
Cities (from the aggregates mart where the measure is in it, so a figure derived from councils in one vintage and
published in the other says so in its method columns).
"""

from __future__ import annotations

import re

import pandas as pd

from indicators.data import aggregates, geography
from indicators.data import revisions as readers
from indicators.data.memo import per_database
from indicators.data.provenance import sources_text
from indicators.domain import formatting
from indicators.domain import revisions as rules
from indicators.domain.areas import UK
from indicators.domain.measure_spec import MEASURES

REVISION_COLUMNS = [
    "area_code",
    "area_name",
    "measure",
    "period",
    "old_value",
    "old_release",
    "new_value",
    "new_release",
    "change",
    "change_pct",
    "revised",
    "unit",
]


def check_pair(pair_id: str) -> rules.VintagePair:
    """The declared pair (ValueError naming the valid ids for any other)."""
    return rules.pair(pair_id)


def measure_name(indicator_id: str) -> str:
    """A measure's name without its release: 'GVA per hour worked (Jun 2024 release)' -> 'GVA per hour worked'."""
    name = readers.indicator_names().get(indicator_id, indicator_id)
    return re.sub(r"\s*\((?:Jun|June) \d{4} release\)$", "", name)


def release_label(source_id: str, family: str) -> str:
    """A short name for a release: 'ONS subregional productivity, Jun 2024'; 'HM Treasury, CRA 2016'."""
    found = readers.releases()
    vintage = found.loc[found["source_id"] == source_id, "vintage"]
    return f"{family}, {vintage.iloc[0] if len(vintage) else source_id}"


@per_database
def revisions_table(pair_id: str) -> pd.DataFrame:
    """Every figure the pair's two releases both hold (REVISION_COLUMNS), revised or not (shared: don't mutate)."""
    chosen = check_pair(pair_id)
    if chosen.table == "cra":
        matched = readers.matched_cra(chosen.old_source, chosen.new_source)
        decimals = {name: chosen.cra_decimals for name in matched["old_indicator"].unique()}
        names = {name: name for name in matched["old_indicator"].unique()}
    else:
        matched = readers.matched_observations(
            chosen.old_source,
            chosen.new_source,
            tuple(m.old_id for m in chosen.measures),
            tuple(m.new_id for m in chosen.measures),
        )
        decimals = {m.old_id: m.decimals for m in chosen.measures}
        names = {m.old_id: measure_name(m.old_id) for m in chosen.measures}
    moves = [
        rules.revision(old, new, decimals[measure])
        for old, new, measure in zip(matched["old_value"], matched["new_value"], matched["old_indicator"])
    ]
    return pd.DataFrame(
        {
            "area_code": matched["area_code"],
            "area_name": matched["area_name"],
            "measure": matched["old_indicator"].map(names),
            "period": matched["period"],
            "old_value": matched["old_value"],
            "old_release": release_label(chosen.old_source, chosen.family),
            "new_value": matched["new_value"],
            "new_release": release_label(chosen.new_source, chosen.family),
            "change": [m.change for m in moves],
            "change_pct": [m.change_pct for m in moves],
            "revised": [m.revised for m in moves],
            "unit": matched["unit"],
        },
        columns=REVISION_COLUMNS,
    )


def revisions(pair_id: str, *, revised_only: bool = False, measure: str | None = None) -> pd.DataFrame:
    """Each figure both releases of a pair hold: area code and name, measure, period, old value and release, new
    value and release, change and change % (of the old value), whether it counts as revised, unit.

    Args:
        pair_id: a pair from `pairs()` (ValueError naming the valid ids otherwise).
        revised_only: only the figures revised beyond rounding.
        measure: only this measure (its name, as in the 'measure' column).
    """
    table = revisions_table(pair_id)
    keep = pd.Series(True, index=table.index)
    if revised_only:
        keep &= table["revised"]
    if measure is not None:
        keep &= table["measure"] == measure
    return table[keep].reset_index(drop=True)


def summary(pair_id: str) -> rules.Summary:
    """How many figures the pair compares, how many were revised and the largest revision in per cent."""
    table = revisions_table(pair_id)
    moves = [rules.Revision(c, p, r) for c, p, r in zip(table["change"], _pcts(table), table["revised"])]
    return rules.summarise(moves)


def _pcts(table: pd.DataFrame) -> list[float | None]:
    return [None if pd.isna(p) else float(p) for p in table["change_pct"]]


@per_database
def pairs() -> pd.DataFrame:
    """One row per pair of vintages held: its id, the older and newer release, how figures are matched, how many
    were compared and revised, the largest revision (%) and a note (shared: don't mutate)."""
    held = set(readers.releases()["source_id"])
    rows = []
    for chosen in rules.PAIRS:
        if not {chosen.old_source, chosen.new_source} <= held:
            continue
        found = summary(chosen.pair_id)
        table = revisions_table(chosen.pair_id)
        rows.append(
            {
                "pair_id": chosen.pair_id,
                "older_release": release_label(chosen.old_source, chosen.family),
                "newer_release": release_label(chosen.new_source, chosen.family),
                "matched_on": chosen.matched_on,
                "measures": ", ".join(dict.fromkeys(table["measure"])) if len(table) else "",
                "compared": found.compared,
                "revised": found.revised,
                "largest_change_pct": found.largest_pct,
                "largest_figure": _largest_figure(table),
                "tolerance": _tolerance_text(chosen),
                "note": chosen.note,
                "old_source": chosen.old_source,
                "new_source": chosen.new_source,
            }
        )
    return pd.DataFrame(rows)


def _largest_figure(table: pd.DataFrame) -> str:
    """Which figure moved most (of those revised): 'Scottish Island Councils, Hours worked per week (total), 2022'."""
    revised = table[table["revised"] & table["change_pct"].notna()]
    if revised.empty:
        return ""
    top = revised.loc[revised["change_pct"].abs().idxmax()]
    return f"{top['area_name']}, {top['measure']}, {top['period']}"


def source_text(pair_id: str) -> str:
    """The source line naming both releases of a pair (as provenance.sources_text names releases)."""
    chosen = check_pair(pair_id)
    found = readers.releases()
    wanted = (chosen.old_source, chosen.new_source)
    return sources_text([row for source in wanted for row in found[found["source_id"] == source].to_dict("records")])


def _tolerance_text(chosen: rules.VintagePair) -> str:
    if chosen.table == "cra":
        return f"± {formatting.number(rules.tolerance(chosen.cra_decimals), chosen.cra_decimals + 1)} (£ million)"
    return "; ".join(
        f"{measure_name(m.old_id)} ± {formatting.number(rules.tolerance(m.decimals), m.decimals + 1)}"
        for m in chosen.measures
    )


# ---------------------------------------------------------------- headline moves for the ten Core Cities


HEADLINE_COLUMNS = [
    "pair_id",
    "city",
    "area_code",
    "area_name",
    "level",
    "measure",
    "period",
    "unit",
    "old_release",
    "old_value",
    "old_method",
    "new_release",
    "new_value",
    "new_method",
    "change",
    "change_pct",
    "benchmark_name",
    "old_gap_pct",
    "new_gap_pct",
    "gap_change_points",
]


@per_database
def headline_moves() -> pd.DataFrame:
    """For each pair with a headline declared, the ten Core Cities' figure in both vintages (latest period both hold
    for the UK), its change, and its gap to the UK then and now in per cent with the move in percentage points.
    A city with no figure in one vintage keeps its row with the value missing (shared: don't mutate)."""
    held = set(readers.releases()["source_id"])
    frames = [
        _headline(chosen, spec)
        for chosen in rules.PAIRS
        if {chosen.old_source, chosen.new_source} <= held
        for spec in chosen.headlines
    ]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=HEADLINE_COLUMNS)


def _figures(measure_id: str, pair_id: str, side: str) -> dict[tuple[str, str], tuple[float, str]]:
    """(area, period) -> (value, how obtained) of the published figures the pair matched on one side."""
    table = revisions_table(pair_id)
    table = table[table["measure"] == measure_name(measure_id)]
    values = table["old_value"] if side == "old" else table["new_value"]
    return {(a, str(p)): (float(v), "as published") for a, p, v in zip(table["area_code"], table["period"], values)}


def _figure(measure_id: str, pair_id: str, side: str, code: str, period: str) -> tuple[float, str] | None:
    """An area's figure as the dashboard shows it: from the aggregates mart for a measure in it (published or
    derived, and which), else the published figure the pair matched; None when the release has none."""
    if measure_id not in MEASURES:
        return _figures(measure_id, pair_id, side).get((code, period))
    try:
        found = aggregates.row(measure_id, code, period)
    except ValueError:
        return None
    return float(found["value"]), aggregates.method_text(found)


def _periods(measure_id: str, pair_id: str, side: str) -> set[str]:
    if measure_id in MEASURES:
        return set(aggregates.periods(measure_id, UK))
    return {p for a, p in _figures(measure_id, pair_id, side) if a == UK}


def _headline(chosen: rules.VintagePair, spec: rules.HeadlineSpec) -> pd.DataFrame:
    shared = _periods(spec.old_id, chosen.pair_id, "old") & _periods(spec.new_id, chosen.pair_id, "new")
    if not shared:
        return pd.DataFrame(columns=HEADLINE_COLUMNS)
    period = max(shared)
    uk_old = _figure(spec.old_id, chosen.pair_id, "old", UK, period)
    uk_new = _figure(spec.new_id, chosen.pair_id, "new", UK, period)
    cities = geography.core_cities()
    column = "lad_code" if spec.level == "lad" else "city_region_code"
    names = geography.area_names()
    matched = revisions_table(chosen.pair_id)
    units = matched.loc[matched["measure"] == measure_name(spec.old_id), "unit"]
    unit = MEASURES[spec.new_id].unit if spec.new_id in MEASURES else (units.iloc[0] if len(units) else "")
    rows = []
    for city, code in [*zip(cities["city"], cities[column]), ("UK", UK)]:
        was = _figure(spec.old_id, chosen.pair_id, "old", code, period)
        now = _figure(spec.new_id, chosen.pair_id, "new", code, period)
        row = {
            "pair_id": chosen.pair_id,
            "city": city,
            "area_code": code,
            "area_name": names.get(code, code),
            "level": spec.level if code != UK else "uk",
            "measure": measure_name(spec.old_id),
            "period": period,
            "unit": unit,
            "old_release": release_label(chosen.old_source, chosen.family),
            "old_value": was[0] if was else None,
            "old_method": was[1] if was else "no figure in this release",
            "new_release": release_label(chosen.new_source, chosen.family),
            "new_value": now[0] if now else None,
            "new_method": now[1] if now else "no figure in this release",
            "benchmark_name": names.get(UK, UK),
        }
        if was and now:
            move = rules.revision(was[0], now[0], 0)
            row |= {"change": move.change, "change_pct": move.change_pct}
            if code != UK and uk_old and uk_new:
                gaps = rules.gap_move(was[0], uk_old[0], now[0], uk_new[0])
                row |= {
                    "old_gap_pct": gaps.old_gap_pct,
                    "new_gap_pct": gaps.new_gap_pct,
                    "gap_change_points": gaps.change_points,
                }
        rows.append(row)
    return pd.DataFrame(rows, columns=HEADLINE_COLUMNS)


# ---------------------------------------------------------------- the note under a chart


@per_database
def _notes() -> tuple[tuple[str, str], ...]:
    """(release text, note) for every release held in a pair with revised figures, in the order they are tried: a
    release since revised before a release revising an older one; within each, the pair with the most figures in
    common first, then the newest other release."""
    found = readers.releases()
    release_of = dict(zip(found["source_id"], found["release"]))
    date_of = dict(zip(found["source_id"], found["release_date"].astype(str)))
    candidates = []
    for chosen in rules.PAIRS:
        if chosen.old_source not in release_of or chosen.new_source not in release_of:
            continue
        result = summary(chosen.pair_id)
        if not result.revised:
            continue
        numbers = (
            formatting.number(result.compared),
            formatting.number(result.revised),
            formatting.percent(result.largest_pct, signed=True),
        )
        newer = release_label(chosen.new_source, chosen.family)
        older = release_label(chosen.old_source, chosen.family)
        candidates.append(
            (
                0,
                result.compared,
                date_of[chosen.new_source],
                release_of[chosen.old_source],
                rules.note_text(newer, False, *numbers),
            )
        )
        candidates.append(
            (
                1,
                result.compared,
                date_of[chosen.old_source],
                release_of[chosen.new_source],
                rules.note_text(older, True, *numbers),
            )
        )
    candidates.sort(key=lambda c: c[2], reverse=True)  # newest other release first (ISO dates sort as text) ...
    candidates.sort(key=lambda c: c[1], reverse=True)  # ... after the pair with the most figures in common ...
    candidates.sort(key=lambda c: c[0])  # ... and since-revised notes before revising ones (stable sorts)
    return tuple((release, note) for _, _, _, release, note in candidates)


@per_database  # a few dozen distinct source lines
def _note(source: str) -> str | None:
    for release, note in _notes():
        if rules.cited(source, {"release": release}):
            return note
    return None


def note_for_source(source: str) -> str | None:
    """A one-line 'revised since' note for a chart's source line (as provenance.source_line builds it), when it
    cites a release for which another vintage held here changes some of the figures both hold; else None."""
    if not source:
        return None
    return _note(source[:2000])
