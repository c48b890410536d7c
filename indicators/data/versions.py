"""Versioned warehouse files and the pointer that names the one to serve (standard library only: `check` imports it).

Layout, in the pointer's folder (`data/warehouses/` by default; see indicators/data/paths.py):
    current.json                     the pointer: {"current": {...}, "previous": {...} or null}
    <16 hex digits>.duckdb           one checked build each, named by the start of its SHA-256, never changed after
    .build-<pid>-<thread>.tmp        a build in progress (never named by the pointer)
A build is written to its temporary file, checked, hashed, renamed to its content-hash name, and only then named by
the pointer, which is itself replaced with one os.replace: a reader sees the old pointer or the new one, never a
half-written warehouse. Each pointer entry records the file's SHA-256 and size; a process verifies them when it opens
the file (and so does `python -m indicators check`), so a file changed after its build is caught by its content,
not by a stamp inside it. Only the current build and the previous good one are kept.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import hashlib
import json
import os
import re
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

from indicators.data.paths import EXTRACTS_DIR, REPO_ROOT

# The code a build's contents depend on: the pipeline and the domain rules its marts apply (a test checks that the
# pipeline imports nothing else of `indicators` but paths and this module, which decide where, not what, it writes).
BUILD_CODE_DIRS = (REPO_ROOT / "indicators" / "pipeline", REPO_ROOT / "indicators" / "domain")
VERSION_NAME = re.compile(r"[0-9a-f]{16}\.duckdb")
TEMP_NAME = re.compile(r"\.build-(\d+)-\d+\.tmp(\.wal)?")
# A data version: the build date (UTC), a dot, the first 12 hex of the extracts' SHA-256 (2026-12-02.1a2b3c4d5e6f).
DATA_VERSION = re.compile(r"(\d{4}-\d{2}-\d{2})\.([0-9a-f]{12})")


class WarehouseUnavailable(RuntimeError):
    """No checked warehouse can be served or checked; the message says why in one line (shown to visitors)."""


def _files_digest(files: list[Path]) -> str:
    """SHA-256 over each file's name and bytes, in the order given."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprint(extracts_dir: Path = EXTRACTS_DIR) -> str:
    """Hash of the extracts and the build code: a warehouse built from another fingerprint is stale."""
    code = [p for d in BUILD_CODE_DIRS for p in sorted(d.rglob("*.py"))]
    return _files_digest(sorted(Path(extracts_dir).glob("*.csv")) + code)


def extracts_sha256(extracts_dir: Path = EXTRACTS_DIR) -> str:
    """SHA-256 of the committed extracts alone (each CSV's name and bytes, in name order): what the figures are."""
    return _files_digest(sorted(Path(extracts_dir).glob("*.csv")))


def data_version(built_at: str, extracts_digest: str) -> str:
    """The data version a build publishes: "<build date YYYY-MM-DD>.<first 12 hex of the extracts' SHA-256>"."""
    return f"{built_at[:10]}.{extracts_digest[:12]}"


def version_hash(version: object) -> str | None:
    """The extracts-hash part of a well-formed data version (a real date, a dot, 12 lower-case hex digits); None
    for anything else (a visitor's URL may hold any text)."""
    match = DATA_VERSION.fullmatch(version) if isinstance(version, str) else None
    if match is None:
        return None
    try:
        datetime.date.fromisoformat(match.group(1))
    except ValueError:
        return None
    return match.group(2)


def sha256_of(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


@dataclass(frozen=True)
class Version:
    """One built warehouse as the pointer records it."""

    file: str  # name inside the pointer's folder
    sha256: str
    size: int
    fingerprint: str  # of the extracts and build code it was built from
    built_at: str  # ISO time, UTC
    releases: int  # official releases (sources) it holds

    @classmethod
    def from_dict(cls, entry: dict) -> Version:
        version = cls(**{name: entry[name] for name in cls.__dataclass_fields__})
        if not VERSION_NAME.fullmatch(version.file) or not version.sha256.startswith(version.file[:16]):
            raise ValueError(f"unexpected file name {version.file!r}")
        return version


@dataclass(frozen=True)
class Pointer:
    current: Version | None
    previous: Version | None = None


def read_pointer(pointer: Path) -> Pointer | None:
    """The pointer's entries, or None when no build has been published; unreadable or garbled raises
    WarehouseUnavailable."""
    try:
        text = Path(pointer).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise WarehouseUnavailable(f"the warehouse pointer {pointer.name} cannot be read ({exc.strerror})") from None
    try:
        entries = json.loads(text)
        return Pointer(*(Version.from_dict(entries[k]) if entries.get(k) else None for k in ("current", "previous")))
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise WarehouseUnavailable(f"the warehouse pointer {pointer.name} is garbled ({exc})") from None


def verify(home: Path, version: Version) -> str | None:
    """None when the file is there with the recorded size and SHA-256; else what is wrong with it."""
    path = Path(home) / version.file
    try:
        size = path.stat().st_size
        if size != version.size:
            return f"has the wrong size ({size:,} bytes, recorded {version.size:,}): it is corrupt or was changed"
        if sha256_of(path) != version.sha256:
            return "fails its SHA-256 checksum: it is corrupt or was changed after it was built"
    except FileNotFoundError:
        return "is missing"
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    return None


def temp_path(home: Path) -> Path:
    """Where a build in progress writes (unique per process and thread; never named by the pointer)."""
    return Path(home) / f".build-{os.getpid()}-{threading.get_ident()}.tmp"


@contextlib.contextmanager
def _locked(home: Path):
    """One publisher at a time per folder (two processes building at once each publish whole, in turn)."""
    with open(Path(home) / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_pointer(pointer: Path, entries: Pointer) -> None:
    """Replace the pointer in one step (write a temporary file, flush it, os.replace)."""
    payload = {key: asdict(value) if value else None for key, value in vars(entries).items()}
    temp = pointer.with_name(f".{pointer.name}.{os.getpid()}.tmp")
    temp.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    _fsync(temp)
    os.replace(temp, pointer)
    _fsync(pointer.parent)


def publish(pointer: Path, built: Path, fingerprint: str, built_at: str, releases: int) -> Version:
    """Name a finished, checked build: hash it, rename it to its content-hash name, switch the pointer to it (the
    old current build, if still good, becomes the previous one) and delete older builds."""
    home = pointer.parent
    _fsync(built)
    digest = sha256_of(built)
    version = Version(f"{digest[:16]}.duckdb", digest, built.stat().st_size, fingerprint, built_at, releases)
    with _locked(home):
        os.replace(built, home / version.file)
        try:
            old = read_pointer(pointer)
        except WarehouseUnavailable:
            old = None
        candidates = [] if old is None else [old.current, old.previous]
        previous = next((v for v in candidates if v and v.file != version.file and verify(home, v) is None), None)
        write_pointer(pointer, Pointer(version, previous))
        prune(home, {version.file} | ({previous.file} if previous else set()))
    ignore = home / ".gitignore"  # the builds are not source: keep them out of git wherever the folder is
    if not ignore.exists():
        ignore.write_text("*\n")
    return version


def prune(home: Path, keep: set[str]) -> list[str]:
    """Delete builds the pointer no longer names, and temporary files of builds whose process has gone."""
    removed = []
    for path in Path(home).iterdir():
        temp = TEMP_NAME.fullmatch(path.name)
        if VERSION_NAME.fullmatch(path.name.removesuffix(".wal")) and path.name.removesuffix(".wal") not in keep:
            path.unlink(missing_ok=True)
            removed.append(path.name)
        elif temp and not _alive(int(temp.group(1))):
            path.unlink(missing_ok=True)
            removed.append(path.name)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
