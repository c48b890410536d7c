"""Render a chart the same way everywhere: title and definition above it, units, source line, image exports beside
it, a table alternative and downloads that carry their own metadata."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from urllib.parse import urlsplit

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from indicators.analysis import revisions
from indicators.data import catalog
from indicators.data.memo import per_database
from indicators.exports import figures, labels, reuse
from indicators.exports.labels import Meta  # noqa: F401  (pages: render.Meta(title=…, definition=…, …))
from indicators.exports.reuse import EMBED_PATH
from indicators.views import embed as embeds

# Okabe–Ito: distinguishable with the common colour-vision deficiencies
PALETTE, HIGHLIGHT, MUTED = figures.PALETTE, figures.HIGHLIGHT, figures.MUTED  # one palette for screen and exports
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Costly exports (chart images, briefing packs) take seconds of CPU and a browser or matplotlib each: at most
# EXPORTS_AT_ONCE are drawn at a time in the process, one session may draw one every EXPORT_COOLDOWN_S seconds, and
# what was drawn is kept (EXPORTS_KEPT_BYTES in all) for every visitor who asks for the same thing.
EXPORTS_AT_ONCE = 2  # one replica has two cores; visitors reading pages keep the rest of the time
EXPORT_WAIT_S = 5  # a press waits this long for a free slot, then says so (a script thread is never parked for long)
EXPORT_COOLDOWN_S = 15
EXPORTS_KEPT_BYTES = 64 * 2**20
_export_slots = threading.BoundedSemaphore(EXPORTS_AT_ONCE)
# Plotly's own camera button is removed: its PNG would lack the source; the image buttons under a chart bake it in
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["toImage"], "topojsonURL": figures.BASE_MAP_URL}
WAIT_ICON = (
    ":material/hourglass_top:"  # Streamlit's own icon font: an hourglass emoji is a blank box without an emoji font
)


def sync_param(param: str, value) -> None:
    """Write a page's own choice into the URL so the link reproduces the view."""
    st.query_params[param] = str(value)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "data"


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>~$:&|#!{}])")
_LABEL_SPECIAL = re.compile(r"([\\`*_\[\]<>~$|])")


def markdown_escape(text, *, label: bool = False) -> str:
    """`text` (which may hold area names or other data) as st.markdown shows it literally, on one line: Markdown's
    and Streamlit's special characters backslash-escaped (emphasis, links, HTML, LaTeX `$`, `:color[…]` directives,
    `:emoji:` codes), and a leading list or numbered-list marker defused. `label=True` for a widget label (inline
    Markdown only): emphasis, code, links, directives and LaTeX are escaped, and colons are left as they read."""
    text = re.sub(r"\s+", " ", str(text)).strip()
    # Streamlit turns :smile: and :material/home: into icons after Markdown has undone the escapes: an invisible word
    # joiner after the first colon keeps them as typed
    text = re.sub(r":(?=(?:material/)?[\w+-]+:)", ":\u2060", text)
    if label:  # a colon starting a directive (:red[…]) is escaped too
        return re.sub(r":(?=[\w-]+\\\[)", r"\\:", _LABEL_SPECIAL.sub(r"\\\1", text))
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return re.sub(r"^(\d+)([.)])", r"\1\\\2", re.sub(r"^([-+=])", r"\\\1", text))


def style(fig: go.Figure, title: str, subtitle: str, y_title: str | None = None) -> go.Figure:
    """Colours, font and margins for the on-screen chart. The title and subtitle (the definition) are drawn by
    `chart` as text above the figure, where they wrap on a phone instead of being cut off; the PNG/SVG exports bake
    title, subtitle and source line in (indicators.exports.figures). `title` and `subtitle` are accepted for the figure
    cache's key and for callers, and not put on the figure.

    Plain attribute assignments: `update_layout` parses every keyword as a property path (~5 ms a chart, against
    ~1 ms). No named template: Streamlit's theme styles the chart on screen, and assigning one such as "plotly_white"
    deep-copies it on every call (~15 ms a chart) and adds ~6 KB to every chart message. Pages use no subplots, so
    the y axis title goes on the one y axis."""
    layout = fig.layout
    layout.colorway = PALETTE
    layout.margin = {"t": 40, "b": 40, "l": 10, "r": 10}  # room at the top for the mode bar and labels above bars
    layout.font = {"family": "Arial, sans-serif", "size": 13}
    if y_title:
        layout.yaxis.title.text = y_title
    return fig


# ------------------------------------------------------------------------------------------------ downloads


def current_view() -> str:
    """The address of the view being shown: the page's URL and its query string (empty outside a browser session)."""
    params = {name: st.query_params.get_all(name) for name in st.query_params}
    return labels.view_url(st.context.url, params)


def licence_for(source: str) -> str:
    """The licences of the releases named in a source line, read from the warehouse's sources table."""
    return labels.licences(source, list(catalog.source_rows()))


def complete(meta: Meta) -> Meta:
    """`meta` with its licence filled in from the sources it names, when not given."""
    return meta if meta.licence else dataclasses.replace(meta, licence=licence_for(meta.source))


def today() -> str:
    """Today as GOV.UK writes a date: 1 December 2026."""
    return labels.long_date(date.today())


def csv_bytes(table: pd.DataFrame, meta: Meta | None = None, units=None, *, downloaded: str | None = None) -> bytes:
    """A table's CSV download (exports.reuse.csv_bytes), dated today unless `downloaded` is given."""
    return reuse.csv_bytes(table, meta, units, downloaded=today() if downloaded is None else downloaded)


def xlsx_bytes(table: pd.DataFrame, meta: Meta | None = None, units=None, *, downloaded: str | None = None) -> bytes:
    """An Excel workbook: an "About" sheet (title, definition, unit, period, source, licence, view) and a "Data"
    sheet with the table: bold headers, fitted column widths, number formats as displayed ('"£"#,##0', '0.0"%"')."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    about = book.active
    about.title = "About"
    about.append(["Field", "Value"])
    for name, text in labels.meta_fields(meta or Meta(), table, today() if downloaded is None else downloaded):
        about.append([name, text])
    for cell in about["A"]:
        cell.font = Font(bold=True)
    for cell in about["B"]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    about.column_dimensions["A"].width = 14
    about.column_dimensions["B"].width = 100

    prepared = labels.prepare(table, units)
    data = book.create_sheet("Data")
    headers = list(prepared.frame.columns)
    data.append(headers)
    for cell in data[1]:
        cell.font = Font(bold=True)
    data.freeze_panes = "A2"
    widths = [len(h) for h in headers]
    for row in prepared.frame.itertuples(index=False, name=None):
        data.append([_cell(v) for v in row])
    for j, name in enumerate(headers, start=1):
        unit = prepared.units.get(name)
        for i, cell in enumerate(data.iter_rows(min_row=2, min_col=j, max_col=j), start=0):
            cell = cell[0]
            value = cell.value
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                row_unit = unit[i] if isinstance(unit, list) else unit
                if isinstance(row_unit, str) and row_unit:
                    cell.number_format = labels.excel_format(row_unit, value)
                widths[j - 1] = max(widths[j - 1], len(f"{value:,}") + 2)
            elif value is not None:
                widths[j - 1] = max(widths[j - 1], len(str(value)))
        data.column_dimensions[get_column_letter(j)].width = min(max(widths[j - 1] + 2, 8), 60)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value):
    """A value openpyxl can write (anything else as its text)."""
    if value is None or isinstance(value, (str, int, float, bool, date)):
        return value
    return str(value)


def download_meta(name: str, meta: Meta | None = None, **fields: str) -> Meta:
    """The metadata of a download: `meta` with any non-empty keyword field over it, a title from the file name when
    none is given, and the URL of the view now (a deferred download runs outside the session, so it is read here)."""
    meta = dataclasses.replace(meta or Meta(), **{k: v for k, v in fields.items() if v})
    if not meta.title:
        meta = dataclasses.replace(meta, title=name.replace("-", " ").capitalize())
    return meta if meta.view else dataclasses.replace(meta, view=current_view())


def downloads(
    table: pd.DataFrame,
    name: str,
    key: str,
    *,
    meta: Meta | None = None,
    units=None,
    title: str = "",
    definition: str = "",
    unit: str = "",
    period: str = "",
    source: str = "",
    licence: str = "",
    note: str = "",
) -> None:
    """CSV and XLSX downloads of exactly the data shown, opening with their metadata (title, definition, unit, period,
    source, licence, the URL of the view), with plain-English headers and values rounded as displayed.

    Args:
        table, name, key: the table, the file name (without extension) and the widget key prefix.
        meta: a `Meta` (render.Meta), or the same fields as keywords (a keyword given overrides the Meta's field).
            Unit and period default to the table's own; the licence is read from the sources the `source` line names.
        units: {column: warehouse unit} for columns whose unit the name does not say, or one unit for the value
            columns (see indicators.exports.labels.for_download); defaults to meta.unit.
    Files are generated only when clicked (deferred), so reruns don't pay for writing every table as XLSX."""
    meta = download_meta(
        name,
        meta,
        title=title,
        definition=definition,
        unit=unit,
        period=period,
        source=source,
        licence=licence,
        note=note,
    )
    units = (meta.unit or None) if units is None else units
    left, right = st.columns(2)
    left.download_button(
        "Download CSV",
        lambda: csv_bytes(table, complete(meta), units),
        f"{name}.csv",
        "text/csv",
        key=f"{key}-csv",
        width="stretch",
        on_click="ignore",
    )
    right.download_button(
        "Download XLSX",
        lambda: xlsx_bytes(table, complete(meta), units),
        f"{name}.xlsx",
        XLSX_MIME,
        key=f"{key}-xlsx",
        width="stretch",
        on_click="ignore",
    )


# ------------------------------------------------------------------------------------------------ charts


FIGURES_KEPT = 256  # styled figures kept per database (least recently used dropped first)
_stores_lock = threading.Lock()  # guards the figure and export stores below


@per_database
def _figure_store() -> OrderedDict:
    return OrderedDict()


def styled_figure(
    fig: go.Figure | Callable[[], go.Figure], title: str, subtitle: str, y_title: str | None, cache: tuple | None
) -> go.Figure:
    """`fig` styled. With `cache` (a tuple of everything the figure depends on), `fig` is a function that builds the
    figure, called once per process and database for each cache tuple and title; the styled figure is then reused by
    every session (building and validating Plotly figures was a third of a rerun). Shared: never mutate it."""
    if cache is None:
        return style(fig, title, subtitle, y_title)
    store, key = _figure_store(), (cache, title, subtitle, y_title)
    with _stores_lock:
        if key in store:
            store.move_to_end(key)
            return store[key]
    built = style(fig(), title, subtitle, y_title)
    with _stores_lock:
        store[key] = built
        while len(store) > FIGURES_KEPT:
            store.popitem(last=False)
    return built


def chart(
    fig: go.Figure | Callable[[], go.Figure],
    *,
    title: str,
    subtitle: str,
    source: str,
    table: pd.DataFrame | Callable[[], pd.DataFrame],
    key: str,
    y_title: str | None = None,
    on_select: str | None = None,
    note: str | None = None,
    cache: tuple | None = None,
    units=None,
    unit: str = "",
    period: str = "",
):
    """Show a chart under its title and definition, with its source line and image exports under it, a table
    alternative and downloads.

    `table` may be a function returning the table, called only when the table is opened;
    `cache`: everything the figure depends on, with `fig` a function building it (see styled_figure);
    on_select="rerun" makes points selectable and returns Streamlit's selection event (else None);
    `note` is a caption under the chart (e.g. how to read the colours);
    `units`, `unit`, `period`: for the downloads (see `downloads`); title, definition and source are passed on.
    """
    # Title and definition as text, not in the figure: text wraps on a phone where a Plotly title is cut off.
    # Escaped: titles carry area names from the data.
    st.markdown(f"**{markdown_escape(title)}**")
    if subtitle:
        st.caption(markdown_escape(subtitle))
    options = {"on_select": on_select, "selection_mode": "points"} if on_select else {}
    depends = None if cache is None else (key, *cache)
    fig = styled_figure(fig, title, subtitle, y_title, depends)
    event = st.plotly_chart(
        fig,
        width="stretch",
        key=key,
        config=PLOTLY_CONFIG,
        **options,
    )
    words, images = st.columns([3, 2])
    words.caption(f"{note} {source}" if note else source)
    revised_note(source, words)
    with images:
        image_downloads(fig, title=title, subtitle=subtitle, source=source, key=key, depends=depends)
        reuse_actions(key, title, source)
    # The table alternative is built only once opened: a closed one costs neither an Arrow conversion on every rerun
    # nor, on a first visit, the browser's data-grid bundle (about 1.4 MB) competing with the chart for the main thread.
    unit = unit or (units if isinstance(units, str) else "")
    lazy_table(
        f"Table: {markdown_escape(title, label=True)}",
        key,
        table,
        slug(title),
        meta=Meta(title=title, definition=subtitle, unit=unit, period=period, source=source),
        units=units,
    )
    return event if on_select else None


def lazy_table(
    label: str,
    key: str,
    table: pd.DataFrame | Callable[[], pd.DataFrame],
    name: str,
    *,
    meta: Meta | None = None,
    units=None,
    **fields,
) -> bool:
    """An expander holding a table and its CSV/XLSX downloads, built only once opened (`table` may be a function);
    returns whether it is open, with its content drawn inside it. `meta`/`fields`/`units` as for `downloads` (the
    title defaults to the label without "Table: ")."""
    section = st.expander(label, key=f"{key}-table", on_change="rerun")
    if section.open:
        with section:
            table = table() if callable(table) else table
            if meta is None:
                title = re.sub(r"^Table:\s*", "", label)
                meta = Meta(title=title[:1].upper() + title[1:])
            st.dataframe(
                table,
                hide_index=True,
                width="stretch",
                placeholder="",
                column_config=screen_columns(table, units or meta.unit),
            )
            downloads(table, name, key, meta=meta, units=units, **fields)
    return section.open


def screen_columns(table: pd.DataFrame, units=None) -> dict:
    """st.dataframe column settings: plain-English headers, and thousands separators with the decimals shown
    elsewhere for a number column in one known unit (the data themselves are unchanged)."""
    settings = {}
    found = labels.cell_units(table, units or None)
    for column in table.columns:
        name = labels.header(column)
        unit = found.get(column)
        if isinstance(unit, str) and unit and table[column].notna().any():
            places = labels.decimals(unit, float(table[column].abs().min()))
            settings[column] = st.column_config.NumberColumn(name, format=f"%,.{places}f")
        elif name != column:
            settings[column] = st.column_config.Column(name)
    return settings


# ------------------------------------------------------------------------------------------------ images


class ExportRefused(Exception):
    """A costly export was not drawn now; the message says why and when to try again."""


@per_database
def _export_store() -> OrderedDict:
    return OrderedDict()


def _size(result) -> int:
    return sum(len(v) for v in result.values()) if isinstance(result, dict) else len(result)


def prepared_export(key: tuple, make: Callable[[], bytes | dict]):
    """The export `key` names, drawn by `make()` only if no visitor has had it drawn yet (then kept, shared).

    Drawing is contained: ExportRefused when this session drew one less than EXPORT_COOLDOWN_S seconds ago, or when
    EXPORTS_AT_ONCE exports are being drawn and none finishes within EXPORT_WAIT_S.
    """
    store = _export_store()
    with _stores_lock:
        if key in store:
            store.move_to_end(key)
            return store[key]
    wait = st.session_state.get("_export_drawn_at", -EXPORT_COOLDOWN_S) + EXPORT_COOLDOWN_S - time.monotonic()
    if wait > 0:
        seconds = math.ceil(wait)
        raise ExportRefused(
            f"You can prepare another export in {seconds} second{'s' if seconds != 1 else ''}: each "
            f"visitor may prepare one every {EXPORT_COOLDOWN_S} seconds, so that everyone gets a turn."
        )
    if not _export_slots.acquire(timeout=EXPORT_WAIT_S):
        raise ExportRefused("Exports are being prepared for other visitors; please try again in a moment.")
    try:
        st.session_state["_export_drawn_at"] = time.monotonic()
        result = make()
    finally:
        _export_slots.release()
    with _stores_lock:
        store[key] = result
        while len(store) > 1 and sum(_size(v) for v in store.values()) > EXPORTS_KEPT_BYTES:
            store.popitem(last=False)
    return result


def _images_key(fig: go.Figure, title: str, subtitle: str, source: str, depends: tuple | None) -> tuple:
    """What the images depend on: the figure's cache tuple where it has one (cheap), else the figure itself."""
    what = repr(depends) if depends is not None else fig.to_json()
    return ("images", hashlib.sha256("\x1f".join((what, title, subtitle, source)).encode()).hexdigest())


def image_downloads(
    fig: go.Figure, *, title: str, subtitle: str, source: str, key: str, depends: tuple | None = None
) -> None:
    """PNG and SVG of a chart with title, definition, source line and date baked in. Drawn on request (see
    prepared_export), then kept for this chart and definition, so both buttons stay after either is used."""
    held_key = f"_images-{key}"
    wanted = _images_key(fig, title, subtitle, source, depends)
    held = st.session_state.get(held_key)
    if held is not None and held[0] != wanted:
        held = None  # the chart changed: the images kept no longer show it
        del st.session_state[held_key]
    place = st.empty()
    if held is None:
        if not place.button("Prepare PNG and SVG images", key=f"{key}-images", width="stretch"):
            return
        try:
            with st.spinner("Drawing the images…"):
                drawn = prepared_export(
                    wanted, lambda: figures.chart_images(fig, title=title, subtitle=subtitle, source=source)
                )
        except ExportRefused as refused:
            place.warning(str(refused), icon=WAIT_ICON)
            return
        held = (wanted, drawn)
        st.session_state[held_key] = held
    row = place.container(horizontal=True)
    for fmt in figures.FORMATS:
        row.download_button(
            f"Download {fmt.upper()}",
            held[1][fmt],
            f"{slug(title)}.{fmt}",
            figures.MIME[fmt],
            key=f"{key}-{fmt}",
            width="stretch",
            on_click="ignore",
        )


# ------------------------------------------------------------------------------------------------ reuse


def site_root() -> str:
    """The dashboard's own address (scheme and host) as the visitor's browser reached it; '' outside a session."""
    parts = urlsplit(st.context.url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def is_embed() -> bool:
    """Whether the address is the chart-only route (/embed)."""
    return urlsplit(st.context.url or "").path.rstrip("/").endswith(f"/{EMBED_PATH}")


def link_query() -> dict[str, str]:
    """The view's query parameters now (read here: a deferred download runs outside the session)."""
    return {name: st.query_params.get(name) for name in st.query_params if name != "embed"}


def reuse_actions(key: str, title: str, source: str) -> None:
    """Beside a chart's images: its data as CSV and as JSON with its metadata (rebuilt from the link, as
    `python -m indicators chart` gives it), and the code to embed it and to cite it. Files are made on click."""
    if key not in embeds.CHARTS:
        return
    query, base = link_query(), site_root()

    def built() -> embeds.Built:
        return embeds.build(key, query, base)

    name = slug(title)
    row = st.container(horizontal=True)
    row.download_button(
        "Data CSV",
        lambda: embeds.csv_bytes(built()),
        f"{name}-data.csv",
        "text/csv",
        key=f"{key}-data-csv",
        on_click="ignore",
        help="The chart's own data, opening with its title, definition, source, licence and data version.",
    )
    row.download_button(
        "Data JSON",
        lambda: reuse.json_bytes(embeds.document(built())),
        f"{name}.json",
        "application/json",
        key=f"{key}-data-json",
        on_click="ignore",
        help="The chart's data with its metadata (definition, unit, period, sources and their releases, licence, "
        "data version, the URL of this view), as `python -m indicators chart --json` prints it.",
    )
    drawer = row.popover("Embed or cite", key=f"{key}-reuse", on_change="rerun", help="Iframe code and a citation.")
    if not drawer.open:  # built only once opened: a closed drawer costs a rerun nothing
        return
    with drawer:
        version = catalog.data_version()
        st.markdown("**Embed this chart** in your own page (it stays on this data version):")
        st.code(reuse.iframe_code(reuse.embed_url(base, key, version, query), title), language="html", wrap_lines=True)
        citation(title, source, version)


def citation(title: str, source: str, version: str | None = None) -> None:
    """How to cite the view: plain text and BibTeX, naming the data version, the URL of the view and today."""
    version = version or catalog.data_version()
    url, accessed = current_view(), date.today()
    st.markdown("**Cite** (plain text, then BibTeX):")
    st.code(reuse.citation_text(title, source, version, url, accessed), language=None, wrap_lines=True)
    st.code(reuse.citation_bibtex(title, source, version, url, accessed), language="latex", wrap_lines=True)


def cite_page(title: str) -> None:
    """A "Cite this page" panel for the page `title` (the frame puts one under every page), built once opened."""
    section = st.expander("Cite this page", key="cite-page", on_change="rerun")
    if section.open:
        with section:
            citation(f"{title}, {reuse.DASHBOARD}", "")


def revised_note(source: str, where) -> None:
    """ "Revised since …" under a chart whose cited release another vintage held here revises (see Revisions)."""
    text = revisions.note_for_source(source)
    if text:
        where.caption(f":material/history: {markdown_escape(text)}")


def embedded_chart(shown: embeds.Embedded) -> None:
    """The chart-only view (/embed): the chart under its title and definition, with its source line, the data
    version and a link back to the full view; or the notice saying why the link can't be shown, with links to what
    can (never a traceback)."""
    links = " · ".join(f"[{markdown_escape(text, label=True)}]({url})" for text, url in shown.links)
    if shown.built is None:  # the notice may quote the link's text: shown literally
        st.warning(markdown_escape(shown.notice or ""), icon="ℹ️")
        st.markdown(links)
        return
    built, drawn = shown.built, shown.built.chart
    if shown.notice:
        st.info(markdown_escape(shown.notice), icon="ℹ️")
    st.markdown(f"**{markdown_escape(built.meta.title)}**")
    if built.meta.definition:
        st.caption(markdown_escape(built.meta.definition))
    depends = (built.chart_id, *drawn.cache)
    fig = styled_figure(drawn.figure, built.meta.title, built.meta.definition, drawn.y_title, depends)
    st.plotly_chart(
        fig,
        width="stretch",
        key=f"embed-{built.chart_id}",
        config=PLOTLY_CONFIG,
    )
    note = f"{drawn.note} " if drawn.note else ""
    st.caption(markdown_escape(f"{note}{built.meta.source}"))
    revised_note(built.meta.source, st)
    st.caption(f"Data version {markdown_escape(built.data_version)} · {links}")


# ------------------------------------------------------------------------------------------------ panels


def delta_style(gap: float | None, polarity: str) -> dict:
    """st.metric keywords for a gap written with a true minus sign (Streamlit reads the direction from a leading
    hyphen only): the arrow follows the gap's sign, the colour says better (green) or worse (red) by polarity."""
    if gap is None or abs(gap) < 0.05:
        return {"delta_arrow": "off", "delta_color": "off"}
    if polarity not in ("higher_is_better", "lower_is_better"):
        return {"delta_arrow": "up" if gap > 0 else "down", "delta_color": "gray"}
    better = (gap > 0) == (polarity == "higher_is_better")
    return {"delta_arrow": "up" if gap > 0 else "down", "delta_color": "green" if better else "red"}


def how_calculated(provenance: dict, key: str) -> None:
    """The "How was this calculated?" panel: formula, inputs and the releases they come from."""
    with st.expander("How was this calculated?"):
        if provenance.get("formula"):
            st.markdown(f"**Formula.** {provenance['formula']}")
        figures_used = [provenance[k] for k in ("area", "benchmark") if isinstance(provenance.get(k), dict)]
        if figures_used:
            st.markdown(
                "**Figures.** "
                + " ".join(f"{f.get('name', f['area_code'])} ({f['area_code']}): {f['how']}." for f in figures_used)
            )
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
    return (
        f"- {what}{unit}: {release.get('publisher', '')}, *{release.get('release', '')}*, "
        f"released {release.get('release_date', '')}"
    )
