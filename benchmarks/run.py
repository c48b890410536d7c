"""Benchmark of what users feel (issue 7). Prints figures; not part of the test suite (pytest collects tests/ only).

    .venv/bin/python benchmarks/run.py                 # everything (about 15 minutes on 2 cores)
    .venv/bin/python benchmarks/run.py --quick         # smaller loops (about 6 minutes)
    .venv/bin/python benchmarks/run.py --only cold,warm,definitions,concurrency,payload,proxy,memory,browser

Loopback only. Starts its own app (port 8619), nginx with deploy/nginx.conf (port 8089; skipped if nginx is absent),
a static file server (port 8088) and a bare Streamlit app (STATIC - 1, 8087); for the concurrency runs also
`--replicas N` app processes (ports after the app's) behind nginx; stops them all at the end (`--ports APP,PROXY,STATIC`
to move them). Concurrency is measured twice: a burst (every user clicks again the moment a run ends) and a paced
load (users arrive over 10 s and pause 1-5 s between clicks, as people reading charts do).
Pages are addressed by their url_path ("" = Overview,
"map", "productivity"), so the script keeps working while the pages change; a page without a chart reports "n/a".

Targets (issue 7, 2-core machine): first chart <= 2.5 s; warm p95 <= 150 ms; 50 sessions p95 <= 1 s with 0 errors;
map update <= 150 KB; first visit <= 3 MB; RSS growth < 5 %; time-to-chart <= 1.5 x a static Plotly page.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import gzip
import http.server
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks import proxy, serve  # noqa: E402
from benchmarks.ws_client import Session, discover_pages, find_page  # noqa: E402

APP_PORT, PROXY_PORT, STATIC_PORT = 8619, 8089, 8088
APP = f"http://127.0.0.1:{APP_PORT}"
PAGES = {"overview": "", "map": "map", "productivity": "productivity"}  # label -> url_path, resolved at start
RESULTS: dict[str, object] = {}


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def ms(seconds: float | None) -> str:
    return "n/a" if seconds is None or seconds != seconds else f"{seconds * 1000:.0f} ms"


def report(name: str, value: str, target: str = "") -> None:
    RESULTS[name] = value
    print(f"  {name:<52} {value:>16}   {target}", flush=True)


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


# ---- interactions: change a widget the page (or the frame) renders, cycling through its options

def resolve_pages() -> None:
    """Find the Map and Productivity gap pages by title/path in the running app (url_paths are still changing)."""
    pages = asyncio.run(discover_pages(APP))
    for label, words in (("map", ("map",)), ("productivity", ("productivity", "gap"))):
        PAGES[label] = find_page(pages, *words) or ""
    print(f"  pages: {PAGES}", flush=True)


def interactions(session: Session, page: str) -> list[tuple[str, str]]:
    """(widget key, value) pairs to cycle through on `page`: the page's own selector first, else the frame's basis."""
    preferred = {PAGES["map"]: ["map_measure", "map_level"], PAGES["productivity"]: ["gap_window", "basis"],
                 "": ["basis"]}
    for key in preferred.get(page, []) + ["basis", "benchmark"]:
        widget = session.widgets.get(key)
        if widget and widget["options"] and widget["type"] in ("radio", "selectbox"):
            return [(key, option) for option in widget["options"][:4]]
    widget = session.widgets.get("basis")
    return [("basis", option) for option in widget["options"]] if widget else []


async def warm_latencies(page: str, count: int) -> tuple[list[float], list[int], int]:
    """Latency of `count` widget changes on one warm session; returns (latencies, chart sizes, errors)."""
    latencies, sizes, errors = [], [], 0
    async with Session(APP, page=page) as session:
        await session.rerun()
        await session.rerun()  # warm
        steps = interactions(session, page)
        for i in range(count):
            key, value = steps[i % len(steps)] if steps else (None, None)
            run = await session.rerun({key: value} if key else None)
            latencies.append(run.seconds)
            sizes += run.chart_bytes
            errors += 0 if run.ok else 1
    return latencies, sizes, errors


async def concurrent(sessions: int, steps: int, base: str | None = None, think: tuple[float, float] | None = None,
                     ramp: float = 0.0) -> tuple[list[float], int, float]:
    """`sessions` users on Map/Productivity/Overview, each loading the page then changing `steps` things.

    Burst (the defaults): every user starts at once and clicks again the moment a run finishes. Paced: users arrive
    evenly over `ramp` seconds and wait `think` = (min, max) seconds between changes, as a person reading the chart
    would. Each user connects from its own loopback address with its own affinity cookie, as distinct visitors would
    (the proxy caps websockets per address and hashes replicas on the cookie).
    """
    latencies: list[float] = []
    errors = 0
    pages = list(PAGES.values())

    async def user(n: int) -> None:
        nonlocal errors
        page = pages[n % len(pages)]
        pause = random.Random(n)
        await asyncio.sleep(ramp * n / sessions)
        try:
            async with Session(base or APP, page=page, timeout=120, cookie=f"cc_affinity={n:032x}",
                               local_address=f"127.0.{n // 250}.{n % 250 + 2}") as session:
                first = await session.rerun()
                latencies.append(first.seconds)
                errors += 0 if first.ok else 1
                options = interactions(session, page)
                for i in range(steps):
                    if think:
                        await asyncio.sleep(pause.uniform(*think))
                    key, value = options[(i + 1) % len(options)] if options else (None, None)
                    run = await session.rerun({key: value} if key else None)
                    latencies.append(run.seconds)
                    errors += 0 if run.ok else 1
        except Exception as exc:  # noqa: BLE001 - counted as an error, reported
            errors += 1
            print(f"    session {n}: {type(exc).__name__}: {exc}", flush=True)

    started = time.perf_counter()
    await asyncio.gather(*(user(n) for n in range(sessions)))
    return latencies, errors, time.perf_counter() - started


# ---- sections

def section_cold(args) -> None:
    print("\nCold start (fresh process, warehouse already built) -> first chart over the websocket")
    for label, page in (("overview, root URL", ""), ("productivity, deep link", PAGES["productivity"])):
        log = Path(tempfile.mkdtemp()) / "cold.log"
        started = time.perf_counter()
        process = serve.start(APP_PORT, log)
        try:
            healthy = serve.wait_healthy(APP, process, timeout=120)
            sent_at = time.perf_counter()
            run = asyncio.run(_first_chart(page))
            first_chart = None if run.first_chart_seconds is None else sent_at - started + run.first_chart_seconds
            report(f"cold ({label}): start -> healthy", ms(healthy))
            report(f"cold ({label}): start -> first chart", ms(first_chart), "target <= 2500 ms")
            report(f"cold ({label}): first script run, ok={run.ok}", ms(run.seconds))
        finally:
            serve.stop(process)


async def _first_chart(page: str, base: str | None = None):
    async with Session(base or APP, page=page) as session:
        return await session.rerun()


def section_warm(args) -> None:
    print(f"\nWarm interaction latency (one session, {args.warm} widget changes per page; rerun -> script_finished)")
    for label, page in PAGES.items():
        latencies, sizes, errors = asyncio.run(warm_latencies(page, args.warm))
        report(f"warm {label}: p50", ms(pct(latencies, 50)))
        report(f"warm {label}: p95 (errors {errors})", ms(pct(latencies, 95)), "target <= 150 ms")


DEFINITION_KEYS = ("area", "geography", "basis", "benchmark", "year")  # the sidebar's shared controls


async def random_definitions(page: str, count: int, seed: int, base: str | None = None,
                             think: tuple[float, float] | None = None) -> tuple[list[float], int]:
    """Latency of `count` reruns of `page`, each after setting every sidebar control to a value drawn at random
    (any council, geography, basis, benchmark and year), as a visitor exploring definitions would."""
    rng, latencies, errors = random.Random(seed), [], 0
    async with Session(base or APP, page=page, timeout=120, cookie=f"cc_affinity={seed:032x}",
                       local_address=f"127.0.{seed // 250}.{seed % 250 + 2}") as session:
        first = await session.rerun()
        errors += 0 if first.ok else 1
        for _ in range(count):
            if think:
                await asyncio.sleep(rng.uniform(*think))
            changes = {key: rng.choice(session.widgets[key]["options"]) for key in DEFINITION_KEYS
                       if session.widgets.get(key, {}).get("options")}
            run = await session.rerun(changes)
            latencies.append(run.seconds)
            errors += 0 if run.ok else 1
    return latencies, errors


def section_definitions(args) -> None:
    """Every page, definitions drawn at random: one visitor, then ten paced visitors at once."""
    pages = asyncio.run(discover_pages(APP))
    print(f"\nEvery page, random definitions (one session per page, {args.definitions} reruns each; "
          "rerun -> script_finished)")
    everything = []
    for number, (path, title) in enumerate(pages.items()):
        latencies, errors = asyncio.run(random_definitions(path, args.definitions, seed=number + 1))
        everything += latencies
        report(f"random definitions, {title}: p50 / p95 / max (errors {errors})",
               f"{ms(pct(latencies, 50))} / {ms(pct(latencies, 95))} / {ms(max(latencies))}", "target p95 <= 150 ms")
    report("random definitions, all pages: p95", ms(pct(everything, 95)), "target p95 <= 150 ms")

    async def crowd(users: int) -> tuple[list[float], int]:
        paths = list(pages)
        results = await asyncio.gather(*(random_definitions(paths[n % len(paths)], args.steps, seed=100 + n,
                                                            think=(1.0, 5.0)) for n in range(users)))
        return [x for r in results for x in r[0]], sum(r[1] for r in results)

    latencies, errors = asyncio.run(crowd(10))
    report("10 visitors at once, random pages and definitions, paced 1-5 s: p50 / p95 (errors)",
           f"{ms(pct(latencies, 50))} / {ms(pct(latencies, 95))} ({errors})", "target p95 <= 1000 ms")


def section_concurrency(args) -> None:
    think, ramp = (1.0, 5.0), 10.0
    runs = [("1 process, direct", None)]
    replicas, nginx = [], None
    if args.replicas > 1 and proxy.nginx_binary() is not None:
        replicas, nginx = start_replicas(args.replicas)
        runs.append((f"{args.replicas} replicas via proxy", f"http://127.0.0.1:{PROXY_PORT}"))
    try:
        for model, paced in (("burst: all at once, no think time", False),
                             (f"paced: arrive over {ramp:.0f} s, think {think[0]:.0f}-{think[1]:.0f} s", True)):
            print(f"\nConcurrent sessions, {model} (each: load a page, then {args.steps} widget changes)")
            for label, base in runs:
                for users in args.users:
                    latencies, errors, wall = asyncio.run(concurrent(
                        users, args.steps, base, think if paced else None, ramp if paced else 0.0))
                    report(f"{users} sessions, {label}: p50 / p95", f"{ms(pct(latencies, 50))} / "
                           f"{ms(pct(latencies, 95))}", "target p95 <= 1000 ms" if users == 50 else "")
                    report(f"{users} sessions, {label}: errors, reruns, wall",
                           f"{errors}, {len(latencies)}, {wall:.1f} s")
    finally:
        if nginx is not None:
            proxy.stop(nginx)
        for process in replicas:
            serve.stop(process)


def start_replicas(count: int) -> tuple[list, object]:
    """`count` identical app processes (ports after the app's) behind deploy/nginx.conf, each warmed on every page."""
    ports = [APP_PORT + 1 + i for i in range(count)]
    processes = [serve.start(port, Path(tempfile.mkdtemp()) / "replica.log") for port in ports]
    for port, process in zip(ports, processes):
        serve.wait_healthy(f"http://127.0.0.1:{port}", process)
        for page in PAGES.values():
            asyncio.run(_first_chart(page, f"http://127.0.0.1:{port}"))
    return processes, proxy.start(PROXY_PORT, ports, Path(tempfile.mkdtemp()) / "nginx")


def section_payload(args) -> None:
    print("\nPayloads over the websocket (uncompressed protobuf; gzip -6 as an estimate of the deflated frame)")
    for label, page in PAGES.items():
        run = asyncio.run(_first_chart(page))
        charts = run.chart_bytes
        biggest = max(charts) if charts else 0
        compressed = len(gzip.compress(max(run.charts, key=len), 6)) if run.charts else 0
        report(f"{label}: whole page render", f"{run.bytes / 1024:.0f} KB")
        report(f"{label}: largest chart message / gzip", f"{biggest / 1024:.0f} / {compressed / 1024:.0f} KB",
               "target map <= 150 KB" if label == "map" else "")
    latencies, sizes, _ = asyncio.run(warm_latencies(PAGES["map"], 4))
    if sizes:
        report("map: chart bytes per map update (median)", f"{statistics.median(sizes) / 1024:.0f} KB",
               "target <= 150 KB")


def section_proxy(args) -> None:
    print("\nFirst visit through deploy/nginx.conf (Chromium, cold cache; encoded bytes on the wire)")
    if proxy.nginx_binary() is None:
        report("first visit bytes through proxy", "skipped (no nginx)")
        return
    prefix = Path(tempfile.mkdtemp()) / "nginx"
    nginx = proxy.start(PROXY_PORT, APP_PORT, prefix)
    try:
        for label, path in (("overview", "/"), ("map", "/" + PAGES["map"])):
            total, direct = first_visit_bytes(f"http://127.0.0.1:{PROXY_PORT}{path}"), \
                first_visit_bytes(f"{APP}{path}")
            report(f"first visit {label}: via proxy (gzip)", f"{total / 1e6:.2f} MB", "target <= 3 MB")
            report(f"first visit {label}: direct to Streamlit", f"{direct / 1e6:.2f} MB")
    finally:
        proxy.stop(nginx)


def _browser(playwright):
    return playwright.chromium.launch(executable_path="/usr/bin/chromium", args=[
        "--no-sandbox", "--disable-gpu", "--disable-background-networking"])


def first_visit_bytes(url: str) -> int:
    """Sum of HTTP response sizes (headers + encoded body) for a cold-cache load until the footer is shown."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = _browser(playwright)
        try:
            page = browser.new_page()
            requests = []
            page.on("requestfinished", lambda request: requests.append(request))
            page.goto(url)
            page.wait_for_selector("text=Sources:", timeout=60_000)
            page.wait_for_timeout(1000)
            total = 0
            for request in requests:
                sizes = request.sizes()
                total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
            return total
        finally:
            browser.close()


def section_memory(args) -> None:
    print(f"\nResident memory of the app process (after warm-up, after {args.cycles} connect/render/disconnect cycles)")
    pid = APP_PROCESS.pid
    asyncio.run(concurrent(6, 2))
    warm = rss_kb(pid)
    report("RSS after warm-up", f"{warm / 1024:.0f} MB")

    async def cycles(total: int, parallel: int = 8) -> int:
        failures = 0
        queue = list(range(total))

        async def worker() -> None:
            nonlocal failures
            while queue:
                n = queue.pop()
                try:
                    async with Session(APP, page=args.cycle_page, timeout=60) as session:
                        if n % args.render_every == 0:
                            failures += 0 if (await session.rerun()).ok else 1
                except Exception:  # noqa: BLE001
                    failures += 1

        await asyncio.gather(*(worker() for _ in range(parallel)))
        return failures

    started = time.perf_counter()
    failures = asyncio.run(cycles(args.cycles))
    time.sleep(3)  # let the runtime reap disconnected sessions
    after = rss_kb(pid)
    report(f"RSS after {args.cycles} cycles ({time.perf_counter() - started:.0f} s, {failures} failures)",
           f"{after / 1024:.0f} MB")
    report("RSS growth", f"{(after - warm) / warm * 100:+.1f} %", "target < 5 %")


def section_browser(args) -> None:
    print("\nTime to chart in Chromium: the app page vs a static HTML page of the same Plotly figure (cold cache);"
          "\na bare Streamlit app drawing only that figure shows the framework's own floor")
    from playwright.sync_api import sync_playwright

    run = asyncio.run(_first_chart(PAGES["productivity"]))
    if not run.charts:
        report("time to chart", "n/a (no chart)")
        return
    folder = Path(tempfile.mkdtemp())
    write_static_page(run.charts[0].decode(), folder)
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", STATIC_PORT), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    bare_port = STATIC_PORT - 1
    bare = start_bare_app(run.charts[0].decode(), folder, bare_port)
    urls = {"app (productivity)": f"{APP}/{PAGES['productivity']}",
            "static Plotly page": f"http://127.0.0.1:{STATIC_PORT}/figure.html",
            "bare Streamlit app, same figure": f"http://127.0.0.1:{bare_port}/"}
    if proxy.nginx_binary() is not None:
        nginx = proxy.start(PROXY_PORT, APP_PORT, Path(tempfile.mkdtemp()) / "nginx")
        urls["app via the proxy"] = f"http://127.0.0.1:{PROXY_PORT}/{PAGES['productivity']}"
    else:
        nginx = None
    times: dict[str, list[float]] = {label: [] for label in urls}
    try:
        with sync_playwright() as playwright:
            browser = _browser(playwright)
            try:
                for _ in range(args.browser_repeats):
                    for label, url in urls.items():
                        times[label].append(time_to_chart(browser, url))
            finally:
                browser.close()
    finally:
        server.shutdown()
        serve.stop(bare)
        if nginx is not None:
            proxy.stop(nginx)
    medians = {label: statistics.median(values) for label, values in times.items()}
    for label, median in medians.items():
        report(f"time to chart: {label}, median", ms(median))
    static = medians["static Plotly page"]
    report("time to chart: ratio app / static", f"{medians['app (productivity)'] / static:.2f} x", "target <= 1.5 x")
    if "app via the proxy" in medians:
        report("time to chart: ratio app via the proxy / static", f"{medians['app via the proxy'] / static:.2f} x")
    report("time to chart: ratio bare Streamlit / static (the floor)",
           f"{medians['bare Streamlit app, same figure'] / static:.2f} x")


def start_bare_app(spec: str, folder: Path, port: int):
    """`streamlit run` of a one-line app that draws `spec` (default settings, no proxy)."""
    (folder / "figure.json").write_text(spec)
    (folder / "bare_app.py").write_text(
        "import pathlib\nimport plotly.io as pio\nimport streamlit as st\n\n"
        "spec = (pathlib.Path(__file__).parent / 'figure.json').read_text()\n"
        "st.plotly_chart(pio.from_json(spec, skip_invalid=True))\n")
    process = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(folder / "bare_app.py"),
                                "--server.port", str(port), "--server.address", "127.0.0.1",
                                "--server.headless", "true", "--browser.gatherUsageStats", "false"],
                               cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    serve.wait_healthy(f"http://127.0.0.1:{port}", process)
    return process


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def write_static_page(spec: str, folder: Path) -> None:
    """figure.html + plotly.min.js (same plotly.js major as the app's bundle is not guaranteed; noted in output)."""
    import plotly.io as pio
    from plotly.offline import get_plotlyjs

    figure = pio.from_json(json.dumps(json.loads(spec)), skip_invalid=True)
    (folder / "plotly.min.js").write_text(get_plotlyjs())
    figure.write_html(folder / "figure.html", include_plotlyjs="plotly.min.js", full_html=True)


def time_to_chart(browser, url: str) -> float:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        started = time.perf_counter()
        page.goto(url)
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
        return time.perf_counter() - started
    finally:
        context.close()


SECTIONS = {"cold": section_cold, "warm": section_warm, "definitions": section_definitions,
            "concurrency": section_concurrency,
            "payload": section_payload, "proxy": section_proxy, "memory": section_memory,
            "browser": section_browser}
APP_PROCESS = None


def set_ports(app: int, proxy_port: int, static: int) -> None:
    global APP_PORT, PROXY_PORT, STATIC_PORT, APP
    APP_PORT, PROXY_PORT, STATIC_PORT = app, proxy_port, static
    APP = f"http://127.0.0.1:{APP_PORT}"


def main() -> None:
    global APP_PROCESS
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=",".join(SECTIONS))
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--replicas", type=int, default=os.cpu_count() or 1,
                        help="app processes behind the proxy for the concurrency runs (default: one per core)")
    parser.add_argument("--ports", default=f"{APP_PORT},{PROXY_PORT},{STATIC_PORT}",
                        help="app,proxy,static loopback ports (default %(default)s)")
    args = parser.parse_args()
    set_ports(*(int(p) for p in args.ports.split(",")))
    args.warm = 12 if args.quick else 40
    args.definitions = 10 if args.quick else 30
    args.steps = 3 if args.quick else 5
    args.users = [10, 30] if args.quick else [10, 30, 50]
    args.cycles = 200 if args.quick else 1000
    args.render_every = 5          # every 5th cycle renders the page; the others connect and disconnect only
    args.cycle_page = "map"  # replaced by the resolved Map url_path below
    args.browser_repeats = 3 if args.quick else 5
    chosen = [s.strip() for s in args.only.split(",") if s.strip()]
    print(f"Core Cities dashboard benchmark ({', '.join(chosen)}); loopback, app on :{APP_PORT}")
    if "cold" in chosen:
        process = serve.start(APP_PORT, Path(tempfile.mkdtemp()) / "discover.log")
        try:
            serve.wait_healthy(APP, process, timeout=120)
            resolve_pages()
        finally:
            serve.stop(process)
        section_cold(args)
    rest = [s for s in chosen if s != "cold"]
    if rest:
        log = Path(tempfile.mkdtemp()) / "app.log"
        APP_PROCESS = serve.start(APP_PORT, log)
        try:
            serve.wait_healthy(APP, APP_PROCESS)
            resolve_pages()  # also makes the first run of the process a root-page run (see MPA-v1 note)
            args.cycle_page = PAGES["map"]
            for name in rest:
                try:
                    SECTIONS[name](args)
                except Exception as exc:  # noqa: BLE001 - one failing section must not hide the others
                    report(f"{name}: FAILED", f"{type(exc).__name__}: {exc}"[:200])
        finally:
            serve.stop(APP_PROCESS)
    if args.json:
        args.json.write_text(json.dumps(RESULTS, indent=2))


if __name__ == "__main__":
    main()
