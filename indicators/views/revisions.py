"""Revisions: what changed between the releases the warehouse holds — a summary per pair of vintages, how the ten
Core Cities' headline figures and gaps moved, and every figure compared, each as the page shows it (numbers as text
through domain.formatting) with the table its downloads carry (the numbers unrounded)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.analysis import revisions
from indicators.data.memo import per_database
from indicators.domain import formatting
from indicators.domain.revisions import tolerance
from indicators.exports.labels import Meta

INTRO = (
    "Official statistics are revised: a later release of the same figures can change them (new survey data, new "
    "methods, new boundaries). Wherever the warehouse holds two releases of the same figure — same measure, same "
    "area, same period — they are compared here. A figure counts as **revised** when the newer value lies outside "
    "what the older published figure could stand for after rounding (for figures published to 1 decimal place, more "
    "than 0.05 away); each pair's allowance is in the summary. Charts whose release was revised, or revises an "
    "earlier one, say so under the chart."
)
ALL_MEASURES = "All measures"
LEVELS = {"lad": "councils", "city_region": "city regions"}


@dataclass(frozen=True)
class Table:
    """A table as the page shows it (text, plain headers) and as its downloads carry it (numbers), with metadata."""

    shown: pd.DataFrame
    download: pd.DataFrame
    meta: Meta
    height: int | str = "auto"  # pixels for a short table shown whole (st.dataframe's), else "auto"


@dataclass(frozen=True)
class Headline:
    """One headline compared across a pair of vintages, for the ten Core Cities and the UK."""

    heading: str
    caption: str
    table: Table


def shown_value(value: float | None, unit: str, *, signed: bool = False) -> str:
    """A figure as the tables show it: pounds as £ (pence below £100), people and jobs whole, other numbers to 2
    decimal places below 1,000 and whole above."""
    if value is None or pd.isna(value):
        return formatting.NOT_AVAILABLE
    if unit.startswith("£ per") or unit == "£":
        return formatting.gbp(value, signed=signed)
    return formatting.number(value, 2 if abs(value) < 1000 else 0, signed=signed)


def _pct(value: float | None) -> str:
    return formatting.percent(None if value is None or pd.isna(value) else float(value), signed=True)


@per_database  # formatted once per process: shared by every visitor, never mutated
def summary() -> Table:
    """One row per pair of vintages held: releases, what is matched, how many figures compared and revised, the
    largest revision and the rounding allowed."""
    pairs = revisions.pairs()
    shown = pd.DataFrame(
        {
            "Older release": pairs["older_release"],
            "Newer release": pairs["newer_release"],
            "Figures compared": [formatting.number(n) for n in pairs["compared"]],
            "Revised beyond rounding": [formatting.number(n) for n in pairs["revised"]],
            "Largest revision": [
                f"{_pct(p)} ({where})" if where else "none"
                for p, where in zip(pairs["largest_change_pct"], pairs["largest_figure"])
            ],
            "Measures": pairs["measures"].replace("", "none held in both"),
            "Matched on": pairs["matched_on"],
            "Rounding allowed": pairs["tolerance"],
            "Note": pairs["note"],
        }
    )
    meta = Meta(
        title="Revisions: the pairs of releases compared",
        definition="Each pair of releases of the same figures held in the warehouse: figures matched on measure, area "
        "and period; revised = the newer value lies outside the rounding range of the older published figure.",
        source="The releases named in each row (see Data and methods). Project's own comparison.",
    )
    return Table(shown, pairs.drop(columns=["old_source", "new_source"]), meta, whole_height(len(shown)))


@per_database  # formatted once per process: shared by every visitor, never mutated
def sentences() -> list[str]:
    """One sentence per pair with figures in common ('ONS subregional productivity, Jun 2024 → Jun 2025: 1,738 of
    2,520 figures revised beyond rounding; the largest +26.7% (…)'), then one for the pairs with none, with why."""
    pairs = revisions.pairs()
    out = []
    empty: dict[str, list[str]] = {}
    for row in pairs.to_dict("records"):
        name = f"{row['older_release']} → {row['newer_release'].split(', ')[-1]}"
        if not row["compared"]:
            empty.setdefault(row["note"], []).append(name)
            continue
        largest = f"; the largest {_pct(row['largest_change_pct'])} ({row['largest_figure']})" if row["revised"] else ""
        out.append(
            f"**{name}**: {formatting.number(row['revised'])} of {formatting.number(row['compared'])} figures revised "
            f"beyond rounding{largest}."
        )
    for note, names in empty.items():
        out.append(f"**{'; '.join(names)}**: no figure held in both. {note}".strip())
    return out


@per_database  # formatted once per process: shared by every visitor, never mutated
def headlines() -> list[Headline]:
    """The ten Core Cities' headline figure in each pair of vintages that lets one be computed, with the gap to the
    UK then and now."""
    moves = revisions.headline_moves()
    out = []
    for pair_id, rows in moves.groupby("pair_id", sort=False):
        first = rows.iloc[0]
        old_name, new_name = first["old_release"], first["new_release"].split(", ")[-1]
        level = LEVELS.get(first["level"], first["level"])
        unit = first["unit"]
        shown = pd.DataFrame(
            {
                "Core City": rows["city"],
                "Then": [shown_value(v, unit) for v in rows["old_value"]],
                "Now": [shown_value(v, unit) for v in rows["new_value"]],
                "Change": [shown_value(v, unit, signed=True) for v in rows["change"]],
                "Change (%)": [_pct(v) for v in rows["change_pct"]],
                "Gap to the UK then": [_gap(v) for v in rows["old_gap_pct"]],
                "Gap to the UK now": [_gap(v) for v in rows["new_gap_pct"]],
                "Gap moved": [_points(v) for v in rows["gap_change_points"]],
                "Area": rows["area_name"],
                "How obtained then": rows["old_method"],
                "How obtained now": rows["new_method"],
            }
        )
        heading = f"{first['measure']}, {first['period']}: {old_name} → {new_name}"
        caption = (
            f"The ten Core Cities' {level} and the {first['benchmark_name']} ({formatting.unit_label(unit)}), "
            f"{first['period']} — the latest year both releases hold. Then: {first['old_release']}; now: "
            f"{first['new_release']}. Each gap is against the UK in the same release: (value ÷ UK − 1) × 100; a city "
            "with no figure in one release shows 'not available'."
        )
        meta = Meta(
            title=f"Revisions: {heading}",
            definition=caption,
            unit=unit,
            period=str(first["period"]),
            source=revisions.source_text(str(pair_id)),
        )
        table = Table(shown, rows.reset_index(drop=True), meta, whole_height(len(shown)))
        out.append(Headline(heading, caption, table))
    return out


def whole_height(rows: int) -> int:
    """The height (pixels) at which st.dataframe shows a header and `rows` rows of 35 pixels without scrolling."""
    return (rows + 1) * 35 + 3


def _gap(value: float | None) -> str:
    return _pct(value)


def _points(value: float | None) -> str:
    return formatting.points(None if value is None or pd.isna(value) else float(value))


def pair_options() -> dict[str, str]:
    """Pair id -> how the picker names it, pairs with figures in common first."""
    pairs = revisions.pairs().sort_values("compared", ascending=False, kind="stable")
    return {
        row["pair_id"]: f"{row['older_release']} → {row['newer_release'].split(', ')[-1]}"
        + ("" if row["compared"] else " (no figures in common)")
        for row in pairs.to_dict("records")
    }


def measure_options(pair_id: str) -> list[str]:
    """'All measures' and each measure the pair compares."""
    return [ALL_MEASURES, *dict.fromkeys(revisions.revisions(pair_id)["measure"])]


@per_database  # formatted once per process: shared by every visitor, never mutated
def figures(pair_id: str, measure: str = ALL_MEASURES, revised_only: bool = True) -> Table:
    """Every figure the pair compares (or only the revised ones; one measure or all), largest revision first.

    Raises:
        ValueError for an unknown pair.
    """
    table = revisions.revisions(
        pair_id, revised_only=revised_only, measure=None if measure == ALL_MEASURES else measure
    )
    table = table.assign(size=table["change_pct"].abs()).sort_values("size", ascending=False, kind="stable")
    table = table.drop(columns="size").reset_index(drop=True)
    shown = pd.DataFrame(
        {
            "Area": table["area_name"],
            "Measure": table["measure"],
            "Period": table["period"],
            "Then": [shown_value(v, u) for v, u in zip(table["old_value"], table["unit"])],
            "Now": [shown_value(v, u) for v, u in zip(table["new_value"], table["unit"])],
            "Change (%)": [_pct(v) for v in table["change_pct"]],
            "Change": [shown_value(v, u, signed=True) for v, u in zip(table["change"], table["unit"])],
            "Revised": ["yes" if r else "within rounding" for r in table["revised"]],
            "Unit": [formatting.unit_label(u) for u in table["unit"]],
            "ONS area code": table["area_code"],
        }
    )
    options = pair_options()
    meta = Meta(
        title=f"Revisions: {options.get(pair_id, pair_id)}" + (", revised figures" if revised_only else ""),
        definition="Each figure both releases publish for the same area and period: the older and newer value, the "
        "change and the change as a percentage of the older value; revised = beyond the rounding of the published "
        "figures.",
        source=revisions.source_text(pair_id),
    )
    return Table(shown, table, meta)


def figures_caption(pair_id: str, shown: Table) -> str:
    """How many figures the table lists, and the rounding allowed."""
    chosen = revisions.check_pair(pair_id)
    allowed = (
        f"± {formatting.number(tolerance(chosen.cra_decimals), chosen.cra_decimals + 1)}"
        if chosen.table == "cra"
        else "half a unit in the last decimal place the coarser release publishes"
    )
    if shown.download.empty:
        return f"No figure to list. {chosen.note}".strip()
    return f"{formatting.number(len(shown.download))} figures, largest revision first. Rounding allowed: {allowed}."
