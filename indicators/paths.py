"""Where things live: the repository's data folder and the optional raw official files."""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = REPO_ROOT / "data"
EXTRACTS_DIR = DATA_DIR / "extracts"
BOUNDARIES_DIR = DATA_DIR / "boundaries"
WAREHOUSE_PATH = Path(os.environ.get("CORE_CITIES_WAREHOUSE", DATA_DIR / "warehouse.duckdb"))
# The official releases sit beside the project (../shared/data/raw); only extraction and its tests read them.
RAW_DIR = Path(os.environ.get("CORE_CITIES_RAW_DIR", REPO_ROOT.parent / "shared" / "data" / "raw"))
REFERENCE_DIR = Path(os.environ.get("CORE_CITIES_REFERENCE_DIR", REPO_ROOT.parent / "shared" / "data" / "reference"))
