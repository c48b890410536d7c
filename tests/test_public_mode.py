"""Public read-only mode (issue 7): the serving store is sealed, and the running app serves with the public config.

Part 1 runs on the tiny fixture warehouse (tests/tiny_warehouse.py) through indicators.data.db.
Part 2 starts `streamlit run app.py` in a subprocess (benchmarks/serve.py, with a probe that only prints what the
process does: duckdb.connect calls, boundary-file opens, clear_cache handling, the effective config) and talks to it
with the protocol driver in benchmarks/ws_client.py over /_stcore/stream.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import tomllib
import urllib.request
from pathlib import Path

import duckdb
import pytest

from benchmarks import serve
from benchmarks.ws_client import Session, find_page
from indicators.data import db

PORT = 8615
BASE = f"http://127.0.0.1:{PORT}"
CONFIG = Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml"

# ---- 1. the serving connection

SEALED_SETTINGS = {
    "access_mode": "read_only",
    "enable_external_access": "false",
    "autoinstall_known_extensions": "false",
    "autoload_known_extensions": "false",
    "allow_unsigned_extensions": "false",
    "lock_configuration": "true",
}

# Refused by the DuckDB engine itself (read-only file, external access off, configuration locked).
ENGINE_REFUSES = [
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/passwd')",
    "SELECT * FROM read_blob('/etc/passwd')",
    "SELECT * FROM read_json('/etc/passwd')",
    "SELECT * FROM sniff_csv('/etc/passwd')",
    "SELECT * FROM glob('/etc/*')",
    "SELECT * FROM read_parquet('/tmp/x.parquet')",
    "SELECT * FROM read_csv('https://example.com/x.csv')",
    "SELECT * FROM '/etc/passwd'",
    "INSTALL spatial",
    "FORCE INSTALL httpfs",
    "LOAD spatial",
    "LOAD '/tmp/evil.duckdb_extension'",
    "ATTACH '{tmp}/other.duckdb' AS other",
    "ATTACH ':memory:' AS scratch",
    "CREATE TABLE t (a INT)",
    "INSERT INTO core_cities SELECT * FROM core_cities",
    "UPDATE core_cities SET city = 'x'",
    "DELETE FROM core_cities",
    "DROP TABLE core_cities",
    "SET enable_external_access = true",
    "SET lock_configuration = false",
    "RESET lock_configuration",
    "SET memory_limit = '100GB'",
    "SET threads = 64",
    "SET temp_directory = '/tmp/evil'",
    "SET allow_unsigned_extensions = true",
    "SET GLOBAL access_mode = 'READ_WRITE'",
    "PRAGMA enable_profiling",
    "CALL enable_logging()",
    "COPY core_cities TO '/tmp/core_cities.csv'",
    "EXPORT DATABASE '{tmp}/export'",
    "CREATE SECRET s (TYPE s3, KEY_ID 'x', SECRET 'y')",
    "SELECT 1; DROP TABLE core_cities",
]
# Accepted by a read-only DuckDB database, refused by indicators.data.db.query's one-SELECT check.
QUERY_REFUSES = [
    "CREATE TEMP TABLE scratch (a INT)",
    "CREATE TEMP VIEW v AS SELECT 1",
    "CREATE TEMP MACRO plus1(x) AS x + 1",
    "CHECKPOINT",
    "SELECT 1; SELECT 2",
    "EXPLAIN SELECT 1",
    "PRAGMA table_info('core_cities')",
    "",
]


def test_serving_settings_take_effect(tiny):
    settings = dict(
        db.query("SELECT name, value FROM duckdb_settings() WHERE name IN ?", [list(SEALED_SETTINGS)]).itertuples(
            index=False
        )
    )
    assert settings == SEALED_SETTINGS


@pytest.mark.parametrize("statement", ENGINE_REFUSES)
def test_engine_refuses_on_raw_serving_cursor(tiny, tmp_path, statement):
    """Even bypassing query()'s statement check, the connection itself refuses (a second line of defence)."""
    rows_before = db.query("SELECT count(*) AS n FROM core_cities")["n"][0]
    cursor = db.connection().cursor()
    try:
        with pytest.raises(duckdb.Error):
            cursor.execute(statement.format(tmp=tmp_path))
    finally:
        cursor.close()
    assert not (tmp_path / "other.duckdb").exists() and not (tmp_path / "export").exists()
    assert db.query("SELECT count(*) AS n FROM core_cities")["n"][0] == rows_before  # data untouched


@pytest.mark.parametrize("statement", ENGINE_REFUSES + QUERY_REFUSES)
def test_query_refuses(tiny, tmp_path, statement):
    with pytest.raises(duckdb.Error):
        db.query(statement.format(tmp=tmp_path))


def test_temp_objects_die_with_their_cursor(tiny):
    """What a read-only database still allows (temp objects) lives only in one cursor, never in shared state."""
    first = db.connection().cursor()
    first.execute("CREATE TEMP MACRO core_cities() AS TABLE SELECT 'evil' AS city")
    first.close()
    assert "evil" not in set(db.query("SELECT city FROM core_cities")["city"])


def test_read_statements_still_work(tiny):
    for sql in [
        "SELECT 1 AS x",
        "WITH a AS (SELECT 1 AS x) SELECT * FROM a",
        "FROM core_cities SELECT city",
        "DESCRIBE core_cities",
        "SHOW TABLES",
    ]:
        assert len(db.query(sql)) >= 1


def test_threads_share_the_connection_with_a_cursor_each(tiny):
    """24 threads x 40 parameterised queries at once on the one connection; every answer matches the serial one."""
    codes = list(db.query("SELECT area_code FROM observations GROUP BY area_code ORDER BY area_code")["area_code"])
    sql = "SELECT count(*) AS n, sum(value) AS total FROM observations WHERE area_code = ?"
    expected = {code: tuple(db.query(sql, [code]).iloc[0]) for code in codes}
    errors, mismatches = [], []
    barrier = threading.Barrier(24)

    def worker(seed: int) -> None:
        try:
            barrier.wait()
            for i in range(40):
                code = codes[(seed + i) % len(codes)]
                got = tuple(db.query(sql, [code]).iloc[0])
                if got != expected[code]:
                    mismatches.append((code, got))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(repr(exc))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors and not mismatches
    assert len(db._connections) == 1  # still one connection for the process


# ---- 2. the running app


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    log = tmp_path_factory.mktemp("app") / "streamlit.log"
    process = serve.start(PORT, log, probe=True)
    try:
        serve.wait_healthy(BASE, process)
        yield log
    finally:
        serve.stop(process)


def run(coroutine):
    return asyncio.run(coroutine)


def test_health_endpoint(app):
    with urllib.request.urlopen(f"{BASE}/_stcore/health", timeout=5) as response:
        assert response.status == 200 and response.read() == b"ok"


def test_process_runs_with_every_public_setting(app):
    """Each key of .streamlit/config.toml is the value the running process uses (reported from inside)."""
    for _ in range(100):
        lines = serve.probe_lines(app, "config ")
        if lines:
            break
        threading.Event().wait(0.05)
    effective = json.loads(lines[0][len("config ") :])
    wanted = {
        f"{section}.{key}": value
        for section, values in tomllib.loads(CONFIG.read_text()).items()
        for key, value in values.items()
    }
    assert {key: effective[key] for key in wanted} == wanted
    for key, value in {
        "client.showErrorDetails": "none",
        "client.toolbarMode": "viewer",
        "browser.gatherUsageStats": False,
        "server.maxUploadSize": 1,
        "server.fileWatcherType": "none",
        "runner.magicEnabled": False,
        "server.enableXsrfProtection": True,
        "server.enableCORS": True,
        "server.enableWebsocketCompression": True,
        "server.headless": True,
        "server.allowRunOnSave": False,
    }.items():
        assert wanted[key] == value, key


def test_client_sees_viewer_mode_and_compression(app):
    async def scenario():
        async with Session(BASE) as session:
            result = await session.rerun()
            extensions = session.ws.response.headers.get("Sec-WebSocket-Extensions", "")
            return result, session.new_session.config, extensions

    result, config, extensions = run(scenario())
    assert result.ok, result.exceptions
    assert config.toolbar_mode == config.VIEWER
    assert not config.gather_usage_stats and not config.allow_run_on_save
    assert "permessage-deflate" in extensions


def test_cross_site_websocket_is_refused(app):
    """CORS/XSRF on: a page on another origin cannot open a session (Origin must match Host)."""
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed, InvalidStatus

    async def scenario():
        async with connect(
            f"ws://127.0.0.1:{PORT}/_stcore/stream",
            subprotocols=["streamlit"],
            additional_headers={"Origin": "https://evil.example"},
        ) as ws:
            await ws.recv()

    with pytest.raises((ConnectionClosed, InvalidStatus)) as closed:
        run(scenario())
    if isinstance(closed.value, ConnectionClosed):
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008


def test_no_wildcard_cors_on_http(app):
    request = urllib.request.Request(f"{BASE}/_stcore/health", headers={"Origin": "https://evil.example"})
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.headers.get("Access-Control-Allow-Origin") in (None, "")


def test_module_state_survives_a_clients_clear_cache(app):
    """Any client may send clear_cache; the DuckDB connection and the boundaries must not be rebuilt.

    The probe prints one line per duckdb.connect and per boundary-file open in the app process; after warm runs, a
    clear_cache from a client (confirmed processed by the probe) and reruns by that client and a fresh session, both
    counts are unchanged and there is exactly one read-only connection.
    """

    def counts():
        connects = [line for line in serve.probe_lines(app, "duckdb.connect") if "serving=True" in line]
        return len(connects), len(serve.probe_lines(app, "open "))

    async def scenario():
        async with Session(BASE) as session:
            assert (await session.rerun()).ok
            map_page = find_page(session.pages, "map") or ""
            for page in (map_page, find_page(session.pages, "productivity") or ""):
                assert (await session.rerun(page=page)).ok
            before = counts()
            await session.clear_cache()
            after_runs = [await session.rerun(), await session.rerun(page=map_page)]
        async with Session(BASE, page=map_page) as fresh:
            after_runs.append(await fresh.rerun())
        return before, after_runs

    before, after_runs = run(scenario())
    assert all(r.ok for r in after_runs), [r.exceptions for r in after_runs]
    assert serve.probe_lines(app, "clear_cache"), "the server never handled the clear_cache message"
    assert counts() == before
    assert before[0] == 1, "exactly one read-only warehouse connection per process"


def test_first_visit_to_a_deep_link_after_start(tmp_path):
    """Streamlit 1.67 serves the FIRST run of a fresh process in legacy pages/-folder mode (the class flag
    PagesManager.uses_pages_directory is only cleared by st.navigation), so the first visitor's /map ran pages/map.py
    without the frame (seen on this project: KeyError in ui.state.current()). ui.state.ensure_frame() reruns through
    app.py; this test keeps that fixed: the very first run of a new process, on a deep link, renders inside the
    frame."""
    process = serve.start(PORT + 1, tmp_path / "fresh.log")
    try:
        serve.wait_healthy(f"http://127.0.0.1:{PORT + 1}", process)
        result = run(_first_run(f"http://127.0.0.1:{PORT + 1}", "map"))
        assert result.ok, result.exceptions
        assert any(m.startswith("Sources: ONS") for m in result.markdown), "the frame's footer is missing"
    finally:
        serve.stop(process)


async def _first_run(base: str, page: str):
    async with Session(base, page=page) as session:
        return await session.rerun()


def test_nothing_relies_on_streamlits_client_clearable_caches():
    """Any client can empty Streamlit's caches (clear_cache), so nothing costly may live there: figures, tables and
    exports are kept in indicators.data.memo and ui.render's process-wide stores, which no client can reach."""
    repo = Path(__file__).resolve().parents[1]
    code = [
        repo / "app.py",
        *sorted((repo / "pages").glob("*.py")),
        *sorted((repo / "ui").glob("*.py")),
        *sorted((repo / "indicators").rglob("*.py")),
    ]
    users = [
        str(path.relative_to(repo))
        for path in code
        if re.search(r"\bst\.cache_(data|resource)\b|\bcache_data\(|\bcache_resource\(", path.read_text())
    ]
    assert not users, f"Streamlit caches used in {users}: a client's clear_cache would drop them"
