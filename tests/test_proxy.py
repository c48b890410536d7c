"""deploy/nginx.conf on loopback (Debian nginx) in front of `streamlit run app.py`: what a visitor gets through it.

Skips with a reason when nginx is absent (CI installs nginx-light); the TLS tests skip when openssl is absent. Only
the `# test:` lines of the config are rewritten (`benchmarks.proxy.render`): ports, upstream, pid/log/temp paths, a
throwaway certificate, the security.txt path; where a test says so, the websocket connect rate (raised, to reach the
per-address cap quickly) and the https redirect (off, so plain HTTP on loopback serves the app as it did before TLS: the
tests below need no certificate, and benchmarks/proxy.py can run the proxy the same way). The limits are tested in front
of a websocket stub, so hundreds of connections cost no Streamlit sessions; everything else in front of the real app.
"""

from __future__ import annotations

import asyncio
import gzip
import http.server
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from benchmarks import proxy, serve
from benchmarks.ws_client import Session, find_page


def _free_ports(count: int) -> list[int]:
    """Loopback ports free now (chosen per run, so two runs of this file at once on one machine do not collide)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


(APP_PORT, PROXY_PORT, TLS_HTTP_PORT, TLS_PORT, LIMITS_PORT, STUB_PORT, AFFINITY_PORT, *REPLICA_PORTS) = _free_ports(9)
PROXIED = f"http://127.0.0.1:{PROXY_PORT}"
# TLS_HTTP_PORT, TLS_PORT: the production shape (plain HTTP redirects, TLS serves); LIMITS_PORT in front of the
# websocket stub on STUB_PORT; AFFINITY_PORT in front of two stub replicas.
NGINX_CONF = proxy.NGINX_CONF
SECURITY_TXT = proxy.SECURITY_TXT
HSTS = "max-age=31536000; includeSubDomains"

pytestmark = pytest.mark.skipif(
    proxy.nginx_binary() is None, reason="nginx not installed (apt-get install nginx-light); proxy config not exercised"
)


# ---- running deploy/nginx.conf on loopback


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("app")
    process = serve.start(APP_PORT, folder / "streamlit.log")
    try:
        serve.wait_healthy(f"http://127.0.0.1:{APP_PORT}", process)
        yield process
    finally:
        serve.stop(process)


@pytest.fixture(scope="module")
def stack(app, tmp_path_factory):
    """The app behind the proxy on plain HTTP (the https redirect off by its `# test:` line, no TLS)."""
    folder = tmp_path_factory.mktemp("proxy")
    nginx = proxy.start(folder / "nginx", PROXY_PORT, APP_PORT)
    try:
        yield folder
    finally:
        proxy.stop(nginx)


def get(path: str, headers: dict | None = None):
    request = urllib.request.Request(PROXIED + path, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_config_passes_nginx_syntax_check(stack):
    assert (stack / "nginx" / "nginx.conf").exists()


def test_health_through_proxy(stack):
    for path in ("/_stcore/health", "/healthz"):
        status, _, body = get(path)
        assert (status, body) == (200, b"ok")


def test_security_headers(stack):
    """Documents (the app page, a deep link, nginx's own 404 page) carry the full set; every response is nosniff."""
    for path in ("/", "/map", "/_stcore/metrics"):
        _, headers, _ = get(path)
        assert headers.get("Content-Type", "").startswith("text/html"), path
        csp = headers.get("Content-Security-Policy", "")
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp and "object-src 'none'" in csp
        assert headers.get("X-Frame-Options") == "DENY"
        assert headers.get("Cross-Origin-Opener-Policy") == "same-origin"
    asset = re.findall(r'src="\./(static/[^"]+\.js)"', get("/")[2].decode())[0]
    for path in ("/", "/_stcore/health", "/" + asset):
        _, headers, _ = get(path)
        assert headers.get("X-Content-Type-Options") == "nosniff", path
        assert headers.get("Referrer-Policy") == "strict-origin-when-cross-origin", path
        assert "nginx/" not in headers.get("Server", ""), path


def test_javascript_and_css_are_gzipped(stack):
    status, _, page = get("/")
    assert status == 200
    assets = re.findall(r'(?:src|href)="\./(static/[^"]+\.(?:js|css))"', page.decode())
    assert any(a.endswith(".js") for a in assets)
    for asset in assets[:6]:
        status, headers, body = get("/" + asset, {"Accept-Encoding": "gzip"})
        assert status == 200 and headers.get("Content-Encoding") == "gzip", asset
        assert "Accept-Encoding" in headers.get("Vary", "")
        plain = gzip.decompress(body)
        assert len(body) < 0.6 * len(plain), asset


def test_json_is_gzipped(stack):
    status, headers, body = get("/_stcore/host-config", {"Accept-Encoding": "gzip"})
    if len(body) >= 1024 or headers.get("Content-Encoding") == "gzip":
        assert headers.get("Content-Encoding") == "gzip"


@pytest.mark.parametrize("path", ["/_stcore/metrics", "/_stcore/metrics?x=1", "/_stcore/metrics/"])
def test_metrics_blocked(stack, path):
    status, _, body = get(path)
    assert status in (403, 404) and b"session_events" not in body


def test_websocket_session_through_proxy(stack):
    """A browser-like client (Origin = the public host:port) renders a page through the proxy to script_finished."""

    async def scenario():
        async with Session(PROXIED, origin=True) as session:
            first = await session.rerun()
            second = await session.rerun(page=find_page(session.pages, "map") or "")
            return first, second

    first, second = asyncio.run(scenario())
    assert first.ok and second.ok, (first.exceptions, second.exceptions)
    assert any(m.startswith("Sources:") for m in first.markdown + second.markdown)


def test_csp_allows_every_inline_script_of_the_served_page(stack):
    """Streamlit's index.html carries one inline script; its hash must be in script-src (recheck on upgrades)."""
    import base64
    import hashlib

    _, headers, page = get("/")
    csp = headers["Content-Security-Policy"]
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", page.decode(), re.S)
    for body in inline:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp, f"add 'sha256-{digest}' to script-src in deploy/nginx.conf"


@pytest.mark.browser
@pytest.mark.slow
def test_pages_render_in_chromium_under_the_csp(stack):
    """Chromium through the proxy: the frame and a chart render and no CSP violation is reported."""
    import shutil

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Debian chromium not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            violations, errors = [], []
            page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.add_init_script(
                "document.addEventListener('securitypolicyviolation', e => "
                "console.error('Content Security Policy violation ' + e.violatedDirective + ' ' + e.blockedURI))"
            )
            for path in ("/", "/map"):
                page.goto(PROXIED + path)
                page.wait_for_selector("text=Sources:", timeout=45_000)
            page.wait_for_selector(".js-plotly-plot, [data-testid='stPlotlyChart']", timeout=45_000)
            page.wait_for_timeout(1500)
        finally:
            browser.close()
    assert violations == [] and errors == []


# ---- session affinity across replicas: two stub upstreams that answer with their own port


class _Replica(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's naming
        body = str(self.server.server_address[1]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def replicas(tmp_path_factory):
    servers = [http.server.ThreadingHTTPServer(("127.0.0.1", port), _Replica) for port in REPLICA_PORTS]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    nginx = proxy.start(tmp_path_factory.mktemp("affinity") / "nginx", AFFINITY_PORT, REPLICA_PORTS)
    try:
        yield f"http://127.0.0.1:{AFFINITY_PORT}"
    finally:
        proxy.stop(nginx)
        for server in servers:
            server.shutdown()


def _replica_for(base: str, cookie: str | None = None) -> tuple[str, str | None]:
    request = urllib.request.Request(base + "/", headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read().decode(), response.headers.get("Set-Cookie")


def test_first_response_sets_the_affinity_cookie_and_later_ones_do_not(replicas):
    _, set_cookie = _replica_for(replicas)
    assert re.fullmatch(r"cc_affinity=[0-9a-f]{32}; Path=/; HttpOnly; SameSite=Lax", set_cookie)
    _, again = _replica_for(replicas, set_cookie.split(";")[0])
    assert again is None


def test_one_browser_always_reaches_one_replica_and_browsers_spread(replicas):
    chosen = {}
    for n in range(40):
        cookie = f"cc_affinity={n:032x}"
        seen = {_replica_for(replicas, cookie)[0] for _ in range(5)}
        assert len(seen) == 1, f"{cookie} reached {seen}"
        chosen[cookie] = seen.pop()
    assert set(chosen.values()) == {str(port) for port in REPLICA_PORTS}


# ---- limits: per-address cap, per-address connect rate, the cap on all sessions together (in front of a stub)

LIMITS = {
    "per_ip": r"limit_conn ws_per_ip (\d+);",
    "total": r"limit_conn ws_total (\d+);",
    "rate": r"zone=ws_connect_per_ip:\S+ rate=(\d+)r/s;",
    "burst": r"limit_req zone=ws_connect_per_ip burst=(\d+)",
    "delay": r"limit_req zone=ws_connect_per_ip burst=\d+ delay=(\d+);",
}


def limit(name: str) -> int:
    """A websocket limit as deploy/nginx.conf sets it (the tests check the deployed numbers, whatever they are)."""
    found = re.search(LIMITS[name], NGINX_CONF.read_text())
    assert found, f"deploy/nginx.conf no longer has {LIMITS[name]!r}"
    return int(found.group(1))


class WebsocketStub:
    """A websocket server that accepts the `streamlit` subprotocol and holds each connection until the client closes
    (answers plain HTTP with "ok", so the proxy's health check passes). Runs its own event loop in a thread."""

    def __init__(self, port: int):
        self.port, self.loop, self.ready = port, asyncio.new_event_loop(), threading.Event()
        self.thread = threading.Thread(target=self.loop.run_until_complete, args=(self._main(),), daemon=True)

    async def _main(self) -> None:
        from websockets.asyncio.server import serve as ws_serve

        def health(connection, request):
            if request.headers.get("Upgrade", "").lower() != "websocket":
                return connection.respond(200, "ok")
            return None

        async def hold(websocket):
            await websocket.wait_closed()

        self.stopping = asyncio.Event()
        async with ws_serve(hold, "127.0.0.1", self.port, subprotocols=["streamlit"], process_request=health):
            self.ready.set()
            await self.stopping.wait()

    def __enter__(self):
        self.thread.start()
        assert self.ready.wait(10), "websocket stub did not start"
        return self

    def __exit__(self, *exc):
        self.loop.call_soon_threadsafe(self.stopping.set)
        self.thread.join(10)


# ---- the open data package at /data/ (no app behind it: nginx serves the files itself)

(PACKAGE_PORT,) = _free_ports(1)
PACKAGE_ALIAS = "alias /srv/core-cities/package/;"


@pytest.fixture(scope="module")
def package_proxy(tmp_path_factory):
    """deploy/nginx.conf with its package folder pointed at a small stand-in package (the one line changed here),
    in front of no upstream at all."""
    folder = tmp_path_factory.mktemp("package")
    # nginx's workers drop root, and pytest's temporary folders are private: the package goes where they can read it
    readable = tempfile.TemporaryDirectory(prefix="package-", dir="/tmp")
    os.chmod(readable.name, 0o755)
    package = Path(readable.name) / "package"
    (package / "csv").mkdir(parents=True)
    (package / "parquet").mkdir()
    descriptor = {"name": "stand-in", "resources": [{"name": f"table-{i}", "path": f"csv/t{i}.csv"} for i in range(60)]}
    (package / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
    (package / "csv" / "t0.csv").write_text("area_code,value\n" + "".join(f"E0800{i:04d},{i}.5\n" for i in range(200)))
    (package / "parquet" / "t0.parquet").write_bytes(b"PAR1" + bytes(2000) + b"PAR1")
    conf = NGINX_CONF.read_text()
    assert conf.count(PACKAGE_ALIAS) == 1
    copy = folder / "nginx.conf"
    copy.write_text(conf.replace(PACKAGE_ALIAS, f"alias {package}/;"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(proxy, "NGINX_CONF", copy)
        nginx = proxy.start(folder / "nginx", PACKAGE_PORT, STUB_PORT)
    try:
        yield package
    finally:
        proxy.stop(nginx)
        readable.cleanup()


def package_get(path: str, method: str = "GET", headers: dict | None = None):
    request = urllib.request.Request(f"http://127.0.0.1:{PACKAGE_PORT}{path}", method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/data/datapackage.json", "application/json; charset=utf-8"),
        ("/data/csv/t0.csv", "text/csv; charset=utf-8"),
        ("/data/parquet/t0.parquet", "application/vnd.apache.parquet"),
    ],
)
def test_package_files_are_served_read_only_with_cache_headers_and_gzip(package_proxy, path, content_type):
    status, headers, body = package_get(path)
    assert status == 200 and headers["Content-Type"] == content_type
    assert body == (package_proxy / path.removeprefix("/data/")).read_bytes()
    assert headers["Cache-Control"] == "public, max-age=3600"
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Set-Cookie" not in headers  # no affinity cookie: files need no replica
    status, headers, zipped = package_get(path, headers={"Accept-Encoding": "gzip"})
    if content_type.startswith(("application/json", "text/csv")):
        assert headers.get("Content-Encoding") == "gzip" and gzip.decompress(zipped) == body
    else:
        assert headers.get("Content-Encoding") is None and zipped == body
    status, headers, body = package_get(path, method="HEAD")
    assert status == 200 and body == b""


def test_package_refuses_writes_listings_and_escapes(package_proxy):
    for method in ("POST", "PUT", "DELETE"):
        assert package_get("/data/datapackage.json", method=method)[0] == 403, method
    status, headers, _ = package_get("/data/")
    assert status == 403 and "frame-ancestors 'none'" in headers["Content-Security-Policy"]  # nginx's own page
    assert headers["X-Frame-Options"] == "DENY" and "Cache-Control" not in headers
    assert package_get("/data/csv/")[0] == 403
    assert package_get("/data/missing.csv")[0] == 404
    (package_proxy.parent / "beside.txt").write_text("not part of the package")
    for escape in ("/data/../beside.txt", "/data/..%2fbeside.txt", "/data//../beside.txt"):
        status, _, body = package_get(escape)
        assert status != 200 and b"not part of the package" not in body, escape


@pytest.fixture(scope="module")
def ws_stub():
    with WebsocketStub(STUB_PORT) as stub:
        yield stub


@pytest.fixture()
def limits_proxy(ws_stub, tmp_path):
    """A fresh nginx (fresh counters) in front of the stub; `start(**render options)` returns its ws:// URL."""
    started = []

    def start(**options) -> str:
        started.append(proxy.start(tmp_path / f"nginx{len(started)}", LIMITS_PORT, STUB_PORT, **options))
        return f"ws://127.0.0.1:{LIMITS_PORT}/_stcore/stream"

    yield start
    for process in started:
        proxy.stop(process)


async def _connect(url: str, address: str):
    """(websocket or None, HTTP status when refused, seconds taken) for one websocket from `address`."""
    from websockets.asyncio.client import connect
    from websockets.exceptions import InvalidStatus

    began = time.perf_counter()
    try:
        ws = await connect(url, subprotocols=["streamlit"], local_addr=(address, 0), open_timeout=20)
        return ws, None, time.perf_counter() - began
    except InvalidStatus as error:
        return None, error.response.status_code, time.perf_counter() - began


async def _close(results) -> None:
    await asyncio.gather(*(ws.close() for ws, _, _ in results if ws is not None))


def test_websocket_connection_cap_per_ip(limits_proxy):
    """Beyond `limit_conn ws_per_ip` open websockets from one address nginx answers 429 instead of upgrading, and a
    slot frees when a websocket closes (the connect rate raised here, so the cap is reached at once)."""
    url = limits_proxy(ws_connect_rate="1000r/s")
    per_ip = limit("per_ip")

    async def scenario():
        results = [await _connect(url, "127.0.4.2") for _ in range(per_ip + 3)]
        try:
            opened = [r for r in results if r[0] is not None]
            await opened.pop()[0].close()
            await asyncio.sleep(0.5)
            again = await _connect(url, "127.0.4.2")  # the freed slot is usable
            results.append(again)
            return sum(r[0] is not None for r in results[:-1]), [r[1] for r in results if r[1]], again[0] is not None
        finally:
            await _close(results)

    opened, statuses, reopened = asyncio.run(scenario())
    assert (opened, statuses, reopened) == (per_ip, [429] * 3, True)


def test_websocket_connect_rate_per_ip(limits_proxy):
    """The deployed rate: from one address, a burst of connects gets 1 + `delay` at once, the rest of `burst` paced
    at the rate, and 429 beyond that; another address is not held up."""
    url = limits_proxy()
    rate, burst, delay = limit("rate"), limit("burst"), limit("delay")
    attempts = 1 + burst + 6

    async def scenario():
        results = await asyncio.gather(*(_connect(url, "127.0.5.2") for _ in range(attempts)))
        other = await _connect(url, "127.0.5.3")
        await _close([*results, other])
        return results, other

    results, other = asyncio.run(scenario())
    opened = [seconds for ws, _, seconds in results if ws is not None]
    refused = [status for ws, status, _ in results if ws is None]
    at_once = [s for s in opened if s < 0.5 / rate]
    assert set(refused) == {429}
    assert 1 + burst <= len(opened) <= 2 + burst, (len(opened), sorted(opened))
    assert 1 + delay <= len(at_once) <= 2 + delay, sorted(opened)
    assert max(opened) >= (burst - delay - 1) / rate, "the rest of the burst is paced, not refused"
    assert other[0] is not None and other[2] < 0.5 / rate


def test_sessions_capped_for_the_whole_site(limits_proxy):
    """`limit_conn ws_total` holds whatever the number of addresses: total + 40 websockets from sixty addresses,
    each within its own rate and cap, open exactly `total`; the rest get 429 until one closes."""
    url = limits_proxy()
    total, per_ip = limit("total"), limit("per_ip")
    per_address = limit("delay")  # under the 1 + delay an address may open at once: no 429 from the rate limit
    wanted = total + 40
    addresses = [f"127.0.6.{n + 2}" for n in range(-(-wanted // per_address))]
    assert per_address < per_ip and len(addresses) < 250

    async def scenario():
        results = await asyncio.gather(*(_connect(url, address) for address in addresses for _ in range(per_address)))
        try:
            opened = [r for r in results if r[0] is not None]
            refused = [r[1] for r in results if r[0] is None]
            still_full = await _connect(url, "127.0.7.2")
            await opened.pop()[0].close()
            await asyncio.sleep(0.5)
            freed = await _connect(url, "127.0.7.3")
            results += [still_full, freed]
            return len(opened) + 1, refused, still_full[1], freed[0] is not None
        finally:
            await _close(results)

    opened, refused, full_status, reopened = asyncio.run(scenario())
    assert opened == total and refused == [429] * (len(addresses) * per_address - total)
    assert full_status == 429 and reopened
    assert total < 10 * per_ip, "ten addresses at their own cap must not reach the site's"


# ---- TLS: HSTS, protocol versions, Secure cookies, the https redirect, security.txt (production shape)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A throwaway self-signed certificate for localhost and 127.0.0.1, valid one day."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl not installed (apt-get install openssl); TLS settings not exercised")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture(scope="module")
def tls_stack(app, certificate, tmp_path_factory):
    """The app behind the deployed shape: plain HTTP redirects (health checks excepted), https serves."""
    cert, key = certificate
    nginx = proxy.start(
        tmp_path_factory.mktemp("tls-proxy") / "nginx",
        TLS_HTTP_PORT,
        APP_PORT,
        tls=(TLS_PORT, cert, key),
        https_redirect=True,
    )
    try:
        yield ssl.create_default_context(cafile=str(cert))
    finally:
        proxy.stop(nginx)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, context: ssl.SSLContext | None = None, headers: dict | None = None):
    """(status, headers, body) without following redirects."""
    opener = urllib.request.build_opener(_NoRedirect, urllib.request.HTTPSHandler(context=context))
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


HTTPS = f"https://127.0.0.1:{TLS_PORT}"
PLAIN = f"http://127.0.0.1:{TLS_HTTP_PORT}"


def test_https_serves_the_app_with_hsts(tls_stack):
    for path in ("/", "/map", "/_stcore/health", "/_stcore/metrics"):
        status, headers, _ = fetch(HTTPS + path, tls_stack)
        assert status in (200, 404), path
        assert headers.get("Strict-Transport-Security") == HSTS, path
        assert headers.get("X-Content-Type-Options") == "nosniff", path
    status, headers, _ = fetch(HTTPS + "/", tls_stack)
    assert status == 200 and "default-src 'self'" in headers.get("Content-Security-Policy", "")


def test_plain_http_redirects_to_https_except_health_checks(tls_stack):
    for path in ("/", "/map?area=E08000003", "/.well-known/security.txt", "/_stcore/stream", "/_stcore/metrics"):
        status, headers, _ = fetch(PLAIN + path)
        assert status == 301, path
        assert headers["Location"] == "https://127.0.0.1" + path
        assert "Strict-Transport-Security" not in headers, "HSTS is for https responses only"
    for path in ("/healthz", "/_stcore/health"):
        assert fetch(PLAIN + path)[:3:2] == (200, b"ok"), path


def test_only_tls_1_2_and_newer(tls_stack, certificate):
    def handshake(context: ssl.SSLContext) -> str:
        with socket.create_connection(("127.0.0.1", TLS_PORT), timeout=10) as raw:
            with context.wrap_socket(raw, server_hostname="localhost") as tls:
                return tls.version()

    assert handshake(tls_stack) in ("TLSv1.2", "TLSv1.3")
    tls12 = ssl.create_default_context(cafile=str(certificate[0]))
    tls12.maximum_version = ssl.TLSVersion.TLSv1_2
    assert handshake(tls12) == "TLSv1.2"

    import warnings

    old = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    old.check_hostname, old.verify_mode = False, ssl.CERT_NONE
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:  # this OpenSSL must be willing to offer TLS 1.1 at all, or the refusal would be the client's own
            old.minimum_version = old.maximum_version = ssl.TLSVersion.TLSv1_1
            old.set_ciphers("DEFAULT:@SECLEVEL=0")
        except (ValueError, ssl.SSLError):
            pytest.skip("this OpenSSL cannot offer TLS 1.1; TLS 1.2+ negotiation checked above")
    with pytest.raises(ssl.SSLError) as refused:
        handshake(old)
    if "NO_PROTOCOLS_AVAILABLE" in str(refused.value) or "UNSUPPORTED_PROTOCOL" in str(refused.value):
        pytest.skip(f"the client would not offer TLS 1.1 ({refused.value.reason}); TLS 1.2+ checked above")
    assert "PROTOCOL_VERSION" in str(refused.value), refused.value  # the server's protocol_version alert


def test_cookies_are_secure_under_tls(tls_stack):
    """The affinity cookie and Streamlit's XSRF cookie (set on health responses) carry Secure and SameSite=Lax."""
    status, headers, _ = fetch(HTTPS + "/_stcore/health", tls_stack)
    assert status == 200
    cookies = {c.split("=", 1)[0]: c for c in headers.get_all("Set-Cookie")}
    assert re.fullmatch(r"cc_affinity=[0-9a-f]{32}; Path=/; HttpOnly; SameSite=Lax; Secure", cookies["cc_affinity"])
    xsrf = [part.strip().lower() for part in cookies["_streamlit_xsrf"].split(";")]
    assert "secure" in xsrf and "samesite=lax" in xsrf


def test_security_txt(tls_stack):
    """RFC 9116: text/plain UTF-8 over https, Contact, Expires (in the future, under a year ahead),
    Preferred-Languages and a Canonical https URL naming this path; the served file is deploy/security.txt."""
    status, headers, body = fetch(HTTPS + "/.well-known/security.txt", tls_stack)
    assert status == 200 and headers["Content-Type"] == "text/plain; charset=utf-8"
    assert body == SECURITY_TXT.read_bytes()
    fields: dict[str, list[str]] = {}
    for line in body.decode().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition(":")
            fields.setdefault(name.strip().lower(), []).append(value.strip())
    assert fields["contact"] and all(re.match(r"(mailto:|https://|tel:)", c) for c in fields["contact"])
    assert len(fields["expires"]) == 1
    expires = datetime.fromisoformat(fields["expires"][0].replace("Z", "+00:00"))
    now = datetime.now(UTC)
    assert now < expires, "security.txt has expired: set a new Expires (under a year ahead) in deploy/security.txt"
    assert expires < now + timedelta(days=366), "RFC 9116: Expires should be less than a year ahead"
    assert fields["preferred-languages"] == ["en"]
    assert all(c.startswith("https://") and c.endswith("/.well-known/security.txt") for c in fields["canonical"])


def test_websocket_session_over_tls(tls_stack, certificate, monkeypatch):
    """A session renders through wss:// (the client trusts the throwaway certificate only)."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))

    async def scenario():
        async with Session(f"wss://127.0.0.1:{TLS_PORT}") as session:
            return await session.rerun()

    run = asyncio.run(scenario())
    assert run.ok, run.exceptions
