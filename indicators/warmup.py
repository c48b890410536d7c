"""Warm the process-wide memo once per process, so visitors after the first don't pay for the expensive tables.

`start()` is idempotent and cheap: the first call starts one background thread that computes what the pages read on
their default views (the memoised functions in measures, productivity, fiscal, geography), then freezes the objects
that exist by then out of the garbage collector's sight (`gc.freeze()`), so Python's full collections no longer walk
the memoised tables, plotly's validators and the imported modules each time.
"""

from __future__ import annotations

import gc
import threading

_started = False
_lock = threading.Lock()
done = threading.Event()


def warm() -> None:
    """Compute the default views' memoised results (errors are ignored: a page reports its own)."""
    from indicators import fiscal, measures, place, productivity
    from indicators.data import aggregates, catalog, geography

    steps = [lambda m=measure_id: aggregates.table(m) for measure_id in measures.REGISTRY]  # every measure's rows
    steps += [
        catalog.warehouse_summary,
        fiscal.core_cities_gap,
        lambda: measures.claimed("cc_productivity_gap"),
        lambda: measures.claimed("cc_tax_spend_gap"),
        lambda: geography.boundaries_url("lad"),
        lambda: measures.label_points("lad"),
    ]
    for basis in productivity.BASES:
        year = productivity.available_years(basis)[-1]
        steps += [
            lambda b=basis, y=year: measures.headline_productivity(b, "council", "uk", y),
            lambda b=basis, y=year: measures.core_city_values(measures.BASIS_MEASURE[b], y, "lad"),
            lambda b=basis, y=year: measures.core_city_points(measures.BASIS_MEASURE[b], y),
            lambda b=basis, y=year: measures.city_sentences("council", "uk", b, y),
            lambda b=basis, y=year: measures.gap("E08000025", b, "council", "uk", y),
            lambda b=basis: productivity.gap_series("E08000025", b, "council", "uk"),
        ]
    year = productivity.available_years("hour")[-1]
    steps += [
        lambda: measures.definitions_grid("E08000025", year),
        lambda: productivity.decomposition("E08000025", "council", "uk", year),
        lambda: productivity.scenario("E08000025", "hour", "council", "uk", year, 2035, 10),
    ]
    for level in measures.LEVELS:
        steps.append(lambda lv=level: measures.available(lv))
        steps.append(lambda lv=level: measures.ranking("gva_per_hour", year, lv))
    for area in measures.core_city_codes("lad"):  # the ten Core Cities' profiles on every geography and benchmark
        for geography_key in geography.GEOGRAPHIES:
            for benchmark in productivity.BENCHMARKS:
                steps.append(lambda a=area, g=geography_key, b=benchmark: measures.profile_view(a, b, None, g))

    def explorer_default(area: str):
        return place.explorer_view(place.catalogue()["indicator_id"].iloc[0], place.COUNCIL, area, "core")

    for area in measures.core_city_codes("lad"):  # the ten Core Cities' whole-place views
        steps += [
            lambda a=area: place.scorecard(a),
            lambda a=area: place.sector_mix(a),
            lambda a=area: explorer_default(a),
        ]
    for step in steps:
        try:
            step()
        except (ValueError, KeyError, IndexError):
            pass


def _run() -> None:
    try:
        warm()
    finally:
        gc.collect()
        gc.freeze()  # long-lived state from here on: keep it out of every later full collection
        done.set()


def start() -> bool:
    """Start warming the warehouse's memo in the background once per process; True on the call that started it.

    Does nothing while queries point at a fixture database (tests).
    """
    global _started
    from indicators.data import db

    with _lock:
        if _started or db._active_path is not None:
            return False
        _started = True
    threading.Thread(target=_run, name="indicators-warmup", daemon=True).start()
    return True
