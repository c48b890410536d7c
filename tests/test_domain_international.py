"""indicators.domain.international by hand: exchange-rate arithmetic, wording and chart helpers."""

from __future__ import annotations

import math

import pytest

from indicators.domain import international as i


def test_premium_and_break_even():
    # a peer at €60,000 against £40,000 at €1.20 per £ (£40,000 = €48,000): 25 % above
    assert i.premium_pct(60_000, 40_000, 1.2) == pytest.approx(25.0)
    assert i.break_even_rate(60_000, 40_000) == pytest.approx(1.5)  # level when £1 buys €1.50
    assert i.break_even_rate(60_000, 40_000, 25.0) == pytest.approx(1.2)  # the claimed 25 % holds exactly at €1.20
    assert i.premium_pct(60_000, 40_000, i.break_even_rate(60_000, 40_000, 10.0)) == pytest.approx(10.0)


def test_conversion():
    assert i.to_gbp(60_000, 1.2) == pytest.approx(50_000) and i.to_eur(50_000, 1.2) == pytest.approx(60_000)


def test_check_rate():
    assert i.check_rate(1.25) == 1.25 and i.check_rate(2) == 2.0
    for bad in (0.05, 11, math.nan, math.inf, True, "1.2", None):
        with pytest.raises(ValueError, match="between 0.1 and 10 euros per pound"):
            i.check_rate(bad)


def test_euro_and_rate_text():
    assert i.euro(62_531.4) == "€62,531" and i.euro(-120) == "\u2212€120" and i.euro(None) == "not available"
    assert i.rate_text(1.16329) == "£1 = €1.1633"
    assert i.rate_text(1.25, None) == "£1 = €1.25" and i.rate_text(1.0, None) == "£1 = €1"
    assert i.whole(2.5) == 3 and i.whole(62_535.49) == 62_535


def test_bar_range_and_wrap_label():
    assert i.bar_range([10, 20]) == pytest.approx([0.0, 27.0])  # 20 + 0.35 × 20
    assert i.bar_range([-10, 10]) == pytest.approx([-10 - 20 * 0.35 * 1.3, 17.0])
    assert i.bar_range([None, math.nan]) == [0.0, 1.0]
    assert i.wrap_label("Core Cities city regions (combined)", 22) == "Core Cities city<br>regions (combined)"
    assert i.wrap_label("") == ""
