import shutil

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


@pytest.fixture(scope="session")
def real_build(tmp_path_factory):
    """One build of the committed extracts for the whole run (about 16 s): the published .duckdb file, its pointer
    beside it. Read it or copy it; never change it (the build and last-good-data tests share it)."""
    from indicators.data.paths import EXTRACTS_DIR
    from indicators.pipeline.load import build_warehouse

    return build_warehouse(EXTRACTS_DIR, tmp_path_factory.mktemp("real") / "current.json", log=lambda _: None)


@pytest.fixture(scope="session")
def tiny_built(tmp_path_factory):
    """The four-council warehouse, built once per run (its mart step takes about 5 s; over 100 tests use it)."""
    from tests import tiny_warehouse

    return tiny_warehouse.build(tmp_path_factory.mktemp("tiny") / "tiny.duckdb")


@pytest.fixture()
def tiny(tmp_path, tiny_built):
    """Point every indicators query at the hand-checkable four-council warehouse (tests/tiny_warehouse.py): a copy of
    its one build for each test, so no test sees another's changes."""
    from indicators.data import db

    path = shutil.copyfile(tiny_built, tmp_path / "tiny.duckdb")
    with db.using(path):
        yield path
    db.close_all()


def pytest_collection_modifyitems(items):
    """Mark `slow` every test that uses a fixture its module names in SLOW_FIXTURES (one that takes more than ~10 s):
    marking only the first user would leave the next one to pay for the fixture in a `-m "not slow"` run."""
    for item in items:
        slow_fixtures = getattr(getattr(item, "module", None), "SLOW_FIXTURES", ())
        if set(slow_fixtures) & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
