"""Map: any measure for every local authority, the ten Core City regions or the ITL1 regions."""

from __future__ import annotations

from dataclasses import dataclass

from indicators.analysis import measures
from indicators.data import geography
from indicators.exports import charts, figures
from indicators.views import Chart

RANKING_COLUMNS = ["rank", "area_code", "area_name", "is_core_city", "period", "value", "method", "coverage_note"]


LEVELS = measures.LEVELS  # the levels a map can show, id -> name


def measure_options(level: str) -> dict[str, str]:
    """The measures with figures at `level`, id -> name."""
    return measures.available(level)


def local_authority_measure(measure_id: str) -> str | None:
    """The name of a measure published for local authorities only (None for a value no option offers)."""
    return measures.available("lad").get(measure_id)


def provenance(measure_id: str) -> dict:
    """How the measure is calculated, for the page's closing panel."""
    return measures.provenance(measure_id)


@dataclass(frozen=True)
class MapView:
    """The map, and a notice when the year asked for has no figure (None otherwise)."""

    chart: Chart
    nearest_year: str | None


def measure_map(measure_id: str, year, level: str) -> MapView:
    """The measure at the level, Core Cities outlined (and named, below ITL1); city regions over the UK's regions.

    Raises ValueError when the measure has no figures at the level."""
    m = measures.measure(measure_id)
    values = measures.marked_values(measure_id, year, level)
    period = values["period"].iloc[0]
    scale = figures.colour_range(values["value"], values["area_name"])
    captions = charts.Captions(
        title=f"{m.name}: {measures.LEVELS[level]}",
        subtitle=f"{m.unit} · {period} · Core Cities outlined",
        source=measures.source(measure_id),
    )

    def figure():
        regions_under = level == "city_region"  # ten city regions alone float in the sea: draw the UK's regions too
        return charts.uk_map(
            values,
            captions=captions,
            geojson=geography.boundaries_url(level),
            name=m.name,
            unit=m.unit,
            polarity=m.polarity,
            scale=scale,
            outlined=measures.core_city_values(measure_id, year, level)["area_code"].tolist()
            if level != "itl1"
            else [],
            labels=measures.core_city_points(measure_id, year) if level != "itl1" else None,
            base_geojson=geography.boundaries_url("itl1") if regions_under else None,
            base_codes=measures.label_points("itl1")["area_code"].tolist() if regions_under else (),
            height=700,
            selectable=True,
        )

    def table():
        ranked = measures.ranking(measure_id, year, level)[RANKING_COLUMNS]
        return ranked.rename(columns={"value": f"{m.name} ({m.unit})", "is_core_city": "Core City"})

    note = (
        f"{charts.map_colour_note(m.polarity)}; Core Cities outlined in orange. "
        f"{figures.colour_range_note(scale, m.unit)} {measures.coverage_caption(values, level)} "
        "Click an area to open its profile."
    )
    return MapView(
        Chart(figure, captions, cache=(measure_id, year, level), table=table, note=note),
        None
        if str(period) == str(year)
        else f"{m.name} has no figure for {year}; showing {period}, the nearest available.",
    )


def clicked_profile(event) -> tuple[str | None, str | None]:
    """(council to open, notice) for a click on the map: a council or Core City region opens its Core City's
    profile; a region says why not; no click gives (None, None)."""
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    if not points:
        return None, None
    clicked = points[0].get("location")
    target = measures.city_region_lad(clicked) if clicked else None
    if target:
        return target, None
    return None, f"{clicked} is a region; profiles are for councils and Core City regions."
