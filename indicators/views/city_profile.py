"""City profile: every measure for the chosen area against the benchmark, its sentences and headline tiles, the whole
place (scorecard, sector mix, statistical neighbours) and the city's case studies."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.analysis import measures, place
from indicators.data import case_studies, geography
from indicators.domain import formatting, similarity
from indicators.domain.definition import Definition
from indicators.exports import briefing, charts
from indicators.views import Chart, Tile
from indicators.views.productivity_gap import waterfall  # noqa: F401  (the City profile draws it too)

SECTOR_SOURCE = (
    "Source: ONS, Regional gross value added (balanced) by industry: local authorities by ITL1 region (April 2025), "
    "Table 3."
)
SPINE_HIDDEN = ["indicator_id", "unit", "value", "ci_lower", "ci_upper", "benchmark_value", "significance"]


NEIGHBOURS_METHOD = similarity.METHOD  # how the statistical neighbours are found, in words

# The briefing pack's controls and builders, passed through from indicators.exports.briefing
PACK_SECTIONS = briefing.SECTIONS
PACK_SECTION_TITLES = briefing.SECTION_TITLES
PACK_FORMATS = briefing.FORMATS
PACK_MIME = briefing.MIME
prepared_pack = briefing.prepared_pack  # the pack prepared at build time for this request, or None
build_pack = briefing.build_pack
pack_filename = briefing.filename


def pack_definition(d: Definition) -> dict:
    """The definition a briefing pack is built on (the sidebar's geography, basis, benchmark and year)."""
    return {"geography": d.geography, "basis": d.basis, "benchmark": d.benchmark, "year": d.year}


def neighbours_method_table() -> pd.DataFrame:
    """The characteristics the neighbours are matched on and their weights."""
    return similarity.method_table()


def area_name(area_code: str) -> str:
    """The area's name as the page's title says it (a Core City by its city's name)."""
    return measures.city_name(area_code)


def provenance() -> dict:
    """How the headline measure (GVA per hour worked) is calculated, for the page's closing panel."""
    return measures.provenance(measures.HEADLINE[0])


@dataclass(frozen=True)
class Profile:
    """The measures against the benchmark: `shown` (one row per measure, texts ready), the headline tiles, the
    sentences and the strengths and weaknesses as list lines; `problem` says why there is none."""

    problem: str | None = None
    shown: pd.DataFrame | None = None
    tiles: list[Tile] | None = None
    sentences: list[str] | None = None
    strengths: list[str] | None = None
    weaknesses: list[str] | None = None


def profile(d: Definition, benchmark_label: str) -> Profile:
    """Every measure for `d.area` against `d.benchmark` in `d.year` on `d.geography`."""
    try:
        view = measures.profile_view(d)
    except ValueError as problem:
        return Profile(problem=f"This profile can't be shown: {problem}")
    table = view["table"]
    if table.empty:
        return Profile(problem="No measures are available for this area on this definition.")
    name = measures.city_name(d.area)
    headline = table[table["measure"].isin(measures.HEADLINE)]
    tiles = [
        Tile(
            f"{row.name} ({row.period})",
            formatting.headline(row.value, row.unit),
            help=f"{formatting.value(row.value, row.unit)}. {name}: {row.area_method}. {row.benchmark_name}: "
            f"{formatting.value(row.benchmark_value, row.unit)}, {row.method}."
            + (f" Coverage: {row.coverage_note}." if row.coverage_note else ""),
            delta=f"{row.gap_text} vs {benchmark_label}",
            gap=row.gap_pct,
            polarity=row.polarity,
        )
        for row in headline.itertuples()
    ]
    found = view["strengths"]
    return Profile(
        shown=view["shown"],
        tiles=tiles,
        sentences=measures.sentences(d),
        strengths=[f"- ▲ {_item(item)}" for item in found["strengths"]] or ["- ▲ none on this definition"],
        weaknesses=[f"- ▼ {_item(item)}" for item in found["weaknesses"]] or ["- ▼ none on this definition"],
    )


def _item(item: dict) -> str:
    return item["name"] + (f": {item['gap_text']} ({item['period']})" if item["gap_pct"] is not None else "")


@dataclass(frozen=True)
class WholePlace:
    """The council's scorecard (spine chart and counts), sector mix and statistical neighbours; `card` is None for
    an area that is not a council or has no scorecard."""

    council_name: str
    card: pd.DataFrame | None = None
    counts: dict | None = None
    spine: Chart | None = None
    sectors: Chart | None = None
    neighbours: pd.DataFrame | None = None


def whole_place(area_code: str) -> WholePlace:
    """The whole-place section of the profile for a council."""
    council_name = geography.area_names().get(area_code, area_code)
    card = place.scorecard_table(area_code) if area_code in geography.lad_code_set() else None
    if card is None or card.empty:
        return WholePlace(council_name)
    spine = charts.Captions(
        title=f"{council_name} scorecard: every indicator against all councils",
        subtitle="Each row on its own scale: better to the right; the centre line is the national figure; "
        "bars show the range of all councils (light) and their middle half (dark); ◇ Core Cities median",
        source=place.source_line(card["indicator_id"].iloc[0]),
    )
    years = place.gva_years()
    sectors = charts.Captions(
        title=f"{council_name}: share of GVA by industry against the UK, {years[-1]}",
        subtitle=f"% of gross value added (current prices), SIC 2007 sections; UK = {place.uk_coverage(years[-1])}",
        source=SECTOR_SOURCE,
    )
    return WholePlace(
        council_name,
        card=card,
        counts=place.significance_counts(area_code),
        spine=Chart(
            lambda: charts.spine(place.scorecard(area_code), area_name=council_name, captions=spine),
            spine,
            cache=("spine", area_code),
            table=lambda: card.drop(columns=SPINE_HIDDEN),
            note="Shapes: ▲ significantly better, ▼ significantly worse, ● similar, ○ not tested (no confidence "
            "limits). Significance: the area's 95% confidence interval lies wholly above or below the "
            "national figure. Counts and £ million totals, which mostly reflect size, are in the table only; "
            "where no national figure is published the centre is the median council.",
        ),
        sectors=Chart(
            lambda: charts.sector_bars(
                place.sector_mix(area_code), area_name=council_name, last_year=years[-1], captions=sectors
            ),
            sectors,
            cache=("sectors", area_code),
            table=lambda: place.sector_table(area_code),
            note=f"Location quotient = the area's share ÷ the UK's share (above 1: more concentrated than the UK). "
            f"The table gives {years[0]} shares and the change since.",
        ),
        neighbours=place.neighbours(area_code),
    )


def city_case_studies(area_code: str) -> pd.DataFrame | None:
    """The Core City's Whole Place Leadership case studies (project, policy area, figures quoted); None elsewhere."""
    if area_code not in measures.core_city_codes("lad"):
        return None
    cases = case_studies.case_studies([measures.city_name(area_code)])
    return None if cases.empty else cases[["project", "policy_area", "featured_figures"]]
