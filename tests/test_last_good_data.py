"""Last good data kept (issue 15): versioned builds behind an atomically replaced pointer, checked by SHA-256.

- a corrupt current build (bytes flipped, its stamp intact) is caught by its checksum: `check` fails, and the app
  serves the previous good build with a banner saying so (in process, and in the running app, page by page);
- a bad extract at restart: the build fails once, the last good build serves with a banner, and no request tries
  the build again (builds counted in process and in the running app's log);
- no good build and a bad extract: every page says why, without a traceback;
- the switch never shows a half-written warehouse: builds are written to temporary names, only complete, hashed
  files are named by the pointer, and a build killed or failing part-way leaves the pointer and its build untouched.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from benchmarks import serve
from benchmarks.ws_client import Session
from indicators.data import db, versions
from indicators.data.paths import EXTRACTS_DIR, REPO_ROOT, warehouse_pointer
from indicators.data.versions import WarehouseUnavailable
from indicators.pipeline import load, marts
from indicators.pipeline.load import build_warehouse, serving_warehouse

SLOW_FIXTURES = {"real_build", "app_with"}  # a full build of the committed extracts; the app served from a build
OLDER = "2026-01-01T00:00:00+00:00"
STRAY_QUOTE = r"claims\.csv, row 3, column claim: stray quote"


# ---- fixtures and helpers


@pytest.fixture(scope="module")
def good(real_build) -> Path:
    """One real build from the committed extracts (the published file; its pointer is beside it)."""
    return real_build


def install(good: Path, pointer: Path, built_at: str | None = None) -> versions.Version:
    """Publish a copy of the good build under `pointer`, as a build would; with `built_at`, a distinct version (its
    build_info restamped, so its bytes and checksum differ)."""
    entry = versions.read_pointer(good.parent / "current.json").current
    pointer.parent.mkdir(parents=True, exist_ok=True)
    temp = versions.temp_path(pointer.parent)
    shutil.copy(good, temp)
    if built_at:
        with duckdb.connect(str(temp)) as con:
            con.execute("UPDATE build_info SET built_at = ?", [built_at])
            con.execute("CHECKPOINT")
    return versions.publish(pointer, temp, entry.fingerprint, built_at or entry.built_at, entry.releases)


def corrupt(path: Path) -> None:
    """Flip 4 KiB in the middle of the file: its size and its build stamp (build_info) stay as they were."""
    with open(path, "r+b") as handle:
        handle.seek(path.stat().st_size // 2)
        block = handle.read(4096)
        handle.seek(-len(block), os.SEEK_CUR)
        handle.write(bytes(b ^ 0xFF for b in block))


def bad_extracts(folder: Path) -> Path:
    """The committed extracts (linked) with a stray quote swallowing a row of claims.csv."""
    folder.mkdir()
    for path in EXTRACTS_DIR.glob("*.csv"):
        if path.name != "claims.csv":
            (folder / path.name).symlink_to(path)
    text = (EXTRACTS_DIR / "claims.csv").read_text()
    (folder / "claims.csv").write_text(text.replace("\ncc_population,", '\ncc_population,"', 1))
    return folder


@pytest.fixture()
def count_builds(monkeypatch):
    """Count the builds the serving path starts (each still runs for real)."""
    calls = []
    real = load.build_warehouse

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(load, "build_warehouse", counting)
    return calls


@pytest.fixture()
def serving_from(monkeypatch):
    """Point indicators.data.db's serving choice at a pointer and an extracts folder, fresh for this test."""

    def point(pointer: Path, extracts: Path = EXTRACTS_DIR) -> None:
        db.close_all()
        db._failed_builds.clear()
        monkeypatch.setattr(db, "WAREHOUSE_POINTER", pointer)
        monkeypatch.setattr(db, "EXTRACTS_DIR", extracts)

    yield point
    db.close_all()
    db._failed_builds.clear()


def run_check(pointer: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "indicators", "check"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO_ROOT,
        env={**os.environ, "CORE_CITIES_WAREHOUSE": str(pointer)},
    )


def quiet(_):
    return None


# ---- the pointer and the versions


def test_check_passes_on_a_good_build_quickly(good):
    timings = []
    for _ in range(2):
        started = time.perf_counter()
        done = run_check(good.parent / "current.json")
        timings.append(time.perf_counter() - started)
        assert done.returncode == 0, done.stderr
    entry = versions.read_pointer(good.parent / "current.json").current
    assert done.stdout.startswith(
        f"ok {good} sha256 {entry.sha256[:16]} built {entry.built_at} from {entry.releases} releases (latest 20"
    )
    assert re.search(r"\d[\d,]* observations; gva_current E08000025 20\d\d = [\d,.]+;", done.stdout), done.stdout
    assert "memory_limit 512.0 MiB, threads 2; inputs unchanged since the build" in done.stdout
    assert min(timings) < 2.0, timings


def test_only_the_current_and_previous_builds_are_kept(good, tmp_path):
    pointer = tmp_path / "w" / "current.json"
    first = install(good, pointer, "2026-01-01T00:00:00+00:00")
    second = install(good, pointer, "2026-02-01T00:00:00+00:00")
    third = install(good, pointer)
    recorded = versions.read_pointer(pointer)
    assert (recorded.current, recorded.previous) == (third, second)
    assert sorted(p.name for p in pointer.parent.glob("*.duckdb")) == sorted([second.file, third.file])
    assert first.file not in pointer.read_text()


def test_a_corrupt_current_build_is_not_kept_as_previous(good, tmp_path):
    pointer = tmp_path / "w" / "current.json"
    older = install(good, pointer, OLDER)
    corrupt(pointer.parent / older.file)
    newer = install(good, pointer)
    assert versions.read_pointer(pointer).previous is None and newer.file != older.file


def test_the_old_single_file_setting_means_the_pointer_beside_it():
    assert warehouse_pointer("/srv/app/data/warehouse.duckdb") == Path("/srv/app/data/warehouse.json")
    assert warehouse_pointer("/srv/w/current.json") == Path("/srv/w/current.json")


def test_a_garbled_pointer_or_a_tampered_name_fails_check(good, tmp_path):
    pointer = tmp_path / "w" / "current.json"
    install(good, pointer)
    entries = json.loads(pointer.read_text())
    entries["current"]["file"] = "../../etc/passwd"
    pointer.write_text(json.dumps(entries))
    done = run_check(pointer)
    assert done.returncode == 1 and "garbled" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    pointer.write_text("{not json")
    assert run_check(pointer).returncode == 1
    pointer.unlink()
    done = run_check(pointer)
    assert done.returncode == 1 and "no warehouse has been built" in done.stderr


# ---- 1. corruption caught by the checksum, not the stamp


def test_corrupt_current_build_fails_check_and_the_previous_serves_with_a_notice(
    good, tmp_path, count_builds, serving_from
):
    pointer = tmp_path / "w" / "current.json"
    previous = install(good, pointer, OLDER)
    current = install(good, pointer)
    corrupt(pointer.parent / current.file)
    with duckdb.connect(str(pointer.parent / current.file), read_only=True) as con:  # the stamp still reads fine
        assert con.execute("SELECT built_at FROM build_info").fetchone()[0] == current.built_at
    assert "fails its SHA-256 checksum" in versions.verify(pointer.parent, current)

    done = run_check(pointer)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip() == (
        f"check failed: the current warehouse {pointer.parent / current.file} fails its "
        "SHA-256 checksum: it is corrupt or was changed after it was built"
    )

    serving_from(pointer)
    assert db.query("SELECT built_at FROM build_info")["built_at"][0] == OLDER  # the previous build serves
    notice = db.serving_notice()
    assert notice.startswith(
        f"Showing the previous good data (built {OLDER}): the current warehouse "
        f"{current.file} fails its SHA-256 checksum"
    )
    assert notice.endswith("Rebuild it with python -m indicators build.")
    assert db._connections.keys() == {pointer.parent / previous.file}
    assert count_builds == []  # the process does not rebuild over a corrupt file while a good one exists


def test_corrupt_current_and_no_previous_rebuilds_once(good, tmp_path, count_builds):
    pointer = tmp_path / "w" / "current.json"
    current = install(good, pointer)
    corrupt(pointer.parent / current.file)
    failed: dict = {}
    with pytest.raises(
        WarehouseUnavailable,
        match=r"the current warehouse \w+\.duckdb fails its SHA-256 checksum.*"
        r"and building it failed\. .*" + STRAY_QUOTE,
    ):
        serving_warehouse(pointer, bad_extracts(tmp_path / "bad"), failed, log=quiet)
    assert len(count_builds) == 1


# ---- 2. a bad extract at restart


def test_bad_extract_builds_once_and_the_last_good_build_serves(good, tmp_path, count_builds, serving_from):
    pointer = tmp_path / "w" / "current.json"
    current = install(good, pointer)
    extracts = bad_extracts(tmp_path / "bad")
    serving_from(pointer, extracts)
    for _ in range(5):
        assert db.query("SELECT count(*) AS n FROM core_cities")["n"][0] == 10
    notice = db.serving_notice()
    assert re.match(
        rf"Showing the last good data \(built {re.escape(current.built_at)}\): the warehouse could not be "
        rf"rebuilt from the changed extracts\. .*{STRAY_QUOTE}",
        notice,
    ), notice
    assert len(count_builds) == 1
    db.close_all()  # even when the process forgets its connection, it remembers the failed build for these inputs
    assert db.query("SELECT count(*) AS n FROM core_cities")["n"][0] == 10
    assert len(count_builds) == 1 and db.serving_notice() == notice
    assert versions.read_pointer(pointer).current == current


# ---- 3. no good build and a bad extract


def test_no_good_build_and_a_bad_extract_is_a_clear_error_without_retries(tmp_path, count_builds, serving_from):
    pointer = tmp_path / "w" / "current.json"
    serving_from(pointer, bad_extracts(tmp_path / "bad"))
    for _ in range(3):
        with pytest.raises(WarehouseUnavailable) as failure:
            db.query("SELECT 1")
        assert re.match(
            r"The indicator data cannot be shown: no warehouse has been built yet, and building it "
            rf"failed\. .*{STRAY_QUOTE}",
            str(failure.value),
        ), failure.value
        assert "\n" not in str(failure.value)
    db.close_all()
    with pytest.raises(WarehouseUnavailable):
        db.query("SELECT 1")
    assert len(count_builds) == 1
    assert not pointer.exists()


# ---- 4. the switch


def test_a_concurrent_reader_only_ever_sees_complete_checked_builds(good, tmp_path):
    """While a real build runs and switches, every poll finds the pointer naming a file that verifies, and every
    file under a version name is complete (its SHA-256 starts with its name)."""
    pointer = tmp_path / "w" / "current.json"
    old = install(good, pointer)
    stop, seen, problems = threading.Event(), set(), []

    def poll():
        while not stop.is_set():
            entry = versions.read_pointer(pointer).current
            seen.add(entry.file)
            problem = versions.verify(pointer.parent, entry)
            if problem:
                problems.append(f"{entry.file} {problem}")
            for path in pointer.parent.glob("*.duckdb"):
                try:
                    if not versions.sha256_of(path).startswith(path.stem):
                        problems.append(f"{path.name} is visible under a version name before it is complete")
                except FileNotFoundError:
                    pass  # pruned between the listing and the read

    poller = threading.Thread(target=poll)
    poller.start()
    try:
        new = build_warehouse(EXTRACTS_DIR, pointer, log=quiet)
    finally:
        stop.set()
        poller.join(30)
    assert problems == []
    assert old.file in seen and new.name != old.file
    recorded = versions.read_pointer(pointer)
    assert recorded.current.file == new.name and recorded.previous == old
    assert not [p for p in pointer.parent.iterdir() if ".tmp" in p.name]


def test_a_build_killed_part_way_leaves_the_pointer_and_its_build_untouched(good, tmp_path):
    pointer = tmp_path / "w" / "current.json"
    old = install(good, pointer)
    before = pointer.read_bytes()
    process = subprocess.Popen(
        [sys.executable, "-m", "indicators", "build"],
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "CORE_CITIES_WAREHOUSE": str(pointer)},
    )
    try:
        deadline = time.monotonic() + 60
        while not list(pointer.parent.glob(".build-*.tmp")) and time.monotonic() < deadline:
            assert process.poll() is None, "the build ended before writing its temporary file"
            time.sleep(0.05)
        time.sleep(1.0)  # well into writing tables
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(30)
    assert pointer.read_bytes() == before
    assert [p.name for p in pointer.parent.glob("*.duckdb")] == [old.file]
    assert run_check(pointer).returncode == 0
    leftovers = [p.name for p in pointer.parent.glob(".build-*.tmp*")]
    assert leftovers and set(versions.prune(pointer.parent, {old.file})) == set(leftovers)  # a dead build's files go


def test_a_build_failing_its_checks_leaves_no_trace(good, tmp_path, monkeypatch):
    pointer = tmp_path / "w" / "current.json"
    old = install(good, pointer)
    before = sorted(p.name for p in pointer.parent.iterdir())
    monkeypatch.setattr(marts, "build_all", lambda con, log=print: None)
    monkeypatch.setattr(load, "run_checks", lambda con: [])
    monkeypatch.setattr(marts, "check_all", lambda con: ["aggregates: a reconciliation fails"])
    with pytest.raises(load.BuildError, match=r"warehouse checks failed:\s+aggregates: a reconciliation fails"):
        build_warehouse(EXTRACTS_DIR, pointer, log=quiet)
    assert sorted(p.name for p in pointer.parent.iterdir()) == before
    assert versions.read_pointer(pointer).current == old


# ---- the running app


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def unescaped(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


async def render_pages(base: str, limit: int | None = None) -> dict[str, object]:
    """Render the default page, then every page of the navigation (or the first `limit`), each in a new session."""
    async with Session(base, timeout=120) as first:
        runs = {"": await first.rerun()}
        pages = [p for p in first.pages if p][:limit]
    for page in pages:
        async with Session(base, page=page, timeout=120) as session:
            runs[page] = await session.rerun()
    return runs


@pytest.fixture()
def app_with(tmp_path):
    started = []

    def start(pointer: Path, extracts: Path = EXTRACTS_DIR):
        port, log = free_port(), tmp_path / f"app-{len(started)}.log"
        process = serve.start(
            port, log, env={"CORE_CITIES_WAREHOUSE": str(pointer), "CORE_CITIES_EXTRACTS_DIR": str(extracts)}
        )
        started.append(process)
        serve.wait_healthy(f"http://127.0.0.1:{port}", process)
        return f"http://127.0.0.1:{port}", log

    yield start
    for process in started:
        serve.stop(process)


def test_app_serves_the_previous_build_with_a_banner_on_every_page(good, tmp_path, app_with):
    pointer = tmp_path / "w" / "current.json"
    install(good, pointer, OLDER)
    current = install(good, pointer)
    corrupt(pointer.parent / current.file)
    base, log = app_with(pointer)
    runs = asyncio.run(render_pages(base))
    assert len(runs) >= 10
    banner = f"Showing the previous good data (built {OLDER}): the current warehouse {current.file} fails its SHA-256"
    for page, run in runs.items():
        assert run.ok, (page, run.exceptions, log.read_text()[-4000:])
        assert any(unescaped(a).startswith(banner) for a in run.alerts), (page, run.alerts)
        assert any(m.startswith("Sources: ONS") for m in run.markdown), f"{page}: the frame's footer is missing"
    assert "building the warehouse" not in log.read_text()


def test_app_with_a_bad_extract_builds_once_and_serves_the_last_good_build(good, tmp_path, app_with):
    pointer = tmp_path / "w" / "current.json"
    current = install(good, pointer)
    base, log = app_with(pointer, bad_extracts(tmp_path / "bad"))
    runs = asyncio.run(render_pages(base, limit=4))
    runs.update({f"again {k}": v for k, v in asyncio.run(render_pages(base, limit=2)).items()})
    banner = f"Showing the last good data (built {current.built_at}): the warehouse could not be rebuilt"
    for page, run in runs.items():
        assert run.ok, (page, run.exceptions, log.read_text()[-4000:])
        alerts = [unescaped(a) for a in run.alerts]
        assert any(a.startswith(banner) and "claims.csv, row 3, column claim: stray quote" in a for a in alerts), alerts
    text = log.read_text()
    assert text.count("building the warehouse from") == 1, text[-3000:]
    assert "Traceback" not in text


def test_app_without_any_good_build_says_why_on_every_page(tmp_path, app_with):
    pointer = tmp_path / "w" / "current.json"
    base, log = app_with(pointer, bad_extracts(tmp_path / "bad"))
    runs = asyncio.run(render_pages(base, limit=3))
    for page, run in runs.items():
        assert run.ok and not run.exceptions, (page, run.exceptions)  # stopped cleanly: no traceback element
        alerts = [unescaped(a) for a in run.alerts]
        assert len(alerts) == 1 and alerts[0].startswith(
            "The indicator data cannot be shown: no warehouse has been built yet, and building it failed."
        ), alerts
        assert "claims.csv, row 3, column claim: stray quote" in alerts[0]
        assert not any(m.startswith("Sources: ONS") for m in run.markdown)
    assert log.read_text().count("building the warehouse from") == 1
