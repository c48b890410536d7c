"""The gap, claims and reference pages run inside the frame (app.py) and show what the indicators functions return.

Expected numbers come from `indicators` functions, never typed-in statistics. Page options travel in the URL: valid
values are honoured, invalid ones fall back with a visible notice.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from indicators.analysis import claims, fiscal, international
from indicators.data import case_studies
from indicators.domain import formatting, params
from indicators.domain.claims import (
    VERDICT_SHORT,
    assess,
    claimed_text,
    definition,
    format_value,
    range_text,
    unit_words,
)
from indicators.domain.international import HEADLINE_PEERS, RATE_MAX, RATE_MIN, euro, rate_text
from indicators.views import case_studies as case_view
from indicators.views import claims_check as claims_view
from indicators.views import data_and_methods as methods_view
from indicators.views import european_peers as peers_view

APP = str(Path(__file__).resolve().parents[1] / "app.py")
HEADLINE = list(HEADLINE_PEERS)


@pytest.fixture(autouse=True)
def clear_streamlit_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield


def run_page(page: str, **params: str) -> AppTest:
    """Run app.py (the frame), then switch to `page`, with `params` in the URL from the start."""
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()  # the frame (switching before the first run would run the page without it)
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    assert any(c.value.startswith("Sources:") for c in at.caption), "the frame's footer is missing"
    return at


def chart_specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def page_text(at: AppTest) -> str:
    """Everything a person reads on the page, as text (Markdown's backslash escapes removed)."""
    parts = [
        e.value
        for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning")
        for e in getattr(at, kind)
    ]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [json.dumps(s["layout"].get("title", {}).get("text", ""), ensure_ascii=False) for s in chart_specs(at)]
    return "\n".join(parts).replace("\\", "")


def chart_titles(at: AppTest) -> list[str]:
    """Chart titles, whether drawn in the figure or as bold text above it (ui.render.chart)."""
    inside = [s["layout"].get("title", {}).get("text", "").split("<br>")[0] for s in chart_specs(at)]
    above = [
        m.value.strip("*").replace("\\", "") for m in at.markdown if m.value.startswith("**") and m.value.endswith("**")
    ]
    return [t for t in inside + above if t]


UNREADABLE = re.compile(r"\b(None|nan|NaN|NaT|<NA>)\b")


def assert_readable(at: AppTest) -> None:
    """No 'None'/'nan' anywhere in the text; every metric label short enough for a quarter-width column."""
    text = page_text(at)
    assert not UNREADABLE.search(text), UNREADABLE.search(text)
    for metric in at.metric:
        assert len(metric.label) <= 28, metric.label


def shown_cells(frame: pd.DataFrame) -> list[str]:
    return [str(v) for column in frame.columns for v in frame[column].tolist()]


def dataframe_headers(element) -> dict[str, str]:
    """column -> header as shown (the column config's label, else the column's own name)."""
    config = json.loads(element.proto.columns or "{}")
    return {str(c): config.get(str(c), {}).get("label") or str(c) for c in element.value.columns}


def outside_labels(trace: dict) -> None:
    """A bar trace labelled in dark text outside its bars, never clipped by the plot area."""
    assert trace["textposition"] == "outside" and trace["cliponaxis"] is False
    assert trace["textfont"]["color"] in ("#111111", "#000000")


def infos(at: AppTest) -> str:
    return " ".join(i.value for i in at.info)


def values(array) -> list:
    """A Plotly spec array as a list (Plotly 6+ sends numeric arrays as base64 typed arrays)."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"])).tolist()
    return list(array or [])


def bar_values(spec: dict, label_part: str) -> list[float]:
    """x values of every horizontal bar whose y label contains `label_part`."""
    return [
        x
        for trace in spec["data"]
        for y, x in zip(values(trace.get("y")), values(trace.get("x")))
        if label_part in str(y)
    ]


# --------------------------------------------------------------------------------------------- pure helpers


def test_a_number_from_a_link_is_accepted_only_in_its_range():
    low, high = RATE_MIN, RATE_MAX
    assert params.bounded_number(None, low, high) is None and params.bounded_number(" ", low, high) is None
    assert params.bounded_number("1.17", low, high) == 1.17 and params.bounded_number(" 10 ", low, high) == 10.0
    for bad in ("abc", "0", "-1", "11", "nan", "inf", "1e309"):
        with pytest.raises(ValueError):
            params.bounded_number(bad, low, high)


def test_a_list_from_a_link_keeps_allowed_items_in_order_without_repeats():
    # (kept, rejected, how many items were given); empty items are skipped
    assert params.listed("B, A,B,zz,,", ["A", "B"], trim=True) == (["B", "A"], ["zz"], 4)
    assert params.listed("B, A,B,zz,,", ["A", "B"]) == (["B"], [" A", "zz"], 4)  # untrimmed: ' A' is not 'A'
    assert params.listed("2,3", [1, 2]) == ([2], ["3"], 2)  # matched as text, returned as the allowed value
    assert params.listed(None, ["A"]) == ([], [], 0)


def test_claim_comparison_puts_the_claim_first_and_marks_the_primary_and_context():
    d = definition
    alternatives = [
        d("a", "a", "2014", 25.0),
        d("p", "p", "2014", 21.0, rate=2.0),
        d("late", "latest", "2022", 19.0, context=True),
        d("b", "b", "2014", None),
    ]
    result = {
        "claim": "x",
        "source": "s",
        "claimed": 20.0,
        "period_described": "2014",
        "primary_definition_id": "p",
        **assess(20.0, "percent", alternatives, "p", "2014"),
    }
    assert claims_view.numeric_claims([{"claim_id": "n", **result}, {"claim_id": "e", "primary_value": None}]) == ["n"]
    codes = [{"verdict_code": c} for c in ("holds", "untestable", "holds")]
    assert claims_view.claim_summary(codes)["holds"] == 2 and claims_view.claim_summary(codes)["not_reproduced"] == 0
    assert claims_view.claim_summary_text(codes) == (
        "**2** hold on the period they describe · **1** cannot be tested with the data held here"
    )


def test_peer_bars_convert_at_the_ecb_rate_unless_overridden():
    ecb = international.ecb_rate(2021)["eur_per_gbp"]
    default = peers_view.peer_bars(["DE003M"])
    peer = default[default["group"] == "European peer"].iloc[0]
    assert peer["gdp_per_head_gbp"] == pytest.approx(peer["gdp_per_head_eur"] / ecb)
    assert peer["rate_basis"] == "ecb" and peer["eur_per_gbp"] == ecb
    with_rate = peers_view.peer_bars(["DE003M"], 2.0)
    peer = with_rate[with_rate["group"] == "European peer"].iloc[0]
    assert peer["gdp_per_head_gbp"] == pytest.approx(peer["gdp_per_head_eur"] / 2.0) and peer["rate_basis"] == "stated"
    assert with_rate["group"].value_counts().to_dict() == {
        "Core City region": 10,
        "Core Cities combined": 1,
        "European peer": 1,
    }
    assert peers_view.peer_rate(None)["chart_label"].startswith("peers at the ECB 2021 average")
    assert "override" in peers_view.peer_rate(2.0)["chart_label"]


def test_case_studies_filters_and_rejects_unknown_values():
    leeds = case_studies.case_studies(["Leeds"])
    assert set(leeds["city"]) == {"Leeds"} and len(leeds) > 0
    assert len(case_studies.case_studies()) == len(case_studies.case_studies([], []))
    with pytest.raises(ValueError):
        case_studies.case_studies(["Atlantis"])
    assert case_studies.featured_figures(" a; b ;") == ["a", "b"] and case_studies.featured_figures("") == []


def test_full_observations_only_for_catalogue_ids():
    with pytest.raises(ValueError):
        methods_view.full_observations("gva_current'; DROP TABLE observations; --")
    frame = methods_view.full_observations("gva_current")
    assert set(frame["indicator_id"]) == {"gva_current"}


def test_peers_view_labels_a_stated_rate_as_an_override():
    munich = international.peer_comparison(["DE003M"], 1.25).iloc[0]
    region = international.chosen_area("E08000003")["region_code"]
    stated = peers_view.peers(["DE003M"], 1.25, "E08000003")
    assert stated.rate.value == "£1 = €1.25 (your override)" and "your stated rate" in stated.override
    assert [(t.label, t.value) for t in stated.premiums] == [
        (f"{munich['metro_name']} ({munich['country']})", formatting.percent(munich["premium_pct"], signed=True))
    ]
    assert "at your stated rate (override)" in stated.premiums_heading
    assert stated.bars.captions.source.endswith("Exchange rate: your stated override.")
    assert stated.bars.cache == stated.break_even.cache == (("DE003M",), 1.25, region)
    ecb = peers_view.peers(["DE003M"], None, "E08000003")
    assert ecb.override is None and not ecb.bars.captions.source.endswith("override.")
    assert "at the ECB 2021 average" in ecb.premiums_heading and "(your override)" not in ecb.rate.value


def test_claims_view_details_a_claim_with_its_chart_and_an_untestable_one_without(expected_claims):
    checked = claims_view.check(None)
    assert list(checked.choices) == [r["claim_id"] for r in expected_claims]
    assert checked.default == claims_view.numeric_claims(expected_claims)[0]
    untestable = [r for r in expected_claims if r["verdict_code"] == "untestable"]
    assert len(checked.cards) == len(expected_claims) - len(untestable)
    assert all(f"**{r['claim']}**" in checked.untested for r in untestable)
    drawn = claims_view.detail(checked, checked.default)
    result = next(r for r in expected_claims if r["claim_id"] == checked.default)
    assert drawn.chart.captions.title == f"Claimed vs recomputed: {result['claim']}"
    assert drawn.chart.unit == unit_words(result["unit"]) and drawn.chart.cache == (checked.default, None)
    assert drawn.definitions.count("\n") == len(claims.comparison(result)) - 1 and drawn.no_chart is None
    unrecomputed = next(r for r in expected_claims if r["primary_value"] is None)
    plain = claims_view.detail(checked, unrecomputed["claim_id"])
    assert plain.chart is None and plain.definitions is None and "can't test this claim" in plain.no_chart
    assert [t.label for t in plain.tiles] == [
        "As claimed",
        "Primary definition",
        "Holds on",
        "Range over those definitions",
    ]


def test_case_studies_view_counts_names_the_filters_and_lists_each_figure():
    leeds = case_studies.case_studies(["Leeds"])
    shown = case_view.matching(["Leeds"], [])
    assert shown.heading == f"{len(leeds)} case studies" and shown.showing == "Showing Leeds; all policy areas."
    assert [c.project for c in shown.cards] == leeds["project"].tolist() and shown.none_found is None
    for card, row in zip(shown.cards, leeds.to_dict("records")):
        figures = case_studies.featured_figures(row["featured_figures"])
        assert card.where == f"Leeds · {row['policy_area']}"
        assert card.figures.count("\n- ") == len(figures) or (not figures and "gives no figures" in card.figures)
    pairs = case_studies.case_studies().groupby(["city", "policy_area"]).size()
    city, area = pairs[pairs == 1].index[0]
    assert case_view.matching([city], [area]).heading == "1 case study"
    missing = next(a for a in case_studies.policy_areas_list() if (city, a) not in pairs.index)
    none = case_view.matching([city], [missing])
    assert none.heading == "0 case studies" and none.cards == [] and "No case study matches" in none.none_found
    assert shown.source.startswith("Source: ") and shown.download.title == "Case studies of place-based working"


# ------------------------------------------------------------------------------------------- European peers


def test_peers_default_converts_at_the_ecb_rate_with_break_even_as_sensitivity():
    at = run_page("pages/european_peers.py")
    assert at.number_input[0].value is None
    ecb = international.ecb_rate(2021)["eur_per_gbp"]
    expected = international.peer_comparison(HEADLINE).set_index("metro_code")
    converted, break_even = chart_specs(at)
    assert f"GDP per resident 2021, £ (peers at the ECB 2021 average, {rate_text(ecb)})" in chart_titles(at)
    assert "Sensitivity: break-even exchange rate for each peer (€ per £)" in chart_titles(at)
    assert bar_values(converted, "München")[0] == pytest.approx(expected.at["DE003M", "gdp_per_head_eur"] / ecb)
    assert bar_values(break_even, "München")[0] == pytest.approx(expected.at["DE003M", "break_even_eur_per_gbp"])
    assert len(values(break_even["data"][0]["x"])) == len(HEADLINE)
    home = international.city_regions_gdp_per_head().set_index("area_code")["gdp_per_head_gbp"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Core Cities combined"] == formatting.gbp(home["core-cities"])
    assert metrics["Exchange rate used"] == rate_text(ecb) == f"£1 = {euro(ecb, 4)}"
    for _, peer in expected.iterrows():  # each peer by name, its premium as a briefing prints it
        assert metrics[f"{peer['metro_name']} ({peer['country']})"] == formatting.percent(
            peer["premium_pct"], signed=True
        )
    assert not at.warning  # no override
    assert at.query_params["eur"] == [""] or at.query_params["eur"] == ""
    assert_readable(at)


def test_peers_charts_are_labelled_in_briefing_style_outside_the_bars():
    at = run_page("pages/european_peers.py")
    converted, break_even = chart_specs(at)
    for trace in converted["data"]:  # £ labels, dark, outside the bars, with room left for them on the axis
        outside_labels(trace)
        assert trace["text"] == [formatting.gbp(v) for v in values(trace["x"])]
    longest = max(v for trace in converted["data"] for v in values(trace["x"]))
    assert converted["layout"]["xaxis"]["range"][1] >= longest * 1.3
    assert converted["layout"]["xaxis"]["tickprefix"] == "£" and "£" in converted["layout"]["xaxis"]["title"]["text"]
    assert all("£" in trace["hovertemplate"] for trace in converted["data"])
    (trace,) = break_even["data"]
    ecb = break_even["layout"]["shapes"][0]["x0"]
    # outside their bars, except Barcelona's (€1.08), which would run across the ECB line just right of it
    assert trace["textposition"] == ["inside" if v < ecb < v + 0.5 else "outside" for v in values(trace["x"])]
    assert trace["textposition"].count("inside") == 1 and trace["cliponaxis"] is False
    assert trace["text"] == [euro(v, 2) for v in values(trace["x"])]
    assert break_even["layout"]["xaxis"]["tickprefix"] == "€"
    # never four figures to a row: the peers' metrics sit two to a row, so no name is cut off on a laptop
    assert min(column.weight for column in at.columns) >= 0.4
    # the charts' table alternatives: plain-English headers, every cell filled, values rounded as printed
    bars = peers_view.peer_bars(HEADLINE)
    for table in (
        international.peer_chart_table(bars, international.ecb_rate(2021)["eur_per_gbp"]),
        international.break_even_chart_table(HEADLINE),
    ):
        assert not table.isna().any().any() and not any("_" in c for c in table.columns)
        assert not UNREADABLE.search(" ".join(shown_cells(table)))
    table = international.peer_chart_table(bars, international.ecb_rate(2021)["eur_per_gbp"])
    assert table["GDP per resident (£)"].tolist() == [int(formatting.rounded(v, "£")) for v in bars["gdp_per_head_gbp"]]


def test_peers_follow_the_area_chosen_in_the_sidebar():
    at = run_page("pages/european_peers.py", area="E08000003")  # Manchester
    chosen = international.chosen_area("E08000003")
    home = international.city_regions_gdp_per_head().set_index("area_code")
    region = home.loc[chosen["region_code"]]
    assert (
        formatting.gbp(region["gdp_per_head_gbp"]) in chosen["sentence"] and "Greater Manchester" in chosen["sentence"]
    )
    assert any(m.value.startswith(chosen["sentence"]) for m in at.markdown)
    labels = [y for trace in chart_specs(at)[0]["data"] for y in values(trace["y"])]
    marked = [y for y in labels if y.startswith("<b>▶")]
    assert len(marked) == 1 and "Greater Manchester" in marked[0].replace("<br>", " ")
    at = run_page("pages/european_peers.py", area="E06000014")  # York: in no Core City region
    assert any("York is not in one of the ten Core City regions" in m.value for m in at.markdown)
    assert not [y for trace in chart_specs(at)[0]["data"] for y in values(trace["y"]) if "▶" in y]


def test_peers_rate_and_codes_from_the_url_override_the_ecb_rate():
    at = run_page("pages/european_peers.py", eur="1.25", peers="DE003M,FR001MC,NOPE")
    assert "NOPE" in infos(at)
    assert at.number_input[0].value == 1.25
    comparison = international.peer_comparison(["DE003M", "FR001MC"], 1.25).set_index("metro_code")
    metrics = {m.label: m.value for m in at.metric}
    munich = comparison.loc["DE003M"]
    assert metrics[f"München ({munich['country']})"] == formatting.percent(munich["premium_pct"], signed=True)
    assert metrics["Exchange rate used"] == "£1 = €1.25 (your override)"
    assert any("your stated rate" in w.value for w in at.warning)
    assert any("your stated rate, £1 = €1.25 (override)" in t for t in chart_titles(at))
    converted = chart_specs(at)[0]
    assert bar_values(converted, "München")[0] == pytest.approx(munich["gdp_per_head_eur"] / 1.25)
    assert_readable(at)


def test_peers_invalid_rate_falls_back_to_the_ecb_rate_with_a_notice():
    at = run_page("pages/european_peers.py", eur="lots")
    assert "link's exchange rate" in infos(at) and "ECB rate is used" in infos(at)
    assert at.number_input[0].value is None
    assert any("peers at the ECB 2021 average" in t for t in chart_titles(at))


# --------------------------------------------------------------------------------------------- Claims check


@pytest.fixture(scope="module")
def expected_claims():
    return claims.claims_check(None)


def test_every_claim_is_listed_in_full_with_its_verdict_in_words(expected_claims):
    at = run_page("pages/claims_check.py")
    blocks = [m.value for m in at.markdown]
    text = page_text(at)
    for result in expected_claims:
        claimed = claimed_text(result["claimed"], result["unit"])
        assert result["claim"] in text and result["verdict"] in text, result["claim_id"]  # full text, never cut off
        if result["verdict_code"] == "untestable":
            assert any(result["claim"] in b and claimed in b and result["verdict"] in b for b in blocks)
        else:
            line = (
                f"Verdict: **{VERDICT_SHORT[result['verdict_code']]}** · claimed {claimed} for "
                f"{result['period_described']} · recomputed "
                f"{format_value(result['primary_value'], result['unit'])} for {result['primary_period']} · "
                "range over the definitions tried "
                f"{range_text(result['range'], result['unit'])}"
            )
            assert line in blocks, line
    assert_readable(at)


def test_claims_table_shows_full_text_in_plain_english(expected_claims):
    at = run_page("pages/claims_check.py")
    (table,) = at.dataframe
    shown = table.value
    assert list(table.proto.column_order) == claims.TABLE_SHOWN
    assert shown["Claim"].tolist() == [r["claim"] for r in expected_claims]
    assert shown["Verdict in full"].tolist() == [r["verdict"] for r in expected_claims]
    assert shown["Verdict"].tolist() == [VERDICT_SHORT[r["verdict_code"]] for r in expected_claims]
    assert shown["Claimed"].tolist() == [claimed_text(r["claimed"], r["unit"]) for r in expected_claims]
    assert shown["Recomputed (primary definition)"].tolist() == [
        "" if r["verdict_code"] == "untestable" else format_value(r["primary_value"], r["unit"])
        for r in expected_claims
    ]
    # wrapped, wide columns: Streamlit wraps cell text when rows are taller than 4rem (64 px)
    config = json.loads(table.proto.columns)
    assert table.proto.row_height > 64 and config["Claim"]["width"] == "large" == config["Verdict in full"]["width"]
    assert table.proto.placeholder == ""
    cells = shown[claims.TABLE_SHOWN]
    assert not cells.isna().any().any() and not UNREADABLE.search(" ".join(shown_cells(cells)))
    assert not any("_" in header for header in claims.TABLE_SHOWN)


def test_claims_detail_matches_claims_check(expected_claims):
    at = run_page("pages/claims_check.py", claim="cc_productivity_gap")
    gap = next(r for r in expected_claims if r["claim_id"] == "cc_productivity_gap")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["As claimed"] == format_value(gap["claimed"], gap["unit"])
    assert metrics["Primary definition (2014)"] == format_value(gap["primary_value"], gap["unit"])
    assert metrics["Holds on"] == f"{gap['holds_on_k_of_n']['k']} of {gap['holds_on_k_of_n']['n']}"
    low, high = (format_value(gap["range"][k], gap["unit"]) for k in ("min", "max"))
    assert metrics["Range over those definitions"] == f"{low} to {high}"
    assert any(gap["verdict"] in m.value for m in at.markdown)
    assert any("Period the claim describes: 2014" in m.value for m in at.markdown)
    (chart,) = chart_specs(at)
    (trace,) = chart["data"]
    assert values(trace["x"]) == pytest.approx([gap["claimed"]] + [a["value"] for a in gap["alternatives"]])
    # labels as a briefing prints them (a true minus: −£11.0bn), dark, outside the bars; £ on the axis ticks
    assert trace["text"] == [format_value(v, gap["unit"]) for v in values(trace["x"])]
    outside_labels(trace)
    axis = chart["layout"]["xaxis"]
    assert axis["range"][0] < min(values(trace["x"])) and axis["range"][1] > max(values(trace["x"]))
    assert all(t.startswith(("£", "−£")) and t.endswith("bn") and "-" not in t for t in axis["ticktext"])
    assert axis["title"]["text"] == "£bn a year"
    assert any("Claimed vs recomputed: " + gap["claim"] in t for t in chart_titles(at))
    assert_readable(at)
    # an invalid claim id falls back to the first numeric claim, with a notice (same process: cache hit)
    at = run_page("pages/claims_check.py", claim="made-up")
    assert "made-up" in infos(at)
    assert at.selectbox(key="claims_pick").value == claims_view.numeric_claims(expected_claims)[0]


def test_claims_european_detail_shows_the_ecb_rate_and_a_stated_rate_beside_it():
    at = run_page("pages/claims_check.py", claim="intl_munich", eur="1.5")
    assert at.number_input(key="claims_eur").value == 1.5
    munich = next(r for r in claims.claims_check(1.5) if r["claim_id"] == "intl_munich")
    text = infos(at)
    assert rate_text(munich["fx"]["eur_per_gbp"]) in text and "European Central Bank" in text
    assert rate_text(munich["fx"]["break_even_eur_per_gbp"], 3) in text and "not productivity" in text
    assert "£1 = €1.5" in text
    assert any(munich["verdict"] in m.value for m in at.markdown)
    stated = [a["value"] for a in munich["alternatives"] if a["definition_id"].endswith("/stated-rate")]
    (chart,) = chart_specs(at)
    assert values(chart["data"][0]["x"])[-2:] == pytest.approx(stated)
    assert chart["data"][0]["text"][-2:] == [formatting.percent(v) for v in stated]
    assert all(t.endswith("%") for t in chart["layout"]["xaxis"]["ticktext"])
    assert_readable(at)
    at = run_page("pages/claims_check.py", claim="scandi_local_income_tax", eur="0")
    assert "link's exchange rate" in infos(at) and "can't test this claim" in infos(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["As claimed"] == "more than 30.0%" and metrics["Primary definition"] == formatting.not_available()
    assert_readable(at)


# -------------------------------------------------------------------------------------------- Tax and spend


def test_tax_and_spend_options_come_from_the_url_and_match_fiscal():
    at = run_page("pages/tax_and_spend.py", fy="2016-17", k_business="population", k_nics="bogus", geo="city-region")
    assert "k_nics" in infos(at)
    options = {
        "income_tax": "hmrc_income_tax",
        "nics": "hmrc_income_tax",
        "consumption": "population",
        "business": "population",
        "council_tax": "receipts",
        "economic_affairs": "population",
    }
    gap = fiscal.core_cities_gap("2016-17", **options)["city_regions"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Estimated spending − taxes"] == f"£{gap['net_balance_gbp_bn']:,.1f}bn"
    sensitivity = gap["sensitivity"]
    assert metrics["Range across all keys"] == f"£{sensitivity['min_gbp_bn']:,.1f}–{sensitivity['max_gbp_bn']:,.1f}bn"
    assert any("estimate" in w.value.lower() for w in at.warning)
    titles = chart_titles(at)
    assert any("estimate" in t.lower() for t in titles)
    assert at.query_params["k_nics"] in ("hmrc_income_tax", ["hmrc_income_tax"])


# ------------------------------------------------------------------------------------ Case studies and data


def test_case_studies_filtered_by_city_from_the_url():
    at = run_page("pages/case_studies.py", cities="Leeds,Atlantis")
    assert "Atlantis" in infos(at)
    leeds = case_studies.case_studies(["Leeds"])
    assert [h.value for h in at.main.header] == [f"{len(leeds)} case studies"]  # h2 under the h1 title, then h3s
    headings = [m.value for m in at.markdown if m.value.startswith("#")]
    assert headings == [f"### {p}" for p in leeds["project"]]
    (table,) = at.dataframe
    headers = dataframe_headers(table)
    assert [headers[c] for c in table.proto.column_order] == [
        "City",
        "Project",
        "Policy area",
        "Featured figures (as published)",
    ]
    assert_readable(at)


def test_data_and_methods_catalogue_and_full_download():
    at = run_page("pages/data_and_methods.py", indicator="gva_current")
    catalogue = at.dataframe[0].value
    assert catalogue["indicator_id"].tolist() == methods_view.indicator_ids()
    full = methods_view.full_observations("gva_current")
    assert any(c.value.startswith(f"{formatting.number(len(full))} observations") for c in at.caption)
    for table in at.dataframe:  # every table on the page has plain-English headers and shows no "None"
        headers = dataframe_headers(table)
        assert not [h for h in headers.values() if "_" in h], headers
        assert table.proto.placeholder == "", headers
    catalogue_headers = dataframe_headers(at.dataframe[0])
    assert catalogue_headers["polarity"] == "Polarity" and catalogue_headers["indicator_id"] == "Indicator ID"
    polarity = json.loads(at.dataframe[0].proto.columns)["polarity"]["type_config"]["options"]
    assert {o["label"] for o in polarity} == {"higher is better", "lower is better", "neither"}
    assert not [t for t in at.dataframe if "value" in t.value.columns]  # every observation: built only when opened
    at.session_state["full-table-open"] = True
    at.run()
    value = json.loads(next(t for t in at.dataframe if "value" in t.value.columns).proto.columns)["value"]
    assert value["label"] == f"Value ({formatting.unit_label('£ million')})"
    assert_readable(at)
    at = run_page("pages/data_and_methods.py", indicator="nope; drop")
    assert "indicator" in infos(at)


def test_data_and_methods_shows_reconciliation_and_coverage():
    from indicators.data import aggregates

    at = run_page("pages/data_and_methods.py")
    frames = [df.value for df in at.dataframe]
    summary = next(f for f in frames if "largest_difference_pct" in f.columns)
    assert summary.equals(aggregates.reconciliation_summary())
    uk_hour = summary[(summary["measure_id"] == "gva_per_hour") & (summary["level"] == "uk")].iloc[0]
    assert uk_hour["checked"] == 19 and uk_hour["largest_difference_pct"] <= uk_hour["tolerance_pct"]
    coverage = next(f for f in frames if "fewest_members" in f.columns)
    assert coverage.equals(aggregates.coverage_summary())
    assert "Table: every published figure beside its derivation" in [e.label for e in at.expander]
