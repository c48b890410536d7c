"""The gap, claims and reference pages run inside the frame (app.py) and show what the indicators functions return.

Expected numbers come from `indicators` functions, never typed-in statistics. Page options travel in the URL: valid
values are honoured, invalid ones fall back with a visible notice.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from indicators import case_studies, claims, fiscal, international
from indicators import reference_views as views

APP = str(Path(__file__).resolve().parents[1] / "app.py")
HEADLINE = list(international.HEADLINE_PEERS)


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


def infos(at: AppTest) -> str:
    return " ".join(i.value for i in at.info)


def values(array) -> list:
    """A Plotly spec array as a list (Plotly 6+ sends numeric arrays as base64 typed arrays)."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"])).tolist()
    return list(array or [])


def bar_values(spec: dict, label_part: str) -> list[float]:
    """x values of every horizontal bar whose y label contains `label_part`."""
    return [x for trace in spec["data"] for y, x in zip(values(trace.get("y")), values(trace.get("x")))
            if label_part in str(y)]


# --------------------------------------------------------------------------------------------- pure helpers


def test_parse_rate_accepts_only_plausible_rates():
    assert views.parse_rate(None) is None and views.parse_rate(" ") is None
    assert views.parse_rate("1.17") == 1.17
    for bad in ("abc", "0", "-1", "11", "nan", "inf"):
        with pytest.raises(ValueError):
            views.parse_rate(bad)


def test_parse_codes_keeps_allowed_in_order_without_repeats():
    assert views.parse_codes("B, A,B,zz,,", ["A", "B"]) == (["B", "A"], ["zz"])
    assert views.parse_codes(None, ["A"]) == ([], [])


def test_claim_comparison_puts_the_claim_first_and_marks_the_primary_and_context():
    d = claims.definition
    alternatives = [d("a", "a", "2014", 25.0), d("p", "p", "2014", 21.0, rate=2.0), d("late", "latest", "2022", 19.0, context=True),
                    d("b", "b", "2014", None)]
    result = {"claim": "x", "source": "s", "claimed": 20.0, "period_described": "2014", "primary_definition_id": "p",
              **claims.assess(20.0, "percent", alternatives, "p", "2014")}
    frame = views.claim_comparison(result)
    assert frame["label"].tolist() == ["As claimed", "Definition 1", "Primary definition", "Context", "Definition 2"]
    assert frame["value"].tolist()[:4] == [20.0, 25.0, 21.0, 19.0]
    assert frame["difference_pct"].tolist()[:3] == pytest.approx([0.0, 25.0, 5.0])  # 25 / 20 - 1 = 25%
    assert frame["counted"].tolist()[1:] == [True, True, False, False]
    assert frame["holds"].tolist()[1:4] == [False, True, True]
    assert frame["rate"].tolist()[2] == 2.0
    assert views.numeric_claims([{"claim_id": "n", **result}, {"claim_id": "e", "primary_value": None}]) == ["n"]
    table = views.claims_table([{"claim_id": "n", "unit": "percent", "period_reason": "r", "primary_reason": "w",
                                 "fx": None, **result}])
    row = table.iloc[0]
    assert row["holds_on"] == "1 of 2" and (row["range_min"], row["range_max"]) == (21.0, 25.0)
    assert row["primary_value"] == 21.0 and row["verdict_code"] == "holds"
    codes = [{"verdict_code": c} for c in ("holds", "untestable", "holds")]
    assert views.claim_summary(codes)["holds"] == 2 and views.claim_summary(codes)["not_reproduced"] == 0
    assert views.claim_summary_text(codes) == ("**2** hold on the period they describe · **1** cannot be tested with the "
                                               "data held here")


def test_peer_bars_convert_at_the_ecb_rate_unless_overridden():
    ecb = international.ecb_rate(2021)["eur_per_gbp"]
    default = views.peer_bars(["DE003M"])
    peer = default[default["group"] == "European peer"].iloc[0]
    assert peer["gdp_per_head_gbp"] == pytest.approx(peer["gdp_per_head_eur"] / ecb)
    assert peer["rate_basis"] == "ecb" and peer["eur_per_gbp"] == ecb
    with_rate = views.peer_bars(["DE003M"], 2.0)
    peer = with_rate[with_rate["group"] == "European peer"].iloc[0]
    assert peer["gdp_per_head_gbp"] == pytest.approx(peer["gdp_per_head_eur"] / 2.0) and peer["rate_basis"] == "stated"
    assert with_rate["group"].value_counts().to_dict() == {"Core City region": 10, "Core Cities combined": 1,
                                                            "European peer": 1}
    assert views.peer_rate(None)["chart_label"].startswith("peers at the ECB 2021 average")
    assert "override" in views.peer_rate(2.0)["chart_label"]


def test_case_studies_filters_and_rejects_unknown_values():
    leeds = case_studies.case_studies(["Leeds"])
    assert set(leeds["city"]) == {"Leeds"} and len(leeds) > 0
    assert len(case_studies.case_studies()) == len(case_studies.case_studies([], []))
    with pytest.raises(ValueError):
        case_studies.case_studies(["Atlantis"])
    assert case_studies.featured_figures(" a; b ;") == ["a", "b"] and case_studies.featured_figures("") == []


def test_full_observations_only_for_catalogue_ids():
    with pytest.raises(ValueError):
        views.full_observations("gva_current'; DROP TABLE observations; --")
    frame = views.full_observations("gva_current")
    assert set(frame["indicator_id"]) == {"gva_current"}


# ------------------------------------------------------------------------------------------- European peers


def test_peers_default_converts_at_the_ecb_rate_with_break_even_as_sensitivity():
    at = run_page("pages/european_peers.py")
    assert at.number_input[0].value is None
    ecb = international.ecb_rate(2021)["eur_per_gbp"]
    expected = international.peer_comparison(HEADLINE).set_index("metro_code")
    specs = chart_specs(at)
    converted = next(s for s in specs if "peers at the ECB 2021 average" in s["layout"]["title"]["text"])
    assert bar_values(converted, "München")[0] == pytest.approx(expected.at["DE003M", "gdp_per_head_eur"] / ecb)
    break_even = next(s for s in specs if "break-even" in s["layout"]["title"]["text"])
    assert bar_values(break_even, "München")[0] == pytest.approx(expected.at["DE003M", "break_even_eur_per_gbp"])
    assert len(values(break_even["data"][0]["x"])) == len(HEADLINE)
    home = international.city_regions_gdp_per_head().set_index("area_code")["gdp_per_head_gbp"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Core Cities' city regions combined, GDP per resident 2021"] == f"£{home['core-cities']:,.0f}"
    assert metrics["Exchange rate used"] == f"£1 = €{ecb:.4f}"
    munich = expected.loc["DE003M"]
    assert metrics[f"München ({munich['country']}) vs Core Cities"] == f"{munich['premium_pct']:+.1f}%".replace("-", "−")
    assert not at.warning  # no override
    assert at.query_params["eur"] == [""] or at.query_params["eur"] == ""


def test_peers_rate_and_codes_from_the_url_override_the_ecb_rate():
    at = run_page("pages/european_peers.py", eur="1.25", peers="DE003M,FR001MC,NOPE")
    assert "NOPE" in infos(at)
    assert at.number_input[0].value == 1.25
    comparison = international.peer_comparison(["DE003M", "FR001MC"], 1.25).set_index("metro_code")
    metrics = {m.label: m.value for m in at.metric}
    munich = comparison.loc["DE003M"]
    assert metrics[f"München ({munich['country']}) vs Core Cities"] == f"{munich['premium_pct']:+.1f}%".replace("-", "−")
    assert metrics["Exchange rate used"] == "£1 = €1.25 (your override)"
    assert any("your stated rate" in w.value for w in at.warning)
    converted = next(s for s in chart_specs(at) if "your stated rate, £1 = €1.25 (override)" in s["layout"]["title"]["text"])
    assert bar_values(converted, "München")[0] == pytest.approx(munich["gdp_per_head_eur"] / 1.25)


def test_peers_invalid_rate_falls_back_to_the_ecb_rate_with_a_notice():
    at = run_page("pages/european_peers.py", eur="lots")
    assert "link's exchange rate" in infos(at) and "ECB rate is used" in infos(at)
    assert at.number_input[0].value is None
    assert any("peers at the ECB 2021 average" in s["layout"]["title"]["text"] for s in chart_specs(at))


# --------------------------------------------------------------------------------------------- Claims check


@pytest.fixture(scope="module")
def expected_claims():
    return claims.claims_check(None)


def test_claims_table_matches_claims_check(expected_claims):
    at = run_page("pages/claims_check.py", claim="cc_productivity_gap")
    shown = at.dataframe[0].value
    expected = views.claims_table(expected_claims)
    for column in ("claim_id", "claimed", "verdict", "holds_on", "period_described", "primary_period"):
        assert shown[column].tolist() == expected[column].tolist(), column
    assert shown["primary_value"].fillna(-1).tolist() == pytest.approx(expected["primary_value"].fillna(-1).tolist())
    # the detail: the primary definition on the period described, its k of n and range, and the chart of every value
    gap = next(r for r in expected_claims if r["claim_id"] == "cc_productivity_gap")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Primary definition (2014)"] == claims.format_value(gap["primary_value"], gap["unit"])
    assert metrics["Holds on"] == f"{gap['holds_on_k_of_n']['k']} of {gap['holds_on_k_of_n']['n']}"
    assert any(gap["verdict"] in m.value for m in at.markdown)
    assert any("Period the claim describes: 2014" in m.value for m in at.markdown)
    chart = chart_specs(at)[0]
    assert values(chart["data"][0]["x"]) == pytest.approx([gap["claimed"]] + [a["value"] for a in gap["alternatives"]])
    # an invalid claim id falls back to the first numeric claim, with a notice (same process: cache hit)
    at = run_page("pages/claims_check.py", claim="made-up")
    assert "made-up" in infos(at)
    assert at.selectbox(key="claims_pick").value == views.numeric_claims(expected_claims)[0]


def test_claims_european_detail_shows_the_ecb_rate_and_a_stated_rate_beside_it():
    at = run_page("pages/claims_check.py", claim="intl_munich", eur="1.5")
    assert at.number_input(key="claims_eur").value == 1.5
    munich = next(r for r in claims.claims_check(1.5) if r["claim_id"] == "intl_munich")
    text = infos(at)
    assert f"£1 = €{munich['fx']['eur_per_gbp']:.4f}" in text and "European Central Bank" in text
    assert f"£1 = €{munich['fx']['break_even_eur_per_gbp']:.3f}" in text and "not productivity" in text
    assert any(munich["verdict"] in m.value for m in at.markdown)
    stated = [a["value"] for a in munich["alternatives"] if a["definition_id"].endswith("/stated-rate")]
    chart = chart_specs(at)[0]
    assert values(chart["data"][0]["x"])[-2:] == pytest.approx(stated)
    at = run_page("pages/claims_check.py", claim="scandi_local_income_tax", eur="0")
    assert "link's exchange rate" in infos(at) and "can't test this claim" in infos(at)


# -------------------------------------------------------------------------------------------- Tax and spend


def test_tax_and_spend_options_come_from_the_url_and_match_fiscal():
    at = run_page("pages/tax_and_spend.py", fy="2016-17", k_business="population", k_nics="bogus", geo="city-region")
    assert "k_nics" in infos(at)
    options = {"income_tax": "hmrc_income_tax", "nics": "hmrc_income_tax", "consumption": "population",
               "business": "population", "council_tax": "receipts", "economic_affairs": "population"}
    gap = fiscal.core_cities_gap("2016-17", **options)["city_regions"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Estimated spending − taxes"] == f"£{gap['net_balance_gbp_bn']:,.1f}bn"
    sensitivity = gap["sensitivity"]
    assert metrics["Range across all keys"] == f"£{sensitivity['min_gbp_bn']:,.1f}–{sensitivity['max_gbp_bn']:,.1f}bn"
    assert any("estimate" in w.value.lower() for w in at.warning)
    titles = [s["layout"]["title"]["text"] for s in chart_specs(at)]
    assert any("estimate" in t.lower() for t in titles)
    assert at.query_params["k_nics"] in ("hmrc_income_tax", ["hmrc_income_tax"])


# ------------------------------------------------------------------------------------ Case studies and data


def test_case_studies_filtered_by_city_from_the_url():
    at = run_page("pages/case_studies.py", cities="Leeds,Atlantis")
    assert "Atlantis" in infos(at)
    leeds = case_studies.case_studies(["Leeds"])
    assert any(m.value.startswith(f"**{len(leeds)} case stud") for m in at.markdown)
    headings = [m.value for m in at.markdown if m.value.startswith("#### ")]
    assert headings == [f"#### {p}" for p in leeds["project"]]


def test_data_and_methods_catalogue_and_full_download():
    at = run_page("pages/data_and_methods.py", indicator="gva_current")
    catalogue = at.dataframe[0].value
    assert catalogue["indicator_id"].tolist() == views.indicator_ids()
    full = views.full_observations("gva_current")
    assert any(c.value.startswith(f"{len(full):,} observations") for c in at.caption)
    at = run_page("pages/data_and_methods.py", indicator="nope; drop")
    assert "indicator" in infos(at)


def test_data_and_methods_shows_reconciliation_and_coverage():
    from indicators import aggregates

    at = run_page("pages/data_and_methods.py")
    frames = [df.value for df in at.dataframe]
    summary = next(f for f in frames if "largest_difference_pct" in f.columns)
    assert summary.equals(aggregates.reconciliation_summary())
    uk_hour = summary[(summary["measure_id"] == "gva_per_hour") & (summary["level"] == "uk")].iloc[0]
    assert uk_hour["checked"] == 19 and uk_hour["largest_difference_pct"] <= uk_hour["tolerance_pct"]
    coverage = next(f for f in frames if "fewest_members" in f.columns)
    assert coverage.equals(aggregates.coverage_summary())
    assert "Table: every published figure beside its derivation" in [e.label for e in at.expander]
