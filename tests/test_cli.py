"""The command line, as an analyst would run it (subprocesses against the real warehouse)."""

import json
import subprocess
import sys

import pytest

from indicators import productivity


def run(*args):
    return subprocess.run([sys.executable, "-m", "indicators", *args], capture_output=True, text=True, timeout=180)


def test_gap_json_matches_the_function():
    done = run("gap", "--area", "E08000025", "--basis", "hour", "--geography", "council", "--benchmark", "uk",
               "--year", "2022", "--json")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    expected = productivity.gap("E08000025", "hour", "council", "uk", 2022)
    for key in ("value", "benchmark_value", "gap_pct", "gap_gbp"):
        assert payload[key] == pytest.approx(getattr(expected, key))
    assert payload["gap_pct"] < 0  # Birmingham is below the UK per hour
    assert payload["provenance"]["releases"][0]["publisher"] == "Office for National Statistics"


@pytest.mark.parametrize("args,expected", [
    (["gap", "--area", "E08000025", "--basis", "per-widget"], "choose from 'head', 'job', 'hour'"),
    (["gap", "--area", "E08000025", "--geography", "county"], "choose from 'council', 'city-region'"),
    (["gap", "--area", "E08000025", "--benchmark", "atlantis"], "valid: uk, uk-ex-london, core-cities"),
    (["gap", "--area", "XX", "--json"], "unknown area code 'XX'"),
    (["gap", "--area", "E08000025", "--year", "19x8"], "invalid year"),
    (["fiscal", "--nics", "astrology"], "choose from"),
])
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
    for claim in claims:
        assert {"claim_id", "claimed", "recomputed", "definition"} <= set(claim)
    by_id = {c["claim_id"]: c for c in claims}
    assert by_id["cc_productivity_gap"]["claimed"] == 66
    assert by_id["cc_productivity_gap"]["recomputed"] > 0


def test_fiscal_json_rows():
    done = run("fiscal", "--year", "2024-25", "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    required = {"area_code", "area_name", "revenue_gbp", "income_tax_gbp", "expenditure_gbp", "net_balance_gbp", "key_options"}
    assert all(required <= set(r) for r in rows)
    types = {r["area_type"] for r in rows}
    assert {"lad", "city_region"} <= types
    assert sum(r["area_type"] == "lad" for r in rows) == 361
