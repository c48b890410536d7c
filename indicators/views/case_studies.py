"""Case studies: the Core Cities' Whole Place Leadership examples, filtered by city and policy area, quoted with
attribution (not official statistics)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.data import case_studies
from indicators.domain import formatting
from indicators.exports.labels import Meta


def intro() -> str:
    """What the case studies are and where they come from."""
    publication = case_studies.source()
    return (
        f"Examples of place-based working from **{publication.get('title', 'Whole Place Leadership')}** "
        f"({publication.get('publisher', 'Core Cities UK')}, {publication.get('release_date', '2016')}). These are "
        "quoted from the publication with attribution; they are not official statistics and the project has not "
        "verified them."
    )


def filters() -> tuple[list[str], list[str]]:
    """The cities and the policy areas that have case studies, alphabetical."""
    return case_studies.cities_with_case_studies(), case_studies.policy_areas_list()


@dataclass(frozen=True)
class CaseStudy:
    """One example as its card shows it."""

    project: str
    where: str  # 'city · policy area'
    figures: str  # its featured figures as a Markdown list, or a line saying there are none


@dataclass(frozen=True)
class CaseStudies:
    """The examples matching the filters: a heading with their count, the filters in words, a notice when none
    match, one card each, and the table with its downloads' metadata and the source line."""

    heading: str
    showing: str
    none_found: str | None
    cards: list[CaseStudy]
    table: pd.DataFrame
    download: Meta
    source: str


def matching(cities: list[str], policy_areas: list[str]) -> CaseStudies:
    """The case studies of `cities` on `policy_areas` (empty: all). Raises ValueError for an unknown city or policy
    area."""
    found = case_studies.case_studies(cities, policy_areas)
    publication = case_studies.source()
    publisher, title = publication.get("publisher", ""), publication.get("title", "")
    return CaseStudies(
        heading=f"{formatting.number(len(found))} case stud{'y' if len(found) == 1 else 'ies'}",
        showing=f"Showing {', '.join(cities) if cities else 'all cities'}; "
        f"{', '.join(policy_areas) if policy_areas else 'all policy areas'}.",
        none_found="No case study matches both filters; remove one to see more." if found.empty else None,
        cards=[_card(row) for row in found.to_dict("records")],
        table=found,
        download=Meta(
            title="Case studies of place-based working",
            definition="Examples quoted from the publication with attribution; not official statistics, not "
            "verified by the project.",
            period=str(publication.get("release_date", "")),
            source=f"{publisher}, {title}",
            licence=publication.get("licence", ""),
        ),
        source=f"Source: {publisher}, {title} ({publication.get('release', '')}). "
        f"Licence: {publication.get('licence', '')}.",
    )


def _card(row: dict) -> CaseStudy:
    figures = case_studies.featured_figures(row["featured_figures"])
    return CaseStudy(
        project=row["project"],
        where=f"{row['city']} · {row['policy_area']}",
        figures="**Featured figures (as published):**\n" + "\n".join(f"- {f}" for f in figures)
        if figures
        else "*The publication gives no figures for this example.*",
    )
