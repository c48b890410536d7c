"""indicators.domain.fiscal by hand: options, one estimate row's arithmetic, the official and held North Sea rows,
Total Place's shares and the wording."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators.domain import fiscal as f
from indicators.pipeline.extract import mhclg_revenue_outturn, public_finances


def test_groups_keys_and_options():
    assert set(f.GROUPS) == set(f.REVENUE_GROUPS) | set(f.EXPENDITURE_GROUPS) == set(f.GROUP_LABELS)
    assert f.DEFAULT_OPTIONS == {group: keys[0] for group, keys in f.KEY_OPTIONS.items()}
    assert f.combinations() == 4608  # the product of the switchable groups' numbers of keys
    assert f.check_options(education="rs_education")["education"] == "rs_education"
    with pytest.raises(ValueError, match="unknown option 'defence'"):
        f.check_options(defence="gva")
    with pytest.raises(ValueError, match="unknown key 'gva' for education"):
        f.check_options(education="gva")
    assert f.check_year("2024-25") == "2024-25"
    for bad in ("2024-26", "2024", "24-25"):
        with pytest.raises(ValueError, match="must look like '2024-25'"):
            f.check_year(bad)
    assert f.keyed_spending(f.check_options(housing="rs_housing", business="population")) == {"housing": "rs_housing"}
    assert "exp_health|population" in f.choices(f.DEFAULT_OPTIONS)


def test_the_domain_names_the_extracts_ids():
    geographic = tuple(public_finances.revenue_id(f"{i} - Geographic") for i in public_finances.NORTH_SEA_ITEMS)
    assert f.NORTH_SEA_ITEMS == geographic == f.REVENUE["north_sea"].indicators
    assert all(s.source_id.startswith(f.RS_SOURCE_PREFIX) for s in mhclg_revenue_outturn.SOURCES)


def test_estimate_row_by_hand():
    # £m: revenue 150, income tax 60, spending 100, net −50; 200 residents; 2 of 3 members
    totals = {
        "revenue": 150.0,
        "rev_income_tax": 60.0,
        "expenditure": 100.0,
        "net_balance": -50.0,
        "population": 200.0,
        "members_expected": 3,
        "members_present": 2,
        "members_missing": "E1",
    }
    row = f.estimate_row("X", "Place", "city_region", "2024-25", totals, {"education": "population"})
    assert row["revenue_gbp"] == 150_000_000 and row["net_balance_gbp_bn"] == -0.05
    assert row["revenue_per_head_gbp"] == 750_000 and row["net_balance_per_head_gbp"] == -250_000
    assert row["coverage"] == "2 of 3 councils (missing: E1)" and row["key_options"] == {"education": "population"}
    ranged = f.with_range(
        row, {"min_gbp_m": -80.0, "max_gbp_m": 12.5, "min_options": {}, "max_options": {}, "combinations": 4}
    )
    headline = f.in_bn(ranged)
    assert headline["net_balance_gbp_bn"] == pytest.approx(-0.05) and headline["rev_income_tax_gbp_bn"] == 0.06
    assert headline["sensitivity"]["min_gbp_bn"] == pytest.approx(-0.08)
    assert headline["sensitivity"]["max_gbp_bn"] == pytest.approx(0.0125)
    assert f.estimate_row("Y", "No one", "lad", "2024-25", {**totals, "population": None}, {})["population"] is None
    assert f.coverage(1, 1) == "1 of 1 council"


def test_official_and_held_rows():
    regional = pd.DataFrame(
        [
            ("TLD", "North West", "rev_total", 80.0),
            ("TLD", "North West", "exp_total", 100.0),
            ("TLD", "North West", "rev_income_tax", 30.0),
            ("TLD", "North West", "crpsf_population", 10.0),
            ("K02000001", "United Kingdom", "rev_total", 900.0),
            ("K02000001", "United Kingdom", "exp_total", 1000.0),
            ("K02000001", "United Kingdom", "rev_income_tax", 300.0),
            ("K02000001", "United Kingdom", "crpsf_population", 100.0),
        ],
        columns=["area_code", "area_name", "indicator_id", "value"],
    )
    rows = f.official_rows(regional, "2024-25")
    assert [r["area_code"] for r in rows] == ["K02000001", "TLD"]  # OFFICIAL_AREAS order: the UK first
    assert rows[1]["area_type"] == "region" and rows[1]["net_balance_gbp"] == 20_000_000
    assert rows[1]["expenditure_per_head_gbp"] == 10_000_000 and rows[0]["population"] == 100
    held = pd.DataFrame(
        [("TLM", "rev_a", 5.0), ("TLM", "rev_b", 3.0), ("TLD", "rev_a", 0.0)],
        columns=["region_code", "item", "value_gbp_m"],
    )
    lines = f.held_rows(held, {"TLM": "Scotland"}, "2024-25", {"north_sea": "held"})
    assert [r["area_code"] for r in lines] == ["NORTH_SEA_TLM"]  # nothing held in TLD: no line
    assert lines[0]["revenue_gbp"] == 8_000_000 and lines[0]["net_balance_gbp"] == -8_000_000
    assert lines[0]["items_gbp"] == {"rev_a": 5_000_000, "rev_b": 3_000_000}
    assert f.held_rows(held, {}, "2024-25", {"north_sea": "gva"}) == []


def test_total_place_frame():
    cra = pd.DataFrame(
        [("TLD", "7. Health", 100.0), ("TLD", "10. Social protection", 40.0), ("TLE", "7. Health", 50.0)],
        columns=["region_code", "cofog_function", "value_gbp_m"],
    )
    shares = pd.Series({"A": 0.25, "B": 0.5})
    regions = pd.Series({"A": "TLD", "B": "TLE"})
    frame = f.total_place_frame(cra, shares, regions, ["A", "B"])
    assert frame["cofog_function"].tolist() == ["7. Health", "10. Social protection"]  # COFOG order, not text order
    assert frame["value_gbp_m"].tolist() == pytest.approx([100 * 0.25 + 50 * 0.5, 40 * 0.25])


def test_wording():
    assert f.keys_text(f.DEFAULT_OPTIONS) == "default keys"
    assert "only taxes differ" in f.spending_note(f.DEFAULT_OPTIONS)
    assert "social protection by councils' social care spending" in f.spending_note(
        f.check_options(social_protection="rs_social_care")
    )
    assert f.group_title("consumption") == "VAT and duties" and f.possessive("Wales") == "Wales'"
    assert f.spending_basis_text({}) == "its region's per resident: every function shared by population"
    assert f.claimed_text(53.0) == "£53bn" and f.claimed_text(7.5) == "£7.5bn"
    assert f.function_label("10. Social protection") == "Social protection"
    assert f.axis_room([10, 20]) == pytest.approx([0, 23])
    notes = pd.DataFrame(
        [
            ("population", "TLN", None, "2022", "", ""),
            ("receipts", "TLK", "2022-23", "2023", "E1;E2", "E2"),
        ],
        columns=["key", "region_code", "key_period", "population_period", "lads", "fallback_lads"],
    )
    lines = f.notes_lines(notes, f.DEFAULT_OPTIONS, {"TLN": "Northern Ireland"})
    assert lines == [
        "Population base, Northern Ireland: CRPSF's population shared to councils by mid-year estimates for 2022",
        "council tax collected: 1 council(s) in TLK have no data for 2022-23 and take their population share: E2",
        "council tax collected: data period(s) used 2022-23",
    ]


def test_area_totals_by_hand():
    # a council: £m 150 taxes, 100 spending, −50 net; 200 residents; range −80 to 12.5 over 4 combinations
    row = {"revenue": 150.0, "expenditure": 100.0, "net_balance": -50.0, "population": 200.0, "area_type": "lad"}
    spread = {"min_gbp_m": -80.0, "max_gbp_m": 12.5, "combinations": 4}
    found = f.area_totals(row, spread)
    assert found["revenue_gbp_bn"] == 0.15 and found["net_balance_per_head_gbp"] == pytest.approx(-250_000)
    assert found["min_per_head_gbp"] == pytest.approx(-400_000) and found["max_gbp_bn"] == pytest.approx(0.0125)
    assert found["combinations"] == 4 and found["coverage"] is None
    region = {**row, "area_type": "city_region", "members_present": 2, "members_expected": 2, "members_missing": None}
    without = f.area_totals(region, None)
    assert without["coverage"] == "2 of 2 councils" and without["min_gbp_m"] is None and without["combinations"] is None


def test_total_place_functions_names_each_function_in_words_in_order():
    place = {
        "functions": [
            {"cofog_function": "10. Social protection", "value_gbp_m": 120.5},
            {"cofog_function": "7. Health", "value_gbp_m": 80.0},
        ]
    }
    frame = f.total_place_functions(place)
    assert frame.to_dict("list") == {"function": ["Social protection", "Health"], "value_gbp_m": [120.5, 80.0]}
