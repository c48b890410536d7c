"""Load: committed tidy extracts -> data/warehouse.duckdb, atomically, with checks on every build.

The catalogue and provenance tables come from the extract modules' declarations, so a fresh clone
builds the warehouse from what is in the repository alone.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

from indicators.build import extract as extract_package
from indicators.build import marts
from indicators.build.checks import run_checks
from indicators.build.spec import OBSERVATION_COLUMNS, OBSERVATION_KEY, Indicator, Source
from indicators.paths import EXTRACTS_DIR, REPO_ROOT, WAREHOUSE_PATH

BUILD_CODE_DIR = REPO_ROOT / "indicators" / "build"


class BuildError(RuntimeError):
    """The warehouse could not be built; the message names the file and row at fault."""


def fingerprint(extracts_dir: Path = EXTRACTS_DIR) -> str:
    """Hash of the extracts and the build code: a warehouse with another fingerprint is stale."""
    digest = hashlib.sha256()
    files = sorted(extracts_dir.glob("*.csv")) + sorted(BUILD_CODE_DIR.rglob("*.py"))
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def declarations() -> tuple[list[Source], list[Indicator], dict[str, tuple[str, ...]]]:
    """Sources, catalogue entries and table keys declared by every extract module."""
    sources, indicators, keys = [], [], {}
    for module in extract_package.modules():
        sources += module.SOURCES
        indicators += module.INDICATORS
        keys.update(getattr(module, "TABLES", {}))
    return sources, indicators, keys


def read_extract(path: Path) -> pd.DataFrame:
    """Read one committed extract; observation values must be numbers (errors name the file and row)."""
    # observations are read as text and validated below; other tables get inferred types (numbers stay numbers)
    dtype = str if path.stem.startswith("obs_") else None
    try:
        frame = pd.read_csv(path, dtype=dtype, keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise BuildError(f"{path}: unreadable CSV: {exc}") from exc
    if path.stem.startswith("obs_"):
        if list(frame.columns) != OBSERVATION_COLUMNS:
            raise BuildError(f"{path}: columns must be {OBSERVATION_COLUMNS}, found {list(frame.columns)}")
        values = pd.to_numeric(frame["value"], errors="coerce")
        bad = values.isna()
        if bad.any():
            row = int(bad.idxmax()) + 2  # 1-based, after the header line
            raise BuildError(f"{path}, row {row}: value {frame['value'][bad.idxmax()]!r} is not a number")
        frame["value"] = values.astype("float64")
    return frame


def _create_table(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame, key: tuple[str, ...]) -> None:
    """Create a table with a primary key from a DataFrame (identifiers come from the module declarations)."""
    con.register("incoming", frame)
    con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM incoming')
    con.unregister("incoming")
    if key:
        columns = ", ".join(f'"{c}"' for c in key)
        try:
            con.execute(f'ALTER TABLE "{name}" ADD PRIMARY KEY ({columns})')
        except duckdb.Error as exc:
            raise BuildError(f"table {name}: key ({', '.join(key)}) is not unique or has nulls: {exc}") from exc


def build_warehouse(extracts_dir: Path = EXTRACTS_DIR, out_path: Path = WAREHOUSE_PATH, log=print) -> Path:
    """Build the warehouse into a temporary file, check it, then swap it into place."""
    started = time.perf_counter()
    csv_paths = sorted(extracts_dir.glob("*.csv"))
    if not csv_paths:
        raise BuildError(f"{extracts_dir}: no extracts found")
    sources, indicators, keys = declarations()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp_path = out_path.with_name(f"{out_path.name}.{os.getpid()}.tmp")
    tmp_path.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp_path))
    try:
        observations = []
        for number, path in enumerate(csv_paths, start=1):
            log(f"[{number}/{len(csv_paths)}] {path.name}")
            frame = read_extract(path)
            if path.stem.startswith("obs_"):
                observations.append(frame)
            else:
                _create_table(con, path.stem, frame, keys.get(path.stem, ()))
        _create_table(con, "observations", pd.concat(observations, ignore_index=True), OBSERVATION_KEY)
        _create_table(con, "catalog", pd.DataFrame([vars(i) for i in indicators], columns=Indicator.columns()), ("indicator_id",))
        _create_table(con, "sources", pd.DataFrame([vars(s) for s in sources], columns=Source.columns()), ("source_id",))
        marts.build_all(con, log=log)
        failures = run_checks(con) + marts.check_all(con)
        if failures:
            raise BuildError("warehouse checks failed:\n  " + "\n  ".join(failures))
        built_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        con.execute("CREATE TABLE build_info AS SELECT ? AS fingerprint, ? AS built_at", [fingerprint(extracts_dir), built_at])
        con.execute("CHECKPOINT")
        con.close()
        os.replace(tmp_path, out_path)
    except BaseException:
        con.close()
        tmp_path.unlink(missing_ok=True)
        Path(f"{tmp_path}.wal").unlink(missing_ok=True)
        raise
    log(f"built {out_path} ({out_path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s")
    return out_path


def stored_fingerprint(path: Path) -> str | None:
    """The fingerprint a built warehouse records, or None if it is missing or unreadable."""
    if not path.exists():
        return None
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            return con.execute("SELECT fingerprint FROM build_info").fetchone()[0]
    except duckdb.Error:
        return None


def ensure_warehouse(
    path: Path = WAREHOUSE_PATH, extracts_dir: Path = EXTRACTS_DIR, log=lambda message: print(message, file=sys.stderr)
) -> bool:
    """Build the warehouse if it is missing or stale; returns True when a build ran."""
    if stored_fingerprint(path) == fingerprint(extracts_dir):
        return False
    log(f"building {path} from {extracts_dir} ...")
    build_warehouse(extracts_dir, path, log=log)
    return True


def main() -> int:
    try:
        build_warehouse()
    except BuildError as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
