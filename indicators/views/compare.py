"""Compare: up to ten areas on a measure — their ranking, time series, a scatter against a second measure and where
they sit among all local authorities."""

from __future__ import annotations

from dataclasses import dataclass

from indicators.analysis import measures
from indicators.domain import formatting
from indicators.domain.measure_spec import BASIS_MEASURE
from indicators.exports import charts, figures
from indicators.views import Chart

RANKING_COLUMNS = [
    "rank",
    "out_of",
    "area_code",
    "area_name",
    "is_core_city",
    "period",
    "value",
    "method",
    "coverage_note",
]


PRESETS = {**measures.PEER_PRESETS, "custom": "Custom selection"}  # the peer groups, then a hand-made pick


def measure_options() -> dict[str, str]:
    """The measures published for local authorities, id -> name."""
    return measures.available("lad")


def basis_measure(basis: str) -> str:
    """The measure of the sidebar's basis (e.g. 'gva_per_hour' for per hour worked)."""
    return BASIS_MEASURE[basis]


def scatter_partner(measure_id: str) -> str:
    """The measure the scatter sets against `measure_id` unless the visitor picks another."""
    return measures.SCATTER_PARTNER.get(measure_id, "gva_per_head")


def peers(area_code: str, preset: str) -> list[str]:
    """The areas of a peer group built around `area_code` (empty for a custom pick); ValueError for an unknown
    preset."""
    return measures.peers(area_code, preset) if preset != "custom" else []


@dataclass(frozen=True)
class Comparison:
    """The four charts, or for the time series and the scatter a notice saying why there is none."""

    ranking: Chart
    series: Chart | None
    no_series: str | None
    scatter: Chart | None
    no_scatter: str | None
    distribution: Chart
    provenance: dict


def comparison(measure_id: str, x_measure: str, areas: list[str], year) -> Comparison:
    """Everything the Compare page draws for `areas` on `measure_id` (and `x_measure` for the scatter) in `year`."""
    m = measures.measure(measure_id)
    names = {code: measures.city_name(code) for code in areas}
    depends = (measure_id, x_measure, tuple(areas), year)  # everything the figures below are drawn from
    ranked = measures.ranking(measure_id, year, "lad", areas)
    period = ranked["period"].iloc[0] if len(ranked) else year
    series, no_series = _series(measure_id, areas, names, depends)
    scatter, no_scatter = _scatter(measure_id, x_measure, areas, names, year, depends)
    return Comparison(
        ranking=_ranking(ranked, m, names, period, depends),
        series=series,
        no_series=no_series,
        scatter=scatter,
        no_scatter=no_scatter,
        distribution=_distribution(measure_id, areas, names, year, period, depends),
        provenance=measures.provenance(measure_id),
    )


def _ranking(ranked, m, names: dict[str, str], period, depends: tuple) -> Chart:
    captions = charts.Captions(
        title=f"{m.name}: ranking of the chosen areas",
        subtitle=f"{period} · rank among all {ranked['out_of'].iloc[0] if len(ranked) else ''} UK local authorities, "
        "best first · Core Cities hatched",
        source=measures.source(m.id),
    )
    return Chart(
        lambda: charts.ranking_bars(ranked, names=names, unit=m.unit, captions=captions),
        captions,
        cache=depends,
        table=ranked[RANKING_COLUMNS],
        note=measures.coverage_caption(ranked),
        unit=m.unit,
    )


def _series(
    measure_id: str, areas: list[str], names: dict[str, str], depends: tuple
) -> tuple[Chart | None, str | None]:
    m = measures.measure(measure_id)
    history = measures.series(measure_id, areas, "lad")
    if history["year"].nunique() <= 1:
        return (
            None,
            f"{m.name} has a single period ({history['period'].iloc[0] if len(history) else 'none'}): no time series.",
        )
    captions = charts.Captions(
        title=f"{m.name} over time",
        subtitle="each line one area (line style and marker differ)",
        source=measures.source(measure_id),
    )
    return Chart(
        lambda: charts.area_lines(history, names=names, y_title=m.unit, captions=captions),
        captions,
        cache=depends,
        table=history,
        unit=m.unit,
    ), None


def _scatter(
    measure_id: str, x_measure: str, areas: list[str], names: dict[str, str], year, depends: tuple
) -> tuple[Chart | None, str | None]:
    m, mx = measures.measure(measure_id), measures.measure(x_measure)
    if x_measure == measure_id:
        return (
            None,
            f"Choose a measure other than {m.name} under 'Scatter: compare with' to see the two against each other.",
        )
    both = measures.pair(x_measure, measure_id, year, "lad")
    x_range, y_range = (figures.colour_range(both[axis], both["area_name"]) for axis in ("x", "y"))
    set_aside = sorted({name for scale in (x_range, y_range) for name, _ in scale.beyond})
    periods = f"{both['x_period'].iloc[0]} and {both['y_period'].iloc[0]}" if len(both) else ""
    captions = charts.Captions(
        title=f"{m.name} against {mx.name}",
        subtitle=f"every UK local authority · {periods}",
        source=measures.source(x_measure, measure_id),
    )

    def axis(measure, scale):  # one extreme area would squash every other point into a corner
        return charts.Axis(
            measure.name, measure.unit, figures.padded_range(scale.low, scale.high) if set_aside else None
        )

    return Chart(
        lambda: charts.scatter_pair(
            both, chosen=areas, names=names, x=axis(mx, x_range), y=axis(m, y_range), captions=captions
        ),
        captions,
        cache=depends,
        table=both,
        note=f"Axes stop short of {', '.join(set_aside)}, far from the other areas (see the table)."
        if set_aside
        else None,
    ), None


def _distribution(measure_id: str, areas: list[str], names: dict[str, str], year, period, depends: tuple) -> Chart:
    m = measures.measure(measure_id)
    dist = measures.distribution(measure_id, year, "lad")
    table = dist["table"]
    spread = figures.colour_range(table["value"], table["area_name"])
    captions = charts.Captions(
        title=f"{m.name}: where the chosen areas sit among all {dist['count']} local authorities",
        subtitle=f"{period} · median {formatting.value(dist['median'], m.unit)}; middle half "
        f"{formatting.value(dist['q1'], m.unit)} to {formatting.value(dist['q3'], m.unit)}",
        source=measures.source(measure_id),
    )
    return Chart(
        lambda: charts.distribution_strip(
            table,
            chosen=areas,
            names=names,
            unit=m.unit,
            captions=captions,
            x_range=figures.padded_range(spread.low, spread.high) if spread.beyond else None,
        ),
        captions,
        cache=depends,
        table=table,
        note=f"The axis stops short of {', '.join(name for name, _ in spread.beyond)}, far from the other areas "
        "(see the table)."
        if spread.beyond
        else None,
    )
