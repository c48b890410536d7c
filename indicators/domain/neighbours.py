"""A council's statistical neighbours taken together, as an area of the aggregates mart (the method that finds them
is indicators.domain.similarity)."""

from __future__ import annotations

NEIGHBOURS_PREFIX, NEIGHBOURS_LEVEL = "NEIGHBOURS_", "neighbours"
NEIGHBOUR_MEASURES = ("gva_per_head", "gva_per_job", "gva_per_hour")  # the productivity gap's bases
NEIGHBOURS_GEOGRAPHY = "Statistical neighbours are defined for councils: choose the council geography"


def neighbours_code(lad_code: str) -> str:
    """The area code of a council's statistical neighbours taken together (NEIGHBOURS_<council>)."""
    return NEIGHBOURS_PREFIX + lad_code
