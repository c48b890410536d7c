"""The shared definition controls, kept in the URL so a link reproduces the view.

Every value read from the query string is checked against an allow-list; anything else falls back to the
default with a visible notice.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from indicators import geography, productivity

NOTICES_KEY = "_url_notices"


@dataclass(frozen=True)
class Definition:
    """The user's current choice of definitions (shared by every page)."""

    geography: str
    basis: str
    benchmark: str
    year: int
    area: str

    @property
    def label(self) -> str:
        """E.g. 'GVA per hour worked · council areas · vs UK (less Extra-Regio) · 2022'."""
        return (f"{productivity.BASES[self.basis].label} · {self.geography.replace('-', ' ')} areas · "
                f"vs {benchmark_label(self.benchmark)} · {self.year}")


def benchmark_options() -> dict[str, str]:
    """Benchmark keys and labels: the three standard ones, then each Core City as a peer."""
    options = dict(productivity.BENCHMARKS)
    for city, code in zip(geography.core_cities()["city"], geography.core_cities()["lad_code"]):
        options[code] = f"Peer: {city}"
    return options


def benchmark_label(key: str) -> str:
    return benchmark_options().get(key, key)


def area_options() -> dict[str, str]:
    """Core Cities first, then every other local authority (code -> label)."""
    cities = geography.core_cities()
    options = {code: f"{city} (Core City)" for city, code in zip(cities["city"], cities["lad_code"])}
    for code, name in zip(geography.local_authorities()["lad_code"], geography.local_authorities()["lad_name"]):
        options.setdefault(code, name)
    return options


def _notice(message: str) -> None:
    st.session_state.setdefault(NOTICES_KEY, []).append(message)


def url_value(param: str, allowed, default):
    """A query-string value if it is allowed, else the default (with a notice naming the parameter)."""
    raw = st.query_params.get(param)
    if raw is None:
        return default
    for option in allowed:
        if str(option) == raw:
            return option
    _notice(f"Ignored the link's {param}={raw[:40]!r}: not a valid choice, so the default is shown.")
    return default


def _seed(widget_key: str, param: str, allowed, default) -> None:
    """On a session's first run, seed a widget from the URL (validated)."""
    if widget_key not in st.session_state:
        st.session_state[widget_key] = url_value(param, allowed, default)


def sidebar_controls() -> Definition:
    """Render the shared controls in the sidebar and return the current definition; keeps the URL in step."""
    geographies = list(geography.GEOGRAPHIES)
    bases = list(productivity.BASES)
    benchmarks = benchmark_options()
    areas = area_options()
    _seed("geography", "geo", geographies, "council")
    _seed("basis", "basis", bases, "hour")
    _seed("benchmark", "bench", list(benchmarks), "uk")
    _seed("area", "area", list(areas), "E08000025")
    with st.sidebar:
        st.header("Definitions")
        area = st.selectbox("Area", list(areas), format_func=areas.get, key="area",
                            help="Any Core City or local authority (ONS code).")
        geo = st.radio("Geography", geographies, format_func=geography.GEOGRAPHIES.get, key="geography",
                       help="Council area, or the city region the council sits in.")
        basis = st.radio("Basis", bases, format_func=lambda b: productivity.BASES[b].label, key="basis")
        benchmark = st.selectbox("Benchmark", list(benchmarks), format_func=benchmarks.get, key="benchmark")
        years = productivity.available_years(basis)
        _seed("year", "year", years, years[-1])
        if st.session_state["year"] not in years:
            _notice(f"{st.session_state['year']} has no {productivity.BASES[basis].label} data; showing {years[-1]}.")
            st.session_state["year"] = years[-1]
        year = st.selectbox("Year", years[::-1], key="year")
    definition = Definition(geo, basis, benchmark, int(year), area)
    st.query_params.update({"geo": geo, "basis": basis, "bench": benchmark, "year": str(year), "area": area})
    return definition


def current() -> Definition:
    """The definition chosen in the frame (pages call this; the frame must have run sidebar_controls)."""
    s = st.session_state
    return Definition(s["geography"], s["basis"], s["benchmark"], int(s["year"]), s["area"])


def page_param(param: str, allowed, default, widget_key: str | None = None):
    """A page-specific URL value (validated), also seeding the page widget with `widget_key` if given."""
    if widget_key:
        _seed(widget_key, param, allowed, default)
        return st.session_state[widget_key]
    return url_value(param, allowed, default)


def show_notices() -> None:
    """Show (once) what was ignored from the link."""
    for message in st.session_state.pop(NOTICES_KEY, []):
        st.info(message, icon="ℹ️")
