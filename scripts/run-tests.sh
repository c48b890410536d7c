#!/usr/bin/env bash
# Set up (first time) and run the full test suite, browser tests included (Debian chromium is installed when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || "${PYTHON:-python3}" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "note: Debian chromium is not installed (sudo apt-get install chromium); browser tests will be skipped" >&2
  fi
fi
exec .venv/bin/python -m pytest "$@"
