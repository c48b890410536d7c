"""indicators.domain.neighbours and areas: the codes the build mart writes and the readers look up are one set."""

from __future__ import annotations

from indicators.data import aggregates
from indicators.domain import areas, neighbours
from indicators.domain.neighbours import NEIGHBOUR_MEASURES
from indicators.pipeline.marts import aggregates as mart


def test_neighbours_code():
    assert neighbours.neighbours_code("E08000025") == "NEIGHBOURS_E08000025"
    assert neighbours.neighbours_code("E08000025").startswith(neighbours.NEIGHBOURS_PREFIX)
    assert set(neighbours.NEIGHBOUR_MEASURES) == {"gva_per_head", "gva_per_job", "gva_per_hour"}


def test_the_mart_and_the_reader_share_the_codes():
    for name in ("UK", "UK_EX_LONDON", "UK_WHOLE", "CORE_COUNCILS", "CORE_CITY_REGIONS"):
        assert getattr(mart, name) == getattr(aggregates, name) == getattr(areas, name)
    assert mart.NEIGHBOUR_MEASURES == NEIGHBOUR_MEASURES == neighbours.NEIGHBOUR_MEASURES
