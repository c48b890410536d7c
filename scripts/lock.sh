#!/usr/bin/env bash
# Regenerate requirements.lock (from requirements.txt) and requirements-dev.lock (from requirements-dev.txt, constrained
# by requirements.lock so the two agree): every distribution pinned to one version, with the sha256 of every file the
# index has for that version, so `pip install --require-hashes` works on any platform with Python 3.11 or newer.
# Versions already in the locks are kept unless a top-level pin needs otherwise; extra arguments go to the resolver,
# e.g. `bash scripts/lock.sh --upgrade` (newest releases the pins allow) or `--upgrade-package NAME`.
# The resolver (uv) is installed into a throwaway virtual environment, not into .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VERSION=0.13.9
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"${PYTHON:-python3}" -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"
compile() {
  "$tmp/venv/bin/uv" pip compile --quiet --generate-hashes --universal --fork-strategy fewest --python-version 3.11 \
    --custom-compile-command "bash scripts/lock.sh" "$@"
}
compile "$@" requirements.txt -o requirements.lock
compile "$@" requirements-dev.txt -c requirements.lock -o requirements-dev.lock
echo "wrote requirements.lock ($(grep -c '^[A-Za-z0-9]' requirements.lock) pins) and requirements-dev.lock ($(grep -c '^[A-Za-z0-9]' requirements-dev.lock) pins)"
