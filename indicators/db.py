"""The one path into SQL: a read-only, hardened DuckDB connection per process and `query(sql, params)`."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from indicators.paths import WAREHOUSE_PATH

# Serving configuration: read-only, no files/URLs, no extensions, and the settings locked against change.
SERVING_CONFIG = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "lock_configuration": True,
}

_lock = threading.Lock()
_connections: dict[Path, duckdb.DuckDBPyConnection] = {}
_active_path: Path | None = None  # set by `using()` so tests can point every query at a small fixture database


def connection(path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """The process-wide read-only connection to the warehouse (built first if missing or stale).

    Kept in a module-level dict rather than a Streamlit cache, so no client can clear it.
    """
    from indicators.build.load import ensure_warehouse  # local import: build imports db for its checks

    path = Path(path or _active_path or WAREHOUSE_PATH)
    with _lock:
        if path not in _connections:
            if path == WAREHOUSE_PATH:
                ensure_warehouse(path)
            _connections[path] = duckdb.connect(str(path), read_only=True, config=SERVING_CONFIG)
        return _connections[path]


def query(sql: str, params: list | tuple = (), path: Path | None = None) -> pd.DataFrame:
    """Run one parameterised statement on its own cursor and return a DataFrame.

    Values always travel as `?` parameters; identifiers come only from allow-lists in the calling module.
    """
    cursor = connection(path).cursor()
    try:
        _check_single_select(cursor, sql)
        return cursor.execute(sql, list(params)).df()
    finally:
        cursor.close()  # also drops anything a statement put in the cursor's own temp catalogue


def _check_single_select(cursor: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Refuse anything but exactly one read statement (SELECT/WITH/FROM/SHOW/DESCRIBE).

    Defence in depth: the read-only, locked connection already refuses writes, files, extensions and SET, but a
    read-only database still accepts CREATE TEMP TABLE/VIEW/MACRO, CHECKPOINT and stacked statements.
    """
    statements = cursor.extract_statements(sql)
    if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
        kinds = ", ".join(s.type.name for s in statements) or "none"
        raise duckdb.InvalidInputException(f"indicators.db.query runs exactly one SELECT statement (got: {kinds})")


@contextmanager
def using(path: Path):
    """Send every query inside the block to the database at `path` (a test fixture), not the warehouse."""
    global _active_path
    previous, _active_path = _active_path, Path(path)
    try:
        yield
    finally:
        _active_path = previous


def close_all() -> None:
    """Close every open connection (tests and the rebuild path use this)."""
    with _lock:
        for con in _connections.values():
            con.close()
        _connections.clear()
