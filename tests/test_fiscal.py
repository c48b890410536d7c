"""Tax-versus-spend apportionment on a five-council fixture with hand-worked numbers.

Regions and councils (population 2021 = 2022):
  TLD  A E08000001 (core) 100   B E08000002 300
  TLK  C E06000001 (core) 200   D E06000002 200 (no HMRC income tax, no council tax receipts)   E E06000003 400
Keys: income_tax 2023-24 A30 B10 C50 E150; filled_jobs 2022 A60 B40 C10 D30 E60; gdhi_per_head 2021 A2 B1 C3 D1 E1;
      gva_current 2022 A9 B1 C1 D3 E4; council_tax_receipts 2021-22 only A10 B10 C7 E21.
CRPSF 2022-23 (£m): TLD income tax 100, NICs 50, VAT 40, corporation tax 20, council tax 10, TV licence 4, total 230;
      expenditure 400 (economic affairs 40).  TLK 80, 40, 20, 10, 8, -, total 160; expenditure 300 (economic affairs 30).
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from indicators import db, fiscal

A, B, C, D, E = "E08000001", "E08000002", "E06000001", "E06000002", "E06000003"
LADS = [(A, "Alpha", "TLD", "E47000001"), (B, "Beta", "TLD", "E47000001"), (C, "Gamma", "TLK", "E47000009"),
        (D, "Delta", "TLK", "E47000009"), (E, "Epsilon", "TLK", "")]
KEY_DATA = {  # indicator -> (period, {lad: value})
    "population": [("2021", {A: 100, B: 300, C: 200, D: 200, E: 400}), ("2022", {A: 100, B: 300, C: 200, D: 200, E: 400})],
    "income_tax": [("2023-24", {A: 30, B: 10, C: 50, E: 150})],
    "filled_jobs": [("2022", {A: 60, B: 40, C: 10, D: 30, E: 60})],
    "gdhi_per_head": [("2021", {A: 2, B: 1, C: 3, D: 1, E: 1})],
    "gva_current": [("2022", {A: 9, B: 1, C: 1, D: 3, E: 4})],
    "council_tax_receipts": [("2021-22", {A: 10, B: 10, C: 7, E: 21})],
}
REGIONAL = {
    "TLD": {"rev_income_tax": 100, "rev_social_contributions": 50, "rev_value_added_tax": 40, "rev_corporation_tax": 20,
            "rev_council_tax": 10, "rev_tv_licence_fees": 4, "rev_total": 230, "exp_total": 400,
            "exp_economic_affairs": 40, "crpsf_population": 400},
    "TLK": {"rev_income_tax": 80, "rev_social_contributions": 40, "rev_value_added_tax": 20, "rev_corporation_tax": 10,
            "rev_council_tax": 8, "rev_total": 160, "exp_total": 300, "exp_economic_affairs": 30, "crpsf_population": 800},
}
YEAR = "2022-23"


def observations_frame() -> pd.DataFrame:
    rows = []
    for indicator, series in KEY_DATA.items():
        for period, values in series:
            rows += [(code, code, indicator, period, float(v), "u", "fixture") for code, v in values.items()]
    for region, values in REGIONAL.items():
        rows += [(region, region, i, YEAR, float(v), "£ million", "fixture") for i, v in values.items()]
    return pd.DataFrame(rows, columns=["area_code", "area_name", "indicator_id", "period", "value", "unit", "source_id"])


def lads_frame() -> pd.DataFrame:
    return pd.DataFrame([(c, n, r) for c, n, r, _ in LADS], columns=["lad_code", "lad_name", "itl1_code"])


@pytest.fixture()
def fixture_db(tmp_path):
    path = tmp_path / "fiscal.duckdb"
    con = duckdb.connect(str(path))
    tables = {
        "observations": observations_frame(),
        "lad_lookup": pd.DataFrame([(c, n, r, ca) for c, n, r, ca in LADS], columns=["lad_code", "lad_name", "itl1_code", "ca_code"]),
        "city_region_members": pd.DataFrame([("Alpha", "E47000001", "Alpha CR", A), ("Alpha", "E47000001", "Alpha CR", B),
                                             ("Gamma", "E47000009", "Gamma CR", C), ("Gamma", "E47000009", "Gamma CR", D)],
                                            columns=["city", "city_region_code", "city_region_name", "lad_code"]),
        "core_cities": pd.DataFrame([("Alpha", A), ("Gamma", C)], columns=["city", "lad_code"]),
        "areas": pd.DataFrame([(c, n, "lad") for c, n, _, _ in LADS], columns=["area_code", "area_name", "area_type"]),
        "claims": pd.DataFrame([("tp_birmingham_total", "Total Place", "7.5", "2008-09"), ("cc_tax_spend_gap", "Gap", "53", "c.2016")],
                               columns=["claim_id", "claim", "value", "period_as_stated"]),
        "cra_identifiable_spending": pd.DataFrame(
            [("CRA 2016", "TLD", "7. Health", "7.1 Medical", "2011-12", "50"), ("CRA 2016", "TLD", "7. Health", "7.2 Other", "2011-12", "30"),
             ("CRA 2016", "TLD", "10. Social protection", "10.1 Sickness", "2011-12", "120"),
             ("CRA 2016", "TLD", "7. Health", "7.1 Medical", "2012-13", "999")],
            columns=["edition", "region_code", "cofog_function", "hmt_function", "period", "value_gbp_m"]),
    }
    for name, frame in tables.items():
        con.register("incoming", frame)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM incoming")
        con.unregister("incoming")
    con.close()
    with db.using(path):
        yield path
    db.close_all()


# ------------------------------------------------------------------------------------------- shares by key

# key -> hand-worked shares within TLK (C, D, E); D lacks HMRC and receipts so keeps its population share 0.25
TLK_SHARES = {
    "population": (0.25, 0.25, 0.5),
    "hmrc_income_tax": (0.75 * 50 / 200, 0.25, 0.75 * 150 / 200),
    "workplace_jobs": (0.1, 0.3, 0.6),
    "gdhi": (600 / 1200, 200 / 1200, 400 / 1200),
    "gva": (0.125, 0.375, 0.5),
    "receipts": (0.75 * 7 / 28, 0.25, 0.75 * 21 / 28),
}
TLD_SHARES = {"population": (0.25, 0.75), "hmrc_income_tax": (0.75, 0.25), "workplace_jobs": (0.6, 0.4),
              "gdhi": (0.4, 0.6), "gva": (0.9, 0.1), "receipts": (0.5, 0.5)}


@pytest.mark.parametrize("key", list(fiscal.KEYS))
def test_every_key_by_hand(key):
    inputs = observations_frame()
    shares, notes = fiscal.key_shares(key, lads_frame(), fiscal.lookup(inputs), YEAR)
    assert shares[[C, D, E]].tolist() == pytest.approx(TLK_SHARES[key])
    assert shares[[A, B]].tolist() == pytest.approx(TLD_SHARES[key])
    for region in ("TLD", "TLK"):
        members = [c for c, _, r, _ in LADS if r == region]
        assert shares[members].sum() == pytest.approx(1.0)
    tlk = next(n for n in notes if n["region"] == "TLK")
    assert tlk["fallback_to_population"] == ([D] if key in ("hmrc_income_tax", "receipts") else [])


def test_periods_substituted_and_recorded():
    inputs = observations_frame()
    _, notes = fiscal.key_shares("receipts", lads_frame(), fiscal.lookup(inputs), YEAR)
    assert {n["key_period"] for n in notes} == {"2021-22"}  # 2022-23 beyond the data: latest year used
    _, notes = fiscal.key_shares("population", lads_frame(), fiscal.lookup(inputs), "2024-25")
    assert {n["population_period"] for n in notes} == {"2022"}  # 2024 not published: latest year
    _, notes = fiscal.key_shares("hmrc_income_tax", lads_frame(), fiscal.lookup(inputs), "2010-11")
    assert {n["key_period"] for n in notes} == {"2023-24"}  # one year only, used for every year
    assert fiscal.pick_period(["2010-11", "2011-12"], "2008-09") == "2010-11"


# ------------------------------------------------------------------------------------------- estimates


def fixture_alloc():
    return fiscal.allocations(observations_frame()[lambda f: f["period"] == YEAR], lads_frame(), observations_frame(), YEAR)


def test_default_options_by_hand():
    frame = fiscal.combine(fixture_alloc(), fiscal.check_options())
    alpha = frame.loc[A]
    # income tax 100×.75, NICs 50×.75 (HMRC), VAT 40×.25, corporation tax 20×.9 (GVA), council tax 10×.5, other 10×.25
    assert alpha["rev_income_tax"] == pytest.approx(75)
    assert alpha["revenue"] == pytest.approx(75 + 37.5 + 10 + 18 + 5 + 2.5)
    assert alpha["expenditure"] == pytest.approx(100)  # 400 × .25
    assert alpha["net_balance"] == pytest.approx(100 - 148)  # a surplus: negative
    gamma = frame.loc[C]
    assert gamma["revenue"] == pytest.approx(15 + 7.5 + 5 + 1.25 + 1.5 + 0.5)
    assert gamma["net_balance"] == pytest.approx(75 - 30.75)


def test_all_population_and_gva_options_by_hand():
    options = {g: "population" for g in fiscal.KEY_OPTIONS}
    frame = fiscal.combine(fixture_alloc(), fiscal.check_options(**options))
    assert frame.loc[A, "revenue"] == pytest.approx(230 * 0.25)
    assert frame.loc[A, "net_balance"] == pytest.approx(100 - 57.5)
    frame = fiscal.combine(fixture_alloc(), fiscal.check_options(economic_affairs="gva", nics="workplace_jobs", consumption="gdhi"))
    assert frame.loc[A, "expenditure"] == pytest.approx(40 * 0.9 + 360 * 0.25)
    assert frame.loc[A, "revenue"] == pytest.approx(75 + 50 * 0.6 + 40 * 0.4 + 18 + 5 + 2.5)


@pytest.mark.parametrize("combo", range(96))
def test_sum_back_to_regions_every_combination(combo):
    import itertools

    options = dict(zip(fiscal.KEY_OPTIONS, list(itertools.product(*fiscal.KEY_OPTIONS.values()))[combo]))
    frame = fiscal.combine(fixture_alloc(), options)
    for region, values in REGIONAL.items():
        part = frame[frame["itl1_code"] == region]
        assert part["revenue"].sum() == pytest.approx(values["rev_total"], abs=1e-9)
        assert part["expenditure"].sum() == pytest.approx(values["exp_total"], abs=1e-9)
        assert part["rev_income_tax"].sum() == pytest.approx(values["rev_income_tax"], abs=1e-9)


def test_sensitivity_range_by_hand():
    result = fiscal.sensitivity_range(fixture_alloc(), [A, C])
    assert result["combinations"] == 96
    # max: every revenue key at its smallest for A+C (all population), economic affairs by GVA: 197.25 − 97.5
    assert result["max_gbp_m"] == pytest.approx(99.75)
    # min: HMRC, HMRC, GDHI, GVA, receipts, economic affairs by population: 175 − 189.75
    assert result["min_gbp_m"] == pytest.approx(-14.75)
    assert result["min_options"] == {"income_tax": "hmrc_income_tax", "nics": "hmrc_income_tax", "consumption": "gdhi",
                                     "business": "gva", "council_tax": "receipts", "economic_affairs": "population"}


def test_bad_options_name_the_valid_ones():
    with pytest.raises(ValueError, match="valid: hmrc_income_tax, workplace_jobs, population"):
        fiscal.check_options(nics="earnings")
    with pytest.raises(ValueError, match="valid: income_tax, nics, consumption, business, council_tax, economic_affairs"):
        fiscal.check_options(vat="population")
    with pytest.raises(ValueError, match="valid: population, hmrc_income_tax"):
        fiscal.key_shares("widgets", lads_frame(), fiscal.lookup(observations_frame()), YEAR)
    with pytest.raises(ValueError, match="2024-25"):
        fiscal.check_year("2024/25")


# ---------------------------------------------------------------------------------------- warehouse-backed


def test_cli_rows_on_fixture_warehouse(fixture_db):
    rows = {r["area_code"]: r for r in fiscal.fiscal_cli_rows(YEAR)}
    assert rows[A]["revenue_gbp"] == 148_000_000 and rows[A]["income_tax_gbp"] == 75_000_000
    assert rows[A]["net_balance_gbp"] == -48_000_000 and rows[A]["net_balance_per_head_gbp"] == -480_000
    assert rows[A]["key_options"] == fiscal.DEFAULT_OPTIONS and rows[A]["estimate"] is True
    assert rows["E47000001"]["revenue_gbp"] == 230_000_000  # Alpha CR = the whole of TLD
    total = rows[fiscal.CORE_COUNCILS]
    assert total["net_balance_gbp"] == -3_750_000  # −48 + 44.25
    assert total["sensitivity_net_balance_gbp"]["max"] == 99_750_000
    assert rows["TLK"]["estimate"] is False and rows["TLK"]["net_balance_gbp"] == 140_000_000
    with pytest.raises(ValueError, match="available: 2022-23 to 2022-23"):
        fiscal.fiscal_cli_rows("2030-31")


def test_core_cities_gap_on_fixture(fixture_db):
    result = fiscal.core_cities_gap(YEAR, council_tax="population")
    # council tax by population: A 2.5 instead of 5, C 2 instead of 1.5 → net −3.75 + 2.5 − 0.5
    assert result["councils"]["net_balance_gbp_bn"] == pytest.approx(-1.75 / 1e3)
    assert result["claim"]["value"] == "53"
    assert any("receipts" in line and "E06000002" in line for line in result["notes"]) is False  # receipts not in use
    default = fiscal.core_cities_gap(YEAR)
    assert any("E06000002" in line and line.startswith("receipts") for line in default["notes"])


def test_total_place_on_fixture(fixture_db):
    result = fiscal.total_place_comparison(A)
    assert result["cra_year"] == "2011-12" and "2011-12" in result["year_note"]  # nearest year to 2008-09
    functions = {f["cofog_function"]: f["value_gbp_m"] for f in result["functions"]}
    assert functions == pytest.approx({"7. Health": 20.0, "10. Social protection": 30.0})  # ×0.25 population share
    assert result["identifiable_total_gbp_bn"] == pytest.approx(0.05)
    assert result["crpsf_total_expenditure_gbp_bn"] == pytest.approx(0.1)  # 400 × .25, nearest CRPSF year
    assert result["gap_identifiable_gbp_bn"] == pytest.approx(0.05 - 7.5)


def test_method_text_labels_estimates():
    text = fiscal.method()
    assert text["label"] == "Estimate"
    assert "expenditure − revenue" in text["sign_convention"]
    assert set(text["options"]) == set(fiscal.KEY_OPTIONS)
