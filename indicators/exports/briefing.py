"""Briefing packs: a PowerPoint (native, editable charts) or PDF for any council, built only from `indicators`
functions.

`pack_content` gathers the slides (title, headline sentence, chart, table, map image, footer, speaker notes) once;
`render_pptx` and `render_pdf` draw the same content, so both formats carry the same numbers and text. A chart the
pages also draw is the page's own figure (indicators.exports.charts); the others are `Chart` data. Output is
deterministic: no clock time is written anywhere (document dates are the data vintage's release date and zip entries
carry a fixed date), so the same inputs give the same bytes. No Streamlit import here.

A section that cannot be drawn for the area, or whose computation fails, becomes a note slide saying why; the rest
of the pack is still produced.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import plotly.graph_objects as go

from indicators.analysis import claims, fiscal, international, measures, place, productivity
from indicators.data import aggregates, db, geography
from indicators.data import case_studies as case_study_list
from indicators.data.db import query
from indicators.data.paths import WAREHOUSE_HOME
from indicators.data.provenance import releases_for, sources_text
from indicators.domain import formatting
from indicators.domain.claims import TOLERANCE_PCT, format_value
from indicators.domain.definition import DEFAULT, Definition, period_for
from indicators.domain.fiscal import GROUP_LABELS, KEY_LABELS, spending_note, total_place_functions
from indicators.domain.international import LIMITS, PEER_YEAR
from indicators.domain.productivity import BASES
from indicators.exports import charts, figures

SECTIONS = ("headline", "productivity", "scorecard", "sectors", "tax_spend", "peers", "claims", "case_studies")
SECTION_TITLES = {
    "headline": "Headline gaps",
    "productivity": "Productivity",
    "scorecard": "Whole-place scorecard",
    "sectors": "Sector mix",
    "tax_spend": "Tax and spend",
    "peers": "European peers",
    "claims": "Claims check",
    "case_studies": "Case studies",
}
SCORECARD_ROWS = 12
FORMATS = ("pptx", "pdf")
MIME = {"pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation", "pdf": "application/pdf"}
AUTHOR = "Core Cities indicators"
FIXED_ZIP_DATE = (2000, 1, 1, 0, 0, 0)
DEFINITION_KEYS = ("geography", "basis", "benchmark", "year")  # what a pack's definition dict may set
CLAIM_ROWS_PER_SLIDE = 6
# PDF table column widths (share of the page) by number of columns: case studies 3, claims 4, the scorecard 5
TABLE_WIDTHS = {3: [0.4, 0.25, 0.35], 4: [0.34, 0.14, 0.14, 0.38], 5: [0.36, 0.12, 0.2, 0.16, 0.16]}

Progress = Callable[[float, str], None]


# ------------------------------------------------------------------------------------------------ content model


@dataclass
class Chart:
    """Data for one native chart: kind 'column' | 'bar' (horizontal, first category at the top) | 'line'; one list
    of values per series."""

    kind: str
    categories: list
    series: list[tuple[str, list[float]]]
    value_title: str
    category_title: str = ""
    number_format: str = "#,##0.0"
    label_format: str = "{:,.1f}"

    def to_plotly(self) -> go.Figure:
        """The same chart as a Plotly figure (drawn in the PDF)."""
        fig = go.Figure()
        for index, (name, values) in enumerate(self.series):
            labels = [self.label_format.format(v) for v in values]
            if self.kind == "line":
                fig.add_scatter(
                    x=self.categories,
                    y=values,
                    name=name,
                    mode="lines+markers",
                    line={"color": figures.PALETTE[index], "dash": "dash" if index else "solid"},
                )
            elif self.kind == "bar":
                fig.add_bar(
                    y=self.categories,
                    x=values,
                    name=name,
                    orientation="h",
                    text=labels,
                    marker_color=figures.PALETTE[index],
                )
            else:
                fig.add_bar(x=self.categories, y=values, name=name, text=labels, marker_color=figures.PALETTE[index])
        axes = ("yaxis", "xaxis") if self.kind == "bar" else ("xaxis", "yaxis")
        if self.kind == "bar":
            fig.update_yaxes(autorange="reversed")  # the first category at the top
        fig.update_layout(
            **{axes[0]: {"title": {"text": self.category_title}}, axes[1]: {"title": {"text": self.value_title}}},
            barmode="group",
        )
        return fig


@dataclass
class Slide:
    """One slide (or PDF page): section key, title, generated headline sentence and what to draw.

    `chart` is `Chart` data, or a figure from indicators.exports.charts (the one the page draws), which the PowerPoint
    turns into a native chart in `number_format` where it can (native_chart) and a picture where it cannot.
    """

    section: str
    title: str
    headline: str
    footer: str
    notes: str
    chart: Chart | go.Figure | None = None
    number_format: str = "#,##0.0"
    table: list[list[str]] | None = None  # first row is the header
    image: bytes | None = None  # PNG
    bullets: list[str] = field(default_factory=list)


@dataclass
class Pack:
    area_code: str
    area_name: str
    definition: Definition
    vintage_date: str  # latest release date among the sources used (YYYY-MM-DD): the only date in the files
    slides: list[Slide]


# ------------------------------------------------------------------------------------------------ small helpers


def check_definition(definition: Definition | dict | None, area_code: str | None = None) -> Definition:
    """The pack's definition for the area it is for (a benchmark such as the statistical neighbours depends on it):
    a Definition, or a dict of any of geography, basis, benchmark and year (None = latest) over DEFAULT's; unknown
    keys or values raise ValueError."""
    if not isinstance(definition, Definition):
        given = {k: v for k, v in (definition or {}).items() if v is not None}
        unknown = set(given) - set(DEFINITION_KEYS)
        if unknown:
            raise ValueError(f"unknown definition keys {sorted(unknown)}; valid: {', '.join(DEFINITION_KEYS)}")
        definition = replace(DEFAULT, **given)
    d = definition if area_code is None else replace(definition, area=area_code)
    productivity.benchmark_area(d.benchmark, d.geography, d.area)
    return d


def check_sections(sections) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(sections))
    unknown = [s for s in chosen if s not in SECTIONS]
    if unknown or not chosen:
        raise ValueError(f"unknown sections {unknown}; valid: {', '.join(SECTIONS)}")
    return chosen


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown briefing format {fmt!r}; valid: {', '.join(FORMATS)}")
    return fmt


def footer_for(releases: list[dict], *results) -> str:
    """'Source: <publisher>, <title> (<release>); … · Vintage: <vintage>; …' from provenance rows, then how any derived
    figure among `results` (GapResults or dicts with method and coverage_note) was obtained."""
    line = sources_text(releases) or "Source: project calculation"
    vintages = list(dict.fromkeys(str(row["vintage"]) for row in releases if row.get("vintage")))
    line = f"{line} · Vintage: {'; '.join(vintages)}" if vintages else line
    derived = list(dict.fromkeys(note for r in results for note in derivation_notes(r)))
    return f"{line} · {'; '.join(derived)}" if derived else line


def derivation_notes(result) -> list[str]:
    """'<area>: derived from N of M councils' for each figure of a result not published as such ([] if all were)."""
    found = result if isinstance(result, dict) else result.to_dict()
    notes = []
    for name, how in (
        (found.get("area_name"), found.get("method")),
        (found.get("benchmark_name"), found.get("benchmark_method")),
    ):
        if how and how != "as published":
            notes.append(f"{name}: {how}")
    return notes


def source_releases(source_ids: list[str]) -> list[dict]:
    """Provenance rows (publisher, title, release, release_date, vintage) for source ids."""
    frame = query(
        "SELECT publisher, title, release, release_date, vintage FROM sources "
        "WHERE list_contains(?, source_id) ORDER BY source_id",
        [list(source_ids)],
    )
    return frame.to_dict("records")


def _pct(value: float) -> str:
    return f"{abs(value):.1f}% {'above' if value >= 0 else 'below'}"


def _gbp(value: float, basis_key: str) -> str:
    """£ with pence for per-hour values, whole pounds otherwise."""
    return f"£{value:,.2f}" if basis_key == "hour" else f"£{value:,.0f}"


def _bn(value: float) -> str:
    return f"£{value / 1e9:,.2f}bn"


def _basis_year(basis_key: str, wanted: int | None) -> int:
    """The year shown on a basis for a wanted year (None: the latest), by the one rule (definition.period_for)."""
    return period_for(productivity.available_years(basis_key), wanted)


def definition_label(d: Definition) -> str:
    """E.g. 'GVA per hour worked · council areas · vs UK (less Extra-Regio) · 2022' (as on the dashboard), in the year
    the pack shows on the definition's basis."""
    bench = productivity.benchmark_area(d.benchmark, d.geography, d.area)[1]
    return replace(d, year=_basis_year(d.basis, d.year)).label(BASES[d.basis].label, bench)


def definition_notes(d: Definition, year: int, result=None) -> str:
    """The definition in words, with how the area's and the benchmark's figures were obtained when `result` is given."""
    chosen = BASES[d.basis]
    bench_name = productivity.benchmark_area(d.benchmark, d.geography, d.area)[1]
    how = ""
    if result is not None:
        how = (
            f" {result.area_name}'s figure: {result.method}; {result.benchmark_name}'s: {result.benchmark_method}."
            + (f" Coverage: {result.coverage_note}." if result.coverage_note else "")
        )
    return (
        f"Definition: {chosen.label} ({chosen.unit}) = {chosen.formula}. Geography: "
        f"{geography.GEOGRAPHIES[d.geography]}. Benchmark: {bench_name}. Year: {year}.{how} Gap % = (value ÷ "
        f"benchmark − 1) × 100; £ gap a year = (benchmark − value) × the area's {chosen.denominator_label}."
    )


def case_studies(area_code: str) -> list[dict]:
    """Whole Place Leadership case studies of the Core City a council (or its city region) belongs to; [] for others.

    Returns:
        dicts with case_id, city, project, policy_area, featured_figures and source_id, ordered by policy area, project.
    """
    cities = geography.core_cities()
    match = cities[(cities["lad_code"] == area_code) | (cities["city_region_code"] == area_code)]
    if match.empty:
        return []
    city = match["city"].iloc[0]
    if city not in case_study_list.cities_with_case_studies():
        return []
    frame = case_study_list.case_studies([city]).sort_values(["policy_area", "project"], kind="stable")
    return frame.to_dict("records")


def claims_rows() -> list[dict]:
    """The claims check results: each claim tested on the period it describes (memoised per warehouse)."""
    return claims.claims_check()


# ------------------------------------------------------------------------------------------------ sections


def _title_slide(area_code: str, name: str, d: Definition, year: int, map_png: bytes | None, sections) -> Slide:
    lads = aggregates.members(area_code) or [area_code]
    return Slide(
        section="title",
        title=f"Briefing: {name} ({area_code})",
        headline=f"{name}: productivity, tax and spend, European peers and the Core Cities' claims, on one stated "
        f"definition: {definition_label(d)}.",
        footer=footer_for(releases_for(list(BASES[d.basis].indicator_ids))),
        notes="Every number in this pack is computed from official releases by the Core Cities indicators project; "
        "each slide's footer names the release and vintage. " + definition_notes(d, year),
        image=map_png,
        bullets=[
            f"Area: {name} ({area_code}); {len(lads)} local authorit{'y' if len(lads) == 1 else 'ies'}",
            f"Definition: {definition_label(d)}",
            "Sections: " + ", ".join(SECTION_TITLES[s] for s in sections),
        ],
    )


def _headline(area_code: str, d: Definition) -> list[Slide]:
    rows, releases = [], []
    for key, chosen in BASES.items():
        result = productivity.gap(Definition(area_code, d.geography, key, d.benchmark, _basis_year(key, d.year)))
        rows.append((chosen, result))
        releases += result.provenance["releases"]
    main = next(r for c, r in rows if c.key == d.basis)
    chart = Chart(
        "column",
        [f"{c.label} ({r.year})" for c, r in rows],
        [(f"Gap vs {main.benchmark_name}, %", [r.gap_pct for _, r in rows])],
        value_title="% above (+) or below (−) the benchmark",
        number_format="+0.0;-0.0;0.0",
        label_format="{:+.1f}%",
    )
    headline = (
        f"{main.area_name} is {_pct(main.gap_pct)} {main.benchmark_name} on {BASES[d.basis].label} "
        f"({main.year})"
        + (
            f": a gap of {_bn(main.gap_gbp)} a year."
            if main.gap_gbp > 0
            else f", worth {_bn(-main.gap_gbp)} a year more than at the benchmark's level."
        )
    )
    bullets = [
        f"{c.label}, {r.year}: {_gbp(r.value, c.key)} vs {_gbp(r.benchmark_value, c.key)} "
        f"{c.unit.removeprefix('£ ')} ({r.gap_pct:+.1f}%)"
        for c, r in rows
    ]
    notes = (
        "The same area and benchmark on three bases. "
        + definition_notes(d, main.year, main)
        + " Per head counts residents, so commuting into the city raises it; per hour worked is ONS's headline "
        "productivity measure. Bases may have different latest years."
    )
    return [
        Slide(
            "headline",
            "Headline gaps on three definitions",
            headline,
            footer_for(releases, *(r for _, r in rows)),
            notes,
            chart=chart,
            bullets=bullets,
        )
    ]


def _productivity(area_code: str, d: Definition) -> list[Slide]:
    chosen = BASES[d.basis]
    year = _basis_year(d.basis, d.year)
    result = productivity.gap(Definition(area_code, d.geography, d.basis, d.benchmark, year))
    footer = footer_for(result.provenance["releases"], result)
    series = productivity.gap_series(Definition(area_code, d.geography, d.basis, d.benchmark))
    first, last = series.iloc[0], series.iloc[-1]
    change = last["gap_pct"] - first["gap_pct"]
    title = f"{chosen.label}: {result.area_name} and {result.benchmark_name}, {int(first['year'])}–{int(last['year'])}"
    slides = [
        Slide(
            "productivity",
            title,
            f"{result.area_name} was {_pct(last['gap_pct'])} {result.benchmark_name} in {int(last['year'])}, "
            f"{'up' if change >= 0 else 'down'} {abs(change):.1f} percentage points on {int(first['year'])} "
            f"({first['gap_pct']:+.1f}%).",
            footer,
            definition_notes(d, year, result)
            + " Each year is computed within the same release (no mixing of vintages).",
            chart=charts.level_and_benchmark(
                series,
                area_name=result.area_name,
                benchmark_name=result.benchmark_name,
                unit=chosen.unit,
                captions=charts.Captions(title, definition_label(d), footer),
            ),
            number_format="#,##0.00",
        )
    ]
    dec_year = _basis_year("hour", d.year)  # the factors are per hour worked
    components, steps = measures.waterfall_steps(area_code, d.geography, d.benchmark, dec_year)
    biggest = max(range(len(steps) - 1), key=lambda i: abs(steps[i]))  # the factors come before the total
    title = f"Why GVA per head differs: productivity, hours and jobs ({dec_year})"
    dec_footer = footer_for(releases_for(["gva_per_hour", "hours_worked", "filled_jobs", "population"]))
    slides.append(
        Slide(
            "productivity",
            title,
            f"{result.area_name}'s GVA per head is {steps[-1]:+.1f} log points against "
            f"{result.benchmark_name}; the largest part is {components[biggest].lower()} "
            f"({steps[biggest]:+.1f} points).",
            dec_footer,
            "GVA per head = GVA per hour worked × hours per filled job × filled jobs per resident. Each factor is "
            "compared with the benchmark in log points (100 × ln(area ÷ benchmark)), so the three factors add up "
            "exactly to the total. Jobs per resident above the benchmark usually means commuting into the area. "
            f"Geography: {geography.GEOGRAPHIES[d.geography]}; benchmark {result.benchmark_name}; year {dec_year}.",
            chart=charts.decomposition_waterfall(
                components,
                steps,
                captions=charts.Captions(
                    title, "log points (100 × ln(area ÷ benchmark); they add up exactly)", dec_footer
                ),
            ),
        )
    )
    if d.benchmark == "neighbours":  # each city has its own neighbours: the ten together have none
        return slides
    cc = productivity.core_cities_gap(d.basis, d.geography, d.benchmark, year)
    slides.append(
        Slide(
            "productivity",
            f"The ten Core Cities on {chosen.label} ({cc['year']})",
            f"Together the Core Cities are {_pct(cc['gap_pct'])} {cc['benchmark_name']}: a net gap of "
            f"{_bn(cc['gap_gbp'])} a year, or {_bn(cc['sum_of_shortfalls_gbp'])} counting only the cities below it.",
            footer_for(cc["provenance"]["releases"], {"area_name": "Core Cities", **cc}),
            f"Net gap: {cc['net_gap_gbp_note']}. Sum of shortfalls: "
            f"{cc['sum_of_shortfalls_note']}. " + definition_notes(d, cc["year"]),
            chart=Chart(
                "bar",
                [c["city"] for c in cc["cities"]],
                [(f"Gap vs {cc['benchmark_name']}, %", [c["gap_pct"] for c in cc["cities"]])],
                value_title="% above (+) or below (−) the benchmark",
                number_format="+0.0;-0.0;0.0",
                label_format="{:+.1f}%",
            ),
        )
    )
    return slides


def _tax_spend(area_code: str, d: Definition) -> list[Slide]:
    code = area_code if d.geography == "council" else geography.city_region_of(area_code)
    rows = {r["area_code"]: r for r in fiscal.balance_rows()}
    if code not in rows:
        raise ValueError(f"no tax and spend estimate for {code}")
    row = rows[code]
    method = fiscal.method()
    footer = footer_for(releases_for(["rev_total", "exp_total", "population"]))
    balance = row["net_balance_gbp_bn"]
    slides = [
        Slide(
            "tax_spend",
            f"Tax raised and public spending in {row['area_name']}, {row['year']} (estimate)",
            f"Estimate: public spending in {row['area_name']} "
            + (
                f"exceeded taxes raised there by £{balance:,.2f}bn"
                if balance >= 0
                else f"fell short of taxes raised there by £{-balance:,.2f}bn"
            )
            + f" in {row['year']} "
            f"(£{abs(row['net_balance_per_head_gbp']):,.0f} per resident).",
            footer,
            f"{method['summary']} {method['sign_convention']} {method['population']} Keys used: "
            + "; ".join(f"{GROUP_LABELS[g]}: {KEY_LABELS[k]}" for g, k in row["key_options"].items())
            + f". {spending_note(row['key_options'])} {method['north_sea']} {method['caveats']}",
            chart=Chart(
                "column",
                ["Revenue (taxes raised)", "Expenditure", "Net balance (spending − revenue)"],
                [(f"{row['area_name']}, £bn", [row["revenue_gbp_bn"], row["expenditure_gbp_bn"], balance])],
                value_title="£ billion a year (estimate)",
                number_format="#,##0.00",
                label_format="£{:,.2f}bn",
            ),
            bullets=[
                f"Revenue: £{row['revenue_per_head_gbp']:,.0f} per resident",
                f"Expenditure: £{row['expenditure_per_head_gbp']:,.0f} per resident",
                "ESTIMATE: shared out from official ITL1 regional figures",
            ]
            + ([f"Rests on {row['coverage']}"] if row.get("coverage") else []),
        )
    ]
    spending = fiscal.total_place(code)
    functions = spending["functions"]
    top = max(functions, key=lambda f: f["value_gbp_m"])
    slides.append(
        Slide(
            "tax_spend",
            f"Identifiable public spending in {spending['area_name']} by function, {spending['cra_year']} (estimate)",
            f"Estimate: £{spending['identifiable_total_gbp_bn']:,.1f}bn of identifiable public spending in "
            f"{spending['area_name']} in {spending['cra_year']}, the largest part on "
            f"{re.sub(r'^[0-9.]+ ', '', top['cofog_function']).lower()}.",
            footer_for(releases_for(["rev_total", "exp_total"]) + source_releases(_cra_sources())),
            method["total_place"] + f" Edition: {spending['edition']}. " + method["caveats"],
            chart=charts.total_place_bars(
                total_place_functions(spending),
                captions=charts.Captions(
                    f"Identifiable public spending in {spending['area_name']} by function, {spending['cra_year']}",
                    "£ million (estimate)",
                    footer_for(releases_for(["rev_total", "exp_total"]) + source_releases(_cra_sources())),
                ),
            ),
            number_format="#,##0",
        )
    )
    return slides


def _cra_sources() -> list[str]:
    return query("SELECT DISTINCT source_id FROM cra_identifiable_spending ORDER BY source_id")["source_id"].tolist()


def _peers(area_code: str, d: Definition) -> list[Slide]:
    peers = international.peer_comparison()  # at the ECB annual average for the data year
    rate = international.ecb_rate(PEER_YEAR)
    home = float(peers["core_cities_gdp_per_head_gbp"].iloc[0])
    top = peers.loc[peers["premium_pct"].idxmax()]
    regions = international.city_regions_gdp_per_head().set_index("area_code")
    bullets = [
        f"Core Cities city regions combined: £{home:,.0f} GDP per resident ({PEER_YEAR})",
        f"Exchange rate: ECB {rate['year']} annual average, £1 = €{rate['eur_per_gbp']:.4f} "
        f"(mean of {rate['days']} daily reference rates)",
    ]
    try:
        own = regions.loc[geography.city_region_of(area_code)]
        bullets.append(f"{own['area_name']}: £{own['gdp_per_head_gbp']:,.0f} GDP per resident")
    except (ValueError, KeyError):
        pass
    bullets += [
        f"{r['metro_name']}: €{r['gdp_per_head_eur']:,.0f} per resident = £{r['gdp_per_head_gbp']:,.0f}, "
        f"{_pct(r['premium_pct'])} the Core Cities (break-even €{r['break_even_eur_per_gbp']:.2f} per £)"
        for _, r in peers.iterrows()
    ]
    title = f"European peers: GDP per resident, {PEER_YEAR}"
    footer = footer_for(international.provenance()["releases"])
    subtitle = (
        f"€ per £ at which each peer's GDP per resident equals the Core Cities' city regions combined (ECB "
        f"{rate['year']} average: €{rate['eur_per_gbp']:.2f})"
    )
    return [
        Slide(
            "peers",
            title,
            f"At the ECB's {rate['year']} average rate (£1 = €{rate['eur_per_gbp']:.4f}), {top['metro_name']}'s GDP "
            f"per resident is {_pct(top['premium_pct'])} the Core Cities' city regions combined. GDP per resident, not "
            "productivity.",
            footer,
            international.provenance()["formula"]
            + ". The chart is the sensitivity: the € per £ at which each peer would "
            "equal the Core Cities; at any weaker pound the peer is further ahead. " + LIMITS,
            chart=charts.break_even_bars(  # the European peers page's, for its default peers at the ECB rate
                peers,
                ecb_eur_per_gbp=rate["eur_per_gbp"],
                stated_eur_per_gbp=None,
                captions=charts.Captions(title, subtitle, footer),
            ),
            number_format="0.00",
            bullets=bullets,
        )
    ]


def _claims(area_code: str, d: Definition) -> list[Slide]:
    results = claims_rows()
    verdicts = Counter(r["verdict_code"] for r in results)
    held, missed = verdicts["holds"], verdicts["not_reproduced"]
    later = verdicts["holds_other_period"] + verdicts["not_reproduced_other_period"]
    untestable = verdicts["untestable"] + verdicts["not_recomputable"]
    header = ["Claim", "Claimed", "Primary definition, period described", "Verdict"]
    table = [
        [
            r["claim"],
            format_value(r["claimed"], r["unit"]),
            "—" if r["recomputed"] is None else format_value(r["recomputed"], r["unit"]),
            r["verdict"],
        ]
        for r in results
    ]
    sources = source_releases(
        sorted(
            {s for s in query("SELECT DISTINCT source_id FROM claims")["source_id"]}
            | {r["fx"]["source_id"] for r in results if r["fx"]}
        )
    )
    footer = footer_for(sources + releases_for(["gva_current", "population", "gva_per_hour", "hours_worked"]))
    headline = (
        f"Of {len(results)} published claims, tested on the periods they describe: {held} hold within "
        f"±{TOLERANCE_PCT:g}% on their primary definition, {missed} {'is' if missed == 1 else 'are'} not "
        f"reproduced, {later} can only be tested on later data and {untestable} cannot be tested with the "
        "official data held here."
    )
    notes = claims.method()["method"] + " The third column is the primary definition's value, in the claim's unit."
    slides = []
    for start in range(0, len(table), CLAIM_ROWS_PER_SLIDE):
        part = start // CLAIM_ROWS_PER_SLIDE + 1
        slides.append(
            Slide(
                "claims",
                f"Claims check ({part} of {-(-len(table) // CLAIM_ROWS_PER_SLIDE)})",
                headline,
                footer,
                notes,
                table=[header] + table[start : start + CLAIM_ROWS_PER_SLIDE],
            )
        )
    return slides


def _case_studies(area_code: str, d: Definition) -> list[Slide]:
    cases = case_studies(area_code)
    name = geography.area_names().get(area_code, area_code)
    if not cases:
        return [
            _note(
                "case_studies",
                f"No Whole Place Leadership case studies for {name}: they cover the ten Core Cities only.",
            )
        ]
    table = [["Project", "Policy area", "Featured figures"]] + [
        [c["project"], c["policy_area"], c["featured_figures"] or "—"] for c in cases
    ]
    return [
        Slide(
            "case_studies",
            f"{cases[0]['city']}: Whole Place Leadership case studies",
            f"{len(cases)} {cases[0]['city']} projects featured in Core Cities UK's Whole Place Leadership, across "
            f"{len({c['policy_area'] for c in cases})} policy areas.",
            footer_for(source_releases(sorted({c["source_id"] for c in cases}))),
            "Case studies as published by Core Cities UK; featured figures are the publication's own and are not "
            "recomputed here.",
            table=table,
        )
    ]


def _scorecard(area_code: str, d: Definition) -> list[Slide]:
    name = geography.area_names().get(area_code, area_code)
    if area_code not in geography.lad_code_set():
        return [_note("scorecard", f"The whole-place scorecard is drawn for councils; {name} is not one.")]
    card = place.scorecard_table(area_code)
    counts = place.significance_counts(area_code)
    order = {"better": 0, "worse": 1, "higher": 2, "lower": 2, "similar": 3, "not tested": 4}
    shown = card.assign(order=card["significance"].map(order)).sort_values(["order", "theme"], kind="stable")
    rows = [
        [r.indicator, r.period, r.value_text, f"{r.benchmark}: {r.benchmark_text}", r.verdict]
        for r in shown.head(SCORECARD_ROWS).itertuples()
    ]
    left_out = len(card) - len(rows)
    return [
        Slide(
            "scorecard",
            f"{name}: whole-place scorecard",
            f"Of {len(card)} ONS subnational indicators published for {name}, {counts.get('better', 0)} are "
            f"significantly better than the national figure, {counts.get('worse', 0)} significantly worse and "
            f"{counts.get('similar', 0)} similar; {counts.get('not tested', 0)} have no confidence limits to test.",
            footer_for(source_releases(["ons_subnational_indicators_mar2024"])),
            "Significance as in Fingertips: significantly better or worse when the area's 95% confidence interval lies "
            "wholly on one side of the national figure (UK, Great Britain, England and Wales or the nation, whichever "
            "ONS publishes). Significant results first."
            + (
                f" {left_out} further indicators are in the dashboard's City profile scorecard and its download."
                if left_out
                else ""
            ),
            table=[["Indicator", "Period", name, "National figure", "Verdict"]] + rows,
        )
    ]


def _sectors(area_code: str, d: Definition) -> list[Slide]:
    name = geography.area_names().get(area_code, area_code)
    if area_code not in geography.lad_code_set():
        return [_note("sectors", f"GVA by industry is published for councils; {name} is not one.")]
    mix = place.sector_mix(area_code)
    years = place.gva_years()
    top = mix.loc[mix["lq_last"].idxmax()]
    title = f"{name}: sector mix, {years[-1]}"
    footer = footer_for(source_releases(["ons_gva_lad_industry_apr2025"]))
    coverage = place.uk_coverage(years[-1])
    return [
        Slide(
            "sectors",
            title,
            f"{top['industry_name']} is {name}'s most over-represented industry: "
            f"{formatting.percent(top['share_last'])} of its GVA against {formatting.percent(top['uk_share_last'])} "
            f"for the UK (location quotient {formatting.number(top['lq_last'], 2)}).",
            footer,
            "Shares of gross value added (current prices) by SIC 2007 section; the UK is the sum of every council "
            f"({coverage}). Location quotient = area share ÷ UK share.",
            chart=charts.sector_bars(
                mix,
                area_name=name,
                last_year=years[-1],
                captions=charts.Captions(title, f"% of gross value added (current prices); UK = {coverage}", footer),
            ),
            number_format="0.0",
        )
    ]


def _note(section: str, message: str) -> Slide:
    return Slide(
        section,
        f"{SECTION_TITLES[section]}: not included",
        message,
        "Source: project calculation",
        f"This section was skipped when the pack was built: {message}",
    )


BUILDERS = {
    "headline": _headline,
    "productivity": _productivity,
    "scorecard": _scorecard,
    "sectors": _sectors,
    "tax_spend": _tax_spend,
    "peers": _peers,
    "claims": _claims,
    "case_studies": _case_studies,
}


# ------------------------------------------------------------------------------------------------ gathering


def pack_content(
    area_code: str, sections=SECTIONS, definition: Definition | dict | None = None, progress: Progress | None = None
) -> Pack:
    """Every slide's text, numbers and images for an area (ONS code of a council or Core City region)."""
    report = progress or (lambda fraction, message: None)
    sections = check_sections(sections)
    d = check_definition(definition, area_code)
    lads = geography.member_lads(area_code)
    name = geography.area_names().get(area_code, area_code)
    year = _basis_year(d.basis, d.year)
    report(0.02, "Drawing the map")
    context = []
    try:
        context = [c for c in geography.member_lads(geography.city_region_of(area_code)) if c not in lads]
    except ValueError:
        pass
    map_png = figures.lad_map_image(lads, context, label=f"{name} ({area_code})")
    slides = [_title_slide(area_code, name, d, year, map_png, sections)]
    for index, section in enumerate(sections):
        report(0.05 + 0.75 * index / len(sections), f"Computing {SECTION_TITLES[section].lower()}")
        try:
            slides += BUILDERS[section](area_code, d)
        except Exception as exc:  # a missing or failing indicators function skips its section, never the pack
            slides.append(_note(section, f"{type(exc).__name__}: {exc}"))
    dates = [
        str(r["release_date"])
        for r in query("SELECT release_date FROM sources").to_dict("records")
        if r["release_date"]
    ]
    vintage = max((x for x in dates if re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", x)), default="2000-01-01")
    return Pack(area_code, name, d, vintage if len(vintage) == 10 else vintage + "-01", slides)


def build_pack(
    area_code: str,
    sections=SECTIONS,
    fmt: str = "pptx",
    definition: Definition | dict | None = None,
    progress: Progress | None = None,
) -> bytes:
    """A briefing pack for an area as PPTX (native editable charts) or PDF bytes.

    Args:
        area_code: ONS code of a local authority (any of the 361) or a Core City region.
        sections: any of SECTIONS, in the order wanted.
        fmt: 'pptx' or 'pdf'.
        definition: a Definition, or a dict of any of DEFINITION_KEYS (see check_definition; default DEFAULT: the
            dashboard's first view, in the latest year).
        progress: optional callback progress(fraction 0–1, message) for a progress bar.
    Returns:
        the file's bytes; the same inputs give the same bytes.
    """
    check_format(fmt)
    report = progress or (lambda fraction, message: None)
    pack = pack_content(area_code, sections, definition, report)
    report(0.82, f"Writing the {fmt.upper()}")
    data = render_pptx(pack) if fmt == "pptx" else render_pdf(pack)
    report(1.0, "Done")
    return data


PACKS_DIR = WAREHOUSE_HOME / "packs"  # prepared packs, one folder per data version (beside the builds they come from)


def prepared_pack_path(area_code: str, fmt: str, definition: Definition | dict | None = None) -> Path | None:
    """Where `prepare_packs` keeps the pack of every section for an area, format and definition (its year resolved),
    under the served data's version; None for a fixture database."""
    version = db.data_version()
    if version is None:
        return None
    d = check_definition(definition, area_code)
    name = f"{area_code}-{d.geography}-{d.basis}-{d.benchmark}-{_basis_year(d.basis, d.year)}"
    return PACKS_DIR / version / f"{re.sub(r'[^A-Za-z0-9-]', '_', name)}.{check_format(fmt)}"


def prepared_pack(area_code: str, sections, fmt: str, definition: Definition | dict | None = None) -> bytes | None:
    """The pack prepared at build time for exactly this request (every section), or None: then build_pack."""
    if check_sections(sections) != SECTIONS:
        return None
    path = prepared_pack_path(area_code, fmt, definition)
    return path.read_bytes() if path is not None and path.is_file() else None


def prepare_packs(
    area_codes: list[str], formats=FORMATS, definition: Definition | dict | None = None, log=print
) -> list[Path]:
    """Build and keep the pack of every section for each area and format on `definition` (default: the dashboard's
    default definition), under the served data's version; packs kept for other versions are removed. Each file is
    written to a temporary name and renamed, so a reader never sees half a pack."""
    paths = []
    for area_code in area_codes:
        for fmt in formats:
            path = prepared_pack_path(area_code, fmt, definition)
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            temporary.write_bytes(build_pack(area_code, SECTIONS, fmt, definition))
            temporary.replace(path)
            log(f"prepared {path.relative_to(PACKS_DIR)} ({path.stat().st_size:,} bytes)")
            paths.append(path)
    version = db.data_version()
    for folder in PACKS_DIR.iterdir():
        if folder.is_dir() and folder.name != version:
            shutil.rmtree(folder)
    return paths


def filename(area_code: str, fmt: str) -> str:
    """A download name such as 'briefing-manchester-E08000003.pptx'."""
    name = geography.area_names().get(area_code, area_code)
    return f"briefing-{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}-{area_code}.{check_format(fmt)}"


# ------------------------------------------------------------------------------------------------ PPTX


def render_pptx(pack: Pack) -> bytes:
    """PowerPoint bytes: one slide per Slide, native charts (data embedded), tables, map image, footer and notes."""
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    stamp = datetime.strptime(pack.vintage_date, "%Y-%m-%d")
    props = prs.core_properties
    props.title = f"Briefing: {pack.area_name} ({pack.area_code})"
    props.author = props.last_modified_by = AUTHOR
    props.subject = definition_label(pack.definition)
    props.created = props.modified = props.last_printed = stamp
    props.revision = 1
    for slide in pack.slides:
        _pptx_slide(prs, slide)
    buffer = io.BytesIO()
    prs.save(buffer)
    return normalise_zip(buffer.getvalue(), stamp)


def _pptx_text(shapes, left, top, width, height, text, size, bold=False, colour="222222", wrap=True):
    from pptx.dml.color import RGBColor
    from pptx.util import Pt

    box = shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = wrap
    lines = text if isinstance(text, list) else [text]
    for index, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.text = line
        paragraph.font.size, paragraph.font.bold = Pt(size), bold
        paragraph.font.color.rgb = RGBColor.from_string(colour)
    return box


def _pptx_slide(prs, slide: Slide) -> None:
    from pptx.util import Inches, Pt

    page = prs.slides.add_slide(prs.slide_layouts[5])  # "Title Only"
    title = page.shapes.title
    title.left, title.top, title.width, title.height = Inches(0.5), Inches(0.3), Inches(12.3), Inches(0.9)
    title.text = slide.title
    title.text_frame.paragraphs[0].font.size = Pt(28)
    title.text_frame.paragraphs[0].font.bold = True
    shapes = page.shapes
    _pptx_text(
        shapes, Inches(0.5), Inches(1.2), Inches(12.3), Inches(0.8), slide.headline, 16, colour="0B3C5D"
    ).name = "Headline"
    body_top, body_height = Inches(2.1), Inches(4.6)
    right_left = Inches(0.5)
    if slide.image is not None:
        page.shapes.add_picture(
            io.BytesIO(slide.image), Inches(8.6), body_top - Inches(0.1), height=body_height + Inches(0.2)
        )
    if slide.chart is not None:
        width = Inches(8.4) if slide.bullets else Inches(12.3)
        native = slide.chart if isinstance(slide.chart, Chart) else native_chart(slide.chart, slide.number_format)
        if native is not None:
            _pptx_chart(shapes, native, Inches(0.5), body_top, width, body_height)
        else:
            picture = chart_png(slide.chart, int(width / Inches(1) * 100), int(body_height / Inches(1) * 100))
            shapes.add_picture(io.BytesIO(picture), Inches(0.5), body_top, width, body_height).name = "Chart"
        right_left = Inches(9.1)
    if slide.table is not None:
        _pptx_table(shapes, slide.table, Inches(0.5), body_top, Inches(12.3), body_height)
    if slide.bullets:
        width = Inches(7.8) if slide.image is not None else Inches(12.8) - right_left
        _pptx_text(
            shapes, right_left, body_top, width, body_height, [f"• {b}" for b in slide.bullets], 14
        ).name = "Bullets"
    lines = -(-len(slide.footer) // 190)  # about 190 characters a line at 8 pt across the slide
    _pptx_text(
        shapes,
        Inches(0.5),
        Inches(7.35 - 0.15 * lines),
        Inches(12.3),
        Inches(0.15 * lines),
        slide.footer,
        8,
        colour="555555",
    ).name = "Footer"
    page.notes_slide.notes_text_frame.text = slide.notes


def native_chart(fig: go.Figure, number_format: str = "#,##0.0") -> Chart | None:
    """A figure's bar or line traces as `Chart` data for a native, editable PowerPoint chart: one series per trace
    (its name and values) over the category axis, horizontal when the bars are, axis titles from the figure.

    None when the figure has no native equivalent: a trace other than bars or lines (a waterfall, heatmap, box, map or
    markers on numeric axes), bars mixed with lines, or traces over different categories; the slide then shows a
    picture of the figure (chart_png).
    """
    kinds = {trace.type for trace in fig.data}
    lines = kinds == {"scatter"} and all("lines" in (trace.mode or "lines") for trace in fig.data)
    if kinds != {"bar"} and not lines:
        return None
    horizontal = kinds == {"bar"} and any(trace.orientation == "h" for trace in fig.data)
    categories = [figures._items(trace.y if horizontal else trace.x) for trace in fig.data]
    if any(these != categories[0] for these in categories):
        return None
    series = [
        (figures._text(trace.name), [float(v) for v in figures._items(trace.x if horizontal else trace.y)])
        for trace in fig.data
    ]
    value_axis, category_axis = (
        (fig.layout.xaxis, fig.layout.yaxis) if horizontal else (fig.layout.yaxis, fig.layout.xaxis)
    )
    labels = [_category(value) for value in categories[0]]
    if horizontal and category_axis.autorange != "reversed":  # Plotly's first bar is at the bottom, Chart's at the top
        labels, series = labels[::-1], [(name, values[::-1]) for name, values in series]
    return Chart(
        "line" if lines else ("bar" if horizontal else "column"),
        labels,
        series,
        value_title=figures._text(value_axis.title.text),
        category_title=figures._text(category_axis.title.text),
        number_format=number_format,
    )


def _category(value) -> str:
    """A category as a slide writes it: one line, whole numbers (years) without a decimal point."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return figures._text(value).replace("\n", " ")


def chart_png(fig: go.Figure, width_px: int, height_px: int) -> bytes:
    """A picture of the figure's plot (no captions: the slide carries them), drawn by matplotlib so that the same
    figure gives the same bytes and no browser is needed."""
    page = figures.new_figure(width_px, height_px)
    left = 0.3 if _horizontal(fig) else 0.08
    _draw_chart(page.add_axes((left, 0.15, 0.97 - left, 0.8)), fig)
    return figures.save(page, "png")


def _pptx_chart(shapes, chart: Chart, left, top, width, height):
    from pptx.chart.data import CategoryChartData
    from pptx.dml.color import RGBColor
    from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
    from pptx.enum.dml import MSO_LINE_DASH_STYLE
    from pptx.util import Pt

    data = CategoryChartData(number_format=chart.number_format)
    data.categories = chart.categories
    for name, values in chart.series:
        data.add_series(name, [float(v) for v in values])
    kind = {
        "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
        "bar": XL_CHART_TYPE.BAR_CLUSTERED,
        "line": XL_CHART_TYPE.LINE_MARKERS,
    }[chart.kind]
    graphic = shapes.add_chart(kind, left, top, width, height, data)
    graphic.name = "Chart"
    plot_chart = graphic.chart
    plot_chart.font.size = Pt(11)
    plot_chart.has_legend = len(chart.series) > 1
    if plot_chart.has_legend:
        plot_chart.legend.position, plot_chart.legend.include_in_layout = XL_LEGEND_POSITION.BOTTOM, False
    value_axis = plot_chart.value_axis
    value_axis.has_title = True
    value_axis.axis_title.text_frame.text = chart.value_title
    value_axis.axis_title.text_frame.paragraphs[0].font.size = Pt(11)
    value_axis.tick_labels.number_format, value_axis.tick_labels.number_format_is_linked = chart.number_format, False
    if chart.category_title:
        plot_chart.category_axis.has_title = True
        plot_chart.category_axis.axis_title.text_frame.text = chart.category_title
    if chart.kind == "bar":
        plot_chart.category_axis.reverse_order = True  # first category at the top, as in the data
    for index, series in enumerate(plot_chart.plots[0].series):
        colour = RGBColor.from_string(figures.PALETTE[index % len(figures.PALETTE)].lstrip("#"))
        if chart.kind == "line":
            series.format.line.color.rgb = colour
            series.format.line.width = Pt(2.25)
            series.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH if index else MSO_LINE_DASH_STYLE.SOLID
            series.smooth = False
        else:
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = colour
            series.invert_if_negative = False
    if chart.kind != "line":
        plot = plot_chart.plots[0]
        plot.has_data_labels = True
        plot.data_labels.number_format, plot.data_labels.number_format_is_linked = chart.number_format, False
        plot.data_labels.position = XL_LABEL_POSITION.OUTSIDE_END
        plot.data_labels.font.size = Pt(10)
    return graphic


def _pptx_table(shapes, rows: list[list[str]], left, top, width, height):
    from pptx.util import Pt

    frame = shapes.add_table(len(rows), len(rows[0]), left, top, width, height)
    frame.name = "Table"
    table = frame.table
    widths = [0.34, 0.14, 0.14, 0.38] if len(rows[0]) == 4 else [0.4, 0.25, 0.35]
    for index, share in enumerate(widths):
        table.columns[index].width = int(width * share)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            cell = table.cell(r, c)
            cell.text = str(value)
            for paragraph in cell.text_frame.paragraphs:
                paragraph.font.size = Pt(11 if r == 0 else 10)
                paragraph.font.bold = r == 0
    return frame


def normalise_zip(data: bytes, stamp: datetime) -> bytes:
    """Rewrite an OOXML zip with fixed entry dates, and fixed dates inside embedded workbooks (byte-identical
    output)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            blob = source.read(info.filename)
            if info.filename.endswith(".xlsx"):
                blob = _normalise_xlsx(blob, stamp)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_DATE)
            entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, 0o600 << 16
            target.writestr(entry, blob)
    return out.getvalue()


def _normalise_xlsx(blob: bytes, stamp: datetime) -> bytes:
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    source = zipfile.ZipFile(io.BytesIO(blob))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                part = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", lambda m: m.group(1) + iso.encode(), part)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_DATE)
            entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, 0o600 << 16
            target.writestr(entry, part)
    return out.getvalue()


# ------------------------------------------------------------------------------------------------ PDF


def render_pdf(pack: Pack) -> bytes:
    """PDF bytes (matplotlib, no browser or office suite): one landscape page per slide, same text and numbers."""
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages

    buffer = io.BytesIO()
    stamp = datetime.strptime(pack.vintage_date, "%Y-%m-%d")
    metadata = {
        "Title": f"Briefing: {pack.area_name} ({pack.area_code})",
        "Author": AUTHOR,
        "Creator": AUTHOR,
        "Producer": AUTHOR,
        "CreationDate": stamp,
        "ModDate": stamp,
    }
    with matplotlib.rc_context({"pdf.fonttype": 42}), PdfPages(buffer, metadata=metadata) as pdf:
        for number, slide in enumerate(pack.slides, start=1):
            pdf.savefig(_pdf_page(slide, number, len(pack.slides)))
    return buffer.getvalue()


def _plotly(chart: Chart | go.Figure) -> go.Figure:
    return chart.to_plotly() if isinstance(chart, Chart) else chart


def _horizontal(chart: Chart | go.Figure) -> bool:
    """True for horizontal bars (their category labels need a wide left margin)."""
    return any(trace.type == "bar" and trace.orientation == "h" for trace in _plotly(chart).data)


def _draw_chart(ax, chart: Chart | go.Figure) -> None:
    """A chart's traces on matplotlib axes (figures' browser-free renderer)."""
    fig = _plotly(chart)
    spec = figures._plain(fig.to_dict())
    figures._draw_xy(ax, spec["data"], spec["layout"])


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


def _pdf_page(slide: Slide, number: int, total: int):
    import matplotlib.image

    page = figures.new_figure(1333, 750)
    page.text(0.035, 0.95, _wrap(slide.title, 95), fontsize=20, fontweight="bold", va="top")
    page.text(0.035, 0.86, _wrap(slide.headline, 140), fontsize=12.5, color="#0B3C5D", va="top")
    footer = _wrap(slide.footer, 215)
    page.text(0.035, 0.015, footer, fontsize=7, color="#555555", va="bottom")
    notes = slide.notes if len(slide.notes) < 1100 else slide.notes[:1100] + "…"
    page.text(
        0.035,
        0.03 + 0.0145 * (footer.count("\n") + 1),
        _wrap("Notes: " + notes, 235),
        fontsize=6.5,
        color="#777777",
        va="bottom",
    )
    page.text(0.965, 0.02, f"{number} / {total}", fontsize=8, color="#555555", ha="right")
    right = 0.035
    if slide.chart is not None:
        width = 0.58 if slide.bullets or slide.image is not None else 0.9
        horizontal = _horizontal(slide.chart)
        ax = page.add_axes((0.26 if horizontal else 0.09, 0.22, width - (0.22 if horizontal else 0.05), 0.54))
        _draw_chart(ax, slide.chart)
        if horizontal and len(ax.get_yticks()) > 12:  # many bars: smaller labels, so that neighbours keep apart
            ax.tick_params(axis="y", labelsize=6.5)
            for label in ax.texts:
                label.set_fontsize(6)
        right = 0.68
    if slide.table is not None:
        ax = page.add_axes((0.035, 0.2, 0.93, 0.6))
        ax.set_axis_off()
        header, body = slide.table[0], slide.table[1:]
        widths = TABLE_WIDTHS.get(len(header)) or [1 / len(header)] * len(header)
        chars = [int(w * 160) for w in widths]
        cells = [[_wrap(v, n) for v, n in zip(row, chars, strict=True)] for row in body]
        heading = [_wrap(v, n) for v, n in zip(header, chars, strict=True)]
        table = ax.table(cellText=cells, colLabels=heading, colWidths=widths, loc="upper left", cellLoc="left")
        table.auto_set_font_size(False)
        table.set_fontsize(8)
        lines = [max(t.count("\n") + 1 for t in row) for row in [heading, *cells]]
        per_line = min(0.045, (0.96 - 0.02 * len(lines)) / sum(lines))  # the table within its box (less its padding)
        for (r, _), cell in table.get_celld().items():
            cell.set_height(per_line * lines[r] + 0.02)
            if r == 0:
                cell.set_text_props(fontweight="bold")
                cell.set_facecolor("#E8EEF3")
    if slide.image is not None:
        ax = page.add_axes((0.66, 0.16, 0.3, 0.66))
        ax.imshow(matplotlib.image.imread(io.BytesIO(slide.image), format="png"))
        ax.set_axis_off()
    if slide.bullets:
        x = 0.035 if slide.chart is None else right
        page.text(
            x,
            0.74,
            "\n".join(_wrap(f"• {b}", 48 if x > 0.5 else 80) for b in slide.bullets),
            fontsize=11,
            va="top",
            linespacing=1.6,
        )
    return page
