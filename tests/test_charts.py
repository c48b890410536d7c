"""The charts defined once (indicators.exports.charts): the UK map's one colour rule and hover precision, and every
chart's title, definition, source and axis units, on tiny in-code frames."""

import pandas as pd
import plotly.graph_objects as go
import pytest

from indicators.domain import formatting
from indicators.domain.place import Benchmark
from indicators.exports import charts, figures

CAPTIONS = charts.Captions(title="A title", subtitle="£ per hour · 2022", source="Source: ONS, a release")
SQUARE = [[[0, 50], [1, 50], [1, 51], [0, 51], [0, 50]]]
GEOJSON = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"area_code": code, "area_name": code},
            "geometry": {"type": "Polygon", "coordinates": [[[x + i, y] for x, y in SQUARE[0]]]},
        }
        for i, code in enumerate(("A", "B", "C", "D"))
    ],
}
VALUES = pd.DataFrame({"area_code": list("ABCD"), "area_name": ["Aa", "Bb", "Cc", "Dd"], "value": [1.0, 2.0, 3.0, 4.0]})


def uk_map(unit="£ per hour", polarity="higher_is_better", **options) -> go.Figure:
    return charts.uk_map(
        VALUES, captions=CAPTIONS, geojson=GEOJSON, name="GVA per hour", unit=unit, polarity=polarity, **options
    )


def shaded(fig: go.Figure) -> go.Choropleth:
    """The map's coloured trace (the one with a colour bar)."""
    return next(t for t in fig.data if t.type == "choropleth" and t.showscale is not False)


@pytest.mark.parametrize(
    "polarity, scale",
    [("higher_is_better", "cividis"), ("lower_is_better", "cividis_r"), ("neutral", "cividis"), ("other", "cividis")],
)
def test_map_colour_scale_follows_polarity_with_yellow_the_better_end(polarity, scale):
    assert shaded(uk_map(polarity=polarity)).colorscale == go.Choropleth(colorscale=scale).colorscale
    cividis = go.Choropleth(colorscale="cividis").colorscale
    top = shaded(uk_map(polarity=polarity)).colorscale[-1][1]
    assert top == (cividis[0][1] if polarity == "lower_is_better" else cividis[-1][1])


def test_map_colour_note_says_how_to_read_each_polarity():
    assert charts.map_colour_note("higher_is_better") == "Colour: lighter (yellow) is better"
    assert charts.map_colour_note("lower_is_better") == "Colour: lighter (yellow) is better (lower)"
    assert charts.map_colour_note("neutral") == "Colour: no better or worse"


@pytest.mark.parametrize(
    "unit, shown",
    [
        ("£ per hour", "£%{z:,.2f} per hour"),  # pence, as £39.70 per hour
        ("£ per filled job", "£%{z:,.0f} per filled job"),  # whole pounds, as £52,848
        ("%", "%{z:,.1f}%"),
        ("persons", "%{z:,.0f} people"),
        ("score (0-10)", "%{z:,.2f} out of 10"),
        ("£ million", "£%{z:,.0f}m"),
    ],
)
def test_map_hover_takes_the_units_own_precision(unit, shown):
    template = shaded(uk_map(unit=unit)).hovertemplate
    assert template == f"%{{text}} (%{{location}})<br>GVA per hour: {shown}<extra></extra>"
    assert shown == formatting.hover(unit, "z")


def test_map_hover_decimals_match_the_text_elsewhere():
    """The hover shows as many decimals as the tiles and tables do (formatting.value)."""
    for unit, example in (("£ per hour", 39.7), ("%", 64.1), ("persons", 1154221), ("score (0-10)", 7.45)):
        decimals = formatting.hover(unit, "z").split(":,.")[1][0]
        assert int(decimals) == formatting.decimals(unit, example)


def test_map_scale_outlines_labels_and_units():
    points = pd.DataFrame({"lon": [0.5, 2.5], "lat": [50.5, 50.5], "city": ["Aa", "Cc"]})
    fig = uk_map(outlined=["A", "C"], chosen="B", labels=points, height=700, selectable=True)
    trace = shaded(fig)
    scale = figures.colour_range(VALUES["value"], VALUES["area_name"])
    assert (trace.zmin, trace.zmax) == (scale.low, scale.high)
    assert trace.colorbar.title.text == formatting.unit_label("£ per hour") and trace.colorbar.tickprefix == "£"
    outlines = [t for t in fig.data if t.type == "choropleth" and t is not trace]
    assert [list(t.locations) for t in outlines] == [["A", "C"], ["B"]]
    assert [t.marker.line.color for t in outlines] == [figures.HIGHLIGHT, "#000000"]
    assert fig.data[-1].type == "scattergeo" and list(fig.data[-1].text) == ["Aa", "Cc"]
    assert fig.layout.height == 700 and fig.layout.clickmode == "event+select"
    assert fig.layout.geo.fitbounds == "locations"


def test_map_draws_the_uk_under_a_few_areas():
    fig = uk_map(base_geojson=GEOJSON, base_codes=["A", "B", "C", "D"])
    assert fig.data[0].name == "UK" and list(fig.data[0].locations) == ["A", "B", "C", "D"]
    assert fig.data[0].hoverinfo == "skip"


def every_chart() -> dict[str, go.Figure]:
    """One of each chart the pages draw, on tiny frames."""
    ranked = pd.DataFrame(
        {"area_code": ["A", "B"], "rank": [1, 2], "value": [40.0, 30.0], "is_core_city": [True, False]}
    )
    names = {"A": "Aa", "B": "Bb"}
    history = pd.DataFrame(
        {
            "area_code": ["A", "A", "B", "B"],
            "year": [2021, 2022, 2021, 2022],
            "value": [1.0, 2.0, 3.0, 4.0],
            "benchmark_value": [2.0, 2.0, 2.0, 2.0],
            "gap_pct": [-50.0, 0.0, 50.0, 100.0],
        }
    )
    both = pd.DataFrame({"area_code": ["A", "B", "C"], "area_name": ["Aa", "Bb", "Cc"], "x": [1, 2, 3], "y": [4, 5, 6]})
    matrix = pd.DataFrame(
        [[-1.0, 2.0]],
        index=["GVA per hour"],
        columns=pd.MultiIndex.from_tuples([("council", "UK"), ("city-region", "UK")]),
    )
    limits = VALUES.assign(ci_lower=VALUES["value"] - 0.5, ci_upper=VALUES["value"] + 0.5)
    mix = pd.DataFrame(
        {"industry_name": ["Manufacturing"], "share_last": [10.0], "uk_share_last": [8.0], "lq_last": [1.25]}
    )
    return {
        "map": uk_map(),
        "ranking": charts.ranking_bars(ranked, names=names, unit="£ per hour", captions=CAPTIONS),
        "series": charts.area_lines(history, names=names, y_title="£ per hour", captions=CAPTIONS),
        "scatter": charts.scatter_pair(
            both,
            chosen=["A"],
            names=names,
            x=charts.Axis("GDHI per head", "£ per resident"),
            y=charts.Axis("GVA per hour", "£ per hour", [0.0, 10.0]),
            captions=CAPTIONS,
        ),
        "distribution": charts.distribution_strip(VALUES, chosen=["B"], names={}, unit="%", captions=CAPTIONS),
        "heatmap": charts.definitions_heatmap(matrix, captions=CAPTIONS),
        "levels": charts.level_and_benchmark(
            history, area_name="Aa", benchmark_name="UK", unit="£ per hour", captions=CAPTIONS
        ),
        "gap bars": charts.gap_bars(history, captions=CAPTIONS),
        "waterfall": charts.decomposition_waterfall(["Productivity", "Total"], [-3.0, -3.0], captions=CAPTIONS),
        "ranked with limits": charts.ranked_with_limits(
            limits,
            unit="%",
            chosen="B",
            benchmarks=[Benchmark("national", "UK", 2.5, "published by ONS")],
            verdicts={"A": "worse", "D": "better"},
            captions=CAPTIONS,
        ),
        "sectors": charts.sector_bars(mix, area_name="Aa", last_year=2022, captions=CAPTIONS),
    }


@pytest.mark.parametrize("name", list(every_chart()))
def test_every_chart_carries_its_title_definition_and_source(name):
    fig = every_chart()[name]
    assert fig.layout.meta == {"title": CAPTIONS.title, "subtitle": CAPTIONS.subtitle, "source": CAPTIONS.source}
    assert not fig.layout.title.text  # on screen the page writes the title as text that wraps on a phone


def test_axes_name_their_units():
    shown = every_chart()
    assert shown["ranking"].layout.xaxis.title.text == "£ per hour" and shown["ranking"].layout.xaxis.tickprefix == "£"
    assert shown["series"].layout.yaxis.title.text == "£ per hour"
    assert shown["scatter"].layout.xaxis.title.text == "GDHI per head (£ per resident)"
    assert shown["scatter"].layout.yaxis.title.text == "GVA per hour (£ per hour)"
    assert list(shown["scatter"].layout.yaxis.range) == [0.0, 10.0] and shown["scatter"].layout.xaxis.range is None
    assert shown["distribution"].layout.xaxis.title.text == "%"
    assert shown["levels"].layout.yaxis.title.text == "£ per hour"
    assert shown["gap bars"].layout.yaxis.title.text == "% (negative = below)"
    assert shown["waterfall"].layout.yaxis.title.text == "log points"
    assert shown["ranked with limits"].layout.xaxis.title.text == "%"
    assert shown["sectors"].layout.xaxis.title.text == "% of GVA"
    assert shown["heatmap"].data[0].colorbar.title.text == "Gap (%)"


def test_ranking_bars_label_each_bar_with_its_value_and_hatch_core_cities():
    bars = every_chart()["ranking"].data[0]
    assert list(bars.y) == ["Aa (rank 1)", "Bb (rank 2)"]
    assert list(bars.text) == [formatting.headline(40.0, "£ per hour"), formatting.headline(30.0, "£ per hour")]
    assert list(bars.marker.pattern.shape) == ["/", ""]


def test_the_image_export_reads_the_captions_the_figure_carries(monkeypatch):
    drawn = []
    monkeypatch.setattr(figures, "_matplotlib", lambda fig, *args: drawn.append(fig) or b"image")
    image, engine = figures.render(every_chart()["gap bars"], "png", engine="matplotlib", date="1 December 2026")
    assert (image, engine) == (b"image", "matplotlib")
    assert drawn[-1].layout.meta["title"] == CAPTIONS.title and drawn[-1].layout.meta["subtitle"] == CAPTIONS.subtitle
    assert drawn[-1].layout.meta["footer"] == f"{CAPTIONS.source} · 1 December 2026"
    figures.render(every_chart()["gap bars"], "png", engine="matplotlib", title="Given", source="Named", date="d")
    assert drawn[-1].layout.meta["title"] == "Given" and drawn[-1].layout.meta["footer"] == "Named · d"  # as asked
