"""Benchmark of what users feel (issues 7 and 15). Prints figures; not part of the test suite (pytest collects
tests/ only).

    .venv/bin/python benchmarks/run.py                 # everything (about 45 minutes on 2 cores)
    .venv/bin/python benchmarks/run.py --quick         # fewer visitors and inputs (about 15 minutes)
    .venv/bin/python benchmarks/run.py --only cold,warm,concurrency,flood,payload,proxy,memory,inputs,browser

Loopback only. Starts its own app (port 8619), nginx with deploy/nginx.conf (port 8089; skipped if nginx is absent),
a static file server (port 8088) and a bare Streamlit app (STATIC - 1, 8087); for the concurrency and flood runs also
`--replicas N` app processes (ports after the app's) behind nginx; stops them all at the end (`--ports APP,PROXY,STATIC`
to move them).

Every page is measured, each rerun on a definition drawn at random (any council, geography, basis, benchmark and
year), as a visitor exploring would: cold (a fresh process, the page's deep link first), warm (one visitor; the same
definition again, and a new random definition each time), and 1/10/30/50 visitors per page, twice: a burst (every
visitor clicks again the moment a run ends) and paced (visitors arrive over 10 s and pause 1-5 s between clicks, as
people reading charts do). The flood run measures ten paced visitors with and without one client sending
`clear_cache` every 100 ms; the inputs run sends 10,000 distinct visitor inputs (definitions, exchange rates,
apportionment keys) and follows the process's memory.

Targets (issues 7 and 15, 2-core machine): first chart <= 2.5 s; warm p95 <= 150 ms on every page for one visitor;
50 visitors (two replicas) p95 <= 1 s on every page with 0 errors; the clear_cache flood moves p95 by < 20 %; memory
flat after 10,000 distinct inputs; map update <= 150 KB; first visit <= 3 MB; time-to-chart <= 1.5 x a static Plotly
page.
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
from indicators.exports.reuse import EMBED_PATH  # noqa: E402
from indicators.views.embed import CHARTS as EMBEDDABLE  # noqa: E402

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
    preferred = {
        PAGES["map"]: ["map_measure", "map_level"],
        PAGES["productivity"]: ["gap_window", "basis"],
        "": ["basis"],
    }
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


async def concurrent(
    sessions: int, steps: int, base: str | None = None, think: tuple[float, float] | None = None, ramp: float = 0.0
) -> tuple[list[float], int, float]:
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
            async with Session(
                base or APP,
                page=page,
                timeout=120,
                cookie=f"cc_affinity={n:032x}",
                local_address=f"127.0.{n // 250}.{n % 250 + 2}",
            ) as session:
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


def all_pages() -> dict[str, str]:
    """url_path -> title of every page once (the default page is reachable at "" and at its own path), and the
    chart-only embed route, which no navigation lists (each run there draws a chart drawn at random)."""
    found = asyncio.run(discover_pages(APP))
    pages: dict[str, str] = {}
    for path, title in found.items():
        if title not in pages.values():
            pages[path] = title
    pages[EMBED_PATH] = "Embed (a random chart)"
    return pages


def section_cold(args) -> None:
    print(
        "\nCold start, every page: a fresh process (warehouse already built), the page's deep link first, "
        "on a definition drawn at random"
    )
    for number, (page, title) in enumerate(args.pages.items()):
        log = Path(tempfile.mkdtemp()) / "cold.log"
        started = time.perf_counter()
        process = serve.start(APP_PORT, log)
        try:
            healthy = serve.wait_healthy(APP, process, timeout=120)
            sent_at = time.perf_counter()
            run = asyncio.run(_first_run(page, random_query(random.Random(number), page)))
            first_chart = None if run.first_chart_seconds is None else sent_at - started + run.first_chart_seconds
            report(f"cold {title}: start -> healthy / first run (ok={run.ok})", f"{ms(healthy)} / {ms(run.seconds)}")
            report(f"cold {title}: start -> first chart", ms(first_chart), "target <= 2500 ms")
        finally:
            serve.stop(process)


def random_query(rng: random.Random, page: str = "") -> str:
    """A deep link's query string with a definition drawn at random (the app validates and corrects it); on the
    embed route, a chart drawn at random too."""
    chart = f"chart={rng.choice(sorted(EMBEDDABLE))}&embed=true&" if page == EMBED_PATH else ""
    return chart + _random_definition(rng)


def _random_definition(rng: random.Random) -> str:
    area = rng.choice(
        [
            "E08000025",
            "E06000023",
            "W06000015",
            "S12000049",
            "E08000035",
            "E08000012",
            "E08000003",
            "E08000021",
            "E06000018",
            "E08000019",
            "E09000001",
            "E07000008",
            "E06000001",
        ]
    )
    return (
        f"area={area}&basis={rng.choice(['head', 'job', 'hour'])}&geo={rng.choice(['council', 'city-region'])}"
        f"&bench={rng.choice(['uk', 'uk-ex-london', 'core-cities'])}&year={rng.randint(2005, 2023)}"
    )


async def _first_run(page: str, query: str = "", base: str | None = None):
    async with Session(base or APP, page=page, query=query) as session:
        return await session.rerun()


async def _first_chart(page: str, base: str | None = None):
    return await _first_run(page, base=base)


DEFINITION_KEYS = ("area", "geography", "basis", "benchmark", "year")  # the sidebar's shared controls


async def random_definitions(
    page: str,
    count: int,
    seed: int,
    base: str | None = None,
    think: tuple[float, float] | None = None,
    repeat: bool = False,
    ramp: float = 0.0,
) -> tuple[list[float], int]:
    """Latency of `count` reruns of `page`, each after setting every sidebar control to a value drawn at random
    (any council, geography, basis, benchmark and year), as a visitor exploring definitions would; with `repeat`,
    the same definition each time (what a warm rerun costs). Each visitor has its own loopback address and
    affinity cookie."""
    rng, latencies, errors = random.Random(seed), [], 0
    await asyncio.sleep(ramp)
    try:
        async with Session(
            base or APP,
            page=page,
            timeout=120,
            cookie=f"cc_affinity={seed:032x}",
            local_address=f"127.0.{seed // 250 % 250}.{seed % 250 + 2}",
        ) as session:
            first = await session.rerun(query=random_query(rng, page) if page == EMBED_PATH else None)
            errors += 0 if first.ok else 1
            changes = {}
            for _ in range(count):
                if think:
                    await asyncio.sleep(rng.uniform(*think))
                if page == EMBED_PATH:  # no controls: the definition (and the chart) is in the link
                    run = await session.rerun(query=None if repeat else random_query(rng, page))
                    latencies.append(run.seconds)
                    errors += 0 if run.ok else 1
                    continue
                if not repeat or not changes:
                    changes = {
                        key: rng.choice(session.widgets[key]["options"])
                        for key in DEFINITION_KEYS
                        if session.widgets.get(key, {}).get("options")
                    }
                run = await session.rerun(changes)
                latencies.append(run.seconds)
                errors += 0 if run.ok else 1
    except Exception as exc:  # noqa: BLE001 - counted as an error, reported
        errors += 1
        print(f"    visitor {seed}: {type(exc).__name__}: {exc}", flush=True)
    return latencies, errors


def section_warm(args) -> None:
    print(
        f"\nWarm, one visitor, every page ({args.warm} reruns each; rerun -> script_finished): the same definition "
        "again, then a new random definition each time"
    )
    same_all, random_all = [], []
    for number, (page, title) in enumerate(args.pages.items()):
        same, errors_same = asyncio.run(random_definitions(page, args.warm, seed=number + 1, repeat=True))
        fresh, errors_fresh = asyncio.run(random_definitions(page, args.warm, seed=number + 101))
        same_all += same
        random_all += fresh
        report(
            f"warm {title}, same definition: p50 / p95 (errors {errors_same})",
            f"{ms(pct(same, 50))} / {ms(pct(same, 95))}",
            verdict(pct(same, 95), 0.150),
        )
        report(
            f"warm {title}, random definitions: p50 / p95 (errors {errors_fresh})",
            f"{ms(pct(fresh, 50))} / {ms(pct(fresh, 95))}",
            verdict(pct(fresh, 95), 0.150),
        )
    report("warm, every page, same definition: p95", ms(pct(same_all, 95)), verdict(pct(same_all, 95), 0.150))
    report("warm, every page, random definitions: p95", ms(pct(random_all, 95)), verdict(pct(random_all, 95), 0.150))


def verdict(seconds: float, target: float) -> str:
    return f"target <= {target * 1000:.0f} ms: {'met' if seconds <= target else 'MISSED'}"


async def crowd(
    page: str, users: int, steps: int, base: str | None, paced: bool, seed: int = 0
) -> tuple[list[float], int]:
    """`users` visitors on one page, each loading it and then changing the definition `steps` times."""
    think, ramp = ((1.0, 5.0), 10.0) if paced else (None, 0.0)
    results = await asyncio.gather(
        *(
            random_definitions(page, steps, seed=seed + n + 1, base=base, think=think, ramp=ramp * n / users)
            for n in range(users)
        )
    )
    return [x for r in results for x in r[0]], sum(r[1] for r in results)


def section_concurrency(args) -> None:
    replicas, nginx = [], None
    base, label = None, "1 process, direct"
    if args.replicas > 1 and proxy.nginx_binary() is not None:
        replicas, nginx = start_replicas(args.replicas)
        base, label = f"http://127.0.0.1:{PROXY_PORT}", f"{args.replicas} replicas via the proxy"
    try:
        for paced in (False, True):
            model = "paced: arrive over 10 s, think 1-5 s" if paced else "burst: all at once, no think time"
            print(f"\nVisitors per page, {label}, {model} (each: load the page, then {args.steps} random definitions)")
            for page, title in args.pages.items():
                for users in args.users:
                    started = time.perf_counter()
                    latencies, errors = asyncio.run(crowd(page, users, args.steps, base, paced, seed=users * 1000))
                    target = verdict(pct(latencies, 95), 1.0) if users == 50 else ""
                    report(
                        f"{title}, {users} visitors: p50 / p95 / errors / wall",
                        f"{ms(pct(latencies, 50))} / {ms(pct(latencies, 95))} / {errors} / "
                        f"{time.perf_counter() - started:.0f} s",
                        target,
                    )
    finally:
        if nginx is not None:
            proxy.stop(nginx)
        for process in replicas:
            serve.stop(process)


def section_flood(args) -> None:
    """Ten paced visitors on random pages and definitions, without and then with one client sending clear_cache
    every 100 ms (any anonymous client can send it). The same visitors and definitions each time, after an unmeasured
    first pass, so the two runs differ only by the flood."""
    print(
        "\nclear_cache flood: ten paced visitors on random pages and definitions, one process; without and with a "
        "client sending clear_cache every 100 ms"
    )
    paths = list(args.pages)

    async def visitors(flood: bool) -> tuple[list[float], int, int]:
        stop, sent = asyncio.Event(), 0

        async def flooder() -> None:
            nonlocal sent
            async with Session(APP, timeout=120, local_address="127.0.250.2") as session:
                await session.rerun()
                while not stop.is_set():
                    await session.clear_cache()
                    sent += 1
                    await asyncio.sleep(0.1)

        task = asyncio.create_task(flooder()) if flood else None
        results = await asyncio.gather(
            *(
                random_definitions(paths[n % len(paths)], args.steps * 2, seed=500 + n, think=(1.0, 5.0), ramp=n)
                for n in range(10)
            )
        )
        stop.set()
        if task:
            await task
        return [x for r in results for x in r[0]], sum(r[1] for r in results), sent

    asyncio.run(visitors(False))  # unmeasured: both measured runs then find the same definitions computed
    quiet, errors_quiet, _ = asyncio.run(visitors(False))
    flooded, errors_flooded, sent = asyncio.run(visitors(True))
    report(f"10 visitors, no flood: p50 / p95 (errors {errors_quiet})", f"{ms(pct(quiet, 50))} / {ms(pct(quiet, 95))}")
    report(
        f"10 visitors, {sent} clear_cache messages: p50 / p95 (errors {errors_flooded})",
        f"{ms(pct(flooded, 50))} / {ms(pct(flooded, 95))}",
    )
    change = pct(flooded, 95) / pct(quiet, 95) - 1
    report(
        "p95 change under the flood",
        f"{change * 100:+.0f} %",
        f"target < +20 %: {'met' if change < 0.20 else 'MISSED'}",
    )


def start_replicas(count: int) -> tuple[list, object]:
    """`count` identical app processes (ports after the app's) behind deploy/nginx.conf, each warmed on every page."""
    ports = [APP_PORT + 1 + i for i in range(count)]
    processes = [serve.start(port, Path(tempfile.mkdtemp()) / "replica.log") for port in ports]
    for port, process in zip(ports, processes):
        serve.wait_healthy(f"http://127.0.0.1:{port}", process)
        time.sleep(8)  # the warm-up thread
        for page in ALL_PAGES:
            asyncio.run(_first_chart(page, f"http://127.0.0.1:{port}"))
    return processes, proxy.start(Path(tempfile.mkdtemp()) / "nginx", PROXY_PORT, ports)


def section_payload(args) -> None:
    print("\nPayloads over the websocket (uncompressed protobuf; gzip -6 as an estimate of the deflated frame)")
    for label, page in PAGES.items():
        run = asyncio.run(_first_chart(page))
        charts = run.chart_bytes
        biggest = max(charts) if charts else 0
        compressed = len(gzip.compress(max(run.charts, key=len), 6)) if run.charts else 0
        report(f"{label}: whole page render", f"{run.bytes / 1024:.0f} KB")
        report(
            f"{label}: largest chart message / gzip",
            f"{biggest / 1024:.0f} / {compressed / 1024:.0f} KB",
            "target map <= 150 KB" if label == "map" else "",
        )
    latencies, sizes, _ = asyncio.run(warm_latencies(PAGES["map"], 4))
    if sizes:
        report(
            "map: chart bytes per map update (median)", f"{statistics.median(sizes) / 1024:.0f} KB", "target <= 150 KB"
        )


def section_proxy(args) -> None:
    print("\nFirst visit through deploy/nginx.conf (Chromium, cold cache; encoded bytes on the wire)")
    if proxy.nginx_binary() is None:
        report("first visit bytes through proxy", "skipped (no nginx)")
        return
    prefix = Path(tempfile.mkdtemp()) / "nginx"
    nginx = proxy.start(prefix, PROXY_PORT, APP_PORT)
    try:
        for label, path in (("overview", "/"), ("map", "/" + PAGES["map"])):
            total, direct = first_visit_bytes(f"http://127.0.0.1:{PROXY_PORT}{path}"), first_visit_bytes(f"{APP}{path}")
            report(f"first visit {label}: via proxy (gzip)", f"{total / 1e6:.2f} MB", "target <= 3 MB")
            report(f"first visit {label}: direct to Streamlit", f"{direct / 1e6:.2f} MB")
    finally:
        proxy.stop(nginx)


def _browser(playwright):
    return playwright.chromium.launch(
        executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    )


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
    report(
        f"RSS after {args.cycles} cycles ({time.perf_counter() - started:.0f} s, {failures} failures)",
        f"{after / 1024:.0f} MB",
    )
    report("RSS growth", f"{(after - warm) / warm * 100:+.1f} %", "target < 5 %")


def section_browser(args) -> None:
    print(
        "\nTime to chart in Chromium: the app page vs a static HTML page of the same Plotly figure (cold cache);"
        "\na bare Streamlit app drawing only that figure shows the framework's own floor"
    )
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
    urls = {
        "app (productivity)": f"{APP}/{PAGES['productivity']}",
        "static Plotly page": f"http://127.0.0.1:{STATIC_PORT}/figure.html",
        "bare Streamlit app, same figure": f"http://127.0.0.1:{bare_port}/",
    }
    if proxy.nginx_binary() is not None:
        nginx = proxy.start(Path(tempfile.mkdtemp()) / "nginx", PROXY_PORT, APP_PORT)
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
    report(
        "time to chart: ratio bare Streamlit / static (the floor)",
        f"{medians['bare Streamlit app, same figure'] / static:.2f} x",
    )


def start_bare_app(spec: str, folder: Path, port: int):
    """`streamlit run` of a one-line app that draws `spec` (default settings, no proxy)."""
    (folder / "figure.json").write_text(spec)
    (folder / "bare_app.py").write_text(
        "import pathlib\nimport plotly.io as pio\nimport streamlit as st\n\n"
        "spec = (pathlib.Path(__file__).parent / 'figure.json').read_text()\n"
        "st.plotly_chart(pio.from_json(spec, skip_invalid=True))\n"
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(folder / "bare_app.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
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


def section_inputs(args) -> None:
    """Distinct visitor inputs, as one hostile client walking the widgets would send them: City profile on random
    definitions, Claims check at distinct exchange rates, Tax and spend on random apportionment keys; the process's
    resident memory every tenth of the way."""
    print(f"\nMemory after {args.inputs:,} distinct visitor inputs (one process; 8 clients; RSS of the app process)")
    pid = APP_PROCESS.pid
    by_title = {title: page for page, title in args.pages.items()}
    profile, claims, tax = by_title["City profile"], by_title["Claims check"], by_title["Tax and spend"]
    done, failures, samples = 0, 0, []
    rng = random.Random(15)
    started = time.perf_counter()

    async def client(number: int, share: int) -> None:
        nonlocal done, failures
        async with (
            Session(APP, page=profile, timeout=120, local_address=f"127.0.251.{number + 2}") as s_profile,
            Session(APP, page=claims, timeout=120, local_address=f"127.0.252.{number + 2}") as s_claims,
            Session(APP, page=tax, timeout=120, local_address=f"127.0.253.{number + 2}") as s_tax,
        ):
            for session in (s_profile, s_claims, s_tax):
                await session.rerun()
            keys = [k for k in s_tax.widgets if k.startswith("fiscal_") and k != "fiscal_year"]
            for i in range(share):
                kind = i % 3
                if kind == 0:
                    run = await s_profile.rerun(
                        {
                            k: rng.choice(s_profile.widgets[k]["options"])
                            for k in DEFINITION_KEYS
                            if s_profile.widgets.get(k, {}).get("options")
                        }
                    )
                elif kind == 1:
                    run = await s_claims.rerun({"claims_eur": round(rng.uniform(0.5, 2.5), 4)})
                else:
                    run = await s_tax.rerun(
                        {k: rng.choice(s_tax.widgets[k]["options"]) for k in keys}
                        | {"area": rng.choice(s_tax.widgets["area"]["options"])}
                    )
                failures += 0 if run.ok else 1
                done += 1
                if done % max(1, args.inputs // 10) == 0:
                    samples.append((done, rss_kb(pid), time.perf_counter() - started))
                    print(
                        f"    {done:>6} inputs: RSS {samples[-1][1] / 1024:.0f} MB ({samples[-1][2]:.0f} s)", flush=True
                    )

    before = rss_kb(pid)
    report("RSS before", f"{before / 1024:.0f} MB")

    async def everyone() -> None:
        await asyncio.gather(*(client(n, args.inputs // 8) for n in range(8)))

    asyncio.run(everyone())
    if samples:
        half = samples[len(samples) // 2][1]
        report(f"RSS after {samples[-1][0]:,} inputs ({failures} failed runs)", f"{samples[-1][1] / 1024:.0f} MB")
        growth = (samples[-1][1] - half) / half * 100
        report(
            "RSS growth over the second half of the inputs",
            f"{growth:+.1f} %",
            f"target flat (< 5 %): {'met' if growth < 5 else 'MISSED'}",
        )


SECTIONS = {
    "cold": section_cold,
    "warm": section_warm,
    "concurrency": section_concurrency,
    "flood": section_flood,
    "payload": section_payload,
    "proxy": section_proxy,
    "memory": section_memory,
    "inputs": section_inputs,
    "browser": section_browser,
}
APP_PROCESS = None
ALL_PAGES: dict[str, str] = {}


def set_ports(app: int, proxy_port: int, static: int) -> None:
    global APP_PORT, PROXY_PORT, STATIC_PORT, APP
    APP_PORT, PROXY_PORT, STATIC_PORT = app, proxy_port, static
    APP = f"http://127.0.0.1:{APP_PORT}"


def main() -> None:
    global APP_PROCESS
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=",".join(SECTIONS))
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--inputs",
        type=int,
        help="distinct visitor inputs for the inputs run (default 10,000; "
        "2,000 with --quick; about 0.3 s each on 2 cores)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument(
        "--replicas",
        type=int,
        default=os.cpu_count() or 1,
        help="app processes behind the proxy for the concurrency runs (default: one per core)",
    )
    parser.add_argument(
        "--ports",
        default=f"{APP_PORT},{PROXY_PORT},{STATIC_PORT}",
        help="app,proxy,static loopback ports (default %(default)s)",
    )
    args = parser.parse_args()
    set_ports(*(int(p) for p in args.ports.split(",")))
    args.warm = 12 if args.quick else 30
    args.steps = 2 if args.quick else 3
    args.users = [1, 10, 50] if args.quick else [1, 10, 30, 50]
    args.cycles = 200 if args.quick else 1000
    args.inputs = args.inputs or (2000 if args.quick else 10_000)
    args.render_every = 5  # every 5th cycle renders the page; the others connect and disconnect only
    args.cycle_page = "map"  # replaced by the resolved Map url_path below
    args.browser_repeats = 3 if args.quick else 5
    chosen = [s.strip() for s in args.only.split(",") if s.strip()]
    print(f"Core Cities dashboard benchmark ({', '.join(chosen)}); loopback, app on :{APP_PORT}")
    process = serve.start(APP_PORT, Path(tempfile.mkdtemp()) / "discover.log")
    try:
        serve.wait_healthy(APP, process, timeout=120)
        resolve_pages()
        args.pages = all_pages()
        ALL_PAGES.update(args.pages)
        print(f"  every page: {', '.join(args.pages.values())}", flush=True)
    finally:
        serve.stop(process)
    if "cold" in chosen:
        section_cold(args)
    rest = [s for s in chosen if s != "cold"]
    if rest:
        log = Path(tempfile.mkdtemp()) / "app.log"
        APP_PROCESS = serve.start(APP_PORT, log)
        try:
            serve.wait_healthy(APP, APP_PROCESS)
            resolve_pages()  # also makes the first run of the process a root-page run (see MPA-v1 note)
            time.sleep(8)  # the warm-up thread (what every visitor after the first finds done)
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
