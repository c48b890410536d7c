"""Statistical neighbours mart: every council's characteristics and its nearest councils, computed once at build time.

The method is indicators.domain.similarity (standardised, weighted distance over the characteristics two councils
share); this module only gathers the characteristics from the loaded extracts and stores its answer.

Tables:
- neighbour_characteristics: one row per council (all of lad_lookup): log_population, log_density (population ÷
  lad_land_areas.area_km2) and log_gva_per_head (GVA current prices £m × 1e6 ÷ population), all in the council's
  latest year with population and GVA, named in population_period;
  employment_rate and level3_qualifications (the subnational indicators, councils only), and share_<section>: each
  SIC 2007 section's share (%) of the sum of the council's sections in the latest year of GVA by industry. A figure
  not published stays NULL (Northern Ireland has no GB-only rates): the distance skips it, pair by pair.
- neighbour_periods(characteristic, period, councils): the period each characteristic was read for, and for how many
  councils (so a page can state the years).
- neighbours(area_code, neighbour_code, rank, distance): similarity.nearest, 15 per council, nearest first.
"""

from __future__ import annotations

import math

import pandas as pd

from indicators.domain import similarity
from indicators.pipeline.marts import create_tables

TABLES = {
    "neighbour_characteristics": ("lad_code",),
    "neighbour_periods": ("characteristic", "period"),
    "neighbours": ("area_code", "neighbour_code"),
}
NOT_NULL = {
    "neighbour_periods": ("councils",),
    "neighbours": ("rank", "distance"),
}
PLACE_VARIABLES = ("employment_rate", "level3_qualifications")  # indicator ids in place_observations


def population_and_gva(con) -> pd.DataFrame:
    """Each council's population, density and GVA per head in its latest period with population and GVA: lad_code,
    population_period, log_population, log_density (NULL until the lad_land_areas extract is loaded),
    log_gva_per_head."""
    frame = con.execute(
        """WITH gva AS (SELECT area_code, period, value FROM observations WHERE indicator_id = 'gva_current'),
                pop AS (SELECT area_code, period, value FROM observations WHERE indicator_id = 'population')
           SELECT l.lad_code, p.period, p.value AS population, g.value * 1e6 / p.value AS gva_per_head
           FROM lad_lookup l JOIN pop p ON p.area_code = l.lad_code
                JOIN gva g ON g.area_code = p.area_code AND g.period = p.period
           WHERE p.value > 0 AND g.value > 0
           QUALIFY row_number() OVER (PARTITION BY l.lad_code ORDER BY p.period DESC) = 1"""
    ).df()
    land = pd.DataFrame(columns=["lad_code", "area_km2"])
    if con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'lad_land_areas'").fetchall()[0][
        0
    ]:
        land = con.execute("SELECT lad_code, area_km2 FROM lad_land_areas WHERE area_km2 > 0").df()
    area_km2 = frame["lad_code"].map(dict(zip(land["lad_code"], land["area_km2"]))).astype(float)
    return pd.DataFrame(
        {
            "lad_code": frame["lad_code"],
            "population_period": frame["period"],
            "log_population": frame["population"].map(math.log),
            "log_density": (frame["population"] / area_km2).map(math.log),
            "log_gva_per_head": frame["gva_per_head"].map(math.log),
        }
    )


def place_rates(con) -> pd.DataFrame:
    """The subnational indicators among the characteristics, one column each, by council (lad_code)."""
    frame = con.execute(
        """SELECT area_code AS lad_code, indicator_id, value FROM place_observations
           WHERE geography_level = 'council' AND list_contains(?, indicator_id)""",
        [list(PLACE_VARIABLES)],
    ).df()
    wide = frame.pivot(index="lad_code", columns="indicator_id", values="value")
    return wide.reindex(columns=list(PLACE_VARIABLES)).rename_axis(columns=None).reset_index()


def industry_shares(con) -> tuple[pd.DataFrame, int]:
    """Each section's share (%) of the sum of a council's sections in the latest year of GVA by industry:
    (lad_code and one share_<section> column per section, that year)."""
    year = con.execute("SELECT max(year) FROM gva_industry").fetchone()[0]
    frame = con.execute(
        """SELECT g.area_code AS lad_code, g.industry_code,
                  100 * g.value_gbp_m / sum(g.value_gbp_m) OVER (PARTITION BY g.area_code) AS share
           FROM gva_industry g JOIN industries i USING (industry_code)
           WHERE i.is_section AND g.year = ?""",
        [year],
    ).df()
    sections = con.execute("SELECT industry_code FROM industries WHERE is_section ORDER BY display_order").df()
    wide = frame.pivot(index="lad_code", columns="industry_code", values="share")
    wide = wide.reindex(columns=sections["industry_code"].tolist()).rename_axis(columns=None)
    wide.columns = [f"{similarity.SECTION_PREFIX}{code}" for code in wide.columns]
    return wide.reset_index(), int(year)


def characteristics(con) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(neighbour_characteristics, neighbour_periods) from the loaded extracts in `con`."""
    councils = con.execute("SELECT lad_code FROM lad_lookup ORDER BY lad_code").df()
    shares, industry_year = industry_shares(con)
    table = (
        councils.merge(population_and_gva(con), on="lad_code", how="left")
        .merge(place_rates(con), on="lad_code", how="left")
        .merge(shares, on="lad_code", how="left")
    )
    columns = ["lad_code", *[c for c in similarity.VARIABLES if c in table], *shares.columns[1:], "population_period"]
    table = table[columns]
    indicator_periods = dict(
        con.execute(
            "SELECT indicator_id, period FROM place_indicators WHERE list_contains(?, indicator_id)",
            [list(PLACE_VARIABLES)],
        ).fetchall()
    )
    periods = [
        (name, period, int(count))
        for name in ("log_population", "log_density", "log_gva_per_head")
        if name in table
        for period, count in table.dropna(subset=[name])["population_period"].value_counts().items()
    ]
    periods += [(name, indicator_periods.get(name, ""), int(table[name].notna().sum())) for name in PLACE_VARIABLES]
    share_columns = list(shares.columns[1:])
    periods.append(("industry_mix", str(industry_year), int(table[share_columns].notna().any(axis=1).sum())))
    return table, pd.DataFrame(periods, columns=["characteristic", "period", "councils"])


def tables(con) -> dict[str, pd.DataFrame]:
    table, periods = characteristics(con)
    data = table.set_index("lad_code").drop(columns="population_period")
    return {
        "neighbour_characteristics": table,
        "neighbour_periods": periods,
        "neighbours": similarity.nearest(data, similarity.NEIGHBOURS),
    }


def build(con) -> None:
    create_tables(con, tables(con))


def checks(con) -> list[str]:
    """Every characteristic of the method is computed; every council has exactly its 15 neighbours, never itself,
    ranked 1 to 15 by ascending distance."""
    failures = []
    columns = set(con.execute("SELECT * FROM neighbour_characteristics LIMIT 0").df().columns)
    unread = [name for name in similarity.VARIABLES if name != "industry_mix" and name not in columns]
    if unread:
        failures.append(
            f"neighbour_characteristics: similarity.VARIABLES names {unread}, which this mart does not read"
        )
    missing = con.execute("""SELECT count(*) FROM lad_lookup
                             WHERE lad_code NOT IN (SELECT lad_code FROM neighbour_characteristics)""").fetchone()[0]
    if missing:
        failures.append(f"neighbour_characteristics: {missing} councils without a row")
    wrong = con.execute(
        """SELECT l.lad_code, count(n.neighbour_code) AS found FROM lad_lookup l
           LEFT JOIN neighbours n ON n.area_code = l.lad_code GROUP BY ALL HAVING count(n.neighbour_code) <> ?
           ORDER BY l.lad_code""",
        [similarity.NEIGHBOURS],
    ).fetchall()
    if wrong:
        failures.append(
            f"neighbours: {len(wrong)} councils without exactly {similarity.NEIGHBOURS} neighbours, e.g. "
            + ", ".join(f"{code} ({found})" for code, found in wrong[:5])
        )
    itself = con.execute("SELECT count(*) FROM neighbours WHERE area_code = neighbour_code").fetchone()[0]
    if itself:
        failures.append(f"neighbours: {itself} councils listed as their own neighbour")
    disordered = con.execute(
        """SELECT count(*) FROM (SELECT area_code, rank, distance,
                                        lag(distance) OVER (PARTITION BY area_code ORDER BY rank) AS previous,
                                        row_number() OVER (PARTITION BY area_code ORDER BY rank) AS position
                                 FROM neighbours)
           WHERE distance < previous OR rank <> position"""
    ).fetchone()[0]
    if disordered:
        failures.append(f"neighbours: {disordered} rows out of order (ranks must run 1, 2 … by ascending distance)")
    return failures
