"""Indicator explorer: one indicator of the ONS Subnational indicators release at one level, with the chosen
council's figure, its benchmarks and verdict, the UK map and the ranked areas with their confidence limits."""

from __future__ import annotations

from dataclasses import dataclass

from indicators.analysis import place
from indicators.data import geography
from indicators.domain import formatting, similarity
from indicators.domain.place import COMPARE_SETS as COMPARE_SETS  # what the ranked chart compares, id -> name
from indicators.domain.place import COUNCIL
from indicators.domain.place import LEVELS as LEVELS  # every level ONS publishes at, id -> name
from indicators.exports import charts, figures
from indicators.views import Chart, Tile

POLARITY_WORDS = {
    "higher_is_better": "higher is better",
    "lower_is_better": "lower is better",
    "neutral": "neither higher nor lower is better",
}
RANKED_COLUMNS = [
    "rank",
    "area_code",
    "area_name",
    "value",
    "ci_lower",
    "ci_upper",
    "verdict",
    "marker",
    "status",
    "accuracy",
    "note",
]


@dataclass(frozen=True)
class Explorer:
    """What the explorer shows for one indicator, level, area and comparison set."""

    entry: dict
    polarity: str  # in words
    unit_label: str
    tiles: list[Tile]  # the council's figure and its benchmarks (empty unless a council with a row is chosen)
    verdict: tuple[str, str] | None  # (what the council is tested against, the verdict), for a council
    no_row: str | None  # why there is no council figure, when a council was asked for
    map: Chart | None  # None where the dashboard has no boundaries for the level
    no_map: str | None
    ranked: Chart
    benchmarks: list[tuple[str, str]]  # (label, "value (method)") per benchmark, for the "about" panel


def choices() -> tuple[dict[str, str], dict[str, str], list[str]]:
    """The explorer's options: indicator names and themes by indicator id, and the themes in order."""
    catalogue = place.catalogue()
    return (
        dict(zip(catalogue["indicator_id"], catalogue["name"])),
        dict(zip(catalogue["indicator_id"], catalogue["theme"])),
        place.themes(),
    )


NEIGHBOURS_METHOD = similarity.METHOD  # how the statistical neighbours are found, in words


def indicators_in(theme: str) -> dict[str, str]:
    """The theme's indicators, id -> name, in the catalogue's order."""
    return place.indicators_in(theme)


def levels(indicator_id: str) -> list[str]:
    """The levels the indicator is published for."""
    return list(place.indicator(indicator_id)["levels"])


def default_level(published: list[str]) -> str:
    """Councils where the indicator is published for them, else its first level."""
    return COUNCIL if COUNCIL in published else published[0]


def area_name(area_code: str) -> str:
    """An area's name (its code when unknown)."""
    return geography.area_names().get(area_code, area_code)


def explorer(indicator_id: str, level: str, area_code: str, compare: str) -> Explorer:
    """The explorer's figures, map and ranked chart (see place.explorer_view for the comparison and significance)."""
    view = place.explorer_view(indicator_id, level, area_code, compare)
    entry = place.indicator(indicator_id)
    unit, period, source = entry["unit"], entry["period"], place.source_line(indicator_id)
    area_name = geography.area_names().get(area_code, area_code)
    tiles, verdict = [], None
    if view["council"]:
        own = view["own"]
        tiles = [Tile(f"{own['area_name']}, {period}", own["value_text"], own["limits_text"])]
        tiles += [Tile(bench.label, formatting.value(bench.value, unit), bench.method) for bench in view["benchmarks"]]
        verdict = (view["comparator"].label if view["comparator"] else "the benchmark", own["verdict"])
    comparator = view["comparator"]
    bench_note = (
        f"Marker shape: significance against {comparator.label} ({formatting.value(comparator.value, unit)}): "
        "▲ significantly better, ▼ significantly worse, ● similar (the 95% limits include it), ○ not tested "
        "(no limits)."
        if comparator
        else "No national figure is published to test against."
    )
    if view["missing"]:
        bench_note += " No figure: " + "; ".join(view["missing"]) + "."
    boundary = place.boundary_level(level)
    ranked_captions = charts.Captions(
        title=f"{entry['name']}: {view['compare_label']}, best first",
        subtitle=f"{formatting.unit_label(unit)} · {period} · lines show 95% confidence limits"
        if entry["has_confidence_limits"]
        else f"{formatting.unit_label(unit)} · {period}",
        source=source,
    )
    return Explorer(
        entry=entry,
        polarity=POLARITY_WORDS[entry["polarity"]],
        unit_label=formatting.unit_label(unit),
        tiles=tiles,
        verdict=verdict,
        no_row=f"{area_name} has no row in this indicator's table."
        if not view["council"] and level == COUNCIL
        else None,
        map=_map(view, entry, level, boundary, area_code, source) if boundary else None,
        no_map=None
        if boundary
        else f"No map at this level: the dashboard carries boundaries for councils and ITL1 regions only; the chart "
        f"and table show every {LEVELS[level].lower().rstrip('s')}.",
        ranked=Chart(
            lambda: charts.ranked_with_limits(
                view["charted"],
                unit=unit,
                chosen=area_code,
                benchmarks=view["benchmarks"],
                verdicts=dict(zip(view["table"]["area_code"], view["table"]["significance"])),
                captions=ranked_captions,
            ),
            ranked_captions,
            cache=("explorer-rank", indicator_id, level, area_code, compare),
            table=lambda: view["charted"][RANKED_COLUMNS],
            note=bench_note,
            unit=unit,
            period=period,
        ),
        benchmarks=[(b.label, f"{formatting.value(b.value, unit)} ({b.method})") for b in view["benchmarks"]],
    )


def _map(view: dict, entry: dict, level: str, boundary: str, area_code: str, source: str) -> Chart:
    """Every area at the level on the UK map, Core Cities outlined and the chosen council in black."""
    unit = entry["unit"]
    values = view["table"][["area_code", "area_name", "value"]]
    scale = figures.colour_range(values["value"], values["area_name"])
    captions = charts.Captions(
        title=f"{entry['name']}: {LEVELS[level].lower()}",
        subtitle=f"{formatting.unit_label(unit)} · {entry['period']} · Core Cities outlined in orange, the chosen area "
        "in black",
        source=source,
    )
    return Chart(
        lambda: charts.uk_map(
            values.dropna(subset=["value"]),
            captions=captions,
            geojson=geography.boundaries_url(boundary),
            name=entry["name"],
            unit=unit,
            polarity=entry["polarity"],
            scale=scale,
            outlined=list(place.core_city_areas(level)),
            chosen=area_code if view["council"] else None,
            height=640,
        ),
        captions,
        cache=("explorer-map", entry["indicator_id"], level, area_code),
        table=lambda: view["table"],
        note=f"{charts.map_colour_note(entry['polarity'])}. {figures.colour_range_note(scale, unit)} Grey: no figure.",
        unit=unit,
        period=entry["period"],
    )
