"""The fiscal mart (indicators/pipeline/marts/fiscal.py): its small arithmetic functions by hand, the tables it builds
on the five-council fixture (tests/fiscal_fixture.py), its declared checks, and the sensitivity range proved against
brute force over every combination of keys."""

from __future__ import annotations

import itertools
import json

import duckdb
import numpy as np
import pandas as pd
import pytest

from indicators.pipeline import marts
from indicators.pipeline.marts import fiscal as mart
from tests import fiscal_fixture as fx
from tests.fiscal_fixture import COUNTY, YEAR, A, B, C, D, E

# ------------------------------------------------------------------------------------------- pure arithmetic


def test_nearest_period_prefers_the_year_then_the_nearer_then_the_earlier():
    assert mart.nearest_period(["2021", "2022", "2023"], 2022) == "2022"
    assert mart.nearest_period(["2021", "2022", "2023"], 2024) == "2023"  # mid-2024 not published: mid-2023
    assert mart.nearest_period(["2014-15", "2017-18"], 2016) == "2017-18"  # one year away beats two
    assert mart.nearest_period(["2014-15", "2017-18"], 2015) == "2014-15"
    assert mart.nearest_period(["2010-11", "2012-13"], 2011) == "2010-11"  # a tie goes to the earlier
    assert mart.nearest_period(["2010-11"], 1999) == "2010-11"
    assert mart.nearest_period([], 2020) is None


def test_population_base_adds_back_to_crpsf():
    base = mart.population_base(np.array([100.0, 300.0]), 800.0)
    assert base.tolist() == [200.0, 600.0]
    with pytest.raises(ValueError, match="positive mid-year estimate"):
        mart.population_base(np.array([100.0, np.nan]), 800.0)


def test_shares_with_fallback_by_hand():
    pop = np.array([0.25, 0.25, 0.5])
    shares, fallback = mart.shares_with_fallback(pop, np.array([50.0, np.nan, 150.0]))
    assert shares.tolist() == pytest.approx([0.75 * 50 / 200, 0.25, 0.75 * 150 / 200])
    assert fallback.tolist() == [False, True, False]
    # a negative key value is not usable: that council keeps its population share
    shares, fallback = mart.shares_with_fallback(pop, np.array([-1.0, 1.0, 3.0]))
    assert shares.tolist() == pytest.approx([0.25, 0.75 / 4, 0.75 * 3 / 4]) and fallback.tolist() == [
        True,
        False,
        False,
    ]
    # nothing usable: everyone by population
    shares, fallback = mart.shares_with_fallback(pop, np.array([np.nan, np.nan, 0.0]))
    assert shares.tolist() == pop.tolist() and fallback.all()


def test_group_values_partition_the_official_totals():
    items = {**fx.REGIONAL["TLD"]}
    groups = mart.group_values(items)
    assert groups["rev_north_sea"] == 8 and groups["rev_business"] == 20 and groups["rev_consumption"] == 40
    assert groups["rev_other"] == 4  # TV licence fees: 232 − 100 − 50 − 40 − 20 − 10 − 8
    assert groups["exp_other"] == 120  # 400 − 40 − 60 − 100 − 80
    assert sum(v for k, v in groups.items() if k.startswith("rev_")) == 232
    assert sum(v for k, v in groups.items() if k.startswith("exp_")) == 400


def rs_rows(rows):
    return pd.DataFrame(rows, columns=["area_code", "authority_class", "county_code", "value_gbp_m"])


def test_two_tier_values_share_a_county_to_its_districts_by_population():
    rs = rs_rows([(C, "UA", "", 20.0), (COUNTY, "SC", "", 90.0), (D, "SD", COUNTY, 2.0), (E, "SD", COUNTY, 0.0)])
    values = mart.two_tier_values(rs, {C: 200, D: 200, E: 400}, {C, D, E})
    assert values == pytest.approx({C: 20.0, D: 2.0 + 30.0, E: 60.0})


def test_two_tier_values_drop_a_reorganised_county():
    """A county whose districts are not all current councils gives its districts no value (they fall back)."""
    rs = rs_rows(
        [(C, "UA", "", 20.0), (COUNTY, "SC", "", 90.0), (D, "SD", COUNTY, 2.0), ("E07999999", "SD", COUNTY, 1.0)]
    )
    assert mart.two_tier_values(rs, {C: 200, D: 200}, {C, D, E}) == {C: 20.0}


def test_combinations_is_the_product_of_the_switchable_groups():
    assert mart.combinations() == 2 * 3 * 2 * 2 * 2 * 3 * 2 * 2 * 2 * 2 * 2
    assert set(mart.KEY_OPTIONS) == {g for g, group in mart.GROUPS.items() if len(group.keys) > 1}
    assert mart.KEY_OPTIONS["north_sea"] == ("held", "population", "gva")


# ------------------------------------------------------------------------------------------- built tables


@pytest.fixture()
def con(tmp_path):
    connection = duckdb.connect(str(fx.build(tmp_path / "fiscal.duckdb")))
    yield connection
    connection.close()


def frame(con, sql, params=()):
    return con.execute(sql, list(params)).fetchdf()


def item(con, area, name, key, period=YEAR):
    return con.execute(
        "SELECT value_gbp_m FROM fiscal_items WHERE period = ? AND area_code = ? AND item = ? AND key = ?",
        [period, area, name, key],
    ).fetchone()[0]


def test_population_base_on_the_fixture(con):
    base = frame(con, "SELECT lad_code, population, mye_period FROM fiscal_population WHERE period = ?", [YEAR])
    assert dict(zip(base["lad_code"], base["population"])) == {A: 200, B: 600, C: 250, D: 250, E: 500}
    assert set(base["mye_period"]) == {"2022"}
    later = frame(con, "SELECT DISTINCT mye_period FROM fiscal_population WHERE period = '2024-25'")
    assert later["mye_period"].tolist() == ["2022"]  # mid-2024 not in the fixture: the nearest year


def test_items_by_hand(con):
    assert item(con, A, "rev_income_tax", "hmrc_income_tax") == pytest.approx(75)
    assert item(con, A, "rev_north_sea", "held") == 0
    assert item(con, A, "rev_north_sea", "population") == pytest.approx(8 * 0.25)
    assert item(con, A, "rev_north_sea", "gva") == pytest.approx(8 * 0.9)
    assert item(con, C, "rev_north_sea", "gva") == pytest.approx(-4 * 0.125)  # negative in TLK this year
    assert item(con, A, "exp_education", "rs_education") == pytest.approx(60 * 30 / 40)
    assert item(con, C, "exp_education", "rs_education") == pytest.approx(50 * 20 / 110)
    assert item(con, D, "exp_education", "rs_education") == pytest.approx(50 * 30 / 110)
    assert item(con, A, "exp_social_protection", "rs_social_care") == pytest.approx(100 * 4 / 5)
    assert item(con, D, "exp_social_protection", "rs_social_care") == pytest.approx(70 * 12 / 42)
    assert item(con, A, "exp_health", "population") == pytest.approx(80 * 0.25)
    # aggregates are sums of members
    assert item(con, "E47000009", "exp_education", "rs_education") == pytest.approx(50 * 50 / 110)
    assert item(con, mart.CORE_COUNCILS, "rev_income_tax", "hmrc_income_tax") == pytest.approx(75 + 15)


def test_held_lines_and_areas(con):
    held = frame(
        con, "SELECT region_code, sum(value_gbp_m) AS v FROM fiscal_held WHERE period = ? GROUP BY 1 ORDER BY 1", [YEAR]
    )
    assert held["v"].tolist() == [8, -4]
    areas = frame(con, "SELECT * FROM fiscal_areas WHERE period = ? AND area_type <> 'lad' ORDER BY area_code", [YEAR])
    assert areas["area_code"].tolist() == [mart.CORE_CITY_REGIONS, mart.CORE_COUNCILS, "E47000001", "E47000009"]
    assert areas["members_expected"].tolist() == areas["members_present"].tolist() == [4, 2, 2, 2]
    gamma = areas.set_index("area_code").loc["E47000009"]
    assert gamma["population"] == 250 + 250 and gamma["members_missing"] == ""


def test_notes_record_periods_and_fallbacks(con):
    notes = frame(con, "SELECT * FROM fiscal_key_notes WHERE period = ? AND region_code = 'TLK'", [YEAR]).set_index(
        "key"
    )
    assert notes.loc["hmrc_income_tax", "fallback_lads"] == D and notes.loc["receipts", "key_period"] == "2021-22"
    assert notes.loc["rs_culture", "fallback_lads"] == f"{C};{D};{E}"  # no cultural spending in the fixture
    assert pd.isna(notes.loc["rs_culture", "key_period"])


def test_checks_pass_and_declared_checks_pass(con):
    assert mart.checks(con) == []
    assert marts.declared_checks(con, mart) == []


@pytest.mark.parametrize(
    "tamper, message",
    [
        (
            "UPDATE fiscal_items SET value_gbp_m = value_gbp_m + 2 WHERE area_code = 'E08000001' "
            "AND item = 'rev_income_tax' AND key = 'population' AND period = '2022-23'",
            "TLD 2022-23 rev_income_tax by population",
        ),
        ("DELETE FROM fiscal_held WHERE region_code = 'TLK'", "North Sea items"),
        (
            "UPDATE fiscal_population SET population = population + 5 WHERE lad_code = 'E06000001'",
            "council populations add to",
        ),
        (
            "UPDATE fiscal_areas SET members_present = 1, members_missing = 'E08000002' WHERE area_code = 'E47000001'",
            "rests on 1 of 2 councils",
        ),
        (
            "DELETE FROM fiscal_population WHERE lad_code = 'E07000002' AND period = '2024-25'",
            "E07000002 has no estimate",
        ),
        ("UPDATE fiscal_ranges SET max_gbp_m = min_gbp_m - 1", "outside its range"),
        (
            "UPDATE fiscal_items SET value_gbp_m = -value_gbp_m WHERE area_code = 'E08000002' AND item = 'exp_health'",
            "opposite sign",
        ),
    ],
)
def test_checks_catch_a_broken_table(con, tamper, message):
    con.execute(tamper)
    failures = mart.checks(con)
    assert any(message in f for f in failures), failures


def test_a_region_with_a_missing_estimate_uses_the_nearest_complete_year(tmp_path):
    """Delta has no mid-2022 estimate: the whole of TLK takes mid-2021 (like Northern Ireland's mid-2023 gap)."""
    path = fx.build(tmp_path / "gap.duckdb", drop={(D, "population", "2022")})
    with duckdb.connect(str(path)) as con:
        base = frame(con, "SELECT itl1_code, mye_period FROM fiscal_population WHERE period = ?", [YEAR])
        assert dict(base.drop_duplicates().values) == {"TLD": "2022", "TLK": "2021"}
        assert mart.checks(con) == []


def test_a_council_with_no_estimate_at_all_fails_the_build(tmp_path):
    path = fx.build(
        tmp_path / "none.duckdb", drop={(D, "population", "2021"), (D, "population", "2022")}, with_marts=False
    )
    with duckdb.connect(str(path)) as con, pytest.raises(ValueError, match="mid-year estimate for every council"):
        mart.build(con)


# ----------------------------------------------------------------------------------- ranges against brute force


def brute_force(items: pd.DataFrame) -> tuple[float, float]:
    """Net balance (£m) of one area under every combination of keys, by enumeration: (min, max)."""
    value = {(i, k): v for i, k, v in zip(items["item"], items["key"], items["value_gbp_m"])}
    sign = {g.item: (-1.0 if g.item.startswith("rev_") else 1.0) for g in mart.GROUPS.values()}
    fixed = sum(
        sign[g.item] * value[(g.item, g.keys[0])] for name, g in mart.GROUPS.items() if name not in mart.KEY_OPTIONS
    )
    switchable = [mart.GROUPS[name] for name in mart.KEY_OPTIONS]
    nets = [
        fixed + sum(sign[g.item] * value[(g.item, k)] for g, k in zip(switchable, combo))
        for combo in itertools.product(*(g.keys for g in switchable))
    ]
    assert len(nets) == mart.combinations()
    return min(nets), max(nets)


@pytest.mark.parametrize("area", [A, C, mart.CORE_COUNCILS, mart.CORE_CITY_REGIONS, "E47000009"])
def test_ranges_equal_brute_force_on_the_fixture(con, area):
    items = frame(
        con, "SELECT item, key, value_gbp_m FROM fiscal_items WHERE period = ? AND area_code = ?", [YEAR, area]
    )
    low, high = brute_force(items)
    stored = frame(con, "SELECT * FROM fiscal_ranges WHERE period = ? AND area_code = ?", [YEAR, area]).iloc[0]
    assert stored["min_gbp_m"] == pytest.approx(low) and stored["max_gbp_m"] == pytest.approx(high)
    assert stored["combinations"] == mart.combinations()
    # the options it names give exactly the extremes
    for side, target in (("min_options", low), ("max_options", high)):
        chosen = {**mart.DEFAULT_OPTIONS, **json.loads(stored[side])}
        picked = items[
            [
                k == chosen[n]
                for n, k in zip(items["item"].map({g.item: n for n, g in mart.GROUPS.items()}), items["key"])
            ]
        ]
        net = (picked["value_gbp_m"] * np.where(picked["item"].str.startswith("rev_"), -1, 1)).sum()
        assert net == pytest.approx(target)


@pytest.mark.parametrize("seed", range(5))
def test_ranges_equal_brute_force_on_random_values(seed):
    """Any values, negative ones included: the sum of each group's extremes is the extreme of the sum."""
    rng = np.random.default_rng(seed)
    rows = [(YEAR, "X", g.item, k, float(rng.normal(0, 100))) for g in mart.GROUPS.values() for k in g.keys]
    items = pd.DataFrame(rows, columns=["period", "area_code", "item", "key", "value_gbp_m"])
    result = mart.ranges(items).iloc[0]
    low, high = brute_force(items)
    assert result["min_gbp_m"] == pytest.approx(low) and result["max_gbp_m"] == pytest.approx(high)
