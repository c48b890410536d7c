"""The build: committed extracts -> checked warehouse, atomically; spot figures against the official files."""

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from indicators.data import db, paths, versions
from indicators.data.paths import EXTRACTS_DIR
from indicators.pipeline.checks import run_checks
from indicators.pipeline.load import BuildError, build_warehouse, ensure_warehouse
from tests.test_extract_labour_international_reference import CORE_CITIES

SLOW_FIXTURES = {"real_build"}  # a full build of the committed extracts (conftest.py)
CORE_LADS = list(CORE_CITIES.values())


@pytest.fixture(scope="module")
def warehouse(real_build):
    """One build from the committed extracts (the path of the published .duckdb file; the pointer beside it)."""
    return real_build


def fetch(path, sql, params=()):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def value(path, area, indicator, period):
    rows = fetch(
        path,
        "SELECT value FROM observations WHERE area_code=? AND indicator_id=? AND period=?",
        [area, indicator, period],
    )
    assert rows, f"no {indicator} {period} for {area}"
    return rows[0][0]


def test_checks_pass_and_tables_have_keys(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert run_checks(con) == []
        constraints = {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY'"
            ).fetchall()
        }
    assert {"observations", "catalog", "sources", "lad_lookup", "core_cities", "claims"} <= constraints


@pytest.mark.parametrize(
    "indicator,first,last",
    [
        ("gva_current", "1998", "2023"),
        ("population", "1998", "2023"),
        ("gdp_current", "1998", "2023"),
        ("gdp_per_head", "1998", "2023"),
        ("gdp_cvm", "1998", "2023"),
        ("gva_per_hour", "2004", "2022"),
        ("gva_per_job", "2002", "2022"),
        ("filled_jobs", "2002", "2022"),
        ("hours_worked", "2004", "2022"),
    ],
)
def test_local_series_cover_all_361_councils_every_year(warehouse, indicator, first, last):
    rows = fetch(
        warehouse,
        """SELECT period, count(*) FROM observations
           WHERE indicator_id = ? AND area_code IN (SELECT lad_code FROM lad_lookup) GROUP BY period""",
        [indicator],
    )
    counts = dict(rows)
    assert min(counts) == first and max(counts) == last
    if indicator in ("population", "gdp_per_head"):
        # ONS marks Northern Ireland's 11 councils "[u]" (not available) for 2023 population
        assert counts.pop("2023") == 350
        missing = fetch(
            warehouse,
            """SELECT lad_code FROM lad_lookup WHERE lad_code NOT IN
                        (SELECT area_code FROM observations WHERE indicator_id = ? AND period = '2023')""",
            [indicator],
        )
        assert all(code.startswith("N09") for (code,) in missing)
    assert set(counts.values()) == {361}


def test_every_source_has_provenance_and_every_indicator_a_source(warehouse):
    sources = fetch(warehouse, "SELECT source_id, publisher, release_date, licence FROM sources")
    assert len(sources) >= 10 and all(all(r) for r in sources)
    orphans = fetch(
        warehouse, "SELECT indicator_id FROM catalog WHERE source_id NOT IN (SELECT source_id FROM sources)"
    )
    assert orphans == []


def test_build_is_published_under_its_content_hash(warehouse):
    pointer = versions.read_pointer(warehouse.parent / "current.json")
    assert pointer.current.file == warehouse.name == pointer.current.sha256[:16] + ".duckdb"
    assert versions.sha256_of(warehouse) == pointer.current.sha256 and pointer.previous is None
    assert fetch(warehouse, "SELECT fingerprint, built_at FROM build_info") == [
        (pointer.current.fingerprint, pointer.current.built_at)
    ]
    assert (warehouse.parent / ".gitignore").read_text() == "*\n"
    assert not [p for p in warehouse.parent.iterdir() if ".tmp" in p.name]


def publish_copy(warehouse, pointer):
    """Publish a copy of the module's build under another pointer (as a build there would)."""
    entry = versions.read_pointer(warehouse.parent / "current.json").current
    pointer.parent.mkdir(parents=True, exist_ok=True)
    temp = versions.temp_path(pointer.parent)
    shutil.copy(warehouse, temp)
    return versions.publish(pointer, temp, entry.fingerprint, entry.built_at, entry.releases)


def test_malformed_extract_names_file_and_row_and_keeps_previous_warehouse(tmp_path, warehouse):
    extracts = tmp_path / "extracts"
    shutil.copytree(EXTRACTS_DIR, extracts)
    target = extracts / "obs_ons_gdp_lad.csv"
    lines = target.read_text().splitlines()
    fields = lines[41].split(",")
    fields[-3] = "twelve"  # the value column
    lines[41] = ",".join(fields)
    target.write_text("\n".join(lines) + "\n")
    pointer = tmp_path / "warehouses" / "current.json"
    published = publish_copy(warehouse, pointer)
    before = {p.name: p.read_bytes() for p in pointer.parent.iterdir()}
    with pytest.raises(BuildError, match=r"obs_ons_gdp_lad\.csv, row 42, column value: 'twelve' is not a number"):
        build_warehouse(extracts, pointer, log=lambda _: None)
    assert {p.name: p.read_bytes() for p in pointer.parent.iterdir()} == before
    assert versions.read_pointer(pointer).current == published


def test_duplicate_keys_fail_the_build(tmp_path):
    extracts = tmp_path / "extracts"
    shutil.copytree(EXTRACTS_DIR, extracts)
    target = extracts / "core_cities.csv"
    lines = target.read_text().splitlines()
    target.write_text("\n".join(lines + [lines[1]]) + "\n")
    with pytest.raises(
        BuildError,
        match=r"core_cities\.csv, row 12, column city: duplicate key \(city='Birmingham'\), "
        r"already on row 2",
    ):
        build_warehouse(extracts, tmp_path / "w" / "current.json", log=lambda _: None)
    assert not (tmp_path / "w").exists()


@pytest.mark.slow
def test_ensure_builds_when_missing_or_stale_only(tmp_path):
    extracts = tmp_path / "extracts"
    shutil.copytree(EXTRACTS_DIR, extracts)
    pointer = tmp_path / "w" / "current.json"

    def quiet(_line):
        return None

    assert ensure_warehouse(pointer, extracts, log=quiet) is True
    assert ensure_warehouse(pointer, extracts, log=quiet) is False
    with (extracts / "claims.csv").open("a") as handle:
        handle.write("")  # unchanged content: still fresh
    assert ensure_warehouse(pointer, extracts, log=quiet) is False
    studies = extracts / "case_studies.csv"
    original = studies.read_text()
    studies.write_text(original.replace("Birmingham", "Birmingham ", 1))  # a bad edit fails, the build stays
    first = versions.read_pointer(pointer).current
    with pytest.raises(
        BuildError, match=r"case_studies\.csv, row 2, column city: 'Birmingham ' has surrounding spaces"
    ):
        ensure_warehouse(pointer, extracts, log=quiet)
    assert versions.read_pointer(pointer).current == first
    studies.write_text(original.replace("Paradise Circus", "Paradise Circus (edited)", 1))
    first = versions.read_pointer(pointer).current
    assert ensure_warehouse(pointer, extracts, log=quiet) is True
    second = versions.read_pointer(pointer)
    assert second.previous == first and second.current != first  # the last good build is kept, and only that one
    assert sorted(p.name for p in pointer.parent.glob("*.duckdb")) == sorted([first.file, second.current.file])


LIMITS = {"threads": "2", "memory_limit": "512.0 MiB", "max_temp_directory_size": "256.0 MiB"}


def test_serving_connection_has_resource_limits_it_cannot_change(tiny):
    """Limits for a 2-core replica (indicators/data/db.py SERVING_CONFIG), reported by the serving connection itself."""
    row = db.query(
        "SELECT current_setting('threads') AS threads, current_setting('memory_limit') AS memory_limit, "
        "current_setting('max_temp_directory_size') AS max_temp_directory_size, "
        "current_setting('temp_directory') AS temp_directory"
    ).iloc[0]
    assert {name: str(row[name]) for name in LIMITS} == LIMITS
    assert row["temp_directory"] == str(db.temp_directory(tiny)) and "core-cities-duckdb-" in row["temp_directory"]
    for change in [
        "SET threads = 64",
        "SET memory_limit = '64GB'",
        "SET max_temp_directory_size = '1TB'",
        "SET temp_directory = '/var/tmp/x'",
        "RESET memory_limit",
        "SET GLOBAL threads = 8",
        "PRAGMA memory_limit = '64GB'",
        "PRAGMA threads = 64",
    ]:
        cursor = db.connection().cursor()
        try:
            with pytest.raises(duckdb.Error, match="Cannot change configuration option"):
                cursor.execute(change)
        finally:
            cursor.close()
    assert str(db.query("SELECT current_setting('memory_limit') AS v")["v"][0]) == LIMITS["memory_limit"]


def test_serving_connection_is_read_only_and_sealed(warehouse, tmp_path):
    db.close_all()
    with db.using(warehouse):
        assert db.query("SELECT count(*) AS n FROM core_cities")["n"][0] == 10
        for hostile in [
            "SELECT * FROM read_csv('/etc/passwd')",
            "INSTALL spatial",
            "LOAD spatial",
            f"ATTACH '{tmp_path / 'x.duckdb'}' AS x",
            "CREATE TABLE t (a INT)",
            "DELETE FROM claims",
            "SET enable_external_access = true",
            "COPY claims TO '/tmp/claims.csv'",
        ]:
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


def test_fingerprint_covers_all_the_code_a_build_runs(tmp_path):
    """A warehouse is stale when the code that shaped it changes: every module of `indicators` the pipeline imports is
    hashed, except paths and versions (where the build is written, not what it holds); and an edit to a pipeline or
    domain file changes the fingerprint."""
    probe = (
        "import importlib, pkgutil, sys, indicators.pipeline as p\n"
        "for m in pkgutil.walk_packages(p.__path__, 'indicators.pipeline.'): importlib.import_module(m.name)\n"
        "print('\\n'.join(sys.modules[n].__file__ for n in sys.modules if n.startswith('indicators.')))"
    )
    used = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    exempt = {Path(paths.__file__).resolve(), Path(versions.__file__).resolve()}
    hashed = [d.resolve() for d in versions.BUILD_CODE_DIRS]
    unhashed = [
        f
        for f in map(Path, used)
        if f.resolve() not in exempt
        and not f.name == "__init__.py"
        and not any(f.resolve().is_relative_to(d) for d in hashed)
    ]
    assert len(used) > 20 and unhashed == []
    assert all(d.is_dir() and any(d.rglob("*.py")) for d in hashed)  # a renamed folder would hash nothing
    extracts = tmp_path / "extracts"
    extracts.mkdir()
    (extracts / "a.csv").write_text("x\n1\n")
    before = versions.fingerprint(extracts)
    code = tmp_path / "domain"
    shutil.copytree(versions.BUILD_CODE_DIRS[1], code)
    original = versions.BUILD_CODE_DIRS
    try:
        versions.BUILD_CODE_DIRS = (original[0], code)
        assert versions.fingerprint(extracts) == before
        (code / "definition.py").write_text((code / "definition.py").read_text() + "\n# edited\n")
        assert versions.fingerprint(extracts) != before
    finally:
        versions.BUILD_CODE_DIRS = original
