#!/usr/bin/env bash
# Set up (first time) and run the full test suite. Browser, PDF and proxy tests need Debian packages: they are
# installed when missing if this runs as root with apt-get; otherwise those tests skip with a note.
# Dependencies come from requirements-dev.lock in pip's hash-checking mode (every package pinned, every file's sha256
# checked). Before the tests, scripts/audit.py checks the locked set for known vulnerabilities (about 15 s): a finding
# not accepted in scripts/audit-ignore.toml fails the run (after the tests have run); offline it says it could not
# check and the run goes on. SKIP_AUDIT=1 leaves the audit out of a quick local run (CI never sets it).
# Then lint and types (settings in pyproject.toml): `ruff check .`, `ruff format --check .` and `mypy` (strict on
# indicators/domain): a finding fails the run too, after the tests have run. pytest lists the 25 slowest tests.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || "${PYTHON:-python3}" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "note: Debian packages ${missing[*]} are not installed (sudo apt-get install ${missing[*]}); their tests will skip" >&2
  fi
fi
audit=0
if [ "${SKIP_AUDIT:-0}" = 1 ]; then
  echo "note: SKIP_AUDIT=1, so the dependency audit did not run" >&2
else
  .venv/bin/python scripts/audit.py || audit=$?
fi
checks_failed=()
.venv/bin/ruff check . || checks_failed+=("ruff check .")
.venv/bin/ruff format --check . || checks_failed+=("ruff format --check . (.venv/bin/ruff format . rewrites the files)")
.venv/bin/mypy || checks_failed+=("mypy")
tests=0
.venv/bin/python -m pytest --durations=25 "$@" || tests=$?
for check in "${checks_failed[@]}"; do
  echo "FAILED: $check found problems (its report is above the tests)" >&2
done
if [ "$audit" -ne 0 ]; then
  echo "FAILED: the dependency audit before the tests found a problem (its report is above the tests)" >&2
  [ "$tests" -ne 0 ] || exit "$audit"
fi
[ "$tests" -ne 0 ] || [ ${#checks_failed[@]} -eq 0 ] || exit 1
exit "$tests"
