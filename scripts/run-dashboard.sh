#!/usr/bin/env bash
# Set up (first time) and launch the dashboard on the embedded DuckDB warehouse, which it builds on first start.
# Dependencies come from requirements.lock in pip's hash-checking mode: every package pinned, every file's sha256 checked.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || "${PYTHON:-python3}" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
exec .venv/bin/python -m streamlit run app.py "$@"
