"""The running app in headless Debian Chromium (issues 5 and 16): every page at a laptop size (1366 x 768) and a phone
size (390 x 844) renders inside the frame with its charts and maps drawn, is screenshotted whole, and is checked for
what a reader preparing a briefing would trip over: no sideways scroll; no text cut off (metric labels and values,
headings, CSS ellipsis, Plotly's SVG titles, labels and ticks); on the maps every Core City labelled, labels apart and
nothing outside the window or the map frame; no request to any host but the app's own; axe-core finds no serious or
critical WCAG 2.2 A/AA violation and headings in order, apart from Streamlit's own navigation markup. Keyboard focus is
clearly visible; deep links reproduce a view (invalid ones fall back with a notice); the table alternative opens.

One `streamlit run app.py` and one browser per module; each page is opened once per size and every check reads that
visit. Screenshots: <page>-<laptop|phone>.png in a pytest temporary directory, and in SCREENSHOT_DIR when set (to
refresh the README images). Other artifacts (git-ignored): test-artifacts/axe/<page>-<size>.json,
test-artifacts/screenshots/focus-sidebar-link.png, test-artifacts/streamlit.log.
Skips when Playwright or Debian chromium is missing (scripts/run-tests.sh installs chromium when run as root).
BROWSER_TEST_PORT=<port> pins the server port (default: a free one).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from indicators.domain.productivity import BASES
from tests import browser_support as bs

pytestmark = [pytest.mark.browser, pytest.mark.slow]

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    sync_playwright = None

# Pages that must show a map (its areas drawn, every Core City labelled), and pages that must show at least n charts.
MAP_PAGES = {"overview", "map"}
MIN_CHARTS = {
    "overview": 1,
    "map": 1,
    "compare": 1,
    "city_profile": 3,
    "indicator_explorer": 2,
    "productivity_gap": 1,
    "tax_and_spend": 1,
    "european_peers": 1,
    "claims_check": 1,
}
DEEP = {"geo": "city-region", "basis": "head", "bench": "uk-ex-london", "year": "2021", "area": "E08000035"}


def _skip_reason() -> str | None:
    if sync_playwright is None:
        return "playwright is not installed (pip install -r requirements-dev.txt)"
    try:
        import axe_playwright_python  # noqa: F401
    except ImportError:
        return "axe-playwright-python is not installed (pip install -r requirements-dev.txt)"
    if bs.chromium_path() is None:
        return "Debian chromium not found at /usr/bin/chromium or on PATH (sudo apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def app_url():
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    server = bs.AppServer(bs.free_port(), bs.ARTIFACTS / "streamlit.log")
    server.start()
    yield server.url
    server.stop()


@pytest.fixture(scope="module")
def browser(app_url):
    with sync_playwright() as p:
        chromium = bs.launch(p)
        bs.warm_up(chromium, app_url)
        yield chromium
        chromium.close()


@pytest.fixture()
def open_page(browser, app_url):
    """open_page(path, width=1400, height=1000): a fresh browser context (so a fresh Streamlit session) on
    app_url + path, returned once the app has finished running."""
    contexts = []

    def _open(path: str, width: int = 1400, height: int = 1000):
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        page.goto(app_url + path)
        bs.wait_for_run(page)
        return page

    yield _open
    for context in contexts:
        context.close()


def _errors(page) -> list[str]:
    """Exceptions shown on the page, and Streamlit's "page not found"."""
    found = [f"exception: {text[:300]}" for text in page.locator('[data-testid="stException"]').all_inner_texts()]
    if page.get_by_text("Page not found").count() or page.get_by_text("You have requested page").count():
        found.append("page not found")
    return found


def _no_errors(page) -> None:
    assert not _errors(page)


def _query(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query, keep_blank_values=True).items()}


def _sidebar_select(page, label: str) -> str:
    """The shown value of a sidebar selectbox (Streamlit 1.67 draws it as a combobox input named by its label)."""
    return page.get_by_test_id("stSidebar").get_by_role("combobox", name=label, exact=True).input_value()


def _radio(page, name: str):
    return page.get_by_test_id("stSidebar").get_by_role("radio", name=name, exact=True)


def _key_values(page) -> list[str]:
    """The metric values shown, once they have settled: Streamlit draws metric components lazily, after the run has
    finished and not all in one go, so read until two reads half a second apart agree."""
    page.get_by_test_id("stMetricValue").first.wait_for(timeout=30_000)
    previous = None
    for _ in range(40):
        values = [t.strip() for t in page.get_by_test_id("stMetricValue").all_inner_texts()]
        if values == previous:
            return values
        previous = values
        page.wait_for_timeout(500)
    return values


def _definition_caption(page) -> str:
    return (
        page.get_by_test_id("stMain")
        .get_by_test_id("stCaptionContainer")
        .filter(has_text="Definition:")
        .first.inner_text()
        .strip()
    )


# ------------------------------------------------------------------------------------------------ every page, two sizes
# Each page is opened once per screen size (a fresh context, so a fresh Streamlit session, recording every request),
# screenshotted whole, measured and run through axe; the tests below then judge that one visit point by point, so a
# failure names the page, the size and the point, and an expected failure can be marked on that point alone.

# Known failures that belong to the pages' content, not to these tests: (page, size) -> reason, per check. Each is
# strict: when the page is fixed the case passes, the xfail flips to a failure, and the entry must be removed.
KNOWN: dict[str, dict[tuple[str, str], str]] = {
    "renders": {},
    "scroll": {},
    "text": {},
    "chart_text": {},
    "maps": {},
    "requests": {},
    "axe": {},
}


def _cases(check: str, names=bs.PAGES) -> list:
    return [
        pytest.param(
            name,
            size,
            id=f"{name}-{size}",
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN[check][name, size])]
            if (name, size) in KNOWN[check]
            else [],
        )
        for name in names
        for size in bs.VIEWPORTS
    ]


@pytest.fixture(scope="module")
def screenshot_dirs(tmp_path_factory) -> list[Path]:
    """Where each page's full-length screenshot goes: a pytest temporary directory, and SCREENSHOT_DIR when set
    (e.g. SCREENSHOT_DIR=docs/screens to refresh the README images)."""
    dirs = [tmp_path_factory.mktemp("screenshots")]
    if os.environ.get("SCREENSHOT_DIR"):
        dirs.append(Path(os.environ["SCREENSHOT_DIR"]).resolve())
        dirs[-1].mkdir(parents=True, exist_ok=True)
    return dirs


@pytest.fixture(scope="module")
def visit(browser, app_url, screenshot_dirs):
    """visit(name, size): the report of one visit to page `name` at screen size `size` (bs.VIEWPORTS), made on the
    first call and kept for the module."""
    reports: dict[tuple[str, str], dict | str] = {}

    def _visit(name: str, size: str) -> dict:
        if (name, size) not in reports:
            try:
                reports[name, size] = _inspect(browser, app_url, name, size, screenshot_dirs)
            except Exception as problem:  # noqa: BLE001 - every check on this visit reports it
                reports[name, size] = f"{type(problem).__name__}: {problem}"
        report = reports[name, size]
        if isinstance(report, str):
            pytest.fail(f"/{name} at {size} size could not be inspected: {report}")
        return report

    return _visit


def _inspect(browser, app_url: str, name: str, size: str, screenshot_dirs: list[Path]) -> dict:
    """Open /name at `size` in a fresh context (so a fresh Streamlit session), recording every request; wait for the
    run and the charts, then measure, screenshot and run axe. Returns what the checks below need."""
    started = time.monotonic()
    context = browser.new_context(viewport=bs.VIEWPORTS[size])
    leaving = bs.record_requests(context)
    try:
        page = context.new_page()
        page.goto(f"{app_url}/{name}")
        bs.wait_for_run(page)
        steps = {"run": time.monotonic() - started}
        report = {"errors": _errors(page), "charts": bs.wait_for_charts(page)}
        steps["charts"] = time.monotonic() - started
        # measured at the real screen size, before the screenshot makes the window as tall as the page
        report["text"] = bs.text_report(page)
        report["chart_text"] = bs.chart_text(page)
        report["maps"] = bs.map_report(page) if name in MAP_PAGES else []
        shot = screenshot_dirs[0] / f"{name}-{size}.png"
        bs.full_screenshot(page, shot)
        steps["screenshot"] = time.monotonic() - started
        for extra in screenshot_dirs[1:]:
            shutil.copyfile(shot, extra / shot.name)
        # the whole page at once: axe judges colour contrast only for text inside the viewport
        axe = bs.run_axe(page, bs.ARTIFACTS / "axe" / f"{name}-{size}.json")
        report["axe"] = bs.blocking_violations(page, axe)
        steps["axe"] = time.monotonic() - started
        report["steps"] = " ".join(f"{k} {v:.1f}" for k, v in steps.items())
        report["errors"] += _errors(page)
        report["leaving"] = list(dict.fromkeys(leaving))
        report["screenshot"] = str(shot)
        report["seconds"] = round(time.monotonic() - started, 1)
        return report
    finally:
        context.close()


@pytest.mark.parametrize(("name", "size"), _cases("renders"))
def test_page_renders_with_its_charts(visit, name, size):
    report = visit(name, size)
    assert not report["errors"], f"{name} at {size} size: {report['errors']}"
    charts = report["charts"]
    assert len(charts) >= MIN_CHARTS.get(name, 0), f"{name}: expected charts, found {charts}"
    assert all(c["drawn"] for c in charts), f"{name}: charts not drawn: {[c for c in charts if not c['drawn']]}"
    if name in MAP_PAGES:
        drawn = [m["rendered_fill_features"] for c in charts for m in c["maps"]] + [
            g["areas"] for c in charts for g in c["geos"]
        ]
        assert drawn and all(n > 0 for n in drawn), f"{name}: no map areas drawn: {charts}"
    print(
        f"{name} at {size} size: {report['seconds']} s ({report['steps']}), {len(charts)} charts, "
        f"screenshot {report['screenshot']}"
    )


@pytest.mark.parametrize(("name", "size"), _cases("scroll"))
def test_no_sideways_scroll(visit, name, size):
    text = visit(name, size)["text"]
    width = text["innerWidth"]
    assert text["scrollWidth"] <= width + 1, (
        f"{name} at {size} size: the page scrolls sideways ({text['scrollWidth']} px wide in a {width} px window)"
    )
    assert text["mainScrollWidth"] <= text["mainClientWidth"] + 1, (
        f"{name} at {size} size: the main area scrolls "
        f"sideways ({text['mainScrollWidth']} px in {text['mainClientWidth']} px), because of:\n"
        + "\n".join(f"  {w['element']} {w['text']!r}: x {w['left']} to {w['right']}" for w in text["wide"])
    )
    assert not text["outside"], f"{name} at {size} size: wider than the {width} px window:\n" + "\n".join(
        f"  {o['what']} {o['text']!r}: x {o['left']} to {o['right']}" for o in text["outside"]
    )


@pytest.mark.parametrize(("name", "size"), _cases("text"))
def test_no_truncated_text(visit, name, size):
    """Metric labels and values, headings and any text with CSS ellipsis are shown in full; the page has one h1,
    fully inside the window."""
    text = visit(name, size)["text"]
    h1 = [h for h in text["h1"] if h["visible"]]
    assert len(h1) == 1 and h1[0]["text"], f"{name} at {size} size: expected one visible page title (h1): {text['h1']}"
    assert h1[0]["left"] >= -1 and h1[0]["right"] <= text["innerWidth"] + 1, f"{name}: title outside the window: {h1}"
    assert not text["clipped"], f"{name} at {size} size: text cut off:\n" + "\n".join(
        f"  {c['what']} {c['text']!r}: content {c['scrollWidth']}x{c['scrollHeight']} px in a "
        f"{c['clientWidth']}x{c['clientHeight']} px box{' (CSS ellipsis)' if c['ellipsis'] else ''}"
        for c in text["clipped"]
    )


@pytest.mark.parametrize(("name", "size"), _cases("chart_text"))
def test_chart_text_fits_its_chart(visit, name, size):
    """Plotly's SVG text (titles of the chart, axes, colour bar and legend; legend entries, data labels, annotations,
    tick labels) never wraps: each must lie inside its chart, or it is cut off."""
    outside = [t for t in visit(name, size)["chart_text"] if not t["inside"]]
    assert not outside, f"{name} at {size} size: chart text cut off at the chart's edge:\n" + "\n".join(
        f"  {t['chart']} {t['what']} {t['text']!r}: x {t['left']} to {t['right']}, y {t['top']} to {t['bottom']} "
        f"in a {t['width']}x{t['height']} px chart"
        for t in outside
    )


@pytest.mark.parametrize(("name", "size"), _cases("maps", sorted(MAP_PAGES)))
def test_every_core_city_labelled_on_a_map_that_fits(visit, name, size):
    problems = bs.map_problems(visit(name, size)["maps"])
    assert not problems, f"{name} at {size} size:\n" + "\n".join(f"  {p}" for p in problems)


@pytest.mark.parametrize(("name", "size"), _cases("requests"))
def test_no_request_leaves_the_server(visit, name, size):
    """Fonts, icons, base maps, scripts, the favicon: everything comes from the app itself."""
    leaving = visit(name, size)["leaving"]
    assert not leaving, f"{name} at {size} size: requests to other hosts:\n" + "\n".join(f"  {r}" for r in leaving)


@pytest.mark.parametrize(("name", "size"), _cases("axe"))
def test_axe_finds_no_violations(visit, name, size):
    """No serious or critical WCAG 2.2 A/AA violation, and heading levels in order, apart from Streamlit's own
    sectioned navigation markup (bs.AXE_ALLOW names it)."""
    problems = visit(name, size)["axe"]
    assert not problems, (
        f"{name} at {size} size: axe violations (see test-artifacts/axe/{name}-{size}.json):\n" + "\n".join(problems)
    )


def test_keyboard_focus_is_clearly_visible(open_page):
    """Tab from the top of the page: the focus reaches the sidebar's page links, and every link, button and
    expander it stops at on the way (and the first few in the main area) shows an outline at least 2 px thick with
    at least 3:1 contrast against the colour behind it."""
    page = open_page("/overview", **bs.VIEWPORTS["laptop"])
    _no_errors(page)
    bs.wait_for_charts(page)  # settled, as a reader meets it (Streamlit mounts some elements after the run)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")  # Tab from the top
    stops, weak, reached_nav, after_nav = [], [], False, 0
    for _ in range(40):
        page.keyboard.press("Tab")
        info = bs.focused(page)
        if not info:
            continue
        stops.append(f"{info['tag']} {info['testid']} {info['text']!r}")
        if info["tag"] in ("a", "button", "summary"):
            problem = bs.focus_indicator(info)
            if problem:
                weak.append(f"{info['tag']} ({info['testid']}) {info['text']!r}: {problem}")
        if info["testid"] == "stSidebarNavLink" and not reached_nav:
            page.screenshot(
                path=str(bs.ARTIFACTS / "screenshots" / "focus-sidebar-link.png"),
                animations="disabled",
                clip={"x": 0, "y": 0, "width": 400, "height": 500},
            )
        reached_nav = reached_nav or info["testid"] == "stSidebarNavLink"
        after_nav += reached_nav and info["testid"] != "stSidebarNavLink"
        if after_nav >= 12:
            break
    assert reached_nav, f"Tab never reached a sidebar page link; stops: {stops}"
    assert not weak, "focus not clearly visible on:\n" + "\n".join(f"  {w}" for w in weak)


def test_deep_link_reproduces_the_view(open_page, app_url):
    from indicators.analysis import measures, productivity
    from indicators.data import geography
    from indicators.domain import formatting
    from ui import state

    query = "&".join(f"{k}={v}" for k, v in DEEP.items())
    page = open_page(f"/productivity_gap?{query}")
    _no_errors(page)
    # the sidebar shows the link's choices
    assert _sidebar_select(page, "Area") == state.area_options()[DEEP["area"]]
    assert _radio(page, geography.GEOGRAPHIES[DEEP["geo"]]).is_checked()
    assert _radio(page, BASES[DEEP["basis"]].label).is_checked()
    assert _sidebar_select(page, "Benchmark") == state.benchmark_label(DEEP["bench"])
    assert _sidebar_select(page, "Year") == DEEP["year"]
    # the page follows them: its title, definition label and headline value
    definition = state.Definition(DEEP["area"], DEEP["geo"], DEEP["basis"], DEEP["bench"], int(DEEP["year"]))
    main = page.get_by_test_id("stMain")
    assert (
        main.get_by_role("heading", level=1).first.inner_text().strip()
        == f"Productivity gap: {measures.city_name(DEEP['area'])}"
    )
    assert state.definition_label(definition) in _definition_caption(page)
    expected = productivity.gap(definition).to_dict()
    assert formatting.headline(expected["value"], BASES[DEEP["basis"]].unit) in _key_values(page)
    # the URL keeps the parameters after the run
    assert {k: _query(page).get(k) for k in DEEP} == DEEP

    # changing a control updates the URL ...
    # (the radio <input> is visually hidden under its label, as for a person: click the label)
    page.get_by_test_id("stSidebar").get_by_test_id("stRadioOption").get_by_text(BASES["job"].label, exact=True).click()
    page.wait_for_url(lambda url: parse_qs(urlparse(url).query).get("basis") == ["job"])
    bs.wait_for_run(page)
    assert {k: _query(page).get(k) for k in DEEP} == {**DEEP, "basis": "job"}
    changed_caption, changed_values = _definition_caption(page), _key_values(page)
    assert BASES["job"].label in changed_caption
    # ... and the copied URL reproduces the view in a fresh session
    copy = open_page(page.url.removeprefix(app_url))
    _no_errors(copy)
    assert _radio(copy, BASES["job"].label).is_checked()
    assert _definition_caption(copy) == changed_caption
    assert _key_values(copy) == changed_values


def test_invalid_deep_link_falls_back_with_a_notice(open_page):
    from indicators.analysis import productivity
    from ui import state

    page = open_page("/productivity_gap?basis=xyz&year=1066")
    _no_errors(page)
    page.get_by_test_id("stAlert").first.wait_for(timeout=30_000)
    alerts = " ".join(page.get_by_test_id("stAlert").all_inner_texts())
    assert "basis='xyz'" in alerts and "year='1066'" in alerts, alerts
    latest = productivity.available_years("hour")[-1]
    assert _radio(page, BASES["hour"].label).is_checked()
    assert _sidebar_select(page, "Year") == str(latest)
    assert state.definition_label(state.Definition(year=latest)) in _definition_caption(page)  # the default
    assert _query(page)["basis"] == "hour" and _query(page)["year"] == str(latest)
    assert all(c["drawn"] for c in bs.wait_for_charts(page))


def test_table_alternative_opens_with_the_data_and_downloads(open_page):
    page = open_page("/map")
    _no_errors(page)
    bs.wait_for_charts(page)
    main = page.get_by_test_id("stMain")
    assert main.get_by_test_id("stDataFrame").count() == 0  # closed: not built
    main.get_by_test_id("stExpander").filter(has_text="Table: GVA per hour worked").locator("summary").first.click()
    grid = main.get_by_test_id("stDataFrame").first
    grid.wait_for(timeout=30_000)
    assert grid.is_visible()
    download = main.get_by_role("button", name="Download CSV")
    download.wait_for(timeout=30_000)  # drawn lazily, possibly after the grid
    assert download.is_visible()
    _no_errors(page)


@pytest.mark.parametrize(("width", "height"), [(1400, 1000), (390, 844)])
def test_chart_data_embed_and_citation_are_offered_whole(open_page, width, height):
    """Beside a chart: its data as JSON (the chart shown, its data version) and the embed and cite drawer, whose iframe
    code and citations wrap inside the drawer at laptop and phone widths (nothing cut off, no sideways scroll)."""
    page = open_page("/productivity_gap?area=E08000035&geo=council&basis=hour&bench=uk", width, height)
    _no_errors(page)
    bs.wait_for_charts(page)
    main = page.get_by_test_id("stMain")
    title = "Leeds: productivity gap (%) on 3 bases × 2 geographies × 3 benchmarks"
    assert main.get_by_text(title, exact=True).count() == 1
    with page.expect_download() as waiting:
        main.get_by_role("button", name="Data JSON").first.click()
    document = json.loads(Path(waiting.value.path()).read_text(encoding="utf-8"))
    assert document["chart"] == "gap-grid" and document["title"] == title
    assert document["parameters"]["area"] == "E08000035" and len(document["data"]) == 18
    main.get_by_role("button", name="Embed or cite").first.click()
    drawer = page.get_by_test_id("stPopoverBody")
    drawer.get_by_text("Embed this chart").wait_for(timeout=30_000)
    blocks = drawer.get_by_test_id("stCode")
    blocks.nth(2).wait_for(timeout=30_000)
    texts = blocks.all_inner_texts()
    assert len(texts) == 3, texts
    iframe, plain, bibtex = (" ".join(t.split()) for t in texts)
    assert iframe.startswith("<iframe src=") and "/embed?chart=gap-grid" in iframe.replace("&amp;", "&")
    assert f"v={document['data_version']}" in iframe and plain.startswith("Core Cities indicators dashboard (")
    assert f"Data version {document['data_version']}" in plain and bibtex.startswith("@misc{corecities-")
    for block in blocks.locator("pre").all():
        sizes = block.evaluate("e => [e.scrollWidth, e.clientWidth]")
        assert sizes[0] <= sizes[1] + 1, f"a code block scrolls sideways at {width}px: {sizes}"
    box, screen = drawer.bounding_box(), page.viewport_size
    assert box["x"] >= 0 and box["x"] + box["width"] <= screen["width"] + 1  # the drawer fits the screen
    _no_errors(page)
