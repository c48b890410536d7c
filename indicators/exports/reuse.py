"""A chart's data for reuse: one JSON document with its metadata (the same shape on the page's "Data JSON" button and
from `python -m indicators chart … --json`), the same data as CSV, a citation (plain text and BibTeX) and the iframe
code of its embed."""

from __future__ import annotations

import json
import math
import re
from datetime import date
from urllib.parse import urlencode

import pandas as pd

from indicators.exports.labels import (
    Meta,
    cell_units,
    csv_header,
    for_download,
    header,
    long_date,
    named_sources,
    period_of,
    unit_of,
)

DASHBOARD = "Core Cities indicators dashboard"
EMBED_PATH = "embed"  # the chart-only route: the one the proxy lets other sites frame
EMBED_HEIGHT_PX = 620
SOURCE_FIELDS = ("source_id", "publisher", "title", "release", "release_date", "vintage", "licence", "url")


def cited_sources(source: str, sources: list[dict]) -> list[dict]:
    """The release rows a chart's source line cites (by release or title), each with the fields a reader needs."""
    named = named_sources(source, [{k: v for k, v in row.items() if k != "publisher"} for row in sources])
    named = named or named_sources(source, sources)  # a line naming publishers only ('HM Treasury, CRA; …')
    ids = {row["source_id"] for row in named}
    return [{k: _plain(row.get(k)) for k in SOURCE_FIELDS} for row in sources if row["source_id"] in ids]


def _plain(value):
    """A JSON-safe scalar: NaN and NA as null, numpy numbers as Python's, dates as ISO text."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (date, pd.Timestamp)):
        return value.isoformat()
    return value


def _field_type(series: pd.Series) -> str:
    """The Table Schema type of a column."""
    if pd.api.types.is_bool_dtype(series):
        return "boolean"
    if pd.api.types.is_integer_dtype(series):
        return "integer"
    if pd.api.types.is_float_dtype(series):
        return "number"
    return "string"


def data_document(
    *,
    chart_id: str,
    table: pd.DataFrame,
    meta: Meta,
    parameters: dict[str, str],
    data_version: str,
    sources: list[dict],
    accessed: date,
) -> dict:
    """The chart's data with everything needed to reuse it: what it shows (title, definition, the link parameters
    that reproduce it), unit, period, the releases it comes from (with vintage and licence), the licence, the data
    version, the URL of the view, a citation, the fields (Table Schema names, titles and types) and the rows."""
    units = cell_units(table, meta.unit or None)
    fields = [
        {"name": str(c), "title": header(c), "type": _field_type(table[c])}
        | ({"unit": units[c]} if isinstance(units.get(c), str) and units[c] else {})
        for c in table.columns
    ]
    rows = [{str(k): _plain(v) for k, v in row.items()} for row in table.to_dict("records")]
    return {
        "chart": chart_id,
        "title": meta.title,
        "definition": meta.definition,
        "parameters": parameters,
        "unit": unit_of(meta, table),
        "period": meta.period or period_of(table),
        "source": re.sub(r"^\s*Sources?:\s*", "", meta.source),
        "sources": cited_sources(meta.source, sources),
        "licence": meta.licence,
        "data_version": data_version,
        "view": meta.view,
        "accessed": accessed.isoformat(),
        "citation": citation_text(meta.title, meta.source, data_version, meta.view, accessed),
        "fields": fields,
        "data": rows,
    }


def json_bytes(document: dict) -> bytes:
    """The document as the CLI prints it (two-space indent, UTF-8)."""
    return (json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n").encode("utf-8")


def csv_bytes(table: pd.DataFrame, meta: Meta | None, units=None, *, downloaded: str = "") -> bytes:
    """A table as CSV: the metadata lines ('# Title: …', '# Source: …'; none without `meta`), a blank line, then the
    rows with plain-English headers and values rounded as displayed (UTF-8 with a byte-order mark, so Excel reads
    '£'). Every CSV the dashboard gives is written here."""
    head = csv_header(meta, table, downloaded) if meta is not None else ""
    return (head + for_download(table, units).to_csv(index=False, lineterminator="\n")).encode("utf-8-sig")


def _publishers(source: str) -> str:
    """'Office for National Statistics; HM Treasury' from a source line 'Source: ONS, <title> (<release>); …'."""
    parts = re.sub(r"^\s*Sources?:\s*", "", source or "").split(";")
    return "; ".join(dict.fromkeys(p.split(",")[0].strip() for p in parts if p.strip()))


def citation_text(title: str, source: str, data_version: str, url: str, accessed: date) -> str:
    """A citation in plain text: the figure's title, who published the figures, the dashboard, the data version,
    the URL and the date it was read."""
    publishers = _publishers(source)
    figures = f" Figures: {publishers}." if publishers else ""
    link = f" {url}." if url else ""
    return (
        f"{DASHBOARD} ({accessed.year}). {title}.{figures} Data version {data_version}.{link} "
        f"Accessed {long_date(accessed)}."
    )


_BIBTEX_SPECIAL = re.compile(r"([&%$#_{}])")


def _bibtex(text: str) -> str:
    text = re.sub(r"\s+", " ", str(text)).strip().replace("\\", r"\textbackslash{}")
    return _BIBTEX_SPECIAL.sub(r"\\\1", text).replace("~", r"\textasciitilde{}").replace("^", r"\textasciicircum{}")


def citation_bibtex(title: str, source: str, data_version: str, url: str, accessed: date) -> str:
    """The same citation as a BibTeX @misc entry (special characters escaped; the URL as \\url{…})."""
    key = "corecities-" + (re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40] or "view")
    lines = {
        "title": "{" + _bibtex(title) + "}",
        "author": "{" + _bibtex(DASHBOARD) + "}",
        "organization": _bibtex(_publishers(source)),
        "year": str(accessed.year),
        "version": _bibtex(data_version),
        "howpublished": "\\url{" + url.replace("%", r"\%").replace("#", r"\#") + "}" if url else "",
        "urldate": accessed.isoformat(),
        "note": _bibtex(f"Figures: {_publishers(source)}. Data version {data_version}.") if source else "",
    }
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in lines.items() if value)
    return f"@misc{{{key}-{accessed.isoformat()},\n{body}\n}}"


def embed_url(base: str, chart_id: str, data_version: str, parameters: dict[str, str]) -> str:
    """The chart-only address of a chart: `base` (the site's root URL) + /embed, the chart id, the pinned data
    version, the link parameters that define the view, and Streamlit's embed flag (no menu or sidebar)."""
    query = {"chart": chart_id, "v": data_version, **parameters, "embed": "true"}
    return f"{base.rstrip('/')}/{EMBED_PATH}?{urlencode(query)}"


def iframe_code(url: str, title: str) -> str:
    """The HTML to paste into a page: an iframe of the chart-only view, titled for screen readers."""
    safe_title = title.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    safe_url = url.replace("&", "&amp;").replace('"', "&quot;")
    return (
        f'<iframe src="{safe_url}" title="{safe_title}" width="100%" height="{EMBED_HEIGHT_PX}" '
        'style="border:0" loading="lazy" referrerpolicy="strict-origin-when-cross-origin"></iframe>'
    )
