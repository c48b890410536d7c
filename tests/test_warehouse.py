"""The build: committed extracts -> checked warehouse, atomically; spot figures against the official files."""

import shutil

import duckdb
import pandas as pd
import pytest

from indicators import db
from indicators.build.checks import run_checks
from indicators.build.load import BuildError, build_warehouse, ensure_warehouse
from indicators.paths import EXTRACTS_DIR

CORE_LADS = ["E08000025", "E06000023", "W06000015", "S12000049", "E08000035",
             "E08000012", "E08000003", "E08000021", "E06000018", "E08000019"]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    path = tmp_path_factory.mktemp("wh") / "warehouse.duckdb"
    build_warehouse(EXTRACTS_DIR, path, log=lambda _: None)
    return path


def fetch(path, sql, params=()):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def value(path, area, indicator, period):
    rows = fetch(path, "SELECT value FROM observations WHERE area_code=? AND indicator_id=? AND period=?", [area, indicator, period])
    assert rows, f"no {indicator} {period} for {area}"
    return rows[0][0]


def test_checks_pass_and_tables_have_keys(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert run_checks(con) == []
        constraints = {r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY'").fetchall()}
    assert {"observations", "catalog", "sources", "lad_lookup", "core_cities", "claims"} <= constraints


@pytest.mark.parametrize("indicator,first,last", [
    ("gva_current", "1998", "2023"), ("population", "1998", "2023"), ("gdp_current", "1998", "2023"),
    ("gdp_per_head", "1998", "2023"), ("gdp_cvm", "1998", "2023"),
    ("gva_per_hour", "2004", "2022"), ("gva_per_job", "2002", "2022"), ("filled_jobs", "2002", "2022"),
    ("hours_worked", "2004", "2022"),
])
def test_local_series_cover_all_361_councils_every_year(warehouse, indicator, first, last):
    rows = fetch(warehouse, """SELECT period, count(*) FROM observations
                               WHERE indicator_id = ? AND area_code IN (SELECT lad_code FROM lad_lookup) GROUP BY period""", [indicator])
    counts = dict(rows)
    assert min(counts) == first and max(counts) == last
    if indicator in ("population", "gdp_per_head"):
        # ONS marks Northern Ireland's 11 councils "[u]" (not available) for 2023 population
        assert counts.pop("2023") == 350
        missing = fetch(warehouse, """SELECT lad_code FROM lad_lookup WHERE lad_code NOT IN
                        (SELECT area_code FROM observations WHERE indicator_id = ? AND period = '2023')""", [indicator])
        assert all(code.startswith("N09") for (code,) in missing)
    assert set(counts.values()) == {361}


def test_every_source_has_provenance_and_every_indicator_a_source(warehouse):
    sources = fetch(warehouse, "SELECT source_id, publisher, release_date, licence FROM sources")
    assert len(sources) >= 10 and all(all(r) for r in sources)
    orphans = fetch(warehouse, "SELECT indicator_id FROM catalog WHERE source_id NOT IN (SELECT source_id FROM sources)")
    assert orphans == []


def test_malformed_extract_names_file_and_row_and_keeps_previous_warehouse(tmp_path, warehouse):
    extracts = tmp_path / "extracts"
    shutil.copytree(EXTRACTS_DIR, extracts)
    target = extracts / "obs_ons_gdp_lad.csv"
    lines = target.read_text().splitlines()
    fields = lines[41].split(",")
    fields[-3] = "twelve"  # the value column
    lines[41] = ",".join(fields)
    target.write_text("\n".join(lines) + "\n")
    out = tmp_path / "warehouse.duckdb"
    shutil.copy(warehouse, out)
    before = out.read_bytes()
    with pytest.raises(BuildError, match=r"obs_ons_gdp_lad\.csv, row 42: value 'twelve' is not a number"):
        build_warehouse(extracts, out, log=lambda _: None)
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if ".tmp" in p.name] == []


def test_duplicate_keys_fail_the_build(tmp_path):
    extracts = tmp_path / "extracts"
    shutil.copytree(EXTRACTS_DIR, extracts)
    target = extracts / "core_cities.csv"
    lines = target.read_text().splitlines()
    target.write_text("\n".join(lines + [lines[1]]) + "\n")
    with pytest.raises(BuildError, match="core_cities: key \\(city\\) is not unique"):
        build_warehouse(extracts, tmp_path / "w.duckdb", log=lambda _: None)
    assert not (tmp_path / "w.duckdb").exists()


def test_ensure_builds_when_missing_or_stale_only(tmp_path):
    extracts = tmp_path / "extracts"
    shutil.copytree(EXTRACTS_DIR, extracts)
    out = tmp_path / "w.duckdb"
    quiet = lambda _: None
    assert ensure_warehouse(out, extracts, log=quiet) is True
    assert ensure_warehouse(out, extracts, log=quiet) is False
    with (extracts / "claims.csv").open("a") as handle:
        handle.write("")  # unchanged content: still fresh
    assert ensure_warehouse(out, extracts, log=quiet) is False
    (extracts / "case_studies.csv").write_text((extracts / "case_studies.csv").read_text().replace("Birmingham", "Birmingham ", 1))
    assert ensure_warehouse(out, extracts, log=quiet) is True


def test_serving_connection_is_read_only_and_sealed(warehouse, tmp_path):
    db.close_all()
    with db.using(warehouse):
        assert db.query("SELECT count(*) AS n FROM core_cities")["n"][0] == 10
        for hostile in ["SELECT * FROM read_csv('/etc/passwd')", "INSTALL spatial", "LOAD spatial",
                        f"ATTACH '{tmp_path / 'x.duckdb'}' AS x", "CREATE TABLE t (a INT)", "DELETE FROM claims",
                        "SET enable_external_access = true", "COPY claims TO '/tmp/claims.csv'"]:
            with pytest.raises(duckdb.Error):
                db.query(hostile)
    db.close_all()


# ---- spot figures against the official files (skip when ../shared/data/raw is absent)

def test_spot_birmingham_gva_2023(raw_dir, warehouse):
    book = raw_dir / "ons_gdp_lad" / "regionalgrossdomesticproductgdplocalauthorities_1998to2023_apr2025.xlsx"
    sheet = pd.read_excel(book, sheet_name="Table 1", header=1)
    official = sheet.loc[sheet["LA code"] == "E08000025"].filter(like="2023").iloc[0, 0]
    assert value(warehouse, "E08000025", "gva_current", "2023") == official


def test_spot_manchester_gva_per_hour_2022(raw_dir, warehouse):
    book = raw_dir / "ons_subregional_productivity" / "labourproductivitylocalauthorities_jun2024.xls"
    sheet = pd.read_excel(book, sheet_name="A3", header=4)
    official = sheet.loc[sheet["LAD_Code"] == "E08000003", "Pounds_2022"].iloc[0]
    assert value(warehouse, "E08000003", "gva_per_hour", "2022") == official


def test_spot_birmingham_income_tax_2023_24(raw_dir, warehouse):
    table = pd.read_csv(raw_dir / "hmrc_spi_la_2023_24" / "hmrc_table_3_14_income_tax_by_LA_2023_24.csv")
    official = table.loc[table["lad_code"] == "E08000025", "total_tax_gbp"].iloc[0]
    assert value(warehouse, "E08000025", "income_tax", "2023-24") * 1e6 == pytest.approx(official, abs=0.5)
