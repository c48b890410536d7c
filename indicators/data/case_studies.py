"""Whole Place Leadership case studies (Core Cities UK, 2016): quoted facts with attribution, not official
statistics."""

from __future__ import annotations

import pandas as pd

from indicators.data.db import query

COLUMNS = ["case_id", "city", "project", "policy_area", "featured_figures", "source_id"]


def case_studies(cities: list[str] | None = None, policy_areas: list[str] | None = None) -> pd.DataFrame:
    """Case studies, optionally filtered to some cities and/or policy areas (None or empty = all).

    Returns case_id, city, project, policy_area, featured_figures ('' when the publication gives none), source_id,
    ordered by city then project. Unknown cities or policy areas raise ValueError naming the valid ones.
    """
    for name, chosen, valid in (
        ("city", cities, cities_with_case_studies()),
        ("policy area", policy_areas, policy_areas_list()),
    ):
        unknown = sorted(set(chosen or []) - set(valid))
        if unknown:
            raise ValueError(f"unknown {name} {unknown}; valid: {', '.join(valid)}")
    sql = f"SELECT {', '.join(COLUMNS)} FROM case_studies WHERE true"
    params: list = []
    if cities:
        sql += " AND list_contains(?, city)"
        params.append(list(cities))
    if policy_areas:
        sql += " AND list_contains(?, policy_area)"
        params.append(list(policy_areas))
    frame = query(sql + " ORDER BY city, project", params)
    frame["featured_figures"] = frame["featured_figures"].fillna("")
    return frame


def cities_with_case_studies() -> list[str]:
    """Cities that have at least one case study, alphabetical."""
    return query("SELECT DISTINCT city FROM case_studies ORDER BY city")["city"].tolist()


def policy_areas_list() -> list[str]:
    """Policy areas used by the case studies, alphabetical."""
    return query("SELECT DISTINCT policy_area FROM case_studies ORDER BY policy_area")["policy_area"].tolist()


def featured_figures(text: str) -> list[str]:
    """The featured figures of one case study as a list (the extract separates them with ';')."""
    return [part.strip() for part in (text or "").split(";") if part.strip()]


def source() -> dict:
    """The publication the case studies are quoted from (one provenance row)."""
    frame = query("SELECT * FROM sources WHERE source_id IN (SELECT DISTINCT source_id FROM case_studies)")
    return frame.iloc[0].to_dict() if not frame.empty else {}
