"""The one Definition, its default and the one rule for the year shown (indicators.domain.definition): pure, no data."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from indicators.domain.definition import BIRMINGHAM, DEFAULT, Definition, period_for

YEARS = [2019, 2020, 2022]  # 2021 missing, as when a release skips a year
FISCAL = ["2021-22", "2022-23", "2024-25"]


@pytest.mark.parametrize(
    "periods, wanted, expected",
    [
        (YEARS, 2020, 2020),  # the wanted year has data
        (YEARS, "2020", 2020),  # a year from a URL, as text
        (YEARS, 2021, 2020),  # no 2021: the latest before it
        (YEARS, 2030, 2022),  # after the last: the latest
        (YEARS, 2010, 2019),  # before the first: the earliest
        (YEARS, None, 2022),  # None: the latest
        ([2022, 2019, 2020], None, 2022),  # the order given does not matter
        (FISCAL, "2022-23", "2022-23"),  # a financial year asked by name
        (FISCAL, 2022, "2022-23"),  # a calendar year: the period starting in it
        (FISCAL, "2023-24", "2022-23"),  # no 2023-24: the latest starting before it
        (FISCAL, 2023, "2022-23"),
        (FISCAL, 2020, "2021-22"),  # before the first: the earliest
        (FISCAL, None, "2024-25"),
        (["Oct 2021-Sep 2022", "Oct 2022-Sep 2023"], 2022, "Oct 2022-Sep 2023"),  # starts in October 2022
        (["Oct 2021-Sep 2022", "Oct 2022-Sep 2023"], 2023, "Oct 2022-Sep 2023"),
        (["2021", "2022"], 2025, "2022"),
        (["2023-24"], 2022, "2023-24"),  # the only period, though it starts after the year wanted
    ],
)
def test_period_for(periods, wanted, expected):
    assert period_for(periods, wanted) == expected


def test_period_for_breaks_ties_by_text_whatever_the_order_given():
    # '2022' and '2022-23' both start in 2022: an exact name wins, else the later text ('2022-23')
    for periods in (["2022", "2022-23"], ["2022-23", "2022"]):
        assert period_for(periods, "2022") == "2022"
        assert period_for(periods, "2022-23") == "2022-23"
        assert period_for(periods, 2023) == "2022-23"
        assert period_for(periods, None) == "2022-23"


def test_period_for_refuses_no_periods_and_a_wanted_year_that_names_none():
    with pytest.raises(ValueError, match="no periods"):
        period_for([], 2022)
    with pytest.raises(ValueError, match="no periods"):
        period_for([], None)
    with pytest.raises(ValueError, match="has no year"):
        period_for(YEARS, "latest")


def test_the_default_is_the_dashboards_first_view():
    assert DEFAULT == Definition()
    assert (DEFAULT.area, DEFAULT.geography, DEFAULT.basis, DEFAULT.benchmark) == (BIRMINGHAM, "council", "hour", "uk")
    assert DEFAULT.year is None and DEFAULT.fiscal_year is None and DEFAULT.options == {}


def test_definition_checks_its_keys_and_normalises_the_year():
    with pytest.raises(ValueError, match="unknown geography 'county'"):
        Definition(geography="county")
    with pytest.raises(ValueError, match="unknown basis 'per-cat'"):
        Definition(basis="per-cat")
    with pytest.raises(ValueError, match="whole number"):
        Definition(year="20x2")
    assert Definition(year="2022").year == 2022
    year = Definition(year=np.int64(2022)).year
    assert year == 2022 and type(year) is int


def test_definition_is_frozen_and_hashable():
    a = Definition("E08000035", "city-region", "job", "uk-ex-london", 2021, "2022-23", (("nics", "population"),))
    b = Definition("E08000035", "city-region", "job", "uk-ex-london", "2021", "2022-23", (("nics", "population"),))
    assert a == b and hash(a) == hash(b) and len({a, b, DEFAULT}) == 2  # equal definitions key one memo entry
    assert {a: "memo"}[b] == "memo"
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.year = 2020
    assert a.options == {"nics": "population"}


def test_with_year_resolves_by_the_one_rule_and_label_says_so():
    assert DEFAULT.with_year(YEARS).year == 2022
    assert Definition(year=2021).with_year(YEARS).year == 2020
    label = Definition(geography="city-region", year=2022).label("GVA per hour worked", "UK (less Extra-Regio)")
    assert label == "GVA per hour worked · city region areas · vs UK (less Extra-Regio) · 2022"
    assert DEFAULT.label("GVA per head", "the UK").endswith("· vs the UK · latest year")
