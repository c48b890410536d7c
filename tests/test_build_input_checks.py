"""Load-time checks on the committed extracts (indicators/pipeline/inputs.py, ranges declared in
indicators/pipeline/spec.py).

Small fixtures for each rule, then the hostile probe's inputs on copies of the real extracts through the real build:
each fails naming the file, the row (its line number in the file) and the column, before any warehouse file is made.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from indicators.data.paths import EXTRACTS_DIR
from indicators.pipeline import inputs
from indicators.pipeline.inputs import InputError, check_observations, check_table, load_extracts, read_table
from indicators.pipeline.load import BuildError, build_warehouse, declarations
from indicators.pipeline.spec import OBSERVATION_COLUMNS, UNIT_RANGES

HEADER = ",".join(OBSERVATION_COLUMNS)
ROW = "E08000025,Birmingham,employment_rate,2023,70.1,%,ons_subnational_indicators_mar2024"
KEYS = declarations()[2]


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def check(path: Path):
    """Read and check one extract as the build does."""
    table = read_table(path)
    if path.stem.startswith("obs_"):
        return check_observations(table)
    return check_table(table, KEYS.get(path.stem, ()))


def fails(path: Path, row: int | None, column: str | None, problem: str) -> str:
    """Assert the check fails naming the file, row and column, with `problem` (a regex) after them."""
    where = re.escape(path.name)
    if row is not None:
        where += f", row {row}"
    if column is not None:
        where += f", column {re.escape(column)}"
    with pytest.raises(InputError, match=rf"{where}: {problem}") as failure:
        check(path)
    return str(failure.value)


def obs(tmp_path: Path, *rows: str, name: str = "obs_test.csv") -> Path:
    return write(tmp_path, name, "\n".join([HEADER, *rows]) + "\n")


def row_with(**changes) -> str:
    fields = dict(zip(OBSERVATION_COLUMNS, ROW.split(",")))
    fields.update({k: str(v) for k, v in changes.items()})
    return ",".join(fields[c] for c in OBSERVATION_COLUMNS)


# ---- the committed extracts pass, and read exactly as before (types and values)


def test_committed_extracts_pass_every_check():
    tables, observations = load_extracts(sorted(EXTRACTS_DIR.glob("*.csv")), KEYS, log=lambda _: None)
    assert len(observations) > 150_000 and observations["value"].dtype == "float64"
    assert tables["claims"]["value"].dtype == "float64" and tables["eurostat_metros"]["is_capital"].dtype == bool
    assert set(observations["unit"]) <= set(UNIT_RANGES)


# ---- strict CSV


def test_a_well_formed_file_reads(tmp_path):
    frame = check(obs(tmp_path, ROW, row_with(period="2022", value="-0"), row_with(period="2021", value="1e2")))
    assert list(frame["value"]) == [70.1, 0.0, 100.0]


def test_quoted_fields_and_crlf_line_ends_read(tmp_path):
    path = write(tmp_path, "obs_q.csv", HEADER + "\r\n" + ROW.replace("Birmingham", '"Birmingham, ""City"""') + "\r\n")
    assert check(path)["area_name"][0] == 'Birmingham, "City"'


@pytest.mark.parametrize(
    "text,row,problem",
    [
        ("", None, "empty file"),
        ("\n\n", None, "empty file"),
        (HEADER + "\n", None, "no rows under the header"),
        (HEADER + "\n" + ROW, 2, "the last row is cut off"),
        (HEADER + "\n" + ROW + "\n" + ROW[:30], 3, "the last row is cut off"),
        (HEADER + "\n" + ROW + "\n\n" + row_with(period="2022") + "\n", 3, "blank line"),
        (HEADER + "\n" + ROW + ",extra\n", 2, "8 fields, the header has 7"),
        (HEADER + "\n" + ROW.rsplit(",", 1)[0] + "\n", 2, "6 fields, the header has 7"),
    ],
)
def test_structure_errors_name_file_and_row(tmp_path, text, row, problem):
    fails(write(tmp_path, "obs_bad.csv", text), row, None, problem)


@pytest.mark.parametrize(
    "line,column,problem",
    [
        (ROW.replace("Birmingham", 'Birm"ingham'), "area_name", "stray quote"),
        (ROW.replace("Birmingham", '"Birmingham"x'), "area_name", "stray quote"),
        (ROW.replace("Birmingham", '"Birmingham'), "area_name", "a quote opens this field and is not closed"),
        (ROW.replace(",%,", ',"%,'), "unit", "a quote opens this field and is not closed"),
        (ROW.replace("Birmingham", "Birm\x00ingham"), "area_name", r"control character '\\x00'"),
        (ROW.replace("Birmingham", "Birm\tingham"), "area_name", r"control character '\\t'"),
    ],
)
def test_quotes_and_control_characters_name_the_column(tmp_path, line, column, problem):
    fails(obs(tmp_path, line), 2, column, problem)


def test_a_line_break_inside_quotes_is_refused(tmp_path):
    """One record per line: a quoted field spanning lines is how a stray quote swallows the next row."""
    text = HEADER + "\n" + ROW.replace("Birmingham", '"Birming') + "\n" + 'ham",x\n'
    fails(
        write(tmp_path, "obs_split.csv", text),
        2,
        "area_name",
        "a quote opens this field and is not closed on this line",
    )


def test_header_errors(tmp_path):
    fails(write(tmp_path, "claims.csv", "claim_id,claim,claim\nx,y,z\n"), 1, "claim", "column named twice")
    fails(
        write(tmp_path, "obs_h.csv", HEADER.replace("period", "year") + "\n" + ROW + "\n"), 1, None, "columns must be"
    )
    fails(
        write(tmp_path, "core_cities.csv", "city,lad_code\nLeeds,E08000035\n"),
        1,
        None,
        r"declared columns \['note'\] are missing",
    )


def test_not_utf8_names_the_row(tmp_path):
    fails(
        write(tmp_path, "obs_enc.csv", (HEADER + "\n" + ROW + "\n").encode() + b"E08000003,Manchester\xff\n"),
        3,
        None,
        "not UTF-8 text",
    )


# ---- numbers


@pytest.mark.parametrize(
    "value,problem",
    [
        ("inf", "'inf' is not a finite number"),
        ("-Infinity", "'-Infinity' is not a finite number"),
        ("nan", "'nan' is not a finite number"),
        ("NaN", "'NaN' is not a finite number"),
        ("1e400", "'1e400' is too large"),
        ("-1e999", "'-1e999' is too large"),
        ("1_000", "'1_000' is not a number"),
        ("12abc", "'12abc' is not a number"),
        ("0x1A", "'0x1A' is not a number"),
        ("", r"blank \(a value is required\)"),
        (" 70.1", "' 70.1' has surrounding spaces"),
    ],
)
def test_values_must_be_finite_numbers(tmp_path, value, problem):
    fails(obs(tmp_path, ROW, row_with(period="2022", value=value)), 3, "value", problem)


@pytest.mark.parametrize(
    "value,ok", [("0", True), ("100", True), ("100.0001", False), ("5000", False), ("-5", False), ("-0.01", False)]
)
def test_percentages_lie_between_0_and_100(tmp_path, value, ok):
    path = obs(tmp_path, row_with(value=value))
    if ok:
        assert check(path)["value"][0] == float(value)
    else:
        message = fails(
            path,
            2,
            "value",
            re.escape(value) + r" is outside the range for employment_rate in '%' "
            r"\(0 to 100\)",
        )
        assert "obs_test.csv" in message


@pytest.mark.parametrize(
    "unit,indicator,value,ok",
    [
        ("persons", "population", "-1", False),
        ("£ million", "gva_current", "-3", False),
        ("£", "gdp_per_head", "-5374", False),
        ("£", "nfb_per_head", "-5374", True),  # a net fiscal balance is genuinely negative
        ("£ million", "rev_petroleum_revenue_tax", "-744", True),  # receipts net of repayments
        ("£ million", "exp_eu_transactions", "-4844", True),
        ("index (2022=100)", "gdp_deflator", "-1", False),
        ("£ per hour", "gva_per_hour", "0", True),
    ],
)
def test_counts_and_totals_are_not_negative_unless_declared_signed(tmp_path, unit, indicator, value, ok):
    path = obs(tmp_path, row_with(unit=unit, indicator_id=indicator, value=value))
    if ok:
        assert check(path)["value"][0] == float(value)
    else:
        fails(path, 2, "value", re.escape(value) + " is outside the range for " + indicator)


def test_a_unit_without_a_declared_range_fails(tmp_path):
    fails(obs(tmp_path, row_with(unit="furlongs")), 2, "unit", "unit 'furlongs' has no declared range")


@pytest.mark.parametrize(
    "name,text,row,column,problem",
    [
        (
            "fx_rates.csv",
            "year,currency,currency_per_eur,eur_per_currency,days,first_date,last_date,source_id\n"
            "2020,GBP,0,1.1,250,2020-01-02,2020-12-31,ecb\n",
            2,
            "currency_per_eur",
            r"0 is outside its declared range",
        ),
        (
            "fx_rates.csv",
            "year,currency,currency_per_eur,eur_per_currency,days,first_date,last_date,source_id\n"
            "2020,GBP,0.88,inf,250,2020-01-02,2020-12-31,ecb\n",
            2,
            "eur_per_currency",
            "'inf' is not a finite number",
        ),
        (
            "claims.csv",
            "claim_id,claim,value,unit,primary_definition\nc1,x,1e400,%,\n",
            2,
            "value",
            "'1e400' is too large",
        ),
        (
            "claims.csv",
            "claim_id,claim,value,unit,primary_definition\nc1,x,-53,£bn,\n",
            2,
            "value",
            "-53 is outside its declared range",
        ),
        (
            "cra_identifiable_spending.csv",
            "edition,region_code,cofog_function,hmt_function,period,value_gbp_m\nCRA 2020,TLC,1,1,2019-20,nan\n",
            2,
            "value_gbp_m",
            "'nan' is not a finite number",
        ),
    ],
)
def test_declared_numeric_columns_of_other_extracts(tmp_path, name, text, row, column, problem):
    fails(write(tmp_path, name, text), row, column, problem)


def test_net_service_spending_may_be_negative(tmp_path):
    path = write(
        tmp_path,
        "rs_service_expenditure.csv",
        "period,area_code,area_name,e_code,authority_class,county_code,service,value_gbp_m,source_id\n"
        "2017-18,E08000025,Birmingham,E0801,MD,,housing,-42.5,mhclg_rs_2017_18\n",
    )
    assert check(path)["value_gbp_m"][0] == -42.5


# ---- required cells and keys


def test_required_cells_blank_and_optional_cells_allowed(tmp_path):
    header = "city,lad_name,lad_code,nation_or_region,itl1_code,city_region_name,note,source_id\n"
    good = "Leeds,Leeds,E08000035,Yorkshire,TLE,West Yorkshire CA,,whole_place\n"
    assert check(write(tmp_path, "core_cities.csv", header + good))["note"].isna().all()  # note is optional
    fails(write(tmp_path, "core_cities.csv", header + good.replace("E08000035", "")), 2, "lad_code", "blank")
    fails(write(tmp_path, "core_cities.csv", header + good.replace("E08000035", "  ")), 2, "lad_code", "blank")
    fails(
        write(tmp_path, "core_cities.csv", header + good.replace("E08000035", "E08000035 ")),
        2,
        "lad_code",
        "'E08000035 ' has surrounding spaces",
    )
    fails(obs(tmp_path, row_with(area_code="")), 2, "area_code", "blank")


def test_duplicate_keys_name_both_rows(tmp_path):
    fails(
        obs(tmp_path, ROW, row_with(period="2022"), ROW),
        4,
        "area_code, indicator_id, period",
        r"duplicate key \(area_code='E08000025', indicator_id='employment_rate', period='2023'\), already on row 2",
    )
    header = "city,lad_name,lad_code,nation_or_region,itl1_code,city_region_name,note,source_id\n"
    good = "Leeds,Leeds,E08000035,Yorkshire,TLE,West Yorkshire CA,,whole_place\n"
    fails(write(tmp_path, "core_cities.csv", header + good + good), 3, "city", "duplicate key")


def test_duplicate_observation_keys_across_files_name_both_files(tmp_path):
    first = obs(tmp_path, ROW, name="obs_a.csv")
    second = obs(tmp_path, row_with(period="2022"), ROW, name="obs_b.csv")
    with pytest.raises(
        InputError,
        match=r"obs_b\.csv, row 3, column area_code, indicator_id, period: duplicate "
        r"key .*already in .*obs_a\.csv, row 2",
    ):
        load_extracts([first, second], {}, log=lambda _: None)


# ---- the hostile probe's inputs, on copies of the real extracts, through the real build


def real_copy(tmp_path: Path, name: str, edit) -> tuple[Path, Path]:
    """An extracts folder linking to the committed files except `name`, which is written through `edit(text)`."""
    folder = tmp_path / "extracts"
    folder.mkdir()
    for path in EXTRACTS_DIR.glob("*.csv"):
        if path.name != name:
            (folder / path.name).symlink_to(path)
    target = folder / name
    target.write_text(edit((EXTRACTS_DIR / name).read_text()))
    return folder, target


def edit_row(text: str, match, change) -> str:
    """Rewrite the first CSV record for which match(record) holds, with change(record) (quoting as the extract does)."""
    records = list(csv.reader(io.StringIO(text)))
    header = records[0]
    for record in records[1:]:
        row = dict(zip(header, record))
        if match(row):
            change(row)
            record[:] = [row[c] for c in header]
            break
    else:
        raise AssertionError("no record matched")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(records)
    return out.getvalue()


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def set_value(value):
    return lambda row: row.update(value=value)


PROBES = {
    "inf": (
        "obs_ons_gdp_lad.csv",
        lambda t: edit_row(t, lambda r: r["area_code"] == "E08000025", set_value("inf")),
        "E08000025",
        "value",
        "'inf' is not a finite number",
    ),
    "1e400": (
        "obs_ons_gdp_lad.csv",
        lambda t: edit_row(t, lambda r: r["area_code"] == "E08000025", set_value("1e400")),
        "E08000025",
        "value",
        "'1e400' is too large",
    ),
    "employment rate 5000": (
        "obs_subnational.csv",
        lambda t: edit_row(
            t, lambda r: r["indicator_id"] == "employment_rate" and r["area_code"] == "E06000023", set_value("5000")
        ),
        "E06000023,",
        "value",
        r"5000 is outside the range for employment_rate in '%' \(0 to 100\)",
    ),
    "employment rate -5": (
        "obs_subnational.csv",
        lambda t: edit_row(
            t, lambda r: r["indicator_id"] == "employment_rate" and r["area_code"] == "E06000023", set_value("-5")
        ),
        "E06000023,",
        "value",
        r"-5 is outside the range for employment_rate",
    ),
    "blank lad_code for Bristol": (
        "core_cities.csv",
        lambda t: edit_row(t, lambda r: r["city"] == "Bristol", lambda r: r.update(lad_code="")),
        "Bristol",
        "lad_code",
        r"blank \(a value is required\)",
    ),
    "stray quote in claims.csv": (
        "claims.csv",
        lambda t: t.replace("\ncc_population,", '\ncc_population,"', 1),
        "cc_population",
        "claim",
        "stray quote",
    ),
    "unclosed quote at the end of claims.csv": (
        "claims.csv",
        lambda t: t[: t.rstrip("\n").rindex("\n") + 1] + 'cc_last,"never closed\n',
        "cc_last",
        "claim",
        "a quote opens this field and is not closed",
    ),
    "duplicate key": (
        "core_cities.csv",
        lambda t: t + t.splitlines()[3] + "\n",
        None,
        "city",
        r"duplicate key \(city='Cardiff'\), already on row 4",
    ),
    "duplicate observation": (
        "obs_ashe.csv",
        lambda t: t + t.splitlines()[1] + "\n",
        None,
        "area_code, indicator_id, period",
        "duplicate key .*already on row 2",
    ),
    "empty file": ("claims.csv", lambda t: "", None, None, "empty file"),
    "cut-off last row": ("claims.csv", lambda t: t[:-40], None, None, "the last row is cut off"),
    "header only": ("areas.csv", lambda t: t.splitlines()[0] + "\n", None, None, "no rows under the header"),
}


@pytest.mark.parametrize("probe", PROBES, ids=list(PROBES))
def test_probe_inputs_fail_the_build_naming_file_row_and_column(tmp_path, probe):
    name, edit, needle, column, problem = PROBES[probe]
    folder, target = real_copy(tmp_path, name, edit)
    text = target.read_text()
    if needle is not None:
        row = line_of(text, needle)
    elif problem.startswith("duplicate"):
        row = len(text.splitlines())
    else:
        row = None if "empty" in problem or "no rows" in problem else len(text.split("\n"))
    where = re.escape(name) + (f", row {row}" if row else "") + (f", column {re.escape(column)}" if column else "")
    pointer = tmp_path / "warehouses" / "current.json"
    with pytest.raises(BuildError, match=rf"{where}: {problem}"):
        build_warehouse(folder, pointer, log=lambda _: None)
    assert not pointer.parent.exists()  # failed before any warehouse file was made


def test_messages_name_the_repository_path_for_committed_files():
    assert inputs.where(EXTRACTS_DIR / "claims.csv", 5, "claim") == "data/extracts/claims.csv, row 5, column claim"
