"""indicators.domain.claims by hand: the tolerance, the verdict on the primary definition, 'holds on k of n' and the
wording."""

from __future__ import annotations

import pytest

from indicators.domain import claims as c


def test_within_and_difference():
    assert c.within(55.0, 50.0) and c.within(45.0, 50.0)  # ±10 % of 50 = ±5, the boundary counts
    assert not c.within(55.1, 50.0) and c.within(-55.0, -50.0)
    assert c.difference_pct(55.0, 50.0) == pytest.approx(10.0)
    assert c.difference_pct(None, 50.0) is None and c.difference_pct(5.0, 0.0) is None


def alternatives():
    return [
        c.definition("a", "primary", "2015", 48.0),
        c.definition("b", "second", "2015", 60.0),
        c.definition("c", "later data", "2022", 50.0, context=True),
        c.definition("d", "no value", "2015", None),
    ]


def test_assess_on_the_period_described():
    found = c.assess(50.0, "GBP bn per year", alternatives(), "a", "2015")
    assert found["verdict_code"] == "holds" and found["primary_value"] == 48.0
    assert found["difference_pct"] == pytest.approx(-4.0)
    assert found["range"] == {"min": 48.0, "max": 60.0, "period": "2015"}  # context and missing values not counted
    assert found["holds_on_k_of_n"] == {"k": 1, "n": 2, "period": "2015"}
    assert found["verdict"].startswith("Holds: the primary definition gives £48.0bn (−4.0% against the claim")
    assert "holds on 1 of 2 definitions tried for 2015" in found["verdict"]
    counted = {a["definition_id"]: a["counted"] for a in found["alternatives"]}
    assert counted == {"a": True, "b": True, "c": False, "d": False}


def test_assess_other_periods_and_untestable():
    tried = [*alternatives(), c.definition("e", "only later data", "2022", 70.0)]
    later = c.assess(50.0, "GBP bn per year", tried, "e", "2015")  # the claim's period is not in this source
    assert later["verdict_code"] == "not_reproduced_other_period"
    assert later["holds_on_k_of_n"] == {"k": 0, "n": 1, "period": "2022"}  # the context figure is never counted
    assert later["verdict"].startswith("Not testable on 2015, the period the claim describes")
    none = c.assess(50.0, "GBP bn per year", alternatives(), "d", "2015")
    assert none["verdict_code"] == "not_recomputable"
    untestable = c.assess(50.0, "percent", [], None, "2015", "No data for 2014.")
    assert untestable["verdict_code"] == "untestable" and untestable["verdict"] == "No data for 2014."
    with pytest.raises(ValueError, match="primary definition 'z' is not among"):
        c.assess(50.0, "percent", alternatives(), "z", "2015")


def test_wording():
    assert c.format_value(-26.94, "GBP bn per year") == "\u2212£26.9bn"
    assert c.format_value(25.0, "percent (more than)") == "25.0%" and c.format_value(None, "percent") == "not available"
    assert c.format_value(19.054, "million people") == "19.05 million"
    assert c.claimed_text(30.0, "percent (more than)") == "more than 30.0%"
    assert c.unit_words("GBP bn per year (spending exceeds taxes)") == "£bn a year (spending exceeds taxes)"
    assert c.difference_text(27.0, 25.0, "percent").startswith("+2.0 percentage points from the claimed 25.0%")
    assert c.range_text({"min": 8.94, "max": 24.3}, "percent") == "8.9% to 24.3%"
    assert c.range_text({"min": 8.9, "max": 8.9}, "percent") == "8.9%" and c.range_text(None, "percent") == ""
    assert c.holds_on_text({"k": 2, "n": 4}) == "2 of 4" and c.holds_on_text(None) == ""
    assert c.rounded(19.055, "million people") == 19.06 and c.rounded(2.25, "percent") == 2.3
    assert c.signed(2.34) == "+2.3"


def test_nice_ticks():
    assert c.nice_ticks(0, 10) == ([0, 2, 4, 6, 8, 10], 0)
    assert c.nice_ticks(-12, 33) == ([-10, 0, 10, 20, 30], 0)
    assert c.nice_ticks(0, 1) == ([0, 0.2, 0.4, 0.6, 0.8, 1.0], 1)
    assert c.tick_text(-10, "GBP bn per year", 0) == "\u2212£10bn" and c.tick_text(25, "percent", 0) == "25%"
