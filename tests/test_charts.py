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


# ------------------------------------------------------------------------------- European peers and Claims check

PEER_BARS = pd.DataFrame(
    {
        "area_code": ["E47000001", "core-cities", "DE003M"],
        "area_name": ["Manchester: Greater Manchester", "Core Cities combined", "München (DE)"],
        "group": ["Core City region", "Core Cities combined", "European peer"],
        "gdp_per_head_gbp": [30000.0, 32000.0, 60000.0],
    }
)
BREAK_EVEN = pd.DataFrame(
    {
        "metro_code": ["DE003M", "FR001MC"],
        "metro_name": ["München", "Paris"],
        "country": ["DE", "FR"],
        "break_even_eur_per_gbp": [2.1, 1.6],
    }
)


def outside_dark_labels(trace) -> bool:
    return trace.textposition == "outside" and trace.cliponaxis is False and trace.textfont.color == charts.DARK_TEXT


def test_gdp_per_resident_bars_colour_and_hatch_each_group_and_mark_the_chosen_region():
    fig = charts.gdp_per_resident_bars(PEER_BARS, marked="E47000001", captions=CAPTIONS)
    assert fig.layout.meta == {"title": CAPTIONS.title, "subtitle": CAPTIONS.subtitle, "source": CAPTIONS.source}
    assert [t.name for t in fig.data] == ["Core City region", "Core Cities combined", "European peer"]
    assert [(t.marker.color, t.marker.pattern.shape) for t in fig.data] == [
        (figures.PALETTE[0], ""),
        (figures.PALETTE[2], "x"),
        (figures.PALETTE[1], "/"),
    ]
    assert list(fig.data[0].y) == ["<b>▶ Manchester: Greater<br>Manchester</b>"]  # wrapped for a phone, in bold
    assert list(fig.data[2].y) == ["München (DE)"]
    assert [list(t.text) for t in fig.data] == [["£30,000"], ["£32,000"], ["£60,000"]]
    assert all(outside_dark_labels(t) and "GDP per resident: £%{x:,.0f}" in t.hovertemplate for t in fig.data)
    axis = fig.layout.xaxis
    assert axis.title.text == "£ per resident" and axis.tickprefix == "£"
    assert list(axis.range) == pytest.approx([0.0, 60000 * 1.35])  # room for the labels outside the longest bar
    assert fig.layout.yaxis.autorange == "reversed"
    unmarked = charts.gdp_per_resident_bars(PEER_BARS.iloc[:2], marked=None, captions=CAPTIONS)
    assert [t.name for t in unmarked.data] == ["Core City region", "Core Cities combined"]  # no peers: no trace
    assert not [y for t in unmarked.data for y in t.y if "▶" in y]


def test_break_even_bars_label_each_peer_in_euros_beside_the_ecb_rate():
    fig = charts.break_even_bars(BREAK_EVEN, ecb_eur_per_gbp=1.1633, stated_eur_per_gbp=None, captions=CAPTIONS)
    assert fig.layout.meta["title"] == CAPTIONS.title and fig.layout.meta["source"] == CAPTIONS.source
    (bars,) = fig.data
    assert bars.marker.color == figures.PALETTE[1] and bars.marker.pattern.shape is None  # one series: no hatching
    assert list(bars.y) == ["München (DE)", "Paris (FR)"] and list(bars.text) == ["€2.10", "€1.60"]
    assert list(bars.textposition) == ["outside", "outside"] and bars.cliponaxis is False
    assert bars.textfont.color == charts.DARK_TEXT
    (ecb,) = fig.layout.shapes
    assert (ecb.x0, ecb.line.dash, ecb.line.color) == (1.1633, "dash", figures.PALETTE[7])
    assert [a.text for a in fig.layout.annotations] == ["ECB 2021 average, £1 = €1.1633"]
    axis = fig.layout.xaxis
    assert axis.title.text == "Break-even rate, € per £" and axis.tickprefix == "€"
    assert list(axis.range) == pytest.approx([0.0, 2.1 * 1.35])


def test_a_break_even_label_that_would_cross_a_rate_line_goes_inside_its_bar():
    """Barcelona's €1.08 ends just left of the ECB's €1.16: outside, its label would be struck through by the line."""
    table = BREAK_EVEN.assign(break_even_eur_per_gbp=[2.10, 1.08])
    fig = charts.break_even_bars(table, ecb_eur_per_gbp=1.1633, stated_eur_per_gbp=None, captions=CAPTIONS)
    assert list(fig.data[0].textposition) == ["outside", "inside"]
    fig = charts.break_even_bars(table, ecb_eur_per_gbp=1.1633, stated_eur_per_gbp=2.2, captions=CAPTIONS)
    assert list(fig.data[0].textposition) == ["inside", "inside"]  # €2.10 would cross the stated €2.20


def test_break_even_bars_draw_a_stated_rate_as_a_second_line_kept_in_view():
    fig = charts.break_even_bars(BREAK_EVEN, ecb_eur_per_gbp=1.1633, stated_eur_per_gbp=2.5, captions=CAPTIONS)
    ecb, stated = fig.layout.shapes
    assert (stated.x0, stated.line.dash, stated.line.color) == (2.5, "dot", figures.HIGHLIGHT)
    assert [a.text for a in fig.layout.annotations] == ["ECB 2021 average, £1 = €1.1633", "your rate, £1 = €2.5"]
    assert list(fig.layout.xaxis.range) == pytest.approx([0.0, 2.5 * 1.35])


def test_claim_bars_hatch_the_claim_cross_the_primary_definition_and_dot_the_context():
    figure = ["As claimed", "Primary definition", "Definition 1", "Context"]
    drawn = {
        "bars": pd.DataFrame(
            {
                "label": [f"{f} (2014)" for f in figure],
                "figure": figure,
                "value": [66.0, 40.0, -11.0, 30.0],
                "text": ["£66.0bn", "£40.0bn", "−£11.0bn", "£30.0bn"],
                "hover": ["a", "b", "c", "d"],
            }
        ),
        "x_range": [-30.0, 90.0],
        "tickvals": [-20.0, 0.0, 50.0],
        "ticktext": ["−£20bn", "£0bn", "£50bn"],
        "axis_title": "£bn a year",
    }
    fig = charts.claim_bars(drawn, captions=CAPTIONS)
    assert fig.layout.meta["subtitle"] == CAPTIONS.subtitle
    (bars,) = fig.data
    assert list(bars.marker.color) == [figures.HIGHLIGHT, figures.PALETTE[2], figures.PALETTE[0], figures.MUTED]
    assert list(bars.marker.pattern.shape) == ["/", "x", "", "."]
    assert list(bars.text) == ["£66.0bn", "£40.0bn", "−£11.0bn", "£30.0bn"] and outside_dark_labels(bars)
    assert list(bars.customdata) == ["a", "b", "c", "d"] and bars.hovertemplate == "%{customdata}<extra></extra>"
    axis = fig.layout.xaxis
    assert axis.title.text == "£bn a year" and list(axis.range) == [-30.0, 90.0]
    assert list(axis.ticktext) == ["−£20bn", "£0bn", "£50bn"] and axis.zeroline is True
    assert fig.layout.height == 380  # at least 380 px, 40 a bar beyond that


# ------------------------------------------------------------------------------------------------- Tax and spend

GAP = {
    "year": "2024-25",
    "estimate_gbp_bn": 30.0,
    "min_gbp_bn": 20.0,
    "max_gbp_bn": 40.0,
    "below_gbp_bn": 10.0,
    "above_gbp_bn": 10.0,
    "claimed_gbp_bn": 53.0,
}
PER_RESIDENT = pd.DataFrame(
    {
        "label": ["Leeds (estimate)", "Core Cities (estimate)", "United Kingdom (official)"],
        "area_code": ["E08000035", "CC", "K02000001"],
        "revenue_per_head_gbp": [9000.0, 10000.0, 14000.0],
        "expenditure_per_head_gbp": [16000.0, 17000.0, 18000.0],
        "spending_mark": ["shared by population", "sum of the places", "official"],
    }
)
FUNCTIONS = pd.DataFrame({"function": ["Health", "Education"], "value_gbp_m": [2500.0, 1200.0]})


def tax_spend_charts() -> dict[str, go.Figure]:
    return {
        "gap": charts.tax_spend_gap_bars(GAP, captions=CAPTIONS),
        "per resident": charts.tax_spend_per_resident_bars(PER_RESIDENT, captions=CAPTIONS),
        "total place": charts.total_place_bars(FUNCTIONS, captions=CAPTIONS),
    }


@pytest.mark.parametrize("name", ["gap", "per resident", "total place"])
def test_tax_spend_charts_carry_their_title_definition_and_source(name):
    fig = tax_spend_charts()[name]
    assert fig.layout.meta == {"title": CAPTIONS.title, "subtitle": CAPTIONS.subtitle, "source": CAPTIONS.source}
    assert not fig.layout.title.text


def test_tax_spend_charts_name_their_units():
    shown = tax_spend_charts()
    assert (shown["gap"].layout.yaxis.tickprefix, shown["gap"].layout.yaxis.ticksuffix) == ("£", "bn")
    assert shown["per resident"].layout.xaxis.title.text == "£ per resident a year"
    assert shown["per resident"].layout.xaxis.tickprefix == "£"
    assert shown["total place"].layout.xaxis.title.text == "£ million (estimate)"
    assert (shown["total place"].layout.xaxis.tickprefix, shown["total place"].layout.xaxis.ticksuffix) == ("£", "m")


def test_tax_spend_gap_bars_show_the_estimate_with_its_range_beside_the_hatched_claim():
    estimate, claim = tax_spend_charts()["gap"].data
    assert (list(estimate.x), list(estimate.y), estimate.marker.color) == (
        ["Estimate 2024-25"],
        [30.0],
        figures.PALETTE[0],
    )
    assert (list(estimate.error_y.array), list(estimate.error_y.arrayminus)) == ([10.0], [10.0])
    label = tax_spend_charts()["gap"].layout.annotations[0]
    assert (label.y, label.text) == (40.0, "£30.0bn (range £20.0–40.0bn)")
    assert (list(claim.x), list(claim.y)) == (["As claimed (c.2016)"], [53.0])
    assert (claim.marker.color, claim.marker.pattern.shape) == (figures.HIGHLIGHT, "/")
    without = charts.tax_spend_gap_bars({**GAP, "claimed_gbp_bn": None}, captions=CAPTIONS)
    assert [t.name for t in without.data] == ["Estimate (chosen keys)"]


def test_tax_spend_per_resident_bars_pair_taxes_and_spending_patterned_by_how_spending_was_shared():
    fig = tax_spend_charts()["per resident"]
    taxes, *spending = fig.data
    assert (taxes.name, taxes.marker.color, list(taxes.x)) == (
        "Taxes raised",
        figures.PALETTE[0],
        [9000.0, 10000.0, 14000.0],
    )
    assert list(taxes.text) == ["£9,000", "£10,000", "£14,000"]
    assert [(t.name, t.marker.pattern.shape, list(t.y)) for t in spending] == [
        ("Spending: region's, shared by population", "/", ["Leeds (estimate)"]),
        ("Spending: the places together", "", ["Core Cities (estimate)"]),
        ("Spending: official (ONS CRPSF)", "", ["United Kingdom (official)"]),
    ]
    assert {t.marker.color for t in spending} == {figures.PALETTE[4]}
    assert list(fig.layout.yaxis.categoryarray) == PER_RESIDENT["label"].tolist()
    assert fig.layout.yaxis.autorange == "reversed" and fig.layout.barmode == "group"


def test_total_place_bars_one_bar_per_function_in_order_labelled_in_millions():
    bars = tax_spend_charts()["total place"].data[0]
    assert (list(bars.y), list(bars.x)) == (["Health", "Education"], [2500.0, 1200.0])
    assert list(bars.text) == [formatting.gbp_millions(2500.0), formatting.gbp_millions(1200.0)]
    assert bars.marker.color == figures.PALETTE[4] and bars.orientation == "h"


CLAIM_DRAWN = {
    "bars": pd.DataFrame(
        {
            "label": ["As claimed (2014)", "Primary definition (2014)"],
            "figure": ["As claimed", "Primary definition"],
            "value": [66.0, 40.0],
            "text": ["£66.0bn", "£40.0bn"],
            "hover": ["a", "b"],
        }
    ),
    "x_range": [0.0, 90.0],
    "tickvals": [0.0, 50.0],
    "ticktext": ["£0bn", "£50bn"],
    "axis_title": "£bn a year",
}


SCORECARD = pd.DataFrame(
    {
        "theme": ["Health", "Health"],
        "name": ["Healthy life expectancy, female", "Life satisfaction"],
        "period": ["2020-22", "2022-23"],
        "unit": ["years", "score"],
        "value": [60.1, 7.3],
        "benchmark_name": ["England", "UK"],
        "benchmark_value": [63.6, 7.45],
        "core_cities_median": [59.0, 7.2],
        "significance": ["worse", "similar"],
        "x_value": [0.3, 0.45],
        "x_core_cities_median": [0.25, 0.4],
        "x_councils_min": [0.0, 0.05],
        "x_councils_max": [1.0, 0.95],
        "x_councils_q1": [0.35, 0.3],
        "x_councils_q3": [0.65, 0.7],
    }
)


def all_charts() -> dict[str, go.Figure]:
    """Every chart function of charts.py, once each (the pages', peers', claims' and tax and spend's)."""
    return {
        **every_chart(),
        "spine": charts.spine(SCORECARD, area_name="Aa", captions=CAPTIONS),
        "peers": charts.gdp_per_resident_bars(PEER_BARS, marked="E47000001", captions=CAPTIONS),
        "break even": charts.break_even_bars(
            BREAK_EVEN, ecb_eur_per_gbp=1.1633, stated_eur_per_gbp=2.5, captions=CAPTIONS
        ),
        "claim": charts.claim_bars(CLAIM_DRAWN, captions=CAPTIONS),
        **tax_spend_charts(),
    }


def test_every_chart_function_is_exercised():
    """A chart added to charts.py joins these tests: every public function returning a figure is called above."""
    import inspect

    made = {
        name
        for name, function in inspect.getmembers(charts, inspect.isfunction)
        if function.__module__ == charts.__name__
        and not name.startswith("_")
        and inspect.signature(function).return_annotation in (go.Figure, "go.Figure")
    }
    assert len(made) >= 18
    called = {
        "uk_map", "ranking_bars", "area_lines", "scatter_pair", "distribution_strip", "definitions_heatmap",
        "level_and_benchmark", "gap_bars", "decomposition_waterfall", "ranked_with_limits", "sector_bars",
        "gdp_per_resident_bars", "break_even_bars", "claim_bars", "tax_spend_gap_bars",
        "tax_spend_per_resident_bars", "total_place_bars", "spine",
    }  # fmt: skip
    assert made - {"captioned"} == called and len(all_charts()) == len(called)


@pytest.mark.parametrize("name", list(all_charts()))
def test_every_chart_exports_without_a_browser(name):
    """The browser-free image export (PNG, matplotlib) draws every chart with its captions baked in."""
    image, engine = figures.render(all_charts()[name], "png", engine="matplotlib", date="1 December 2026")
    assert engine == "matplotlib" and image.startswith(b"\x89PNG") and len(image) > 5_000


def test_the_heatmap_is_drawn_cell_by_cell_without_a_browser():
    """Each cell of the definitions heatmap coloured on its diverging scale, with its gap written in it."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    ax = Figure().add_subplot()
    spec = figures._plain(every_chart()["heatmap"].to_dict())
    figures._draw_xy(ax, spec["data"], spec["layout"])
    assert len(ax.patches) == 2 and [t.get_text() for t in ax.texts] == ["−1.0%", "+2.0%"]
    below, above = (p.get_facecolor() for p in ax.patches)
    assert below[0] > below[2] and above[2] > above[0]  # red below the benchmark, blue above (RdBu about zero)
