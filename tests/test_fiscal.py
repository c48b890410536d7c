"""indicators.analysis.fiscal on the five-council fixture warehouse (tests/fiscal_fixture.py, fiscal mart built), with
hand-worked numbers: it reads the mart and adds up the chosen keys; nothing is apportioned per request.

Default keys for Alpha (TLD; population share 0.25): income tax 100 × 0.75 (HMRC), NICs 50 × 0.75 (HMRC), VAT 40 × 0.25,
corporation tax 20 × 0.9 (GVA), council tax 10 × 0.5 (receipts), North Sea held (0), other 4 × 0.25: revenue 146.5;
spending 400 × 0.25 = 100 (every function by population); population 800 × 0.25 = 200.
Gamma (TLK; 0.25): 80 × 0.1875 + 40 × 0.1875 + 20 × 0.25 + 10 × 0.125 + 8 × 0.1875 + 0 + 0 = 30.25; spending 75.
"""

from __future__ import annotations

import pytest

from indicators.analysis import fiscal
from indicators.data import db
from indicators.domain.fiscal import (
    CLAIM_TOTAL_PLACE,
    CORE_COUNCILS,
    DEFAULT_OPTIONS,
    GROUP_LABELS,
    GROUPS,
    KEY_LABELS,
    KEY_OPTIONS,
    SHARED_MARK,
    area_spending_caveat,
    axis_room,
    balance_sentence,
    check_options,
    check_year,
    choices,
    coverage,
    function_label,
    group_title,
    keys_text,
    range_text,
    spending_note,
)
from indicators.views import tax_and_spend as views
from tests import fiscal_fixture as fx
from tests.fiscal_fixture import YEAR, A, C


@pytest.fixture()
def fixture_db(tmp_path):
    path = fx.build(tmp_path / "fiscal.duckdb")
    with db.using(path):
        yield path
    db.close_all()


def rows_by_code(**options):
    return {r["area_code"]: r for r in fiscal.balance_rows(YEAR, options=options)}


# --------------------------------------------------------------------------------------------- pure shaping


def test_choices_pick_one_key_per_group():
    chosen = choices(check_options(education="rs_education", north_sea="gva"))
    assert len(chosen) == len(GROUPS)
    assert "exp_education|rs_education" in chosen and "rev_north_sea|gva" in chosen
    assert "exp_health|population" in chosen and "rev_income_tax|hmrc_income_tax" in chosen


def test_spending_note_says_when_every_council_spends_the_regions_per_head():
    assert "equals its region's" in spending_note(check_options())
    note = spending_note(check_options(social_protection="rs_social_care"))
    assert "only through social protection by councils' social care spending (England)" in note


def test_coverage_text():
    assert coverage(10, 10) == "10 of 10 councils"
    assert coverage(9, 10, "E1;E2") == "9 of 10 councils (missing: E1, E2)"


def test_bad_options_name_the_valid_ones():
    with pytest.raises(ValueError, match="valid: hmrc_income_tax, workplace_jobs, population"):
        check_options(nics="earnings")
    with pytest.raises(ValueError, match="valid: held, population, gva"):
        check_options(north_sea="scotland")
    with pytest.raises(ValueError, match="unknown option 'vat'; valid: income_tax, nics"):
        check_options(vat="population")
    with pytest.raises(ValueError, match="2024-25"):
        check_year("2024/25")


# ---------------------------------------------------------------------------------------- on the fixture


def test_default_rows_by_hand(fixture_db):
    rows = rows_by_code()
    alpha = rows[A]
    assert alpha["revenue_gbp"] == 146_500_000 and alpha["income_tax_gbp"] == 75_000_000
    assert alpha["expenditure_gbp"] == 100_000_000 and alpha["net_balance_gbp"] == -46_500_000
    assert alpha["population"] == 200 and alpha["net_balance_per_head_gbp"] == -232_500
    # every function shared by population: the council spends exactly its region's per head
    assert alpha["expenditure_per_head_gbp"] == rows["TLD"]["expenditure_per_head_gbp"] == 500_000
    assert alpha["key_options"] == DEFAULT_OPTIONS and alpha["estimate"] is True and "members" not in alpha
    assert rows[C]["revenue_gbp"] == 30_250_000 and rows[C]["expenditure_gbp"] == 75_000_000
    # Alpha CR is the whole of TLD: its revenue is TLD's less the North Sea revenue held at region level
    assert rows["E47000001"]["revenue_gbp"] == 224_000_000 and rows["E47000001"]["coverage"] == "2 of 2 councils"
    total = rows[CORE_COUNCILS]
    assert total["net_balance_gbp"] == -1_750_000 and total["members"] == total["members_expected"] == 2
    assert rows["TLK"]["estimate"] is False and rows["TLK"]["net_balance_gbp"] == 146_000_000


def test_held_north_sea_lines_add_back(fixture_db):
    rows = rows_by_code()
    assert rows["NORTH_SEA_TLD"]["revenue_gbp"] == 8_000_000 and rows["NORTH_SEA_TLK"]["revenue_gbp"] == -4_000_000
    assert rows["NORTH_SEA_TLD"]["area_type"] == "north_sea_held"
    assert rows["NORTH_SEA_TLD"]["items_gbp"] == {
        "rev_energy_profits_levy": 2_000_000,
        "rev_offshore_corporation_tax": 6_000_000,
        "rev_north_sea_oil_royalties_and_license_fees": 0,
        "rev_petroleum_revenue_tax": 0,
    }
    for region, members in (("TLD", ["E08000001", "E08000002"]), ("TLK", [C, fx.D, fx.E])):
        councils = sum(rows[m]["revenue_gbp"] for m in members)
        assert councils + rows[f"NORTH_SEA_{region}"]["revenue_gbp"] == rows[region]["revenue_gbp"]
    shared = rows_by_code(north_sea="population")
    assert not any(code.startswith("NORTH_SEA_") for code in shared)
    assert shared[A]["revenue_gbp"] == 146_500_000 + 2_000_000  # 8 × 0.25


@pytest.mark.parametrize(
    "options, net_m",
    [
        ({}, -1.75),
        ({"council_tax": "population"}, -1.75 + 2.5 - 0.5),  # Alpha 10 × .25 instead of 5; Gamma 8 × .25 instead of 1.5
        ({"north_sea": "population"}, -1.75 - 8 * 0.25 + 4 * 0.25),
        ({"north_sea": "gva"}, -1.75 - 8 * 0.9 + 4 * 0.125),
        ({"education": "rs_education"}, -1.75 + (45 - 15) + (50 * 20 / 110 - 12.5)),
        ({"social_protection": "rs_social_care"}, -1.75 + (80 - 25) + (70 * 10 / 42 - 17.5)),
        ({"economic_affairs": "gva"}, -1.75 + (40 * 0.9 - 10) + (30 * 0.125 - 7.5)),
    ],
)
def test_core_cities_gap_by_hand(fixture_db, options, net_m):
    result = fiscal.core_cities_gap(YEAR, **options)
    assert result["councils"]["net_balance_gbp_bn"] == pytest.approx(net_m / 1e3)
    assert result["councils"]["members"] == 2 and result["councils"]["coverage"] == "2 of 2 councils"
    sensitivity = result["councils"]["sensitivity"]
    assert sensitivity["min_gbp_bn"] <= result["councils"]["net_balance_gbp_bn"] <= sensitivity["max_gbp_bn"]
    assert sensitivity["combinations"] == 4608
    assert result["key_options"] == check_options(**options)


def test_non_population_spending_key_breaks_equal_per_head(fixture_db):
    default = rows_by_code()
    keyed = rows_by_code(social_protection="rs_social_care")
    assert default[A]["expenditure_per_head_gbp"] == default["E08000002"]["expenditure_per_head_gbp"]
    assert keyed[A]["expenditure_per_head_gbp"] == (100 + 55) * 1e6 / 200
    assert keyed[A]["expenditure_per_head_gbp"] != keyed["E08000002"]["expenditure_per_head_gbp"]


def test_notes_on_the_fixture(fixture_db):
    result = fiscal.core_cities_gap(YEAR)
    assert result["notes"][0] == spending_note(DEFAULT_OPTIONS)
    assert "North Sea" in result["notes"][1] and "TLD £8m" in result["notes"][1]
    assert any(
        line.startswith("council tax collected: 1 council(s) in TLK") and "E07000001" in line
        for line in result["notes"]
    )
    assert not any(line.startswith("councils' education spending") for line in result["notes"])  # not in use
    keyed = fiscal.core_cities_gap(YEAR, education="rs_education")["notes"]
    assert "councils' education spending (England): data period(s) used 2021-22" in keyed


def test_unknown_year_and_the_latest(fixture_db):
    with pytest.raises(ValueError, match="available: 2022-23 to 2024-25"):
        fiscal.balance_rows("2030-31")
    assert fiscal.fiscal_years() == [YEAR, "2024-25"]
    assert fiscal.core_cities_gap()["year"] == "2024-25"


def test_total_place_on_fixture(fixture_db):
    result = fiscal.total_place_comparison(A)
    assert result["cra_year"] == YEAR and "2022-23" in result["year_note"]  # nearest CRA year to 2008-09
    functions = {f["cofog_function"]: f["value_gbp_m"] for f in result["functions"]}
    assert functions == pytest.approx({"7. Health": 20.0, "10. Social protection": 30.0})  # × 0.25 population share
    assert result["identifiable_total_gbp_bn"] == pytest.approx(0.05)
    assert result["crpsf_total_expenditure_gbp_bn"] == pytest.approx(0.1)  # 400 × .25, nearest CRPSF year
    assert result["gap_identifiable_gbp_bn"] == pytest.approx(0.05 - 7.5)
    assert result["population_period"] == ["2022"]


def test_tax_spend_view_on_fixture(fixture_db, monkeypatch):
    from indicators.data import geography

    monkeypatch.setattr(
        geography,
        "core_cities",
        lambda: fx.pd.DataFrame(
            {"city": ["Alpha", "Gamma"], "lad_code": [A, C], "city_region_code": ["E47000001", "E47000009"]}
        ),
    )
    view = views.tax_spend_view(YEAR, "council", {"education": "rs_education"})
    gap, table = view["gap"], view["table"]
    assert gap["estimate_gbp_bn"] == pytest.approx((-1.75 + 30 + 50 * 20 / 110 - 12.5) / 1e3, abs=1e-3)
    assert (
        gap["coverage"] == "2 of 2 councils"
        and "education by councils' education spending (England)" in gap["spending_note"]
    )
    assert gap["north_sea_note"].startswith("North Sea oil and gas revenue is held")
    assert set(table["basis"]) == {"estimate", "official CRPSF", "held at region/nation level"}
    assert table.loc[table["basis"] == "estimate", "city"].tolist() == ["Alpha", "Gamma", "Core Cities"]
    keys = views.key_rows({"education": "rs_education"}).set_index("Group")
    assert keys.loc["education", "Shared out by"] == "councils' education spending (England)"
    assert keys.loc["education", "Default?"] == "no"
    assert views.key_table_markdown({"education": "rs_education"}).count("\n") == len(GROUPS) + 1
    assert keys.loc["health", "Alternatives"] == "none (fixed)"
    with pytest.raises(ValueError, match="unknown geography"):
        views.tax_spend_view(YEAR, "ward", {})


def test_method_text_labels_estimates_and_covers_every_group():
    text = fiscal.method()
    assert text["label"] == "Estimate"
    assert "expenditure − revenue" in text["sign_convention"]
    assert set(text["options"]) == set(KEY_OPTIONS)
    assert {f["group"] for f in text["functions"]} == set(GROUPS)
    assert "energy profits levy" in text["north_sea"] and "4,608 combinations" in text["sensitivity"]
    assert set(KEY_LABELS) >= {k for keys in KEY_OPTIONS.values() for k in keys}


# ---------------------------------------------------------------------------------- labels and the chosen area


def test_every_key_and_group_has_a_plain_english_label():
    assert set(KEY_LABELS) >= {k for g in GROUPS.values() for k in g.keys}
    assert set(GROUP_LABELS) == set(GROUPS)
    for text in [*KEY_LABELS.values(), *GROUP_LABELS.values()]:
        assert "_" not in text and text.strip() == text
    assert group_title("nics") == "National Insurance contributions"
    assert group_title("income_tax") == "Income tax"
    assert keys_text(DEFAULT_OPTIONS) == "default keys"
    assert keys_text(check_options(education="rs_education")) == (
        "default keys except education by councils' education spending (England)"
    )


def test_range_text_as_a_briefing_prints_it():
    from indicators.domain import formatting

    assert range_text(21.34, 41.76, formatting.gbp_bn) == "£21.3–41.8bn"
    assert range_text(1692.6, 5114.0, formatting.gbp_millions) == "£1.7–5.1bn"
    assert range_text(3.2, 24.4, formatting.gbp_millions) == "£3–24m"
    assert range_text(523.0, 1200.0, formatting.gbp_millions) == "£523m–1.2bn"
    assert range_text(2650.8, 8009.2, formatting.gbp) == "£2,651–8,009"
    assert range_text(-15_900.0, 1700.0, formatting.gbp_millions) == "\u2212£15.9bn to £1.7bn"
    assert range_text(None, 3.0, formatting.gbp) == "not available (no range for this area)"


def test_axis_room_leaves_space_beyond_the_bars():
    assert axis_room([10, 20]) == pytest.approx([0, 23])
    assert axis_room([-10, 30]) == pytest.approx([-16, 36])
    assert axis_room([]) == pytest.approx([0, 0])


def test_area_estimate_of_a_council_by_hand(fixture_db):
    alpha = fiscal.area_estimate(A, "council", YEAR)
    assert alpha["available"] and alpha["name"] == "Alpha" and alpha["fiscal_code"] == A
    # revenue 146.5, spending 100 (£m), population 200: see the module docstring
    assert alpha["revenue_gbp_m"] == pytest.approx(146.5) and alpha["expenditure_gbp_m"] == pytest.approx(100)
    assert alpha["net_balance_gbp_m"] == pytest.approx(-46.5) and alpha["net_balance_gbp_bn"] == pytest.approx(-0.0465)
    assert alpha["population"] == pytest.approx(200)
    assert alpha["revenue_per_head_gbp"] == pytest.approx(732_500)
    assert alpha["expenditure_per_head_gbp"] == pytest.approx(500_000)
    assert alpha["net_balance_per_head_gbp"] == pytest.approx(-232_500)
    spread = fiscal.ranges(YEAR, [A])[A]
    assert alpha["min_gbp_m"] == spread["min_gbp_m"] and alpha["max_gbp_m"] == spread["max_gbp_m"]
    assert alpha["min_per_head_gbp"] == pytest.approx(spread["min_gbp_m"] * 1e6 / 200)
    assert alpha["combinations"] == 4608 and alpha["coverage"] is None
    # every function shared by population: the council spends exactly its region's official figure per head
    assert alpha["region_code"] == "TLD" and alpha["region_expenditure_per_head_gbp"] == 400e6 / 800
    assert alpha["spending_shared_by_population"] and alpha["spending_keyed"] == {}
    assert balance_sentence(alpha) == (
        "Estimate: public spending in Alpha fell short of the taxes raised "
        "there by £47m in 2022-23 (£232,500 per resident)."
    )
    assert "every place in the region shows the same spending per resident" in area_spending_caveat(alpha)
    assert "TLD's official figure: £500,000" in area_spending_caveat(alpha)


def test_area_estimate_of_a_city_region_and_with_keyed_spending(fixture_db):
    region = fiscal.area_estimate(A, "city-region", YEAR)  # Alpha CR = Alpha + Beta = the whole of TLD
    assert region["fiscal_code"] == "E47000001" and region["coverage"] == "2 of 2 councils"
    assert region["revenue_gbp_m"] == pytest.approx(224) and region["expenditure_gbp_m"] == pytest.approx(400)
    assert region["population"] == pytest.approx(800)
    keyed = fiscal.area_estimate(A, "council", YEAR, social_protection="rs_social_care")
    assert keyed["expenditure_gbp_m"] == pytest.approx(100 + 55)  # social protection 100 × 0.8 instead of × 0.25
    assert keyed["spending_keyed"] == {"social_protection": "rs_social_care"}
    assert not keyed["spending_shared_by_population"]
    assert "councils' social care spending (England)" in area_spending_caveat(keyed)
    # no council has housing data in the fixture: every council takes its population share, so still the region's
    housing = fiscal.area_estimate(A, "council", YEAR, housing="rs_housing")
    assert housing["spending_shared_by_population"] and housing["expenditure_gbp_m"] == pytest.approx(100)


def test_area_estimate_says_why_there_is_none(fixture_db):
    outside = fiscal.area_estimate(fx.E, "city-region", YEAR)  # Epsilon sits in no city region
    assert outside["available"] is False and "Epsilon is in no city region" in outside["reason"]


def test_shared_spending_names_the_places_with_the_regions_figure(fixture_db):
    places = {A: "Alpha", "E08000002": "Beta", C: "Gamma"}
    shared = fiscal.shared_spending(YEAR, DEFAULT_OPTIONS, places)
    assert shared["shared"] == {A: True, "E08000002": True, C: True}
    assert shared["groups"] == [("TLD", ["Alpha", "Beta"])]  # Gamma is alone in TLK
    assert "Alpha and Beta (TLD)" in shared["text"] and "shared out from each region by population" in shared["text"]
    rows = rows_by_code()
    assert rows[A]["expenditure_per_head_gbp"] == rows["E08000002"]["expenditure_per_head_gbp"]  # what it says
    keyed = fiscal.shared_spending(YEAR, check_options(social_protection="rs_social_care"), places)
    assert keyed["shared"] == {A: False, "E08000002": False, C: False} and keyed["groups"] == []
    assert keyed["text"] == spending_note(check_options(social_protection="rs_social_care"))


def test_total_place_follows_the_area_or_says_why(fixture_db, monkeypatch):
    monkeypatch.setattr(fiscal, "TOTAL_PLACE_AREAS", {CLAIM_TOTAL_PLACE: [A]})  # Alpha plays Birmingham
    beta = fiscal.total_place_view("E08000002", "council", YEAR)  # Beta: TLD, population share 600 / 800
    assert beta["follows_area"] and beta["fallback_reason"] is None and beta["claim"] == {}
    assert beta["cra_year"] == YEAR and beta["identifiable_total_gbp_m"] == pytest.approx(200 * 0.75)
    assert beta["crpsf_total_expenditure_gbp_m"] == pytest.approx(400 * 0.75)
    assert "No Total Place count for Beta" in beta["claim_note"]
    alpha = fiscal.total_place_view(A, "council", YEAR)  # the place with a Total Place count: the comparison
    assert alpha["follows_area"] and alpha["claim"]["value"] == "7.5" and alpha["claim_note"] is None
    # Gamma's region (TLK) has no CRA figures in the fixture: the Total Place place is shown, with the reason
    gamma = fiscal.total_place_view(C, "council", YEAR)
    assert not gamma["follows_area"] and gamma["area_code"] == A
    assert "No Total Place view can be computed for Gamma" in gamma["fallback_reason"]
    assert "no identifiable spending for TLK" in gamma["fallback_reason"]


def test_tables_as_a_briefing_reads_them(fixture_db, monkeypatch):
    from indicators.data import geography

    monkeypatch.setattr(
        geography,
        "core_cities",
        lambda: fx.pd.DataFrame(
            {"city": ["Alpha", "Gamma"], "lad_code": [A, C], "city_region_code": ["E47000001", "E47000009"]}
        ),
    )
    view = views.tax_spend_view(YEAR, "council", {})
    shared = fiscal.shared_spending(YEAR, DEFAULT_OPTIONS, views.place_names(view["table"]))
    assert views.place_names(view["table"]) == {A: "Alpha", C: "Gamma"}
    table = views.per_resident_table(view["table"], shared["shared"]).set_index("Area code")
    assert table.loc[A, "Taxes per resident"] == "£732,500" and table.loc[A, "Spending − taxes"] == "\u2212£47m"
    assert table.loc[A, "Spending per resident is"] == "the region's (shared by population)"
    assert table.loc["TLD", "Spending per resident is"] == "official CRPSF figure"
    assert table.loc["NORTH_SEA_TLD", "Residents"].startswith("not available (")
    assert table.loc[A, "Keys"] == "default keys" and table.loc["TLD", "Keys"] == "official figures (no keys)"
    frame = views.per_resident_frame(view["table"], shared["shared"]).set_index("area_code")
    assert frame.loc[A, "label"] == "Alpha (estimate)" and frame.loc[A, "spending_mark"] == SHARED_MARK
    assert "NORTH_SEA_TLD" not in frame.index
    for frame_ in (table.reset_index(), views.gap_table(view["gap"]), views.key_rows({})):
        text = frame_.to_string()
        assert "None" not in text and "nan" not in text.split() and "_gbp" not in text
    assert function_label("10. Social protection") == "Social protection"


def test_the_headline_reads_the_single_path(fixture_db):
    headline = fiscal.core_cities_gap(YEAR)["councils"]
    total = next(r for r in fiscal.balance_rows(YEAR) if r["area_code"] == CORE_COUNCILS)
    assert headline["net_balance_gbp_bn"] == total["net_balance_gbp"] / 1e9
    assert headline["sensitivity"]["max_gbp_bn"] == total["sensitivity_net_balance_gbp"]["max"] / 1e9
