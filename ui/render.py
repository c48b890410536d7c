"""Render a chart the same way everywhere: title, units, source line, table alternative, downloads."""

from __future__ import annotations

import io
import re
import threading
from collections import OrderedDict
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from indicators import figures
from indicators.memo import per_database

# Okabe–Ito: distinguishable with the common colour-vision deficiencies
PALETTE, HIGHLIGHT, MUTED = figures.PALETTE, figures.HIGHLIGHT, figures.MUTED  # one palette for screen and exports
DIVERGING = "RdBu"  # blue = better, red = worse once polarity is applied


def sync_param(param: str, value) -> None:
    """Write a page's own choice into the URL so the link reproduces the view."""
    st.query_params[param] = str(value)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "data"


def style(fig: go.Figure, title: str, subtitle: str, y_title: str | None = None) -> go.Figure:
    """Title and subtitle (the definition) on the figure; the source line is the caption right under it on screen and
    is baked into the PNG/SVG exports (indicators.figures).

    Plain attribute assignments: `update_layout` parses every keyword as a property path (~5 ms a chart, against
    ~1 ms). No named template: Streamlit's theme styles the chart on screen, and assigning one such as "plotly_white"
    deep-copies it on every call (~15 ms a chart) and adds ~6 KB to every chart message. Pages use no subplots, so
    the y axis title goes on the one y axis."""
    layout = fig.layout
    layout.title = {"text": f"{title}<br><sup>{subtitle}</sup>", "x": 0, "xanchor": "left"}
    layout.colorway = PALETTE
    layout.margin = {"t": 80, "b": 40, "l": 10, "r": 10}
    layout.font = {"family": "Arial, sans-serif", "size": 13}
    if y_title:
        layout.yaxis.title.text = y_title
    return fig


def downloads(table: pd.DataFrame, name: str, key: str) -> None:
    """CSV and XLSX downloads of exactly the data shown."""
    left, right = st.columns(2)
    # files are generated only when clicked (deferred), so reruns don't pay for writing every table as XLSX
    left.download_button("Download CSV", lambda: table.to_csv(index=False).encode("utf-8"), f"{name}.csv", "text/csv",
                         key=f"{key}-csv", width="stretch", on_click="ignore")
    right.download_button("Download XLSX", lambda: xlsx_bytes(table), f"{name}.xlsx",
                          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          key=f"{key}-xlsx", width="stretch", on_click="ignore")


def xlsx_bytes(table: pd.DataFrame) -> bytes:
    """The table as an Excel workbook."""
    buffer = io.BytesIO()
    table.to_excel(buffer, index=False, sheet_name="data")
    return buffer.getvalue()


FIGURES_KEPT = 256  # styled figures kept per database (least recently used dropped first)
_figures_lock = threading.Lock()


@per_database
def _figure_store() -> OrderedDict:
    return OrderedDict()


def styled_figure(fig: go.Figure | Callable[[], go.Figure], title: str, subtitle: str, y_title: str | None,
                  cache: tuple | None) -> go.Figure:
    """`fig` styled. With `cache` (a tuple of everything the figure depends on), `fig` is a function that builds the
    figure, called once per process and database for each cache tuple and title; the styled figure is then reused by
    every session (building and validating Plotly figures was a third of a rerun). Shared: never mutate it."""
    if cache is None:
        return style(fig, title, subtitle, y_title)
    store, key = _figure_store(), (cache, title, subtitle, y_title)
    with _figures_lock:
        if key in store:
            store.move_to_end(key)
            return store[key]
    built = style(fig(), title, subtitle, y_title)
    with _figures_lock:
        store[key] = built
        while len(store) > FIGURES_KEPT:
            store.popitem(last=False)
    return built


def chart(fig: go.Figure | Callable[[], go.Figure], *, title: str, subtitle: str, source: str,
          table: pd.DataFrame | Callable[[], pd.DataFrame], key: str, y_title: str | None = None,
          on_select: str | None = None, note: str | None = None, cache: tuple | None = None):
    """Show a styled Plotly chart with its source line, a table alternative and downloads.

    `table` may be a function returning the table, called only when the table is opened;
    `cache`: everything the figure depends on, with `fig` a function building it (see styled_figure);
    on_select="rerun" makes points selectable and returns Streamlit's selection event (else None);
    `note` is a caption under the chart (e.g. how to read the colours).
    """
    options = {"on_select": on_select, "selection_mode": "points"} if on_select else {}
    fig = styled_figure(fig, title, subtitle, y_title, None if cache is None else (key, *cache))
    # Plotly's own camera button is removed: its PNG would lack the source; the image buttons below bake it in
    event = st.plotly_chart(fig, width="stretch", key=key,
                            config={"displaylogo": False, "modeBarButtonsToRemove": ["toImage"]},
                            **options)
    st.caption(f"{note} {source}" if note else source)
    # The table alternative is built only once opened: a closed one costs neither an Arrow conversion on every rerun
    # nor, on a first visit, the browser's data-grid bundle (about 1.4 MB) competing with the chart for the main thread.
    if lazy_table(f"Table: {title}", key, table, slug(title)):
        image_downloads(fig, title=title, subtitle=subtitle, source=source, key=key)
    return event if on_select else None


def lazy_table(label: str, key: str, table: pd.DataFrame | Callable[[], pd.DataFrame], name: str) -> bool:
    """An expander holding a table and its CSV/XLSX downloads, built only once opened (`table` may be a function);
    returns whether it is open, with its content drawn inside it."""
    section = st.expander(label, key=f"{key}-table", on_change="rerun")
    if section.open:
        with section:
            table = table() if callable(table) else table
            st.dataframe(table, hide_index=True, width="stretch")
            downloads(table, name, key)
    return section.open


def image_downloads(fig: go.Figure, *, title: str, subtitle: str, source: str, key: str) -> None:
    """PNG and SVG of a chart with title, definition, source line and date baked in (built on request: it takes seconds)."""
    if st.button("Prepare PNG and SVG images", key=f"{key}-images"):
        with st.spinner("Drawing the images…"):
            images = figures.chart_images(fig, title=title, subtitle=subtitle, source=source)
        for column, fmt in zip(st.columns(len(figures.FORMATS)), figures.FORMATS):
            column.download_button(f"Download {fmt.upper()}", images[fmt], f"{slug(title)}.{fmt}", figures.MIME[fmt],
                                   key=f"{key}-{fmt}", width="stretch")


def how_calculated(provenance: dict, key: str) -> None:
    """The "How was this calculated?" panel: formula, inputs and the releases they come from."""
    with st.expander("How was this calculated?"):
        if provenance.get("formula"):
            st.markdown(f"**Formula.** {provenance['formula']}")
        figures_used = [provenance[k] for k in ("area", "benchmark") if isinstance(provenance.get(k), dict)]
        if figures_used:
            st.markdown("**Figures.** " + " ".join(f"{f.get('name', f['area_code'])} ({f['area_code']}): {f['how']}."
                                                  for f in figures_used))
        for label in ("method", "assumptions", "limits", "note"):
            if provenance.get(label):
                st.markdown(f"**{label.capitalize()}.** {provenance[label]}")
        releases = provenance.get("releases")
        if releases:
            # a list, not a dataframe: as readable, and it spares every rerun an Arrow conversion
            st.markdown("**Official releases used**\n\n" + "\n".join(release_line(r) for r in releases))


def release_line(release: dict) -> str:
    """One markdown bullet for a release row (indicator rows carry name and unit, source rows a title)."""
    what = release.get("name") or release.get("title", "")
    unit = f" ({release['unit']})" if release.get("unit") else ""
    return (f"- {what}{unit}: {release.get('publisher', '')}, *{release.get('release', '')}*, "
            f"released {release.get('release_date', '')}")


def decomposition_section(area_code: str, geography_key: str, benchmark: str, year: int, *, name: str,
                          benchmark_label: str, key: str) -> None:
    """The GVA-per-head gap split into productivity, hours and jobs, as a waterfall (log points add up exactly)."""
    from indicators import measures, productivity  # local: keeps ui.render importable without the warehouse

    hour_years = productivity.available_years("hour")
    decomposition_year = year if year in hour_years else hour_years[-1]
    try:
        parts = productivity.decomposition(area_code, geography_key, benchmark, decomposition_year)
    except (ValueError, KeyError, IndexError) as problem:
        st.info(f"No decomposition for this area: {problem}")
        return

    def waterfall() -> go.Figure:
        components, steps = measures.waterfall_steps(area_code, geography_key, benchmark, decomposition_year)
        return go.Figure(go.Waterfall(
            x=components, y=steps, measure=["relative"] * (len(steps) - 1) + ["total"],
            text=[f"{v:+.1f}" for v in steps], textposition="outside",
            increasing={"marker": {"color": PALETTE[0]}}, decreasing={"marker": {"color": PALETTE[5]}},
            totals={"marker": {"color": PALETTE[7]}},
        ))

    chart(waterfall, cache=(area_code, geography_key, benchmark, decomposition_year),
          title=f"{name}: GVA per head gap against {benchmark_label}, split into productivity, hours and jobs",
          subtitle=f"log points (100 × ln ratio; they add up exactly) · {geography_key.replace('-', ' ')} areas · "
          f"{decomposition_year}",
          source=measures.source("gva_per_hour", "gva_per_head"),
          key=key, y_title="log points", table=parts)

