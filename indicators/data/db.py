"""The one path into SQL: a read-only, hardened DuckDB connection per process and `query(sql, params)`.

Which warehouse a process serves is chosen once (indicators/pipeline/load.py, `serving_warehouse`): the build the
pointer names, verified by its SHA-256 when it is opened; built at most once per set of inputs when missing or stale;
the last good build when a rebuild fails or the current file is corrupt, with a notice for visitors (`serving_notice`).
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from indicators.data import versions
from indicators.data.paths import EXTRACTS_DIR, WAREHOUSE_POINTER
from indicators.data.versions import WarehouseUnavailable

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "WarehouseUnavailable",
    "close_all",
    "connection",
    "data_version",
    "health",
    "query",
    "serving_notice",
    "using",
]

# Serving configuration: read-only, no files/URLs, no extensions, bounded resources, and the settings locked against
# change (lock_configuration last, after every other setting). The limits are sized for one replica on 2 cores
# serving a warehouse of a few tens of MB (a few hundred at most) to many small parameterised SELECTs at once:
# - threads 2: one per core; the sessions' queries already run concurrently on their own cursors, so more threads
#   per query would only oversubscribe the cores the Streamlit process needs for its own work.
# - memory_limit 512 MiB: room for the whole warehouse in DuckDB's buffer pool plus working memory for the largest
#   query the pages run (well under 100 MB), while a runaway query stops well before the replica's memory (the
#   Python side is ~300 MB) instead of taking the container down.
# - temp_directory: a private folder under the system temporary folder (the data folder is read-only at run time;
#   in the container /tmp is the only writable place, a tmpfs). Per process and database, so replicas sharing a
#   /tmp never share spill files.
# - max_temp_directory_size 256 MiB: spilling is possible but bounded, and a tmpfs /tmp is memory too.
SERVING_CONFIG = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "threads": 2,
    "memory_limit": "512MiB",
    "max_temp_directory_size": "256MiB",
    "lock_configuration": True,
}

_lock = threading.Lock()
_connections: dict[Path, duckdb.DuckDBPyConnection] = {}
_active_path: Path | None = None  # set by `using()` so tests can point every query at a small fixture database
_serving = None  # the build this process serves (load.Serving), chosen on the first query
_failed_builds: dict[str, str] = {}  # input fingerprint -> why its build failed: never retried in this process
_unavailable: tuple[tuple, WarehouseUnavailable] | None = None  # why nothing can be served, and the inputs' stamp


def temp_directory(path: Path) -> Path:
    """The spill folder for one database in this process (created by DuckDB only if a query spills)."""
    tag = hashlib.sha256(str(Path(path).resolve()).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"core-cities-duckdb-{os.getpid()}-{tag}"


def serving_config(path: Path) -> dict:
    """SERVING_CONFIG with this database's temporary folder, lock_configuration still last."""
    config = {key: value for key, value in SERVING_CONFIG.items() if key != "lock_configuration"}
    return {**config, "temp_directory": str(temp_directory(path)), "lock_configuration": True}


def open_serving(path: Path) -> duckdb.DuckDBPyConnection:
    """Open a database file the way serving does: read-only, hardened, limited and locked."""
    return duckdb.connect(str(path), read_only=True, config=serving_config(path))


def _log(message: str) -> None:
    print(message, file=sys.stderr)


def _inputs_stamp() -> tuple:
    """Cheap stand-in for the input fingerprint (sizes and times of the pointer and the extracts)."""
    files = [WAREHOUSE_POINTER, *sorted(EXTRACTS_DIR.glob("*.csv"))]
    stamp = []
    for path in files:
        try:
            stat = path.stat()
            stamp.append((str(path), stat.st_size, stat.st_mtime_ns))
        except OSError:
            stamp.append((str(path), None, None))
    return tuple(stamp)


def _serving_path() -> Path:
    """The build this process serves, chosen once (call with _lock held). Raises WarehouseUnavailable, remembering
    it until the pointer or an extract changes, so a broken deployment costs a stat per request, not a build."""
    global _serving, _unavailable
    if _serving is not None:
        return _serving.path
    stamp = _inputs_stamp()
    if _unavailable is not None and _unavailable[0] == stamp:
        raise _unavailable[1]
    # imported here, on the first query only: the build pulls in pandas and the marts, which the health check
    # (`python -m indicators check`, health() below) never needs
    from indicators.pipeline.load import serving_warehouse

    try:
        _serving = serving_warehouse(WAREHOUSE_POINTER, EXTRACTS_DIR, _failed_builds, log=_log)
    except WarehouseUnavailable as exc:
        _unavailable = (stamp, exc)
        raise
    _unavailable = None
    return _serving.path


def connection(path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """The process-wide read-only connection to the warehouse (chosen, verified and if need be built first).

    Kept in a module-level dict rather than a Streamlit cache, so no client can clear it. Raises
    WarehouseUnavailable (one line, fit to show) when there is no good warehouse to serve.
    """
    with _lock:
        path = Path(path or _active_path or _serving_path())
        if path not in _connections:
            _connections[path] = open_serving(path)
        return _connections[path]


def serving_notice() -> str | None:
    """What visitors should be told about the data served (plain text), or None.

    Set when this process serves the last good build because a rebuild failed, or the previous build because the
    current file failed its checksum. None until the first query has chosen the build, and for fixture databases.
    """
    if _active_path is not None or _serving is None:
        return None
    return _serving.notice


def data_version() -> str | None:
    """The served build's name (the start of its SHA-256): what anything computed from it is kept under. None for a
    fixture database (tests)."""
    if _active_path is not None:
        return None
    connection()
    return _serving.path.stem


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
        raise duckdb.InvalidInputException(f"indicators.data.db.query runs exactly one SELECT statement (got: {kinds})")


# A figure every good build holds: Birmingham's GVA (a Core City, a published council series).
CHECK_AREA, CHECK_INDICATOR = "E08000025", "gva_current"


def health(pointer: Path = WAREHOUSE_POINTER, extracts_dir: Path | None = EXTRACTS_DIR) -> dict:
    """What `python -m indicators check` reports: the current build verified by its SHA-256, opened as serving opens
    it, and queried. Never builds and never falls back; raises WarehouseUnavailable with a one-line reason."""
    pointer = Path(pointer)
    recorded = versions.read_pointer(pointer)
    if recorded is None or recorded.current is None:
        raise WarehouseUnavailable(f"no warehouse has been built at {pointer} (run: python -m indicators build)")
    current = recorded.current
    problem = versions.verify(pointer.parent, current)
    if problem:
        raise WarehouseUnavailable(f"the current warehouse {pointer.parent / current.file} {problem}")
    try:
        con = open_serving(pointer.parent / current.file)
    except duckdb.Error as exc:
        raise WarehouseUnavailable(f"{current.file} cannot be opened: {' '.join(str(exc).split())}") from None
    try:
        stamp = con.execute("SELECT fingerprint, built_at FROM build_info").fetchone()
        observations = con.execute("SELECT count(*) FROM observations").fetchone()[0]
        cities = con.execute("SELECT count(*) FROM core_cities").fetchone()[0]
        known = con.execute(
            "SELECT period, value FROM observations WHERE area_code = ? AND indicator_id = ? "
            "ORDER BY period DESC LIMIT 1",
            [CHECK_AREA, CHECK_INDICATOR],
        ).fetchone()
        releases, latest_release = con.execute("SELECT count(*), max(release_date) FROM sources").fetchone()
        limits = con.execute(
            "SELECT current_setting('memory_limit'), current_setting('threads'), current_setting('lock_configuration')"
        ).fetchone()
    except duckdb.Error as exc:
        raise WarehouseUnavailable(f"{current.file} fails a query: {' '.join(str(exc).split())}") from None
    finally:
        con.close()
    if stamp != (current.fingerprint, current.built_at):
        raise WarehouseUnavailable(f"{current.file} records another build ({stamp}) than the pointer says")
    if not observations or cities != 10 or known is None or not known[1] > 0:
        raise WarehouseUnavailable(
            f"{current.file} lacks known figures ({observations} observations, {cities} Core "
            f"Cities, {CHECK_INDICATOR} {CHECK_AREA}: {known})"
        )
    fresh = None
    if extracts_dir is not None and Path(extracts_dir).is_dir():
        fresh = versions.fingerprint(extracts_dir) == current.fingerprint
    return {
        "file": str(pointer.parent / current.file),
        "sha256": current.sha256,
        "built_at": current.built_at,
        "releases": releases,
        "latest_release": latest_release,
        "observations": observations,
        "known": {"area_code": CHECK_AREA, "indicator_id": CHECK_INDICATOR, "period": known[0], "value": known[1]},
        "memory_limit": limits[0],
        "threads": limits[1],
        "locked": limits[2],
        "inputs_current": fresh,
        "previous": recorded.previous.file if recorded.previous else None,
    }


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
    """Close every open connection and forget the chosen build (tests and the rebuild path use this)."""
    global _serving, _unavailable
    with _lock:
        for con in _connections.values():
            con.close()
        _connections.clear()
        _serving, _unavailable = None, None
