"""The lock files and the dependency audit: every package pinned and hashed, the locks agreeing with the top-level
requirements and with each other, both README commands installing in pip's hash-checking mode, and the audit failing
on a finding, accepting only documented ones and saying so when it could not check (no network used here)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import sys
import urllib.error
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUNTIME_TXT, DEV_TXT = ROOT / "requirements.txt", ROOT / "requirements-dev.txt"
RUNTIME_LOCK, DEV_LOCK = ROOT / "requirements.lock", ROOT / "requirements-dev.lock"

_spec = importlib.util.spec_from_file_location("dependency_audit", ROOT / "scripts" / "audit.py")
audit = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = audit  # dataclasses look their module up there
_spec.loader.exec_module(audit)


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def top_level(path: Path) -> dict[str, str]:
    """name -> version for every requirement of a requirements*.txt, following `-r` includes."""
    pins = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("-r "):
            pins.update(top_level(path.parent / line[3:].strip()))
            continue
        m = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)", line)
        assert m, f"{path.name}: {raw!r} is not pinned as name==version"
        pins[canonical(m[1])] = m[2]
    return pins


def lock_entries(path: Path) -> list[dict]:
    """Each requirement of a lock file with its marker and hashes (backslash continuations joined)."""
    text = path.read_text(encoding="utf-8")
    logical, current = [], ""
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].rstrip() if not raw.lstrip().startswith("--hash") else raw.rstrip()
        if not line.strip() and not current:
            continue
        current += " " + line.rstrip("\\").strip()
        if not line.endswith("\\"):
            logical.append(current.strip())
            current = ""
    if current.strip():
        logical.append(current.strip())
    entries = []
    for item in logical:
        hashes = re.findall(r"--hash=(\w+):([0-9a-f]+)", item)
        spec = re.sub(r"\s*--hash=\S+", "", item).strip()
        name, _, rest = spec.partition(";")
        entries.append({"spec": name.strip(), "marker": rest.strip(), "hashes": hashes, "line": item})
    return entries


def pins_of(path: Path) -> dict[tuple[str, str], dict]:
    """(name, marker) -> {version, hashes} for a lock file."""
    out = {}
    for entry in lock_entries(path):
        m = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9.+!_-]+)", entry["spec"])
        assert m, f"{path.name}: {entry['spec']!r} is not pinned to one version"
        key = (canonical(m[1]), entry["marker"])
        assert key not in out, f"{path.name}: {key} appears twice"
        out[key] = {"version": m[2], "hashes": entry["hashes"]}
    return out


@pytest.mark.parametrize("lock", [RUNTIME_LOCK, DEV_LOCK], ids=["runtime", "dev"])
def test_every_lock_entry_is_pinned_and_hashed(lock):
    entries = lock_entries(lock)
    assert len(entries) > 20
    for entry in entries:
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*==[A-Za-z0-9.+!_-]+", entry["spec"]), (
            f"{lock.name}: {entry['line'][:80]!r} is not pinned as name==version"
        )
        assert not entry["spec"].startswith(("-e", "-r", "-c", "git+", "http", "file:")), entry["spec"]
        assert entry["hashes"], f"{lock.name}: {entry['spec']} has no --hash"
        assert all(algo == "sha256" and len(digest) == 64 for algo, digest in entry["hashes"]), entry["spec"]
    text = lock.read_text(encoding="utf-8")
    assert "--index-url" not in text and "--extra-index-url" not in text and "--find-links" not in text
    assert "bash scripts/lock.sh" in text.splitlines()[1], "the header names the command that regenerates the lock"


@pytest.mark.parametrize("txt,lock", [(RUNTIME_TXT, RUNTIME_LOCK), (DEV_TXT, DEV_LOCK)], ids=["runtime", "dev"])
def test_every_top_level_pin_is_in_its_lock_at_the_same_version(txt, lock):
    locked = {}
    for (name, _marker), pin in pins_of(lock).items():
        locked.setdefault(name, set()).add(pin["version"])
    for name, version in top_level(txt).items():
        assert name in locked, f"{name} ({txt.name}) is missing from {lock.name}: run bash scripts/lock.sh"
        assert locked[name] == {version}, f"{name}: {txt.name} pins {version}, {lock.name} has {locked[name]}"


def test_runtime_lock_is_a_subset_of_the_dev_lock_with_equal_versions_and_hashes():
    runtime, dev = pins_of(RUNTIME_LOCK), pins_of(DEV_LOCK)
    for key, pin in runtime.items():
        assert key in dev, f"{key} is in requirements.lock but not requirements-dev.lock"
        assert dev[key]["version"] == pin["version"], (key, pin["version"], dev[key]["version"])
        assert set(dev[key]["hashes"]) == set(pin["hashes"]), f"{key}: the two locks list different files"
    assert len(dev) > len(runtime)


def test_dev_requirements_include_the_runtime_ones_and_the_audit_tool():
    assert "-r requirements.txt" in DEV_TXT.read_text(encoding="utf-8").splitlines()
    assert "pip-audit" in top_level(DEV_TXT)


@pytest.mark.parametrize(
    "script,lock", [("run-dashboard.sh", "requirements.lock"), ("run-tests.sh", "requirements-dev.lock")]
)
def test_readme_commands_install_the_lock_with_hash_checking(script, lock):
    text = (ROOT / "scripts" / script).read_text(encoding="utf-8")
    installs = [ln for ln in text.splitlines() if re.search(r"\bpip install\b", ln) and not ln.lstrip().startswith("#")]
    assert installs, f"{script} installs nothing"
    for line in installs:
        assert "--require-hashes" in line and f"-r {lock}" in line, f"{script}: {line.strip()}"
        assert not re.search(r"-r requirements(-dev)?\.txt", line), f"{script} installs the unhashed requirements"


def test_tests_script_runs_the_audit_and_ci_runs_the_tests_script():
    text = (ROOT / "scripts" / "run-tests.sh").read_text(encoding="utf-8")
    assert ".venv/bin/python scripts/audit.py || audit=$?" in text
    assert 'exit "$audit"' in text
    assert "bash scripts/run-tests.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_audit_reads_every_pin_of_both_locks():
    pins = {p for lock in audit.DEFAULT_LOCKS for p in audit.read_pins(lock)}
    expected = {(name, pin["version"]) for path in (RUNTIME_LOCK, DEV_LOCK) for (name, _), pin in pins_of(path).items()}
    assert {(p.name, p.version) for p in pins} == expected


def test_the_ignore_file_is_valid_and_current():
    entries, problems = audit.load_ignores(audit.IGNORE_FILE, dt.date.today())
    assert not problems, problems


# The audit's decisions, on made-up answers (no network).

LOCK = """\
alpha==1.0 \\
    --hash=sha256:{h}
beta==2.0 ; sys_platform == 'win32' \\
    --hash=sha256:{h}
""".format(h="0" * 64)


@pytest.fixture
def lock(tmp_path):
    path = tmp_path / "x.lock"
    path.write_text(LOCK, encoding="utf-8")
    return path


def run(lock, *, pip_audit, fetch=None, ignores="", today=dt.date(2027, 1, 1)):
    ignore_file = lock.parent / "audit-ignore.toml"
    ignore_file.write_text(ignores, encoding="utf-8")
    lines = []

    def no_fetch(name):
        raise AssertionError(f"fetched {name}")

    rc = audit.audit(
        [lock], ignore_file=ignore_file, today=today, pip_audit=pip_audit, fetch=fetch or no_fetch, out=lines.append
    )
    return rc, "\n".join(lines)


def pip_audit_says(found=None, skipped=None, error=None):
    """A stand-in for the audit's pip-audit run: ({pin: [vulnerability]} found, {pin: reason} skipped, error)."""
    return lambda locks: (found or {}, skipped or {}, error)


VULN = audit.Vuln("GHSA-aaaa-bbbb-cccc", ("CVE-2026-1", "PYSEC-2026-1"), ("1.1",), "Something bad")
ALPHA_VULNERABLE = {audit.Pin("alpha", "1.0"): [VULN], audit.Pin("beta", "2.0"): []}


def test_a_finding_fails_the_audit(lock):
    fake = pip_audit_says(ALPHA_VULNERABLE)
    rc, text = run(lock, pip_audit=fake)
    assert rc == 1
    assert "VULNERABLE: alpha 1.0: GHSA-aaaa-bbbb-cccc (CVE-2026-1, PYSEC-2026-1), fixed in 1.1" in text
    assert "Dependency audit FAILED" in text


def test_a_finding_accepted_with_a_reason_and_a_review_date_passes_but_is_printed(lock):
    fake = pip_audit_says(ALPHA_VULNERABLE)
    ignores = '[[ignore]]\npackage = "Alpha"\nid = "CVE-2026-1"\nreason = "never reached"\nreview_by = 2027-02-01\n'
    rc, text = run(lock, pip_audit=fake, ignores=ignores)
    assert rc == 0, text
    assert "accepted until 2027-02-01" in text and "reason: never reached" in text and "GHSA-aaaa" in text


@pytest.mark.parametrize(
    "entry,problem",
    [
        ('package = "alpha"\nid = "CVE-2026-1"\nreason = "never reached"\nreview_by = 2026-12-31\n', "due for review"),
        ('package = "alpha"\nid = "CVE-2026-1"\nreview_by = 2027-02-01\n', "lacks reason"),
        ('package = "alpha"\nid = "CVE-2026-1"\nreason = "x"\nreview_by = "soon"\n', "must be a date"),
    ],
)
def test_an_ignore_entry_past_its_review_date_or_incomplete_fails(lock, entry, problem):
    fake = pip_audit_says(ALPHA_VULNERABLE)
    rc, text = run(lock, pip_audit=fake, ignores="[[ignore]]\n" + entry)
    assert rc == 1 and problem in text


def test_clean_when_every_pin_is_answered(lock):
    fake = pip_audit_says({audit.Pin("alpha", "1.0"): [], audit.Pin("beta", "2.0"): []})
    rc, text = run(lock, pip_audit=fake)
    assert rc == 0
    assert "checked 2 of 2" in text and "2 by exact version" in text and "no known vulnerabilities" in text


def test_pins_without_an_exact_version_answer_are_checked_as_the_latest_release_or_listed_as_not_checked(lock):
    skipped = pip_audit_says(skipped={audit.Pin("alpha", ""): "Dependency not found on PyPI"})
    projects = {
        "alpha": {
            "info": {"version": "1.0"},
            "vulnerabilities": [
                {"id": "PYSEC-1", "aliases": ["GHSA-x"], "fixed_in": [], "summary": "bad"},
                {"id": "GHSA-x", "aliases": ["PYSEC-1"], "fixed_in": [], "summary": "bad"},
                {"id": "PYSEC-2", "aliases": [], "fixed_in": ["1.1"], "withdrawn": "2026-01-01T00:00:00Z"},
            ],
        },
        "beta": {"info": {"version": "2.5"}, "vulnerabilities": []},
    }
    rc, text = run(lock, pip_audit=skipped, fetch=projects.__getitem__)
    assert rc == 1
    assert text.count("VULNERABLE") == 1, "aliases are one finding, and a withdrawn advisory is none"
    assert "VULNERABLE: alpha 1.0: PYSEC-1 (GHSA-x), no fixed release: bad" in text
    assert "1 as the latest release" in text
    assert "NOT CHECKED (1)" in text and "beta 2.0: not the latest release (2.5)" in text


def test_offline_it_says_it_could_not_check_and_does_not_fail(lock):
    offline = pip_audit_says(error="requests.exceptions.ConnectionError: Max retries exceeded (NameResolutionError)")
    rc, text = run(lock, pip_audit=offline)
    assert rc == 0
    assert "COULD NOT CHECK any of them" in text and "not a pass" in text


def test_offline_fallback_too_says_it_could_not_check(lock):
    skipped = pip_audit_says()

    def unreachable(name):
        raise audit.Unreachable("Temporary failure in name resolution")

    rc, text = run(lock, pip_audit=skipped, fetch=unreachable)
    assert rc == 0 and "COULD NOT CHECK any of them" in text and "name resolution" in text


def test_an_index_error_for_one_pin_leaves_it_not_checked(lock):
    skipped = pip_audit_says({audit.Pin("alpha", "1.0"): []})

    def fetch(name):
        raise urllib.error.HTTPError("u", 404, "Not Found", {}, None)

    rc, text = run(lock, pip_audit=skipped, fetch=fetch)
    assert rc == 0 and "NOT CHECKED (1)" in text and "beta 2.0: the index answered 404" in text


def test_pip_audit_failing_for_another_reason_fails_the_audit(lock):
    broken = pip_audit_says(error="ERROR:pip_audit._cli:invalid requirements input: x.lock")
    projects = {
        "alpha": {"info": {"version": "1.0"}, "vulnerabilities": []},
        "beta": {"info": {"version": "2.0"}, "vulnerabilities": []},
    }
    rc, text = run(lock, pip_audit=broken, fetch=projects.__getitem__)
    assert rc == 1 and "pip-audit failed: ERROR:pip_audit._cli:invalid requirements input" in text
