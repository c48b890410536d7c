"""Embeds through the proxy (deploy/nginx.conf on loopback in front of `streamlit run app.py`): only the chart-only
route may be framed, by any site; an embed URL opened in a fresh browser shows the same chart as the data it pins;
a retired data version or an unknown chart gets a notice. Skips when nginx is absent (CI installs nginx-light)."""

from __future__ import annotations

import http.server
import json
import threading
import urllib.error
import urllib.request

import pytest

from benchmarks import proxy, serve
from indicators.exports import reuse
from indicators.views import embed
from tests.browser_support import chromium_path, free_port

APP_PORT, PROXY_PORT, PARENT_PORT = free_port(), free_port(), free_port()
# The page that frames the charts is served from another host name (localhost against 127.0.0.1): another site, as a
# council's or a newspaper's page would be.
PROXIED = f"http://127.0.0.1:{PROXY_PORT}"
PARENT = f"http://localhost:{PARENT_PORT}"
CHART = "gap-series"
QUERY = {"area": "E08000035", "geo": "council", "basis": "hour", "bench": "uk"}

pytestmark = pytest.mark.skipif(
    proxy.nginx_binary() is None, reason="nginx not installed (apt-get install nginx-light)"
)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    folder = tmp_path_factory.mktemp("embed")
    app = serve.start(APP_PORT, folder / "streamlit.log")
    try:
        serve.wait_healthy(f"http://127.0.0.1:{APP_PORT}", app)
        nginx = proxy.start(folder / "nginx", PROXY_PORT, APP_PORT)
        try:
            yield folder
        finally:
            proxy.stop(nginx)
    finally:
        serve.stop(app)


def headers_of(path: str):
    try:
        with urllib.request.urlopen(PROXIED + path, timeout=10) as response:
            return response.headers
    except urllib.error.HTTPError as error:
        return error.headers


def test_only_the_embed_route_may_be_framed(stack):
    embed_url = reuse.embed_url("", CHART, "2026-01-01.0123456789ab", QUERY)
    for path in (embed_url, "/embed", "/embed/"):
        found = headers_of(path)
        assert "frame-ancestors *" in found["Content-Security-Policy"], path
        assert "default-src 'self'" in found["Content-Security-Policy"], path  # the rest of the policy is kept
        assert found.get("X-Frame-Options") is None, path
    for path in ("/", "/productivity_gap", "/embedded", "/embed/x", "/data_and_methods?embed=true", "/x/embed"):
        found = headers_of(path)
        assert "frame-ancestors 'none'" in found["Content-Security-Policy"], path
        assert found.get("X-Frame-Options") == "DENY", path


class _Parent(http.server.BaseHTTPRequestHandler):
    """Another site's page framing two views of the dashboard: the embed route and a full page."""

    body = b""

    def do_GET(self):  # noqa: N802 - http.server's naming
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def parent_site(stack):
    version = embed.catalog.data_version()
    framed = reuse.embed_url(PROXIED, CHART, version, QUERY)
    page = (
        "<!doctype html><html><head><title>A council's page</title></head><body>"
        f"{reuse.iframe_code(framed, 'Embedded chart')}"
        f'<iframe id="full" src="{PROXIED}/productivity_gap?area=E08000035" width="800" height="400"></iframe>'
        "</body></html>"
    )
    _Parent.body = page.encode()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", PARENT_PORT), _Parent)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield framed
    finally:
        server.shutdown()


def _browser(playwright):
    chromium = chromium_path()
    if chromium is None:
        pytest.skip("Debian chromium not installed")
    return playwright.chromium.launch(
        executable_path=chromium, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    )


def _plotted(frame) -> list[dict]:
    """The traces Plotly drew in a frame: name, x and y as lists."""
    frame.wait_for_selector(".js-plotly-plot", timeout=60_000)
    frame.wait_for_timeout(1000)
    return frame.evaluate(
        """() => [...document.querySelector('.js-plotly-plot').data].map(t => ({
               name: t.name, x: Array.from(t.x || []), y: Array.from(t.y || [])}))"""
    )


@pytest.mark.browser
@pytest.mark.slow
def test_another_site_frames_the_chart_but_not_the_full_page(parent_site):
    from playwright.sync_api import sync_playwright

    document = embed.document(embed.build(CHART, QUERY))
    with sync_playwright() as playwright:
        browser = _browser(playwright)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 1400})
            refused = []
            page.on("console", lambda m: refused.append(m.text) if "frame" in m.text.lower() else None)
            page.goto(PARENT)
            page.wait_for_timeout(2000)
            framed = next(f for f in page.frames if f.url.startswith(f"{PROXIED}/embed"))
            framed.wait_for_selector(f"text={document['title']}", timeout=60_000)
            traces = _plotted(framed)
            assert framed.get_by_text(f"Data version {document['data_version']}").count() == 1
            assert framed.get_by_role("link", name="Open this view in the Core Cities indicators dashboard ↗").count()
            full = page.frame_locator("#full")
            page.wait_for_timeout(3000)
            assert full.locator("[data-testid='stApp']").count() == 0  # the full page is not drawn in the frame
            assert any("frame-ancestors" in text or "X-Frame-Options" in text for text in refused), refused
        finally:
            browser.close()
    area = next(t for t in traces if t["name"] == "Leeds")
    values = {row["year"]: row["value"] for row in document["data"]}
    assert area["y"] == pytest.approx([values[year] for year in area["x"]])


@pytest.mark.browser
@pytest.mark.slow
def test_embed_url_in_a_fresh_browser_and_its_notices(stack):
    from playwright.sync_api import sync_playwright

    version = embed.catalog.data_version()
    with sync_playwright() as playwright:
        browser = _browser(playwright)
        try:
            for width, height in ((1366, 768), (390, 844)):
                page = browser.new_context(viewport={"width": width, "height": height}).new_page()
                page.goto(reuse.embed_url(PROXIED, "map-choropleth", version, {"measure": "gva_per_head"}))
                page.wait_for_selector(".js-plotly-plot", timeout=60_000)
                assert page.get_by_text("GVA per head: Local authorities", exact=True).count() == 1
                assert page.locator("[data-testid='stSidebar']").count() == 0  # the chart alone: no controls
                assert page.locator(".js-plotly-plot").count() == 1
                page.goto(reuse.embed_url(PROXIED, CHART, "2001-01-01.0123456789ab", QUERY))
                page.wait_for_selector("text=no longer serves", timeout=60_000)
                link = page.get_by_role("link", name="Open this chart on the current data version")
                assert f"v={version}" in link.get_attribute("href")
                page.goto(f"{PROXIED}/embed?chart=%5Bclick%5D(https://example.org)**x**&embed=true")
                page.wait_for_selector("text=This embed can't be shown", timeout=60_000)
                assert page.locator("[data-testid='stException']").count() == 0
                notice = page.get_by_test_id("stAlert")
                assert "example.org" not in notice.inner_text()  # a link-maker's text is never repeated
                assert notice.locator("a").count() == 0 and notice.locator("strong").count() == 0
        finally:
            browser.close()


def test_data_json_matches_the_command_line(tmp_path):
    """The page's Data JSON and `python -m indicators chart --json` give one document (the same function)."""
    import subprocess
    import sys

    args = [f"--area={QUERY['area']}", "--geo=council", "--basis=hour", "--bench=uk"]
    printed = subprocess.run(
        [sys.executable, "-m", "indicators", "chart", CHART, *args, "--json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(printed) == json.loads(reuse.json_bytes(embed.document(embed.build(CHART, QUERY))))
