"""deploy/nginx.conf on loopback (Debian nginx) in front of `streamlit run app.py`: what a visitor gets through it.

Skips with a reason when nginx is absent (CI installs nginx-light). Only the `# test:` lines of the config are
rewritten (ports, pid/log paths; see benchmarks/proxy.py).
"""

from __future__ import annotations

import asyncio
import gzip
import http.server
import re
import threading
import urllib.error
import urllib.request

import pytest

from benchmarks import proxy, serve
from benchmarks.ws_client import Session, find_page

APP_PORT, PROXY_PORT = 8617, 8618
PROXIED = f"http://127.0.0.1:{PROXY_PORT}"

pytestmark = pytest.mark.skipif(proxy.nginx_binary() is None,
                                reason="nginx not installed (apt-get install nginx-light); proxy config not exercised")


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    folder = tmp_path_factory.mktemp("proxy")
    app = serve.start(APP_PORT, folder / "streamlit.log")
    try:
        serve.wait_healthy(f"http://127.0.0.1:{APP_PORT}", app)
        nginx = proxy.start(PROXY_PORT, APP_PORT, folder / "nginx")
        try:
            yield folder
        finally:
            proxy.stop(nginx)
    finally:
        serve.stop(app)


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


def test_websocket_connection_cap_per_ip(stack):
    """Beyond `limit_conn ws_per_ip` open websockets from one address nginx answers 429 instead of upgrading, and a
    slot frees when a websocket closes. (Connections still closing from earlier tests count too, hence one retry.)"""
    limit = int(re.search(r"limit_conn ws_per_ip (\d+);", proxy.NGINX_CONF.read_text()).group(1))
    from websockets.asyncio.client import connect
    from websockets.exceptions import InvalidStatus

    url = f"ws://127.0.0.1:{PROXY_PORT}/_stcore/stream"

    async def scenario():
        sockets, statuses = [], []
        try:
            for _ in range(limit + 3):
                try:
                    sockets.append(await connect(url, subprotocols=["streamlit"]))
                except InvalidStatus as error:
                    statuses.append(error.response.status_code)
            if sockets and statuses:
                await sockets.pop().close()
                await asyncio.sleep(0.5)
                sockets.append(await connect(url, subprotocols=["streamlit"]))  # the freed slot is usable
        finally:
            for ws in sockets:
                await ws.close()
        return len(sockets), statuses

    for attempt in range(2):
        opened, statuses = asyncio.run(scenario())
        if opened == limit or attempt:
            break
        asyncio.run(asyncio.sleep(3))
    assert set(statuses) == {429}
    assert opened == limit and len(statuses) == 3


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
def test_pages_render_in_chromium_under_the_csp(stack):
    """Chromium through the proxy: the frame and a chart render and no CSP violation is reported."""
    import shutil

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Debian chromium not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            violations, errors = [], []
            page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                                 "console.error('Content Security Policy violation ' + e.violatedDirective + ' ' + e.blockedURI))")
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
    nginx = proxy.start(AFFINITY_PORT, REPLICA_PORTS, tmp_path_factory.mktemp("affinity") / "nginx")
    try:
        yield f"http://127.0.0.1:{AFFINITY_PORT}"
    finally:
        proxy.stop(nginx)
        for server in servers:
            server.shutdown()


REPLICA_PORTS, AFFINITY_PORT = [8631, 8632], 8633


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
