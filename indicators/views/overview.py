"""Overview: the headline gaps on the current definitions beside what was claimed, the UK map and a sentence per
city."""

from __future__ import annotations

from dataclasses import dataclass

from indicators.analysis import fiscal, measures
from indicators.data import geography
from indicators.domain import formatting
from indicators.domain.definition import Definition
from indicators.domain.measure_spec import BASIS_MEASURE
from indicators.domain.productivity import BASES
from indicators.exports import charts, figures
from indicators.views import Chart, Tile

MAP_COLUMNS = ["area_code", "area_name", "core_city", "period", "value", "method", "coverage_note"]


@dataclass(frozen=True)
class Headline:
    """The two productivity tiles, the captions under them and the calculation behind them; `problem` says why they
    cannot be shown on this definition (the rest then None)."""

    problem: str | None = None
    gap: Tile | None = None
    shortfalls: Tile | None = None
    claimed: str | None = None
    method: str | None = None
    provenance: dict | None = None


def headline(d: Definition) -> Headline:
    """The Core Cities' productivity gap and sum of shortfalls on the definition `d`, beside the claimed gap."""
    try:
        found = measures.headline_productivity(d.basis, d.geography, d.benchmark, d.year)
    except ValueError as problem:
        return Headline(problem=f"The productivity gap can't be shown on this definition: {problem}")
    claim = measures.claimed("cc_productivity_gap")
    claimed = (
        f"As claimed: {formatting.gbp_bn(claim['value'])} a year ({claim['publication']}). "
        f"Here: {BASES[d.basis].label}, {d.geography.replace('-', ' ')} areas vs "
        f"{found['benchmark_name']}; positive = below the benchmark."
        if claim
        else None
    )
    return Headline(
        gap=Tile(
            f"Productivity gap, {found['year']}",
            formatting.gbp_bn(found["gap_gbp_bn"]) + " a year",
            help="Net, £bn a year: " + found["net_gap_gbp_note"],
        ),
        shortfalls=Tile(
            f"Sum of city shortfalls, {found['year']}",
            formatting.gbp_bn(found["sum_of_shortfalls_gbp_bn"]) + " a year",
            help="The shortfalls of the cities below the benchmark, added up (£bn a year): "
            + found["sum_of_shortfalls_note"],
        ),
        claimed=claimed,
        method=f"Core Cities: {found['method']}. {found['benchmark_name']}: {found['benchmark_method']}."
        + (f" {found['coverage_note']}." if found["coverage_note"] else ""),
        provenance=found["provenance"],
    )


def uk_map(d: Definition) -> Chart:
    """The basis's measure for every local authority, the Core Cities outlined and named, the chosen area in black."""
    measure_id = BASIS_MEASURE[d.basis]
    values = measures.marked_values(measure_id, d.year, "lad")
    m = measures.measure(measure_id)
    scale = figures.colour_range(values["value"], values["area_name"])
    period = values["period"].iloc[0] if len(values) else d.year
    captions = charts.Captions(
        title=f"{m.name} by local authority, Core Cities outlined",
        subtitle=f"{m.unit} · {period}",
        source=measures.source(measure_id),
    )

    def figure():
        return charts.uk_map(
            values,
            captions=captions,
            geojson=geography.boundaries_url("lad"),
            name=m.name,
            unit=m.unit,
            polarity=m.polarity,
            scale=scale,
            outlined=measures.core_city_values(measure_id, d.year, "lad")["area_code"].tolist(),
            chosen=d.area,
            labels=measures.core_city_points(measure_id, d.year),
        )

    note = [
        measures.coverage_caption(values),
        figures.colour_range_note(scale, m.unit),
        f"{measures.city_name(d.area)}, the area chosen in the sidebar, is outlined in black.",
    ]
    return Chart(
        figure,
        captions,
        cache=(measure_id, d.year, d.area),
        table=lambda: values[MAP_COLUMNS].rename(columns={"value": f"{m.name} ({m.unit})"}),
        note=" ".join(filter(None, note)),
    )


def tax_spend(d: Definition) -> tuple[Tile, list[str]]:
    """The tax-spend gap tile on the definition's geography and the captions under it (range, what was claimed)."""
    found = fiscal.core_cities_gap()
    part = found["councils" if d.geography == "council" else "city_regions"]
    tile = Tile(
        f"Tax-spend gap, {found['year']} (estimate)",
        formatting.gbp_bn(part["net_balance_gbp_bn"]),
        help=f"Net fiscal balance, £bn. {found['sign_convention']}",
    )
    notes = [
        f"Range over apportionment choices: {formatting.gbp_bn(part['sensitivity']['min_gbp_bn'])} to "
        f"{formatting.gbp_bn(part['sensitivity']['max_gbp_bn'])}."
    ]
    claim = measures.claimed("cc_tax_spend_gap")
    if claim:
        notes.append(f"As claimed: {formatting.gbp_bn(claim['value'])} a year ({claim['publication']}).")
    return tile, notes


def city_lines(d: Definition, benchmark_label: str) -> tuple[str, str]:
    """(caption, markdown list): one sentence per Core City, the chosen area's in bold (first, when it is not one)."""
    caption = (
        f"{BASES[d.basis].label}, {d.geography.replace('-', ' ')} areas, against "
        f"{benchmark_label}; change since seven years earlier."
    )
    lines = measures.city_sentences(d)
    chosen = (
        [] if d.area in set(lines["lad_code"]) else measures.sentences(d, measure_ids=(BASIS_MEASURE[d.basis],))[:1]
    )
    text = "\n".join(
        [f"- **{sentence}** (the area chosen in the sidebar)" for sentence in chosen]
        + [
            f"- **{sentence}**" if code == d.area else f"- {sentence}"
            for code, sentence in zip(lines["lad_code"], lines["sentence"])
        ]
    )
    return caption, text
