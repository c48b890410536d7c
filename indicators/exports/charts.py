"""Every chart the pages draw, each defined once: a function of the data it draws that returns a Plotly figure with
its axis units, and its title, definition and source line in `layout.meta` (read by the image export,
figures.render). The page shows the figure, the PNG/SVG export bakes the same figure; no Streamlit here.

The UK map (`uk_map`) is the one choropleth of the Overview, the Map and the Indicator explorer: one colour rule
(`map_colorscale`) and hover values formatted in the unit's own decimals (formatting.hover).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from indicators.domain import formatting
from indicators.domain.fiscal import SHARED_MARK, axis_room, claimed_text, range_text
from indicators.domain.international import PEER_YEAR, bar_range, euro, rate_text
from indicators.domain.place import SIGNIFICANCE, TOTAL_UNITS, Benchmark
from indicators.exports import figures
from indicators.exports.figures import HALO, HIGHLIGHT, MUTED, PALETTE, ColourRange

DIVERGING = "RdBu"  # blue = better, red = worse once polarity is applied
BENCHMARK_DASH = {
    "national": "solid",
    "nation": "dot",
    "region": "dash",
    "core-cities": "dashdot",
    "neighbours": "longdash",
}
ROW_PX = 26
SPINE_UNIT_PX = 30  # pixels per unit of the spine's y axis (a bar row is about one unit)
DARK_TEXT = "#111111"


@dataclass(frozen=True)
class Captions:
    """What a chart says besides its data: the title, the definition under it and the source line."""

    title: str
    subtitle: str
    source: str


def captioned(fig: go.Figure, captions: Captions) -> go.Figure:
    """`fig` carrying its captions in layout.meta (not drawn on screen, where the page writes them as text that
    wraps; the image export bakes them in)."""
    fig.layout.meta = {"title": captions.title, "subtitle": captions.subtitle, "source": captions.source}
    return fig


def wrapped(text: str, width: int = 34) -> str:
    """A long label over several lines (Plotly breaks lines only at <br>)."""
    return "<br>".join(textwrap.wrap(str(text), width)) or str(text)


# ------------------------------------------------------------------------------------------------ the UK map

# One colour scale for every map: cividis (readable with the common colour-vision deficiencies, yellow at the top),
# reversed where lower is better so yellow is always the better end; a neutral measure keeps cividis, its yellow
# meaning "higher" only.
MAP_COLORSCALE = {"higher_is_better": "cividis", "lower_is_better": "cividis_r", "neutral": "cividis"}
MAP_COLOUR_NOTE = {
    "higher_is_better": "lighter (yellow) is better",
    "lower_is_better": "lighter (yellow) is better (lower)",
    "neutral": "no better or worse",
}


def map_colorscale(polarity: str) -> str:
    """The map's colour scale for a measure's polarity (MAP_COLORSCALE; an unknown polarity reads as neutral)."""
    return MAP_COLORSCALE.get(polarity, MAP_COLORSCALE["neutral"])


def map_colour_note(polarity: str) -> str:
    """How to read the map's colours, e.g. 'Colour: lighter (yellow) is better'."""
    return f"Colour: {MAP_COLOUR_NOTE.get(polarity, MAP_COLOUR_NOTE['neutral'])}"


def uk_map(
    values: pd.DataFrame,
    *,
    captions: Captions,
    geojson,
    name: str,
    unit: str,
    polarity: str,
    scale: ColourRange | None = None,
    outlined: list[str] | tuple[str, ...] = (),
    chosen: str | None = None,
    labels: pd.DataFrame | None = None,
    base_geojson=None,
    base_codes: list[str] | tuple[str, ...] = (),
    height: int = 620,
    selectable: bool = False,
) -> go.Figure:
    """A UK choropleth of `values` (area_code, area_name, value) on an SVG map fitted to the areas drawn.

    Args:
        polarity: picks the colour scale (map_colorscale).
        scale: the colour range (figures.colour_range of the values when not given).
        outlined: codes drawn with the highlight outline (the Core Cities); chosen: a code outlined in black.
        labels: points to name on the map (lon, lat, city), e.g. core_city_points.
        base_geojson, base_codes: areas drawn first in grey (the UK under a map of a few areas).
        selectable: clicking an area selects it (the page reads the selection).
    The colour bar sits under the map, so it never narrows it on a phone.
    """
    scale = scale or figures.colour_range(values["value"], values["area_name"])
    fig = go.Figure()
    if base_geojson is not None:
        fig.add_trace(
            go.Choropleth(
                geojson=base_geojson,
                featureidkey="properties.area_code",
                locations=list(base_codes),
                z=[0] * len(base_codes),
                colorscale=[[0, figures.BASE_FILL], [1, figures.BASE_FILL]],
                showscale=False,
                marker={"line": {"width": 0.6, "color": figures.BASE_LINE}},
                hoverinfo="skip",
                name="UK",
            )
        )
    fig.add_trace(
        go.Choropleth(
            geojson=geojson,
            featureidkey="properties.area_code",
            locations=values["area_code"],
            z=values["value"],
            text=values["area_name"],
            zmin=scale.low,
            zmax=scale.high,
            colorscale=map_colorscale(polarity),
            marker={"line": {"width": 0.3, "color": "#FFFFFF"}},
            name=name,
            colorbar={
                "orientation": "h",
                "x": 0.5,
                "xanchor": "center",
                "y": 0,
                "yanchor": "top",
                "thickness": 12,
                "len": 0.9,
                "title": {"text": formatting.unit_label(unit), "side": "top"},
                **formatting.axis(unit),
            },
            hovertemplate="%{text} (%{location})<br>" + name + ": " + formatting.hover(unit, "z") + "<extra></extra>",
        )
    )
    for codes, colour, width, label in (
        (list(outlined), HIGHLIGHT, 2.5, "Core Cities (outlined)"),
        ([chosen] if chosen else [], "#000000", 3.5, "Chosen area (outlined)"),
    ):
        if codes:
            fig.add_trace(
                go.Choropleth(
                    geojson=geojson,
                    featureidkey="properties.area_code",
                    locations=codes,
                    z=[0] * len(codes),
                    colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
                    showscale=False,
                    marker={"line": {"width": width, "color": colour}},
                    hoverinfo="skip",
                    name=label,
                )
            )
    if labels is not None:
        fig.add_trace(figures.map_labels(labels, name="Core City", hoverinfo="skip"))
    fig.update_geos(visible=False, fitbounds="locations", projection={"type": "mercator"})
    fig.update_layout(height=height, showlegend=False, margin={"t": 10, "b": 70, "l": 0, "r": 0})
    if selectable:
        fig.update_layout(clickmode="event+select")
    return captioned(fig, captions)


# ------------------------------------------------------------------------------------------------ Compare


def ranking_bars(ranked: pd.DataFrame, *, names: dict[str, str], unit: str, captions: Captions) -> go.Figure:
    """The chosen areas as horizontal bars, best first, each labelled with its value and rank; Core Cities
    hatched (ranked: area_code, rank, value, is_core_city, as measures.ranking gives)."""
    labels = [f"{names[c]} (rank {r})" for c, r in zip(ranked["area_code"], ranked["rank"])]  # the bar keeps the value
    fig = go.Figure(
        go.Bar(
            y=labels,
            x=ranked["value"],
            orientation="h",
            marker={
                "color": [HIGHLIGHT if c else PALETTE[0] for c in ranked["is_core_city"]],
                "pattern": {"shape": ["/" if c else "" for c in ranked["is_core_city"]]},
            },
            text=[formatting.headline(v, unit) for v in ranked["value"]],
            textposition="outside",
            cliponaxis=False,
            textfont={"color": DARK_TEXT},
            hovertemplate="%{y}: " + formatting.hover(unit) + "<extra></extra>",
        )
    )
    fig.update_layout(yaxis={"autorange": "reversed"}, height=120 + 40 * len(ranked), margin={"r": 10})
    fig.update_xaxes(
        title_text=formatting.unit_label(unit),
        range=[0, ranked["value"].max() * 1.3],  # room for the labels
        **formatting.axis(unit),
    )
    return captioned(fig, captions)


def area_lines(history: pd.DataFrame, *, names: dict[str, str], y_title: str, captions: Captions) -> go.Figure:
    """One line per area over the years (history: area_code, year, value), told apart by colour, dash and marker."""
    fig = go.Figure()
    for i, (code, group) in enumerate(history.groupby("area_code", sort=False)):
        fig.add_trace(
            go.Scatter(
                x=group["year"],
                y=group["value"],
                mode="lines+markers",
                name=names.get(code, code),
                line={"color": PALETTE[i % len(PALETTE)], "dash": ["solid", "dash", "dot", "dashdot"][i % 4]},
                marker={"symbol": ["circle", "square", "diamond", "triangle-up", "x"][i % 5]},
            )
        )
    fig.update_xaxes(title_text="Year")
    fig.update_yaxes(title_text=y_title)
    return captioned(fig, captions)


@dataclass(frozen=True)
class Axis:
    """A measure on a chart axis: its name and unit, and the range shown (None: fitted to every point)."""

    name: str
    unit: str
    range: list[float] | None = None


def scatter_pair(
    both: pd.DataFrame, *, chosen: list[str], names: dict[str, str], x: Axis, y: Axis, captions: Captions
) -> go.Figure:
    """Every area on two measures (both: area_code, area_name, x, y, as measures.pair gives), the chosen areas
    named and highlighted."""
    picked = both["area_code"].isin(chosen)
    hover = (
        f"%{{text}}<br>{x.name}: {formatting.hover(x.unit, 'x')}<br>{y.name}: {formatting.hover(y.unit, 'y')}"
        "<extra></extra>"
    )
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=both.loc[~picked, "x"],
            y=both.loc[~picked, "y"],
            mode="markers",
            name="Other local authorities",
            text=both.loc[~picked, "area_name"],
            marker={"color": MUTED, "size": 6, "opacity": 0.6},
            hovertemplate=hover,
        )
    )
    fig.add_trace(
        go.Scatter(
            x=both.loc[picked, "x"],
            y=both.loc[picked, "y"],
            mode="markers+text",
            name="Chosen areas",
            text=[names.get(c, c) for c in both.loc[picked, "area_code"]],
            textposition="top center",
            textfont={"color": DARK_TEXT, "shadow": HALO},
            marker={"color": HIGHLIGHT, "size": 11, "symbol": "diamond"},
            hovertemplate=hover,
        )
    )
    fig.update_xaxes(title_text=f"{x.name} ({formatting.unit_label(x.unit)})", **formatting.axis(x.unit))
    fig.update_yaxes(title_text=f"{y.name} ({formatting.unit_label(y.unit)})", **formatting.axis(y.unit))
    if x.range is not None:
        fig.update_xaxes(range=x.range)
    if y.range is not None:
        fig.update_yaxes(range=y.range)
    return captioned(fig, captions)


def distribution_strip(
    table: pd.DataFrame,
    *,
    chosen: list[str],
    names: dict[str, str],
    unit: str,
    captions: Captions,
    x_range: list[float] | None = None,
) -> go.Figure:
    """Every area's value as a box with all points, the chosen areas as named diamonds on it (table: area_code,
    area_name, value)."""
    marked = table[table["area_code"].isin(chosen)]
    marked_names = [names.get(c, c) for c in marked["area_code"]]
    fig = go.Figure()
    fig.add_trace(
        go.Box(
            x=table["value"],
            name="All LAs",
            boxpoints="all",
            jitter=0.4,
            pointpos=0,
            text=table["area_name"],
            marker={"color": MUTED, "size": 4},
            line={"color": PALETTE[0]},
            hovertemplate="%{text}: " + formatting.hover(unit) + "<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=marked["value"],
            y=["All LAs"] * len(marked),
            mode="markers+text",
            name="Chosen areas",
            text=marked_names,
            textposition=figures.label_sides(
                marked["value"].tolist(), [0] * len(marked), marked_names, *figures.strip_label_size(table["value"])
            ),
            textfont={"color": DARK_TEXT, "shadow": HALO},
            marker={"color": HIGHLIGHT, "size": 12, "symbol": "diamond"},
        )
    )
    fig.update_xaxes(title_text=formatting.unit_label(unit), **formatting.axis(unit))
    fig.update_layout(height=360)
    if x_range is not None:
        fig.update_xaxes(range=x_range)
    return captioned(fig, captions)


# ------------------------------------------------------------------------------------------------ Productivity gap


def definitions_heatmap(matrix: pd.DataFrame, *, captions: Captions) -> go.Figure:
    """The gap (%) on every basis (rows) × geography and benchmark (columns, a two-level index), as
    measures.definitions_matrix gives it; negative (red) = below the benchmark."""
    # two-line labels so the six columns' labels never overlap at laptop widths
    x_labels = [f"{g.replace('-', ' ')}<br>{bm.replace(' (', '<br>(')}" for g, bm in matrix.columns]
    fig = go.Figure(
        go.Heatmap(
            z=matrix.values,
            x=x_labels,
            y=list(matrix.index),
            colorscale=DIVERGING,
            zmid=0,
            text=[[formatting.percent(v, signed=True) for v in row] for row in matrix.values],
            texttemplate="%{text}",
            colorbar={"title": {"text": "Gap (%)"}, "ticksuffix": "%"},
            hovertemplate="%{y}<br>%{x}<br>gap %{text}<extra></extra>",
        )
    )
    fig.update_layout(height=380)
    fig.update_xaxes(tickangle=0)
    return captioned(fig, captions)


def level_and_benchmark(
    history: pd.DataFrame, *, area_name: str, benchmark_name: str, unit: str, captions: Captions
) -> go.Figure:
    """The area's value and the benchmark's over the years (history: year, value, benchmark_value)."""
    hover = "%{x}: " + formatting.hover(unit, "y") + "<extra></extra>"
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=history["year"],
            y=history["value"],
            name=area_name,
            mode="lines+markers",
            line={"color": PALETTE[0]},
            hovertemplate=hover,
        )
    )
    fig.add_trace(
        go.Scatter(
            x=history["year"],
            y=history["benchmark_value"],
            name=benchmark_name,
            mode="lines+markers",
            line={"color": PALETTE[1], "dash": "dash"},
            marker={"symbol": "square"},
            hovertemplate=hover,
        )
    )
    fig.update_xaxes(title_text="Year")
    fig.update_yaxes(title_text=unit, **formatting.axis(unit))
    return captioned(fig, captions)


def gap_bars(history: pd.DataFrame, *, captions: Captions) -> go.Figure:
    """The gap (%) each year as labelled bars, those below the benchmark in the second colour (history: year,
    gap_pct)."""
    fig = go.Figure(
        go.Bar(
            x=history["year"],
            y=history["gap_pct"],
            text=[formatting.percent(v, signed=True) for v in history["gap_pct"]],
            textposition="outside",
            cliponaxis=False,
            textfont={"color": DARK_TEXT},
            marker={"color": [PALETTE[5] if v < 0 else PALETTE[0] for v in history["gap_pct"]]},
        )
    )
    fig.update_xaxes(title_text="Year")
    fig.update_yaxes(title_text="% (negative = below)", ticksuffix="%")
    return captioned(fig, captions)


def decomposition_waterfall(components: list[str], steps: list[float], *, captions: Captions) -> go.Figure:
    """The GVA-per-head gap in log points, split into productivity, hours and jobs, ending in the total (the parts
    add up exactly); as measures.waterfall_steps gives them."""
    fig = go.Figure(
        go.Waterfall(
            x=components,
            y=steps,
            measure=["relative"] * (len(steps) - 1) + ["total"],
            text=[f"{v:+.1f}" for v in steps],
            textposition="outside",
            increasing={"marker": {"color": PALETTE[0]}},
            decreasing={"marker": {"color": PALETTE[5]}},
            totals={"marker": {"color": PALETTE[7]}},
        )
    )
    fig.update_yaxes(title_text="log points")
    return captioned(fig, captions)


# ------------------------------------------------------------------------------------------------ the whole place


def ranked_with_limits(
    frame: pd.DataFrame,
    *,
    unit: str,
    chosen: str | None,
    benchmarks: list[Benchmark],
    verdicts: dict[str, str],
    captions: Captions,
) -> go.Figure:
    """Areas as dots (best at the top) with their 95 % confidence whiskers, the chosen area in the highlight colour,
    each area's marker shaped by its significance against the national benchmark, and the benchmarks as lines.

    Args:
        frame: area_code, area_name, value, ci_lower, ci_upper (missing values are left out and listed by the caller).
        verdicts: area_code -> significance key (place.SIGNIFICANCE).
    """
    shown = frame[frame["value"].notna()].iloc[::-1]  # Plotly draws the first category at the bottom
    has_limits = shown["ci_lower"].notna() & shown["ci_upper"].notna()
    error = {
        "type": "data",
        "symmetric": False,
        "array": (shown["ci_upper"] - shown["value"]).where(has_limits),
        "arrayminus": (shown["value"] - shown["ci_lower"]).where(has_limits),
        "color": "#555555",
        "thickness": 1.2,
        "width": 4,
    }
    keys = [verdicts.get(code, "not tested") for code in shown["area_code"]]
    colours = [HIGHLIGHT if code == chosen else PALETTE[0] for code in shown["area_code"]]
    fig = go.Figure(
        go.Scatter(
            x=shown["value"],
            y=[wrapped(n, 30) for n in shown["area_name"]],
            mode="markers",
            error_x=error,
            marker={
                "size": 11,
                "color": colours,
                "symbol": [SIGNIFICANCE[k][1] for k in keys],
                "line": {"width": 1.5, "color": colours},
            },
            customdata=[
                [SIGNIFICANCE[k][0], formatting.value(lo, unit), formatting.value(hi, unit)]
                for k, lo, hi in zip(keys, shown["ci_lower"], shown["ci_upper"])
            ],
            hovertemplate="%{y}: "
            + formatting.hover(unit, "x")
            + "<br>95% limits %{customdata[1]} to %{customdata[2]}<br>%{customdata[0]}<extra></extra>",
            showlegend=False,
        )
    )
    for bench in benchmarks:  # a line across the chart, named in the legend with its value (labels on it collide)
        dash = BENCHMARK_DASH.get(bench.key, "dot")
        fig.add_vline(x=bench.value, line={"color": "#333333", "width": 1.2, "dash": dash})
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="lines",
                line={"color": "#333333", "width": 1.5, "dash": dash},
                name=f"{bench.label}: {formatting.value(bench.value, unit)}",
                hoverinfo="skip",
            )
        )
    fig.update_xaxes(title={"text": formatting.unit_label(unit)}, **formatting.axis(unit), automargin=True)
    fig.update_yaxes(automargin=True, tickfont={"size": 12})
    fig.update_layout(
        height=max(300, ROW_PX * len(shown) + 170 + 22 * len(benchmarks)),
        showlegend=bool(benchmarks),
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0, "font": {"size": 12}},
        margin={"t": 30 + 22 * len(benchmarks)},
    )
    return captioned(fig, captions)


def spine(scorecard: pd.DataFrame, *, area_name: str, captions: Captions) -> go.Figure:
    """The Fingertips spine chart: per indicator, the range of all councils (light), their middle half (darker), the
    benchmark at the centre line, the Core Cities median (diamond) and the area (shape = significance). Better is
    always to the right. Each indicator's name is written above its bar (so long names wrap on a phone instead of
    crowding the axis), under its theme's heading. Totals (counts, £ million), which say more about size than
    performance, are left to the table."""
    fig = go.Figure()
    y, marked, notes = 0.0, [], []
    shapes = [
        {
            "type": "line",
            "x0": 0.5,
            "x1": 0.5,
            "yref": "paper",
            "y0": 0,
            "y1": 1,
            "layer": "below",
            "line": {"color": DARK_TEXT, "width": 1.5},
        }
    ]
    for theme, group in scorecard[~scorecard["unit"].isin(TOTAL_UNITS)].groupby("theme", sort=True):
        notes.append(
            {"y": y, "text": f"<b>{theme}</b>", "font": {"size": 14, "color": DARK_TEXT}, "bgcolor": "#FFFFFF"}
        )
        y -= 1.0
        for row in group.to_dict("records"):
            label = wrapped(f"{row['name']} ({row['period']})", 50)
            notes.append(
                {"y": y, "text": label, "font": {"size": 12, "color": DARK_TEXT}, "bgcolor": "rgba(255,255,255,0.9)"}
            )
            y -= 0.6 * (label.count("<br>") + 1) + 0.3
            if not pd.isna(row.get("x_councils_min")):
                lo, hi = sorted((row["x_councils_min"], row["x_councils_max"]))
                q1, q3 = sorted((row["x_councils_q1"], row["x_councils_q3"]))
                shapes += [
                    {
                        "type": "rect",
                        "x0": left,
                        "x1": right,
                        "y0": y - 0.25,
                        "y1": y + 0.25,
                        "fillcolor": colour,
                        "line": {"width": 0},
                        "layer": "below",
                    }
                    for left, right, colour in ((lo, hi, "#E5E7EB"), (q1, q3, "#B8C0CC"))
                ]
                marked.append((y, row))
            y -= 0.8
    # set in one assignment: add_shape/add_annotation one by one took two seconds for a scorecard
    fig.layout.shapes = shapes
    fig.layout.annotations = [
        {"x": 0, "xref": "paper", "yanchor": "top", "xanchor": "left", "showarrow": False, "align": "left", **note}
        for note in notes
    ]
    core = [(at, r) for at, r in marked if not pd.isna(r.get("x_core_cities_median"))]
    fig.add_trace(
        go.Scatter(
            x=[r["x_core_cities_median"] for _, r in core],
            y=[at for at, _ in core],
            mode="markers",
            name="Core Cities median",
            marker={"symbol": "diamond-open", "size": 10, "color": DARK_TEXT, "line": {"width": 1.5}},
            customdata=[formatting.value(r["core_cities_median"], r["unit"]) for _, r in core],
            hovertemplate="Core Cities median: %{customdata}<extra></extra>",
        )
    )
    for key, (words, symbol, colour) in SIGNIFICANCE.items():
        these = [(at, r) for at, r in marked if r["significance"] == key and not pd.isna(r.get("x_value"))]
        if not these:
            continue
        fig.add_trace(
            go.Scatter(
                x=[r["x_value"] for _, r in these],
                y=[at for at, _ in these],
                mode="markers",
                name=f"{area_name}: {words}",
                marker={"symbol": symbol, "size": 13, "color": colour, "line": {"width": 1.5, "color": colour}},
                customdata=[
                    [
                        r["name"],
                        formatting.value(r["value"], r["unit"]),
                        r["benchmark_name"],
                        formatting.value(r["benchmark_value"], r["unit"]),
                    ]
                    for _, r in these
                ],
                hovertemplate=f"%{{customdata[0]}}<br>{area_name}: %{{customdata[1]}}<br>%{{customdata[2]}}: "
                f"%{{customdata[3]}}<br>{words}<extra></extra>",
            )
        )
    height = int(-y * SPINE_UNIT_PX) + 230
    fig.update_yaxes(range=[y, 0.3], visible=False)
    fig.update_xaxes(
        range=[-0.02, 1.02],
        tickvals=[0, 0.5, 1],
        ticktext=["← worse", "benchmark", "better →"],
        showgrid=False,
        zeroline=False,
        side="top",
    )
    fig.update_layout(
        height=height,
        margin={"t": 30, "b": 150, "l": 10, "r": 10},
        legend={"orientation": "h", "y": -10 / height, "yanchor": "top", "x": 0, "font": {"size": 12}},
    )
    return captioned(fig, captions)


def sector_bars(mix: pd.DataFrame, *, area_name: str, last_year: int, captions: Captions) -> go.Figure:
    """Each section's share of GVA in the area and the UK in the last year (bars side by side, labelled), sections in
    SIC order from the top; the location quotient is in the hover and the table."""
    shown = mix.iloc[::-1]
    names = [wrapped(n, 36) for n in shown["industry_name"]]
    fig = go.Figure()
    for column, label, colour, pattern in (
        ("share_last", f"{area_name}, {last_year}", HIGHLIGHT, ""),
        ("uk_share_last", f"UK, {last_year}", MUTED, "/"),
    ):
        fig.add_trace(
            go.Bar(
                x=shown[column],
                y=names,
                orientation="h",
                name=label,
                marker={"color": colour, "pattern": {"shape": pattern}},
                text=[formatting.percent(v) for v in shown[column]],
                textposition="outside",
                cliponaxis=False,
                textfont={"color": DARK_TEXT, "size": 11},
                customdata=[f"{lq:.2f}" for lq in shown["lq_last"]],
                hovertemplate="%{y}: %{x:.1f}% of GVA<br>location quotient %{customdata}<extra>" + label + "</extra>",
            )
        )
    top = float(max(shown["share_last"].max(), shown["uk_share_last"].max()))
    fig.update_xaxes(title={"text": "% of GVA"}, ticksuffix="%", range=[0, top * 1.25])
    fig.update_yaxes(automargin=True, tickfont={"size": 12})
    fig.update_layout(
        barmode="group",
        height=ROW_PX * 2 * len(shown) + 140,
        bargap=0.25,
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0},
    )
    return captioned(fig, captions)


# ------------------------------------------------------------------------------------------------ European peers

PEER_STYLE = {  # group -> colour and hatching, as views.european_peers.peer_bars names the groups
    "Core City region": (PALETTE[0], ""),
    "Core Cities combined": (PALETTE[2], "x"),
    "European peer": (PALETTE[1], "/"),
}
PEER_UNIT = "£ per resident"


def gdp_per_resident_bars(bars: pd.DataFrame, *, marked: str | None, captions: Captions) -> go.Figure:
    """GDP per resident in £ of each Core City region, the ten combined and the European peers, as horizontal bars
    labelled outside their ends, one colour and hatching per group (PEER_STYLE); the region `marked` (the sidebar's
    area's) in bold with ▶.

    Args:
        bars: area_code, area_name, group, gdp_per_head_gbp, as views.european_peers.peer_bars gives them.
    """
    fig = go.Figure()
    for group, (colour, pattern) in PEER_STYLE.items():
        part = bars[bars["group"] == group]
        if part.empty:
            continue
        labels = [wrapped(n, 22) for n in part["area_name"]]
        fig.add_bar(
            y=[f"<b>▶ {label}</b>" if c == marked else label for c, label in zip(part["area_code"], labels)],
            x=part["gdp_per_head_gbp"],
            orientation="h",
            name=group,
            marker_color=colour,
            marker_pattern_shape=pattern,
            text=[formatting.gbp(v) for v in part["gdp_per_head_gbp"]],
            textposition="outside",
            cliponaxis=False,
            textfont={"color": DARK_TEXT},
            customdata=part["area_code"],
            hovertemplate="%{y} (%{customdata})<br>GDP per resident: "
            + formatting.hover("£")
            + "<extra>"
            + group
            + "</extra>",
        )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(
        title_text=PEER_UNIT, range=bar_range(bars["gdp_per_head_gbp"].tolist()), **formatting.axis(PEER_UNIT)
    )
    fig.update_layout(legend={"orientation": "h", "y": -0.12}, height=max(420, 40 * len(bars) + 160))
    return captioned(fig, captions)


def break_even_bars(
    table: pd.DataFrame, *, ecb_eur_per_gbp: float, stated_eur_per_gbp: float | None, captions: Captions
) -> go.Figure:
    """Each peer's break-even rate (the € per £ at which it equals the Core Cities combined) as one series of bars
    labelled in €, with the ECB's average as a dashed line and a stated rate, if any, as a dotted one.

    Args:
        table: metro_code, metro_name, country, break_even_eur_per_gbp, as views.european_peers.break_even_table gives.
    """
    rates = [ecb_eur_per_gbp] if stated_eur_per_gbp is None else [ecb_eur_per_gbp, stated_eur_per_gbp]
    values = list(table["break_even_eur_per_gbp"])
    axis = bar_range([*values, *rates])
    label_width = 0.18 * (axis[1] - axis[0])  # about the width of "€1.08" beyond a bar's end on a phone
    fig = go.Figure(
        go.Bar(
            y=[wrapped(f"{n} ({c})", 22) for n, c in zip(table["metro_name"], table["country"])],
            x=values,
            orientation="h",
            marker_color=PALETTE[1],
            customdata=table["metro_code"],  # one series: no hatching
            text=[euro(v, 2) for v in values],
            # a label that would run across a rate line goes inside its bar, where the line is hidden behind it
            textposition=["inside" if any(v < r < v + label_width for r in rates) else "outside" for v in values],
            insidetextanchor="end",
            cliponaxis=False,
            textfont={"color": DARK_TEXT},
            hovertemplate="%{y} (%{customdata})<br>level with the Core Cities at £1 = €%{x:.3f}"
            "<extra>break-even rate</extra>",
        )
    )
    fig.add_vline(
        x=ecb_eur_per_gbp,
        line_dash="dash",
        line_color=PALETTE[7],
        layer="below",
        annotation_text=f"ECB {PEER_YEAR} average, {rate_text(ecb_eur_per_gbp)}",
        annotation_position="top",
    )
    if stated_eur_per_gbp is not None:
        fig.add_vline(
            x=stated_eur_per_gbp,
            line_dash="dot",
            line_color=HIGHLIGHT,
            layer="below",
            annotation_text=f"your rate, {rate_text(stated_eur_per_gbp, None)}",
            annotation_position="bottom",
        )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(
        title_text="Break-even rate, € per £",
        range=axis,  # the rate lines stay in view
        tickprefix="€",
        tickformat=",.1f",
    )
    fig.update_layout(height=max(380, 40 * len(table) + 220))
    return captioned(fig, captions)


# ------------------------------------------------------------------------------------------------ Claims check

CLAIM_STYLE = {  # figure -> colour and hatching; the definitions other than the primary one: PALETTE[0], plain
    "As claimed": (HIGHLIGHT, "/"),
    "Primary definition": (PALETTE[2], "x"),
    "Context": (MUTED, "."),
}


def claim_bars(drawn: dict, *, captions: Captions) -> go.Figure:
    """The claimed value beside every definition tried, as horizontal bars labelled outside their ends as a briefing
    prints them: the claim hatched, the primary definition crossed, context dotted (CLAIM_STYLE).

    Args:
        drawn: as claims.comparison_chart gives it (bars: label, figure, value, text, hover; x_range, tickvals,
            ticktext, axis_title).
    """
    bars = drawn["bars"]
    styles = [CLAIM_STYLE.get(f, (PALETTE[0], "")) for f in bars["figure"]]
    fig = go.Figure(
        go.Bar(
            y=bars["label"],
            x=bars["value"],
            orientation="h",
            customdata=bars["hover"],
            marker_color=[colour for colour, _ in styles],
            marker_pattern_shape=[pattern for _, pattern in styles],
            text=bars["text"],
            textposition="outside",
            cliponaxis=False,
            textfont={"color": DARK_TEXT},
            hovertemplate="%{customdata}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(
        title_text=drawn["axis_title"],
        range=drawn["x_range"],
        tickvals=drawn["tickvals"],
        ticktext=drawn["ticktext"],
        zeroline=True,
    )
    fig.update_layout(height=max(380, 40 * len(bars) + 200))
    return captioned(fig, captions)


# ------------------------------------------------------------------------------------------------ Tax and spend

SPENDING_SERIES = (  # spending_mark -> legend name and bar pattern ('/' marks the region's own figure)
    (SHARED_MARK, f"Spending: region's, {SHARED_MARK}", "/"),
    ("partly by councils' own data", "Spending: partly councils' own data", ""),
    ("sum of the places", "Spending: the places together", ""),
    ("official", "Spending: official (ONS CRPSF)", ""),
)


def tax_spend_gap_bars(gap: dict, *, captions: Captions) -> go.Figure:
    """The Core Cities' estimated spending − taxes (£bn) with its range over every key combination as error bars,
    labelled above the whisker, beside the claimed figure (hatched), if any.

    Args:
        gap: year, estimate_gbp_bn, min_gbp_bn, max_gbp_bn, below_gbp_bn and above_gbp_bn (from the estimate to the
            range's ends) and claimed_gbp_bn (None without a claim), as views.tax_and_spend.headline gives.
    """
    fig = go.Figure()
    estimate = f"Estimate {gap['year']}"
    fig.add_bar(
        x=[estimate],
        y=[gap["estimate_gbp_bn"]],
        name="Estimate (chosen keys)",
        marker_color=PALETTE[0],
        error_y={
            "type": "data",
            "symmetric": False,
            "array": [gap["above_gbp_bn"]],
            "arrayminus": [gap["below_gbp_bn"]],
            "color": "#333",
        },
        customdata=[formatting.gbp_bn(gap["estimate_gbp_bn"])],
        cliponaxis=False,
        hovertemplate="%{x}: %{customdata}<extra>estimate</extra>",
    )
    # the label sits above the range's whisker, outside the bar, so it never sits on the bar or the error bar
    fig.add_annotation(
        x=estimate,
        y=gap["max_gbp_bn"],
        yanchor="bottom",
        showarrow=False,
        text=f"{formatting.gbp_bn(gap['estimate_gbp_bn'])} (range "
        f"{range_text(gap['min_gbp_bn'], gap['max_gbp_bn'], formatting.gbp_bn)})",
    )
    claimed = gap["claimed_gbp_bn"]
    if claimed is not None:
        fig.add_bar(
            x=["As claimed (c.2016)"],
            y=[claimed],
            name="As claimed",
            marker_color=HIGHLIGHT,
            marker_pattern_shape="/",
            text=[f"{claimed_text(claimed)} (claimed)"],
            textposition="outside",
            cliponaxis=False,
            customdata=[claimed_text(claimed)],
            hovertemplate="%{x}: %{customdata}<extra>claim</extra>",
        )
    fig.update_yaxes(**formatting.axis("£"), ticksuffix="bn")
    fig.update_layout(showlegend=True, legend={"orientation": "h", "y": -0.15})
    return captioned(fig, captions)


def tax_spend_per_resident_bars(frame: pd.DataFrame, *, captions: Captions) -> go.Figure:
    """Taxes raised and public spending per resident (£ a year), one pair of horizontal bars per row of `frame` in
    its order; the spending bars in one series per spending_mark (SPENDING_SERIES), the region's own figure hatched.

    Args:
        frame: label, area_code, revenue_per_head_gbp, expenditure_per_head_gbp, spending_mark, as
            views.tax_and_spend.per_resident_frame gives.
    """
    hover = formatting.hover("£ per resident")
    fig = go.Figure()
    fig.add_bar(
        y=frame["label"],
        x=frame["revenue_per_head_gbp"],
        orientation="h",
        name="Taxes raised",
        marker_color=PALETTE[0],
        offsetgroup="taxes",
        customdata=frame["area_code"],
        text=[formatting.gbp(v) for v in frame["revenue_per_head_gbp"]],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{y} (%{customdata}): " + hover + "<extra>taxes raised</extra>",
    )
    for mark, name, pattern in SPENDING_SERIES:
        part = frame[frame["spending_mark"] == mark]
        if part.empty:
            continue
        fig.add_bar(
            y=part["label"],
            x=part["expenditure_per_head_gbp"],
            orientation="h",
            name=name,
            marker={
                "color": PALETTE[4],
                "pattern": {"shape": pattern, "fillmode": "overlay", "fgcolor": "#ffffff", "solidity": 0.35},
            },
            offsetgroup="spending",
            customdata=part["area_code"],
            text=[formatting.gbp(v) for v in part["expenditure_per_head_gbp"]],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y} (%{customdata}): " + hover + f"<extra>{mark}</extra>",
        )
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=frame["label"].tolist())
    fig.update_xaxes(
        title_text="£ per resident a year",
        **formatting.axis("£ per resident"),
        range=axis_room([*frame["revenue_per_head_gbp"], *frame["expenditure_per_head_gbp"]], 0.5),
    )
    fig.update_layout(height=1200, barmode="group", legend={"orientation": "h", "y": -0.06})
    return captioned(fig, captions)


def total_place_bars(functions: pd.DataFrame, *, captions: Captions) -> go.Figure:
    """Identifiable public spending in a place by function (£ million, estimate), one horizontal bar per row of
    `functions` (function, value_gbp_m) in its order, top to bottom."""
    values = functions["value_gbp_m"].tolist()
    fig = go.Figure(
        go.Bar(
            y=functions["function"],
            x=values,
            orientation="h",
            marker_color=PALETTE[4],
            text=[formatting.gbp_millions(v) for v in values],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: " + formatting.hover("£ million") + "<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text="£ million (estimate)", **formatting.axis("£ million"), range=axis_room(values, 0.3))
    return captioned(fig, captions)
