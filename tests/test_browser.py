"""The running app in headless Debian Chromium (issue 5, "done when"): every page renders inside the frame with its
charts and map drawn, deep links reproduce a view (and invalid ones fall back with a notice), axe-core finds no
serious or critical WCAG 2.2 A/AA violation, and the Overview works at phone width.

One `streamlit run app.py` and one browser per module. Artifacts (git-ignored):
test-artifacts/screenshots/<page>.png, test-artifacts/axe/<page>.json, test-artifacts/streamlit.log.
Skips when Playwright or Debian chromium is missing (scripts/run-tests.sh installs chromium when run as root).
BROWSER_TEST_PORT=<port> pins the server port (default: a free one).
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

import pytest

from tests import browser_support as bs

pytestmark = pytest.mark.browser

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    sync_playwright = None

# Pages that must show a map (a choropleth layer drawn on the canvas), and pages that must show at least n charts.
MAP_PAGES = {"overview", "map"}
MIN_CHARTS = {"overview": 1, "map": 1, "compare": 1, "city_profile": 1, "productivity_gap": 1, "tax_and_spend": 1,
              "european_peers": 1, "claims_check": 1}
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


def _no_errors(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator(
        '[data-testid="stException"]').first.inner_text()
    assert page.get_by_text("Page not found").count() == 0
    assert page.get_by_text("You have requested page").count() == 0


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
    return page.get_by_test_id("stMain").get_by_test_id("stCaptionContainer").filter(
        has_text="Definition:").first.inner_text().strip()


@pytest.mark.parametrize("name", bs.PAGES)
def test_page_renders_with_charts_and_passes_axe(open_page, name):
    started = time.monotonic()
    page = open_page(f"/{name}")
    _no_errors(page)
    charts = bs.wait_for_charts(page)
    assert len(charts) >= MIN_CHARTS.get(name, 0), f"{name}: expected charts, found {charts}"
    assert all(c["drawn"] for c in charts), f"{name}: charts not drawn: {[c for c in charts if not c['drawn']]}"
    if name in MAP_PAGES:
        maps = [m for c in charts for m in c["maps"]]
        assert maps and all(m["rendered_fill_features"] > 0 for m in maps), f"{name}: no choropleth drawn: {charts}"
    # the whole page at once: full screenshot, and axe judges colour contrast only for text inside the viewport
    bs.full_screenshot(page, bs.ARTIFACTS / "screenshots" / f"{name}.png")
    results = bs.run_axe(page, bs.ARTIFACTS / "axe" / f"{name}.json")
    _no_errors(page)
    problems = bs.blocking_violations(page, results)
    assert not problems, f"{name}: serious/critical WCAG 2.2 A/AA violations (see test-artifacts/axe/{name}.json):\n" \
        + "\n".join(problems)
    print(f"{name}: {time.monotonic() - started:.1f} s, {len(charts)} charts, "
          f"{len(results['violations'])} axe rule(s) with violations (any impact)")


def test_deep_link_reproduces_the_view(open_page, app_url):
    from indicators import geography, measures, productivity
    from ui import state

    query = "&".join(f"{k}={v}" for k, v in DEEP.items())
    page = open_page(f"/productivity_gap?{query}")
    _no_errors(page)
    # the sidebar shows the link's choices
    assert _sidebar_select(page, "Area") == state.area_options()[DEEP["area"]]
    assert _radio(page, geography.GEOGRAPHIES[DEEP["geo"]]).is_checked()
    assert _radio(page, productivity.BASES[DEEP["basis"]].label).is_checked()
    assert _sidebar_select(page, "Benchmark") == state.benchmark_label(DEEP["bench"])
    assert _sidebar_select(page, "Year") == DEEP["year"]
    # the page follows them: its title, definition label and headline value
    definition = state.Definition(DEEP["geo"], DEEP["basis"], DEEP["bench"], int(DEEP["year"]), DEEP["area"])
    main = page.get_by_test_id("stMain")
    assert main.get_by_role("heading", level=1).first.inner_text().strip() == \
        f"Productivity gap: {measures.city_name(DEEP['area'])}"
    assert definition.label in _definition_caption(page)
    expected = measures.gap(DEEP["area"], DEEP["basis"], DEEP["geo"], DEEP["bench"], int(DEEP["year"]))
    assert f"£{expected['value']:,.2f}" in _key_values(page)
    # the URL keeps the parameters after the run
    assert {k: _query(page).get(k) for k in DEEP} == DEEP

    # changing a control updates the URL ...
    # (the radio <input> is visually hidden under its label, as for a person: click the label)
    page.get_by_test_id("stSidebar").get_by_test_id("stRadioOption").get_by_text(
        productivity.BASES["job"].label, exact=True).click()
    page.wait_for_url(lambda url: parse_qs(urlparse(url).query).get("basis") == ["job"])
    bs.wait_for_run(page)
    assert {k: _query(page).get(k) for k in DEEP} == {**DEEP, "basis": "job"}
    changed_caption, changed_values = _definition_caption(page), _key_values(page)
    assert productivity.BASES["job"].label in changed_caption
    # ... and the copied URL reproduces the view in a fresh session
    copy = open_page(page.url.removeprefix(app_url))
    _no_errors(copy)
    assert _radio(copy, productivity.BASES["job"].label).is_checked()
    assert _definition_caption(copy) == changed_caption
    assert _key_values(copy) == changed_values


def test_invalid_deep_link_falls_back_with_a_notice(open_page):
    from indicators import productivity
    from ui import state

    page = open_page("/productivity_gap?basis=xyz&year=1066")
    _no_errors(page)
    page.get_by_test_id("stAlert").first.wait_for(timeout=30_000)
    alerts = " ".join(page.get_by_test_id("stAlert").all_inner_texts())
    assert "basis='xyz'" in alerts and "year='1066'" in alerts, alerts
    latest = productivity.available_years("hour")[-1]
    assert _radio(page, productivity.BASES["hour"].label).is_checked()
    assert _sidebar_select(page, "Year") == str(latest)
    assert state.Definition("council", "hour", "uk", latest, "E08000025").label in _definition_caption(page)
    assert _query(page)["basis"] == "hour" and _query(page)["year"] == str(latest)
    assert all(c["drawn"] for c in bs.wait_for_charts(page))


def test_overview_at_phone_width(open_page):
    page = open_page("/overview", width=390, height=844)
    _no_errors(page)
    bs.wait_for_charts(page)
    size = bs.main_size(page)
    assert size["scrollWidth"] <= size["clientWidth"] + 1, f"main container scrolls sideways: {size}"
    assert size["docScrollWidth"] <= 390 + 1, f"document scrolls sideways: {size}"
    tile = page.get_by_test_id("stMetric").first
    tile.scroll_into_view_if_needed()
    assert tile.is_visible()
    box = tile.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390 + 1, box
    assert "Productivity gap" in tile.inner_text()
    page.screenshot(path=str(bs.ARTIFACTS / "screenshots" / "overview-phone.png"), animations="disabled")


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
