"""ECB exchange rates: hand-computed annual means on a small fixture, reconciliation with the official file and its
PROVENANCE.md table, byte-identical re-extraction, and malformed input failing with the file and line named."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from indicators.data.paths import EXTRACTS_DIR
from indicators.pipeline.extract import ecb_fx
from indicators.pipeline.extracts import run_extract, validate_extract
from indicators.pipeline.spec import ExtractError

HEADER = "Date,USD,JPY,GBP,CHF,\n"


def write(path, lines: list[str]) -> None:
    path.write_text(HEADER + "".join(line + "\n" for line in lines), encoding="utf-8")


# ------------------------------------------------------------------------------------------ small fixture


def test_annual_mean_and_inverse_by_hand(tmp_path):
    path = tmp_path / "eurofxref-hist.csv"
    # newest first, as the ECB file is; 2021 is the year the file ends in (incomplete), so it is left out
    write(
        path,
        [
            "2021-01-04,1.2,130,0.9,1.1,",
            "2020-12-31,1.2,130,1.0,1.1,",
            "2020-06-01,1.2,130,N/A,1.1,",
            "2020-01-02,1.2,130,0.8,1.1,",
            "2019-12-31,1.2,130,0.5,1.1,",
        ],
    )
    rates = ecb_fx.annual_rates(ecb_fx.read_daily(path))
    assert rates["year"].tolist() == [2019, 2020]
    row = rates.set_index("year").loc[2020]
    assert row["currency"] == "GBP"
    assert row["currency_per_eur"] == pytest.approx(0.9)  # (1.0 + 0.8) / 2: the N/A day is not a day with a rate
    assert row["eur_per_currency"] == pytest.approx(1 / 0.9)
    assert row["days"] == 2 and row["first_date"] == "2020-01-02" and row["last_date"] == "2020-12-31"
    assert rates.set_index("year").loc[2019, "eur_per_currency"] == pytest.approx(2.0)
    assert list(rates.columns) == ecb_fx.COLUMNS
    validate_extract("fx_rates", rates, ecb_fx.TABLES["fx_rates"])


@pytest.mark.parametrize(
    "lines, message",
    [
        (["2020-01-02,1.2,130,abc,1.1,"], r"eurofxref-hist\.csv, row 2: GBP rate 'abc' is not a number or N/A"),
        (["2020-01-03,1.2,130,0.8,1.1,", "2020-01-02,1.2,130,-0.8,1.1,"], r"row 3: GBP rate '-0\.8' is not positive"),
        (["2020-01-02,1.2,130,0.8,1.1,", "02/01/2020,1.2,130,0.8,1.1,"], r"row 3: Date '02/01/2020' is not YYYY-MM-DD"),
        (["2020-01-02,1.2,130,0.8,1.1,", "2020-01-02,1.2,130,0.8,1.1,"], r"row 3: Date 2020-01-02 repeated"),
        (["2020-01-02,1.2"], r"row 2: expected at least 4 cells, found 2"),
    ],
)
def test_malformed_rows_name_file_and_line(tmp_path, lines, message):
    path = tmp_path / "eurofxref-hist.csv"
    write(path, lines)
    with pytest.raises(ExtractError, match=message):
        ecb_fx.read_daily(path)


def test_missing_file_or_column(tmp_path):
    with pytest.raises(ExtractError, match=r"eurofxref-hist\.csv: file not found"):
        ecb_fx.read_daily(tmp_path / "eurofxref-hist.csv")
    path = tmp_path / "eurofxref-hist.csv"
    path.write_text("Date,USD,JPY\n2020-01-02,1.2,130\n", encoding="utf-8")
    with pytest.raises(ExtractError, match=r"row 1: missing columns \['GBP'\]"):
        ecb_fx.read_daily(path)


# ---------------------------------------------------------------------------------------- the official file


@pytest.fixture(scope="module")
def rates(raw_dir):
    return ecb_fx.extract(raw_dir)["fx_rates"]


def provenance_table(raw_dir) -> dict[int, tuple[int, str, str]]:
    """The PROVENANCE.md table of annual averages: year -> (days, £ per € text, € per £ text), as printed."""
    text = (raw_dir / "ecb_fx" / "PROVENANCE.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d{4}) \| (\d+) \| ([\d.]+) \| ([\d.]+) \|$", text, flags=re.MULTILINE)
    assert len(rows) >= 5, "the PROVENANCE table of annual averages was not found"
    return {int(year): (int(days), gbp, eur) for year, days, gbp, eur in rows}


def test_rates_reconcile_with_the_provenance_table(raw_dir, rates):
    by_year = rates.set_index("year")
    for year, (days, gbp, eur) in provenance_table(raw_dir).items():
        row = by_year.loc[year]
        assert row["days"] == days, year
        decimals = len(gbp.split(".")[1])
        assert f"{row['currency_per_eur']:.{decimals}f}" == gbp, year
        assert f"{row['eur_per_currency']:.{len(eur.split('.')[1])}f}" == eur, year


def test_rates_are_the_mean_of_the_official_daily_column(raw_dir, rates):
    daily = pd.read_csv(raw_dir / ecb_fx.RAW_FILE, usecols=["Date", "GBP"], na_values=["N/A"], keep_default_na=False)
    daily["year"] = daily["Date"].str[:4].astype(int)
    means = daily.dropna().groupby("year")["GBP"].agg(["mean", "size"])
    by_year = rates.set_index("year")
    assert by_year.index.tolist() == list(range(1999, int(daily["year"].max())))  # complete years only
    for year, row in by_year.iterrows():
        assert row["currency_per_eur"] == pytest.approx(means.at[year, "mean"], abs=1e-8)
        assert row["eur_per_currency"] == pytest.approx(1 / means.at[year, "mean"], abs=1e-8)
        assert row["days"] == means.at[year, "size"]
    validate_extract("fx_rates", rates, ecb_fx.TABLES["fx_rates"])
    assert set(rates["source_id"]) == {s.source_id for s in ecb_fx.SOURCES}


def test_reextraction_is_byte_identical_to_the_committed_extract(raw_dir, tmp_path):
    out = tmp_path / "extracts"
    run_extract(raw_dir, out, only="ecb_fx", log=lambda _: None)
    assert (out / "fx_rates.csv").read_bytes() == (EXTRACTS_DIR / "fx_rates.csv").read_bytes()


def test_source_names_the_ecb_and_its_terms():
    source = ecb_fx.SOURCES[0]
    assert source.publisher == "European Central Bank"
    assert "Source: European Central Bank" in source.licence
    assert source.raw_files == ecb_fx.RAW_FILE
