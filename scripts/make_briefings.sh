#!/usr/bin/env bash
# Briefing packs for all ten Core Cities: bash scripts/make_briefings.sh [OUT_DIR] [pptx|pdf]  (default: briefings/ pptx)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-briefings}"; fmt="${2:-pptx}"
mkdir -p "$out"
.venv/bin/python - "$out" "$fmt" <<'PY'
import sys
from indicators import briefing, geography
out, fmt = sys.argv[1], sys.argv[2]
for code in geography.core_cities()["lad_code"]:
    path = f"{out}/{briefing.filename(code, fmt)}"
    with open(path, "wb") as handle:
        handle.write(briefing.build_pack(code, fmt=fmt))
    print("wrote", path)
PY
