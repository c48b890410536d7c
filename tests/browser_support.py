"""Helpers for the browser tests (tests/test_browser.py): start the real app, drive Debian Chromium, wait on
Streamlit's own "script finished" signal, check charts, run axe-core, take full-length screenshots.

Also a small command to regenerate the README screenshot from a running app:

    .venv/bin/python -m tests.browser_support screenshot [--port 8501] [--out docs/screenshot.png]
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
HEALTH_TIMEOUT_S = 90
RUN_TIMEOUT_MS = 60_000

# The app's pages: URL path = file stem (app.py gives every st.Page url_path=<stem>).
PAGES = ["overview", "map", "compare", "city_profile", "productivity_gap", "tax_and_spend", "european_peers",
         "claims_check", "case_studies", "data_and_methods"]

# WCAG 2.2 A/AA rules (axe-core tags).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}

# Violations that come from Streamlit's or Plotly's own chrome, which the app cannot change without raw HTML/CSS
# (the project does not use unsafe_allow_html). Each entry: rule id -> selector fragments that identify the
# third-party element in axe's `target`. Anything not matched here fails the test.
AXE_ALLOW = {
    # Streamlit 1.67's sidebar navigation renders <ul data-testid="stSidebarNavItems"> with the section headers
    # ("Explore", "Gaps", "Reference") as <div> children of the list, and the page links as <li> inside those
    # section <div>s. axe: "list" (ul has non-li children) and "listitem" (li without a ul/ol parent). The markup is
    # Streamlit's (st.navigation with sections); the app cannot change it without raw HTML. The links themselves
    # are real <a> elements with names, so keyboard and screen-reader navigation still works.
    "list": {"stSidebarNav": "Streamlit's sectioned sidebar navigation"},
    "listitem": {"stSidebarNav": "Streamlit's sectioned sidebar navigation"},
}


def chromium_path() -> str | None:
    """Debian's chromium, or None when it is not installed."""
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def free_port() -> int:
    """A free TCP port on loopback (BROWSER_TEST_PORT overrides, e.g. to keep to an assigned range)."""
    if os.environ.get("BROWSER_TEST_PORT"):
        return int(os.environ["BROWSER_TEST_PORT"])
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AppServer:
    """`streamlit run app.py` as a subprocess on `port`, headless, no file watcher."""

    def __init__(self, port: int, log_path: Path):
        self.port = port
        self.url = f"http://localhost:{port}"
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self, timeout_s: float = HEALTH_TIMEOUT_S) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.port", str(self.port), "--server.fileWatcherType", "none",
             "--browser.gatherUsageStats", "false"],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.process.returncode}; see {self.log_path}:\n"
                                   + self.log_path.read_text(errors="replace")[-2000:])
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"streamlit did not answer /_stcore/health within {timeout_s:.0f} s; see {self.log_path}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None


# Finished = Streamlit says the script is not running, the frame's footer is drawn (it comes after the page),
# and nothing on screen is stale from the previous run.
_FINISHED_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.dataset.testScriptState !== 'notRunning' || app.dataset.testConnectionState !== 'CONNECTED') return false;
    if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
    if (document.querySelector('[data-stale="true"]')) return false;
    const main = document.querySelector('[data-testid="stMain"]');
    return !!main && Array.from(main.querySelectorAll('[data-testid="stCaptionContainer"]'))
        .some(c => c.innerText.trim().startsWith('Sources:'));
}"""

# Every chart has drawn. Streamlit mounts Plotly charts lazily, after the run has finished, but their element
# containers (class stPrintGraphic) are there at once, so they say how many charts to wait for. A Plotly chart has
# drawn when its SVG layers exist; a map (plotly's maplibre `map` subplots) when its style has loaded and at least
# one choropleth fill feature has been rendered on the canvas.
_CHARTS_JS = """() => Array.from(document.querySelectorAll('[data-testid="stMain"] .stPrintGraphic')).map(box => {
    const g = box.querySelector('.js-plotly-plot');
    const out = {key: Array.from(box.classList).filter(c => c.startsWith('st-key-')).join(' '), plotly: !!g,
                 drawn: false, svg: 0, types: [], maps: []};
    if (!g) { out.drawn = !!box.querySelector('img, canvas, svg'); return out; }
    if (!g._fullLayout) return out;
    out.svg = g.querySelectorAll('.main-svg').length;
    out.types = (g._fullData || []).map(t => t.type);
    out.title = ((g._fullLayout.title || {}).text || '').replace(/<[^>]+>/g, ' ').replace(/\\s+/g, ' ').trim();
    for (const key of Object.keys(g._fullLayout)) {
        const sub = g._fullLayout[key] && g._fullLayout[key]._subplot;
        if (!/^map\\d*$/.test(key) || !sub || !sub.map) continue;
        const m = sub.map;
        const fills = m.getStyle().layers.filter(l => l.type === 'fill').map(l => l.id);
        let rendered = 0;
        try { rendered = fills.length ? m.queryRenderedFeatures({layers: fills}).length : 0; } catch (e) { rendered = -1; }
        out.maps.push({fill_layers: fills.length, rendered_fill_features: rendered,
                       canvas: !!m.getCanvas() && m.getCanvas().width > 0});
    }
    out.drawn = out.svg > 0 && out.maps.every(mp => mp.fill_layers > 0 && mp.rendered_fill_features > 0 && mp.canvas);
    return out;
})"""


def wait_for_run(page, timeout_ms: int = RUN_TIMEOUT_MS) -> None:
    """Wait until the app has finished its (re)run, with the frame's footer visible."""
    page.wait_for_function(_FINISHED_JS, timeout=timeout_ms, polling=100)


def wait_for_charts(page, timeout_ms: int = 30_000) -> list[dict]:
    """Wait until every chart on the page has drawn (maps: choropleth features rendered); return one report per
    chart (the caller asserts on it: a chart that never drew shows up with drawn=False)."""
    try:
        page.wait_for_function(f"() => ({_CHARTS_JS})().every(c => c.drawn)", timeout=timeout_ms, polling=200)
    except Exception:  # noqa: BLE001 - the report says which chart did not draw
        pass
    return page.evaluate(_CHARTS_JS)


def main_size(page) -> dict:
    """Sizes of Streamlit's main scroll container (the document itself does not scroll)."""
    return page.evaluate("""() => { const m = document.querySelector('[data-testid="stMain"]');
        return {scrollWidth: m.scrollWidth, clientWidth: m.clientWidth, scrollHeight: m.scrollHeight,
                clientHeight: m.clientHeight, docScrollWidth: document.documentElement.scrollWidth}; }""")


def expand_viewport(page, max_height: int = 12_000) -> None:
    """Make the viewport as tall as Streamlit's main scroll container, so a screenshot (and axe's colour-contrast
    rule, which only judges text it can see) covers the whole page. Charts are re-waited after the resize."""
    width = page.viewport_size["width"]
    for _ in range(3):  # charts relayout to the new size, which can change the height once more
        height = min(max_height, main_size(page)["scrollHeight"])
        if height <= page.viewport_size["height"]:
            break
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_function(
            f"() => document.querySelector('[data-testid=\"stMain\"]').clientHeight >= {height}", timeout=5_000)
    wait_for_charts(page, timeout_ms=10_000)


def full_screenshot(page, path: Path) -> None:
    """A screenshot of the whole page (expands the viewport first)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    expand_viewport(page)
    page.screenshot(path=str(path), full_page=True, animations="disabled")


def run_axe(page, json_path: Path) -> dict:
    """axe-core over the page, WCAG 2.2 A/AA rules only; full results written to `json_path`."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(results.response, indent=1))
    return results.response


def blocking_violations(page, response: dict) -> list[str]:
    """Serious/critical violations not explained by AXE_ALLOW, one line per offending node.

    A node is allowed when the rule is listed in AXE_ALLOW and the node sits inside (or is) an element whose
    data-testid is listed for that rule, i.e. it belongs to Streamlit's own chrome, not to the app's content.
    """
    problems = []
    for violation in response["violations"]:
        if violation.get("impact") not in BLOCKING_IMPACTS:
            continue
        allowed_owners = AXE_ALLOW.get(violation["id"], {})
        for node in violation["nodes"]:
            owners = []
            if allowed_owners and len(node["target"]) == 1 and isinstance(node["target"][0], str):
                owners = page.evaluate(
                    """sel => { const out = []; let e = document.querySelector(sel);
                        for (; e; e = e.parentElement) if (e.dataset && e.dataset.testid) out.push(e.dataset.testid);
                        return out; }""", node["target"][0])
            if any(owner in allowed_owners for owner in owners):
                continue
            summary = (node.get("failureSummary") or "").strip().splitlines()
            problems.append(f"{violation['id']} ({violation['impact']}): {node['target']} - "
                            f"{summary[-1].strip() if summary else ''} - {node['html'][:200]}")
    return problems


def launch(playwright):
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)


def readme_screenshot(base_url: str, out: Path, path: str = "/", width: int = 1400, height: int = 1600) -> None:
    """The README image: the top of a page at `width` px (sidebar and headline tiles), charts drawn."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
        page.goto(base_url + path)
        wait_for_run(page)
        wait_for_charts(page)
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out), animations="disabled")
        browser.close()


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["screenshot"])
    parser.add_argument("--port", type=int, help="use an app already running on this port (else start one)")
    parser.add_argument("--path", default="/")
    parser.add_argument("--height", type=int, default=1600)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    args = parser.parse_args()
    server = None
    if args.port is None:
        server = AppServer(free_port(), ARTIFACTS / "streamlit-screenshot.log")
        server.start()
    try:
        readme_screenshot(server.url if server else f"http://localhost:{args.port}", args.out, args.path,
                          height=args.height)
    finally:
        if server:
            server.stop()
    print(args.out)
