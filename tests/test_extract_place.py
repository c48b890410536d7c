"""ons_place: every sheet of the ONS Subnational indicators explorer (ninth release), checked against the workbook.

The workbook is read here independently (openpyxl cell values), not through the extractor's helpers. Reconciliation
tests skip cleanly when ../shared/data/raw is absent; the malformed-input tests build tiny workbooks in tmp_path.
"""

import math
import re

import openpyxl
import pandas as pd
import pytest

from indicators.data.paths import EXTRACTS_DIR
from indicators.pipeline.extract import ons_labour, ons_place
from indicators.pipeline.extracts import run_extract, validate_extract
from indicators.pipeline.spec import ExtractError, read_grid
from tests.test_extract_labour_international_reference import CORE_CITIES

ENGLISH_CITIES = {name: code for name, code in CORE_CITIES.items() if code.startswith("E")}
UK, ENGLAND = "K02000001", "E92000001"
NON_INDICATOR_SHEETS = {"Notes", "Voluntary TQV", "Data dictionary", "Data inclusivity"}
CI_LABELS = ("Lower 95% Confidence Interval", "Upper 95% Confidence Interval")
NAME_LABELS = set(ons_place.NAME_COLUMNS)
OTHER_LABELS = {"Area Code", *CI_LABELS, "Observation Status", "Data accuracy", "Notes"}


# ------------------------------------------------------------------ fixtures and an independent workbook reader


@pytest.fixture(scope="module")
def place(raw_dir):
    return ons_place.extract(raw_dir)


@pytest.fixture(scope="module")
def indicators(place):
    return place["place_indicators"].set_index("sheet")


@pytest.fixture(scope="module")
def observations(place):
    return place["place_observations"]


@pytest.fixture(scope="module")
def book(raw_dir):
    """Each sheet's table as published: {sheet: (header labels, [(excel row, cells), ...])}."""
    workbook = openpyxl.load_workbook(raw_dir / ons_labour.SNI_FILE, read_only=True, data_only=True)
    tables = {}
    for sheet in workbook.sheetnames:
        rows = list(workbook[sheet].iter_rows(values_only=True))
        header = next((i for i, row in enumerate(rows) if row and row[0] == "Area Code"), None)
        if header is not None:
            labels = [str(label).strip() if label is not None else "" for label in rows[header]]
            tables[sheet] = (labels, [(i + 1, row) for i, row in enumerate(rows) if i > header])
        else:
            tables[sheet] = None
    workbook.close()
    return tables


def published_value_label(labels):
    return next(label for label in labels[1:] if label and label not in NAME_LABELS | OTHER_LABELS)


def published_rows(book, sheet):
    """{code as published: {label: cell}} for the coded rows of one sheet (codes without a remap or 'na')."""
    labels, rows = book[sheet]
    return {
        row[0].strip(): dict(zip(labels, row))
        for _, row in rows
        if isinstance(row[0], str) and row[0].strip() and row[0].strip() not in ("na", *ons_labour.CODE_REMAP)
    }


def observation(observations, indicator_id, code):
    rows = observations[(observations.indicator_id == indicator_id) & (observations.area_code == code)]
    assert len(rows) == 1, (indicator_id, code, len(rows))
    return rows.iloc[0]


def same_figure(extracted, cell):
    """An extracted figure equals a published cell: the number, or empty where the cell is a marker or blank.

    ons_labour.clean_number keeps 12 significant digits: the travel-time sheets publish 15 (14.0525479374537).
    """
    if isinstance(cell, (int, float)):
        return not pd.isna(extracted) and math.isclose(extracted, cell, rel_tol=1e-11)
    return pd.isna(extracted)


# ------------------------------------------------------------------ sheets


def test_every_sheet_is_listed_and_every_indicator_sheet_loaded(place, book):
    sheets = place["place_sheets"].set_index("sheet")
    assert len(book) == 54 and set(sheets.index) == set(book)
    indicator_sheets = {sheet for sheet, table in book.items() if table is not None}
    assert len(indicator_sheets) == 50 and set(book) - indicator_sheets == NON_INDICATOR_SHEETS
    assert sheets.loc[sorted(indicator_sheets), "loaded"].all()
    assert (sheets.loc[sorted(indicator_sheets), "indicator_id"] != "").all()
    others = sheets.loc[sorted(NON_INDICATOR_SHEETS)]
    assert not others["loaded"].any() and (others["reason"] != "").all() and (others["indicator_id"] == "").all()
    assert {
        "Employment rate (NI)",
        "Level 3+ qualifications (NI)",
        "Under 75 mortality rate (NI)",
        "Weekly pay",
    } <= indicator_sheets


def test_extracts_have_the_declared_schema_and_keys(place):
    assert list(place) == list(ons_place.TABLES)
    assert list(place["place_indicators"].columns) == ons_place.INDICATOR_COLUMNS
    assert list(place["place_observations"].columns) == ons_place.OBSERVATION_COLUMNS
    assert list(place["place_sheets"].columns) == ons_place.SHEET_COLUMNS
    for name, frame in place.items():
        validate_extract(name, frame, ons_place.TABLES[name])
    assert set(place["place_observations"].indicator_id) == set(place["place_indicators"].indicator_id)
    assert place["place_indicators"].indicator_id.str.fullmatch(r"[a-z0-9_]+").all()


def test_indicator_metadata(indicators):
    themes = {
        "Economy and business",
        "Work and pay",
        "Connectivity",
        "Education and children",
        "Skills",
        "Health",
        "Wellbeing",
        "Housing",
        "Crime and safety",
        "Devolution",
    }
    assert set(indicators.theme) <= themes
    assert set(indicators.polarity) <= {"higher_is_better", "lower_is_better", "neutral"}
    assert (indicators.source_id == ons_labour.SNI).all()
    for column in ("name", "definition", "unit", "period", "coverage", "geographies", "source"):
        assert (indicators[column].str.len() > 0).all(), column
        assert not indicators[column].str.contains("\n").any(), column
    female = indicators.loc["Female HLE"]
    assert (female.indicator_id, female.theme, female["name"]) == (
        "healthy_life_expectancy_female",
        "Health",
        "Female healthy life expectancy",
    )
    assert female.unit == "years" and female.polarity == "higher_is_better" and female.has_confidence_limits
    assert female.period == "2018-2020" and female.source == "UK: ONS"
    assert female.geographies.startswith("Counties and Unitary Authorities, 2022; Welsh Health Boards;")
    assert indicators.loc["Employment rate (NI)", "indicator_id"] == "employment_rate_ni"
    assert indicators.loc["Goverment R&D", "indicator_id"] == "public_rd_expenditure"
    assert indicators.loc["Anxiety", "polarity"] == "lower_is_better"
    assert indicators.loc["Homicide", "source"] == "England: ONS; Wales: ONS"
    assert indicators.loc["Weekly pay", "source"] == "GB: ONS; Northern Ireland: NISRA"


@pytest.mark.parametrize(
    "sheet, period",
    [
        ("Employment rate", "Oct 2022-Sep 2023"),
        ("Broadband availability", "Sep 2023"),
        ("KS2 attainment", "2022/23"),
        ("Ofsted", "As at 31 January 2024"),
        ("Public transport to employer", "2019 revised"),
        ("Net additions", "Financial year ending 2023"),
        ("Adult obesity", "16 Nov 2021-15 Nov 2022"),
        ("Devolution", "As of 13 January 2023"),
        ("GDHI per head", "2021"),
    ],
)
def test_periods(indicators, sheet, period):
    assert indicators.loc[sheet, "period"] == period


# Display unit by the wording of the value column's header: every sheet matches exactly one rule.
UNIT_RULES = [
    (r"\(%\)$|^% living", {"%"}),
    (r"\(£\)$", {"£", "£ per hour", "£ per week"}),
    (r"\(£ million\)$", {"£ million"}),
    (r"\(years\)$", {"years"}),
    (r"\(minutes\)$", {"minutes"}),
    (r"^Count of", {"count"}),
    (r"\(per 100,000 population\)$", {"per 100,000 population"}),
    (r"scored 0 \(not at all\) - 10 \(completely\)$", {"score (0-10)"}),
    (r"per 1,000 stock$", {"per 1,000 stock"}),
    (r"\(per million population\)$", {"per million population"}),
]


def test_units_agree_with_the_published_value_headers(indicators, book):
    for sheet, row in indicators.iterrows():
        header = published_value_label(book[sheet][0])
        rules = [units for pattern, units in UNIT_RULES if re.search(pattern, header)]
        assert len(rules) == 1 and row.unit in rules[0], (sheet, header, row.unit)
    assert indicators.loc["GVA per hour", "unit"] == "£ per hour"
    assert indicators.loc["Weekly pay", "unit"] == "£ per week"
    assert indicators.loc["GDHI per head", "unit"] == "£"


def test_confidence_limit_flag_follows_the_sheet_columns(indicators, book):
    for sheet, row in indicators.iterrows():
        assert row.has_confidence_limits == all(label in book[sheet][0] for label in CI_LABELS), sheet


# ------------------------------------------------------------------ figures against the workbook


@pytest.mark.parametrize(
    "indicator_id, code, value, lower, upper",
    [
        ("healthy_life_expectancy_female", UK, 63.59, 63.4, 63.77),
        ("healthy_life_expectancy_male", UK, 62.83, 62.65, 63.0),
        ("life_satisfaction", UK, 7.45, 7.43, 7.47),
        ("obesity_reception", ENGLAND, 9.1535, 9.07878, 9.22876),
        ("employment_rate", UK, 75.7, 75.4, 76.0),
        ("level3_qualifications", UK, 61.4, 61.0, 61.8),
    ],
)
def test_spot_checks_with_confidence_limits(observations, indicator_id, code, value, lower, upper):
    row = observation(observations, indicator_id, code)
    assert (row.value, row.ci_lower, row.ci_upper) == (value, lower, upper)
    assert row.marker == ""


def test_every_figure_matches_the_workbook(indicators, observations, book):
    """Every coded row of every indicator sheet: value, limits, marker and notes as the cells read."""
    checked = 0
    for sheet, meta in indicators.iterrows():
        labels = book[sheet][0]
        value_label = published_value_label(labels)
        extracted = observations[observations.indicator_id == meta.indicator_id].set_index("area_code")
        for code, cells in published_rows(book, sheet).items():
            row = extracted.loc[code]
            assert same_figure(row.value, cells[value_label]), (sheet, code)
            for label, column in zip(CI_LABELS, ("ci_lower", "ci_upper")):
                assert same_figure(row[column], cells.get(label)), (sheet, code, label)
            marker = cells[value_label]
            if isinstance(marker, (int, float)):
                assert row.marker == "", (sheet, code)
            else:
                assert row.marker == (marker.strip() if marker is not None else "blank"), (sheet, code)
            for label, column in (("Observation Status", "status"), ("Data accuracy", "accuracy"), ("Notes", "note")):
                expected = " ".join(str(cells.get(label) or "").split())
                assert row[column] == expected, (sheet, code, label)
            checked += 1
    assert checked > 14_000


def test_no_coded_row_is_dropped(indicators, observations, book):
    for sheet, meta in indicators.iterrows():
        coded = [row for _, row in book[sheet][1] if isinstance(row[0], str) and row[0].strip()]
        assert (observations.indicator_id == meta.indicator_id).sum() == len(coded), sheet


def test_suppressed_cells_are_missing_with_their_marker_never_zero(observations, book):
    marked = observations[observations.marker != ""]
    assert set(marked.marker) == {"na"} and len(marked) == 150
    assert marked[["value", "ci_lower", "ci_upper"]].isna().all().all()
    scilly = observation(observations, "apprenticeship_achievements_rate", "E06000053")
    assert pd.isna(scilly.value) and scilly.marker == "na"
    assert scilly.status == "Value suppressed due to a base value of fewer than 5"
    assert (
        published_rows(book, "Apprenticeship achievements")["E06000053"][
            "Apprenticeships achieved by adults aged 16+ based on home address (per 100,000 population)"
        ]
        == "na"
    )
    wellbeing = marked[marked.indicator_id == "life_satisfaction"]
    assert len(wellbeing) == 11
    explained = wellbeing.status.str.startswith("Value suppressed") | (
        wellbeing.accuracy == "Not available in the source data"
    )
    assert explained.all() and "E06000053" in set(wellbeing.area_code)  # Isles of Scilly: not in the source data
    cancer = marked[marked.indicator_id == "cancer_early_stage_diagnosis"]
    assert len(cancer) == 33 and "E09000001" in set(cancer.area_code)


def test_core_cities_at_council_level(indicators, observations):
    """Each Core City has a council row in every indicator published for councils in its nation."""
    checked = 0
    for indicator_id, rows in observations.groupby("indicator_id"):
        councils = set(rows.loc[rows.geography_level == "council", "area_code"])
        coverage = indicators.set_index("indicator_id").loc[indicator_id, "coverage"]
        if not councils or coverage == "Northern Ireland":
            continue
        cities = ENGLISH_CITIES if coverage.startswith("England") else CORE_CITIES
        assert set(cities.values()) <= councils, (indicator_id, set(cities.values()) - councils)
        checked += 1
    assert checked == 41  # 50 indicators less 6 without councils and the 3 Northern Ireland sheets


def test_geography_levels_per_indicator(observations):
    levels = observations.groupby("indicator_id").geography_level.agg(set)
    assert levels["homicide_rate"] == {"police_force_area", "region", "nation", "country_group"}
    assert levels["exports_value"] >= {"itl1", "itl2", "itl3", "city_region", "combined_authority"}
    assert "welsh_health_board" in levels["healthy_life_expectancy_female"]
    assert levels["employment_rate_ni"] == {"council", "nation"}
    glasgow = observation(observations, "exports_value", "CR_GLASGOW_CITY_REGION")
    assert (glasgow.area_name, glasgow.value, glasgow.geography_level) == ("Glasgow City Region", 14273, "city_region")
    assert observation(observations, "gva_per_hour_jun2023", "UKX").geography_level == "country_group"


# ------------------------------------------------------------------ agreement with the committed extracts


def test_committed_extracts_equal_a_fresh_extraction(raw_dir, tmp_path):
    run_extract(raw_dir, out_dir=tmp_path, only="ons_place", log=lambda message: None)
    for name in ons_place.TABLES:
        fresh = pd.read_csv(tmp_path / f"{name}.csv", keep_default_na=False, na_values=[""])
        committed = pd.read_csv(EXTRACTS_DIR / f"{name}.csv", keep_default_na=False, na_values=[""])
        pd.testing.assert_frame_equal(committed, fresh, obj=name)


def test_agrees_with_obs_subnational_on_shared_series(observations, indicators):
    """employment_rate (and its limits), unemployment_rate, gdhi_per_head, level3_qualifications, GVA per hour."""
    published = pd.read_csv(EXTRACTS_DIR / "obs_subnational.csv")
    column = published.indicator_id.str.extract(r"_(ci_lower|ci_upper)$")[0].fillna("value")
    published = published.assign(
        series=published.indicator_id.str.replace(r"_ci_(lower|upper)$", "", regex=True), column=column
    )
    assert set(published.series) <= set(observations.indicator_id)
    merged = published.merge(
        observations,
        left_on=["series", "area_code"],
        right_on=["indicator_id", "area_code"],
        suffixes=("_published", ""),
    )
    assert len(merged) == len(published)
    figures = merged.apply(lambda row: row[row.column], axis=1)
    assert (figures == merged.value_published).all()
    periods = indicators.set_index("indicator_id").period
    assert (merged.period == merged.series.map(periods)).all()


def test_weekly_pay_repeats_ashe_table_8(observations):
    """The Weekly pay sheet is ASHE Table 8.1a 2023: same figures wherever both carry the area."""
    ashe = pd.read_csv(EXTRACTS_DIR / "obs_ashe.csv")
    ashe = ashe[ashe.indicator_id == "median_weekly_pay_residence"]
    merged = ashe.merge(observations, on=["indicator_id", "area_code"], suffixes=("_ashe", ""))
    assert len(merged) == len(ashe) - 1  # Tyne and Wear: E11000007 in ASHE, the obsolete E11000004 in the sheet
    assert (merged.value == merged.value_ashe).all()


# ------------------------------------------------------------------ geography levels and period labels


@pytest.mark.parametrize(
    "code, level",
    [
        ("E06000023", "council"),
        ("E07000026", "council"),
        ("E08000025", "council"),
        ("E09000001", "council"),
        ("W06000015", "council"),
        ("S12000049", "council"),
        ("N09000003", "council"),
        ("E10000006", "county"),
        ("E11000001", "metropolitan_county"),
        ("E47000001", "combined_authority"),
        ("E12000001", "region"),
        ("E92000001", "nation"),
        ("W92000004", "nation"),
        ("S92000003", "nation"),
        ("N92000002", "nation"),
        ("K02000001", "country_group"),
        ("K03000001", "country_group"),
        ("K04000001", "country_group"),
        ("UKX", "country_group"),
        ("TLC", "itl1"),
        ("TLC3", "itl2"),
        ("TLC31", "itl3"),
        ("W11000029", "welsh_health_board"),
        ("E23000001", "police_force_area"),
        ("W15000003", "police_force_area"),
        ("CR_GLASGOW_CITY_REGION", "city_region"),
        ("W42000001", "city_region"),
        ("N34000001", "city_region"),
        ("E13000001", "inner_outer_london"),
        ("E61000001", "greater_london_authority"),
        ("E67000001", "council_group"),
        ("K99000001", "unallocated"),
    ],
)
def test_geography_level(code, level):
    assert ons_place.geography_level(code, "book.xlsx", "Sheet", 7) == level


@pytest.mark.parametrize("code", ["E14000530", "S13002516", "TLC312", "X01000001"])
def test_unknown_geography_level_fails_naming_the_row(code):
    with pytest.raises(ExtractError, match=r"book\.xlsx, sheet 'Sheet', row 7: .*" + code):
        ons_place.geography_level(code, "book.xlsx", "Sheet", 7)


@pytest.mark.parametrize(
    "label, period",
    [
        ("2021", "2021"),
        ("10/2022 - 09/2023", "Oct 2022-Sep 2023"),
        ("09/2023", "Sep 2023"),
        ("2018 - 2020", "2018-2020"),
        ("16/11/2021 - 15/11/2022", "16 Nov 2021-15 Nov 2022"),
        ("2022/23", "2022/23"),
        ("Financial year ending 2023", "Financial year ending 2023"),
        ("As at 31 January 2024", "As at 31 January 2024"),
        ("2019 revised", "2019 revised"),
        (2021, "2021"),
    ],
)
def test_period_label(label, period):
    grid = pd.DataFrame([["Metric:", "Something"], ["Date:", label]])
    assert ons_place.period_label(grid, "book.xlsx", "Sheet") == period


@pytest.mark.parametrize("label", [None, "   ", "13/2023"])
def test_period_label_fails_on_an_empty_or_impossible_date(label):
    grid = pd.DataFrame([["Date:", label]])
    with pytest.raises(ExtractError, match="sheet 'Sheet'"):
        ons_place.period_label(grid, "book.xlsx", "Sheet")


# ------------------------------------------------------------------ malformed input (tiny workbooks)

HEADER = ["Area Code", "Nation", "Local Authority District", "Some rate (%)", *CI_LABELS, "Notes"]


def tiny_sheet(tmp_path, rows, sheet="Smokers"):
    """A one-sheet workbook with the metadata block and a table; returns (path, grid)."""
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in [
        ["Metric:", "Adults that currently smoke cigarettes"],
        ["Date:", "2022"],
        ["Coverage:", "UK"],
        ["Geography:", "Local Authority Districts"],
        [None, "Nations"],
        HEADER,
        *rows,
    ]:
        worksheet.append(row)
    path = tmp_path / "book.xlsx"
    workbook.save(path)
    return path, read_grid(path, sheet)


ROWS = [
    ["E92000001", "England", None, 12.7, 12.4, 13.0, None],
    ["E08000025", None, "Birmingham", "na", "na", "na", None],
    [None, "Footnote: the source is ONS.", None, None, None, None, None],
]


def test_tiny_sheet_reads_markers_and_skips_footnotes(tmp_path):
    path, grid = tiny_sheet(tmp_path, [*ROWS, ["na", None, "Glasgow City Region", None, None, None, "x"]])
    frame, has_limits = ons_place.read_indicator_sheet(grid, path, "Smokers", "smoking_prevalence")
    assert has_limits and list(frame.area_code) == ["E92000001", "E08000025", "CR_GLASGOW_CITY_REGION"]
    assert list(frame.marker) == ["", "na", "blank"] and frame.value.iloc[0] == 12.7
    assert frame.value.iloc[1:].isna().all() and list(frame.geography_level) == ["nation", "council", "city_region"]
    assert frame.note.iloc[2] == "x"


def test_junk_value_cell_fails_naming_sheet_row_and_column(tmp_path):
    path, grid = tiny_sheet(tmp_path, [*ROWS, ["E08000035", None, "Leeds", "about 12", 11, 13, None]])
    with pytest.raises(ExtractError, match=r"sheet 'Smokers', row 10: column 'Some rate \(%\)'.*'about 12'"):
        ons_place.read_indicator_sheet(grid, path, "Smokers", "smoking_prevalence")


def test_junk_confidence_limit_fails_naming_its_column(tmp_path):
    path, grid = tiny_sheet(tmp_path, [*ROWS, ["E08000035", None, "Leeds", 12, "n/a", 13, None]])
    with pytest.raises(ExtractError, match=r"row 10: column 'Lower 95% Confidence Interval'"):
        ons_place.read_indicator_sheet(grid, path, "Smokers", "smoking_prevalence")


def test_repeated_area_kept_once_when_identical_and_fails_when_different(tmp_path):
    path, grid = tiny_sheet(tmp_path, [*ROWS, ROWS[0]])
    frame, _ = ons_place.read_indicator_sheet(grid, path, "Smokers", "smoking_prevalence")
    assert list(frame.area_code) == ["E92000001", "E08000025"]
    path, grid = tiny_sheet(tmp_path, [*ROWS, ["E92000001", "England", None, 12.8, 12.4, 13.0, None]])
    with pytest.raises(ExtractError, match=r"sheet 'Smokers', row 10: area E92000001 repeated .* row 7"):
        ons_place.read_indicator_sheet(grid, path, "Smokers", "smoking_prevalence")


def test_an_unknown_geography_fails(tmp_path):
    path, grid = tiny_sheet(tmp_path, [["E14000530", None, "Somewhere", 12, 11, 13, None]])
    with pytest.raises(ExtractError, match=r"row 7: area code 'E14000530' has no known geography level"):
        ons_place.read_indicator_sheet(grid, path, "Smokers", "smoking_prevalence")


def test_unknown_sheet_fails_naming_it(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Notes"
    workbook.create_sheet("Broadband speeds")
    workbook.create_sheet("Smokers")
    subnational = tmp_path / ons_labour.SNI_FILE
    subnational.parent.mkdir(parents=True)
    workbook.save(subnational)
    with pytest.raises(ExtractError, match="sheet 'Broadband speeds': sheet unknown to ons_place"):
        ons_place.extract(tmp_path)


def test_a_sheet_without_a_dictionary_row_fails_naming_it():
    dictionary = {ons_place.metric_key("Average anxiety rating"): {"Metric": "Average anxiety rating"}}
    assert ons_place.dictionary_entry(dictionary, "Average  ANXIETY rating", "book.xlsx", "Anxiety")
    with pytest.raises(ExtractError, match="sheet 'Happiness': no Data dictionary row"):
        ons_place.dictionary_entry(dictionary, "Average happiness rating", "book.xlsx", "Happiness")
