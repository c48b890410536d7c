"""Where things live: the repository's data folder and the optional raw official files."""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_ROOT / "data"
EXTRACTS_DIR = Path(os.environ.get("CORE_CITIES_EXTRACTS_DIR", DATA_DIR / "extracts"))
BOUNDARIES_DIR = DATA_DIR / "boundaries"


def warehouse_pointer(setting: str | os.PathLike) -> Path:
    """The pointer file a CORE_CITIES_WAREHOUSE value means: the value itself, except that a path ending in .duckdb
    (the setting's older meaning, one warehouse file) means the .json pointer of the same name beside it."""
    path = Path(setting)
    return path.with_suffix(".json") if path.suffix == ".duckdb" else path


# The warehouse: a small pointer file (JSON) naming the current checked build and the previous one, each with its
# SHA-256; the builds themselves are <content hash>.duckdb files in the pointer's folder (indicators/data/versions.py).
# CORE_CITIES_WAREHOUSE is the pointer's path; `python -m indicators build` writes there and the app reads there.
WAREHOUSE_POINTER = warehouse_pointer(os.environ.get("CORE_CITIES_WAREHOUSE", DATA_DIR / "warehouses" / "current.json"))
WAREHOUSE_HOME = WAREHOUSE_POINTER.parent
WAREHOUSE_PATH = WAREHOUSE_POINTER  # the older name, kept for callers that read it (a pointer, not a database)
# The official releases sit beside the project (../shared/data/raw); only extraction and its tests read them.
RAW_DIR = Path(os.environ.get("CORE_CITIES_RAW_DIR", REPO_ROOT.parent / "shared" / "data" / "raw"))
REFERENCE_DIR = Path(os.environ.get("CORE_CITIES_REFERENCE_DIR", REPO_ROOT.parent / "shared" / "data" / "reference"))
