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
