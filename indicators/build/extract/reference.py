"""Reference facts: the ten Core Cities, the Whole Place Leadership case studies and the publications' headline claims.

Reads the small hand-kept CSVs in ``../shared/data/reference`` (beside the raw folder) and checks them.
They are facts quoted from policy documents, with attribution, not official statistics.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from indicators.build.spec import ExtractError, Source, to_number
from indicators.paths import REFERENCE_DIR

WHOLE_PLACE = "core_cities_whole_place_leadership_2016"
LOCALIST_FUTURE = "rsa_2020pst_localist_future_2010"
TRUSTING_PLACE = "lga_trusting_place_2025"
QUOTED = "quoted facts with attribution"

SOURCES = [
    Source(
        source_id=WHOLE_PLACE,
        publisher="Core Cities UK",
        title="Whole Place Leadership: Empowering Cities to Deliver",
        release="Core Cities UK, Whole Place Leadership (2016)",
        release_date="2016",
        vintage="2016",
        raw_files="../reference/core_cities.csv;../reference/case_studies.csv;../reference/claims.csv",
        licence=QUOTED,
        notes="Source of the Core Cities membership, the case studies and the cc_/intl_/scandi_ claims. "
        "The publication does not state its methods; the dashboard recomputes each claim from official data.",
    ),
    Source(
        source_id=LOCALIST_FUTURE,
        publisher="2020 Public Services Trust at the RSA",
        title="Delivering a Localist Future: A route-map for change",
        release="2020 Public Services Trust at the RSA, Delivering a Localist Future (March 2010)",
        release_date="2010-03",
        vintage="Mar 2010",
        raw_files="../reference/claims.csv",
        licence=QUOTED,
        notes="Total Place counting figures (Birmingham; Bournemouth, Dorset and Poole) and an IFS estimate it cites.",
    ),
    Source(
        source_id=TRUSTING_PLACE,
        publisher="Mutual Ventures and Re:State for the Local Government Association",
        title="Trusting place: Improving the lives of local people through place-based approaches",
        release="Mutual Ventures and Re:State for the LGA, Trusting place (July 2025)",
        release_date="2025-07",
        vintage="Jul 2025",
        raw_files="../reference/claims.csv",
        licence=QUOTED,
        notes="Council funding-gap figures for 2025-26 and 2026-27.",
    ),
]
INDICATORS: list = []
TABLES = {"core_cities": ("city",), "case_studies": ("case_id",), "claims": ("claim_id",)}

# Publication text in claims.csv -> source_id (matched on the text's start).
PUBLICATIONS = {
    "Core Cities UK, Whole Place Leadership": WHOLE_PLACE,
    "2020 Public Services Trust at the RSA, Delivering a Localist Future": LOCALIST_FUTURE,
    "Mutual Ventures and Re:State for the LGA, Trusting place": TRUSTING_PLACE,
}
CORE_CITY_COLUMNS = ["city", "lad_name", "lad_code", "nation_or_region", "itl1_code", "city_region_name", "note"]
CASE_STUDY_COLUMNS = ["city", "project", "policy_area", "featured_figures"]
CLAIM_COLUMNS = ["claim_id", "claim", "value", "unit", "period_as_stated", "geography_as_stated", "publication"]
LAD_CODE = re.compile(r"^[EWSN]\d{8}$")
ITL1_CODE = re.compile(r"^TL[C-N]$")


def reference_dir_for(raw_dir: Path) -> Path:
    """The reference folder beside the raw folder, else the configured REFERENCE_DIR."""
    beside = Path(raw_dir).parent / "reference"
    return beside if beside.is_dir() else REFERENCE_DIR


def extract(raw_dir: Path) -> dict[str, pd.DataFrame]:
    """The three reference tables."""
    return extract_reference(reference_dir_for(raw_dir))


def extract_reference(reference_dir: Path) -> dict[str, pd.DataFrame]:
    """The three reference tables from a given folder."""
    return {
        "core_cities": read_core_cities(reference_dir / "core_cities.csv"),
        "case_studies": read_case_studies(reference_dir / "case_studies.csv"),
        "claims": read_claims(reference_dir / "claims.csv"),
    }


def read_csv_text(path: Path, columns: list[str]) -> pd.DataFrame:
    """A reference CSV read as text (as published), with its expected columns checked."""
    if not path.exists():
        raise ExtractError(path, "file not found")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ExtractError(path, f"missing columns {missing}; found {list(frame.columns)}")
    frame = frame[columns].apply(lambda col: col.str.strip())
    frame.index = frame.index + 2  # CSV line number (line 1 is the header)
    return frame


def require_filled(frame: pd.DataFrame, columns: list[str], path: Path) -> None:
    """Fail naming the CSV row when a required cell is empty."""
    for line, row in frame.iterrows():
        empty = [c for c in columns if not row[c]]
        if empty:
            raise ExtractError(path, f"empty {empty}", row=line)


def require_unique(frame: pd.DataFrame, column: str, path: Path) -> None:
    """Fail naming the CSV row of the first repeated key."""
    repeated = frame[column].duplicated()
    if repeated.any():
        line = repeated[repeated].index[0]
        raise ExtractError(path, f"{column} {frame.at[line, column]!r} repeated", row=line)


def read_core_cities(path: Path) -> pd.DataFrame:
    """The ten Core Cities with checked LAD and ITL1 codes."""
    frame = read_csv_text(path, CORE_CITY_COLUMNS)
    require_filled(frame, CORE_CITY_COLUMNS[:-1], path)
    require_unique(frame, "city", path)
    for line, row in frame.iterrows():
        if not LAD_CODE.match(row["lad_code"]):
            raise ExtractError(path, f"bad lad_code {row['lad_code']!r}", row=line)
        if not ITL1_CODE.match(row["itl1_code"]):
            raise ExtractError(path, f"bad itl1_code {row['itl1_code']!r}", row=line)
    if len(frame) != 10:
        raise ExtractError(path, f"expected the ten Core Cities, found {len(frame)} rows")
    frame["source_id"] = WHOLE_PLACE
    return frame.reset_index(drop=True)


def case_id(city: str, project: str) -> str:
    """Stable slug of city and project, e.g. 'leeds-storm-eva-flood-response'."""
    text = f"{city} {project}".lower().replace("&", " and ").replace("'", "").replace("\u2019", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def read_case_studies(path: Path) -> pd.DataFrame:
    """Case studies with a case_id slug in front."""
    frame = read_csv_text(path, CASE_STUDY_COLUMNS)
    require_filled(frame, ["city", "project", "policy_area"], path)
    frame.insert(0, "case_id", [case_id(c, p) for c, p in zip(frame["city"], frame["project"])])
    require_unique(frame, "case_id", path)
    frame["source_id"] = WHOLE_PLACE
    return frame.reset_index(drop=True)


def publication_source(text: str, path: Path, line: int) -> str:
    """source_id of a claim's publication."""
    for start, source_id in PUBLICATIONS.items():
        if text.startswith(start):
            return source_id
    raise ExtractError(path, f"unknown publication {text!r}", row=line)


def read_claims(path: Path) -> pd.DataFrame:
    """Claims as published (value kept as its text), each checked numeric and tied to a source_id."""
    frame = read_csv_text(path, CLAIM_COLUMNS)
    require_filled(frame, CLAIM_COLUMNS, path)
    require_unique(frame, "claim_id", path)
    for line, value in frame["value"].items():
        to_number(value, path, None, line)  # raises, naming the row, if not a number
    frame["source_id"] = [publication_source(t, path, line) for line, t in frame["publication"].items()]
    return frame.reset_index(drop=True)
