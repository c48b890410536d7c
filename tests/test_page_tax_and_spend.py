"""The Tax and spend page inside the frame (app.py): the sidebar's Area leads the page (an area panel with its estimated
taxes, spending and balance, in total and per resident, with the range over keys; or the plain reason there is none),
the Total Place view follows the area, the page says beside the per-resident figures why spending per head is the
region's, every key is shown and switchable from the URL in plain English, and nothing raw reaches the screen.

Expected figures come from indicators.analysis.fiscal, formatted with indicators.domain.formatting as a briefing
prints them; none is typed in.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import numpy as np
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from indicators.analysis import fiscal
from indicators.data import geography
from indicators.data.db import query
from indicators.domain import formatting

APP = str(Path(__file__).resolve().parents[1] / "app.py")
YEAR = "2024-25"
GLASGOW, LEEDS, BIRMINGHAM = "S12000049", "E08000035", "E08000025"  # ONS codes of the councils the tests choose
TABLES = ("fiscal-gap-table", "fiscal-per-head-table", "fiscal-total-place-table")
RAW = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")  # snake_case identifiers: option keys, column names, item ids


@pytest.fixture(autouse=True)
def clear_streamlit_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield


def run_page(open_tables: bool = False, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/tax_and_spend.py").run()
    if open_tables:
        for key in TABLES:
            at.session_state[key] = True  # what opening the table's expander in the browser sends
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert any(c.value.startswith("Sources:") for c in at.caption), "the frame's footer is missing"
    return at


def captions(at: AppTest) -> str:
    return " ".join(c.value for c in at.caption)


def infos(at: AppTest) -> str:
    return " ".join(i.value for i in at.info)


def markdown(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def headers(at: AppTest) -> list[str]:
    return [h.value for h in at.header]


def specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def values(array) -> list:
    """A Plotly spec array as a list (Plotly 6+ sends numeric arrays as base64 typed arrays)."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"])).tolist()
    return list(array or [])


def chart(at: AppTest, key: str) -> dict:
    """The spec of the chart drawn with element key `key`."""
    found = [json.loads(c.proto.spec) for c in at.get("plotly_chart") if c.proto.id.endswith(f"-{key}")]
    assert found, f"no chart with key {key!r}"
    return found[0]


def everything_shown(at: AppTest) -> str:
    """Every piece of text the page draws: text elements, metric labels, values and help, widget labels, options and
    help, expander labels, the tables' headers and cells, and the charts' titles, legends, labels and annotations."""
    parts = [
        e.value
        for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning")
        for e in getattr(at, kind)
    ]
    parts += [f"{m.label} {m.value} {m.proto.help}" for m in at.metric]
    parts += [f"{s.label} {' '.join(map(str, s.options))} {s.help or ''}" for s in at.selectbox]
    parts += [e.label for e in at.expander]
    for frame in at.dataframe:
        parts += [" ".join(map(str, frame.value.columns)), frame.value.to_string(index=False)]
    for spec in specs(at):
        layout = spec.get("layout", {})
        parts.append(json.dumps(layout.get("title", "")))
        parts += [str(a.get("text", "")) for a in layout.get("annotations", [])]
        for axis in ("xaxis", "yaxis"):
            parts.append(json.dumps(layout.get(axis, {}).get("title", "")))
        for trace in spec.get("data", []):
            parts += [
                str(trace.get("name", "")),
                " ".join(map(str, values(trace.get("text")))),
                " ".join(map(str, trace.get("y", []) if isinstance(trace.get("y"), list) else [])),
            ]
    return "\n".join(parts)


# ----------------------------------------------------------------------------------------------- the chosen area


def test_area_panel_shows_the_chosen_councils_figures_as_a_briefing_prints_them():
    at = run_page(area=GLASGOW, geo="council", fy=YEAR)
    est = fiscal.area_estimate(GLASGOW, "council", YEAR)
    assert headers(at)[0] == f"{est['name']}: estimated taxes and spending, {YEAR}"
    shown = metrics(at)
    assert shown["Taxes raised"] == formatting.gbp_millions(est["revenue_gbp_m"])
    assert shown["Public spending"] == formatting.gbp_millions(est["expenditure_gbp_m"])
    assert shown["Spending − taxes"] == formatting.gbp_millions(est["net_balance_gbp_m"])
    low, high = formatting.gbp_millions(est["min_gbp_m"]), formatting.gbp_millions(est["max_gbp_m"])
    assert est["min_gbp_m"] > 0 and low.endswith("bn") and high.endswith("bn")
    assert shown["Range over all keys"] == f"{low.removesuffix('bn')}–{high.removeprefix('£')}"  # £1.7–5.1bn
    assert shown["Taxes per resident"] == formatting.gbp(est["revenue_per_head_gbp"])
    assert shown["Spending per resident"] == formatting.gbp(est["expenditure_per_head_gbp"])
    assert shown["Net per resident"] == formatting.gbp(est["net_balance_per_head_gbp"])
    assert shown["Range per resident"] == (
        f"{formatting.gbp(est['min_per_head_gbp'])}–{formatting.gbp(est['max_per_head_gbp']).removeprefix('£')}"
    )
    # the sentence a briefing quotes, and why spending per resident is Scotland's
    assert (
        f"public spending in {est['name']} exceeded the taxes raised there by "
        f"{formatting.gbp_millions(est['net_balance_gbp_m'])} in {YEAR} "
        f"({formatting.gbp(est['net_balance_per_head_gbp'])} per resident)"
    ) in markdown(at)
    assert est["spending_shared_by_population"]
    assert (
        f"{est['region_name']}'s official figure: {formatting.gbp(est['region_expenditure_per_head_gbp'])}"
        in captions(at)
    )
    assert formatting.gbp(est["region_expenditure_per_head_gbp"]) == shown["Spending per resident"]
    for label in shown:
        assert len(label) <= 28, f"metric label too long for a quarter-width column: {label!r}"


def test_area_panel_follows_the_city_region_geography():
    at = run_page(area=LEEDS, geo="city-region", fy=YEAR)
    est = fiscal.area_estimate(LEEDS, "city-region", YEAR)
    assert est["fiscal_code"] == geography.city_region_of(LEEDS)
    assert headers(at)[0].startswith(f"{est['name']}: estimated taxes and spending")
    assert metrics(at)["Taxes raised"] == formatting.gbp_millions(est["revenue_gbp_m"])
    assert metrics(at)["Net per resident"] == formatting.gbp(est["net_balance_per_head_gbp"])
    assert f"resting on {est['coverage']}" in captions(at)
    # the Total Place view follows too: the city region, for the chosen year
    place = fiscal.total_place(est["fiscal_code"], YEAR)
    assert f"Total Place view: {place['area_name']}" in headers(at)
    assert metrics(at)["Identifiable spending (CRA)"] == formatting.gbp_millions(place["identifiable_total_gbp_m"])


def test_an_area_without_an_estimate_says_why_and_total_place_still_follows():
    cores = set(geography.core_cities()["city_region_code"])
    councils = geography.local_authorities()
    outside = councils[
        councils["ca_code"].notna()
        & ~councils["ca_code"].isin(cores)
        & ~councils["lad_code"].isin(query("SELECT lad_code FROM city_region_members")["lad_code"])
    ]
    code, name = outside["lad_code"].iloc[0], outside["lad_name"].iloc[0]
    at = run_page(area=code, geo="city-region", fy=YEAR)
    est = fiscal.area_estimate(code, "city-region", YEAR)
    assert not est["available"]
    assert f"No tax and spend estimate for {name} on the city region geography" in infos(at)
    assert "not one of the ten Core City regions" in infos(at) and "Choose the council geography" in infos(at)
    assert "Taxes raised" not in metrics(at)
    place = fiscal.total_place_view(code, "city-region", YEAR)
    assert place["follows_area"] and f"Total Place view: {place['area_name']}" in headers(at)


# --------------------------------------------------------------------------------------------------- Total Place


def test_total_place_follows_the_area():
    at = run_page(area=GLASGOW, geo="council", fy=YEAR)
    place = fiscal.total_place_view(GLASGOW, "council", YEAR)
    assert place["follows_area"] and place["cra_year"] == YEAR
    assert f"Total Place view: {place['area_name']}" in headers(at)
    shown = metrics(at)
    assert shown["Identifiable spending (CRA)"] == formatting.gbp_millions(place["identifiable_total_gbp_m"])
    assert shown["Total spending (CRPSF)"] == formatting.gbp_millions(place["crpsf_total_expenditure_gbp_m"])
    assert not any(label.startswith("Total Place count") for label in shown)
    assert place["claim_note"] in markdown(at) and f"No Total Place count for {place['area_name']}" in markdown(at)
    spec = chart(at, "fiscal-total-place")
    bars = spec["data"][0]
    assert values(bars["text"]) == [formatting.gbp_millions(f["value_gbp_m"]) for f in place["functions"]]
    assert bars["textposition"] == "outside" and bars["cliponaxis"] is False
    assert spec["layout"]["xaxis"]["tickprefix"] == "£"


def test_birminghams_total_place_count_beside_it_and_its_city_region_explained():
    at = run_page(area=BIRMINGHAM, geo="council", fy=YEAR)
    place = fiscal.total_place_view(BIRMINGHAM, "council", YEAR)
    claim = place["claim"]
    assert metrics(at)[f"Total Place count ({claim['period_as_stated']})"] == fiscal.claimed_text(float(claim["value"]))
    assert metrics(at)["Identifiable spending (CRA)"] == formatting.gbp_millions(place["identifiable_total_gbp_m"])
    assert place["explanation"] in markdown(at)
    at = run_page(area=BIRMINGHAM, geo="city-region", fy=YEAR)
    region = fiscal.total_place_view(BIRMINGHAM, "city-region", YEAR)
    assert f"Total Place view: {region['area_name']}" in headers(at)
    assert f"is for {place['area_name']} council alone" in markdown(at)


# ------------------------------------------------------------------------------------- caveat and plain English


def test_caveat_beside_the_per_resident_figures_and_the_shared_bars_marked():
    at = run_page(open_tables=True, geo="council", fy=YEAR)
    rows = {r["area_code"]: r for r in fiscal.balance_rows(YEAR)}
    cities = geography.core_cities()
    caveat = fiscal.shared_spending(YEAR, fiscal.DEFAULT_OPTIONS, dict(zip(cities["lad_code"], cities["city"])))
    assert caveat["text"] in infos(at)
    assert caveat["groups"], "some Core Cities share a region"
    by_name = dict(zip(cities["city"], cities["lad_code"]))
    for region, names in caveat["groups"]:
        assert f"{' and '.join(names)} ({region})" in infos(at)
        assert len({rows[by_name[n]]["expenditure_per_head_gbp"] for n in names}) == 1  # what the caveat says
    spec = chart(at, "fiscal-per-head")
    shared = [t for t in spec["data"] if fiscal.SHARED_MARK in t.get("name", "")]
    assert len(shared) == 1 and shared[0]["marker"]["pattern"]["shape"] == "/"
    assert {f"{n} (estimate)" for _, names in caveat["groups"] for n in names} <= set(shared[0]["y"])
    for trace in spec["data"]:
        assert trace["textposition"] == "outside" and trace["cliponaxis"] is False
    assert spec["layout"]["xaxis"]["tickprefix"] == "£"
    table = next(f.value for f in at.dataframe if "Spending per resident is" in f.value.columns)
    marked = table.set_index("Area code")["Spending per resident is"]
    assert all(
        marked[by_name[n]] == f"the region's ({fiscal.SHARED_MARK})" for _, names in caveat["groups"] for n in names
    )


def test_no_raw_names_or_none_anywhere_on_the_page():
    at = run_page(open_tables=True, area=GLASGOW, geo="council", fy=YEAR, k_education="rs_education")
    assert len(at.dataframe) == len(TABLES), "every chart's table was opened"
    text = everything_shown(at)  # the frame, the notes and the releases included
    assert not re.search(r"\bNone\b|\bnan\b|\bNaN\b", text)
    raw = set(RAW.findall(text))
    assert not raw, f"raw names on screen: {sorted(raw)}"
    for key in fiscal.KEY_LABELS:
        if "_" in key:
            assert key not in text
    assert "£-" not in text and "£\u2212" not in text  # a true minus sign, before the £
    # option labels are plain English in the widgets, and the chosen key is named in words
    education = at.selectbox(key="fiscal_education")
    assert education.label == "Education shared by"
    assert education.options == [fiscal.KEY_LABELS[k] for k in fiscal.KEY_OPTIONS["education"]]
    assert at.selectbox(key="fiscal_nics").label == "National Insurance contributions shared by"
    assert "default keys except education by councils' education spending (England)" in captions(at)


# ------------------------------------------------------------------------------------- keys from the URL, notices


def test_default_keys_say_spending_per_head_is_the_regions_and_north_sea_is_held():
    at = run_page(fy=YEAR, geo="council")
    gap = fiscal.core_cities_gap(YEAR)
    assert metrics(at)["Estimated spending − taxes"] == formatting.gbp_bn(gap["councils"]["net_balance_gbp_bn"])
    assert "every council's spending per head equals its region's" in captions(at)
    assert "North Sea oil and gas revenue is held at region/nation level" in captions(at)
    assert "10 of 10 councils" in captions(at)
    # one selectbox per switchable group, each seeded with its default
    for group, keys in fiscal.KEY_OPTIONS.items():
        assert at.selectbox(key=f"fiscal_{group}").value == keys[0]
    table = next(m.value for m in at.markdown if m.value.startswith("| Taxes or spending | Group | Shared out by"))
    rows = table.splitlines()[2:]
    assert len(rows) == len(fiscal.GROUPS) and all("| yes |" in row for row in rows)
    assert "| spending | education | population | yes | councils' education spending (England) |" in table
    assert "| spending | health | population | yes | none (fixed) |" in table


def test_a_spending_key_and_north_sea_from_the_url():
    at = run_page(fy="2016-17", geo="city-region", k_social_protection="rs_social_care", k_north_sea="gva")
    options = fiscal.check_options(social_protection="rs_social_care", north_sea="gva")
    gap = fiscal.core_cities_gap("2016-17", **options)["city_regions"]
    shown = metrics(at)
    assert shown["Estimated spending − taxes"] == formatting.gbp_bn(gap["net_balance_gbp_bn"])
    sensitivity = gap["sensitivity"]
    assert shown["Range across all keys"] == (
        f"{formatting.gbp_bn(sensitivity['min_gbp_bn']).removesuffix('bn')}–"
        f"{formatting.gbp_bn(sensitivity['max_gbp_bn']).removeprefix('£')}"
    )
    assert "only through social protection by councils' social care spending (England)" in captions(at)
    assert "North Sea oil and gas revenue is held" not in captions(at)
    assert at.query_params["k_north_sea"] in ("gva", ["gva"])


def test_an_unknown_key_in_the_link_falls_back_with_a_notice():
    at = run_page(fy=YEAR, k_education="astrology")
    assert "k_education" in infos(at)
    assert at.selectbox(key="fiscal_education").value == "population"


# ------------------------------------------------------------------------------------------------------ charts


def test_each_chart_carries_the_title_definition_and_source_written_beside_it():
    """The three charts are indicators.exports.charts figures: the captions they carry (for the image export) are
    the title, definition and source the page writes around them, the units in the title or the definition."""
    from ui.render import markdown_escape

    at = run_page(area=LEEDS, geo="council", fy=YEAR)
    units = {"fiscal-gap": "(£bn a year)", "fiscal-per-head": "(£)", "fiscal-total-place": "£ million"}
    for key, unit in units.items():
        meta = chart(at, key)["layout"]["meta"]
        assert unit in meta["title"] + meta["subtitle"]
        assert f"**{markdown_escape(meta['title'])}**" in [m.value for m in at.markdown]
        assert markdown_escape(meta["subtitle"]) in [c.value for c in at.caption]
        assert meta["source"] in captions(at) and meta["source"].startswith("Source")
    assert chart(at, "fiscal-gap")["layout"]["meta"]["subtitle"].startswith(f"Estimate · ten councils · {YEAR} · ")
    assert "estimate" in chart(at, "fiscal-total-place")["layout"]["meta"]["subtitle"]
