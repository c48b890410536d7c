"""The data behind every chart, citations and embed links: hand-worked documents on small tables, and every chart the
pages draw rebuilt from a link (indicators/views/embed.py) with its metadata."""

from __future__ import annotations

import ast
import csv
import io
import json
import math
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest

from indicators.data import catalog
from indicators.exports import reuse
from indicators.exports.charts import Captions
from indicators.exports.labels import Meta
from indicators.views import Chart, embed

PAGES = Path(__file__).resolve().parents[1] / "pages"
DAY = date(2026, 12, 2)
SOURCES = [
    {
        "source_id": "a",
        "publisher": "Office for National Statistics",
        "title": "Subregional productivity",
        "release": "Productivity June 2024",
        "release_date": "2024-06-17",
        "vintage": "Jun 2024",
        "licence": "Open Government Licence v3.0",
        "url": "https://www.ons.gov.uk/x",
    },
    {
        "source_id": "b",
        "publisher": "HM Treasury",
        "title": "Country and regional analysis",
        "release": "CRA 2025",
        "release_date": "2025-11-20",
        "vintage": "CRA 2025",
        "licence": "Open Government Licence v3.0",
        "url": None,
    },
]
META = Meta(
    title="GVA per hour: Leeds & UK",
    definition="£ per hour · council areas",
    unit="GBP per hour",
    source="Source: Office for National Statistics, Subregional productivity (Productivity June 2024)",
    licence="Open Government Licence v3.0",
    view="https://example.org/productivity_gap?area=E08000035",
)


def test_data_document_carries_its_metadata_and_json_safe_rows():
    table = pd.DataFrame({"year": [2021, 2022], "value": [36.1, math.nan], "area_name": ["Leeds", "Leeds"]})
    document = reuse.data_document(
        chart_id="gap-series",
        table=table,
        meta=META,
        parameters={"area": "E08000035"},
        data_version="2026-12-02.0123456789ab",
        sources=SOURCES,
        accessed=DAY,
    )
    assert document["chart"] == "gap-series" and document["parameters"] == {"area": "E08000035"}
    assert document["period"] == "2021 to 2022"  # from the table's year column
    assert [s["source_id"] for s in document["sources"]] == ["a"]  # named by its release, not by its publisher only
    assert document["sources"][0]["vintage"] == "Jun 2024"
    assert document["data"] == [
        {"year": 2021, "value": 36.1, "area_name": "Leeds"},
        {"year": 2022, "value": None, "area_name": "Leeds"},  # NaN is null, not the invalid JSON token NaN
    ]
    assert [(f["name"], f["type"]) for f in document["fields"]] == [
        ("year", "integer"),
        ("value", "number"),
        ("area_name", "string"),
    ]
    assert document["fields"][1]["unit"] == "GBP per hour"
    assert json.loads(reuse.json_bytes(document)) == document  # strict JSON round trip
    assert document["accessed"] == "2026-12-02" and document["data_version"] in document["citation"]


def test_a_source_line_naming_only_publishers_still_cites_their_releases():
    found = reuse.cited_sources("Source: HM Treasury, Country and Regional Analysis; ONS mid-year population.", SOURCES)
    assert [s["source_id"] for s in found] == ["b"]


def test_csv_opens_with_metadata_and_the_data_version():
    table = pd.DataFrame({"year": [2022], "value": [36.14]})
    chart = Chart(lambda: None, Captions(META.title, META.definition, META.source), cache=(), table=table)
    built = embed.Built("gap-series", chart, {}, [], META, "2026-12-02.0123456789ab")
    text = embed.csv_bytes(built, DAY).decode("utf-8-sig")
    head, body = text.split("\n\n", 1)
    assert "# Title: GVA per hour: Leeds & UK" in head.splitlines()
    assert "# Note: Data version 2026-12-02.0123456789ab" in head.splitlines()
    assert "# Downloaded: 2 December 2026" in head.splitlines()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["Year", "Value"] and rows[1][0] == "2022"


def test_citation_in_plain_text_and_bibtex():
    text = reuse.citation_text(META.title, META.source, "2026-12-02.0123456789ab", META.view, DAY)
    assert text == (
        "Core Cities indicators dashboard (2026). GVA per hour: Leeds & UK. Figures: Office for National Statistics. "
        "Data version 2026-12-02.0123456789ab. https://example.org/productivity_gap?area=E08000035. "
        "Accessed 2 December 2026."
    )
    bibtex = reuse.citation_bibtex("Rates: 5% & £_x {y}", META.source, "v1", "https://e.org/a?b=1%2C2#c", DAY)
    assert bibtex.startswith("@misc{corecities-rates-5-x-y-2026-12-02,\n")
    assert "title = {{Rates: 5\\% \\& £\\_x \\{y\\}}}" in bibtex  # LaTeX specials escaped
    assert "howpublished = {\\url{https://e.org/a?b=1\\%2C2\\#c}}" in bibtex
    assert "urldate = {2026-12-02}" in bibtex and "version = {v1}" in bibtex


def test_embed_url_and_iframe_code():
    url = reuse.embed_url("https://cc.example/", "gap-series", "2026-12-02.0123456789ab", {"area": "E08000035"})
    assert url == ("https://cc.example/embed?chart=gap-series&v=2026-12-02.0123456789ab&area=E08000035&embed=true")
    code = reuse.iframe_code(url, 'Leeds "GVA" <b>')
    assert code.startswith('<iframe src="https://cc.example/embed?chart=gap-series&amp;v=2026-12-02')
    assert 'title="Leeds &quot;GVA&quot; &lt;b>"' in code and 'loading="lazy"' in code


# ---- every chart rebuilt from a link


def drawn_chart_keys() -> set[str]:
    """The key of every chart the pages draw with ui.render.chart."""
    keys = set()
    for path in PAGES.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "chart":
                keys.update(
                    k.value.value for k in node.keywords if k.arg == "key" and isinstance(k.value, ast.Constant)
                )
    return keys


def test_every_chart_a_page_draws_can_be_rebuilt_from_a_link():
    assert drawn_chart_keys() == set(embed.CHARTS)


@pytest.mark.parametrize("chart_id", sorted(embed.CHARTS))
def test_each_chart_rebuilt_with_its_metadata(chart_id):
    built = embed.build(chart_id, {}, "https://cc.example")
    document = embed.document(built, DAY)
    table = built.table()
    assert document["title"] == built.chart.captions.title and document["title"]
    assert document["data_version"] == catalog.data_version()
    assert len(document["data"]) == len(table) > 0
    assert document["sources"], "every chart cites at least one release held in the warehouse"
    assert document["licence"]
    page = embed.CHARTS[chart_id].page
    assert document["view"].startswith(f"https://cc.example/{page}")
    query = {k: v[0] for k, v in parse_qs(urlsplit(document["view"]).query).items()}
    assert query == document["parameters"]  # the view link reproduces exactly the chart's parameters


def test_a_link_is_read_through_the_pages_allow_lists():
    built = embed.build("cmp-rank", {"measure": "gva_per_head", "areas": "E08000035,E08000003,zz", "year": "1800"})
    assert built.parameters["measure"] == "gva_per_head"
    assert built.parameters["areas"] == "E08000035,E08000003"
    assert sorted(built.refused) == ["areas", "year"]  # the unknown code and the year with no data fall back
    assert set(built.table()["area_code"]) == {"E08000035", "E08000003"}


def test_unknown_charts_and_versions_give_notices():
    with pytest.raises(embed.NoChart, match="no chart 'zzz'"):
        embed.build("zzz", {})
    served = catalog.data_version()
    assert embed.version_problem(None) is None and embed.version_problem(served) is None
    rebuilt_same_data = "1999-01-01." + served.split(".")[1]
    assert embed.version_problem(rebuilt_same_data) is None  # same extracts: the embed keeps working
    assert "no longer serves" in embed.version_problem("2001-01-01.0123456789ab")
    assert "is not one this dashboard writes" in embed.version_problem("<script>")
    assert "<script>" not in embed.version_problem("<script>")
    shown = embed.embedded({"chart": "gap-series", "v": "2001-01-01.0123456789ab"}, "https://cc.example")
    assert shown.built is None and f"v={served}" in shown.links[0][1]
    shown = embed.embedded({"chart": "nope"}, "https://cc.example")
    assert shown.built is None and "can't be shown" in shown.notice
    shown = embed.embedded({"chart": "map-choropleth", "measure": "<b>x</b>", "v": served}, "https://cc.example")
    assert shown.built is not None and shown.notice == (
        "Ignored the link's measure: not a valid choice, so the default is shown."
    )
