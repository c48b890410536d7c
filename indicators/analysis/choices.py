"""The choices a link or a control may name, with their labels: areas, benchmarks, and the definition in words (the
sidebar, the embeds and the command line read the same lists)."""

from __future__ import annotations

from indicators.data import geography
from indicators.data.memo import per_database
from indicators.domain.definition import Definition
from indicators.domain.productivity import BASES, BENCHMARKS


@per_database
def benchmark_options() -> dict[str, str]:
    """Benchmark keys and labels: the three standard ones, the chosen council's statistical neighbours (council
    geography only: elsewhere the pages say why not), then each Core City as a peer."""
    options = dict(BENCHMARKS)
    for city, code in zip(geography.core_cities()["city"], geography.core_cities()["lad_code"]):
        options[code] = f"Peer: {city}"
    return options


def benchmark_label(key: str) -> str:
    return benchmark_options().get(key, key)


@per_database
def area_options() -> dict[str, str]:
    """Core Cities first, then every other local authority (code -> label)."""
    cities = geography.core_cities()
    options = {code: f"{city} (Core City)" for city, code in zip(cities["city"], cities["lad_code"])}
    for code, name in zip(geography.local_authorities()["lad_code"], geography.local_authorities()["lad_name"]):
        options.setdefault(code, name)
    return options


def definition_label(d: Definition) -> str:
    """The definition as the pages caption it, e.g. 'GVA per hour worked · council areas · vs UK (less Extra-Regio)
    · 2022'."""
    return d.label(BASES[d.basis].label, benchmark_label(d.benchmark))


def effective_geography(area: str, chosen: str) -> str:
    """The geography that can be shown for an area: a council outside any city region is shown as a council."""
    return chosen if chosen != "city-region" or geography.city_region_or_none(area) else "council"
