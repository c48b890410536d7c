"""indicators.exports.labels: plain-English headers, tables rounded as displayed, the metadata a download opens with.

Expectations are worked out by hand from four-row tables built here; none is read from the warehouse.
"""

import math

import pandas as pd
import pytest

from indicators.domain.formatting import MINUS
from indicators.exports import labels

# Every column name that reached a chart table, a page's download or a lazy table when each page was run (collected
# from the pages on 1 December 2026). None may reach a reader as snake_case.
COLUMNS_SHOWN = """area_code area_method area_name area_type basis basis_label benchmark benchmark_label benchmark_name
benchmark_value break_even_eur_per_gbp case_id caveats checked city claim claim_id claimed cofog_function combinations
component core_cities_gdp_per_head_gbp core_city councils_expected councils_present counted country coverage_complete
coverage_note definition derived_value difference difference_pct ecb_eur_per_gbp eur_per_gbp expenditure_gbp_bn
expenditure_per_head_gbp explained featured_figures figure fx_eur_per_gbp fx_source gap_gbp gap_gbp_bn gap_pct
gdp_per_head_eur gdp_per_head_gbp geography group holds holds_on indicator_id is_core_city key_options label level
licence log_points measure_id members members_expected members_present method metro_code metro_name name
net_balance_gbp_bn net_balance_per_head_gbp notes out_of period period_described period_reason period_type polarity
policy_area population premium_pct primary_definition primary_period primary_reason primary_value project published_as
published_value publisher range_max range_max_gbp_bn range_min range_min_gbp_bn rank rate_basis ratio raw_files release
release_date revenue_gbp_bn revenue_per_head_gbp share_of_gap_pct_points share_pct source source_id source_title title
tolerance_pct tolerance_reason topic unit url value value_gbp_bn value_gbp_m verdict verdict_code vintage
within_tolerance x x_period y y_period year""".split()


# ------------------------------------------------------------------------------------------------ headers


@pytest.mark.parametrize(
    "column, expected",
    [
        ("revenue_per_head_gbp", "Revenue per resident (£)"),
        ("net_balance_gbp_bn", "Net balance (£bn)"),
        ("gap_pct", "Gap (%)"),
        ("area_code", "ONS area code"),
        ("area_name", "Area"),
        ("value_gbp_m", "Value (£m)"),
        ("spend_gbp_million", "Spend (£m)"),
        ("gdp_per_head_eur", "GDP per resident (€)"),
        ("core_cities_gdp_per_head_gbp", "Core Cities GDP per resident (£)"),
        ("council_tax_per_head", "Council tax per resident"),
        ("share_of_gap_pct_points", "Share of gap (percentage points)"),
        ("range_max_gbp_bn", "Range: highest (£bn)"),  # the explicit name of the stem, then the suffix's unit
        ("break_even_eur_per_gbp", "Break-even exchange rate (€ per £)"),
        ("gva_per_hour", "GVA per hour"),
        ("GVA per hour worked (£ per hour)", "GVA per hour worked (£ per hour)"),  # already a header: kept
        ("Core City", "Core City"),
    ],
)
def test_headers_read_in_plain_english(column, expected):
    assert labels.header(column) == expected


def test_no_column_that_reaches_a_table_keeps_its_snake_case_name():
    headers = {column: labels.header(column) for column in COLUMNS_SHOWN}
    assert not {c: h for c, h in headers.items() if "_" in h or h[:1] != h[:1].upper()}
    # names that sit side by side in one table read differently
    for together in (
        ["basis", "basis_label"],
        ["benchmark", "benchmark_label"],
        ["value", "benchmark_value"],
        ["period", "primary_period", "period_described"],
    ):
        assert len({labels.header(c) for c in together}) == len(together), together


# ------------------------------------------------------------------------------------------------ rounding


def test_values_are_rounded_row_by_row_by_the_unit_column():
    table = pd.DataFrame(
        {
            "name": ["GVA per hour worked", "GVA per head", "Population", "Employment rate"],
            "unit": ["£ per hour", "£ per resident", "persons", "%"],
            "value": [39.7049, 16348.312009820287, 1154221.0, 64.05],
            "gap_pct": [-13.85, 2.34, None, 0.04],
        }
    )
    shown = labels.for_download(table)
    assert list(shown.columns) == ["Name", "Unit", "Value", "Value (full precision)", "Gap (%)"]
    # pence below £100, whole pounds above (as int), whole people, one decimal for a rate; halves round up
    assert shown["Value"].tolist() == [39.7, 16348, 1154221, 64.1]
    assert isinstance(shown["Value"][1], int) and isinstance(shown["Value"][2], int)
    assert shown["Value (full precision)"].tolist() == [39.7049, 16348.312009820287, 1154221, 64.05]
    assert shown["Gap (%)"].tolist() == [-13.9, 2.3, None, 0.0]  # the suffix decides, not the row's unit
    assert shown["Unit"].tolist() == ["£ per hour", "£ per resident", "people", "%"]
    csv = shown.to_csv(index=False, lineterminator="\n")
    assert csv.splitlines()[2] == "GVA per head,£ per resident,16348,16348.312009820287,2.3"
    assert csv.splitlines()[3] == "Population,people,1154221,1154221,"  # no 'None', no 'nan', no '.0'


def test_columns_without_a_unit_column_are_rounded_by_their_suffix():
    table = pd.DataFrame(
        {
            "area_name": ["Leeds", "Bristol"],
            "revenue_per_head_gbp": [11831.46, 15825.5],
            "net_balance_gbp_bn": [7.5849, -0.05],
            "value_gbp_m": [92.98721364202937, 1234.5],
            "gdp_per_head_eur": [72750.137, 58.125],
            "eur_per_gbp": [1.16332696, 1.16332696],
            "population": [1185500.0, 489517.0],
            "combinations": [4608.0, 4608.0],
        }
    )
    shown = labels.for_download(table)
    assert shown["Revenue per resident (£)"].tolist() == [11831, 15826]
    assert shown["Net balance (£bn)"].tolist() == [7.6, -0.1]  # −0.05 rounds away from zero, as ONS rounds
    assert shown["Value (£m)"].tolist() == [93, 1235]
    assert shown["GDP per resident (€)"].tolist() == [72750, 58.13]
    assert shown["Exchange rate (€ per £)"].tolist() == [1.1633, 1.1633]
    assert shown["Population"].tolist() == [1185500, 489517]
    assert shown["Combinations of keys tried"].tolist() == [4608, 4608]  # no unit, but whole: no '.0'
    assert "Value (full precision)" not in shown.columns  # no main value column here


def test_a_unit_given_by_the_caller_and_a_unit_in_a_header():
    table = pd.DataFrame(
        {
            "area_code": ["E08000035"],
            "value": [28927.62651012921],
            "x": [0.123456],
            "GVA per hour worked (£ per hour)": [38.915],
        }
    )
    shown = labels.for_download(table, {"value": "£ per filled job", "x": "%"})
    assert shown["Value"].tolist() == [28928] and shown["Horizontal axis value"].tolist() == [0.1]
    assert shown["GVA per hour worked (£ per hour)"].tolist() == [38.92]
    assert shown["Value (full precision)"].tolist() == [28927.62651012921]
    # one unit for the table's value columns
    assert labels.for_download(table[["value"]], "£ per filled job")["Value"].tolist() == [28928]
    # unknown unit: the value is kept as it is
    assert labels.for_download(table[["value"]])["Value"].tolist() == [28927.62651012921]


def test_full_precision_only_where_rounding_changed_a_figure():
    table = pd.DataFrame({"unit": ["£ per hour", "£ per hour"], "value": [28.7, 31.0]})
    assert list(labels.for_download(table).columns) == ["Unit", "Value"]
    assert list(labels.for_download(table.assign(value=[28.712, 31.0]), full_precision=False).columns) == [
        "Unit",
        "Value",
    ]


def test_no_none_or_nan_text_and_true_false_in_words():
    table = pd.DataFrame(
        {
            "verdict": ["holds", None, "None"],
            "holds": [True, False, None],
            "within_tolerance": pd.Series([True, False, True], dtype=bool),
            "coverage_note": ["", float("nan"), "derived from 9 of 10 councils"],
            "rank": pd.array([1, None, 3], dtype="Int64"),
        }
    )
    shown = labels.for_download(table)
    assert shown["Verdict"].tolist() == ["holds", None, None]
    assert shown["Holds"].tolist() == ["yes", "no", None]
    assert shown["Within tolerance"].tolist() == ["yes", "no", "yes"]
    assert shown["Rank"].tolist() == [1, None, 3]
    csv = shown.to_csv(index=False, lineterminator="\n")
    assert "None" not in csv and "nan" not in csv.lower() and "<NA>" not in csv
    assert csv.splitlines()[2] == ",no,no,,"


def test_two_columns_reading_alike_are_both_kept():
    shown = labels.for_download(pd.DataFrame({"is_core_city": [True], "core_city": [False]}))
    assert list(shown.columns) == ["Core City", "Core City (2)"]


def test_units_reduce_to_those_the_formatter_knows():
    assert labels.base_unit("£ million (2022 prices)") == "£ million"
    assert labels.base_unit("percent (more than)") == "%"
    assert labels.base_unit("GBP bn per year (spending exceeds taxes)") == "GBP bn per year"
    assert labels.base_unit("index (2019=100)") == "index (2019=100)"
    assert labels.rounded(92.98721, "£ million (2022 prices)") == 93
    assert labels.rounded(53.04, "GBP bn per year (spending exceeds taxes)") == 53.0
    assert labels.rounded(float("nan"), "%") is None


# ------------------------------------------------------------------------------------------------ spreadsheets


def test_excel_formats_show_what_the_page_shows():
    assert labels.excel_format("£ per resident", 16348) == f'"£"#,##0;"{MINUS}£"#,##0'
    assert labels.excel_format("£ per hour", 39.7) == f'"£"#,##0.00;"{MINUS}£"#,##0.00'
    assert labels.excel_format("%", 64.1) == f'#,##0.0"%";"{MINUS}"#,##0.0"%"'  # stored in per cent, not 0.641
    assert labels.excel_format("GBP bn per year", 53.0) == f'"£"#,##0.0"bn";"{MINUS}£"#,##0.0"bn"'
    assert labels.excel_format("£ million", 523) == f'"£"#,##0"m";"{MINUS}£"#,##0"m"'
    assert labels.excel_format("persons", 1154221) == f'#,##0;"{MINUS}"#,##0'
    assert labels.excel_format("€ per £", 1.1633) == f'#,##0.0000;"{MINUS}"#,##0.0000'
    assert labels.excel_format(None) == "General"


def test_prepare_gives_the_unit_of_every_number_column_by_its_new_header():
    table = pd.DataFrame({"unit": ["£ per hour", "%"], "value": [39.7, 64.1], "gap_pct": [1.0, 2.0], "rank": [1, 2]})
    prepared = labels.prepare(table)
    assert prepared.units == {"Unit": None, "Value": ["£ per hour", "%"], "Gap (%)": "%", "Rank": None}


# ------------------------------------------------------------------------------------------------ metadata

SOURCES = [
    {
        "publisher": "Office for National Statistics",
        "title": "Subregional productivity",
        "release": "Subregional productivity in the UK: June 2024",
        "licence": "Open Government Licence v3.0",
    },
    {
        "publisher": "HM Treasury",
        "title": "Country and Regional Analysis",
        "release": "Country and Regional Analysis: November 2025",
        "licence": "Open Government Licence v3.0",
    },
    {
        "publisher": "Eurostat",
        "title": "Metropolitan regions",
        "release": "Eurostat metro tables 2021",
        "licence": "Eurostat data, reuse authorised under Commission Decision 2011/833/EU",
    },
    {
        "publisher": "European Central Bank",
        "title": "Euro reference rates",
        "release": "ECB eurofxref-hist",
        "licence": "ECB statistics may be reproduced provided the source is acknowledged",
    },
]


def test_licences_are_those_of_the_releases_a_source_line_names():
    ogl = f"Open Government Licence v3.0 ({labels.OGL_URL})"
    line = (
        "Source: Office for National Statistics, Subregional productivity "
        "(Subregional productivity in the UK: June 2024)"
    )
    assert labels.licences(line, SOURCES) == ogl
    assert (
        labels.licences("Source: HM Treasury, Country and Regional Analysis; ONS mid-year population.", SOURCES) == ogl
    )
    both = labels.licences(
        "Source: Eurostat, Metropolitan regions (Eurostat metro tables 2021); European Central Bank, "
        "Euro reference rates (ECB eurofxref-hist)",
        SOURCES,
    )
    assert both == f"{SOURCES[2]['licence']}; {SOURCES[3]['licence']}"
    unnamed = labels.licences("Source: the project's own estimate", SOURCES)
    assert unnamed.startswith("as each source's release states") and ogl in unnamed and SOURCES[3]["licence"] in unnamed


def test_meta_fields_in_order_with_unit_and_period_from_the_table():
    table = pd.DataFrame({"unit": ["£ per hour", "£ per hour"], "period": ["2021", "2022"], "value": [1.0, 2.0]})
    meta = labels.Meta(
        title="Leeds: GVA per hour",
        definition="council areas\nvs UK",
        source="Source: ONS, Subregional productivity (June 2024)",
        licence="OGL",
        view="http://localhost:8501/productivity_gap?area=E08000035",
    )
    assert labels.meta_fields(meta, table, "1 December 2026") == [
        ("Title", "Leeds: GVA per hour"),
        ("Definition", "council areas vs UK"),
        ("Unit", "£ per hour"),
        ("Period", "2021 to 2022"),
        ("Source", "ONS, Subregional productivity (June 2024)"),
        ("Licence", "OGL"),
        ("View", "http://localhost:8501/productivity_gap?area=E08000035"),
        ("Downloaded", "1 December 2026"),
    ]
    assert labels.csv_header(labels.Meta(title="T", unit="GBP bn per year", period="2024-25"), table) == (
        "# Title: T\n# Unit: £bn a year\n# Period: 2024-25\n\n"
    )
    # a table without units names where to find them; one year alone is that year
    fields = dict(labels.meta_fields(labels.Meta(title="T"), pd.DataFrame({"year": [2022, 2022], "gap_pct": [1, 2]})))
    assert fields == {"Title": "T", "Unit": "as given in each column header", "Period": "2022"}
    mixed = pd.DataFrame({"unit": ["£ per hour", "persons", "£ per hour"]})
    assert labels.unit_of(labels.Meta(), mixed) == "by row (see the Unit column): £ per hour; people"


def test_view_url_keeps_every_query_parameter():
    assert (
        labels.view_url("http://localhost:8501/compare", {"areas": ["E08000035,E08000025"], "m": ["gva_per_hour"]})
        == "http://localhost:8501/compare?areas=E08000035%2CE08000025&m=gva_per_hour"
    )
    assert labels.view_url("http://localhost:8501/home", {}) == "http://localhost:8501/home"
    assert labels.view_url(None, {"a": ["1"]}) == ""


def test_rounded_keeps_halves_up_like_the_formatter():
    assert labels.rounded(13.85, "%") == 13.9
    assert labels.rounded(2.5, "persons") == 3 and labels.rounded(-2.5, "persons") == -3
    assert labels.rounded(1.16335, "€ per £") == 1.1634
    assert math.isclose(labels.rounded(0.0045, "% share"), 0.0)
