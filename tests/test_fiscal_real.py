"""The sum-back invariant on the real warehouse: for every ITL1 region and financial year, the council estimates add up
to the official CRPSF regional figures to £1m, under the default keys and under each alternative key."""

from __future__ import annotations

import itertools

import pytest

from indicators import fiscal


@pytest.fixture(scope="module")
def real():
    """Years, LAs and key inputs from the real warehouse (skips when it cannot be built or lacks CRPSF)."""
    try:
        years = fiscal.fiscal_years()
        lads, inputs = fiscal.load_lads(), fiscal.load_inputs()
    except Exception as exc:  # no extracts, build failure, missing tables
        pytest.skip(f"warehouse not available: {exc}")
    if not years or "income_tax" not in set(inputs["indicator_id"]):
        pytest.skip("warehouse has no public finance extracts")
    return years, lads, inputs


ALTERNATIVES = [{}] + [{g: k} for g, keys in fiscal.KEY_OPTIONS.items() for k in keys[1:]]


def check_sum_back(year, lads, inputs):
    """Default keys and each alternative key in turn: LA estimates add back to every region's CRPSF figures."""
    regional = fiscal.load_regional(year)
    alloc = fiscal.allocations(fiscal.regional_only(regional), lads, inputs, year)
    official = regional.pivot_table(index="area_code", columns="indicator_id", values="value")
    for chosen in ALTERNATIVES:
        frame = fiscal.combine(alloc, fiscal.check_options(**chosen))
        assert len(frame) == 361
        assert frame[["revenue", "expenditure", "rev_income_tax"]].notna().all().all(), (year, chosen)
        sums = frame.groupby("itl1_code")[["revenue", "expenditure", "rev_income_tax"]].sum()
        assert sorted(sums.index) == sorted(fiscal.REGIONS)
        for region, row in sums.iterrows():
            assert abs(row["revenue"] - official.loc[region, "rev_total"]) < 1, (year, region, chosen, "revenue")
            assert abs(row["expenditure"] - official.loc[region, "exp_total"]) < 1, (year, region, chosen, "expenditure")
            assert abs(row["rev_income_tax"] - official.loc[region, "rev_income_tax"]) < 1, (year, region, chosen)


def test_sum_back_every_region_year_and_key(real):
    years, lads, inputs = real
    assert len(years) >= 26 and years[0] == "1999-00"
    for year in years:
        check_sum_back(year, lads, inputs)


def test_regions_and_uk_are_official_and_core_cities_present(real):
    years, _, _ = real
    rows = {r["area_code"]: r for r in fiscal.fiscal_cli_rows(years[-1])}
    assert {"E08000025", "S12000049", "CR_GLASGOW_CITY_REGION", fiscal.CORE_COUNCILS, fiscal.CORE_CITY_REGIONS} <= set(rows)
    regions = sum(rows[r]["revenue_gbp"] for r in fiscal.REGIONS)
    assert abs(regions - rows["K02000001"]["revenue_gbp"]) <= 1e6 * len(fiscal.REGIONS)
    total = rows[fiscal.CORE_COUNCILS]
    rng = total["sensitivity_net_balance_gbp"]
    assert rng["min"] <= total["net_balance_gbp"] <= rng["max"]
    assert rng["combinations"] == len(list(itertools.product(*fiscal.KEY_OPTIONS.values())))
