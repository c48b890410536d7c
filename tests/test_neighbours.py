"""Statistical neighbours: the mart on a five-council fixture built in code (every figure worked out by hand), the
NEIGHBOURS_ aggregates derived from them, and the benchmark on the real warehouse.

Fixture (two neighbours a council, not 15, so five councils suffice):
  council          k   GVA £m (2022, 2023) = 10,000 × 2^k   population   employment rate   (land: 100 km² each)
  A Aton           0        10,000                           1,000,000        60
  B Beeton         1        20,000                           1,000,000        64
  C Ceeton         3        80,000                           1,000,000        60
  D Deeton (London)4       160,000                           1,000,000        64
  E Eeton (NI)     6       640,000                           1,000,000 (2022 only)  none (GB only)
GVA per head is £10,000 × 2^k, so log GVA per head standardises to (k − 2.8) / √4.56; the employment rate (mean 62,
sd 2) to −1 for A and C, +1 for B and D. Population and density are the same everywhere and level 3 is not
published, so none of them counts; every council has the same industry mix (C 75%, G 25%), so it does not count
either. The distance is then
d² = ((Δk)² / 4.56 + (Δz)²) / 2, or (Δk)² / 4.56 for a pair with E (no employment rate):
  A: C (Δk 3, Δz 0: 0.9934), B (Δk 1, Δz 2: 1.4525)        B: D (0.9934), A (1.4525)
  C: A (0.9934), E (Δk 3: 1.4049; D is 1.4525)             D: E (Δk 2: 0.9366), B (0.9934)
  E: D (0.9366), C (1.4049)
"""

from __future__ import annotations

import math

import duckdb
import pandas as pd
import pytest

from indicators.analysis import measures, productivity
from indicators.data import aggregates, db
from indicators.domain import similarity
from indicators.domain.definition import Definition
from indicators.domain.neighbours import neighbours_code
from indicators.pipeline.marts import aggregates as aggregates_mart
from indicators.pipeline.marts import neighbours as mart

A, B, C, D, E = "E08000001", "E08000002", "E08000003", "E09000001", "N09000001"
NAMES = {A: "Aton", B: "Beeton", C: "Ceeton", D: "Deeton", E: "Eeton"}
K = {A: 0, B: 1, C: 3, D: 4, E: 6}
EMPLOYMENT = {A: 60.0, B: 64.0, C: 60.0, D: 64.0}
HOURS = {A: (20, 10), B: (30, 10), C: (40, 30), D: (60, 20)}  # GVA per hour £, weekly hours (2022); E none
JOBS = {A: (50_000, 100), B: (40_000, 100), C: (60_000, 300), D: (80_000, 200)}  # GVA per job £, filled jobs (2022)
EXPECTED = {
    A: [(C, 0.993), (B, 1.452)],
    B: [(D, 0.993), (A, 1.452)],
    C: [(A, 0.993), (E, 1.405)],
    D: [(E, 0.937), (B, 0.993)],
    E: [(D, 0.937), (C, 1.405)],
}


def hand_distance(first: str, second: str) -> float:
    dk2 = (K[first] - K[second]) ** 2 / 4.56
    if first == E or second == E:
        return math.sqrt(dk2)
    z = {code: (value - 62) / 2 for code, value in EMPLOYMENT.items()}
    return math.sqrt((dk2 + (z[first] - z[second]) ** 2) / 2)


def observations() -> pd.DataFrame:
    rows = []
    for code, k in K.items():
        for year in ("2022", "2023"):
            rows.append((code, "gva_current", year, 10_000 * 2**k))
            if code != E or year == "2022":
                rows.append((code, "population", year, 1_000_000))
    for code, (per_hour, hours) in HOURS.items():
        rows += [(code, "gva_per_hour", "2022", per_hour), (code, "hours_worked", "2022", hours)]
    for code, (per_job, jobs) in JOBS.items():
        rows += [(code, "gva_per_job", "2022", per_job), (code, "filled_jobs", "2022", jobs)]
    # ITL1 TLD is exactly B + C (the council set of A's neighbours) and publishes its GVA per head: 50,010, not the
    # 50,000 its councils give. A's neighbours must not borrow it.
    rows += [
        ("TLD", "itl_gva_per_head", "2022", 50_010),
        ("TLD", "itl_gva_current", "2022", 100_000),
        ("TLD", "itl_population", "2022", 2_000_000),
    ]
    return pd.DataFrame(
        [(a, NAMES.get(a, a), i, p, float(v), "", "fixture_release") for a, i, p, v in rows],
        columns=["area_code", "area_name", "indicator_id", "period", "value", "unit", "source_id"],
    )


def fixture_tables() -> dict[str, pd.DataFrame]:
    itl1 = {A: "TLC", B: "TLD", C: "TLD", D: "TLI", E: "TLN"}
    lookup = pd.DataFrame(
        [
            (
                code,
                NAMES[code],
                f"{itl1[code]}{i}1",
                f"{itl1[code]}{i}",
                itl1[code],
                itl1[code],
                "N92000002" if code == E else "E92000001",
                "",
                "",
            )
            for i, code in enumerate(NAMES)
        ],
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
    place = [("employment_rate", code, NAMES[code], "council", value) for code, value in EMPLOYMENT.items()]
    place += [
        ("employment_rate", E, NAMES[E], "council", None),
        ("employment_rate", "E12000001", "North East", "region", 70.0),
        ("level3_qualifications", A, NAMES[A], "council", None),
    ]
    industry = [
        (code, section, year, value)
        for code in NAMES
        for year, scale in ((2022, 1), (2023, 2))
        for section, value in (("C", 30 * scale), ("G", 10 * scale), ("total", 999))
    ]
    return {
        "observations": observations(),
        "lad_lookup": lookup,
        "place_observations": pd.DataFrame(
            place, columns=["indicator_id", "area_code", "area_name", "geography_level", "value"]
        ),
        "place_indicators": pd.DataFrame(
            [("employment_rate", "Oct 2022-Sep 2023"), ("level3_qualifications", "2021")],
            columns=["indicator_id", "period"],
        ),
        "lad_land_areas": pd.DataFrame([(code, 100.0) for code in NAMES], columns=["lad_code", "area_km2"]),
        "gva_industry": pd.DataFrame(industry, columns=["area_code", "industry_code", "year", "value_gbp_m"]),
        "industries": pd.DataFrame(
            [("C", "Manufacturing", True, 3), ("G", "Trade", True, 6), ("total", "All", False, 1)],
            columns=["industry_code", "industry_name", "is_section", "display_order"],
        ),
        "city_region_members": pd.DataFrame(
            [("Aton", "E47000001", "Aton city region", A), ("Aton", "E47000001", "Aton city region", B)],
            columns=["city", "city_region_code", "city_region_name", "lad_code"],
        ),
        "productivity_cr_lookup_jun2024": pd.DataFrame(
            columns=["lad_code", "lad_name", "city_region_code", "city_region_name"]
        ),
        "areas": pd.DataFrame(
            [(code, name, "lad") for code, name in NAMES.items()] + [("E47000001", "Aton city region", "city_region")],
            columns=["area_code", "area_name", "area_type"],
        ),
        "core_cities": pd.DataFrame(
            [("Aton", "Aton", A, "TLC", "Aton city region")],
            columns=["city", "lad_name", "lad_code", "itl1_code", "city_region_name"],
        ),
        "catalog": pd.DataFrame(
            [(i, i, "", "fixture_release") for i in observations()["indicator_id"].unique()],
            columns=["indicator_id", "name", "unit", "source_id"],
        ),
        "sources": pd.DataFrame(
            [("fixture_release", "Test publisher", "Fixture release", "Jan 2025", "2025-01-01", "Jan 2025")],
            columns=["source_id", "publisher", "title", "release", "release_date", "vintage"],
        ),
    }


def connect(path: str = ":memory:") -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(path)
    for name, frame in fixture_tables().items():
        con.register("incoming", frame)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM incoming")
        con.unregister("incoming")
    return con


@pytest.fixture()
def two_neighbours(monkeypatch):
    monkeypatch.setattr(similarity, "NEIGHBOURS", 2)


@pytest.fixture()
def built(two_neighbours):
    con = connect()
    mart.build(con)
    aggregates_mart.build(con)
    yield con
    con.close()


# ------------------------------------------------------------------------------------------------ the mart


def test_characteristics_read_from_the_warehouse_tables(built):
    table = built.execute("SELECT * FROM neighbour_characteristics ORDER BY lad_code").df().set_index("lad_code")
    assert list(table.index) == sorted(NAMES)  # every council, even with characteristics missing
    assert table.loc[C, "log_gva_per_head"] == pytest.approx(math.log(80_000))  # 80,000 £m × 1e6 ÷ 1,000,000
    assert table.loc[A, "log_population"] == pytest.approx(math.log(1_000_000))
    if "log_density" in similarity.VARIABLES:  # 1,000,000 residents on 100 km² everywhere (so it does not count)
        assert table.loc[E, "log_density"] == pytest.approx(math.log(10_000))
    assert (table.loc[A, "population_period"], table.loc[E, "population_period"]) == ("2023", "2022")
    assert table.loc[B, "employment_rate"] == 64.0 and pd.isna(table.loc[E, "employment_rate"])  # GB only: NULL
    assert table["level3_qualifications"].isna().all()
    # each section's share of the sum of the sections, latest year (2023: 60 and 20), the 'total' row left out
    assert (table.loc[D, "share_C"], table.loc[D, "share_G"]) == (75.0, 25.0)
    assert [c for c in table.columns if c.startswith("share_")] == ["share_C", "share_G"]
    periods = built.execute(
        "SELECT * FROM neighbour_periods WHERE characteristic <> 'log_density' ORDER BY ALL"
    ).fetchall()
    assert periods == [
        ("employment_rate", "Oct 2022-Sep 2023", 4),
        ("industry_mix", "2023", 5),
        ("level3_qualifications", "2021", 0),
        ("log_gva_per_head", "2022", 1),
        ("log_gva_per_head", "2023", 4),
        ("log_population", "2022", 1),
        ("log_population", "2023", 4),
    ]


def test_neighbours_are_the_hand_computed_nearest(built):
    found = built.execute(
        "SELECT area_code, neighbour_code, rank, distance FROM neighbours ORDER BY area_code, rank"
    ).fetchall()
    expected = [
        (code, other, rank, distance)
        for code, pairs in EXPECTED.items()
        for rank, (other, distance) in enumerate(pairs, start=1)
    ]
    assert found == sorted(expected, key=lambda r: (r[0], r[2]))
    for code, other, _, distance in found:
        assert distance == pytest.approx(hand_distance(code, other), abs=5e-4)
    assert mart.checks(built) == []
    from indicators.pipeline import marts

    assert marts.declared_checks(built, mart) == []


def test_checks_catch_a_missing_or_self_neighbour(built):
    built.execute(f"DELETE FROM neighbours WHERE area_code = '{A}' AND rank = 2")
    built.execute(f"UPDATE neighbours SET neighbour_code = area_code WHERE area_code = '{B}' AND rank = 2")
    failures = mart.checks(built)
    assert any("1 councils without exactly 2 neighbours" in f and A in f for f in failures)
    assert any("1 councils listed as their own neighbour" in f for f in failures)


def test_build_order_puts_neighbours_before_aggregates():
    from indicators.pipeline import marts

    assert marts.MODULE_NAMES.index("neighbours") < marts.MODULE_NAMES.index("aggregates")


# ------------------------------------------------------------------------------------------------ the aggregates


def rows(con, area_code: str) -> pd.DataFrame:
    return (
        con.execute("SELECT * FROM aggregates WHERE area_code = ? ORDER BY measure_id, period", [area_code])
        .df()
        .set_index(["measure_id", "period"])
    )


def test_neighbours_aggregate_is_sum_of_numerators_over_sum_of_denominators(built):
    area = built.execute(f"SELECT * FROM mart_areas WHERE area_code = 'NEIGHBOURS_{A}'").df().iloc[0]
    assert (area["area_name"], area["level"], area["member_level"], area["members"]) == (
        "Statistical neighbours of Aton",
        "neighbours",
        "lad",
        2,
    )
    assert built.execute(
        f"SELECT member_code FROM mart_members WHERE area_code = 'NEIGHBOURS_{A}' ORDER BY 1"
    ).fetchall() == [(B,), (C,)]
    found = rows(built, f"NEIGHBOURS_{A}")
    assert set(found.index.get_level_values(0)) == set(aggregates_mart.NEIGHBOUR_MEASURES)  # nothing else doubles
    head = found.loc[("gva_per_head", "2022")]
    # B and C: (20,000 + 80,000) £m × 1e6 ÷ 2,000,000 = 50,000, derived: TLD (the same councils) publishes 50,010
    assert (head["value"], head["method"], head["published_as"]) == (50_000, "derived", None)
    assert rows(built, "TLD").loc[("gva_per_head", "2022"), "value"] == 50_010
    hour = found.loc[("gva_per_hour", "2022")]
    # (30 × 10 + 40 × 30) × 52 ÷ ((10 + 30) × 52) = 37.5
    assert (hour["value"], hour["denominator"]) == (pytest.approx(37.5), 40 * 52)
    assert (hour["members_present"], hour["members_expected"], hour["coverage_complete"]) == (2, 2, True)
    job = rows(built, f"NEIGHBOURS_{C}").loc[("gva_per_job", "2022")]  # A and E; E has no figure
    assert job["value"] == 50_000 and not job["coverage_complete"]
    assert job["coverage_note"] == f"derived from 1 of 2 councils; no figure for: Eeton ({E})"
    assert aggregates_mart.checks(built) == []
    from indicators.pipeline import marts

    assert marts.declared_checks(built, aggregates_mart) == []


def test_without_the_neighbours_table_the_aggregates_are_unchanged(two_neighbours):
    con = connect()
    aggregates_mart.build(con)
    assert con.execute("SELECT count(*) FROM mart_areas WHERE level = 'neighbours'").fetchone()[0] == 0
    assert aggregates_mart.checks(con) == []


@pytest.fixture()
def fixture_db(tmp_path, two_neighbours):
    path = tmp_path / "neighbours.duckdb"
    con = connect(str(path))
    mart.build(con)
    aggregates_mart.build(con)
    con.close()
    with db.using(path):
        yield path
    db.close_all()


def test_gap_against_the_neighbours_of_a_fixture_council(fixture_db):
    result = productivity.gap(Definition(A, "council", "hour", "neighbours", 2022))
    assert (result.value, result.benchmark_value) == (20, pytest.approx(37.5))
    assert result.benchmark_name == "Statistical neighbours of Aton (2 councils)"
    assert result.benchmark_method == "derived from 2 of 2 councils"
    with pytest.raises(ValueError, match="choose the council geography"):
        productivity.gap(Definition(A, "city-region", "hour", "neighbours", 2022))
    with pytest.raises(
        ValueError, match="Statistical neighbours are defined for councils: Aton city region is not a council"
    ):
        productivity.gap(Definition("E47000001", "council", "hour", "neighbours", 2022))


def test_a_measure_with_no_neighbours_figure_says_not_available(fixture_db):
    found = measures.comparison("population", A, "council", "neighbours", 2022)
    assert found["value"] == 1_000_000 and math.isnan(found["benchmark_value"]) and found["gap_pct"] is None
    assert found["gap_text"].startswith("not available")
    view = measures.profile_view(Definition(A, "council", benchmark="neighbours", year=2022))
    shown = view["shown"].set_index("measure")
    assert shown.loc["population", "verdict"] == "not available"
    assert shown.loc["gva_per_hour", "verdict"] == "worse"  # 20 against 37.5
    with pytest.raises(ValueError, match="choose the council geography"):
        measures.profile_view(Definition(A, "city-region", benchmark="neighbours", year=2022))


# ------------------------------------------------------------------------------------------------ the real warehouse

BIRMINGHAM = "E08000025"


def test_every_council_has_fifteen_neighbours_in_the_real_warehouse():
    counts = db.query("""SELECT l.lad_code, count(n.neighbour_code) AS found FROM lad_lookup l
                         LEFT JOIN neighbours n ON n.area_code = l.lad_code GROUP BY ALL""")
    assert len(counts) == 361 and set(counts["found"]) == {similarity.NEIGHBOURS} == {15}
    assert db.query("SELECT count(*) AS n FROM neighbours WHERE area_code = neighbour_code")["n"].iloc[0] == 0


def test_birmingham_per_hour_against_its_statistical_neighbours():
    result = productivity.gap(Definition(BIRMINGHAM, "council", "hour", "neighbours"))
    assert result.benchmark_name == "Statistical neighbours of Birmingham (15 councils)"
    assert "of 15" in result.benchmark_method
    members = aggregates.members(neighbours_code(BIRMINGHAM))
    assert len(members) == 15 and BIRMINGHAM not in members
    figures = [aggregates.row("gva_per_hour", code, str(result.year)) for code in members]
    expected = sum(f["numerator"] for f in figures) / sum(f["denominator"] for f in figures)
    assert result.benchmark_value == pytest.approx(expected)


def test_statistical_neighbours_on_the_city_region_geography_are_refused_with_a_reason():
    with pytest.raises(
        ValueError, match="Statistical neighbours are defined for councils: choose the council geography"
    ):
        productivity.gap(Definition(BIRMINGHAM, "city-region", "hour", "neighbours"))
    with pytest.raises(
        ValueError, match="Statistical neighbours are defined for councils, one at a time, not for the Core"
    ):
        productivity.core_cities_gap("hour", "council", "neighbours")


def test_the_sidebar_offers_neighbours_after_the_standard_benchmarks():
    from ui import state

    assert list(state.benchmark_options())[:4] == ["uk", "uk-ex-london", "core-cities", "neighbours"]
    assert state.benchmark_label("neighbours") == "Statistical neighbours"
