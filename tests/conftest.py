import pytest

from indicators.data.paths import RAW_DIR, REFERENCE_DIR


@pytest.fixture(scope="session")
def raw_dir():
    """The official raw files; tests that reconcile against them skip cleanly when they are absent."""
    if not RAW_DIR.is_dir():
        pytest.skip(f"official raw files not present at {RAW_DIR}")
    return RAW_DIR


@pytest.fixture(scope="session")
def reference_dir():
    if not REFERENCE_DIR.is_dir():
        pytest.skip(f"reference files not present at {REFERENCE_DIR}")
    return REFERENCE_DIR


@pytest.fixture()
def tiny(tmp_path):
    """Point every indicators query at the hand-checkable four-council warehouse (tests/tiny_warehouse.py)."""
    from indicators.data import db
    from tests import tiny_warehouse

    path = tiny_warehouse.build(tmp_path / "tiny.duckdb")
    with db.using(path):
        yield path
    db.close_all()
