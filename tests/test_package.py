"""The data version (build date + extracts hash) and the open data package (indicators/pipeline/package.py)."""

from __future__ import annotations

import pytest

from indicators.data import versions


def test_extracts_sha256_hashes_the_csv_names_and_bytes_in_name_order(tmp_path):
    import hashlib

    (tmp_path / "b.csv").write_bytes(b"x\n2\n")
    (tmp_path / "a.csv").write_bytes(b"x\n1\n")
    (tmp_path / "notes.txt").write_text("not an extract")
    expected = hashlib.sha256(b"a.csv" + b"x\n1\n" + b"b.csv" + b"x\n2\n").hexdigest()
    assert versions.extracts_sha256(tmp_path) == expected
    assert versions.data_version("2026-12-02T11:30:00+00:00", expected) == f"2026-12-02.{expected[:12]}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-02.0123456789ab", "0123456789ab"),
        ("2024-02-29.abcdefabcdef", "abcdefabcdef"),
        ("2026-02-30.0123456789ab", None),  # no such date
        ("2026-12-02.0123456789AB", None),  # upper case is not how versions are written
        ("2026-12-02.0123456789a", None),  # 11 digits
        ("2026-12-02.0123456789abc", None),  # 13 digits
        ("2026-12-02-0123456789ab", None),
        (" 2026-12-02.0123456789ab", None),
        ("0123456789ab", None),
        ("", None),
        ("<script>", None),
        (None, None),
        (20261202, None),
    ],
)
def test_version_hash_accepts_only_well_formed_data_versions(text, expected):
    assert versions.version_hash(text) == expected


def stamp(path, built_at="2026-12-02T11:30:00+00:00", digest="0123456789ab" + "c" * 52):
    """Give a copy of the tiny warehouse the build_info row a real build writes (the fixture has none)."""
    import duckdb

    with duckdb.connect(str(path)) as con:
        con.execute(
            "CREATE OR REPLACE TABLE build_info AS SELECT 'fixture' AS fingerprint, ? AS built_at, "
            "? AS extracts_sha256, ? AS data_version",
            [built_at, digest, versions.data_version(built_at, digest)],
        )


def test_catalog_reads_the_data_version_and_extracts_hash_of_the_database_in_use(tiny):
    from indicators.data import catalog, db

    db.close_all()
    stamp(tiny)
    assert catalog.data_version() == "2026-12-02.0123456789ab"
    assert catalog.extracts_hash() == "0123456789ab"


# ---- the open data package, built from the tiny four-council warehouse (tests/tiny_warehouse.py)

SLOW_FIXTURES = ("real_build", "real_package")
OGL = "Open Government Licence v3.0"
ARROW = {"string": "string", "double": "number", "int64": "integer", "bool": "boolean"}  # Parquet type -> schema's


@pytest.fixture()
def warehouse(tmp_path, tiny_built):
    """A copy of the tiny warehouse with what a real build adds: build_info, and a licence and URL per source."""
    import shutil

    import duckdb

    path = shutil.copyfile(tiny_built, tmp_path / "warehouse.duckdb")
    stamp(path)
    with duckdb.connect(str(path)) as con:
        con.execute(f"ALTER TABLE sources ADD COLUMN licence VARCHAR DEFAULT '{OGL}'")
        con.execute("ALTER TABLE sources ADD COLUMN url VARCHAR DEFAULT 'https://www.ons.gov.uk/'")
    return path


def build(warehouse, out, log=None):
    from indicators.pipeline import package

    return package.build_package(out, warehouse=warehouse, log=log or (lambda _: None))


def change(path, *statements):
    import duckdb

    with duckdb.connect(str(path)) as con:
        for statement in statements:
            con.execute(statement)


def count(path, table):
    import duckdb

    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_package_validates_with_frictionless_and_holds_every_row(warehouse, tmp_path):
    import json

    import frictionless
    import pyarrow.parquet

    out = build(warehouse, tmp_path / "package")
    report = frictionless.validate(out / "datapackage.json")
    assert report.valid, report.flatten(["taskNumber", "rowNumber", "fieldName", "type", "note"])[:5]
    descriptor = json.loads((out / "datapackage.json").read_text())
    resources = {r["name"]: r for r in descriptor["resources"]}
    # the tiny warehouse has one release, so one observations resource; 6 indicators × 4 councils × 2 years,
    # plus the employment rate (2022 only) of 4 councils and the UK: 48 + 5 = 53 rows
    assert resources["observations-fixture_release"]["rows"] == 53 == count(warehouse, "observations")
    for name in ("catalog", "areas", "mart_areas", "mart_members", "aggregates", "reconciliation", "sources"):
        lines = (out / resources[name]["path"]).read_text().splitlines()
        assert len(lines) - 1 == resources[name]["rows"] == count(warehouse, name), name
        parquet = pyarrow.parquet.read_table(out / resources[name]["parquet"]["path"])
        assert parquet.num_rows == resources[name]["rows"], name
        declared = {f["name"]: f["type"] for f in resources[name]["schema"]["fields"]}
        assert {f.name: ARROW[str(f.type)] for f in parquet.schema} == declared, name
    assert len(resources["catalog"]["schema"]["fields"]) == 4  # the fixture's catalogue has only 4 of the 9 columns
    observations = resources["observations-fixture_release"]["schema"]
    assert observations["primaryKey"] == ["area_code", "indicator_id", "period"]
    assert {"fields": ["indicator_id"], "reference": {"resource": "catalog", "fields": ["indicator_id"]}} in (
        observations["foreignKeys"]
    )
    assert resources["observations-fixture_release"]["sources"][0]["release_date"] == "2025-01-01"
    assert descriptor["licenses"] == [
        {
            "name": "OGL-UK-3.0",
            "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
            "title": OGL,
        }
    ]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".package")]  # no temporary folder left


def test_the_declared_foreign_key_is_what_frictionless_checks(warehouse, tmp_path):
    """Break one foreign key in the written CSV (an observation of an indicator the catalogue lacks): frictionless
    reports it, so the key declared is one a reader's validation holds the data to."""
    import frictionless

    out = build(warehouse, tmp_path / "package")
    path = out / "csv" / "observations-fixture_release.csv"
    path.write_text(path.read_text().replace(",gva_per_job,", ",no_such_indicator,", 1))
    package = frictionless.Package(out / "datapackage.json")
    report = frictionless.validate(package.get_resource("observations-fixture_release"), checks=[])
    errors = report.flatten(["type", "rowNumber"])
    # Gamma's rows come first: employment rate (row 1), filled jobs (2, 3), GVA (4, 5), GVA per hour (6, 7), then
    # GVA per job 2021 (row 8, line 9 of the file, which is frictionless's row number: it counts the header)
    assert [e for e in errors if e[0] == "foreign-key"] == [["foreign-key", 9]]
    assert {e[0] for e in errors} == {"foreign-key", "byte-count", "hash-count"}  # the file changed after the build


def test_package_version_is_the_served_data_version(warehouse, tmp_path):
    import json

    from indicators.data import catalog, db

    out = build(warehouse, tmp_path / "package")
    with db.using(warehouse):
        version = catalog.data_version()
    db.close_all()
    descriptor = json.loads((out / "datapackage.json").read_text())
    assert descriptor["version"] == version == "2026-12-02.0123456789ab"
    assert descriptor["created"] == "2026-12-02T11:30:00+00:00"


@pytest.mark.parametrize(
    ("statements", "message"),
    [
        (
            ["INSERT INTO catalog SELECT * FROM catalog WHERE indicator_id = 'gva_per_hour'"],
            # the catalogue sorted by indicator_id: employment_rate, filled_jobs, gva_current, gva_per_hour (4, 5)
            "table catalog, primary key (indicator_id), row 5: (indicator_id='gva_per_hour') repeats row 4",
        ),
        (
            [
                "ALTER TABLE observations ALTER value TYPE VARCHAR",
                "UPDATE observations SET value = 'n/a' "
                "WHERE area_code = 'E08000002' AND indicator_id = 'gva_per_hour' AND period = '2022'",
            ],
            # sorted by area, indicator, period: Gamma (E06) 13 rows, Alpha 13, then Beta's employment rate (27),
            # filled jobs (28, 29), GVA (30, 31), GVA per hour 2021 (32) and 2022 (33)
            "table observations-fixture_release, field value, row 33: 'n/a' is not number",
        ),
        (
            ["UPDATE mart_members SET member_code = 'E99999999' WHERE member_code = 'E06000001'"],
            "table mart_members, foreign key (member_code) -> mart_areas",
        ),
    ],
    ids=["duplicate key", "text in a number column", "unresolved foreign key"],
)
def test_a_table_that_breaks_its_schema_fails_the_build_and_keeps_the_previous_package(
    warehouse, tmp_path, statements, message
):
    from indicators.pipeline.spec import BuildError

    out = build(warehouse, tmp_path / "package")
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    change(warehouse, *statements)
    with pytest.raises(BuildError) as raised:
        build(warehouse, out)
    assert message in str(raised.value)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["package", "warehouse.duckdb"]


def test_an_undeclared_column_fails_the_build(warehouse, tmp_path):
    from indicators.pipeline.spec import BuildError

    change(warehouse, "ALTER TABLE areas ADD COLUMN population DOUBLE")
    with pytest.raises(BuildError, match="table areas: column population has no declared field"):
        build(warehouse, tmp_path / "package")
    assert not (tmp_path / "package").exists()


@pytest.fixture(scope="module")
def real_package(real_build, tmp_path_factory):
    """The package of the full build of the committed extracts (about 5 s to write), and what the build logged."""
    from indicators.pipeline import package

    notes = []
    out = package.build_package(tmp_path_factory.mktemp("real-package") / "package", real_build, log=notes.append)
    return out, notes


def test_the_real_build_packages_every_declared_table_with_every_field(real_build, real_package):
    import json

    from indicators.pipeline import package

    out, notes = real_package
    assert [n for n in notes if "left out" in n] == []
    descriptor = json.loads((out / "datapackage.json").read_text())
    names = {r["name"] for r in descriptor["resources"]}
    assert {t.name for t in package.TABLES if not t.by_source} <= names
    assert all((out / r["path"]).is_file() and (out / r["parquet"]["path"]).is_file() for r in descriptor["resources"])
    by_source = [r for r in descriptor["resources"] if r["name"].startswith("observations-")]
    assert sum(r["rows"] for r in by_source) == count(real_build, "observations")
    assert len(by_source) == count(real_build, "(SELECT DISTINCT source_id FROM observations)")
    assert {licence["title"][:8] for licence in descriptor["licenses"]} == {"Open Gov", "Eurostat", "ECB stat"}
    assert versions.version_hash(descriptor["version"]) == versions.extracts_sha256()[:12]


def test_frictionless_validates_every_row_of_the_real_package(real_package):
    """`frictionless validate` on the whole package of a fresh build: every resource, every row (about 2.5 minutes)."""
    import frictionless

    out, _ = real_package
    report = frictionless.validate(out / "datapackage.json")
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])[:20]
    assert len(report.tasks) >= 30 and all(task.stats["rows"] > 0 for task in report.tasks)


def test_data_and_methods_links_the_package_tables_it_names_and_its_version(warehouse):
    from indicators.data import db
    from indicators.pipeline import package
    from indicators.views import data_and_methods

    assert set(data_and_methods.PACKAGE_TABLES) <= {t.name for t in package.TABLES if not t.by_source}
    with db.using(warehouse):
        text = "\n".join(data_and_methods.open_data_package())
    db.close_all()
    assert "data version 2026-12-02.0123456789ab" in text
    assert "[datapackage.json](/data/datapackage.json)" in text and "[aggregates](/data/csv/aggregates.csv)" in text
    assert "python -m indicators package" in text and "data/package/" in text
