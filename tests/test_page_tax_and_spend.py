"""The Tax and spend page inside the frame (app.py): every group's key is shown and switchable from the URL, the page
says beside the figures when spending per head equals the region's, North Sea revenue held is named, and the figures
are those indicators.fiscal returns (expected values come from indicators functions, never typed in)."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from indicators import fiscal

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture(autouse=True)
def clear_streamlit_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield


def run_page(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/tax_and_spend.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert any(c.value.startswith("Sources:") for c in at.caption), "the frame's footer is missing"
    return at


def captions(at: AppTest) -> str:
    return " ".join(c.value for c in at.caption)


def test_default_keys_say_spending_per_head_is_the_regions_and_north_sea_is_held():
    at = run_page(fy="2024-25", geo="council")
    gap = fiscal.core_cities_gap("2024-25")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Estimated spending − taxes"] == f"£{gap['councils']['net_balance_gbp_bn']:,.1f}bn"
    assert "every council's spending per head equals its region's" in captions(at)
    assert "North Sea oil and gas revenue is held at region/nation level" in captions(at)
    assert "10 of 10 councils" in captions(at)
    # one selectbox per switchable group, each seeded with its default
    for group, keys in fiscal.KEY_OPTIONS.items():
        assert at.selectbox(key=f"fiscal_{group}").value == keys[0]
    table = next(m.value for m in at.markdown if m.value.startswith("| Taxes or spending | Group | Key used"))
    rows = table.splitlines()[2:]
    assert len(rows) == len(fiscal.GROUPS) and all("| yes |" in row for row in rows)
    assert "| spending | education | population | yes | council education spending (RS) |" in table
    assert "| spending | health | population | yes | none (fixed) |" in table


def test_a_spending_key_and_north_sea_from_the_url():
    at = run_page(fy="2016-17", geo="city-region", k_social_protection="rs_social_care", k_north_sea="gva")
    options = fiscal.check_options(social_protection="rs_social_care", north_sea="gva")
    gap = fiscal.core_cities_gap("2016-17", **options)["city_regions"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Estimated spending − taxes"] == f"£{gap['net_balance_gbp_bn']:,.1f}bn"
    assert metrics["Range across all keys"] == f"£{gap['sensitivity']['min_gbp_bn']:,.1f}–{gap['sensitivity']['max_gbp_bn']:,.1f}bn"
    assert "only through social protection by council social care spending (RS)" in captions(at)
    assert "North Sea oil and gas revenue is held" not in captions(at)
    assert at.query_params["k_north_sea"] in ("gva", ["gva"])


def test_an_unknown_key_in_the_link_falls_back_with_a_notice():
    at = run_page(fy="2024-25", k_education="astrology")
    assert "k_education" in " ".join(i.value for i in at.info)
    assert at.selectbox(key="fiscal_education").value == "population"
