"""Warm the process-wide memo once per process, so visitors after the first don't pay for the expensive tables.

`start()` is idempotent and cheap: the first call starts one background thread that computes what the pages read on
their default views (the memoised functions in measures, productivity, fiscal, geography), then freezes the objects
that exist by then out of the garbage collector's sight (`gc.freeze()`), so Python's full collections no longer walk
the memoised tables, plotly's validators and the imported modules each time.
"""

from __future__ import annotations

import gc
import threading
from dataclasses import replace

from indicators.domain.definition import DEFAULT, Definition, period_for
from indicators.domain.measure_spec import BASIS_MEASURE
from indicators.domain.place import COUNCIL
from indicators.domain.productivity import BASES, BENCHMARKS

_started = False
_lock = threading.Lock()
done = threading.Event()


def warm() -> None:
    """Compute the default views' memoised results (errors are ignored: a page reports its own)."""
    from indicators.analysis import fiscal, measures, place, productivity, revisions
    from indicators.data import aggregates, catalog, geography

    steps = [lambda m=measure_id: aggregates.table(m) for measure_id in measures.REGISTRY]  # every measure's rows
    steps += [
        catalog.warehouse_summary,
        fiscal.core_cities_gap,
        lambda: measures.claimed("cc_productivity_gap"),
        lambda: measures.claimed("cc_tax_spend_gap"),
        lambda: geography.boundaries_url("lad"),
        lambda: measures.label_points("lad"),
        catalog.data_version,
        revisions.pairs,  # the vintages compared: every chart's "revised since" note reads them
        revisions.headline_moves,
    ]
    d = DEFAULT  # the definition a new visitor starts on, on each basis in its latest year
    for basis in BASES:
        shown = replace(d, basis=basis, year=period_for(productivity.available_years(basis), d.year))
        steps += [
            lambda s=shown: measures.headline_productivity(s.basis, s.geography, s.benchmark, s.year),
            lambda s=shown: measures.core_city_values(BASIS_MEASURE[s.basis], s.year, "lad"),
            lambda s=shown: measures.core_city_points(BASIS_MEASURE[s.basis], s.year),
            lambda s=shown: measures.city_sentences(s),
            lambda s=shown: productivity.gap(s),
            lambda s=shown: productivity.gap_series(s),
        ]
    year = period_for(productivity.available_years(d.basis), d.year)  # the year the sidebar starts on
    steps += [
        lambda: measures.definitions_grid(d.area, year),
        lambda: productivity.decomposition(Definition(d.area, d.geography, benchmark=d.benchmark, year=year)),
        lambda: productivity.scenario(Definition(d.area, d.geography, d.basis, d.benchmark, year), 2035, 10),
    ]
    for level in measures.LEVELS:
        steps.append(lambda lv=level: measures.available(lv))
        steps.append(lambda lv=level: measures.ranking("gva_per_hour", year, lv))
    for area in measures.core_city_codes("lad"):  # the ten Core Cities' profiles on every geography and benchmark
        for geography_key in geography.GEOGRAPHIES:
            for benchmark in BENCHMARKS:
                shown = replace(d, area=area, geography=geography_key, benchmark=benchmark, year=year)
                steps.append(lambda s=shown: measures.profile_view(s))

    def explorer_default(area: str):
        return place.explorer_view(place.catalogue()["indicator_id"].iloc[0], COUNCIL, area, "core")

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
