"""What changed between vintages: hand-computed revisions on a small in-code warehouse, then the real warehouse's
pairs reconciled against the committed extracts, the headline moves, the note under a chart and the page."""

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from indicators.analysis import fiscal, revisions
from indicators.data import db
from indicators.data import revisions as readers
from indicators.data.paths import EXTRACTS_DIR
from indicators.data.provenance import source_line, sources_text
from indicators.domain import revisions as rules
from indicators.views import revisions as view

APP = str(Path(__file__).resolve().parents[1] / "app.py")
RELEASE_2024 = "Productivity, June 2024 tables"
RELEASE_2025 = "Productivity, June 2025 tables"


@pytest.fixture(scope="module")
def small_file(tmp_path_factory):
    """Two productivity vintages and two CRA editions, a handful of figures each (values chosen by hand)."""
    path = tmp_path_factory.mktemp("revisions") / "small.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE sources (source_id VARCHAR, publisher VARCHAR, title VARCHAR, release VARCHAR, "
        "release_date VARCHAR, vintage VARCHAR)"
    )
    con.executemany(
        "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?)",
        [
            ("ons_productivity_jun2024", "ONS", "Productivity", RELEASE_2024, "2024-06-17", "Jun 2024"),
            ("ons_productivity_jun2025", "ONS", "Productivity", RELEASE_2025, "2025-06-19", "Jun 2025"),
            ("hmt_cra_2016", "HM Treasury", "CRA", "CRA 2016 database", "2016", "CRA 2016"),
            ("hmt_cra_2020", "HM Treasury", "CRA", "CRA November 2020 database", "2020-11-18", "CRA 2020"),
        ],
    )
    con.execute("CREATE TABLE catalog (indicator_id VARCHAR, name VARCHAR)")
    con.executemany(
        "INSERT INTO catalog VALUES (?, ?)",
        [
            ("gva_per_hour", "GVA per hour worked (Jun 2024 release)"),
            ("gva_per_hour_jun2025", "GVA per hour worked (Jun 2025 release)"),
            ("filled_jobs", "Filled jobs (Jun 2024 release)"),
            ("filled_jobs_jun2025", "Filled jobs (Jun 2025 release)"),
        ],
    )
    con.execute(
        "CREATE TABLE observations (area_code VARCHAR, area_name VARCHAR, indicator_id VARCHAR, period VARCHAR, "
        "value DOUBLE, unit VARCHAR, source_id VARCHAR)"
    )
    old, new = "ons_productivity_jun2024", "ons_productivity_jun2025"
    con.executemany(
        "INSERT INTO observations VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            ("E08000025", "Birmingham", "gva_per_hour", "2022", 34.2, "£ per hour", old),
            ("E08000025", "Birmingham", "gva_per_hour_jun2025", "2022", 34.24, "£ per hour", new),  # rounding only
            ("UKX", "UK less Extra-Regio", "gva_per_hour", "2022", 39.7, "£ per hour", old),
            ("UKX", "UK less Extra-Regio", "gva_per_hour_jun2025", "2022", 40.97, "£ per hour", new),  # +3.199 %
            ("UKX", "UK less Extra-Regio", "filled_jobs", "2022", 1000.0, "filled jobs", old),
            ("UKX", "UK less Extra-Regio", "filled_jobs_jun2025", "2022", 1001.0, "filled jobs", new),  # +0.1 %
            ("UKX", "UK less Extra-Regio", "gva_per_hour", "2021", 39.1, "£ per hour", old),  # no 2021 in 2025
            ("UKX", "UK less Extra-Regio", "gva_per_hour_jun2025", "2023", 41.0, "£ per hour", new),  # new year
            ("UKX", "UK less Extra-Regio", "hours_worked", "2022", None, "hours per week", old),  # missing
            ("UKX", "UK less Extra-Regio", "hours_worked_jun2025", "2022", 5.0, "hours per week", new),
            ("UKX", "UK less Extra-Regio", "gva_per_hour_cvm_index", "2022", 100.0, "index (2019=100)", old),
            ("UKX", "UK less Extra-Regio", "gva_per_hour_cvm_index_jun2025", "2022", 95.0, "index (2022=100)", new),
        ],
    )
    con.execute(
        "CREATE TABLE cra_identifiable_spending (edition VARCHAR, region_code VARCHAR, region_name VARCHAR, "
        "cofog_function VARCHAR, hmt_function VARCHAR, period VARCHAR, value_gbp_m DOUBLE, source_id VARCHAR)"
    )
    con.executemany(
        "INSERT INTO cra_identifiable_spending VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            ("CRA 2016", "TLC", "North East", "7. Health", "7. Health", "2015-16", 100.0, "hmt_cra_2016"),
            ("CRA 2020", "TLC", "North East", "7. Health", "7. Health", "2015-16", 102.5, "hmt_cra_2020"),
            ("CRA 2016", "TLC", "North East", "7. Health", "7. Health", "2014-15", 90.0, "hmt_cra_2016"),
        ],
    )
    con.close()
    return path


@pytest.fixture()
def small(small_file):
    """Every query in the test sent to the small warehouse."""
    with db.using(small_file):
        yield small_file
    db.close_all()


def test_revisions_hand_computed_on_the_small_warehouse(small):
    table = revisions.revisions("productivity-2024-2025")
    assert list(table.columns) == revisions.REVISION_COLUMNS
    assert len(table) == 3  # Birmingham and UK GVA per hour, UK filled jobs 2022: nothing unmatched or missing
    uk = table.set_index(["area_code", "measure"]).loc[("UKX", "GVA per hour worked")]
    assert (uk["old_value"], uk["new_value"], uk["period"]) == (39.7, 40.97, "2022")
    assert uk["change"] == pytest.approx(1.27)
    assert uk["change_pct"] == pytest.approx(1.27 / 39.7 * 100)
    assert (uk["old_release"], uk["new_release"]) == (
        "ONS subregional productivity, Jun 2024",
        "ONS subregional productivity, Jun 2025",
    )
    birmingham = table[table["area_code"] == "E08000025"].iloc[0]
    assert not birmingham["revised"]  # 34.2 → 34.24 is within the 0.05 a 1 d.p. figure can hide
    assert revisions.revisions("productivity-2024-2025", revised_only=True)["area_code"].tolist() == ["UKX", "UKX"]
    assert revisions.revisions("productivity-2024-2025", measure="Filled jobs")["change_pct"].tolist() == [
        pytest.approx(0.1)
    ]


def test_pairs_summarise_each_pair_held(small):
    pairs = revisions.pairs().set_index("pair_id")
    assert set(pairs.index) == {"productivity-2024-2025", "cra-2016-2020"}  # the others' releases are not held
    productivity = pairs.loc["productivity-2024-2025"]
    assert (productivity["compared"], productivity["revised"]) == (3, 2)
    assert productivity["largest_change_pct"] == pytest.approx(1.27 / 39.7 * 100)
    assert productivity["largest_figure"] == "UK less Extra-Regio, GVA per hour worked, 2022"
    cra = pairs.loc["cra-2016-2020"]
    assert (cra["compared"], cra["revised"]) == (1, 1)  # 2015-16 only: 2014-15 is in the 2016 edition alone
    assert cra["largest_change_pct"] == pytest.approx(2.5)


def test_cra_editions_match_on_region_function_and_year(small):
    table = revisions.revisions("cra-2016-2020")
    assert table[["area_code", "measure", "period", "old_value", "new_value"]].values.tolist() == [
        ["TLC", "7. Health: 7. Health", "2015-16", 100.0, 102.5]
    ]
    assert table["unit"].tolist() == ["£ million"]


def test_note_for_source_on_the_small_warehouse(small):
    cites_2024 = f"Source: ONS, Productivity ({RELEASE_2024})"
    assert revisions.note_for_source(cites_2024) == (
        "Since revised in ONS subregional productivity, Jun 2025: of the 3 figures both releases hold, 2 changed, "
        "largest +3.2% (see Revisions)"
    )
    assert revisions.note_for_source(f"Source: ONS, Productivity ({RELEASE_2025})") == (
        "Revised since ONS subregional productivity, Jun 2024: of the 3 figures both releases hold, 2 changed, "
        "largest +3.2% (see Revisions)"
    )
    assert revisions.note_for_source("Source: HM Treasury, CRA (CRA 2016 database)").startswith(
        "Since revised in HM Treasury, CRA 2020: of the 1 figures both releases hold, 1 changed, largest +2.5%"
    )
    assert revisions.note_for_source("Source: ONS, Regional GDP (April 2025)") is None
    assert revisions.note_for_source("") is None


def test_an_unknown_pair_is_a_clear_error(small):
    for bad in ("nope", "productivity-2024-2025; drop", ""):
        with pytest.raises(ValueError, match="unknown vintage pair .*; valid: productivity-2024-2025"):
            revisions.revisions(bad)
    with pytest.raises(ValueError, match="unknown vintage pair"):
        view.figures("nope")


# ---------------------------------------------------------------- the real warehouse against the extracts


def extract(name: str) -> pd.DataFrame:
    return pd.read_csv(EXTRACTS_DIR / f"{name}.csv", dtype={"period": str, "value": str})


@pytest.fixture(scope="module")
def productivity_extracts():
    jun2024 = pd.concat(
        [extract(f"obs_productivity_{level}_jun2024") for level in ("lad", "itl", "cr")], ignore_index=True
    )
    return jun2024, extract("obs_productivity_ca_jun2025"), extract("obs_subnational")


def matched_from_extracts(old: pd.DataFrame, new: pd.DataFrame, declared: rules.VintagePair) -> pd.DataFrame:
    """The figures both extracts hold for the declared measures, matched on area and period, with pandas."""
    frames = []
    for m in declared.measures:
        a = old[(old["indicator_id"] == m.old_id) & (old["source_id"] == declared.old_source)]
        b = new[(new["indicator_id"] == m.new_id) & (new["source_id"] == declared.new_source)]
        both = a.merge(b, on=["area_code", "period"], suffixes=("_old", "_new")).dropna(
            subset=["value_old", "value_new"]
        )
        frames.append(both.assign(old_id=m.old_id))
    return pd.concat(frames, ignore_index=True)


def test_productivity_2024_2025_reconciles_with_the_two_extracts(productivity_extracts):
    jun2024, jun2025, _ = productivity_extracts
    expected = matched_from_extracts(jun2024, jun2025, rules.pair("productivity-2024-2025"))
    table = revisions.revisions("productivity-2024-2025")
    assert len(table) == len(expected) > 2000  # 21 areas in both files, 2002 (2004) to 2022
    # one figure read from the two CSVs: Greater Manchester's GVA per hour in 2022
    row = expected[(expected["area_code"] == "E47000001") & (expected["old_id"] == "gva_per_hour")]
    row = row[row["period"] == "2022"].iloc[0]
    found = table[
        (table["area_code"] == "E47000001") & (table["measure"] == "GVA per hour worked") & (table["period"] == "2022")
    ].iloc[0]
    assert (found["old_value"], found["new_value"]) == (float(row["value_old"]), float(row["value_new"]))
    assert found["change_pct"] == pytest.approx((float(row["value_new"]) / float(row["value_old"]) - 1) * 100)
    # every figure, not just one
    merged = table.merge(
        expected.assign(measure=expected["old_id"].map(revisions.measure_name)),
        on=["area_code", "period", "measure"],
    )
    assert len(merged) == len(table)
    assert (merged["old_value"] == merged["value_old"].astype(float)).all()
    assert (merged["new_value"] == merged["value_new"].astype(float)).all()


def test_the_subnational_indicators_gva_per_hour_against_the_june_2024_release(productivity_extracts):
    jun2024, jun2025, subnational = productivity_extracts
    expected = matched_from_extracts(subnational, jun2024, rules.pair("productivity-2023-2024"))
    table = revisions.revisions("productivity-2023-2024")
    assert len(table) == len(expected) > 300
    assert set(table["period"]) == {"2021"}
    manchester = expected[expected["area_code"] == "E08000003"].iloc[0]
    found = table[table["area_code"] == "E08000003"].iloc[0]
    assert (found["old_value"], found["new_value"]) == (float(manchester["value_old"]), float(manchester["value_new"]))
    # and against June 2025: the only area both publish is the UK
    later = revisions.revisions("productivity-2023-2025")
    assert (
        later["area_code"].tolist()
        == matched_from_extracts(subnational, jun2025, rules.pair("productivity-2023-2025"))["area_code"].tolist()
        == ["UKX"]
    )


def test_declared_rounding_is_the_coarser_precision_of_the_two_extracts(productivity_extracts):
    jun2024, jun2025, subnational = productivity_extracts
    files = {
        "ons_productivity_jun2024": jun2024,
        "ons_productivity_jun2025": jun2025,
        "ons_productivity_jun2023_sni": subnational,
    }

    def places(frame: pd.DataFrame, indicator: str) -> int:
        values = frame.loc[frame["indicator_id"] == indicator, "value"].dropna()
        return int(values.str.split(".").str[1].fillna("").str.rstrip("0").str.len().max())

    for declared in rules.PAIRS:
        for m in declared.measures:
            old, new = files[declared.old_source], files[declared.new_source]
            assert m.decimals == min(places(old, m.old_id), places(new, m.new_id)), (declared.pair_id, m)


CRA_KEY = ["region_code", "cofog_function", "hmt_function", "period"]


def test_cra_pairs_reconcile_with_the_extract():
    """Each CRA pair compares exactly the region x function x year keys both editions hold in the extract, with
    the extract's values: 2015-16 for 2016 against 2020; no year for the pairs with 2025."""
    cra = pd.read_csv(EXTRACTS_DIR / "cra_identifiable_spending.csv", dtype={"period": str})
    pairs = revisions.pairs().set_index("pair_id")
    for pair_id in ("cra-2016-2020", "cra-2020-2025", "cra-2016-2025"):
        declared = rules.pair(pair_id)
        old = cra[cra["source_id"] == declared.old_source]
        new = cra[cra["source_id"] == declared.new_source]
        expected = old.merge(new, on=CRA_KEY, suffixes=("_old", "_new"))
        changed = (expected["value_gbp_m_new"] - expected["value_gbp_m_old"]).abs() > rules.tolerance(3)
        assert pairs.loc[pair_id, "compared"] == len(expected), pair_id
        assert pairs.loc[pair_id, "revised"] == changed.sum(), pair_id
        if expected.empty:
            assert not set(old["period"]) & set(new["period"])
            assert pairs.loc[pair_id, "note"].startswith("The two editions publish no financial year in common")
    # 2016 against 2020: every figure the two editions share for 2015-16 (Northern Ireland's defence is in 2016 only)
    table = revisions.revisions("cra-2016-2020")
    assert set(table["period"]) == {"2015-16"} and len(table) == 12 * 15 - 1
    # one figure read from the CSV: the North East's health spending, 2015-16, in each edition
    health = cra[(cra["region_code"] == "TLC") & (cra["cofog_function"] == "7. Health") & (cra["period"] == "2015-16")]
    old_value = float(health.loc[health["edition"] == "CRA 2016", "value_gbp_m"].iloc[0])
    new_value = float(health.loc[health["edition"] == "CRA 2020", "value_gbp_m"].iloc[0])
    found = table[(table["area_code"] == "TLC") & (table["measure"] == "7. Health: 7. Health")].iloc[0]
    assert (found["old_value"], found["new_value"]) == (old_value, new_value)
    assert found["change_pct"] == pytest.approx((new_value / old_value - 1) * 100)
    assert (found["old_release"], found["new_release"]) == ("HM Treasury, CRA 2016", "HM Treasury, CRA 2020")
    # every figure, not just one
    shared = cra[cra["edition"] == "CRA 2016"].merge(
        cra[cra["edition"] == "CRA 2020"], on=CRA_KEY, suffixes=("_old", "_new")
    )
    shared = shared.assign(measure=shared["cofog_function"] + ": " + shared["hmt_function"])
    merged = table.merge(
        shared.rename(columns={"region_code": "area_code"}), on=["area_code", "measure", "period"], validate="1:1"
    )
    assert len(merged) == len(table)
    assert (merged["old_value"] == merged["value_gbp_m_old"]).all()
    assert (merged["new_value"] == merged["value_gbp_m_new"]).all()
    # the CRA 2016 a chart cites is now said to be revised by CRA 2020
    assert revisions.note_for_source(source_line_of("hmt_cra_2016")).startswith(
        f"Since revised in HM Treasury, CRA 2020: of the {len(table)} figures both releases hold, "
    )


def test_the_dashboard_draws_a_year_two_editions_publish_from_the_newer():
    """Holding CRA 2016's 2015-16 for Revisions changes no figure: Total Place reads the newest edition of a year."""
    cra = pd.read_csv(EXTRACTS_DIR / "cra_identifiable_spending.csv", dtype={"period": str})
    for year, edition in (("2015-16", "CRA 2020"), ("2014-15", "CRA 2016")):
        place = fiscal.total_place("E08000025", year)  # Birmingham, in the West Midlands (TLG)
        share = fiscal.population_shares(year, ["E08000025"])["share"].iloc[0]
        region = cra[(cra["edition"] == edition) & (cra["region_code"] == "TLG") & (cra["period"] == year)]
        assert (place["cra_year"], place["edition"]) == (year, edition)
        assert place["identifiable_total_gbp_m"] == pytest.approx(region["value_gbp_m"].sum() * share, rel=1e-12)


def source_line_of(source_id: str) -> str:
    """The source line a chart citing this release carries (publisher, title and release, as provenance writes it)."""
    found = readers.releases()
    return sources_text(found[found["source_id"] == source_id].to_dict("records"))


def test_headline_moves_for_the_ten_core_cities(productivity_extracts):
    jun2024, jun2025, _ = productivity_extracts
    moves = revisions.headline_moves()
    latest = moves[moves["pair_id"] == "productivity-2024-2025"].set_index("city")
    assert len(latest) == 11 and latest.index[-1] == "UK"  # the ten Core Cities and the UK
    assert set(latest["period"]) == {"2022"}  # the latest year both releases hold for the UK

    def value(frame, code, indicator):
        found = frame[(frame["area_code"] == code) & (frame["indicator_id"] == indicator) & (frame["period"] == "2022")]
        return float(found["value"].iloc[0])

    gm_old, gm_new = value(jun2024, "E47000001", "gva_per_hour"), value(jun2025, "E47000001", "gva_per_hour_jun2025")
    uk_old, uk_new = value(jun2024, "UKX", "gva_per_hour"), value(jun2025, "UKX", "gva_per_hour_jun2025")
    manchester = latest.loc["Manchester"]
    assert (manchester["old_value"], manchester["new_value"]) == (gm_old, gm_new)
    assert manchester["old_gap_pct"] == pytest.approx((gm_old / uk_old - 1) * 100)
    assert manchester["new_gap_pct"] == pytest.approx((gm_new / uk_new - 1) * 100)
    assert manchester["gap_change_points"] == pytest.approx(manchester["new_gap_pct"] - manchester["old_gap_pct"])
    # Cardiff Capital Region is not in the June 2025 file: its row says so rather than vanishing
    cardiff = latest.loc["Cardiff"]
    assert pd.isna(cardiff["new_value"]) and cardiff["new_method"] == "no figure in this release"
    # the councils' figures, Subnational indicators (June 2023) against June 2024, 2021
    councils = moves[moves["pair_id"] == "productivity-2023-2024"]
    assert len(councils) == 11 and set(councils["period"]) == {"2021"}
    assert councils["old_gap_pct"].notna().sum() == 10


def test_note_for_real_chart_sources():
    assert revisions.note_for_source(source_line(["gva_per_hour"])).startswith(
        "Since revised in ONS subregional productivity, Jun 2025: "
    )
    assert revisions.note_for_source(source_line(["gva_per_hour_jun2025"])).startswith(
        "Revised since ONS subregional productivity, Jun 2024: "
    )
    # a release revised twice: the note names the revision with the most figures in common (359 of 371, not 1 of 1)
    pairs = revisions.pairs().set_index("pair_id")
    assert pairs.loc["productivity-2023-2024", "compared"] > pairs.loc["productivity-2023-2025", "compared"]
    assert revisions.note_for_source(source_line(["gva_per_hour_jun2023"])).startswith(
        "Since revised in ONS subregional productivity, Jun 2024: "
    )
    assert revisions.note_for_source(source_line(["gdp_current"])) is None
    assert revisions.note_for_source(source_line(["median_annual_pay_workplace"])) is None


def test_the_revisions_page_inside_the_frame():
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/revisions.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert any(c.value.startswith("Sources:") for c in at.caption), "the frame's footer is missing"
    assert [t.value for t in at.title] == ["Revisions"]
    headers = [h.value for h in at.main.header]
    assert headers == [
        "What changed, release by release",
        "The Core Cities' headline figures then and now",
        "Every figure compared",
    ]
    assert len(at.dataframe) == 4  # the summary, two headline tables and the figures
    assert (
        at.dataframe[0].value["Figures compared"].tolist()[0]
        == revisions.pairs()["compared"].map("{:,}".format).tolist()[0]
    )
    at.selectbox(key="rev_measure").set_value("GVA per hour worked").run()
    assert not at.exception
    shown = at.dataframe[3].value
    assert set(shown["Measure"]) == {"GVA per hour worked"} and (shown["Revised"] == "yes").all()
    at.toggle(key="rev_revised").set_value(False).run()
    assert len(at.dataframe[3].value) == len(
        revisions.revisions("productivity-2024-2025", measure="GVA per hour worked")
    )


def test_the_view_formats_each_figure_as_the_page_shows_it(small):
    listed = view.figures("productivity-2024-2025", revised_only=False)
    first = listed.shown.iloc[0]  # largest revision first: the UK's GVA per hour, +1.27 / 39.7 = +3.2 %
    assert (first["Area"], first["Then"], first["Now"], first["Change (%)"], first["Change"]) == (
        "UK less Extra-Regio",
        "£39.70",
        "£40.97",
        "+3.2%",
        "+£1.27",
    )
    assert listed.shown["Revised"].tolist() == ["yes", "within rounding", "yes"]  # +0.117 % then +0.1 %
    assert listed.download["old_value"].tolist() == [39.7, 34.2, 1000.0]  # downloads keep the numbers
    assert view.figures("productivity-2024-2025", "Filled jobs").shown[["Then", "Now"]].values.tolist() == [
        ["1,000", "1,001"]
    ]
    assert view.sentences() == [
        "**ONS subregional productivity, Jun 2024 → Jun 2025**: 2 of 3 figures revised beyond rounding; the largest "
        "+3.2% (UK less Extra-Regio, GVA per hour worked, 2022).",
        "**HM Treasury, CRA 2016 → CRA 2020**: 1 of 1 figures revised beyond rounding; the largest +2.5% (North East, "
        "7. Health: 7. Health, 2015-16).",
    ]


def test_a_pair_with_nothing_in_common_shows_an_empty_list_saying_so():
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/revisions.py").run()
    at.selectbox(key="rev_pair").set_value("cra-2020-2025").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="rev_measure").options == ["All measures"]
    assert at.dataframe[3].value.empty
    assert any(c.value.startswith("No figure to list. The two editions publish no financial year") for c in at.caption)
