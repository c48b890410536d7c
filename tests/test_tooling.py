"""The tooling: one place for the tools' settings (pyproject.toml), and the test command running lint and types
before the tests, failing the run at the end when any of them finds something while the tests still run."""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from tests.test_lock import DEV_TXT, top_level

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]


def test_settings_live_in_pyproject_only():
    for other in ("pytest.ini", "setup.cfg", "tox.ini", "mypy.ini", ".mypy.ini", "ruff.toml", ".ruff.toml"):
        assert not (ROOT / other).exists(), f"{other} would split or override pyproject.toml's settings"
    assert PYPROJECT["ruff"]["line-length"] == 120
    assert PYPROJECT["mypy"]["strict"] is True and PYPROJECT["mypy"]["files"] == ["indicators/domain"]
    markers = {line.split(":")[0] for line in PYPROJECT["pytest"]["ini_options"]["markers"]}
    assert markers == {"browser", "slow"}
    assert "--strict-markers" in PYPROJECT["pytest"]["ini_options"]["addopts"]


@pytest.mark.parametrize("tool", ["ruff", "mypy", "pandas-stubs"])
def test_the_checkers_are_pinned_and_installed_at_the_pin(tool):
    pinned = top_level(DEV_TXT)
    assert tool in pinned, f"{tool} is not pinned in requirements-dev.txt"
    assert importlib.metadata.version(tool) == pinned[tool], (
        f"{tool}: run bash scripts/run-tests.sh to install the lock"
    )


FAKE = """#!/usr/bin/env bash
echo "{name} $*" >> "$CALLS"
case "{name} $*" in
  *"-m pytest"*) exit "${{FAIL_PYTEST:-0}}" ;;
  *"-m pip"*|*audit.py*) exit 0 ;;
  "ruff check"*) exit "${{FAIL_RUFF_CHECK:-0}}" ;;
  "ruff format"*) exit "${{FAIL_RUFF_FORMAT:-0}}" ;;
  mypy*) exit "${{FAIL_MYPY:-0}}" ;;
esac
"""


def run_tests_script(tmp_path: Path, **fail: int) -> tuple[int, str, list[str]]:
    """scripts/run-tests.sh in a copy of the checkout where python, ruff, mypy (and the Debian tools) are stand-ins
    that record their arguments and exit as told; returns (exit status, stderr, the calls in order)."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "run-tests.sh", tmp_path / "scripts")
    bins = {
        tmp_path / ".venv" / "bin": ("python", "ruff", "mypy"),
        tmp_path / "path": ("chromium", "pdftoppm", "nginx"),
    }
    for folder, names in bins.items():
        folder.mkdir(parents=True)
        for name in names:
            (folder / name).write_text(FAKE.format(name=name))
            (folder / name).chmod(0o755)
    calls = tmp_path / "calls.txt"
    env = {
        **os.environ,
        "PATH": f"{tmp_path / 'path'}:{os.environ['PATH']}",
        "CALLS": str(calls),
        **{f"FAIL_{name.upper()}": str(code) for name, code in fail.items()},
    }
    env.pop("SKIP_AUDIT", None)
    done = subprocess.run(
        ["bash", str(tmp_path / "scripts" / "run-tests.sh"), "-x"], env=env, capture_output=True, text=True, timeout=60
    )
    return done.returncode, done.stderr, [call.strip() for call in calls.read_text().splitlines()]


def test_the_test_command_runs_lint_and_types_then_the_tests(tmp_path):
    code, err, calls = run_tests_script(tmp_path)
    assert code == 0, err
    assert [c for c in calls if not c.startswith("python -m pip")] == [
        "python scripts/audit.py",
        "ruff check .",
        "ruff format --check .",
        "mypy",
        "python -m pytest --durations=25 -x",
    ]


@pytest.mark.parametrize(
    "failing,named",
    [("ruff_check", "ruff check ."), ("ruff_format", "ruff format --check ."), ("mypy", "mypy")],
)
def test_a_lint_or_type_finding_fails_the_run_after_the_tests(tmp_path, failing, named):
    code, err, calls = run_tests_script(tmp_path, **{failing: 1})
    assert code != 0
    assert calls[-1] == "python -m pytest --durations=25 -x", "the tests still run"
    assert f"FAILED: {named}" in err


def test_failing_tests_keep_their_exit_status(tmp_path):
    code, _, _ = run_tests_script(tmp_path, mypy=1, pytest=5)
    assert code == 5
