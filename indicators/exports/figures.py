"""Chart images for briefings: PNG and SVG with title, subtitle (definition), source line and date baked in.

Two renderers:
- **kaleido** (Plotly's own exporter; drives a Chromium browser, found on PATH or via the BROWSER_PATH variable) gives
  an image identical to the on-screen chart;
- **matplotlib** (no browser) redraws the Plotly figure's bar, line/marker, waterfall and choropleth traces.

`engine="auto"` uses kaleido when a browser is present and falls back to matplotlib when it is missing or the export
fails, so exports work on a server with no browser. The environment variable CORE_CITIES_IMAGE_ENGINE
(`kaleido` or `matplotlib`) overrides the automatic choice. No Streamlit import here.
"""

from __future__ import annotations

import io
import logging
import math
import os
import shutil
import textwrap
from dataclasses import dataclass
from datetime import date as _date
from functools import cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go

log = logging.getLogger(__name__)

# Okabe–Ito: distinguishable with the common colour-vision deficiencies (same as ui.render.PALETTE)
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
HIGHLIGHT, MUTED, LIGHT = "#D55E00", "#8A9BA8", "#F3D3BF"
FORMATS = ("png", "svg")
ENGINES = ("auto", "kaleido", "matplotlib")
ENGINE_ENV = "CORE_CITIES_IMAGE_ENGINE"
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
MIME = {"png": "image/png", "svg": "image/svg+xml"}
HATCHES = ["", "//", "..", "xx", "\\\\", "++", "--", "oo"]  # patterns so bar series never differ by colour alone


# ------------------------------------------------------------------------------------------------ text helpers


def footer_text(source: str, date: str | None = None) -> str:
    """The line printed under every exported chart: the source line and the date (default: today, '%d %B %Y')."""
    when = date or _date.today().strftime("%d %B %Y")
    return f"{source} · {when}" if source else when


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown image format {fmt!r}; valid: {', '.join(FORMATS)}")
    return fmt


# ------------------------------------------------------------------------------------------------ engine choice


@cache
def kaleido_available() -> bool:
    """True when kaleido is importable and a Chromium/Chrome executable can be found (no browser is started)."""
    try:
        import kaleido  # noqa: F401
    except ImportError:
        return False
    if os.environ.get("BROWSER_PATH"):
        return os.path.isfile(os.environ["BROWSER_PATH"])
    return any(shutil.which(name) for name in BROWSER_NAMES)


def image_engine(engine: str = "auto") -> str:
    """The renderer to try first: an explicit 'kaleido'/'matplotlib', else the environment override, else by browser."""
    if engine not in ENGINES:
        raise ValueError(f"unknown image engine {engine!r}; valid: {', '.join(ENGINES)}")
    if engine == "auto":
        engine = os.environ.get(ENGINE_ENV, "auto")
        if engine not in ENGINES:
            raise ValueError(f"{ENGINE_ENV}={engine!r} is not one of {', '.join(ENGINES[1:])}")
    if engine == "auto":
        return "kaleido" if kaleido_available() else "matplotlib"
    return engine


# ------------------------------------------------------------------------------------------------ baking


def baked(
    fig: go.Figure,
    *,
    title: str,
    subtitle: str,
    source: str,
    date: str | None = None,
    width: int = 1100,
    height: int = 650,
) -> go.Figure:
    """A copy of `fig` with title, subtitle, source line and date placed inside the figure (the original is
    untouched)."""
    out = go.Figure(fig)
    footer = "<br>".join(textwrap.wrap(footer_text(source, date), 150))
    lines = footer.count("<br>") + 1
    out.update_layout(
        title={"text": f"<b>{title}</b>", "subtitle": {"text": subtitle}, "x": 0.01, "xanchor": "left"},
        template="plotly_white",
        colorway=PALETTE,
        font={"family": "Arial, sans-serif", "size": 13},
        width=width,
        height=height,
        margin={"t": 95, "b": 70 + 16 * lines, "l": 70, "r": 30},
        meta={"title": title, "subtitle": subtitle, "footer": footer_text(source, date)},
    )
    out.layout.annotations = [a for a in out.layout.annotations if (a.yref or "") != "paper" or (a.y or 0) >= 0]
    out.add_annotation(
        text=footer,
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-(55 + 16 * lines),
        showarrow=False,
        xanchor="left",
        yanchor="bottom",
        align="left",
        font={"size": 11, "color": "#444"},
    )
    return out


def with_boundaries(fig: go.Figure) -> go.Figure:
    """`fig` with any boundary file referenced by URL (maps on screen fetch it from the server) replaced by its
    content, so an exporter that cannot fetch it still draws the map; the original is untouched."""
    from indicators.data import geography

    referenced = [i for i, trace in enumerate(fig.data) if isinstance(getattr(trace, "geojson", None), str)]
    if not referenced:
        return fig
    out = go.Figure(fig)
    for i in referenced:
        found = geography.boundaries_for_url(out.data[i].geojson)
        if found is None:
            raise ValueError(f"the map references {out.data[i].geojson[:60]!r}, which is not a boundary file here")
        out.data[i].geojson = found
    return out


def render(
    fig: go.Figure,
    fmt: str = "png",
    *,
    title: str | None = None,
    subtitle: str | None = None,
    source: str | None = None,
    date: str | None = None,
    engine: str = "auto",
    width: int = 1100,
    height: int = 650,
    scale: float = 2,
) -> tuple[bytes, str]:
    """Render a chart to PNG or SVG bytes with title, subtitle, source and date baked in.

    Args:
        fig: the Plotly figure shown on screen.
        fmt: 'png' or 'svg'.
        title, subtitle, source: chart title, the definition (basis · geography · benchmark · year), source line;
            by default those the figure carries (layout.meta, set by indicators.exports.charts).
        date: date text printed after the source (default today).
        engine: 'auto' (kaleido if a browser exists, else matplotlib), 'kaleido' or 'matplotlib'.
    Returns:
        (image bytes, engine actually used). In 'auto' a failing kaleido export falls back to matplotlib;
        an explicit 'kaleido' request raises RuntimeError instead.
    """
    check_format(fmt)
    chosen = image_engine(engine)
    carried = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    title = carried.get("title", "") if title is None else title
    subtitle = carried.get("subtitle", "") if subtitle is None else subtitle
    source = carried.get("source", "") if source is None else source
    styled = baked(
        with_boundaries(fig), title=title, subtitle=subtitle, source=source, date=date, width=width, height=height
    )
    if chosen == "kaleido":
        try:
            return _kaleido(styled, fmt, width, height, scale), "kaleido"
        except Exception as exc:  # browser missing, crashed or timed out
            if engine == "kaleido":
                raise RuntimeError(f"kaleido image export failed: {exc}") from exc
            log.warning("kaleido export failed (%s); using the matplotlib renderer", exc)
    return _matplotlib(styled, fmt, width, height, scale), "matplotlib"


def render_image(fig: go.Figure, fmt: str = "png", **kwargs) -> bytes:
    """Like `render` but only the bytes (for download buttons)."""
    return render(fig, fmt, **kwargs)[0]


def chart_images(fig: go.Figure, **kwargs) -> dict[str, bytes]:
    """Both formats at once: {'png': bytes, 'svg': bytes} (same keyword arguments as `render`)."""
    return {fmt: render(fig, fmt, **kwargs)[0] for fmt in FORMATS}


def _kaleido(fig: go.Figure, fmt: str, width: int, height: int, scale: float) -> bytes:
    import plotly.io as pio

    from indicators.data.paths import BOUNDARIES_DIR

    pio.defaults.topojson = BOUNDARIES_DIR.as_uri() + "/"  # the empty base map beside the boundaries: no CDN fetch

    return pio.to_image(fig, format=fmt, width=width, height=height, scale=scale if fmt == "png" else 1)


# ------------------------------------------------------------------------------------------------ matplotlib


def new_figure(width_px: int, height_px: int):
    """A matplotlib Figure not tied to pyplot's global state (safe to use from a server thread)."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width_px / 100, height_px / 100), dpi=100)


def save(figure, fmt: str, scale: float = 2) -> bytes:
    """PNG or SVG bytes of a matplotlib Figure, without timestamps (the same input gives the same bytes)."""
    import matplotlib

    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "core-cities", "svg.fonttype": "none"}):
        if fmt == "svg":
            figure.savefig(buffer, format="svg", metadata={"Date": None})
        else:
            figure.savefig(buffer, format="png", dpi=100 * scale, metadata={"Software": None})
    return buffer.getvalue()


def _text(value) -> str:
    """Plotly text with its simple HTML tags turned into plain text."""
    text = str(value or "")
    for tag, repl in (
        ("<br>", "\n"),
        ("<b>", ""),
        ("</b>", ""),
        ("<i>", ""),
        ("</i>", ""),
        ("<sup>", ""),
        ("</sup>", ""),
    ):
        text = text.replace(tag, repl)
    return text


def _title_of(axis: dict) -> str:
    title = axis.get("title") or {}
    return _text(title.get("text") if isinstance(title, dict) else title)


def _colour(value, index: int):
    if isinstance(value, (list, tuple)):
        return [v if isinstance(v, str) else PALETTE[index % len(PALETTE)] for v in value]
    return value if isinstance(value, str) else PALETTE[index % len(PALETTE)]


def _matplotlib(fig: go.Figure, fmt: str, width: int, height: int, scale: float) -> bytes:
    spec = _plain(fig.to_dict())
    layout = spec.get("layout", {})
    meta = layout.get("meta") or {}
    figure = new_figure(width, height)
    footer = meta.get("footer", "")
    footer_lines = textwrap.wrap(footer, int(width / 7.2)) or [""]
    bottom = (40 + 15 * len(footer_lines)) / height
    figure.text(
        0.012,
        1 - 22 / height,
        meta.get("title", _text((layout.get("title") or {}).get("text"))),
        fontsize=15,
        fontweight="bold",
        va="top",
    )
    figure.text(0.012, 1 - 50 / height, meta.get("subtitle", ""), fontsize=11, color="#444", va="top")
    figure.text(0.012, 10 / height, "\n".join(footer_lines), fontsize=9, color="#444", va="bottom")
    traces = spec.get("data", [])
    maps = [t for t in traces if t.get("type") in ("choropleth", "choroplethmap", "choroplethmapbox")]
    if maps:
        ax = figure.add_axes((0.02, bottom, 0.96, 1 - bottom - 80 / height))
        for trace in maps:
            _draw_choropleth(ax, trace)
        for trace in traces:
            if trace.get("type") in ("scattermap", "scattergeo", "scattermapbox"):
                _draw_points(ax, trace)
    else:
        ax = figure.add_axes((0.09, bottom + 45 / height, 0.88, 1 - bottom - 135 / height))
        _draw_xy(ax, traces, layout)
    return save(figure, fmt, scale)


def _draw_heatmap(ax, trace: dict, layout: dict) -> None:
    """A heatmap's cells coloured on its colour scale (symmetric about zmid when set), each with its text; the first
    row at the bottom, as Plotly draws it, unless the y axis is reversed."""
    from matplotlib.colors import to_rgb
    from matplotlib.patches import Rectangle

    z = [[math.nan if v is None else float(v) for v in row] for row in trace.get("z") or []]
    values = [v for row in z for v in row if not math.isnan(v)]
    if not values:
        return
    low, high = min(values), max(values)
    if trace.get("zmid") is not None:
        reach = max(abs(low - trace["zmid"]), abs(high - trace["zmid"])) or 1.0
        low, high = trace["zmid"] - reach, trace["zmid"] + reach
    texts = trace.get("text")
    for i, row in enumerate(z):
        for j, value in enumerate(row):
            if math.isnan(value):
                continue
            colour = _scale_colour(value, low, high, trace.get("colorscale"))
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, color=colour))
            dark = sum(c * w for c, w in zip(to_rgb(colour), (0.299, 0.587, 0.114), strict=True)) < 0.5
            label = _text(texts[i][j]) if texts else f"{value:g}"
            ax.text(j, i, label, ha="center", va="center", fontsize=9, color="white" if dark else "#111")
    xs = trace.get("x") or list(range(len(z[0])))
    ys = trace.get("y") or list(range(len(z)))
    ax.set_xticks(range(len(xs)), [_text(x) for x in xs], fontsize=9)
    ax.set_yticks(range(len(ys)), [_text(y) for y in ys], fontsize=9)
    ax.set_xlim(-0.5, len(xs) - 0.5)
    reversed_axis = (layout.get("yaxis") or {}).get("autorange") == "reversed"
    ax.set_ylim((len(ys) - 0.5, -0.5) if reversed_axis else (-0.5, len(ys) - 0.5))
    ax.spines[["top", "right"]].set_visible(False)


def _draw_xy(ax, traces: list[dict], layout: dict) -> None:
    """Bar, waterfall and scatter traces on one pair of axes (categorical or numeric x); a heatmap on its own."""
    heatmaps = [t for t in traces if t.get("type") == "heatmap"]
    if heatmaps and len(heatmaps) == len(traces):
        for trace in heatmaps:
            _draw_heatmap(ax, trace, layout)
        return
    categories: list = []
    horizontal = any(t.get("type") == "bar" and t.get("orientation") == "h" for t in traces)
    for trace in traces:
        for value in trace.get("y" if horizontal else "x", []) or []:
            if value not in categories:
                categories.append(value)
    categorical = any(isinstance(v, str) for v in categories)
    position = {c: i for i, c in enumerate(categories)} if categorical else {c: c for c in categories}
    bars = [t for t in traces if t.get("type") in ("bar", "waterfall")]
    stacked = layout.get("barmode") in ("stack", "relative")
    width = 0.8 / (1 if stacked else max(len(bars), 1))
    stack_base: dict = {}
    unsupported = []
    for index, trace in enumerate(traces):
        kind = trace.get("type", "scatter")
        name = _text(trace.get("name")) or None
        if kind in ("bar", "waterfall"):
            cats = trace.get("y" if horizontal else "x", []) or []
            values = [v if v is not None else 0 for v in (trace.get("x" if horizontal else "y", []) or [])]
            offset = 0 if stacked else (bars.index(trace) - (len(bars) - 1) / 2) * width
            pos = [position[c] + offset for c in cats]
            base = [stack_base.get(c, 0) if stacked else 0 for c in cats]
            if kind == "waterfall":
                base, running = [], 0.0
                for value, measure in zip(values, trace.get("measure") or ["relative"] * len(values)):
                    if measure == "total":
                        base.append(0.0)
                        running = value
                    else:
                        base.append(running)
                        running += value
                colour = [PALETTE[0] if v >= 0 else HIGHLIGHT for v in values]
            else:
                colour = _colour((trace.get("marker") or {}).get("color"), index)
            draw = ax.barh if horizontal else ax.bar
            artists = draw(
                pos,
                values,
                width,
                base,
                color=colour,
                label=name,
                edgecolor="#333",
                linewidth=0.4,
                hatch=HATCHES[bars.index(trace) % len(HATCHES)] if len(bars) > 1 else None,
            )
            labels = trace.get("text")
            if labels is not None:
                labels = labels if isinstance(labels, (list, tuple)) else [labels] * len(values)
                ax.bar_label(artists, labels=[_text(t) for t in labels], fontsize=9, padding=2)
            if stacked:
                for c, v in zip(cats, values):
                    stack_base[c] = stack_base.get(c, 0) + v
        elif kind == "scatter":
            xs = [position.get(x, x) for x in trace.get("x", []) or []]
            ys = trace.get("y", []) or []
            if all(x is None for x in xs) or all(y is None for y in ys):
                continue  # a legend-only entry (a figure names a reference line this way): nothing to draw
            xs, ys = [math.nan if x is None else x for x in xs], [math.nan if y is None else y for y in ys]
            mode = trace.get("mode") or "lines+markers"
            line = trace.get("line") or {}
            style = {
                "color": _colour(line.get("color") or (trace.get("marker") or {}).get("color"), index),
                "linestyle": {"dash": "--", "dot": ":", "dashdot": "-."}.get(line.get("dash"), "-"),
            }
            if isinstance(style["color"], list):
                style["color"] = PALETTE[index % len(PALETTE)]
            ax.plot(
                xs,
                ys,
                label=name,
                marker="o" if "markers" in mode else None,
                linestyle=style["linestyle"] if "lines" in mode else "none",
                color=style["color"],
                markersize=4,
            )
            if "text" in mode and trace.get("text"):
                for x, y, t in zip(xs, ys, trace["text"]):
                    ax.annotate(_text(t), (x, y), fontsize=8, xytext=(3, 3), textcoords="offset points")
        else:
            unsupported.append(kind)
    if categorical:
        ticks = ax.set_yticks if horizontal else ax.set_xticks
        ticks(range(len(categories)), [_text(c) for c in categories], fontsize=9)
        if not horizontal and len(categories) > 6:
            ax.tick_params(axis="x", labelrotation=30)
        if horizontal and (layout.get("yaxis") or {}).get("autorange") == "reversed":
            ax.invert_yaxis()  # as Plotly: the first category at the bottom unless the axis is reversed
    elif categories and not horizontal and all(isinstance(c, int) for c in categories):
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # years on the x axis: no 2007.5
    ax.set_xlabel(_title_of(layout.get("xaxis") or {}))
    ax.set_ylabel(_title_of(layout.get("yaxis") or {}))
    (ax.axvline if horizontal else ax.axhline)(0, color="#333", linewidth=0.6)
    for shape in layout.get("shapes", []) or []:
        if shape.get("type") == "line" and shape.get("y0") == shape.get("y1") and not horizontal:
            ax.axhline(shape["y0"], color="#555", linestyle="--", linewidth=0.8)
        elif shape.get("type") == "line" and shape.get("x0") == shape.get("x1") and horizontal:
            ax.axvline(shape["x0"], color="#555", linestyle="--", linewidth=0.8)  # e.g. the ECB rate on break-even bars
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x" if horizontal else "y", color="#ddd", linewidth=0.6)
    ax.set_axisbelow(True)
    if sum(1 for t in traces if t.get("name")) > 1:
        ax.legend(frameon=False, fontsize=9)
    if unsupported:
        ax.text(
            0.5,
            0.5,
            f"Trace type(s) {', '.join(sorted(set(unsupported)))} cannot be drawn without a browser; "
            "see the data table.",
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=10,
            wrap=True,
        )


def _rings(geometry: dict) -> list[list]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry["type"] == "MultiPolygon":
        return [poly[0] for poly in geometry["coordinates"]]
    return []


def _rgb(colour: str):
    """A Plotly colour for matplotlib: 'rgb(103,0,31)' and 'rgba(…)' as fractions; names and hex as they are."""
    if isinstance(colour, str) and colour.startswith("rgb"):
        parts = [float(p) for p in colour[colour.index("(") + 1 : colour.index(")")].split(",")]
        return tuple(p / 255 for p in parts[:3]) + tuple(parts[3:4])
    return colour


def _scale_colour(value: float, low: float, high: float, colorscale) -> str:
    from matplotlib.colors import LinearSegmentedColormap, to_hex

    if isinstance(colorscale, (list, tuple)) and colorscale and isinstance(colorscale[0], (list, tuple)):
        cmap = LinearSegmentedColormap.from_list("plotly", [(float(s), _rgb(c)) for s, c in colorscale])
    else:
        import matplotlib

        cmap = matplotlib.colormaps["viridis"]
    share = 0.5 if high == low else (value - low) / (high - low)
    return to_hex(cmap(min(max(share, 0.0), 1.0)))


def _draw_choropleth(ax, trace: dict) -> None:
    """Polygons of a choropleth trace coloured by z (lon/lat drawn with a cos(latitude) aspect)."""
    from matplotlib.collections import PolyCollection

    geojson = trace.get("geojson") or {}
    key = (trace.get("featureidkey") or "id").split(".")
    values = dict(zip(_items(trace.get("locations")), _items(trace.get("z"))))
    finite = [v for v in values.values() if v is not None and not (isinstance(v, float) and math.isnan(v))]
    low, high = (trace.get("zmin", min(finite or [0])), trace.get("zmax", max(finite or [1])))
    polygons, colours, edges, widths = [], [], [], []
    ordered = sorted(geojson.get("features", []), key=lambda f: values.get(_lookup(f, key)) is not None)
    for feature in ordered:
        value = values.get(_lookup(feature, key))
        colour = "#EEEEEE" if value is None else _scale_colour(value, low, high, trace.get("colorscale"))
        for ring in _rings(feature["geometry"]):
            polygons.append(ring)
            colours.append(colour)
            edges.append("#FFFFFF" if value is None else "#555555")
            widths.append(0.2 if value is None else 0.3)
    ax.add_collection(PolyCollection(polygons, facecolors=colours, edgecolors=edges, linewidths=widths))
    xs = [x for ring in polygons for x, _ in ring]
    ys = [y for ring in polygons for _, y in ring]
    if xs:
        ax.set_xlim(min(xs), max(xs))
        ax.set_ylim(min(ys), max(ys))
        ax.set_aspect(1 / math.cos(math.radians((min(ys) + max(ys)) / 2)))
    ax.set_axis_off()


def _items(value) -> list:
    return [] if value is None else list(value)


def _plain(value):
    """A figure spec with Plotly's typed arrays ({'dtype', 'bdata'}: how to_dict gives NumPy data) as plain lists."""
    if isinstance(value, dict):
        if "bdata" in value and "dtype" in value:
            import base64

            import numpy as np

            array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
            shape = [int(n) for n in str(value.get("shape", len(array))).split(",")]  # Plotly writes "rows, columns"
            return array.reshape(shape).tolist()
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if hasattr(value, "tolist"):  # a NumPy array of objects (e.g. text labels from a pandas Series)
        return value.tolist()
    return value


LABEL_SIDES = (
    "middle right",
    "middle left",
    "top center",
    "bottom center",
    "top right",
    "bottom right",
    "top left",
    "bottom left",
)


def label_sides(
    lons: list[float], lats: list[float], labels: list[str], char_deg: float = 0.13, line_deg: float = 0.28
) -> list[str]:
    """Where to put each point's label so labels do not overlap each other or other points (Plotly textposition
    names): the first side in LABEL_SIDES that is clear, the most crowded points placed first; where none is, the
    side that overlaps least.

    Sizes are in degrees at the zoom the UK maps use: a character is about `char_deg` wide, a line `line_deg` high.
    """
    taken: list[tuple[float, float, float, float]] = []
    points = list(zip(lons, lats))
    sides: dict[int, str] = {}
    crowding = [sum(abs(x - lon) < 2 and abs(y - lat) < 1 for x, y in points) for lon, lat in points]
    for i in sorted(range(len(points)), key=lambda i: (-crowding[i], i)):
        (lon, lat), label = points[i], labels[i]
        width, height, gap = len(str(label)) * char_deg + 0.1, line_deg, char_deg / 2
        right, left = (lon + gap, lon + gap + width), (lon - gap - width, lon - gap)
        centre, up, down = (
            (lon - width / 2, lon + width / 2),
            (lat + gap, lat + gap + height),
            (lat - gap - height, lat - gap),
        )
        middle = (lat - height / 2, lat + height / 2)
        boxes = {
            "middle right": (right[0], middle[0], right[1], middle[1]),
            "middle left": (left[0], middle[0], left[1], middle[1]),
            "top center": (centre[0], up[0], centre[1], up[1]),
            "bottom center": (centre[0], down[0], centre[1], down[1]),
            "top right": (right[0], up[0], right[1], up[1]),
            "bottom right": (right[0], down[0], right[1], down[1]),
            "top left": (left[0], up[0], left[1], up[1]),
            "bottom left": (left[0], down[0], left[1], down[1]),
        }
        others = [point for point in points if point != (lon, lat)]
        crowding_of = {name: _crowding(box, taken, others, width * height) for name, box in boxes.items()}
        sides[i] = min(LABEL_SIDES, key=crowding_of.get)  # the first clear side, else the least crowded
        taken.append(boxes[sides[i]])
    return [sides[i] for i in range(len(points))]


def _crowding(box: tuple, taken: list[tuple], points: list[tuple], point_weight: float) -> float:
    """How crowded a label's box would be: its overlap with the labels already placed, and the other points it
    covers (each weighing `point_weight`, the area of the label)."""
    overlap = sum(
        max(0, min(box[2], b[2]) - max(box[0], b[0])) * max(0, min(box[3], b[3]) - max(box[1], b[1])) for b in taken
    )
    covered = sum(box[0] <= x <= box[2] and box[1] <= y <= box[3] for x, y in points)
    return overlap + covered * point_weight


def _draw_points(ax, trace: dict) -> None:
    """A map's labelled points (e.g. the ten Core Cities) over its polygons, each label on a white backing (a bbox,
    not a stroke effect, so the SVG keeps the labels as text)."""
    lons, lats, labels = _items(trace.get("lon")), _items(trace.get("lat")), _items(trace.get("text"))
    colour = (trace.get("marker") or {}).get("color", HIGHLIGHT)
    ax.scatter(lons, lats, s=30, color=colour, edgecolors="#000000", linewidths=0.6, zorder=3)
    backing = {"boxstyle": "round,pad=0.15", "facecolor": "#FFFFFF", "edgecolor": "none", "alpha": 0.85}
    labels = labels or [""] * len(lons)
    ax.apply_aspect()  # the data-to-pixel scale is final only once the map's aspect is applied
    inverse = ax.transData.inverted()
    origin, step = inverse.transform((0, 0)), inverse.transform((7, 16))  # a 9-point character and line, in pixels
    char_deg, line_deg = abs(step[0] - origin[0]), abs(step[1] - origin[1])
    placement = {
        "middle right": ((4, 0), "left", "center"),
        "middle left": ((-4, 0), "right", "center"),
        "top center": ((0, 4), "center", "bottom"),
        "bottom center": ((0, -4), "center", "top"),
        "top right": ((4, 4), "left", "bottom"),
        "bottom right": ((4, -4), "left", "top"),
        "top left": ((-4, 4), "right", "bottom"),
        "bottom left": ((-4, -4), "right", "top"),
    }
    for lon, lat, label, side in zip(lons, lats, labels, label_sides(lons, lats, labels, char_deg, line_deg)):
        offset, horizontal, vertical = placement[side]
        ax.annotate(
            _text(label),
            (lon, lat),
            xytext=offset,
            textcoords="offset points",
            fontsize=9,
            ha=horizontal,
            va=vertical,
            color="#000000",
            bbox=backing,
            zorder=4,
        )


def _lookup(feature: dict, key: list[str]):
    value = feature
    for part in key:
        value = (value or {}).get(part)
    return value


# ------------------------------------------------------------------------------------------------ maps

# SVG maps (Plotly geo), not web maps: their labels need no glyph server (web-map labels are fetched from a third
# party), they carry a halo, they fit the UK to any width (fitbounds) and they need no WebGL.
# A 12-px label on a phone-width UK map (about 16 px a degree of longitude; a degree of latitude is ~1.7 times taller
# on the Mercator projection at the UK's latitudes), in degrees: labels placed for a phone stay clear on a laptop too.
MAP_CHAR_DEG, MAP_LINE_DEG = 0.45, 0.6
HALO = "-1px -1px 2px #fff, 1px -1px 2px #fff, -1px 1px 2px #fff, 1px 1px 2px #fff, 0 0 4px #fff"
BASE_FILL, BASE_LINE = "#E9ECEF", "#FFFFFF"
# Plotly's SVG maps load a world base map from its CDN even when hidden: they are pointed at the empty one served
# beside the boundaries (Streamlit's static serving of data/boundaries), so no request leaves the server.
BASE_MAP_URL = "app/static/"


@dataclass(frozen=True)
class ColourRange:
    """The values a map's colour scale spans, and the areas beyond it (drawn in the end colours)."""

    low: float
    high: float
    beyond: tuple[tuple[str, float], ...] = ()


def colour_range(values, names, k: float = 6.0) -> ColourRange:
    """A colour scale that one extreme area cannot flatten: it spans the values within k interquartile ranges of the
    quartiles (k = 6 leaves GVA per hour whole and sets aside the City of London's GVA per resident); the
    areas outside are listed."""
    values = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)  # None -> NaN
    names = np.asarray(pd.Series(names), dtype=object)
    known = ~np.isnan(values)
    values, names = values[known], names[known]
    if not len(values):
        return ColourRange(0.0, 1.0)
    q1, q3 = np.quantile(values, [0.25, 0.75])
    inside = (values >= q1 - k * (q3 - q1)) & (values <= q3 + k * (q3 - q1))
    order = np.argsort(-values[~inside], kind="stable")
    return ColourRange(
        float(values[inside].min()),
        float(values[inside].max()),
        tuple((str(n), float(v)) for n, v in zip(names[~inside][order], values[~inside][order])),
    )


def colour_range_note(scale: ColourRange, unit: str) -> str:
    """The caption naming the areas a colour scale leaves out: '' when there are none."""
    from indicators.domain import formatting

    if not scale.beyond:
        return ""
    named = ", ".join(f"{name} ({formatting.value(value, unit)})" for name, value in scale.beyond)
    one = len(scale.beyond) == 1
    return (
        f"{named} {'lies' if one else 'lie'} far from the other areas, so the colours run from "
        f"{formatting.value(scale.low, unit)} to {formatting.value(scale.high, unit)} and "
        f"{'it takes' if one else 'they take'} the end colour."
    )


def padded_range(low: float, high: float, share: float = 0.05) -> list[float]:
    """An axis range from low to high with `share` of the span added on each side (points are not cut in half)."""
    pad = (high - low) * share or abs(high) * share or 1.0
    return [low - pad, high + pad]


def strip_label_size(values, width_px: float = 330, height_px: float = 240) -> tuple[float, float]:
    """(character width, line height) of a 12-px label in data units of a one-row strip plot of `values` on a phone
    (about `width_px` wide, the row about `height_px` high): for label_sides."""
    finite = [v for v in values if v is not None and not math.isnan(v)]
    span = (max(finite) - min(finite)) if finite else 1.0
    return span * 7 / width_px, 16 / height_px


def map_labels(points: pd.DataFrame, text: str = "city", **trace) -> go.Scattergeo:
    """Labelled points (columns lon, lat and `text`) with a white halo, each label on a side that covers no other
    point or label (label_sides, sized for a phone-width UK map)."""
    sides = label_sides(
        points["lon"].tolist(), points["lat"].tolist(), points[text].tolist(), MAP_CHAR_DEG, MAP_LINE_DEG
    )
    return go.Scattergeo(
        lon=points["lon"],
        lat=points["lat"],
        text=points[text],
        mode="markers+text",
        textposition=sides,
        textfont={"size": 12, "color": "#111111", "shadow": HALO},
        marker={"size": 8, "color": HIGHLIGHT, "line": {"width": 1, "color": "#000000"}},
        **trace,
    )


def lad_map_figure(highlight: list[str], context: list[str] = (), *, boundaries: dict | None = None) -> go.Figure:
    """A Plotly choropleth of every local authority: `highlight` dark, `context` (e.g. the rest of its city region)
    light.

    Args:
        highlight: LAD codes to highlight (drawn in the highlight colour).
        context: LAD codes drawn in a lighter shade (e.g. other members of the city region).
        boundaries: LAD GeoJSON (default: data/boundaries/lad.geojson via indicators.data.geography.boundaries).
    """
    if boundaries is None:
        from indicators.data.geography import boundaries as load

        boundaries = load("lad")
    codes = [f["properties"]["area_code"] for f in boundaries["features"]]
    z = [2 if c in highlight else 1 if c in context else 0 for c in codes]
    scale = [[0.0, "#D9DEE3"], [0.5, LIGHT], [1.0, HIGHLIGHT]]
    fig = go.Figure(
        go.Choropleth(
            geojson=boundaries,
            locations=codes,
            z=z,
            featureidkey="properties.area_code",
            zmin=0,
            zmax=2,
            colorscale=scale,
            showscale=False,
            marker_line_width=0.3,
            marker_line_color="#555",
        )
    )
    fig.update_geos(fitbounds="locations", visible=False)
    return fig


def lad_map_image(
    highlight: list[str],
    context: list[str] = (),
    *,
    label: str,
    fmt: str = "png",
    width: int = 520,
    height: int = 640,
    scale: float = 2,
) -> bytes:
    """A browser-free map image (matplotlib) of all local authorities with some highlighted and labelled.

    Args:
        highlight, context: LAD codes highlighted dark / light (see `lad_map_figure`).
        label: text drawn in the map's key (names the highlighted area, so colour is never the only cue).
    """
    from matplotlib.patches import Patch

    figure = new_figure(width, height)
    ax = figure.add_axes((0.0, 0.08, 1.0, 0.92))
    trace = lad_map_figure(highlight, context).to_dict()["data"][0]
    _draw_choropleth(ax, trace)
    points = [
        pt
        for f in trace["geojson"]["features"]
        if f["properties"]["area_code"] in highlight
        for ring in _rings(f["geometry"])
        for pt in ring
    ]
    if points:  # name the area on the map with a leader line, so the highlight colour is not the only cue
        x, y = sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)
        ax.annotate(
            label.split(" (")[0],
            (x, y),
            xytext=(0.78, 0.7),
            textcoords="axes fraction",
            fontsize=10,
            fontweight="bold",
            ha="center",
            arrowprops={"arrowstyle": "-", "color": "#222", "linewidth": 0.8},
            bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": HIGHLIGHT},
        )
    handles = [Patch(facecolor=HIGHLIGHT, edgecolor="#555", label=label)]
    if context:
        handles.append(Patch(facecolor=LIGHT, edgecolor="#555", label="Rest of its city region"))
    figure.legend(handles=handles, loc="lower left", frameon=False, fontsize=9)
    return save(figure, check_format(fmt), scale)
