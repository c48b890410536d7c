"""Load: committed tidy extracts -> a checked, versioned warehouse, switched in atomically
(indicators/data/versions.py).

The catalogue and provenance tables come from the extract modules' declarations, so a fresh clone
builds the warehouse from what is in the repository alone. The extracts are read strictly and checked for
plausibility first (build/inputs.py), so a malformed extract fails fast, naming its file, row and column, and leaves
the warehouse being served untouched.
"""

from __future__ import annotations

import sys
import time
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from indicators.data import versions
from indicators.data.paths import EXTRACTS_DIR, WAREHOUSE_POINTER
from indicators.data.versions import Version, WarehouseUnavailable, fingerprint
from indicators.pipeline import extract as extract_package
from indicators.pipeline import marts
from indicators.pipeline.checks import run_checks
from indicators.pipeline.inputs import load_extracts
from indicators.pipeline.spec import OBSERVATION_KEY, BuildError, Indicator, Source

__all__ = [
    "BuildError",
    "WarehouseUnavailable",
    "build_warehouse",
    "ensure_warehouse",
    "fingerprint",
    "serving_warehouse",
]


def declarations() -> tuple[list[Source], list[Indicator], dict[str, tuple[str, ...]]]:
    """Sources, catalogue entries and table keys declared by every extract module."""
    sources, indicators, keys = [], [], {}
    for module in extract_package.modules():
        sources += module.SOURCES
        indicators += module.INDICATORS
        keys.update(getattr(module, "TABLES", {}))
    return sources, indicators, keys


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


def build_warehouse(extracts_dir: Path = EXTRACTS_DIR, pointer: Path = WAREHOUSE_POINTER, log=print) -> Path:
    """Build the warehouse into a temporary file, check it, then publish it (the pointer switches to it).

    Returns the path of the new build. Any failure leaves the pointer, and the build it names, untouched.
    """
    started = time.perf_counter()
    extracts_dir, pointer = Path(extracts_dir), Path(pointer)
    csv_paths = sorted(extracts_dir.glob("*.csv"))
    if not csv_paths:
        raise BuildError(f"{extracts_dir}: no extracts found")
    inputs = fingerprint(extracts_dir)  # before reading: if the extracts change meanwhile, the next start rebuilds
    extracts_digest = versions.extracts_sha256(extracts_dir)
    sources, indicators, keys = declarations()
    tables, observations = load_extracts(csv_paths, keys, log=log)
    pointer.parent.mkdir(parents=True, exist_ok=True)
    tmp_path = versions.temp_path(pointer.parent)
    tmp_path.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp_path))
    try:
        for name, frame in tables.items():
            _create_table(con, name, frame, keys.get(name, ()))
        _create_table(con, "observations", observations, OBSERVATION_KEY)
        _create_table(
            con, "catalog", pd.DataFrame([vars(i) for i in indicators], columns=Indicator.columns()), ("indicator_id",)
        )
        _create_table(
            con, "sources", pd.DataFrame([vars(s) for s in sources], columns=Source.columns()), ("source_id",)
        )
        marts.build_all(con, log=log)
        failures = run_checks(con) + marts.check_all(con)
        if failures:
            raise BuildError("warehouse checks failed:\n  " + "\n  ".join(failures))
        built_at = datetime.now(UTC).isoformat(timespec="seconds")
        con.execute(
            "CREATE TABLE build_info AS "
            "SELECT ? AS fingerprint, ? AS built_at, ? AS extracts_sha256, ? AS data_version",
            [inputs, built_at, extracts_digest, versions.data_version(built_at, extracts_digest)],
        )
        con.execute("CHECKPOINT")
        con.close()
        version = versions.publish(pointer, tmp_path, inputs, built_at, releases=len(sources))
    except BaseException:
        con.close()
        tmp_path.unlink(missing_ok=True)
        Path(f"{tmp_path}.wal").unlink(missing_ok=True)
        raise
    path = pointer.parent / version.file
    seconds = time.perf_counter() - started
    log(f"built {path} ({version.size / 1e6:.1f} MB, sha256 {version.sha256[:16]}) in {seconds:.1f} s")
    return path


def ensure_warehouse(
    pointer: Path = WAREHOUSE_POINTER,
    extracts_dir: Path = EXTRACTS_DIR,
    log=lambda message: print(message, file=sys.stderr),
) -> bool:
    """Build the warehouse unless the pointer names a good build of the current inputs; True when a build ran."""
    pointer = Path(pointer)
    try:
        recorded = versions.read_pointer(pointer)
    except WarehouseUnavailable:
        recorded = None
    current = recorded.current if recorded else None
    if (
        current
        and current.fingerprint == fingerprint(extracts_dir)
        and versions.verify(pointer.parent, current) is None
    ):
        return False
    log(f"building the warehouse from {extracts_dir} ...")
    build_warehouse(extracts_dir, pointer, log=log)
    return True


# ---- which build a serving process opens


@dataclass(frozen=True)
class Serving:
    """The build a process serves, and what visitors should be told about it (None: nothing, it is current)."""

    path: Path
    version: Version
    notice: str | None = None


def one_line(problem: BaseException | str, limit: int = 400) -> str:
    """A failure as one line of plain text (a multi-line check report joined), cut to `limit` characters."""
    text = " ".join(str(problem).split()) or type(problem).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _build_once(
    pointer: Path, extracts_dir: Path, inputs: str, failed: dict[str, str], log
) -> tuple[Path | None, str | None]:
    """Build for these inputs unless a build of them already failed in this process: (new build, None) or
    (None, why it failed). A failure is remembered in `failed`, so requests never retry it."""
    if inputs in failed:
        return None, failed[inputs]
    log(f"building the warehouse from {extracts_dir} ...")
    try:
        return build_warehouse(extracts_dir, pointer, log=log), None
    except Exception as exc:  # noqa: BLE001 - any failure (a bad extract, a read-only disk, a bug) is remembered
        if not isinstance(exc, (BuildError, OSError, duckdb.Error)):
            log("".join(traceback.format_exception(exc)))
        failed[inputs] = one_line(exc)
        log(f"build failed (not retried in this process): {failed[inputs]}")
        return None, failed[inputs]


def serving_warehouse(
    pointer: Path = WAREHOUSE_POINTER,
    extracts_dir: Path = EXTRACTS_DIR,
    failed: dict[str, str] | None = None,
    log=lambda message: print(message, file=sys.stderr),
) -> Serving:
    """Choose the build a serving process opens, building at most once per set of inputs.

    - The current build verifies (size and SHA-256) and matches the inputs: serve it.
    - It verifies but the extracts or build code have changed: build once; if that fails, serve the current build
      (the last good data) with a notice naming the problem.
    - It fails its checksum or is missing: serve the previous build if that verifies, with a notice (the process does
      not rebuild over a corrupt file: `check` fails, so the deployment notices; run `python -m indicators build`).
    - No good build at all: build once; if that fails, raise WarehouseUnavailable naming both problems.
    """
    pointer, failed = Path(pointer), {} if failed is None else failed
    home = pointer.parent
    inputs = fingerprint(extracts_dir)
    try:
        recorded = versions.read_pointer(pointer)
        why = "no warehouse has been built yet" if recorded is None or recorded.current is None else None
    except WarehouseUnavailable as exc:
        recorded, why = None, str(exc)
    current = recorded.current if recorded else None
    previous = recorded.previous if recorded else None
    current_problem = versions.verify(home, current) if current else None
    if current and current_problem is None:
        if current.fingerprint == inputs:
            return Serving(home / current.file, current)
        built, problem = _build_once(pointer, extracts_dir, inputs, failed, log)
        if built:
            return _published(pointer, built)
        return Serving(
            home / current.file,
            current,
            f"Showing the last good data (built {current.built_at}): the warehouse could not be rebuilt "
            f"from the changed extracts. {problem}",
        )
    if current:
        why = f"the current warehouse {current.file} {current_problem}"
        if previous and versions.verify(home, previous) is None:
            log(f"{why}; serving the previous build {previous.file}")
            return Serving(
                home / previous.file,
                previous,
                f"Showing the previous good data (built {previous.built_at}): {why}. Rebuild it with "
                "python -m indicators build.",
            )
    built, problem = _build_once(pointer, extracts_dir, inputs, failed, log)
    if built:
        return _published(pointer, built)
    raise WarehouseUnavailable(f"The indicator data cannot be shown: {why}, and building it failed. {problem}")


def _published(pointer: Path, built: Path) -> Serving:
    """The new build as the pointer records it (another process may have published after it: then it is previous)."""
    recorded = versions.read_pointer(pointer)
    named = [v for v in (recorded.current, recorded.previous) if v and v.file == built.name] if recorded else []
    if not named:
        raise WarehouseUnavailable(f"the new build {built.name} was replaced by other builds before it could be served")
    return Serving(built, named[0])


def main() -> int:
    try:
        build_warehouse()
    except BuildError as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
