"""Reference facts: the ten Core Cities, the Whole Place Leadership case studies and the publications' headline claims.

Reads the small hand-kept CSVs in ``../shared/data/reference`` (beside the raw folder) and checks them.
They are facts quoted from policy documents, with attribution, not official statistics.

The claims table also carries the project's own method for testing each claim (``CLAIM_METHODS`` below, merged in by
claim_id): the period the claim describes and the primary definition, each with its reason. These are methodological
choices declared before the verdicts were computed, not statistics, and live here, in the project, not in ../shared.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from indicators.data.paths import REFERENCE_DIR
from indicators.pipeline.spec import ExtractError, Source, to_number

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
METHOD_COLUMNS = ["period_described", "period_reason", "primary_definition", "primary_reason"]
# ------------------------------------------------------------------------------------------- claim methods
# For each claim: the period it describes (a publication describes the latest data available when it was written) and
# the primary definition its verdict rests on, chosen on the reasons given, before the verdicts were computed. The
# definition ids are those indicators.analysis.claims generates; an empty primary_definition means the data held
# here cannot test the claim, and primary_reason says why.

_WPL_DATE = (
    "Whole Place Leadership was published in the second half of 2016 (its foreword speaks of 'post Brexit "
    "Britain', so after the referendum of 23 June 2016); the month is not stated in the sources held here."
)
_CITY_REGIONS = (
    "City regions: the publication speaks for the cities with their wider city regions (the reference "
    "table reads 'wider city regions implied' for its headline economy figures), and Core Cities UK has "
    "long quoted its population and output for the cities with their surrounding areas."
)
_EUROSTAT_PERIOD = (
    _WPL_DATE + " Eurostat's regional GDP for 2015 was first published in 2017, so a 2016 "
    "publication describes 2014 at the latest. The only Eurostat metro-region data held here is for "
    "2021, so the test is on a later period than the claim's."
)
_EUROPEAN = (
    "GDP per resident, the only measure Eurostat publishes for metropolitan regions: not productivity (GVA per "
    "worker or per hour), so commuting and employment rates move it. The Core Cities' city regions combined "
    "(Σ GDP ÷ Σ residents) as 'the Core Cities' combined average', as for the publication's "
    "other figures. Converted at the European Central Bank's annual average rate for the data year, the "
    "official market rate for that year (not a purchasing-power parity)."
)
_NO_DATA = "Cannot be tested with the official data held here: "
_TOTAL_PLACE = (
    "The claim's year is available only in ONS country and regional public sector finances (the region's "
    "total managed expenditure, shared to the place by population). HM Treasury CRA identifiable spending, "
    "the closer concept, starts in 2011-12 here, so it is shown for a later period. CRPSF also counts "
    "spending that cannot be placed (defence, debt interest), which Total Place did not count."
)

CLAIM_METHODS: dict[str, dict[str, str]] = {
    "cc_gva_share": {
        "period_described": "2014",
        "period_reason": _WPL_DATE + " The latest regional GVA then was ONS's Regional GVA (income approach) of "
        "9 December 2015, with data to 2014; the next release, with 2015, was due in December 2016.",
        "primary_definition": "gva/city-region",
        "primary_reason": _CITY_REGIONS + " GVA at current basic prices, because in 2016 ONS published regional "
        "output as GVA; as a share of the UK less Extra-Regio (all local authorities), the total of ONS's regional "
        "tables.",
    },
    "cc_population": {
        "period_described": "2015",
        "period_reason": _WPL_DATE + " The latest mid-year population estimates then were for mid-2015, published by "
        "ONS in June 2016 (mid-2016 followed in June 2017).",
        "primary_definition": "city-region",
        "primary_reason": _CITY_REGIONS + " Resident population, mid-year estimates.",
    },
    "cc_productivity_gap": {
        "period_described": "2014",
        "period_reason": _WPL_DATE + " The latest subregional productivity then was ONS's Sub-regional productivity "
        "of March 2016 (GVA per hour worked and per filled job, including city regions), with data to 2014; the "
        "next release, with 2015, came in January 2017. The gap is therefore in pounds of 2014.",
        "primary_definition": "hour/city-region/uk/net",
        "primary_reason": "GVA per hour worked: ONS's preferred measure of labour productivity in its subregional "
        "releases (it allows for part-time work and differing hours). " + _CITY_REGIONS + " Benchmark: the UK (less "
        "Extra-Regio), because the claim names 'the national average'. Net gap: 'the Core Cities' productivity gap' "
        "is the gap of their combined average, (UK value − Core Cities value) × Core Cities hours; summing only the "
        "shortfalls of cities below the UK would answer a different question (lifting the laggards alone).",
    },
    "cc_tax_spend_gap": {
        "period_described": "2015-16",
        "period_reason": _WPL_DATE + " The latest full financial year of public spending outturn in the second half "
        "of 2016 was 2015-16 (HM Treasury's PESA of July 2016; the CRA 2016 database held here ends in 2015-16). "
        "ONS's country and regional public sector finances did not exist yet (first published in 2017); the test "
        "uses the current CRPSF vintage's figures for 2015-16.",
        "primary_definition": "city-region/default",
        "primary_reason": _CITY_REGIONS + " Net fiscal balance = spending − taxes, the claim's direction ('spending "
        "exceeds taxes'), on the tax-and-spend estimates' default apportionment keys (official CRPSF regional "
        "figures shared to councils; see Tax and spend); every other key combination gives the range.",
    },
    "intl_munich": {
        "period_described": "2014",
        "period_reason": _EUROSTAT_PERIOD,
        "primary_definition": "city-region/ecb",
        "primary_reason": _EUROPEAN,
    },
    "intl_frankfurt": {
        "period_described": "2014",
        "period_reason": _EUROSTAT_PERIOD,
        "primary_definition": "city-region/ecb",
        "primary_reason": _EUROPEAN,
    },
    "intl_rotterdam": {
        "period_described": "2014",
        "period_reason": _EUROSTAT_PERIOD,
        "primary_definition": "city-region/ecb",
        "primary_reason": _EUROPEAN,
    },
    "intl_barcelona": {
        "period_described": "2014",
        "period_reason": _EUROSTAT_PERIOD,
        "primary_definition": "city-region/ecb",
        "primary_reason": _EUROPEAN,
    },
    "scandi_local_income_tax": {
        "period_described": "c.2016",
        "period_reason": "As stated in the publication.",
        "primary_definition": "",
        "primary_reason": _NO_DATA + "the project holds no data on Scandinavian municipal income taxes.",
    },
    "tp_birmingham_total": {
        "period_described": "2008-09",
        "period_reason": "As stated: the Total Place counting exercise covered spending in 2008-09.",
        "primary_definition": "crpsf-tme/population",
        "primary_reason": _TOTAL_PLACE,
    },
    "tp_birmingham_council_share": {
        "period_described": "2008-09",
        "period_reason": "As stated in the publication.",
        "primary_definition": "",
        "primary_reason": _NO_DATA + "spending by public body (the city council's own spending) is not among the "
        "sources; CRPSF and CRA give spending by region and function, not by body.",
    },
    "tp_birmingham_pcts": {
        "period_described": "2008-09",
        "period_reason": "As stated in the publication.",
        "primary_definition": "",
        "primary_reason": _NO_DATA + "spending by Primary Care Trust is not among the sources.",
    },
    "tp_bdp_total": {
        "period_described": "2008-09",
        "period_reason": "As stated: the Total Place counting exercise covered spending in 2008-09.",
        "primary_definition": "crpsf-tme/population",
        "primary_reason": "Bournemouth, Dorset and Poole in 2008-09 (Bournemouth and Poole councils and Dorset County "
        "Council's area, which included Christchurch) is today's Bournemouth, Christchurch and Poole plus Dorset "
        "council areas (the 2019 reorganisation), so the two are summed. " + _TOTAL_PLACE,
    },
    "tp_bdp_local": {
        "period_described": "2008-09",
        "period_reason": "As stated in the publication.",
        "primary_definition": "",
        "primary_reason": _NO_DATA + "spending by local bodies is not among the sources.",
    },
    "ifs_cuts_4yr": {
        "period_described": "2011-12 to 2014-15",
        "period_reason": "As stated: an IFS forecast (February 2010) for those years.",
        "primary_definition": "",
        "primary_reason": _NO_DATA + "a forecast of planned real cuts to departmental spending; the sources hold no "
        "spending plans of 2010 or price deflators to test it against.",
    },
    "council_funding_gap_2526": {
        "period_described": "2025-26",
        "period_reason": "As stated in the publication.",
        "primary_definition": "",
        "primary_reason": _NO_DATA + "councils' spending pressures and funding forecasts are not among the sources.",
    },
    "council_funding_gap_2627": {
        "period_described": "2026-27",
        "period_reason": "As stated in the publication.",
        "primary_definition": "",
        "primary_reason": _NO_DATA + "councils' spending pressures and funding forecasts are not among the sources.",
    },
}

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
    return with_methods(frame, path).reset_index(drop=True)


def with_methods(frame: pd.DataFrame, path: Path, methods: dict[str, dict[str, str]] | None = None) -> pd.DataFrame:
    """The claims with their declared method columns (METHOD_COLUMNS); every claim needs one method and vice versa.

    A claim without a method fails naming its CSV row; a method for a claim not in the file fails naming the claim.
    """
    methods = CLAIM_METHODS if methods is None else methods
    for line, claim_id in frame["claim_id"].items():
        method = methods.get(claim_id)
        if method is None:
            raise ExtractError(path, f"claim {claim_id!r} has no declared method (reference.CLAIM_METHODS)", row=line)
        incomplete = [c for c in METHOD_COLUMNS if c not in method or (not method[c] and c != "primary_definition")]
        if incomplete:
            raise ExtractError(path, f"claim {claim_id!r}: declared method lacks {incomplete}", row=line)
    stale = sorted(set(methods) - set(frame["claim_id"]))
    if stale:
        raise ExtractError(path, f"methods declared for claims not in the file: {stale}")
    for column in METHOD_COLUMNS:
        frame[column] = [methods[claim_id][column] for claim_id in frame["claim_id"]]
    return frame
