#!/usr/bin/env bash
# Set up (first time) and run the full test suite. Browser, PDF and proxy tests need Debian packages: they are
# installed when missing if this runs as root with apt-get; otherwise those tests skip with a note.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || "${PYTHON:-python3}" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
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
exec .venv/bin/python -m pytest "$@"
