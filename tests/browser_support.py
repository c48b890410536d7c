"""Helpers for the browser tests (tests/test_browser.py): start the real app, drive Debian Chromium, wait on
Streamlit's own "script finished" signal, check charts, run axe-core, take full-length screenshots.

Also a small command to regenerate the README screenshot from a running app:

    .venv/bin/python -m tests.browser_support screenshot [--port 8501] [--out docs/screenshot.png]
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
HEALTH_TIMEOUT_S = 90
RUN_TIMEOUT_MS = 60_000

# The app's pages: URL path = file stem (app.py gives every st.Page url_path=<stem>).
PAGES = [
    "overview",
    "map",
    "compare",
    "city_profile",
    "indicator_explorer",
    "productivity_gap",
    "tax_and_spend",
    "european_peers",
    "claims_check",
    "case_studies",
    "data_and_methods",
    "revisions",
]

# WCAG 2.2 A/AA rules (axe-core tags), plus best-practice rules that matter to a screen-reader user and are run and
# enforced whatever their impact: heading-order (axe rates a skipped level, h1 -> h3, "moderate").
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_EXTRA_RULES = ["heading-order"]
BLOCKING_IMPACTS = {"serious", "critical"}

# The two screen sizes every page is checked at: a common laptop and a phone (iPhone 12-15 in CSS pixels).
VIEWPORTS = {"laptop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
CORE_CITIES = (
    "Birmingham",
    "Bristol",
    "Cardiff",
    "Glasgow",
    "Leeds",
    "Liverpool",
    "Manchester",
    "Newcastle",
    "Nottingham",
    "Sheffield",
)
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}

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
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.headless",
                "true",
                "--server.port",
                str(self.port),
                "--server.fileWatcherType",
                "none",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"streamlit exited with {self.process.returncode}; see {self.log_path}:\n"
                    + self.log_path.read_text(errors="replace")[-2000:]
                )
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
    if (!app || app.dataset.testScriptState !== 'notRunning'
        || app.dataset.testConnectionState !== 'CONNECTED') return false;
    if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
    if (document.querySelector('[data-stale="true"]')) return false;
    const main = document.querySelector('[data-testid="stMain"]');
    return !!main && Array.from(main.querySelectorAll('[data-testid="stCaptionContainer"]'))
        .some(c => c.innerText.trim().startsWith('Sources:'));
}"""

# Every chart has drawn. Streamlit mounts Plotly charts lazily, after the run has finished, but their element
# containers (class stPrintGraphic) are there at once, so they say how many charts to wait for. A Plotly chart has
# drawn when its SVG layers exist; an SVG map (plotly `geo` subplots) when its areas are drawn (Plotly draws them
# only once its base map has loaded); a web map (plotly's maplibre `map` subplots) when its style has loaded and at
# least one choropleth fill feature has been rendered on the canvas.
_CHARTS_JS = """() => Array.from(document.querySelectorAll('[data-testid="stMain"] .stPrintGraphic')).map(box => {
    const g = box.querySelector('.js-plotly-plot');
    const out = {key: Array.from(box.classList).filter(c => c.startsWith('st-key-')).join(' '), plotly: !!g,
                 drawn: false, svg: 0, types: [], maps: [], geos: []};
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
        try { rendered = fills.length ? m.queryRenderedFeatures({layers: fills}).length : 0; }
        catch (e) { rendered = -1; }
        out.maps.push({fill_layers: fills.length, rendered_fill_features: rendered,
                       canvas: !!m.getCanvas() && m.getCanvas().width > 0});
    }
    out.geos = Array.from(g.querySelectorAll('.geo'))
        .map(geo => ({areas: geo.querySelectorAll('.choroplethlayer path').length}));
    const choropleth = out.types.includes('choropleth');
    out.drawn = out.svg > 0 && out.maps.every(mp => mp.fill_layers > 0 && mp.rendered_fill_features > 0 && mp.canvas)
        && out.geos.every(geo => geo.areas > 0 || !choropleth);
    return out;
})"""


def wait_for_run(page, timeout_ms: int = RUN_TIMEOUT_MS) -> None:
    """Wait until the app has finished its (re)run, with the frame's footer visible."""
    page.wait_for_function(_FINISHED_JS, timeout=timeout_ms, polling=100)


def warm_up(browser, base_url: str, timeout_ms: int = 3 * RUN_TIMEOUT_MS) -> None:
    """One visit to the default page before the tests: the process's first run opens the warehouse and fills its
    memos, which on a busy machine can take longer than a test should wait for a page."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(base_url + "/")
        wait_for_run(page, timeout_ms=timeout_ms)
    finally:
        context.close()


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
            f"() => document.querySelector('[data-testid=\"stMain\"]').clientHeight >= {height}", timeout=5_000
        )
    wait_for_charts(page, timeout_ms=10_000)


def full_screenshot(page, path: Path) -> None:
    """A screenshot of the whole page (expands the viewport first)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    expand_viewport(page)
    page.screenshot(path=str(path), full_page=True, animations="disabled")


def run_axe(page, json_path: Path) -> dict:
    """axe-core over the page, WCAG 2.2 A/AA rules only; full results written to `json_path`."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": AXE_TAGS},
            "rules": {rule: {"enabled": True} for rule in AXE_EXTRA_RULES},
            "resultTypes": ["violations"],
        },
    )
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(results.response, indent=1))
    return results.response


def blocking_violations(page, response: dict) -> list[str]:
    """Serious/critical violations (and any of AXE_EXTRA_RULES) not explained by AXE_ALLOW, one line per node.

    A node is allowed when the rule is listed in AXE_ALLOW and the node sits inside (or is) an element whose
    data-testid is listed for that rule, i.e. it belongs to Streamlit's own chrome, not to the app's content.
    """
    problems = []
    for violation in response["violations"]:
        if violation.get("impact") not in BLOCKING_IMPACTS and violation["id"] not in AXE_EXTRA_RULES:
            continue
        allowed_owners = AXE_ALLOW.get(violation["id"], {})
        for node in violation["nodes"]:
            owners = []
            if allowed_owners and len(node["target"]) == 1 and isinstance(node["target"][0], str):
                owners = page.evaluate(
                    """sel => { const out = []; let e = document.querySelector(sel);
                        for (; e; e = e.parentElement) if (e.dataset && e.dataset.testid) out.push(e.dataset.testid);
                        return out; }""",
                    node["target"][0],
                )
            if any(owner in allowed_owners for owner in owners):
                continue
            summary = (node.get("failureSummary") or "").strip().splitlines()
            problems.append(
                f"{violation['id']} ({violation['impact']}): {node['target']} - "
                f"{summary[-1].strip() if summary else ''} - {node['html'][:200]}"
            )
    return problems


# ------------------------------------------------------------------------------------------------ what a reader sees


def is_local(url: str) -> bool:
    """Whether a request stays on this machine: the app on loopback, or data:/blob:/about: URLs the page makes."""
    parsed = urlparse(url)
    if parsed.scheme in ("data", "blob", "about", "chrome-extension"):
        return True
    return (parsed.hostname or "") in LOCAL_HOSTS


def record_requests(context) -> list[str]:
    """Start recording every request from `context` (pages, workers, websockets) that leaves the server; returns the
    list, which fills as the pages load. The request is let through: the test fails on it, the page is unchanged."""
    leaving: list[str] = []

    def _note(request):
        if not is_local(request.url):
            leaving.append(f"{request.resource_type} {request.url}")

    context.on("request", _note)
    context.on(
        "websocket",
        lambda ws: None if is_local(ws.url.replace("ws", "http", 1)) else leaving.append(f"websocket {ws.url}"),
    )
    return leaving


# Text a reader cannot read in full. An element is clipped when its content is wider (or taller) than its box and its
# overflow is not visible: that is what CSS `text-overflow: ellipsis` (a trailing "…") and line clamps need, so it
# catches both. Checked on Streamlit's metric labels and values, the page's headings and every element in the main
# area that has CSS ellipsis; an element outside the viewport's width is reported too. Hidden elements are skipped.
_TEXT_JS = """() => {
    const W = window.innerWidth, main = document.querySelector('[data-testid="stMain"]');
    const visible = e => { const r = e.getBoundingClientRect(); const cs = getComputedStyle(e);
        return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.display !== 'none'; };
    const label = e => (e.innerText || e.textContent || '').replace(/\\s+/g, ' ').trim();
    const clip = e => { const cs = getComputedStyle(e);
        const hidden = v => v !== 'visible';
        const wide = hidden(cs.overflowX) && e.scrollWidth > e.clientWidth + 1;
        const tall = hidden(cs.overflowY) && e.scrollHeight > e.clientHeight + 1
            && cs.overflowY !== 'auto' && cs.overflowY !== 'scroll';
        return (wide || tall) ? {scrollWidth: e.scrollWidth, clientWidth: e.clientWidth, scrollHeight: e.scrollHeight,
                clientHeight: e.clientHeight, ellipsis: cs.textOverflow === 'ellipsis',
                clamp: cs.webkitLineClamp && cs.webkitLineClamp !== 'none' ? cs.webkitLineClamp : null} : null; };
    const out = {innerWidth: W, scrollWidth: document.scrollingElement.scrollWidth,
                 mainScrollWidth: main ? main.scrollWidth : null, mainClientWidth: main ? main.clientWidth : null,
                 clipped: [], outside: [], h1: [], wide: []};
    const seen = new Set();
    const check = (what, root) => { for (const e of [root, ...root.querySelectorAll('*')]) {
        if (seen.has(e) || !visible(e) || !label(e)) continue;
        const c = clip(e); if (c) { seen.add(e); out.clipped.push({what, text: label(root), ...c}); return; } } };
    for (const e of document.querySelectorAll('[data-testid="stMetricLabel"]'))
        if (visible(e)) check('metric label', e);
    for (const e of document.querySelectorAll('[data-testid="stMetricValue"]'))
        if (visible(e)) check('metric value', e);
    for (const e of document.querySelectorAll('[data-testid="stMetricDelta"]'))
        if (visible(e)) check('metric delta', e);
    if (main) {
        for (const e of main.querySelectorAll('h1, h2, h3')) if (visible(e)) check(e.tagName.toLowerCase(), e);
        for (const e of main.querySelectorAll('*')) {
            if (seen.has(e) || !visible(e) || getComputedStyle(e).textOverflow !== 'ellipsis' || !label(e)) continue;
            if (e.closest('.js-plotly-plot, [data-testid="stDataFrame"]')) continue;  // SVG and canvas: checked apart
            const c = clip(e);
            if (c) { seen.add(e); out.clipped.push({what: 'text (CSS ellipsis)', text: label(e), ...c}); }
        }
        // what makes the main area wider than itself: elements that reach past its right edge while their parent
        // does not (the first element of each overflowing branch)
        const right = main.getBoundingClientRect().left + main.clientWidth;
        out.wide = Array.from(main.querySelectorAll('*')).filter(e => {
            const r = e.getBoundingClientRect(), p = e.parentElement.getBoundingClientRect();
            return !(e instanceof SVGElement) && r.width > 0 && r.right > right + 1 && p.right <= right + 1;
        }).slice(0, 8).map(e => {
            const owner = e.closest('[data-testid]'), r = e.getBoundingClientRect();
            return {element: e.tagName.toLowerCase() + (owner ? ` in ${owner.dataset.testid}` : ''),
                    text: label(e).slice(0, 80), left: Math.round(r.left), right: Math.round(r.right)}; });
        for (const e of main.querySelectorAll('h1')) { const r = e.getBoundingClientRect();
            out.h1.push({text: label(e), left: r.left, right: r.right, visible: visible(e)}); }
        for (const e of main.querySelectorAll('h1, h2, h3, [data-testid="stMetric"], .js-plotly-plot .main-svg')) {
            if (!visible(e)) continue; const r = e.getBoundingClientRect();
            if (r.left < -1 || r.right > W + 1) out.outside.push({what: e.tagName.toLowerCase() === 'svg' ? 'chart' :
                (e.dataset.testid || e.tagName.toLowerCase()), text: label(e).slice(0, 80), left: Math.round(r.left),
                right: Math.round(r.right)}); }
    }
    return out;
}"""

# Plotly's own text (figure, axis, colour-bar and legend titles, legend entries, data labels, annotations and tick
# labels) is SVG text that Plotly never wraps: a long one runs off the chart and is cut. Each must lie inside its
# chart's SVG. (Text Plotly has hidden, e.g. a bar label that does not fit, has no box and is skipped.)
CHART_TEXT = {
    ".gtitle": "chart title",
    ".g-xtitle text": "x-axis title",
    ".g-ytitle text": "y-axis title",
    ".cbtitle text": "colour-bar title",
    ".legendtitletext": "legend title",
    ".legendtext": "legend entry",
    ".bartext": "data label",
    ".textpoint text": "data label",
    ".annotation-text": "annotation",
    ".xtick text": "x-axis tick",
    ".ytick text": "y-axis tick",
    ".cbaxis text": "colour-bar tick",
}
_CHART_TEXT_JS = """kinds => Array.from(document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot'))
.flatMap(g => {
    const svg = g.querySelector('.main-svg'); if (!svg) return [];
    const s = svg.getBoundingClientRect();
    const key = (g.closest('.stPrintGraphic') ? Array.from(g.closest('.stPrintGraphic').classList)
                 .filter(c => c.startsWith('st-key-')).join(' ') : '');
    return Object.entries(kinds).flatMap(([selector, what]) => Array.from(g.querySelectorAll(selector))
        .filter(t => (t.textContent || '').trim() && !t.closest('[display="none"]')
                     && t.getBoundingClientRect().width > 0)
        .map(t => { const r = t.getBoundingClientRect();
            return {chart: key, what, text: t.textContent.trim(),
                    left: Math.round(r.left - s.left), right: Math.round(r.right - s.left),
                    top: Math.round(r.top - s.top), bottom: Math.round(r.bottom - s.top),
                    width: Math.round(s.width), height: Math.round(s.height),
                    inside: r.left >= s.left - 1 && r.right <= s.right + 1
                            && r.top >= s.top - 1 && r.bottom <= s.bottom + 1}; }));
})"""

# The maps: for each Plotly chart with a map subplot, the frame the map is drawn in, the areas drawn (their extent can
# exceed the frame, which then cuts them off), the colour bar, and the labels drawn on the map with their boxes.
# SVG maps (Plotly `geo`): labels are SVG text of the scattergeo traces. Web maps (Plotly `map`, MapLibre): labels are
# the text of the scattermap traces (drawn on the canvas), boxes unknown.
_MAP_JS = """() => Array.from(document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')).flatMap(g => {
    const L = g._fullLayout; if (!L) return [];
    const box = r => r && ({left: Math.round(r.left), right: Math.round(r.right), top: Math.round(r.top),
                            bottom: Math.round(r.bottom)});
    const key = (g.closest('.stPrintGraphic') ? Array.from(g.closest('.stPrintGraphic').classList)
                 .filter(c => c.startsWith('st-key-')).join(' ') : '');
    const out = [];
    for (const geo of g.querySelectorAll('.geo')) {
        const frame = geo.querySelector('.bglayer rect') || geo.querySelector('rect');
        const areas = geo.querySelector('.choroplethlayer');
        out.push({chart: key, kind: 'geo', innerWidth: window.innerWidth,
                  svg: box(g.querySelector('.main-svg').getBoundingClientRect()),
                  frame: box(frame && frame.getBoundingClientRect()),
                  areas: box(areas && areas.getBBox().width ? areas.getBoundingClientRect() : null),
                  colorbar: box(g.querySelector('.colorbar') && g.querySelector('.colorbar').getBoundingClientRect()),
                  labels: Array.from(geo.querySelectorAll('.trace.scattergeo text')).filter(t => t.textContent.trim())
                      .map(t => ({text: t.textContent.trim(), ...box(t.getBoundingClientRect())}))});
    }
    for (const k of Object.keys(L).filter(k => /^map\\d*$/.test(k) && L[k]._subplot && L[k]._subplot.map)) {
        const m = L[k]._subplot.map;
        out.push({chart: key, kind: 'map', innerWidth: window.innerWidth,
                  svg: box(g.querySelector('.main-svg').getBoundingClientRect()),
                  frame: box(m.getContainer().getBoundingClientRect()), areas: null,
                  colorbar: box(g.querySelector('.colorbar') && g.querySelector('.colorbar').getBoundingClientRect()),
                  labels: (g._fullData || []).filter(t => t.subplot === k && /text/.test(t.mode || '') && t.text)
                      .flatMap(t => [].concat(t.text)).map(text => ({text: String(text).trim()}))});
    }
    return out;
})"""


def text_report(page) -> dict:
    """Horizontal scroll, clipped text (metrics, headings, CSS ellipsis), the h1s and elements wider than the window."""
    return page.evaluate(_TEXT_JS)


def chart_text(page) -> list[dict]:
    """Plotly's own text (CHART_TEXT) with its box relative to its chart."""
    return page.evaluate(_CHART_TEXT_JS, CHART_TEXT)


def map_report(page) -> list[dict]:
    """One entry per map subplot: frame, areas, colour bar and labels (boxes in viewport pixels)."""
    return page.evaluate(_MAP_JS)


def map_problems(maps: list[dict], cities=CORE_CITIES) -> list[str]:
    """What is wrong with the maps on a page: a Core City without a label; labels overlapping each other or cut by
    the map's frame; the frame or the colour bar outside the window's width; areas cut off by the frame."""
    if not maps:
        return ["no map drawn"]
    problems = []
    for m in maps:
        where = f"map {m['chart']} ({m['kind']})"
        labels = m["labels"]
        missing = [c for c in cities if not any(c == lab["text"] or lab["text"].startswith(c + " ") for lab in labels)]
        if missing:
            problems.append(
                f"{where}: no label for {', '.join(missing)} (labels drawn: {sorted(lab['text'] for lab in labels)})"
            )
        width = m["innerWidth"]
        for name in ("frame", "colorbar"):
            b = m.get(name)
            if b and (b["left"] < -1 or b["right"] > width + 1):
                problems.append(f"{where}: {name} spans x {b['left']}-{b['right']}, outside the window (0-{width})")
        frame, areas = m.get("frame"), m.get("areas")
        if frame and areas and not _inside(areas, frame, 2):
            problems.append(f"{where}: areas drawn at {areas} run past the map frame {frame} (cut off)")
        boxed = [lab for lab in labels if "left" in lab]
        for lab in boxed:
            if frame and not _inside(lab, frame, 1):
                problems.append(f"{where}: label {lab['text']!r} at {_xy(lab)} is cut by the map frame {_xy(frame)}")
        for i, a in enumerate(boxed):
            for b in boxed[i + 1 :]:
                if _overlap(_glyphs(a), _glyphs(b)) > 1:
                    problems.append(f"{where}: labels {a['text']!r} {_xy(a)} and {b['text']!r} {_xy(b)} overlap")
    return problems


def _inside(inner: dict, outer: dict, tolerance: float) -> bool:
    return (
        inner["left"] >= outer["left"] - tolerance
        and inner["right"] <= outer["right"] + tolerance
        and inner["top"] >= outer["top"] - tolerance
        and inner["bottom"] <= outer["bottom"] + tolerance
    )


def _glyphs(label: dict) -> dict:
    """A text box trimmed to its letters: SVG text's box is the font's whole line (leading above the capitals and room
    for descenders below), about 15 % of its height at each edge, so two labels one above the other can share that
    much without any letters touching."""
    trim = 0.15 * (label["bottom"] - label["top"])
    return {**label, "top": label["top"] + trim, "bottom": label["bottom"] - trim}


def _overlap(a: dict, b: dict) -> float:
    """The smaller side of the rectangle two boxes share (0 when they don't meet)."""
    return max(
        0,
        min(
            min(a["right"], b["right"]) - max(a["left"], b["left"]),
            min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]),
        ),
    )


def _xy(b: dict) -> str:
    return f"x {b['left']}-{b['right']}, y {b['top']}-{b['bottom']}"


# ------------------------------------------------------------------------------------------------ keyboard focus

# The focused element's focus indicator: its outline (style, width, colour, offset) or box-shadow, and the colour
# behind it (the first opaque background among its ancestors, from the element's parent up; the outline is drawn
# over the parent, or over the element itself when the offset is negative).
_FOCUS_JS = """() => {
    const e = document.activeElement; if (!e || e === document.body) return null;
    const cs = getComputedStyle(e);
    const opaque = c => c && c !== 'transparent' && !/rgba\\(.*,\\s*0\\)$/.test(c);
    let bg = null;
    const inset = parseFloat(cs.outlineOffset) < 0;
    for (let a = inset ? e : e.parentElement; a; a = a.parentElement) {
        const c = getComputedStyle(a).backgroundColor; if (opaque(c)) { bg = c; break; } }
    const owner = e.closest('[data-testid]');
    return {tag: e.tagName.toLowerCase(),
            text: (e.innerText || e.getAttribute('aria-label') || '').replace(/\\s+/g, ' ').trim().slice(0, 60),
            testid: owner ? owner.dataset.testid : null, focusVisible: e.matches(':focus-visible'),
            outlineStyle: cs.outlineStyle, outlineWidth: parseFloat(cs.outlineWidth) || 0,
            outlineColor: cs.outlineColor,
            outlineOffset: cs.outlineOffset, boxShadow: cs.boxShadow, background: bg || 'rgb(255, 255, 255)'};
}"""


def focused(page) -> dict | None:
    """The focused element and its focus indicator (see _FOCUS_JS)."""
    return page.evaluate(_FOCUS_JS)


def parse_colour(text: str) -> tuple[float, float, float, float]:
    """'rgb(1, 2, 3)' / 'rgba(1, 2, 3, 0.5)' (as getComputedStyle gives them) -> (r, g, b, alpha)."""
    numbers = [float(x) for x in re.findall(r"[-\d.]+", text)]
    if not text.startswith("rgb") or len(numbers) < 3:
        raise ValueError(f"not an rgb() colour: {text!r}")
    return numbers[0], numbers[1], numbers[2], numbers[3] if len(numbers) > 3 else 1.0


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of `foreground` (composited over `background` when translucent) against `background`."""
    br, bgr, bb, _ = parse_colour(background)
    fr, fg, fb, alpha = parse_colour(foreground)
    mixed = [alpha * f + (1 - alpha) * b for f, b in ((fr, br), (fg, bgr), (fb, bb))]

    def luminance(rgb):
        linear = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(mixed), luminance((br, bgr, bb))), reverse=True)
    return (high + 0.05) / (low + 0.05)


def focus_indicator(info: dict, min_width: float = 2, min_contrast: float = 3) -> str | None:
    """None when the focused element shows a clear indicator: an outline (or a box-shadow ring) at least `min_width`
    px thick with at least `min_contrast`:1 against the colour behind it; else what is wrong."""
    found = []
    if info["outlineStyle"] not in ("none", "hidden") and info["outlineWidth"] > 0:
        ratio = contrast(info["outlineColor"], info["background"])
        if info["outlineWidth"] >= min_width and ratio >= min_contrast:
            return None
        found.append(
            f"outline {info['outlineStyle']} {info['outlineWidth']:g}px {info['outlineColor']} "
            f"({ratio:.2f}:1 on {info['background']})"
        )
    for colour, spread in re.findall(r"(rgba?\([^)]*\))[^,]*?(-?[\d.]+)px(?:\s+inset)?\s*(?:,|$)", info["boxShadow"]):
        ratio = contrast(colour, info["background"])
        if float(spread) >= min_width and ratio >= min_contrast:
            return None
        found.append(f"box-shadow {colour} spread {spread}px ({ratio:.2f}:1 on {info['background']})")
    return "; ".join(found) or f"no outline or box-shadow (outline-style {info['outlineStyle']})"


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
        readme_screenshot(
            server.url if server else f"http://localhost:{args.port}", args.out, args.path, height=args.height
        )
    finally:
        if server:
            server.stop()
    print(args.out)
