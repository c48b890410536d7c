"""Any chart of the dashboard rebuilt from a link alone: the chart-only embed view, the "Data CSV/JSON" buttons beside
each chart and `python -m indicators chart` all come through here, so they show the same figures in the same shape.

Each chart has an id (the key its page draws it under) and a builder reading the link's parameters through the same
allow-lists and defaults as its page (indicators.domain.params). What a builder read is recorded, so a document says
exactly which parameters define the chart; what it refused becomes a notice, never an error."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from indicators.analysis import choices, productivity
from indicators.analysis.choices import effective_geography
from indicators.data import catalog
from indicators.data.versions import version_hash
from indicators.domain import params
from indicators.domain.definition import BASIS_KEYS, DEFAULT, GEOGRAPHY_KEYS, Definition, period_for
from indicators.exports import labels, reuse
from indicators.exports.labels import Meta
from indicators.views import Chart
from indicators.views import city_profile as profile_view
from indicators.views import claims_check as claims_view
from indicators.views import compare as compare_view
from indicators.views import european_peers as peers_view
from indicators.views import indicator_explorer as explorer_view
from indicators.views import map as map_view
from indicators.views import overview as overview_view
from indicators.views import productivity_gap as gap_view
from indicators.views import tax_and_spend as tax_view

DEFINITION_PARAMS = ("area", "geo", "basis", "bench", "year")


class NoChart(ValueError):
    """A link names no chart that can be drawn; the message says why, in words a visitor reads."""


@dataclass
class Link:
    """A link's query parameters, read through the pages' checks: records the value used for each parameter read
    and the parameters refused (which fall back to the page's default)."""

    query: Mapping[str, str]
    used: dict[str, str] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)

    def one(self, name: str, allowed, default):
        value, refused = params.chosen(self.query.get(name), allowed, default)
        self._record(name, str(value), refused)
        return value

    def many(self, name: str, allowed, default: list, limit: int | None = 10) -> list:
        kept, rejected, given = params.listed(self.query.get(name), allowed, trim=True)
        chosen = kept[:limit] or list(default)
        self._record(name, ",".join(map(str, chosen)), bool(rejected) or (limit is not None and given > limit))
        return chosen

    def number(self, name: str, low: float, high: float) -> float | None:
        try:
            value = params.bounded_number(self.query.get(name), low, high)
        except ValueError:
            value = None
            self.refused.append(name)
        if value is not None:
            self.used[name] = f"{value:g}"
        return value

    def definition(self, *names: str) -> Definition:
        """The Definition the link gives for the fields `names` (of DEFINITION_PARAMS); the others keep DEFAULT's."""
        area = self.one("area", choices.area_options(), DEFAULT.area) if "area" in names else DEFAULT.area
        geo = self.one("geo", GEOGRAPHY_KEYS, DEFAULT.geography) if "geo" in names else DEFAULT.geography
        basis = self.one("basis", BASIS_KEYS, DEFAULT.basis) if "basis" in names else DEFAULT.basis
        bench = (
            self.one("bench", choices.benchmark_options(), DEFAULT.benchmark) if "bench" in names else DEFAULT.benchmark
        )
        years = productivity.available_years(basis)
        year = period_for(years, DEFAULT.year)
        if "year" in names:
            year = self.one("year", years, year)
        return Definition(area, effective_geography(area, geo), basis, bench, year)

    def _record(self, name: str, value: str, refused: bool) -> None:
        self.used[name] = value
        if refused:
            self.refused.append(name)


def _needed(chart: Chart | None, why: str) -> Chart:
    if chart is None:
        raise NoChart(why)
    return chart


# ---------------------------------------------------------------------------------------------- the builders


def _overview_map(link: Link) -> Chart:
    return overview_view.uk_map(link.definition(*DEFINITION_PARAMS))


def _gap_grid(link: Link) -> Chart:
    return _needed(gap_view.definitions_grid(link.definition(*DEFINITION_PARAMS)), "No grid for this area.")


def _waterfall(link: Link) -> Chart:
    return gap_view.waterfall(link.definition(*DEFINITION_PARAMS))


def _history(which: int) -> Callable[[Link], Chart]:
    def build(link: Link) -> Chart:
        d = link.definition(*DEFINITION_PARAMS)
        return gap_view.history(d, gap_view.gap(d), choices.definition_label(d))[which]

    return build


def _whole_place(part: str) -> Callable[[Link], Chart]:
    def build(link: Link) -> Chart:
        whole = profile_view.whole_place(link.definition("area").area)
        return _needed(getattr(whole, part), "The whole-place charts are drawn for councils.")

    return build


def _comparison(link: Link):
    d = link.definition("area", "basis", "year")
    options = compare_view.measure_options()
    measure = link.one("measure", options, compare_view.basis_measure(d.basis))
    x_measure = link.one("xmeasure", options, compare_view.scatter_partner(measure))
    preset = link.one("preset", compare_view.PRESETS, "core")
    default = compare_view.peers(d.area, preset if preset != "custom" else "core")
    areas = link.many("areas", choices.area_options(), default)
    return compare_view.comparison(measure, x_measure, areas, d.year)


def _compare(part: str) -> Callable[[Link], Chart]:
    def build(link: Link) -> Chart:
        shown = _comparison(link)
        return _needed(getattr(shown, part), getattr(shown, f"no_{part}", None) or "No chart for this choice.")

    return build


def _map(link: Link) -> Chart:
    year = link.definition("year").year
    level = link.one("level", map_view.LEVELS, "lad")
    measure = link.one("measure", map_view.measure_options(level), "gva_per_hour")
    return map_view.measure_map(measure, year, level).chart


def _explorer(part: str) -> Callable[[Link], Chart]:
    def build(link: Link) -> Chart:
        area = link.definition("area").area
        every, _, themes = explorer_view.choices()
        indicator = link.one("indicator", every, next(iter(explorer_view.indicators_in(themes[0]))))
        levels = explorer_view.levels(indicator)
        level = link.one("level", levels, explorer_view.default_level(levels))
        compare = link.one("set", explorer_view.COMPARE_SETS, "core")
        shown = explorer_view.explorer(indicator, level, area, compare)
        return _needed(getattr(shown, part), "No map for this level: the dashboard has no boundaries for it.")

    return build


def _tax(part: str) -> Callable[[Link], Chart]:
    def build(link: Link) -> Chart:
        d = link.definition("area", "geo")
        years = tax_view.years()
        if not years:
            raise NoChart("No public sector finance data in the warehouse.")
        year = link.one("fy", years, years[-1])
        options = {
            choice.group: link.one(f"k_{choice.group}", list(choice.keys), choice.keys[0])
            for _, group in tax_view.key_choices()
            for choice in group
        }
        items = tuple(sorted(options.items()))
        label = tax_view.chart_label(d.geography, year, options)
        page = tax_view.tax_spend_page(d.area, d.geography, year, items)
        depends = (year, d.geography, items)
        if part == "gap":
            return tax_view.gap_chart(page["gap"], label, depends)
        if part == "per_resident":
            return tax_view.per_resident_chart(page, label, depends)
        return tax_view.total_place_chart(page["total_place"], (d.area, d.geography, year))

    return build


def _peers(part: str) -> Callable[[Link], Chart]:
    def build(link: Link) -> Chart:
        area = link.definition("area").area
        codes = link.many("peers", peers_view.options(), list(peers_view.HEADLINE_PEERS), limit=None)
        rate = link.number("eur", peers_view.RATE_MIN, peers_view.RATE_MAX)
        return getattr(peers_view.peers(codes, rate, area), part)

    return build


def _claims(link: Link) -> Chart:
    rate = link.number("eur", claims_view.RATE_MIN, claims_view.RATE_MAX)
    checked = claims_view.check(rate)
    claim = link.one("claim", checked.choices, checked.default)
    shown = claims_view.detail(checked, claim)
    return _needed(shown.chart, shown.no_chart or "This claim has no chart.")


@dataclass(frozen=True)
class Embeddable:
    """A chart that can be rebuilt from a link: its page (url path, '' for the home page) and builder."""

    page: str
    build: Callable[[Link], Chart]


CHARTS: dict[str, Embeddable] = {
    "overview-map": Embeddable("", _overview_map),
    "gap-grid": Embeddable("productivity_gap", _gap_grid),
    "gap-waterfall": Embeddable("productivity_gap", _waterfall),
    "gap-series": Embeddable("productivity_gap", _history(0)),
    "gap-pct-series": Embeddable("productivity_gap", _history(1)),
    "profile-waterfall": Embeddable("city_profile", _waterfall),
    "profile-spine": Embeddable("city_profile", _whole_place("spine")),
    "profile-sectors": Embeddable("city_profile", _whole_place("sectors")),
    "cmp-rank": Embeddable("compare", _compare("ranking")),
    "cmp-series": Embeddable("compare", _compare("series")),
    "cmp-scatter": Embeddable("compare", _compare("scatter")),
    "cmp-dist": Embeddable("compare", _compare("distribution")),
    "map-choropleth": Embeddable("map", _map),
    "exp-map": Embeddable("indicator_explorer", _explorer("map")),
    "exp-rank": Embeddable("indicator_explorer", _explorer("ranked")),
    "fiscal-gap": Embeddable("tax_and_spend", _tax("gap")),
    "fiscal-per-head": Embeddable("tax_and_spend", _tax("per_resident")),
    "fiscal-total-place": Embeddable("tax_and_spend", _tax("total_place")),
    "peers-gbp": Embeddable("european_peers", _peers("bars")),
    "peers-break-even": Embeddable("european_peers", _peers("break_even")),
    "claims-chart": Embeddable("claims_check", _claims),
}


# ---------------------------------------------------------------------------------------------- one chart from a link


@dataclass(frozen=True)
class Built:
    """A chart rebuilt from a link: the chart, the parameters that define it, what was refused, and its metadata."""

    chart_id: str
    chart: Chart
    parameters: dict[str, str]
    refused: list[str]
    meta: Meta
    data_version: str

    def table(self):
        table = self.chart.table
        return table() if callable(table) else table


def page_url(base: str, chart_id: str, parameters: Mapping[str, str]) -> str:
    """The full page a chart comes from, with the parameters that reproduce it."""
    path = CHARTS[chart_id].page
    return labels.view_url(f"{base.rstrip('/')}/{path}", {k: [v] for k, v in parameters.items()})


def build(chart_id: str, query: Mapping[str, str], base_url: str = "") -> Built:
    """The chart `chart_id` as the link's parameters `query` define it. Raises NoChart for an unknown id or a choice
    with no chart (the message names which)."""
    if chart_id not in CHARTS:
        raise NoChart(f"There is no chart {chart_id[:40]!r} on this dashboard.")
    link = Link(query)
    try:
        chart = CHARTS[chart_id].build(link)
    except NoChart:
        raise
    except ValueError as problem:  # a definition the figures can't be computed on: said as the pages say it
        raise NoChart(str(problem)) from None
    meta = Meta(
        title=chart.captions.title,
        definition=chart.captions.subtitle,
        unit=chart.unit,
        period=chart.period,
        source=chart.captions.source,
        licence=labels.licences(chart.captions.source, list(catalog.source_rows())),
        note=chart.note or "",
        view=page_url(base_url, chart_id, link.used) if base_url else "",
    )
    return Built(chart_id, chart, dict(link.used), list(link.refused), meta, catalog.data_version())


def document(built: Built, accessed: date | None = None) -> dict:
    """The chart's data with its metadata (the shape `python -m indicators chart --json` prints)."""
    return reuse.data_document(
        chart_id=built.chart_id,
        table=built.table(),
        meta=built.meta,
        parameters=built.parameters,
        data_version=built.data_version,
        sources=list(catalog.source_rows()),
        accessed=accessed or date.today(),
    )


def csv_bytes(built: Built, accessed: date | None = None) -> bytes:
    """The chart's data as CSV, opening with its metadata and the data version (in the note line)."""
    note = f"Data version {built.data_version}" + (f". {built.meta.note}" if built.meta.note else "")
    meta = replace(built.meta, note=note)
    return reuse.csv_bytes(built.table(), meta, downloaded=labels.long_date(accessed or date.today()))


def version_problem(asked: str | None) -> str | None:
    """Why the data version a link pins can't be shown (malformed, or no longer served), else None. A version
    matches when its extracts hash is the served one (a rebuild of the same extracts keeps its embeds)."""
    if asked is None or asked == "":
        return None
    served = catalog.data_version()
    wanted = version_hash(asked)
    if wanted is None:  # the link's text is not repeated: a notice never shows what a link-maker wrote
        return f"The data version in this link is not one this dashboard writes (they read like {served})."
    if wanted != version_hash(served):
        return (
            f"This chart was embedded from data version {asked[:40]}, which this dashboard no longer serves; it now "
            f"serves {served}."
        )
    return None


@dataclass(frozen=True)
class Embedded:
    """What the chart-only view shows: the chart rebuilt from the link (with a notice naming any parameter refused),
    or a notice saying why not; and links (text, address) to the full view or to what can be shown instead."""

    built: Built | None
    notice: str | None
    links: list[tuple[str, str]]


def embedded(query: Mapping[str, str], base: str) -> Embedded:
    """The chart-only view of a link (`base`: the site's root URL)."""
    home = [(f"Open the {reuse.DASHBOARD}", base or "/")]
    chart_id = query.get("chart") or ""
    problem = version_problem(query.get("v"))
    if problem:
        if chart_id in CHARTS:
            current = {k: v for k, v in query.items() if k not in ("v", "chart", "embed")}
            home.insert(
                0,
                (
                    "Open this chart on the current data version",
                    reuse.embed_url(base, chart_id, catalog.data_version(), current),
                ),
            )
        return Embedded(None, problem, home)
    if chart_id not in CHARTS:
        return Embedded(None, "This link names no chart of this dashboard, so this embed can't be shown.", home)
    try:
        built = build(chart_id, query, base)
    except NoChart as refused:  # a choice with no chart: said in the page's own words
        return Embedded(None, f"{refused} This embed can't be shown.", home)
    ignored = (
        f"Ignored the link's {', '.join(built.refused)}: not a valid choice, so the default is shown."
        if built.refused
        else None
    )
    return Embedded(built, ignored, [(f"Open this view in the {reuse.DASHBOARD} ↗", built.meta.view or base or "/")])
