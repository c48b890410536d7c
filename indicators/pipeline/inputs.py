"""Strict reading of the committed extracts (data/extracts/*.csv) and their plausibility checks, before any load.

Each extract is CSV as `indicators.pipeline.extracts` writes it: UTF-8, a header line, one record per line, every line
ending in a line break, a field quoted only as a whole ("a, b" with "" for a quote inside). Anything else is an
error: an empty file, a header with no rows, a blank line, a cut-off last row (no line break at the end), a wrong
number of fields, a stray or unclosed quote (which would swallow the rows after it), a line break or control
character inside a field. Then the declared checks (indicators/pipeline/spec.py): required columns non-blank and without
surrounding spaces, numbers finite (no inf, nan or 1e400) and within the range declared for their unit or column,
keys unique (observation keys across all obs_* files).

Every failure raises an InputError naming the file, the row (its line number in the file; the header is line 1) and
the column.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from indicators.data.paths import REPO_ROOT
from indicators.pipeline.spec import (
    NUMERIC_COLUMNS,
    OBSERVATION_COLUMNS,
    OBSERVATION_KEY,
    OPTIONAL_COLUMNS,
    SIGNED_INDICATORS,
    UNIT_RANGES,
    BuildError,
)

NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
FIELD = re.compile(r'"((?:[^"]|"")*)"|([^",]*)')  # one field: quoted as a whole, or plain (no quote, no comma)
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
NOT_FINITE = {"inf", "infinity", "nan"}


class InputError(BuildError):
    """A committed extract is malformed or implausible; the message names the file, row and column."""


def shown(path: Path) -> str:
    """The file as a reader would look for it: relative to the repository when inside it."""
    path = Path(path)
    return path.relative_to(REPO_ROOT).as_posix() if path.is_relative_to(REPO_ROOT) else str(path)


def where(path: Path, line: int | None = None, column: str | None = None) -> str:
    text = shown(path)
    if line is not None:
        text += f", row {line}"
    if column is not None:
        text += f", column {column}"
    return text


def literal(text: str, limit: int = 40) -> str:
    """A cell as quoted in a message (cut to `limit` characters)."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


@dataclass
class Table:
    """One extract as parsed: the header and its records (record i is on line i + 2)."""

    path: Path
    header: list[str]
    rows: list[list[str]]
    text: str  # the file as parsed (no byte-order mark, \n line ends)

    @property
    def name(self) -> str:
        return self.path.stem


def _column_name(header: list[str] | None, index: int) -> str:
    if header is None:
        return f"{index + 1} of the header"
    return header[index] if index < len(header) else f"{index + 1} (beyond the header)"


def split_line(path: Path, number: int, line: str, header: list[str] | None) -> list[str]:
    """The fields of one line with a quote in it; a quote that does not open and close a whole field is an error."""
    fields: list[str] = []
    position = 0
    while True:
        match = FIELD.match(line, position)
        quoted, plain = match.groups()
        fields.append(quoted.replace('""', '"') if quoted is not None else plain)
        position = match.end()
        if position == len(line):
            return fields
        if line[position] == ",":
            position += 1
            continue
        column = _column_name(header, len(fields) - 1)
        if line[position] == '"' and quoted is None and plain == "":
            problem = "a quote opens this field and is not closed on this line (it would swallow the rows after it)"
        else:
            problem = "stray quote (a quote may only open and close a whole field; inside one, write it twice)"
        raise InputError(f"{where(path, number, column)}: {problem}")


def _fields(path: Path, number: int, line: str, header: list[str] | None) -> list[str]:
    """The fields of one line (the quote-aware path only when the line has a quote)."""
    return line.split(",") if '"' not in line else split_line(path, number, line, header)


def read_table(path: Path) -> Table:
    """Parse one extract strictly (see the module docstring)."""
    data = Path(path).read_bytes()
    if not data.strip():
        raise InputError(f"{shown(path)}: empty file (no header and no rows)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(f"{where(path, line)}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    lines = text.removeprefix("\ufeff").split("\n")
    if lines[-1] != "":
        raise InputError(
            f"{where(path, len(lines))}: the last row is cut off (the file does not end with a line break)"
        )
    lines.pop()
    if all(line.endswith("\r") for line in lines):  # CRLF line ends (a Windows checkout)
        lines = [line[:-1] for line in lines]
    text = "\n".join(lines) + "\n"
    control = CONTROL.search(text.replace("\n", " "))
    if control:
        number = text.count("\n", 0, control.start()) + 1
        before = text[text.rfind("\n", 0, control.start()) + 1 : control.start()]
        header = lines[0].split(",") if number > 1 else None
        raise InputError(
            f"{where(path, number, _column_name(header, before.count(',')))}: control character "
            f"{control.group()!r} in a field (line breaks and other control characters are not allowed "
            "inside a field)"
        )
    header = _fields(path, 1, lines[0], None)
    for index, name in enumerate(header):
        if name.strip() == "" or name != name.strip():
            raise InputError(
                f"{where(path, 1, str(index + 1))}: header {literal(name)} is blank or has surrounding spaces"
            )
        if header.index(name) != index:
            raise InputError(f"{where(path, 1, name)}: column named twice in the header")
    if len(lines) == 1:
        raise InputError(f"{shown(path)}: no rows under the header")
    rows = [
        line.split(",") if '"' not in line else split_line(path, number, line, header)
        for number, line in enumerate(lines[1:], start=2)
    ]
    width = len(header)
    if any(len(fields) != width for fields in rows):
        offset = next(i for i, fields in enumerate(rows) if len(fields) != width)
        problem = "blank line" if lines[offset + 1] == "" else f"{len(rows[offset])} fields, the header has {width}"
        raise InputError(f"{where(path, offset + 2)}: {problem}")
    return Table(Path(path), header, rows, text)


def to_number(text: str) -> float:
    """A cell as a finite float; ValueError says why it is not one."""
    if not NUMBER.fullmatch(text):
        if text.strip().lstrip("+-").lower() in NOT_FINITE:
            raise ValueError(f"{literal(text)} is not a finite number")
        raise ValueError(f"{literal(text)} is not a number")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{literal(text)} is too large (it overflows to infinity)")
    return value


def _bounds(bounds: tuple[float | None, float | None]) -> str:
    low, high = bounds
    if high is None:
        return f"at least {low:g}"
    if low is None:
        return f"at most {high:g}"
    return f"{low:g} to {high:g}"


def _first(mask: pd.Series) -> int | None:
    """The position of the first True in a boolean Series, or None."""
    hits = mask.to_numpy().nonzero()[0]
    return int(hits[0]) if len(hits) else None


def _check_required(table: Table, frame: pd.DataFrame, columns: list[str]) -> None:
    """Required cells are not blank and have no surrounding spaces."""
    for column in columns:
        cells = frame[column]
        stripped = cells.str.strip()
        offset = _first((stripped == "") | (cells != stripped))
        if offset is not None:
            value = cells.iloc[offset]
            problem = "blank (a value is required)" if not value.strip() else f"{literal(value)} has surrounding spaces"
            raise InputError(f"{where(table.path, offset + 2, column)}: {problem}")


def _numbers(table: Table, cells: pd.Series, column: str) -> pd.Series:
    """A text column as finite floats (blank cells stay missing); the first bad cell is an error."""
    present = (cells != "").to_numpy(dtype=bool)
    bad = present & ~cells.str.fullmatch(NUMBER.pattern).to_numpy(dtype=bool, na_value=False)
    values = np.full(len(cells), np.nan)
    if not bad.any():
        values[present] = cells[present].astype("float64").to_numpy()
        bad = present & ~np.isfinite(values)  # 1e400 and the like overflow to infinity
    if bad.any():
        offset = int(bad.nonzero()[0][0])
        try:
            to_number(cells.iloc[offset])
        except ValueError as exc:
            raise InputError(f"{where(table.path, offset + 2, column)}: {exc}") from None
    return pd.Series(values, index=cells.index)


def _check_range(
    table: Table, frame: pd.DataFrame, values: pd.Series, column: str, low: pd.Series, high: pd.Series, label
) -> None:
    """Values within [low, high] (missing bounds are open); `label(offset)` describes the range broken."""
    offset = _first((values < low.fillna(-math.inf)) | (values > high.fillna(math.inf)))
    if offset is not None:
        raise InputError(
            f"{where(table.path, offset + 2, column)}: {frame[column].iloc[offset]} is outside {label(offset)}"
        )


def _check_unique(table: Table, frame: pd.DataFrame, key: tuple[str, ...]) -> None:
    duplicated = frame.duplicated(list(key), keep=False)
    offset = _first(duplicated)
    if offset is None:
        return
    values = tuple(frame[c].iloc[offset] for c in key)
    later = _first(
        duplicated
        & (frame[list(key)] == pd.Series(values, index=list(key))).all(axis=1)
        & (pd.RangeIndex(len(frame)) > offset)
    )
    shown_key = ", ".join(f"{c}={v!r}" for c, v in zip(key, values))
    raise InputError(
        f"{where(table.path, later + 2, ', '.join(key))}: duplicate key ({shown_key}), already on row {offset + 2}"
    )


def check_observations(table: Table) -> pd.DataFrame:
    """Check an obs_* extract (columns, required cells, finite values in their unit's range, unique keys) and
    return it as a frame of text columns with a float `value`."""
    if table.header != OBSERVATION_COLUMNS:
        raise InputError(f"{where(table.path, 1)}: columns must be {OBSERVATION_COLUMNS}, found {table.header}")
    frame = pd.DataFrame(table.rows, columns=table.header, dtype="str")
    _check_required(table, frame, OBSERVATION_COLUMNS)
    values = _numbers(table, frame["value"], "value")
    offset = _first(~frame["unit"].isin(list(UNIT_RANGES)))
    if offset is not None:
        raise InputError(
            f"{where(table.path, offset + 2, 'unit')}: unit {literal(frame['unit'].iloc[offset])} has "
            "no declared range (add it to UNIT_RANGES in indicators/pipeline/spec.py)"
        )
    signed = frame["indicator_id"].isin(list(SIGNED_INDICATORS))
    low = frame["unit"].map({u: b[0] for u, b in UNIT_RANGES.items()}).astype("float64").mask(signed)
    high = frame["unit"].map({u: b[1] for u, b in UNIT_RANGES.items()}).astype("float64").mask(signed)
    _check_range(
        table,
        frame,
        values,
        "value",
        low,
        high,
        lambda i: (
            f"the range for {frame['indicator_id'].iloc[i]} in {frame['unit'].iloc[i]!r} "
            f"({_bounds(UNIT_RANGES[frame['unit'].iloc[i]])})"
        ),
    )
    _check_unique(table, frame, OBSERVATION_KEY)
    frame["value"] = values
    return frame


def check_table(table: Table, key: tuple[str, ...]) -> pd.DataFrame:
    """Check any other extract (required cells, declared numeric columns, unique key) and return it as pandas reads
    it (types inferred, so numbers stay numbers)."""
    optional = OPTIONAL_COLUMNS.get(table.name, ())
    numbers = NUMERIC_COLUMNS.get(table.name, {})
    missing = [c for c in (*key, *optional, *numbers) if c not in table.header]
    if missing:
        raise InputError(f"{where(table.path, 1)}: declared columns {missing} are missing; found {table.header}")
    text = pd.DataFrame(table.rows, columns=table.header, dtype="str")
    _check_required(table, text, [c for c in table.header if c not in optional or c in key])
    for column, bounds in numbers.items():
        values = _numbers(table, text[column], column)
        _check_range(
            table,
            text,
            values,
            column,
            pd.Series(bounds[0], index=text.index, dtype="float64"),
            pd.Series(bounds[1], index=text.index, dtype="float64"),
            lambda i, b=bounds: f"its declared range ({_bounds(b)})",
        )
    if key:
        _check_unique(table, text, key)
    frame = pd.read_csv(io.StringIO(table.text), keep_default_na=False, na_values=[""])
    if len(frame) != len(table.rows) or list(frame.columns) != table.header:  # both parsers must agree
        raise InputError(
            f"{shown(table.path)}: read as {len(frame)} rows by pandas but {len(table.rows)} by the strict parser"
        )
    return frame


def _check_unique_across(tables: list[Table], frames: list[pd.DataFrame]) -> None:
    """Observation keys are unique across all obs_* files (each file is already unique within itself)."""
    keys = pd.concat([f[list(OBSERVATION_KEY)] for f in frames], ignore_index=True)
    duplicated = keys.duplicated(keep="first")
    offset = _first(duplicated)
    if offset is None:
        return
    starts = [0]
    for frame in frames:
        starts.append(starts[-1] + len(frame))

    def locate(position: int) -> tuple[Table, int]:
        index = max(i for i, start in enumerate(starts[:-1]) if start <= position)
        return tables[index], position - starts[index] + 2

    values = tuple(keys.iloc[offset])
    first = _first((keys == pd.Series(values, index=list(OBSERVATION_KEY))).all(axis=1))
    later_table, later_line = locate(offset)
    first_table, first_line = locate(first)
    shown_key = ", ".join(f"{c}={v!r}" for c, v in zip(OBSERVATION_KEY, values))
    raise InputError(
        f"{where(later_table.path, later_line, ', '.join(OBSERVATION_KEY))}: duplicate key "
        f"({shown_key}), already in {where(first_table.path, first_line)}"
    )


def load_extracts(
    paths: list[Path], keys: dict[str, tuple[str, ...]], log=print
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Every extract read and checked: the non-observation tables by name, and all observations in one frame."""
    tables: dict[str, pd.DataFrame] = {}
    observed: list[Table] = []
    observations: list[pd.DataFrame] = []
    for number, path in enumerate(paths, start=1):
        log(f"[{number}/{len(paths)}] {path.name}")
        table = read_table(path)
        if path.stem.startswith("obs_"):
            observed.append(table)
            observations.append(check_observations(table))
        else:
            tables[path.stem] = check_table(table, keys.get(path.stem, ()))
    if not observations:
        raise InputError(f"{shown(paths[0].parent)}: no observation extracts (obs_*.csv)")
    _check_unique_across(observed, observations)
    return tables, pd.concat(observations, ignore_index=True)
