"""Reconciliation, coverage and malformed-input tests for ons_labour, eurostat_metro and reference.

Expected figures are read off the official files (the PROVENANCE.md spot checks of each raw folder).
"""

import csv
import json

import pandas as pd
import pytest

from indicators.pipeline.extract import eurostat_metro, ons_labour, reference
from indicators.pipeline.extracts import validate_extract
from indicators.pipeline.spec import OBSERVATION_COLUMNS, ExtractError

CORE_CITIES = {
    "Birmingham": "E08000025",
    "Bristol": "E06000023",
    "Cardiff": "W06000015",
    "Glasgow": "S12000049",
    "Leeds": "E08000035",
    "Liverpool": "E08000012",
    "Manchester": "E08000003",
    "Newcastle": "E08000021",
    "Nottingham": "E06000018",
    "Sheffield": "E08000019",
}
UK = "K02000001"
ASHE_IDS = [
    "median_weekly_pay_workplace",
    "median_hourly_pay_workplace",
    "median_annual_pay_workplace",
    "median_weekly_pay_residence",
    "median_hourly_pay_residence",
    "median_annual_pay_residence",
]
SNI_IDS = [
    "employment_rate",
    "employment_rate_ci_lower",
    "employment_rate_ci_upper",
    "unemployment_rate",
    "gdhi_per_head",
    "level3_qualifications",
    "gva_per_hour_jun2023",
]


@pytest.fixture(scope="module")
def labour(raw_dir):
    return ons_labour.extract(raw_dir)


@pytest.fixture(scope="module")
def ashe(labour):
    return labour["obs_ashe"]


@pytest.fixture(scope="module")
def sni(labour):
    return labour["obs_subnational"]


def value(frame, code, indicator_id):
    rows = frame[(frame.area_code == code) & (frame.indicator_id == indicator_id)]
    assert len(rows) == 1, (code, indicator_id, len(rows))
    return rows["value"].iloc[0]


# ------------------------------------------------------------------ ons_labour: schema and catalogue


def test_labour_extracts_pass_runner_validation(labour):
    assert set(labour) == {"obs_ashe", "obs_subnational"}
    for name, frame in labour.items():
        assert list(frame.columns) == OBSERVATION_COLUMNS
        validate_extract(name, frame, ())
        assert frame["value"].notna().all()


def test_labour_catalogue_matches_extracts(labour):
    declared = {i.indicator_id: i for i in ons_labour.INDICATORS}
    sources = {s.source_id for s in ons_labour.SOURCES}
    written = pd.concat(labour.values())
    assert set(written.indicator_id) == set(declared) == set(ASHE_IDS + SNI_IDS)
    for indicator_id, rows in written.groupby("indicator_id"):
        assert rows.source_id.nunique() == 1 and rows.period.nunique() == 1, indicator_id
        assert rows.source_id.iloc[0] == declared[indicator_id].source_id in sources
        assert rows.unit.iloc[0] == declared[indicator_id].unit


# ------------------------------------------------------------------ ASHE


@pytest.mark.parametrize(
    "code, weekly_work, annual_work, weekly_home, annual_home",
    [
        (UK, 613.3, 31602, 574.9, 29669),
        ("E08000025", 628.7, 32161, 527.0, 27175),
        ("W06000015", 607.9, 32194, 570.7, 30230),
        ("S12000049", 639.8, 33702, 574.9, 28836),
    ],
)
def test_ashe_provenance_spot_checks(ashe, code, weekly_work, annual_work, weekly_home, annual_home):
    assert value(ashe, code, "median_weekly_pay_workplace") == weekly_work
    assert value(ashe, code, "median_annual_pay_workplace") == annual_work
    assert value(ashe, code, "median_weekly_pay_residence") == weekly_home
    assert value(ashe, code, "median_annual_pay_residence") == annual_home


def test_ashe_hourly_spot_checks(ashe):
    assert value(ashe, UK, "median_hourly_pay_workplace") == 17.09
    assert value(ashe, "E08000025", "median_hourly_pay_workplace") == 17.34
    assert value(ashe, "S12000049", "median_hourly_pay_workplace") == 18.94


def test_ashe_periods_and_sources(ashe):
    work = ashe[ashe.indicator_id.str.endswith("_workplace")]
    home = ashe[ashe.indicator_id.str.endswith("_residence")]
    assert set(work.period) == {"2024"} and set(work.source_id) == {"ons_ashe_2024_t7"}
    assert set(home.period) == {"2023"} and set(home.source_id) == {"ons_ashe_2023_t8"}


def test_ashe_coverage(ashe):
    regions = {f"E1200000{i}" for i in range(1, 10)}
    nations = {"E92000001", "W92000004", "S92000003", "N92000002"}
    for indicator_id in ASHE_IDS:
        codes = set(ashe.loc[ashe.indicator_id == indicator_id, "area_code"])
        assert set(CORE_CITIES.values()) | regions | nations | {UK} <= codes, indicator_id
        assert len(codes) > 340, indicator_id
    assert "S12000046" not in set(ashe.area_code)


def test_ashe_suppressed_cells_dropped(raw_dir, ashe):
    """Codes whose Median reads 'x' in the workbook are absent; every other coded row is present."""
    for indicator_id, (file, _, _) in ons_labour.ASHE_FILES.items():
        raw = pd.read_excel(raw_dir / ons_labour.ASHE_DIR / file, sheet_name="All", header=4)
        coded = raw[raw["Code"].notna()]
        suppressed = set(coded.loc[coded["Median"].astype(str).str.strip() == "x", "Code"])
        extracted = set(ashe.loc[ashe.indicator_id == indicator_id, "area_code"])
        assert suppressed and not (suppressed & extracted), indicator_id
        assert extracted == set(coded["Code"]) - suppressed, indicator_id


# ------------------------------------------------------------------ Subnational indicators

# PROVENANCE.md spot checks: employment rate 22/23, GDHI per head 2021, NVQ3+ 2021, GVA per hour 2021 (Jun 2023)
SNI_SPOT = {
    UK: (75.7, 21679, 61.4, None),
    "E08000025": (66.9, 16183, 57.8, 32.77),
    "E06000023": (76.7, 21084, 72.4, 33.63),
    "W06000015": (76.1, 18536, 65.8, 36.09),
    "S12000049": (73.6, 17215, 66.6, 34.59),
    "E08000035": (77.3, 19061, 65.3, 34.50),
    "E08000012": (69.8, 16976, 62.8, 33.44),
    "E08000003": (73.6, 16894, 61.6, 36.70),
    "E08000021": (71.3, 17431, 62.9, 33.23),
    "E06000018": (64.0, 15015, 58.2, 32.03),
    "E08000019": (75.1, 17224, 62.2, 32.24),
}


@pytest.mark.parametrize("code", list(SNI_SPOT))
def test_subnational_provenance_spot_checks(sni, code):
    employment, gdhi, nvq3, gva_hour = SNI_SPOT[code]
    assert value(sni, code, "employment_rate") == employment
    assert value(sni, code, "gdhi_per_head") == gdhi
    assert value(sni, code, "level3_qualifications") == nvq3
    if gva_hour is not None:
        assert value(sni, code, "gva_per_hour_jun2023") == gva_hour


def test_subnational_birmingham_other_columns(sni):
    """Read off the workbook: Birmingham CI 63.6–70.2 and modelled unemployment 7.3%."""
    assert value(sni, "E08000025", "employment_rate_ci_lower") == 63.6
    assert value(sni, "E08000025", "employment_rate_ci_upper") == 70.2
    assert value(sni, "E08000025", "unemployment_rate") == 7.3
    assert value(sni, UK, "employment_rate_ci_lower") == 75.4


def test_subnational_periods(sni):
    periods = sni.groupby("indicator_id")["period"].unique().map(list).to_dict()
    assert periods["employment_rate"] == ["Oct 2022-Sep 2023"]
    assert periods["employment_rate_ci_upper"] == ["Oct 2022-Sep 2023"]
    assert periods["unemployment_rate"] == ["Oct 2022-Sep 2023"]
    assert periods["gdhi_per_head"] == periods["level3_qualifications"] == periods["gva_per_hour_jun2023"] == ["2021"]


def test_subnational_core_cities_in_every_indicator(sni):
    for indicator_id in SNI_IDS:
        codes = set(sni.loc[sni.indicator_id == indicator_id, "area_code"])
        assert set(CORE_CITIES.values()) <= codes, indicator_id
        assert len(codes) > 300, indicator_id


def test_subnational_codes_follow_conventions(sni):
    gva = sni[sni.indicator_id == "gva_per_hour_jun2023"].set_index("area_code")
    assert gva.at["UKX", "area_name"] == "UK less Extra-Regio"
    assert gva.at["E92000001", "area_name"] == "England"
    assert {"TLB", "K99000002"}.isdisjoint(sni.area_code)
    assert "TLM" in gva.index
    assert not sni.area_code.str.startswith("CR_").any()  # every area in these sheets has a GSS code


def test_weekly_pay_sheet_duplicates_ashe(raw_dir, ashe):
    """The skipped 'Weekly pay' sheet repeats ASHE Table 8.1a 2023 exactly wherever both have the area."""
    spec = ons_labour.SniSheet(ons_labour.SNI_DUPLICATE_SHEET, "weekly", "Gross median weekly pay (£)", "£", "x")
    sheet = ons_labour.read_sni_sheet(raw_dir / ons_labour.SNI_FILE, spec).set_index("area_code")["value"]
    table8 = ashe[ashe.indicator_id == "median_weekly_pay_residence"].set_index("area_code")["value"]
    common = sheet.index.intersection(table8.index)
    assert len(common) > 380 and set(CORE_CITIES.values()) <= set(common)
    assert (sheet[common] == table8[common]).all()


# ------------------------------------------------------------------ ons_labour: malformed input


def write_ashe(path, median_cell):
    rows = [
        ["Table 7.1a Weekly pay - Gross", None, None, None],
        [None, None, None, None],
        [None, None, "Number", None],
        [None, None, "of jobs", None],
        ["Description", "Code", "(thousand)", "Median"],
        ["United Kingdom", "K02000001", 27882, 613.3],
        ["Glasgow City", "S12000046", 200, median_cell],
        ["Not Classified", None, ":", None],
    ]
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame(rows).to_excel(writer, sheet_name="All", header=False, index=False)


def test_ashe_bad_cell_names_file_sheet_row(tmp_path):
    path = tmp_path / "ashe_bad.xlsx"
    write_ashe(path, "n/a")
    with pytest.raises(ExtractError, match=r"ashe_bad\.xlsx, sheet 'All', row 7: expected a number"):
        ons_labour.read_ashe_medians(path, "median_weekly_pay_workplace", "2024", "s")


def test_ashe_tiny_workbook_remaps_glasgow_and_drops_x(tmp_path):
    path = tmp_path / "ashe_ok.xlsx"
    write_ashe(path, 639.8)
    frame = ons_labour.read_ashe_medians(path, "median_weekly_pay_workplace", "2024", "s")
    assert frame.set_index("area_code")["value"].to_dict() == {UK: 613.3, "S12000049": 639.8}
    write_ashe(path, "x")
    frame = ons_labour.read_ashe_medians(path, "median_weekly_pay_workplace", "2024", "s")
    assert list(frame.area_code) == [UK]


def test_ashe_missing_sheet_and_header(tmp_path):
    path = tmp_path / "ashe_nosheet.xlsx"
    pd.DataFrame({"a": [1]}).to_excel(path, sheet_name="Male", index=False)
    with pytest.raises(ExtractError, match=r"ashe_nosheet\.xlsx, sheet 'All'"):
        ons_labour.read_ashe_medians(path, "x", "2024", "s")
    pd.DataFrame({"a": [1]}).to_excel(path, sheet_name="All", index=False)
    with pytest.raises(ExtractError, match=r"sheet 'All': no header row with 'Description'"):
        ons_labour.read_ashe_medians(path, "x", "2024", "s")


def write_sni(path, code, date="10/2022 - 09/2023", header="Area Code"):
    rows = [
        ["Metric:", "Employment rate aged 16 to 64 years", None, None, None, None],
        ["Date:", date, None, None, None, None],
        [
            header,
            "Country",
            "Local Authority District",
            "Employment rate, aged 16 to 64 years (%)",
            "Lower 95% Confidence Interval",
            "Upper 95% Confidence Interval",
        ],
        ["K02000001", "United Kingdom", None, 75.7, 75.4, 76],
        [code, None, "Glasgow City Region", 73.6, "na", 78.2],
    ]
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame(rows).to_excel(writer, sheet_name="Employment rate", header=False, index=False)


def test_subnational_tiny_workbook(tmp_path):
    path = tmp_path / "sni.xlsx"
    write_sni(path, "Not available")
    frame = ons_labour.read_sni_sheet(path, ons_labour.SNI_SHEETS[0])
    region = frame[frame.area_code == "CR_GLASGOW_CITY_REGION"]
    assert set(region.indicator_id) == {"employment_rate", "employment_rate_ci_upper"}  # 'na' dropped
    assert set(frame.period) == {"Oct 2022-Sep 2023"}


def test_subnational_bad_code_names_row(tmp_path):
    path = tmp_path / "sni_bad.xlsx"
    write_sni(path, "GLASGOW")
    with pytest.raises(ExtractError, match=r"sni_bad\.xlsx, sheet 'Employment rate', row 5: unexpected area code"):
        ons_labour.read_sni_sheet(path, ons_labour.SNI_SHEETS[0])


def test_subnational_missing_header_or_date(tmp_path):
    path = tmp_path / "sni_hdr.xlsx"
    write_sni(path, "S12000049", header="Code")
    with pytest.raises(ExtractError, match=r"sheet 'Employment rate': no header row with 'Area Code'"):
        ons_labour.read_sni_sheet(path, ons_labour.SNI_SHEETS[0])
    write_sni(path, "S12000049", date="last year")
    with pytest.raises(ExtractError, match=r"sheet 'Employment rate', row 2: unrecognised Date"):
        ons_labour.read_sni_sheet(path, ons_labour.SNI_SHEETS[0])


# ------------------------------------------------------------------ eurostat_metro


@pytest.fixture(scope="module")
def metros(raw_dir):
    return eurostat_metro.extract(raw_dir)["eurostat_metros"]


def test_metros_schema_and_count(metros):
    validate_extract("eurostat_metros", metros, eurostat_metro.TABLES["eurostat_metros"])
    assert list(metros.columns) == [
        "metro_code",
        "metro_name",
        "country",
        "is_capital",
        "gdp_eur",
        "population",
        "period",
        "source_id",
    ]
    assert len(metros) == 255
    assert set(metros.period) == {"2021"}
    assert set(metros.source_id) == {s.source_id for s in eurostat_metro.SOURCES}
    assert not metros.country.isin(["UK", "GB"]).any()


def test_metros_munich_exact(metros):
    munich = metros.set_index("metro_code").loc["DE003M"]
    assert munich.metro_name == "München"
    assert munich.gdp_eur == 213352000000
    assert munich.population == 2932668
    assert not munich.is_capital


@pytest.mark.parametrize(
    "code, gdp_bn, population",
    [
        ("DE005M", 160.84, 2735932),
        ("NL003M", 95.19, 1834417),
        ("ES002M", 173.72, 5639523),
        ("DE002M", 179.53, 3353084),
        ("FR003M", 97.31, 1899599),
    ],
)
def test_metros_provenance_spot_checks(metros, code, gdp_bn, population):
    row = metros.set_index("metro_code").loc[code]
    assert (row.gdp_eur + 5_000_000) // 10_000_000 == round(gdp_bn * 100)  # € bn to 2 d.p., half up
    assert row.population == population


def test_metros_gdp_matches_json(raw_dir, metros):
    document = json.loads((raw_dir / eurostat_metro.RAW_FILE).read_text(encoding="utf-8"))
    published = {m["code"]: m["gdpEur"] for m in document["metros"]}
    ours = metros.set_index("metro_code")["gdp_eur"]
    assert all(abs(ours[c] - v) < 1 for c, v in published.items())


def test_metros_source_licence():
    source = eurostat_metro.SOURCES[0]
    assert "2011/833/EU" in source.licence and "attribution" in source.licence
    assert "met_10r_3gdp" in source.notes and "met_pjanaggr3" in source.notes and "Third-party" in source.notes


def test_metros_malformed(tmp_path):
    good = {"code": "DE003M", "name": "München", "country": "DE", "isCapital": False, "gdpEur": 1e9, "population": 5}
    path = tmp_path / "metros.json"
    path.write_text(json.dumps({"year": 2021, "metros": [good, {**good, "code": "X1", "gdpEur": "lots"}]}))
    with pytest.raises(ExtractError, match=r"metros\.json: metros\[1\] \(X1\): gdpEur must be a positive number"):
        eurostat_metro.read_metros(path)
    path.write_text(json.dumps({"year": 2021, "metros": [good, {"code": "X2"}]}))
    with pytest.raises(ExtractError, match=r"metros\[1\]: missing fields"):
        eurostat_metro.read_metros(path)
    path.write_text(json.dumps({"year": 2021, "metros": [good, good]}))
    with pytest.raises(ExtractError, match="metro code repeated"):
        eurostat_metro.read_metros(path)
    path.write_text("{not json")
    with pytest.raises(ExtractError, match="not valid JSON"):
        eurostat_metro.read_metros(path)


# ------------------------------------------------------------------ reference


@pytest.fixture(scope="module")
def ref(reference_dir):
    return reference.extract_reference(reference_dir)


def test_reference_tables_pass_runner_validation(ref):
    assert set(ref) == set(reference.TABLES)
    for name, frame in ref.items():
        validate_extract(name, frame, reference.TABLES[name])
        assert set(frame.source_id) <= {s.source_id for s in reference.SOURCES}


def test_reference_extract_uses_folder_beside_raw(raw_dir, reference_dir, ref):
    assert reference.reference_dir_for(raw_dir) == reference_dir
    assert reference.extract(raw_dir)["claims"].equals(ref["claims"])


def test_core_cities_codes(ref):
    cities = ref["core_cities"]
    assert dict(zip(cities.city, cities.lad_code)) == CORE_CITIES
    assert cities.set_index("city").at["Glasgow", "itl1_code"] == "TLM"


def test_claims(ref):
    claims = ref["claims"].set_index("claim_id")
    assert len(claims) == 17
    assert {"cc_productivity_gap", "cc_tax_spend_gap", "intl_munich", "council_funding_gap_2627"} <= set(claims.index)
    assert float(claims.at["cc_productivity_gap", "value"]) == 66
    assert claims.at["intl_frankfurt", "value"] == "80.7"  # kept as published
    assert claims.at["tp_birmingham_total", "source_id"] == "rsa_2020pst_localist_future_2010"


def test_claims_carry_their_declared_methods(ref):
    claims = ref["claims"].set_index("claim_id")
    assert list(ref["claims"].columns[-4:]) == reference.METHOD_COLUMNS
    for claim_id, method in reference.CLAIM_METHODS.items():
        assert claims.loc[claim_id, reference.METHOD_COLUMNS].tolist() == [method[c] for c in reference.METHOD_COLUMNS]
    assert (claims["period_described"] != "").all() and (claims["primary_reason"] != "").all()
    # the 2016 claims describe the data then available, not the publication year
    assert claims.at["cc_productivity_gap", "period_described"] == "2014"
    assert claims.at["cc_tax_spend_gap", "period_described"] == "2015-16"
    assert claims.at["scandi_local_income_tax", "primary_definition"] == ""  # untestable, and says why
    assert claims.at["scandi_local_income_tax", "primary_reason"].startswith("Cannot be tested")


def test_case_studies_count_and_ids(reference_dir, ref):
    with open(reference_dir / "case_studies.csv", newline="", encoding="utf-8") as handle:
        published = list(csv.DictReader(handle))
    cases = ref["case_studies"]
    assert len(cases) == len(published)
    assert cases.case_id.is_unique
    assert "leeds-storm-eva-flood-response" in set(cases.case_id)
    assert (
        reference.case_id("Cardiff", "Education is Everybody's Business") == "cardiff-education-is-everybodys-business"
    )


def test_reference_sources_name_publications():
    by_id = {s.source_id: s for s in reference.SOURCES}
    assert by_id["core_cities_whole_place_leadership_2016"].publisher == "Core Cities UK"
    assert all(s.licence == "quoted facts with attribution" for s in reference.SOURCES)


def write_reference(folder, claims_rows):
    folder.mkdir()
    for name in ("core_cities.csv", "case_studies.csv"):
        (folder / name).write_text((reference.REFERENCE_DIR / name).read_text(encoding="utf-8"), encoding="utf-8")
    with open(folder / "claims.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(reference.CLAIM_COLUMNS)
        writer.writerows(claims_rows)


def test_reference_malformed_claims(tmp_path, reference_dir):
    claim = ["cc_x", "A claim", "66", "GBP bn", "c.2016", "UK", "Core Cities UK, Whole Place Leadership (2016)"]
    write_reference(tmp_path / "dup", [claim, claim])
    with pytest.raises(ExtractError, match=r"claims\.csv, row 3: claim_id 'cc_x' repeated"):
        reference.extract_reference(tmp_path / "dup")
    write_reference(tmp_path / "text", [claim[:2] + ["about 66"] + claim[3:]])
    with pytest.raises(ExtractError, match=r"claims\.csv, row 2: expected a number"):
        reference.extract_reference(tmp_path / "text")
    write_reference(tmp_path / "pub", [claim[:6] + ["Some blog"]])
    with pytest.raises(ExtractError, match=r"claims\.csv, row 2: unknown publication"):
        reference.extract_reference(tmp_path / "pub")
    write_reference(tmp_path / "method", [claim])
    with pytest.raises(ExtractError, match=r"claims\.csv, row 2: claim 'cc_x' has no declared method"):
        reference.extract_reference(tmp_path / "method")


def test_reference_methods_must_match_the_claims(tmp_path):
    path = tmp_path / "claims.csv"
    frame = pd.DataFrame({"claim_id": ["a", "b"]}, index=[2, 3])
    method = {"period_described": "2014", "period_reason": "r", "primary_definition": "", "primary_reason": "why"}
    merged = reference.with_methods(frame.copy(), path, {"a": method, "b": {**method, "primary_definition": "x/y"}})
    assert merged["primary_definition"].tolist() == ["", "x/y"]
    with pytest.raises(ExtractError, match=r"claims\.csv, row 3: claim 'b': declared method lacks \['period_reason'\]"):
        reference.with_methods(frame.copy(), path, {"a": method, "b": {**method, "period_reason": ""}})
    with pytest.raises(ExtractError, match=r"methods declared for claims not in the file: \['c'\]"):
        reference.with_methods(frame.copy(), path, {"a": method, "b": method, "c": method})


def test_reference_malformed_core_cities(tmp_path):
    path = tmp_path / "core_cities.csv"
    path.write_text(
        "city,lad_name,lad_code,nation_or_region,itl1_code,city_region_name,note\n"
        "Leeds,Leeds,LEEDS,Yorkshire,TLE,West Yorkshire CA,\n",
        encoding="utf-8",
    )
    with pytest.raises(ExtractError, match=r"core_cities\.csv, row 2: bad lad_code 'LEEDS'"):
        reference.read_core_cities(path)
    path.write_text("city,lad_code\nLeeds,E08000035\n", encoding="utf-8")
    with pytest.raises(ExtractError, match=r"core_cities\.csv: missing columns"):
        reference.read_core_cities(path)
