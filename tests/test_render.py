"""ui.render: the figure cache (built once per definition, rebuilt for another, bounded, forgotten with the memo);
chart titles above the chart as escaped text; image exports beside the chart that stay for the session; downloads
that open with their title, definition, unit, period, source, licence and view, rounded as displayed."""

import io
import re
import types
from unittest.mock import patch

import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from indicators.data import catalog, memo, provenance
from indicators.domain import formatting
from indicators.exports import figures, labels
from ui import render


def test_a_cached_figure_is_built_once_per_definition_and_styled():
    memo.clear()
    calls = []

    def build(value):
        def figure():
            calls.append(value)
            return go.Figure(go.Bar(x=["a"], y=[value]))

        return figure

    first = render.styled_figure(build(1), "Title", "definition", "£", cache=("chart", "E08000025", 2022))
    again = render.styled_figure(build(1), "Title", "definition", "£", cache=("chart", "E08000025", 2022))
    other = render.styled_figure(build(2), "Title", "definition", "£", cache=("chart", "E08000035", 2022))
    assert first is again and calls == [1, 2]
    assert list(other.data[0].y) == [2] and list(first.data[0].y) == [1]
    # the title and definition are drawn above the chart as text (they wrap on a phone), not in the figure
    assert first.layout.title.text is None and first.layout.yaxis.title.text == "£"
    assert first.layout.margin.t == 40
    renamed = render.styled_figure(build(1), "Another title", "definition", "£", cache=("chart", "E08000025", 2022))
    assert renamed is not first and calls == [1, 2, 1]  # the title is part of the key
    memo.clear()
    render.styled_figure(build(1), "Title", "definition", "£", cache=("chart", "E08000025", 2022))
    assert calls == [1, 2, 1, 1]  # forgotten with the rest of the memo (e.g. after a rebuild)


def test_the_cache_keeps_only_the_most_recent_figures(monkeypatch):
    memo.clear()
    monkeypatch.setattr(render, "FIGURES_KEPT", 3)
    for n in range(5):
        render.styled_figure(lambda: go.Figure(), "T", "s", None, cache=(n,))
    store = render._figure_store()
    assert [key[0] for key in store] == [(2,), (3,), (4,)]


def test_without_a_cache_the_figure_is_styled_in_place():
    fig = go.Figure()
    assert render.styled_figure(fig, "T", "s", None, cache=None) is fig and fig.layout.colorway == tuple(render.PALETTE)
    assert fig.layout.title.text is None


def test_memoised_functions_keep_a_bounded_number_of_results():
    """A visitor walking through every definition cannot grow a memo without limit: the least recent go first."""
    calls = []

    @memo.per_database(max_entries=3)
    def square(x):
        calls.append(x)
        return x * x

    assert [square(x) for x in (1, 2, 3, 1, 4)] == [1, 4, 9, 1, 16]
    assert square.cache_size() == 3 and calls == [1, 2, 3, 4]
    square(2)  # 2 was the least recently used when 4 arrived, so it is computed again
    assert calls == [1, 2, 3, 4, 2]


def test_every_memo_is_bounded():
    """Each memoised function in the app keeps at most its declared number of results (none unbounded)."""
    import indicators.analysis.claims  # noqa: F401  (import every module that memoises)
    import indicators.analysis.fiscal  # noqa: F401
    import indicators.analysis.measures  # noqa: F401
    import indicators.views.embed  # noqa: F401
    import ui.render  # noqa: F401
    import ui.state  # noqa: F401

    assert memo._MEMOISED and all(0 < f.max_entries <= memo.MAX_ENTRIES for f in memo._MEMOISED)


# ------------------------------------------------------------------------------------------------ chart titles


@pytest.mark.parametrize(
    "text, shown",
    [
        ("Leeds: GVA per hour", "Leeds\\: GVA per hour"),
        ("A *b* _c_ [d](http://x) `e`", "A \\*b\\* \\_c\\_ \\[d\\](http\\://x) \\`e\\`"),
        ("$1 <b>x</b> :red[y] ~z~", "\\$1 \\<b\\>x\\</b\\> \\:red\\[y\\] \\~z\\~"),
        ("- not a list", "\\- not a list"),
        ("2022. not numbered", "2022\\. not numbered"),
        ("two\nlines", "two lines"),
        (":smile: :material/home:", "\\:\u2060smile\\: \\:\u2060material/home\\:"),  # no icons from data
        ("Newcastle upon Tyne (E08000021), 2012–2022 (£)", "Newcastle upon Tyne (E08000021), 2012–2022 (£)"),
    ],
)
def test_titles_from_data_are_shown_literally(text, shown):
    assert render.markdown_escape(text) == shown


def test_labels_keep_their_colons_and_lose_their_markup():
    assert (
        render.markdown_escape("Leeds: *GVA* [x](y) $1 :red[z]", label=True)
        == "Leeds: \\*GVA\\* \\[x\\](y) \\$1 \\:red\\[z\\]"
    )
    assert render.markdown_escape("a :smile: b", label=True) == "a :\u2060smile: b"


def chart_script():
    import pandas as pd
    import plotly.graph_objects as go
    import streamlit as st

    from ui import render

    area = st.session_state.get("area", "Leeds")
    render.chart(
        lambda: go.Figure(go.Bar(x=[area], y=[39.7049])),
        cache=(area,),
        title=f"{area}: *GVA* per hour [worked]",
        subtitle="£ per hour · council areas · 2022",
        source="Source: ONS, Subregional productivity",
        key="t-chart",
        table=pd.DataFrame({"area_name": [area], "value": [39.7049], "gap_pct": [-13.85]}),
        units="£ per hour",
    )


def walk(node, out):
    """Every element in page order (through columns and containers)."""
    for child in getattr(node, "children", {}).values():
        if not hasattr(child, "children") or child.type not in ("vertical", "horizontal", "column", "expandable"):
            out.append(child)
        walk(child, out)
    return out


@pytest.fixture()
def fake_images(monkeypatch):
    drawn = []

    def chart_images(fig, *, title, subtitle, source):
        drawn.append((title, subtitle, source))
        return {"png": b"png", "svg": b"<svg/>"}

    monkeypatch.setattr(figures, "chart_images", chart_images)
    monkeypatch.setattr(render, "EXPORT_COOLDOWN_S", 0)
    memo.clear()
    return drawn


def test_the_title_and_definition_are_text_above_a_chart_without_a_layout_title(fake_images):
    at = AppTest.from_function(chart_script).run()
    assert not at.exception
    kinds = [
        (e.type, getattr(e, "value", None) if e.type in ("markdown", "caption") else None)
        for e in walk(at.main, [])
        if e.type in ("markdown", "caption", "plotly_chart", "button")
    ]
    assert kinds[:5] == [
        ("markdown", "**Leeds\\: \\*GVA\\* per hour \\[worked\\]**"),  # bold, escaped: area names come from data
        ("caption", "£ per hour · council areas · 2022"),
        ("plotly_chart", None),
        ("caption", "Source: ONS, Subregional productivity"),
        ("button", None),  # the image button right under the chart, beside the source line
    ]
    import json

    assert "title" not in json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]
    assert at.button(key="t-chart-images").label == "Prepare PNG and SVG images"
    assert not at.expander[0].proto.expanded and len(at.dataframe) == 0  # the table is still built only on opening


def test_images_stay_available_for_the_session_until_the_chart_changes(fake_images):
    at = AppTest.from_function(chart_script).run()
    at.button(key="t-chart-images").click().run()
    assert [b.label for b in at.get("download_button")] == ["Download PNG", "Download SVG"]
    assert not [b for b in at.button if b.key == "t-chart-images"]  # replaced by the two downloads
    # the exports bake in what the page shows above and below the chart
    assert fake_images == [
        ("Leeds: *GVA* per hour [worked]", "£ per hour · council areas · 2022", "Source: ONS, Subregional productivity")
    ]
    # a download neither reruns the page nor hides the other button (on_click="ignore")
    assert all(button.proto.ignore_rerun for button in at.get("download_button"))
    at.run()
    at.run()
    assert [b.label for b in at.get("download_button")] == ["Download PNG", "Download SVG"] and len(fake_images) == 1
    at.session_state["area"] = "Sheffield"  # another definition: those images no longer show the chart
    at.run()
    assert not at.get("download_button") and at.button(key="t-chart-images")
    at.button(key="t-chart-images").click().run()
    assert fake_images[-1][0] == "Sheffield: *GVA* per hour [worked]"


def test_a_session_draws_one_export_at_a_time_and_is_told_when_it_may_draw_again(fake_images, monkeypatch):
    monkeypatch.setattr(render, "EXPORT_COOLDOWN_S", 15)
    at = AppTest.from_function(chart_script).run()
    at.button(key="t-chart-images").click().run()
    at.session_state["area"] = "Sheffield"
    at.run()
    at.button(key="t-chart-images").click().run()
    (refused,) = at.warning
    assert re.fullmatch(
        r"You can prepare another export in (1[0-5]|[2-9]) seconds: each visitor may prepare one every "
        r"15 seconds, so that everyone gets a turn\.",
        refused.value,
    ), refused.value
    assert len(fake_images) == 1 and not at.get("download_button")
    at.session_state["_export_drawn_at"] -= 14.5  # half a second left: one second, said in the singular
    at.run()
    at.button(key="t-chart-images").click().run()
    assert at.warning[0].value.startswith("You can prepare another export in 1 second: ")
    at.session_state["_export_drawn_at"] -= 1  # the cooldown has passed
    at.run()
    at.button(key="t-chart-images").click().run()
    assert not at.warning and len(fake_images) == 2


def test_an_export_drawn_once_is_shared_by_every_visitor_without_a_cooldown(fake_images, monkeypatch):
    monkeypatch.setattr(render, "EXPORT_COOLDOWN_S", 15)
    for _ in range(3):  # three visitors, each a fresh session, ask for the same chart's images
        at = AppTest.from_function(chart_script).run()
        at.button(key="t-chart-images").click().run()
        assert [b.label for b in at.get("download_button")] == ["Download PNG", "Download SVG"]
    assert len(fake_images) == 1


def test_when_every_export_slot_is_busy_a_press_is_refused_with_a_message(fake_images, monkeypatch):
    monkeypatch.setattr(render, "EXPORT_WAIT_S", 0.01)
    for _ in range(render.EXPORTS_AT_ONCE):
        assert render._export_slots.acquire(timeout=1)
    try:
        at = AppTest.from_function(chart_script).run()
        at.button(key="t-chart-images").click().run()
        assert [w.value for w in at.warning] == [
            "Exports are being prepared for other visitors; please try again in a moment."
        ]
        assert not fake_images
    finally:
        for _ in range(render.EXPORTS_AT_ONCE):
            render._export_slots.release()


def test_the_exports_kept_are_bounded_in_bytes(monkeypatch):
    monkeypatch.setattr(render, "EXPORTS_KEPT_BYTES", 10)
    memo.clear()
    store = render._export_store()
    with patch.object(render.st, "session_state", {}):
        for n in range(5):
            render.prepared_export(("k", n), lambda: b"12345")
            render.st.session_state.clear()
    assert list(store) == [("k", 3), ("k", 4)]


def test_the_table_alternative_shows_plain_headers_and_the_decimals_displayed(fake_images):
    import json

    at = AppTest.from_function(chart_script)
    at.session_state["t-chart-table"] = True
    at.run()
    (table,) = at.dataframe
    assert table.value.columns.tolist() == ["area_name", "value", "gap_pct"]  # the data themselves are unchanged
    config = json.loads(table.proto.columns)
    assert config["area_name"]["label"] == "Area" and config["gap_pct"]["label"] == "Gap (%)"
    assert config["value"]["type_config"]["format"] == "%,.2f" and config["gap_pct"]["type_config"]["format"] == "%,.1f"
    assert [b.label for b in at.download_button] == ["Download CSV", "Download XLSX"]


# ------------------------------------------------------------------------------------------------ downloads

TABLE = pd.DataFrame(
    {
        "area_code": ["E08000035", "E08000025"],
        "area_name": ["Leeds", "Birmingham"],
        "period": ["2022", "2022"],
        "unit": ["£ per hour", "£ per hour"],
        "value": [38.9152, 35.1],
        "gap_pct": [-2.04, -11.6],
        "coverage_note": ["", None],
    }
)
META = render.Meta(
    title="GVA per hour worked, Leeds and Birmingham",
    definition="council areas · vs UK",
    source="Source: ONS, Subregional productivity (June 2024)",
    licence="Open Government Licence v3.0",
    view="http://localhost:8501/compare?areas=E08000035%2CE08000025",
)


def test_the_csv_opens_with_its_metadata_then_the_table_rounded_as_displayed():
    text = render.csv_bytes(TABLE, META, downloaded="1 December 2026").decode("utf-8-sig")
    assert text.split("\n") == [
        "# Title: GVA per hour worked, Leeds and Birmingham",
        "# Definition: council areas · vs UK",
        "# Unit: £ per hour",
        "# Period: 2022",
        "# Source: ONS, Subregional productivity (June 2024)",
        "# Licence: Open Government Licence v3.0",
        "# View: http://localhost:8501/compare?areas=E08000035%2CE08000025",
        "# Downloaded: 1 December 2026",
        "",
        "ONS area code,Area,Period,Unit,Value,Value (full precision),Gap (%),Coverage",
        "E08000035,Leeds,2022,£ per hour,38.92,38.9152,-2.0,",
        "E08000025,Birmingham,2022,£ per hour,35.1,35.1,-11.6,",
        "",
    ]
    assert render.csv_bytes(TABLE, META).startswith("\ufeff# Title:".encode())  # Excel reads £ with the mark
    parsed = pd.read_csv(io.BytesIO(render.csv_bytes(TABLE, META)), comment="#", encoding="utf-8-sig")
    assert parsed["Value"].tolist() == [38.92, 35.1]


def test_the_workbook_has_an_about_sheet_and_a_formatted_data_sheet():
    book = openpyxl.load_workbook(
        io.BytesIO(
            render.xlsx_bytes(
                TABLE.assign(population=[812000.0, 1157603.0], net_balance_gbp_bn=[1.234, -0.56]),
                META,
                downloaded="1 December 2026",
            )
        )
    )
    assert book.sheetnames == ["About", "Data"]
    about = {row[0]: row[1] for row in book["About"].iter_rows(min_row=2, values_only=True)}
    assert about == dict(labels.meta_fields(META, TABLE, "1 December 2026"))
    assert about["Licence"] == "Open Government Licence v3.0" and book["About"]["A2"].font.bold
    data = book["Data"]
    headers = [c.value for c in data[1]]
    assert headers == [
        "ONS area code",
        "Area",
        "Period",
        "Unit",
        "Value",
        "Value (full precision)",
        "Gap (%)",
        "Coverage",
        "Population",
        "Net balance (£bn)",
    ]
    assert all(c.font.bold for c in data[1]) and data.freeze_panes == "A2"
    row = {h: c for h, c in zip(headers, data[2])}
    assert row["Value"].value == 38.92 and row["Value"].number_format == labels.excel_format("£ per hour", 38.92)
    assert row["Gap (%)"].value == -2.0 and row["Gap (%)"].number_format == labels.excel_format("%")
    assert row["Population"].value == 812000 and row["Population"].number_format == labels.excel_format("persons")
    assert row["Net balance (£bn)"].value == 1.2 and row["Coverage"].value is None
    assert {h: c for h, c in zip(headers, data[3])}["Net balance (£bn)"].value == -0.6
    width = data.column_dimensions
    assert width["B"].width >= len("Birmingham") and width["A"].width >= len("ONS area code")


def test_download_metadata_takes_keywords_a_title_and_the_view(monkeypatch):
    class Params(dict):
        def get_all(self, key):
            return self[key]

    fake = types.SimpleNamespace(
        query_params=Params(area=["E08000035"], basis=["hour"]),
        context=types.SimpleNamespace(url="http://localhost:8501/productivity_gap"),
    )
    monkeypatch.setattr(render, "st", fake)
    meta = render.download_meta(
        "claims-check", render.Meta(title="All claims", unit="%"), unit="GBP bn", source="Source: Core Cities UK"
    )
    assert meta == render.Meta(
        title="All claims",
        unit="GBP bn",
        source="Source: Core Cities UK",
        view="http://localhost:8501/productivity_gap?area=E08000035&basis=hour",
    )
    assert render.download_meta("indicator-catalogue").title == "Indicator catalogue"


def test_the_licence_is_read_from_the_sources_the_line_names():
    memo.clear()
    rows = catalog.sources()
    ons = rows[rows["source_id"] == "ons_productivity_jun2024"].iloc[0]
    line = provenance.source_line(["gva_per_hour"])
    assert ons["release"] in line
    assert render.complete(render.Meta(source=line)).licence == f"{ons['licence']} ({labels.OGL_URL})"
    ecb = rows[rows["publisher"] == "European Central Bank"].iloc[0]
    assert render.licence_for(f"Source: European Central Bank, {ecb['title']} ({ecb['release']})") == ecb["licence"]
    assert render.complete(render.Meta(licence="given")).licence == "given"


def test_values_and_formats_agree_with_the_one_formatter():
    """A value in the download is the figure the formatter prints, to the digit."""
    for value, unit in (
        (16348.312009820287, "£ per resident"),
        (39.7049, "£ per hour"),
        (64.05, "%"),
        (1154221.4, "persons"),
        (53.04, "GBP bn per year"),
    ):
        shown = labels.rounded(value, unit)
        assert formatting.value(shown, unit) == formatting.value(value, unit)


def test_a_gap_with_a_true_minus_gets_the_right_arrow_and_colour():
    assert render.delta_style(-13.85, "higher_is_better") == {"delta_arrow": "down", "delta_color": "red"}
    assert render.delta_style(2.0, "higher_is_better") == {"delta_arrow": "up", "delta_color": "green"}
    assert render.delta_style(2.0, "lower_is_better") == {"delta_arrow": "up", "delta_color": "red"}
    assert render.delta_style(-2.0, "neutral") == {"delta_arrow": "down", "delta_color": "gray"}
    assert render.delta_style(0.01, "higher_is_better") == {"delta_arrow": "off", "delta_color": "off"}
