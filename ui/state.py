"""The shared definition controls, kept in the URL so a link reproduces the view, and the one parser of URL values.

Every value read from the query string is checked (against an allow-list, or a range for a number); anything else
falls back to the default with a visible notice naming the parameter. The sidebar starts from
`indicators.domain.definition.DEFAULT` and returns a `Definition`.
"""

from __future__ import annotations

import streamlit as st

from indicators.analysis import productivity
from indicators.analysis.choices import (  # noqa: F401  (pages and tests read these here)
    area_options,
    benchmark_label,
    benchmark_options,
    definition_label,
    effective_geography,
)
from indicators.data import geography
from indicators.domain.definition import DEFAULT, Definition, period_for
from indicators.domain.params import bounded_number, chosen, listed
from indicators.domain.productivity import BASES

NOTICES_KEY = "_url_notices"
PENDING_AREA_KEY = "_pending_area"


def shown(raw, limit: int = 40) -> str:
    """A value from the link or a client, safe to echo in a notice: cut to `limit` characters, control characters
    escaped (repr), and set as inline code so markdown links, images and HTML in it are shown literally."""
    return "`" + repr(str(raw)[:limit]).replace("`", "'") + "`"


def shown_list(values: list, most: int = 5) -> str:
    """Up to `most` rejected values, each made safe by `shown`, then how many more there were."""
    more = f" and {len(values) - most} more" if len(values) > most else ""
    return ", ".join(map(shown, values[:most])) + more


def _notice(message: str) -> None:
    st.session_state.setdefault(NOTICES_KEY, []).append(message)


# ------------------------------------------------------------------------------------------------ the URL parser
# One value from an allow-list (url_value, page_param), a list from an allow-list (page_list_param) and a number in
# a range (page_number_param); each falls back to its default with a notice naming the parameter. The pure parts
# (indicators.domain.params: chosen, listed, bounded_number) take the raw text and are shared with the embeds.


def url_value(param: str, allowed, default):
    """A query-string value if it is allowed, else the default (with a notice naming the parameter)."""
    raw = st.query_params.get(param)
    value, refused = chosen(raw, allowed, default)
    if refused:
        _notice(f"Ignored the link's {param}={shown(raw)}: not a valid choice, so the default is shown.")
    return value


def _seed(widget_key: str, param: str, allowed, default) -> None:
    """On a session's first run, seed a widget from the URL (validated)."""
    if widget_key not in st.session_state:
        st.session_state[widget_key] = url_value(param, allowed, default)


def page_param(param: str, allowed, default, widget_key: str | None = None):
    """A page-specific URL value (validated), also seeding the page widget with `widget_key` if given."""
    if widget_key:
        _seed(widget_key, param, allowed, default)
        show_notices()  # the frame has already shown its notices on this run: show the page's own now
        return st.session_state[widget_key]
    value = url_value(param, allowed, default)
    show_notices()
    return value


LIST_NOTICE = "Ignored part of the link's {param}: only known codes (at most {limit}) are used."


def page_list_param(
    param: str,
    allowed,
    default: list,
    widget_key: str,
    limit: int | None = 10,
    *,
    trim: bool = False,
    notice: str = LIST_NOTICE,
) -> list:
    """A comma-separated page URL value seeding a multiselect widget `widget_key` on first run: the allowed items
    (see `listed`), at most `limit` (None: no limit), else `default`. Unknown items, or more than `limit`, give
    `notice`, formatted with {param}, {limit} and {rejected} (the rejected items, shown safely)."""
    if widget_key not in st.session_state:
        raw = st.query_params.get(param)
        chosen = list(default)
        if raw is not None:
            kept, rejected, given = listed(raw, allowed, trim=trim)
            if rejected or (limit is not None and given > limit):
                _notice(notice.format(param=param, limit=limit, rejected=shown_list(rejected)))
            chosen = kept[:limit] or list(default)
        st.session_state[widget_key] = chosen
        show_notices()
    return st.session_state[widget_key]


NUMBER_NOTICE = "Ignored the link's {param}={raw}: not a number between {low:g} and {high:g}, so none is used."


def page_number_param(param: str, low: float, high: float, widget_key: str, *, notice: str = NUMBER_NOTICE):
    """A number from the page URL (see `bounded_number`) seeding a number input `widget_key` on first run; None when
    the link has none, or (with `notice`, formatted with {param}, {raw}, {low} and {high}) when it is not valid."""
    if widget_key not in st.session_state:
        raw = st.query_params.get(param)
        try:
            st.session_state[widget_key] = bounded_number(raw, low, high)
        except ValueError:
            _notice(notice.format(param=param, raw=shown(raw), low=low, high=high))
            st.session_state[widget_key] = None
        show_notices()
    return st.session_state[widget_key]


CONTROLS = ("area", "geography", "basis", "benchmark", "year")
CONTROL_LABELS = {"area": "Area", "geography": "Geography", "basis": "Basis", "benchmark": "Benchmark", "year": "Year"}
# The shared controls each page reads (by page title); the others are not drawn there, and the sidebar says so.
PAGE_CONTROLS = {
    "Overview": CONTROLS,
    "City profile": CONTROLS,
    "Productivity gap": CONTROLS,
    "Map": ("year",),
    "Compare": ("area", "basis", "year"),
    "Indicator explorer": ("area",),
    "Tax and spend": ("area", "geography"),
    "European peers": ("area",),
    "Claims check": (),
    "Case studies": (),
    "Data and methods": (),
    "Revisions": (),
}


def sidebar_controls(page: str | None = None) -> Definition:
    """Render the shared controls the page `page` (its title) reads in the sidebar and return the current definition;
    keeps the URL in step. Controls a page does not read are not drawn (their values are kept for the next page)."""
    geographies = list(geography.GEOGRAPHIES)
    bases = list(BASES)
    benchmarks = benchmark_options()
    areas = area_options()
    _seed("geography", "geo", geographies, DEFAULT.geography)
    _seed("basis", "basis", bases, DEFAULT.basis)
    _seed("benchmark", "bench", list(benchmarks), DEFAULT.benchmark)
    _seed("area", "area", list(areas), DEFAULT.area)
    pending = st.session_state.pop(PENDING_AREA_KEY, None)
    if pending in areas:  # set by open_profile() on the previous run (a widget's value can't change once drawn)
        st.session_state["area"] = pending
    drawn = PAGE_CONTROLS.get(page, CONTROLS)
    for key in CONTROLS:  # a widget not drawn on a run loses its value; re-assigning keeps it for the next page
        if key not in drawn and key in st.session_state:
            st.session_state[key] = st.session_state[key]
    with st.sidebar:
        st.header("Definitions")
        if "area" in drawn:
            st.selectbox(
                "Area",
                list(areas),
                format_func=areas.get,
                key="area",
                filter_mode="contains",
                help="Any Core City or local authority (ONS code).",
            )
        if "geography" in drawn:
            st.radio(
                "Geography",
                geographies,
                format_func=geography.GEOGRAPHIES.get,
                key="geography",
                help="Council area, or the city region the council sits in.",
            )
        if "basis" in drawn:
            st.radio("Basis", bases, format_func=lambda b: BASES[b].label, key="basis")
        if "benchmark" in drawn:
            st.selectbox("Benchmark", list(benchmarks), format_func=benchmarks.get, key="benchmark")
        years = productivity.available_years(st.session_state["basis"])  # read once the basis widget has checked it
        _seed("year", "year", years, period_for(years, DEFAULT.year))
        wanted = st.session_state["year"]
        if wanted not in years:  # the basis changed (or a forged value): the year shown by the one rule
            st.session_state["year"] = period_for(years, wanted if type(wanted) is int else None)
            _notice(
                f"{shown(wanted)} has no {BASES[st.session_state['basis']].label} data; "
                f"showing {st.session_state['year']}."
            )
        if "year" in drawn:
            st.selectbox("Year", years[::-1], key="year")
        unused = [CONTROL_LABELS[key] for key in CONTROLS if key not in drawn]
        if unused:
            st.caption(
                (
                    "This page uses none of the shared definitions."
                    if not drawn
                    else f"Not used on this page: {', '.join(unused).lower().capitalize()}."
                )
                + " Your choices are kept for the other pages."
            )
        area, geo, basis, benchmark, year = (st.session_state[key] for key in CONTROLS)
        if "geography" in drawn and effective_geography(area, geo) != geo:
            st.info(
                f"{areas.get(area, area)} is in no combined authority or city region, so council figures are shown.",
                icon="ℹ️",
            )
    definition = Definition(area, effective_geography(area, geo), basis, benchmark, year)
    st.query_params.update({"geo": geo, "basis": basis, "bench": benchmark, "year": str(year), "area": area})
    return definition


def ensure_frame(*, controls: bool = True) -> None:
    """Rerun through app.py if Streamlit ran a page on its own.

    On a fresh server process, a deep link (e.g. /map) is served by Streamlit's legacy `pages/` folder discovery,
    which runs the page file without the frame, until some run calls st.navigation. The frame's st.navigation
    clears PagesManager.uses_pages_directory, so a page that sees it still set was run without the frame.
    `controls=False` for a page the frame draws no controls for (the chart-only embed).
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory or (controls and "geography" not in st.session_state):
        PagesManager.uses_pages_directory = False
        st.rerun()


def current() -> Definition:
    """The definition chosen in the frame (pages call this; the frame must have run sidebar_controls)."""
    ensure_frame()
    s = st.session_state
    return Definition(s["area"], effective_geography(s["area"], s["geography"]), s["basis"], s["benchmark"], s["year"])


def open_profile(area_code: str) -> None:
    """Make `area_code` the chosen area and go to the City profile page (e.g. after a click on the map)."""
    st.session_state[PENDING_AREA_KEY] = area_code
    st.query_params["area"] = area_code
    st.switch_page("pages/city_profile.py")


def show_notices() -> None:
    """Show (once) what was ignored from the link."""
    for message in st.session_state.pop(NOTICES_KEY, []):
        st.info(message, icon="ℹ️")
