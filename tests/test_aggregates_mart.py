"""The aggregates mart on a three-council fixture built in code, every expected figure worked out by hand.

Councils (2022):        A (core, TLD)   B (TLD)   C (core, London TLI)
  gva_current £m             10           20          30
  population                100          300         100         (2023: A 100, C 100; B has none)
  gva_per_hour £             30           20          40
  hours_worked (weekly)      10           10           5
Published above councils: UKX GVA per hour 28.2 on 25 weekly hours (derived 700 ÷ 25 = 28.0: −0.71 %, inside
the 2 % tolerance); ITL3 TLI11 = C alone publishes GVA per head 300,000 (30 × 1e6 ÷ 100); ITL3 TLD11 is listed with
A alone but publishes a population of 150, not A's 100: its boundary splits councils, so it stands in for nobody.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from indicators.pipeline.marts import aggregates as mart

A, B, C = "E08000001", "E08000002", "E09000001"


def observations(ukx_per_hour: float = 28.2) -> pd.DataFrame:
    rows = []
    for code, gva, population, per_hour, hours in ((A, 10, 100, 30, 10), (B, 20, 300, 20, 10), (C, 30, 100, 40, 5)):
        rows += [
            (code, "gva_current", "2022", gva),
            (code, "population", "2022", population),
            (code, "gva_per_hour", "2022", per_hour),
            (code, "hours_worked", "2022", hours),
        ]
    rows += [
        (A, "population", "2023", 100),
        (C, "population", "2023", 100),
        (A, "gva_current", "2023", 11),
        (B, "gva_current", "2023", 21),
        (C, "gva_current", "2023", 31),
    ]
    rows += [
        ("UKX", "gva_per_hour", "2022", ukx_per_hour),
        ("UKX", "hours_worked", "2022", 25),
        ("TLI11", "itl_gva_per_head", "2022", 300_000),
        ("TLI11", "itl_gva_current", "2022", 30),
        ("TLI11", "itl_population", "2022", 100),
        ("TLD11", "itl_gva_per_head", "2022", 66_667),
        ("TLD11", "itl_gva_current", "2022", 10),
        ("TLD11", "itl_population", "2022", 150),
    ]
    return pd.DataFrame(
        [(a, a, i, p, float(v), "", "fixture") for a, i, p, v in rows],
        columns=["area_code", "area_name", "indicator_id", "period", "value", "unit", "source_id"],
    )


def connection(ukx_per_hour: float = 28.2) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    lookup = pd.DataFrame(
        [
            (A, "A", "TLD11", "TLD1", "TLD", "North West", "E92000001", "E47000001", "A CA"),
            (B, "B", "TLD12", "TLD1", "TLD", "North West", "E92000001", "E47000001", "A CA"),
            (C, "C", "TLI11", "TLI1", "TLI", "London", "W92000004", "", ""),
        ],  # a nation apart, so it isn't the UK
        columns=[
            "lad_code",
            "lad_name",
            "itl3_code",
            "itl2_code",
            "itl1_code",
            "itl1_name",
            "country_code",
            "ca_code",
            "ca_name",
        ],
    ).assign(itl3_name=lambda f: f["itl3_code"], itl2_name=lambda f: f["itl2_code"])
    tables = {
        "observations": observations(ukx_per_hour),
        "lad_lookup": lookup,
        "city_region_members": pd.DataFrame(
            [("A", "E47000001", "A city region", A), ("C", "CR_C", "C city region", C)],
            columns=["city", "city_region_code", "city_region_name", "lad_code"],
        ),
        "productivity_cr_lookup_jun2024": pd.DataFrame(
            columns=["lad_code", "lad_name", "city_region_code", "city_region_name"]
        ),
        "areas": pd.DataFrame(
            [(A, "A", "lad"), (B, "B", "lad"), (C, "C", "lad")], columns=["area_code", "area_name", "area_type"]
        ),
        "core_cities": pd.DataFrame([(A,), (C,)], columns=["lad_code"]),
    }
    for name, frame in tables.items():
        con.register("incoming", frame)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM incoming")
        con.unregister("incoming")
    return con


@pytest.fixture(scope="module")
def built():
    con = connection()
    mart.build(con)
    frame = con.execute("SELECT * FROM aggregates").df().set_index(["measure_id", "area_code", "period"])
    return con, frame


def test_the_published_figure_wins_and_the_derivation_is_kept_beside_it(built):
    con, rows = built
    uk = rows.loc[("gva_per_hour", "UKX", "2022")]
    assert (uk["value"], uk["method"], uk["denominator"]) == (28.2, "published", 25 * 52)
    check = (
        con.execute("SELECT * FROM reconciliation WHERE area_code = 'UKX' AND measure_id = 'gva_per_hour'").df().iloc[0]
    )
    assert check["derived_value"] == pytest.approx(28.0) and check["difference_pct"] == pytest.approx(
        -0.70922, abs=1e-5
    )
    assert check["checked"] and check["within_tolerance"] and check["tolerance_pct"] == 2.0
    assert mart.checks(con) == []


def test_derived_where_nothing_is_published_with_its_members(built):
    _, rows = built
    region = rows.loc[("gva_per_hour", "TLD", "2022")]  # (30 × 520 + 20 × 520) ÷ 1,040
    assert region["value"] == pytest.approx(25.0) and region["method"] == "derived"
    assert (region["members_present"], region["members_expected"], region["coverage_note"]) == (2, 2, "")
    core = rows.loc[("gva_per_hour", "CORE_CITIES_COUNCILS", "2022")]  # A and C: (15,600 + 10,400) ÷ 780
    assert core["value"] == pytest.approx(26_000 / 780)


def test_an_area_of_the_same_councils_lends_its_published_figure(built):
    _, rows = built
    c = rows.loc[("gva_per_head", C, "2022")]
    assert (c["value"], c["method"], c["published_as"]) == (300_000, "published", "TLI11")
    london = rows.loc[("gva_per_head", "TLI", "2022")]  # the region is C alone too
    assert london["published_as"] == "TLI11"


def test_a_best_fit_area_lends_nothing_and_its_difference_is_explained(built):
    con, rows = built
    a = rows.loc[("gva_per_head", A, "2022")]
    assert (a["value"], a["method"]) == (100_000, "derived")  # 10e6 ÷ 100, not TLD11's 66,667
    areas = con.execute("SELECT area_code, membership_exact FROM mart_areas WHERE area_code = 'TLD11'").fetchone()
    assert areas == ("TLD11", False)
    explained = con.execute(
        "SELECT explained, checked FROM reconciliation WHERE area_code = 'TLD11' AND measure_id = 'gva_per_head'"
    ).fetchone()
    assert explained[0].startswith("the area's boundary splits councils") and explained[1] is False


def test_partial_coverage_is_counted_and_named(built):
    _, rows = built
    region = rows.loc[("gva_per_head", "TLD", "2023")]  # B has no 2023 population: A alone, 11e6 ÷ 100
    assert region["value"] == pytest.approx(110_000)
    assert (region["members_present"], region["members_expected"], bool(region["coverage_complete"])) == (1, 2, False)
    assert region["coverage_note"] == "derived from 1 of 2 councils; no figure for: B (E08000002)"
    assert region["missing_members"] == B
    # the UK excluding London is TLD's one region, which itself rests on 1 of 2 councils
    rest = rows.loc[("gva_per_head", "UK_EX_LONDON", "2023")]
    assert rest["coverage_note"] == "derived from 1 region, resting on 1 of 2 councils"


def test_a_derivation_outside_its_tolerance_fails_the_build():
    con = connection(ukx_per_hour=27.0)  # derived 28.0 is +3.7 %
    mart.build(con)
    failures = mart.checks(con)
    assert failures == ["reconciliation: UKX gva_per_hour 2022: derived 28 vs published 27 (+3.704%, tolerance ±2.0%)"]
