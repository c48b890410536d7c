"""A five-council warehouse for the fiscal mart and indicators.analysis.fiscal, with numbers small enough to work by
hand.

Regions and councils (mid-year population 2021 = 2022):
  TLD  A E08000001 (core) 100   B E08000002 300                      CRPSF population 800 (so A 200, B 600)
  TLK  C E06000001 (core) 200   D E07000001 200   E E07000002 400     CRPSF population 1000 (so C 250, D 250, E 500)
       D and E are shire districts of county X (E10000001); D has no HMRC income tax and no council tax receipts.
Keys: income_tax 2023-24 A30 B10 C50 E150; filled_jobs 2022 A60 B40 C10 D30 E60; gdhi_per_head 2021 A2 B1 C3 D1 E1;
      gva_current 2022 A9 B1 C1 D3 E4; council_tax_receipts 2021-22 only A10 B10 C7 E21.
RS 2021-22 (£m): education A30 B10 C20, county X 90 (-> D 30, E 60 by population);
      social care A4 B1 C10, county X 30 (-> D 10, E 20) plus D's own 2 (D 12).
CRPSF 2022-23 and 2024-25 (£m, the same figures both years):
  TLD income tax 100, NICs 50, VAT 40, corporation tax 20, council tax 10, TV licence 4, offshore corporation tax 6,
      energy profits levy 2; total 232 (224 excluding North Sea); spending 400: economic affairs 40, education 60,
      social protection 100, health 80, other 120.
  TLK 80, 40, 20, 10, 8, -, petroleum revenue tax -4; total 154 (158 excluding North Sea); spending 300: economic
      affairs 30, education 50, social protection 70, other 150.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from indicators.pipeline.marts import fiscal as mart

A, B, C, D, E = "E08000001", "E08000002", "E06000001", "E07000001", "E07000002"
COUNTY = "E10000001"
YEAR, LATER = "2022-23", "2024-25"
LADS = [(A, "Alpha", "TLD"), (B, "Beta", "TLD"), (C, "Gamma", "TLK"), (D, "Delta", "TLK"), (E, "Epsilon", "TLK")]
KEY_DATA = {  # indicator -> [(period, {lad: value})]
    "population": [
        ("2021", {A: 100, B: 300, C: 200, D: 200, E: 400}),
        ("2022", {A: 100, B: 300, C: 200, D: 200, E: 400}),
    ],
    "income_tax": [("2023-24", {A: 30, B: 10, C: 50, E: 150})],
    "filled_jobs": [("2022", {A: 60, B: 40, C: 10, D: 30, E: 60})],
    "gdhi_per_head": [("2021", {A: 2, B: 1, C: 3, D: 1, E: 1})],
    "gva_current": [("2022", {A: 9, B: 1, C: 1, D: 3, E: 4})],
    "council_tax_receipts": [("2021-22", {A: 10, B: 10, C: 7, E: 21})],
}
REGIONAL = {
    "TLD": {
        "rev_income_tax": 100,
        "rev_social_contributions": 50,
        "rev_value_added_tax": 40,
        "rev_corporation_tax": 20,
        "rev_council_tax": 10,
        "rev_tv_licence_fees": 4,
        "rev_offshore_corporation_tax": 6,
        "rev_energy_profits_levy": 2,
        "rev_total": 232,
        "rev_total_excl_north_sea": 224,
        "exp_total": 400,
        "exp_economic_affairs": 40,
        "exp_education": 60,
        "exp_social_protection": 100,
        "exp_health": 80,
        "crpsf_population": 800,
    },
    "TLK": {
        "rev_income_tax": 80,
        "rev_social_contributions": 40,
        "rev_value_added_tax": 20,
        "rev_corporation_tax": 10,
        "rev_council_tax": 8,
        "rev_petroleum_revenue_tax": -4,
        "rev_total": 154,
        "rev_total_excl_north_sea": 158,
        "exp_total": 300,
        "exp_economic_affairs": 30,
        "exp_education": 50,
        "exp_social_protection": 70,
        "crpsf_population": 1000,
    },
}
RS = [  # period, area_code, class, county_code, service, £m
    ("2021-22", A, "UA", "", "education", 30),
    ("2021-22", B, "MD", "", "education", 10),
    ("2021-22", C, "UA", "", "education", 20),
    ("2021-22", COUNTY, "SC", "", "education", 90),
    ("2021-22", D, "SD", COUNTY, "education", 0),
    ("2021-22", E, "SD", COUNTY, "education", 0),
    ("2021-22", A, "UA", "", "children_social_care", 3),
    ("2021-22", A, "UA", "", "adult_social_care", 1),
    ("2021-22", B, "MD", "", "adult_social_care", 1),
    ("2021-22", C, "UA", "", "adult_social_care", 10),
    ("2021-22", COUNTY, "SC", "", "adult_social_care", 30),
    ("2021-22", D, "SD", COUNTY, "adult_social_care", 2),
    ("2021-22", E, "SD", COUNTY, "adult_social_care", 0),
]


def observations_frame(drop: set[tuple[str, str, str]] = frozenset()) -> pd.DataFrame:
    """Observations (area, indicator, period), less any (area, indicator, period) in `drop`."""
    rows = []
    for indicator, series in KEY_DATA.items():
        for period, values in series:
            rows += [(code, code, indicator, period, float(v), "u", "fixture") for code, v in values.items()]
    for year in (YEAR, LATER):
        for region, values in REGIONAL.items():
            rows += [(region, region, i, year, float(v), "£ million", "fixture") for i, v in values.items()]
    frame = pd.DataFrame(
        rows, columns=["area_code", "area_name", "indicator_id", "period", "value", "unit", "source_id"]
    )
    keep = [(a, i, p) not in drop for a, i, p in zip(frame["area_code"], frame["indicator_id"], frame["period"])]
    return frame[keep].reset_index(drop=True)


def tables(drop=frozenset()) -> dict[str, pd.DataFrame]:
    return {
        "observations": observations_frame(drop),
        "lad_lookup": pd.DataFrame(
            [(c, n, r, "") for c, n, r in LADS], columns=["lad_code", "lad_name", "itl1_code", "ca_code"]
        ),
        "city_region_members": pd.DataFrame(
            [
                ("Alpha", "E47000001", "Alpha CR", A),
                ("Alpha", "E47000001", "Alpha CR", B),
                ("Gamma", "E47000009", "Gamma CR", C),
                ("Gamma", "E47000009", "Gamma CR", D),
            ],
            columns=["city", "city_region_code", "city_region_name", "lad_code"],
        ),
        "core_cities": pd.DataFrame([("Alpha", A), ("Gamma", C)], columns=["city", "lad_code"]),
        "areas": pd.DataFrame([(c, n, "lad") for c, n, _ in LADS], columns=["area_code", "area_name", "area_type"]),
        "claims": pd.DataFrame(
            [("tp_birmingham_total", "Total Place", "7.5", "2008-09"), ("cc_tax_spend_gap", "Gap", "53", "c.2016")],
            columns=["claim_id", "claim", "value", "period_as_stated"],
        ),
        "cra_identifiable_spending": pd.DataFrame(
            [
                ("CRA 2016", "TLD", "7. Health", "7.1 Medical", "2022-23", "50"),
                ("CRA 2016", "TLD", "7. Health", "7.2 Other", "2022-23", "30"),
                ("CRA 2016", "TLD", "10. Social protection", "10.1 Sickness", "2022-23", "120"),
                ("CRA 2016", "TLD", "7. Health", "7.1 Medical", "2024-25", "999"),
            ],
            columns=["edition", "region_code", "cofog_function", "hmt_function", "period", "value_gbp_m"],
        ),
        "rs_service_expenditure": pd.DataFrame(
            RS, columns=["period", "area_code", "authority_class", "county_code", "service", "value_gbp_m"]
        ),
        "sources": pd.DataFrame(
            [("mhclg_rs_2014_15", "DCLG", "RS 2014-15", "RS release", "2016-02-02", "RS 2014-15")],
            columns=["source_id", "publisher", "title", "release", "release_date", "vintage"],
        ),
    }


def build(path: Path, drop=frozenset(), with_marts: bool = True) -> Path:
    """Write the fixture warehouse (base tables, then the fiscal mart) to `path`."""
    con = duckdb.connect(str(path))
    for name, frame in tables(drop).items():
        con.register("incoming", frame)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM incoming")
        con.unregister("incoming")
    if with_marts:
        mart.build(con)
    con.close()
    return path
