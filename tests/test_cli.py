"""The command line, as an analyst would run it (subprocesses against the real warehouse)."""

import json
import subprocess
import sys

import pandas as pd
import pytest

from indicators.analysis import productivity
from indicators.data.paths import EXTRACTS_DIR
from indicators.domain.definition import Definition


def run(*args):
    return subprocess.run([sys.executable, "-m", "indicators", *args], capture_output=True, text=True, timeout=180)


def test_gap_json_matches_the_function():
    done = run(
        "gap",
        "--area",
        "E08000025",
        "--basis",
        "hour",
        "--geography",
        "council",
        "--benchmark",
        "uk",
        "--year",
        "2022",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    expected = productivity.gap(Definition("E08000025", "council", "hour", "uk", 2022))
    for key in ("value", "benchmark_value", "gap_pct", "gap_gbp"):
        assert payload[key] == pytest.approx(getattr(expected, key))
    assert payload["gap_pct"] < 0  # Birmingham is below the UK per hour
    assert payload["provenance"]["releases"][0]["publisher"] == "Office for National Statistics"


@pytest.mark.parametrize(
    "args,expected",
    [
        (["gap", "--area", "E08000025", "--basis", "per-widget"], "choose from 'head', 'job', 'hour'"),
        (["gap", "--area", "E08000025", "--geography", "county"], "choose from 'council', 'city-region'"),
        (["gap", "--area", "E08000025", "--benchmark", "atlantis"], "valid: uk, uk-ex-london, core-cities"),
        (["gap", "--area", "XX", "--json"], "unknown area code 'XX'"),
        (["gap", "--area", "E08000025", "--year", "19x8"], "invalid year"),
        (["fiscal", "--nics", "astrology"], "choose from"),
    ],
)
def test_bad_arguments_exit_non_zero_with_one_line(args, expected):
    done = run(*args)
    assert done.returncode != 0
    assert expected in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr


def test_claims_json_lists_every_claim():
    done = run("claims", "--json")
    assert done.returncode == 0, done.stderr
    claims = json.loads(done.stdout)
    assert len(claims) == 17
    fields = {
        "claim_id",
        "claimed",
        "period_described",
        "period_reason",
        "primary_definition",
        "primary_definition_id",
        "primary_reason",
        "primary_value",
        "primary_period",
        "verdict",
        "verdict_code",
        "tolerance_pct",
        "range",
        "holds_on_k_of_n",
        "fx",
        "alternatives",
    }
    for claim in claims:
        assert fields <= set(claim), fields - set(claim)
    by_id = {c["claim_id"]: c for c in claims}
    gap = by_id["cc_productivity_gap"]
    assert gap["claimed"] == 66 and gap["period_described"] == "2014" and gap["primary_period"] == "2014"
    assert gap["primary_definition_id"] == "hour/city-region/uk/net" and gap["tolerance_pct"] == 10
    assert gap["holds_on_k_of_n"]["n"] == 12 and gap["range"]["min"] <= gap["primary_value"] <= gap["range"]["max"]
    munich = by_id["intl_munich"]
    assert munich["fx"]["source"].startswith("European Central Bank") and munich["fx"]["year"] == 2021
    fx = pd.read_csv(EXTRACTS_DIR / "fx_rates.csv").set_index(["currency", "year"])
    assert munich["fx"]["eur_per_gbp"] == pytest.approx(fx.at[("GBP", 2021), "eur_per_currency"])
    assert munich["primary_value"] is not None
    assert by_id["scandi_local_income_tax"]["verdict_code"] == "untestable"


def test_claims_text_and_a_stated_rate():
    done = run("claims", "--eur-per-gbp", "1.5")
    assert done.returncode == 0, done.stderr
    lines = {line.split(":")[0]: line for line in done.stdout.splitlines()}
    assert "(describes 2014)" in lines["cc_productivity_gap"] and "holds on" in lines["cc_productivity_gap"]
    assert "ECB 2021 average" in lines["intl_munich"]
    for bad in ("20", "nan"):
        done = run("claims", "--eur-per-gbp", bad)
        assert done.returncode == 1 and "eur_per_gbp must be between" in done.stderr and "Traceback" not in done.stderr


def test_fiscal_json_rows():
    done = run("fiscal", "--year", "2024-25", "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    required = {
        "area_code",
        "area_name",
        "revenue_gbp",
        "income_tax_gbp",
        "expenditure_gbp",
        "net_balance_gbp",
        "key_options",
    }
    assert all(required <= set(r) for r in rows)
    types = {r["area_type"] for r in rows}
    assert {"lad", "city_region"} <= types
    assert sum(r["area_type"] == "lad" for r in rows) == 361


def test_reconcile_lists_published_figures_beside_their_derivation():
    done = run("reconcile", "--measure", "gva_per_hour", "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert rows and all(abs(r["difference_pct"]) > 0.1 and r["measure_id"] == "gva_per_hour" for r in rows)
    uk = next(r for r in rows if r["area_code"] == "UKX" and r["period"] == "2022")
    assert uk["published_value"] == 39.7 and round(uk["derived_value"], 2) == 39.82 and uk["within_tolerance"]
    text = run("reconcile", "--above", "1.5")
    assert "differ from their derivation by more than 1.5%" in text.stdout
    assert run("reconcile", "--measure", "widgets").returncode == 2
