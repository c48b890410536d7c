"""Start the dashboard in a subprocess for tests and benchmarks, optionally with a probe that reports from inside.

`python benchmarks/serve.py --port 8615 [--probe]` runs `streamlit run app.py` in this process. With --probe it first
installs observers that change nothing in the app and print one line each to stderr:

- `PROBE duckdb.connect read_only=<bool> serving=<bool> <path>` for every `duckdb.connect` call (serving = opened
  with the locked serving config; the build's staleness check opens a plain read-only one briefly)
  (indicators.data.db looks the function up on the module at call time, so wrapping the module attribute sees every
  connection the app opens);
- `PROBE open <path>` for every Python-level open of a boundary file (*.geojson), via a `sys.addaudithook` "open"
  audit event (indicators.data.geography.boundaries reads them with Path.read_text);
- `PROBE clear_cache` when the runtime handles a client's clear_cache BackMsg (proves the message was processed);
- `PROBE config {json}` once the runtime exists: the effective client/browser/runner/server/theme options.

Counting these lines is the robust way to show that expensive module-level state (the DuckDB connection, the
boundaries) is built once per process and survives a client's clear_cache: no debug endpoint in the app, no timing
heuristics. Python-level only: a reopen through some other C-level path would not be seen (there is none today).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _say(line: str) -> None:
    sys.stderr.write(f"PROBE {line}\n")
    sys.stderr.flush()


def install_probe() -> None:
    import duckdb

    real_connect = duckdb.connect

    def connect(*args, **kwargs):
        target = args[0] if args else kwargs.get("database", ":memory:")
        serving = bool((kwargs.get("config") or {}).get("lock_configuration"))
        _say(f"duckdb.connect read_only={bool(kwargs.get('read_only', False))} serving={serving} {target}")
        return real_connect(*args, **kwargs)

    duckdb.connect = connect

    def audit(event: str, args: tuple) -> None:
        if event == "open" and str(args[0]).endswith(".geojson"):
            _say(f"open {args[0]}")

    sys.addaudithook(audit)

    from streamlit.runtime import app_session

    real_clear = app_session.AppSession._handle_clear_cache_request

    def clear(self, *args, **kwargs):
        _say("clear_cache")
        return real_clear(self, *args, **kwargs)

    app_session.AppSession._handle_clear_cache_request = clear

    def report_config() -> None:
        from streamlit import config
        from streamlit.runtime import Runtime

        while not Runtime.exists():
            time.sleep(0.05)
        options = {
            key: opt.value
            for key, opt in config.get_config_options().items()
            if key.split(".")[0] in {"client", "browser", "runner", "server", "theme", "logger"}
        }
        _say("config " + json.dumps(options, default=str))

    threading.Thread(target=report_config, daemon=True).start()


def start(
    port: int, log_path: Path, probe: bool = False, env: dict | None = None, address: str = "127.0.0.1"
) -> subprocess.Popen:
    """Launch the app (cwd = repository root, so .streamlit/config.toml applies); stdout+stderr go to log_path."""
    command = [sys.executable, str(REPO / "benchmarks" / "serve.py"), "--port", str(port), "--address", address]
    if probe:
        command.append("--probe")
    log = open(log_path, "wb")
    return subprocess.Popen(
        command,
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {}), "PYTHONPATH": str(REPO)},
    )


def wait_healthy(base: str, process: subprocess.Popen | None = None, timeout: float = 90.0) -> float:
    """Poll /_stcore/health until it answers 200 "ok"; return the seconds waited."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"app exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return time.perf_counter() - started
        except OSError:
            pass
        time.sleep(0.05)
    raise TimeoutError(f"{base} not healthy after {timeout}s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def probe_lines(log_path: Path, prefix: str) -> list[str]:
    text = Path(log_path).read_text(errors="replace")
    return [line[len("PROBE ") :] for line in text.splitlines() if line.startswith("PROBE " + prefix)]


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument("--probe", action="store_true")
    args = parser.parse_args()
    if args.probe:
        install_probe()
    os.chdir(REPO)
    sys.path.insert(0, str(REPO))
    from streamlit.web import cli

    sys.argv = [
        "streamlit",
        "run",
        str(REPO / "app.py"),
        "--server.port",
        str(args.port),
        "--server.address",
        args.address,
    ]
    cli.main()


if __name__ == "__main__":
    main()
