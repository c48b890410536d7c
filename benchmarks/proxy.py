"""Run deploy/nginx.conf on loopback in front of a local app (tests/test_proxy.py and benchmarks/run.py).

Only the lines marked `# test: <what>` in deploy/nginx.conf are rewritten: listen ports, upstream address, pid and log
paths, certificate paths, the security.txt path, and where asked the https redirect and the websocket connect rate;
temp paths are added so nginx runs without /var/lib/nginx. Everything else is the deployed file verbatim.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NGINX_CONF = REPO / "deploy" / "nginx.conf"
SECURITY_TXT = REPO / "deploy" / "security.txt"


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


def render(
    prefix: Path,
    listen: int,
    upstream: int | list[int],
    *,
    tls: tuple[int, Path, Path] | None = None,
    https_redirect: bool = False,
    ws_connect_rate: str | None = None,
) -> Path:
    """A loopback copy of deploy/nginx.conf under `prefix`: every `# test: NAME` line replaced, nothing else.

    tls = (port, certificate, key) serves https on that port (else the TLS lines become comments); https_redirect
    keeps the production redirect of plain HTTP (else plain HTTP serves the app); ws_connect_rate replaces the
    per-address websocket connect rate (else the deployed rate). An unknown marker fails here.
    """
    prefix.mkdir(parents=True, exist_ok=True)
    ports = [upstream] if isinstance(upstream, int) else list(upstream)
    port, certificate, key = tls if tls else (None, None, None)
    replace = {
        "pid": lambda line: f"pid {prefix}/nginx.pid;",
        "error_log": lambda line: f"error_log {prefix}/error.log warn;",
        "access_log": lambda line: f"access_log {prefix}/access.log;",
        "upstream": lambda line: " ".join(f"server 127.0.0.1:{p} max_fails=3 fail_timeout=10s;" for p in ports),
        "listen": lambda line: f"listen 127.0.0.1:{listen};",
        "listen_tls": lambda line: f"listen 127.0.0.1:{port} ssl;" if tls else "# no TLS in this copy",
        "ssl_certificate": lambda line: f"ssl_certificate {certificate};" if tls else "# no certificate",
        "ssl_certificate_key": lambda line: f"ssl_certificate_key {key};" if tls else "# no key",
        "security_txt": lambda line: f"alias {SECURITY_TXT};",
        "https_redirect": lambda line: line if https_redirect else "default 0;",
        "ws_connect_rate": lambda line: (
            re.sub(r"rate=\S+;", f"rate={ws_connect_rate};", line) if ws_connect_rate else line
        ),
    }
    lines = []
    for line in NGINX_CONF.read_text().splitlines():
        marker = re.search(r"#\s*test:\s*(\w+)", line)
        if marker:
            indent = line[: len(line) - len(line.lstrip())]
            line = indent + replace[marker.group(1)](line.strip())
        lines.append(line)
    temp = "".join(
        f"    {kind}_temp_path {prefix}/{kind}_temp;\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    path = prefix / "nginx.conf"
    path.write_text(("\n".join(lines) + "\n").replace("http {\n", "http {\n" + temp, 1))
    return path


def start(prefix: Path, listen: int, upstream: int | list[int], **options) -> subprocess.Popen:
    """`nginx -t` the rendered copy (options as for `render`), start it, wait until it answers on the plain port
    (any HTTP status will do, a redirect too)."""
    binary = nginx_binary()
    if binary is None:
        raise FileNotFoundError("nginx is not installed (apt-get install nginx-light)")
    conf = render(prefix, listen, upstream, **options)
    check = subprocess.run([binary, "-t", "-p", str(prefix), "-c", str(conf)], capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError(f"nginx -t failed:\n{check.stderr}")
    process = subprocess.Popen(
        [binary, "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=open(prefix / "stderr.log", "wb"),
    )
    deadline = time.time() + 15
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited: {(prefix / 'stderr.log').read_text()}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{listen}/healthz", timeout=2).close()
        except urllib.error.HTTPError:
            pass  # an answer all the same
        except OSError:
            time.sleep(0.1)
            continue
        time.sleep(0.2)  # something else on the port may have answered: make sure it is this nginx
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited: {(prefix / 'stderr.log').read_text()}")
        return process
    stop(process)
    raise TimeoutError(f"nginx not answering on {listen}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()  # SIGTERM: fast shutdown of master and its workers
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
