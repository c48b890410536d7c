"""Run deploy/nginx.conf on loopback in front of a local app (tests/test_proxy.py and benchmarks/run.py).

Only the lines marked `# test: <what>` in deploy/nginx.conf are rewritten: listen port, upstream address, pid and log
paths; temp paths are added so nginx runs without /var/lib/nginx. Everything else is the deployed file verbatim.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NGINX_CONF = REPO / "deploy" / "nginx.conf"


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


def render(listen_port: int, upstream_port: int | list[int], prefix: Path) -> Path:
    """Write a loopback copy of deploy/nginx.conf under `prefix` (one upstream server per port) and return its path."""
    prefix.mkdir(parents=True, exist_ok=True)
    ports = [upstream_port] if isinstance(upstream_port, int) else list(upstream_port)
    replacements = {
        "pid": f"pid {prefix}/nginx.pid;",
        "error_log": f"error_log {prefix}/error.log warn;",
        "access_log": f"access_log {prefix}/access.log;",
        "upstream": " ".join(f"server 127.0.0.1:{port} max_fails=3 fail_timeout=10s;" for port in ports),
        "listen": f"listen 127.0.0.1:{listen_port};",
    }
    lines = []
    for line in NGINX_CONF.read_text().splitlines():
        marker = re.search(r"#\s*test:\s*(\w+)", line)
        if marker:
            indent = line[: len(line) - len(line.lstrip())]
            line = indent + replacements[marker.group(1)]
        lines.append(line)
    text = "\n".join(lines) + "\n"
    temp = "".join(f"    {kind}_temp_path {prefix}/{kind}_temp;\n" for kind in ("client_body", "proxy", "fastcgi",
                                                                              "uwsgi", "scgi"))
    text = text.replace("http {\n", "http {\n" + temp, 1)
    path = prefix / "nginx.conf"
    path.write_text(text)
    return path


def start(listen_port: int, upstream_port: int | list[int], prefix: Path) -> subprocess.Popen:
    binary = nginx_binary()
    if binary is None:
        raise FileNotFoundError("nginx is not installed (apt-get install nginx-light)")
    conf = render(listen_port, upstream_port, prefix)
    check = subprocess.run([binary, "-t", "-p", str(prefix), "-c", str(conf)], capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError(f"nginx -t failed:\n{check.stderr}")
    process = subprocess.Popen([binary, "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"],
                               stdout=subprocess.DEVNULL, stderr=open(prefix / "stderr.log", "wb"))
    deadline = time.time() + 15
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{listen_port}/healthz", timeout=2):
                pass
            time.sleep(0.2)  # something else on the port also answers: make sure it is this nginx
            if process.poll() is not None:
                raise RuntimeError(f"nginx exited: {(prefix / 'stderr.log').read_text()}")
            return process
        except OSError:
            if process.poll() is not None:
                raise RuntimeError((prefix / "stderr.log").read_text())
            time.sleep(0.1)
    return process


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()  # SIGTERM: fast shutdown of master and its workers
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
