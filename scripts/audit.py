#!/usr/bin/env python3
"""Audit the locked dependency set for known vulnerabilities.

    python3 scripts/audit.py [LOCK ...]        (default: requirements.lock and requirements-dev.lock)

What it checks is the pinned set itself: every `name==version` in the lock files (all platforms' entries), not
whatever happens to be installed. Two sources, both PyPI's advisory data (the PyPA advisory database and GitHub
advisories, as OSV records):

1. pip-audit (pinned in requirements-dev.lock), which asks PyPI for the advisories of each exact pinned version;
2. for a pin pip-audit could not get an answer for (some PyPI mirrors do not serve the per-version JSON API, and then
   pip-audit skips the package yet still prints "No known vulnerabilities found"), the project's own JSON, whose
   advisories are those of its latest release: that checks the pin only when it *is* the latest release.

Whatever neither source could check is listed by name as NOT CHECKED; when the index cannot be reached at all the
audit says plainly that it could not check anything. Neither of those fails the audit: only a finding does.

A finding fails the audit (exit status 1) unless `scripts/audit-ignore.toml` accepts it with a reason and a review
date; an accepted finding is still printed, and an entry past its review date, or missing a field, fails the audit
until someone reviews it.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime as dt
import json
import re
import subprocess
import sys
import tempfile
import tomllib
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LOCKS = (ROOT / "requirements.lock", ROOT / "requirements-dev.lock")
IGNORE_FILE = Path(__file__).resolve().parent / "audit-ignore.toml"
TIMEOUT_S = 15

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?\s*$")
NETWORK_ERROR = re.compile(
    r"ConnectionError|ConnectTimeout|ReadTimeout|ProxyError|SSLError|NameResolution|Max retries exceeded"
    r"|Could not connect|name resolution|Failed to resolve|getaddrinfo|Name or service not known|Network is unreachable"
    r"|timed out",
    re.IGNORECASE,
)


def shorten(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def first_line(text: str | None) -> str:
    lines = (text or "").strip().splitlines()
    return shorten(lines[0]) if lines else ""


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclasses.dataclass(frozen=True)
class Pin:
    name: str
    version: str


@dataclasses.dataclass
class Vuln:
    id: str
    aliases: tuple[str, ...]
    fixed_in: tuple[str, ...]
    summary: str

    @property
    def ids(self) -> set[str]:
        return {self.id, *self.aliases}


class Unreachable(Exception):
    """The index could not be reached at all (as opposed to: it answered without data)."""


def read_pins(lock: Path) -> list[Pin]:
    """Every `name==version` requirement line of a lock file (continuation and comment lines skipped)."""
    pins = []
    for line in lock.read_text(encoding="utf-8").splitlines():
        m = PIN.match(line)
        if m:
            pins.append(Pin(canonical(m[1]), m[2]))
    return pins


def load_ignores(path: Path, today: dt.date) -> tuple[list[dict], list[str]]:
    """The accepted findings, and what is wrong with the file (a missing field, a review date passed)."""
    if not path.exists():
        return [], []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        return [], [f"{path.name} is not valid TOML: {e}"]
    entries, problems = [], []
    for i, entry in enumerate(data.get("ignore", []), 1):
        label = f"{path.name} entry {i} ({entry.get('package', '?')} {entry.get('id', '?')})"
        missing = [k for k in ("package", "id", "reason", "review_by") if not entry.get(k)]
        if missing:
            problems.append(f"{label} lacks {', '.join(missing)}")
            continue
        if not isinstance(entry["review_by"], dt.date) or isinstance(entry["review_by"], dt.datetime):
            problems.append(f"{label}: review_by must be a date such as 2027-01-31")
            continue
        if entry["review_by"] < today:
            problems.append(
                f"{label} was due for review on {entry['review_by']:%Y-%m-%d}: fix, or re-justify and "
                "set a new review date"
            )
            continue
        entries.append({**entry, "package": canonical(entry["package"])})
    return entries, problems


def run_pip_audit(locks: Iterable[Path]) -> tuple[dict[Pin, list[Vuln]], dict[Pin, str], str | None]:
    """Run pip-audit on the lock files: (answered pins with their advisories, skipped pins with the reason, error)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "audit.json"
        cmd = [
            sys.executable,
            "-m",
            "pip_audit",
            "--progress-spinner",
            "off",
            "--format",
            "json",
            "--output",
            str(out),
            "--require-hashes",
            "--disable-pip",
            "--timeout",
            str(TIMEOUT_S),
        ]
        for lock in locks:
            cmd += ["-r", str(Path(lock).resolve())]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=ROOT)
        except subprocess.TimeoutExpired:
            return {}, {}, "pip-audit timed out after 300 s"
        if not out.exists():
            lines = [ln.strip() for ln in (proc.stderr or proc.stdout).splitlines() if ln.strip()]
            return {}, {}, shorten(lines[-1]) if lines else f"pip-audit exited with status {proc.returncode}"
        report = json.loads(out.read_text(encoding="utf-8"))
    answered, skipped = {}, {}
    for dep in report.get("dependencies", []):
        pin = Pin(canonical(dep["name"]), dep.get("version", ""))
        if "skip_reason" in dep:
            skipped[pin] = dep["skip_reason"]
            continue
        answered[pin] = [
            Vuln(
                v["id"],
                tuple(v.get("aliases") or ()),
                tuple(v.get("fix_versions") or ()),
                first_line(v.get("description")),
            )
            for v in dep.get("vulns", [])
        ]
    return answered, skipped, None


def project_json_url(name: str) -> str:
    """The JSON API address of a project on the package index pip itself uses by default."""
    from pip._internal.models.index import PyPI  # pip's own record of the index; keeps its address out of this file

    return f"{PyPI.pypi_url}/{name}/json"


def fetch_project(name: str) -> dict:
    """The project's JSON from the index; Unreachable if the network (not the index) failed."""
    try:
        with urllib.request.urlopen(project_json_url(name), timeout=TIMEOUT_S) as response:
            return json.load(response)
    except urllib.error.HTTPError:
        raise
    except (urllib.error.URLError, OSError) as e:
        raise Unreachable(str(getattr(e, "reason", e))) from e


def latest_release_check(pin: Pin, fetch: Callable[[str], dict]) -> tuple[list[Vuln] | None, str]:
    """Advisories for the pin from its project's latest-release data: (vulns, "") or (None, why not checked)."""
    try:
        data = fetch(pin.name)
    except urllib.error.HTTPError as e:
        return None, f"the index answered {e.code}"
    latest = data.get("info", {}).get("version")
    if latest != pin.version:
        return None, f"not the latest release ({latest}), and no advisory data for the exact version"
    vulns = [
        Vuln(
            v["id"],
            tuple(v.get("aliases") or ()),
            tuple(v.get("fixed_in") or ()),
            first_line(v.get("summary") or v.get("details")),
        )
        for v in data.get("vulnerabilities") or []
        if not v.get("withdrawn")
    ]
    return vulns, ""


def merge_aliases(vulns: list[Vuln]) -> list[Vuln]:
    """One entry per advisory: PYSEC-… and GHSA-… records naming each other are the same finding."""
    kept: list[Vuln] = []
    for v in vulns:
        same = next((k for k in kept if k.ids & v.ids), None)
        if same is None:
            kept.append(Vuln(v.id, v.aliases, v.fixed_in, v.summary))
        else:
            same.aliases = tuple(sorted((same.ids | v.ids) - {same.id}))
    return kept


def audit(
    locks: list[Path],
    ignore_file: Path = IGNORE_FILE,
    today: dt.date | None = None,
    pip_audit: Callable = run_pip_audit,
    fetch: Callable[[str], dict] = fetch_project,
    out: Callable[[str], None] = print,
) -> int:
    today = today or dt.date.today()
    pins = sorted({p for lock in locks for p in read_pins(lock)}, key=lambda p: (p.name, p.version))
    names = " + ".join(lock.name for lock in locks)
    ignores, problems = load_ignores(ignore_file, today)

    answered, skipped, error = pip_audit(locks)
    findings: dict[Pin, list[Vuln]] = {p: answered[p] for p in pins if p in answered}
    by_exact = len(findings)
    unchecked: dict[Pin, str] = {}
    unreachable = error if error and NETWORK_ERROR.search(error) else None
    if error and not unreachable:
        problems.append(f"pip-audit failed: {error}")

    rest = [p for p in pins if p not in findings]
    if rest and not unreachable:

        def check(pin: Pin):
            try:
                return pin, *latest_release_check(pin, fetch)
            except Unreachable as e:
                return pin, None, f"unreachable: {e}"
            except Exception as e:  # a malformed answer, or no pip to name the index: this pin stays unchecked
                return pin, None, f"no usable answer ({type(e).__name__}: {e})"

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            results = list(pool.map(check, rest))
        if results and all(why.startswith("unreachable") for _, _, why in results):
            unreachable = results[0][2].removeprefix("unreachable: ")
        for pin, vulns, why in results:
            if vulns is None:
                unchecked[pin] = why
            else:
                findings[pin] = vulns
    if unreachable:
        unchecked = {p: "the index could not be reached" for p in rest}
    by_latest = len(findings) - by_exact

    out(f"Dependency audit of {names}: {len(pins)} pinned packages")
    if unreachable and not findings:
        out(f"  COULD NOT CHECK any of them: the package index could not be reached ({unreachable}).")
        out("  Nothing was audited, which is not a pass: run `.venv/bin/python scripts/audit.py` again when online.")
    else:
        how = f"{by_exact} by exact version (pip-audit)"
        if by_latest:
            how += f", {by_latest} as the latest release of their project"
        if skipped and not by_exact:
            how += (
                f"; pip-audit got no answer for any exact version ({len(skipped)} skipped: the index does not "
                "serve per-version data)"
            )
        out(f"  checked {len(findings)} of {len(pins)} against PyPI's advisories: {how}")
        if unchecked:
            out(f"  NOT CHECKED ({len(unchecked)}), so unknown rather than clean:")
            for pin, why in sorted(unchecked.items(), key=lambda kv: kv[0].name):
                out(f"    {pin.name} {pin.version}: {why}")

    failed = []
    matched = set()
    for pin, vulns in sorted(findings.items(), key=lambda kv: kv[0].name):
        for v in merge_aliases(vulns):
            accepted = next((e for e in ignores if e["package"] == pin.name and e["id"] in v.ids), None)
            fix = f"fixed in {', '.join(v.fixed_in)}" if v.fixed_in else "no fixed release"
            also = f" ({', '.join(sorted(v.aliases))})" if v.aliases else ""
            line = f"{pin.name} {pin.version}: {v.id}{also}, {fix}" + (f": {v.summary}" if v.summary else "")
            if accepted:
                matched.add(id(accepted))
                out(
                    f"  accepted until {accepted['review_by']:%Y-%m-%d} ({ignore_file.name}): {line}; "
                    f"reason: {accepted['reason']}"
                )
            else:
                failed.append(line)
    checked_names = {p.name for p in findings}
    for e in ignores:
        if id(e) not in matched and e["package"] in checked_names:
            out(f"  note: {ignore_file.name} accepts {e['package']} {e['id']}, which no longer applies: remove it")

    for line in failed:
        out(f"  VULNERABLE: {line}")
    for problem in problems:
        out(f"  ERROR: {problem}")
    if failed or problems:
        out(
            f"Dependency audit FAILED: {len(failed)} finding(s) not accepted in {ignore_file.name}, "
            f"{len(problems)} other problem(s). Upgrade the pin (then `bash scripts/lock.sh`) or accept the finding "
            f"in scripts/{ignore_file.name} with a reason and a review date."
        )
        return 1
    if findings:
        out(
            "  no known vulnerabilities in the packages checked"
            if not any(findings.values())
            else "  no finding that is not accepted"
        )
    return 0


def main(argv: list[str]) -> int:
    locks = [Path(a) for a in argv] or list(DEFAULT_LOCKS)
    return audit(locks)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
