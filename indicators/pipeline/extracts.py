"""Run the extract modules and write the committed tidy extracts (data/extracts/*.csv)."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from indicators.data.paths import DATA_DIR, EXTRACTS_DIR, RAW_DIR
from indicators.pipeline import extract as extract_package
from indicators.pipeline.spec import OBSERVATION_COLUMNS, OBSERVATION_KEY, ExtractError


def table_keys() -> dict[str, tuple[str, ...]]:
    """Every extract's key columns, from the module declarations."""
    keys = {}
    for module in extract_package.modules():
        keys.update(getattr(module, "TABLES", {}))
    return keys


def validate_extract(name: str, frame: pd.DataFrame, key: tuple[str, ...]) -> None:
    """Schema and key checks applied before anything is written."""
    if name.startswith("obs_"):
        if list(frame.columns) != OBSERVATION_COLUMNS:
            raise ExtractError(name, f"observation columns must be {OBSERVATION_COLUMNS}, got {list(frame.columns)}")
        key = OBSERVATION_KEY
        if frame["value"].isna().any():
            raise ExtractError(name, "null values in an observation extract")
    duplicated = frame.duplicated(list(key), keep=False)
    if duplicated.any():
        raise ExtractError(
            name, f"duplicate keys {list(key)}: {frame.loc[duplicated, list(key)].head(3).to_dict('records')}"
        )


def run_extract(
    raw_dir: Path = RAW_DIR, out_dir: Path = EXTRACTS_DIR, only: str | None = None, log=print
) -> list[Path]:
    """Extract every module (or one) from the raw official files into CSVs; returns the files written."""
    if not raw_dir.is_dir():
        raise ExtractError(raw_dir, "raw official files not found (set CORE_CITIES_RAW_DIR)")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for module in extract_package.modules(only):
        short = module.__name__.rsplit(".", 1)[-1]
        log(f"extract {short} ...")
        frames = module.extract(raw_dir)
        keys = getattr(module, "TABLES", {})
        for name, frame in frames.items():
            validate_extract(name, frame, keys.get(name, ()))
            sort_cols = list(OBSERVATION_KEY) if name.startswith("obs_") else list(keys.get(name, frame.columns[:1]))
            frame = frame.sort_values(sort_cols, kind="stable").reset_index(drop=True)
            path = out_dir / f"{name}.csv"
            frame.to_csv(path, index=False, lineterminator="\n")
            written.append(path)
            shown = path.relative_to(out_dir.parent.parent) if out_dir.is_relative_to(DATA_DIR.parent) else path
            log(f"  wrote {shown} ({len(frame):,} rows)")
        if hasattr(module, "write_files"):
            for path in module.write_files(raw_dir, DATA_DIR if out_dir == EXTRACTS_DIR else out_dir.parent):
                written.append(path)
                log(f"  wrote {path}")
    return written


def main(argv: list[str]) -> int:
    only = argv[0] if argv else None
    try:
        run_extract(only=only)
    except (ExtractError, ValueError) as exc:
        print(f"extract failed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
