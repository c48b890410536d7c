"""Claims check: the verdict logic on hand-made definitions, then the real warehouse (vintage-true periods, the
declared primary definitions, the ECB conversion of the European claims and the stated-rate override)."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators.analysis import claims, fiscal, international, productivity
from indicators.data.db import query
from indicators.data.paths import EXTRACTS_DIR
from indicators.domain.claims import (
    PEER_CODES,
    VERDICT_LABELS,
    assess,
    claimed_text,
    definition,
    difference_pct,
    difference_text,
    format_value,
    holds_on_text,
    nice_ticks,
    range_text,
    signed,
    unit_words,
    within,
)
from indicators.domain.international import (
    bar_range,
    break_even_rate,
    check_rate,
    euro,
    premium_pct,
    rate_text,
    wrap_label,
)
from indicators.pipeline.extract import reference

d = definition


# --------------------------------------------------------------------------------------- hand-made inputs


def test_within_counts_the_boundary_and_difference_needs_both_values():
    assert within(55, 50) and within(45, 50) and within(-45, -50)
    assert not within(55.01, 50) and not within(44.99, 50)
    assert difference_pct(60, 50) == pytest.approx(20.0)
    assert difference_pct(None, 50) is None and difference_pct(5, 0) is None


def test_format_value_prints_as_a_briefing_does():
    # by hand: −53.04 rounds to 53.0 with a true minus (U+2212) before the pound sign; 53 keeps its ".0" in £bn
    assert format_value(-53.04, "GBP bn") == "\u2212£53.0bn"
    assert format_value(-26.86, "GBP bn per year") == "−£26.9bn"
    assert format_value(53, "GBP bn per year (spending exceeds taxes)") == "£53.0bn"
    assert format_value(1234.56, "GBP bn") == "£1,234.6bn"  # grouped thousands
    assert format_value(24.06, "percent") == "24.1%"
    assert format_value(13.85, "percent") == "13.9%"  # halves round up, as printed statistics do
    assert format_value(-6.88, "percent (more than)") == "−6.9%"
    assert format_value(19.0486, "million people") == "19.05 million"
    assert format_value(-0.04, "GBP bn") == "£0.0bn"  # rounds to zero: no sign
    for missing in (None, float("nan")):
        assert format_value(missing, "percent") == "not available"
    assert "-" not in format_value(-1.5, "GBP bn")  # never a hyphen for a minus


def test_claims_read_in_words():
    assert claimed_text(30, "percent (more than)") == "more than 30.0%"
    assert claimed_text(66, "GBP bn per year") == "£66.0bn"
    assert unit_words("GBP bn per year (spending exceeds taxes)") == "£bn a year (spending exceeds taxes)"
    assert unit_words("percent") == "%" and unit_words("GBP bn") == "£bn"
    assert range_text({"min": -11.04, "max": 90.33}, "GBP bn per year") == "−£11.0bn to £90.3bn"
    assert range_text({"min": 7.61, "max": 7.61}, "GBP bn") == "£7.6bn"
    assert range_text(None, "GBP bn") == "" and holds_on_text({"k": 0, "n": 12}) == "0 of 12"
    assert signed(-2.34) == "−2.3" and signed(2.36) == "+2.4"
    # percentage-point differences for claims in per cent; per cent of the claim otherwise
    assert difference_text(21.0, 25.0, "percent").startswith("−4.0 percentage points from the claimed 25.0%")
    assert difference_text(70, 66, "GBP bn").startswith("+6.1% against the claim")


def test_nice_ticks_and_bar_range():
    assert nice_ticks(0, 31.25) == ([0, 10, 20, 30], 0)
    assert nice_ticks(-36, 116) == ([0, 50, 100], 0)
    assert nice_ticks(0, 2.5) == ([0, 0.5, 1.0, 1.5, 2.0, 2.5], 1)
    assert nice_ticks(0, 1.2) == ([0, 0.25, 0.5, 0.75, 1.0], 2)
    # room beyond the longest bar on each side that has bars, 0 always included
    assert bar_range([20, 80], 0.25) == [0.0, 100.0]
    assert bar_range([-20, 80], 0.25) == pytest.approx([-20 - 100 * 0.25 * 1.3, 105.0])
    assert bar_range([-4, -2], 0.25) == pytest.approx([-4 - 4 * 0.25 * 1.3, 0.0])
    assert bar_range([]) == [0.0, 1.0]
    assert wrap_label("Core Cities city regions (combined)") == "Core Cities city<br>regions (combined)"
    assert wrap_label("Barcelona (ES)") == "Barcelona (ES)"


def test_euros_and_rates_print_as_quoted():
    assert euro(62_536.4) == "€62,536" and euro(1.16334, 4) == "€1.1633"
    assert rate_text(1.163349) == "£1 = €1.1633"
    assert rate_text(2.5578, 3) == "£1 = €2.558"
    assert rate_text(1.25, None) == "£1 = €1.25" and rate_text(2.0, None) == "£1 = €2"


def test_comparison_in_words_for_a_hand_made_claim():
    alternatives = [
        d("a", "A", "2014", 25.0),
        d("p", "P", "2014", 21.0),
        d("late", "latest", "2022", 19.0, context=True),
        d("b", "B", "2014", None),
    ]
    result = {
        "claim": "x",
        "source": "s",
        "claimed": 20.0,
        "unit": "percent",
        "period_described": "2014",
        "primary_definition_id": "p",
        **assess(20.0, "percent", alternatives, "p", "2014"),
    }
    frame = claims.comparison(result)
    assert frame["figure"].tolist() == ["As claimed", "Definition 1", "Primary definition", "Context", "Definition 2"]
    assert frame["printed"].tolist() == ["20.0%", "25.0%", "21.0%", "19.0%", "not available"]
    assert frame["difference"].tolist() == [
        "",
        "+5.0 percentage points",
        "+1.0 percentage point",
        "−1.0 percentage point",
        "",
    ]
    assert frame["counted"].tolist() == ["", "yes", "yes", "no", "no"]
    assert frame["holds"].tolist() == ["", "no", "yes", "yes", ""]
    table = claims.comparison_table(result)
    assert len(table) == 4 and table["Value (%)"].tolist() == [20.0, 25.0, 21.0, 19.0]  # the valueless one left out
    drawn = claims.comparison_chart(result)
    assert drawn["bars"]["label"].tolist() == [
        "As claimed (2014)",
        "Definition 1 (2014)",
        "Primary definition<br>(2014)",
        "Context (2022)",
    ]  # wrapped at 20 characters for a phone
    assert drawn["bars"]["text"].tolist() == ["20.0%", "25.0%", "21.0%", "19.0%"]
    assert drawn["x_range"] == [0.0, 25 * 1.35] and drawn["ticktext"] == ["0%", "10%", "20%", "30%"]
    assert drawn["axis_title"] == "%"


def alternatives() -> list[dict]:
    return [
        d("a", "A", "2014", 70),
        d("b", "B", "2014", 20),
        d("c", "C", "2014", 80),
        d("none", "no value", "2014", None),
        d("later", "latest, context", "2022", 66, context=True),
        d("other", "another year", "2015", 66),
    ]


def test_verdict_on_the_primary_definition_for_the_period_described():
    out = assess(66, "GBP bn per year", alternatives(), "a", "2014")
    assert out["verdict_code"] == "holds"  # 70 is +6.1 % from 66
    assert out["primary_value"] == 70 and out["primary_period"] == "2014"
    assert out["difference_pct"] == pytest.approx((70 / 66 - 1) * 100)
    # counted: the 2014 definitions with a value (a, b, c), never the context or other-period ones (66 would hold)
    assert out["holds_on_k_of_n"] == {"k": 1, "n": 3, "period": "2014"}
    assert out["range"] == {"min": 20, "max": 80, "period": "2014"}
    counted = {a["definition_id"]: a["counted"] for a in out["alternatives"]}
    assert counted == {"a": True, "b": True, "c": True, "none": False, "later": False, "other": False}
    assert "£70.0bn (+6.1% against the claim; tolerance ±10%) for 2014" in out["verdict"]
    assert "holds on 1 of 3 definitions tried for 2014" in out["verdict"]


def test_primary_decides_even_when_another_definition_holds():
    out = assess(66, "GBP bn per year", alternatives(), "c", "2014")
    assert out["verdict_code"] == "not_reproduced"  # 80 is +21.2 %; 'a' holds but is not the primary
    assert out["holds_on_k_of_n"]["k"] == 1 and out["verdict"].startswith("Not reproduced")


def test_primary_on_another_period_says_the_claims_period_is_not_testable():
    rows = [d("cr", "city regions", "2021", 77.7), d("co", "councils", "2021", 37.2)]
    out = assess(80.7, "percent", rows, "cr", "2014")
    assert out["verdict_code"] == "holds_other_period"
    assert out["verdict"].startswith("Not testable on 2014")
    assert "−3.0 percentage points from the claimed 80.7%" in out["verdict"]
    assert "±8.1 points" in out["verdict"]  # 10 % of 80.7
    assert out["holds_on_k_of_n"] == {"k": 1, "n": 2, "period": "2021"}
    out = assess(26.7, "percent", [d("cr", "city regions", "2021", -6.9)], "cr", "2014")
    assert out["verdict_code"] == "not_reproduced_other_period"
    assert "holds on 0 of 1 definition tried for 2021" in out["verdict"]


def test_untestable_missing_and_valueless_primaries():
    out = assess(30, "percent", [], None, "c.2016", "Cannot be tested: no data.")
    assert out["verdict_code"] == "untestable" and out["verdict"] == "Cannot be tested: no data."
    assert out["range"] is None and out["holds_on_k_of_n"] is None and out["primary_value"] is None
    with pytest.raises(ValueError, match=r"primary definition 'zz' is not among the definitions tried \(a, b"):
        assess(66, "GBP bn", alternatives(), "zz", "2014")
    out = assess(66, "GBP bn", alternatives(), "none", "2014")
    assert out["verdict_code"] == "not_recomputable"


def test_premium_and_break_even_by_hand():
    # €60,000 a head against £30,000 at €1.25 per £: 60,000 ÷ 37,500 − 1 = 60 %
    assert premium_pct(60_000, 30_000, 1.25) == pytest.approx(60.0)
    assert break_even_rate(60_000, 30_000, 60) == pytest.approx(1.25)
    assert break_even_rate(60_000, 30_000) == pytest.approx(2.0)
    for bad in (0.05, 11, float("nan"), True, "1.2"):
        with pytest.raises(ValueError, match="eur_per_gbp"):
            check_rate(bad)


# ---------------------------------------------------------------------------------------- the warehouse


@pytest.fixture(scope="module")
def checked():
    return {r["claim_id"]: r for r in claims.claims_check()}


def test_every_claim_has_its_declared_period_and_primary(checked):
    assert set(checked) == set(reference.CLAIM_METHODS)
    for claim_id, method in reference.CLAIM_METHODS.items():
        result = checked[claim_id]
        assert result["period_described"] == method["period_described"]
        assert result["primary_definition_id"] == (method["primary_definition"] or None)
        if not method["primary_definition"]:
            assert result["verdict_code"] == "untestable" and result["verdict"] == method["primary_reason"]
            assert result["alternatives"] == []
        else:
            assert result["verdict_code"] in VERDICT_LABELS and result["primary_value"] is not None
            assert result["recomputed"] == result["primary_value"]


def test_verdicts_are_vintage_true(checked):
    """Nothing after the period a claim describes is counted; where the period exists in the data, it is used."""
    for result in checked.values():
        if result["verdict_code"] == "untestable":
            continue
        counted = [a for a in result["alternatives"] if a["counted"]]
        assert counted and {a["period"] for a in counted} == {result["primary_period"]}
        assert not any(a["context"] for a in counted)
        assert result["holds_on_k_of_n"]["n"] == len(counted)
        assert result["holds_on_k_of_n"]["k"] == sum(1 for a in counted if a["holds"])
        assert result["range"]["min"] == min(a["value"] for a in counted)
        if not result["claim_id"].startswith("intl_"):
            assert result["primary_period"] == result["period_described"], result["claim_id"]
            assert not result["verdict_code"].endswith("other_period")
    for claim_id in ("cc_gva_share", "cc_population", "cc_productivity_gap", "cc_tax_spend_gap"):
        assert any(
            a["context"] and a["period"] > checked[claim_id]["period_described"]
            for a in checked[claim_id]["alternatives"]
        ), "the latest data is shown for context"


def test_primary_values_come_from_the_declared_definitions(checked):
    gap = productivity.core_cities_gap("hour", "city-region", "uk", 2014)
    assert checked["cc_productivity_gap"]["primary_value"] == pytest.approx(gap["gap_gbp"] / 1e9)
    tax = fiscal.core_cities_gap("2015-16")["city_regions"]["net_balance_gbp_bn"]
    assert checked["cc_tax_spend_gap"]["primary_value"] == pytest.approx(tax)
    shares = {a["definition_id"]: a["value"] for a in checked["cc_gva_share"]["alternatives"]}
    assert checked["cc_gva_share"]["primary_value"] == shares["gva/city-region"]
    assert shares["gva/council"] < shares["gva/city-region"] < 100  # the councils lie inside their city regions
    population = {a["definition_id"]: a for a in checked["cc_population"]["alternatives"]}
    assert (
        population["city-region"]["period"] == "2015"
        and population["council"]["value"] < population["city-region"]["value"]
    )


def test_european_claims_convert_at_the_ecb_rate_for_the_data_year(checked):
    fx = pd.read_csv(EXTRACTS_DIR / "fx_rates.csv").set_index(["currency", "year"])
    ecb = float(fx.loc[("GBP", 2021), "eur_per_currency"])
    metros = query("SELECT metro_code, gdp_eur, population FROM eurostat_metros").set_index("metro_code")
    home = international.home_gdp_per_head("city-region", 2021)
    for claim_id, code in PEER_CODES.items():
        result = checked[claim_id]
        assert result["fx"]["eur_per_gbp"] == pytest.approx(ecb) and result["fx"]["year"] == 2021
        assert "European Central Bank" in result["fx"]["source"]
        peer_eur = metros.at[code, "gdp_eur"] / metros.at[code, "population"]
        assert result["primary_value"] == pytest.approx((peer_eur / (home * ecb) - 1) * 100)
        assert result["primary_period"] == "2021" and result["period_described"] == "2014"
        assert result["verdict_code"].endswith("other_period") and result["verdict"].startswith("Not testable on 2014")
        # the break-even sensitivity: at that rate the claimed premium holds exactly
        rate = result["fx"]["break_even_eur_per_gbp"]
        assert premium_pct(peer_eur, home, rate) == pytest.approx(result["claimed"])
        assert "not productivity" in result["fx"]["measure_note"]


def test_a_stated_rate_is_shown_beside_the_ecb_verdict_never_instead(checked):
    stated = {r["claim_id"]: r for r in claims.claims_check(1.5)}
    for claim_id in PEER_CODES:
        assert stated[claim_id]["verdict"] == checked[claim_id]["verdict"]
        extra = [a for a in stated[claim_id]["alternatives"] if a["definition_id"].endswith("/stated-rate")]
        assert len(extra) == 2 and all(a["context"] and not a["counted"] and a["eur_per_gbp"] == 1.5 for a in extra)
        assert stated[claim_id]["fx"]["stated_eur_per_gbp"] == 1.5
    with pytest.raises(ValueError, match="eur_per_gbp must be between 0.1 and 10"):
        claims.claims_check(20)


def test_stated_rates_are_normalised_and_their_memo_bounded(checked):
    """A visitor typing rates cannot grow the process: a rate is rounded to the four decimals the page shows (so
    1.50001 is 1.5), the ECB results it builds on are shared and left untouched, and at most 32 rates are kept."""
    assert claims.claims_check(1.50001) is claims.claims_check(1.5)
    ecb = claims.claims_check()
    for rate in [1 + i / 1000 for i in range(40)]:
        claims.claims_check(rate)
    assert claims._claims_with_stated_rate.cache_size() == 32
    assert claims.claims_check() is ecb
    assert all(a["rate_basis"] != "stated" for r in ecb for a in r["alternatives"] if "rate_basis" in a)
    assert all(r["fx"] is None or r["fx"]["stated_eur_per_gbp"] is None for r in ecb)
